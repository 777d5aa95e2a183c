/**
 * `Content-MD5` for `@httpChecksumRequired` operations. WebCrypto has no MD5, so this is a
 * small RFC 1321 implementation; only bundles of such operations carry it.
 *
 * @module
 */

import type { HttpRequest } from "./http.ts";
import { toBase64 } from "./serde.ts";

// Per-round shift amounts and the sine-derived constants of RFC 1321.
const S = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
const K = Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32));

/** The MD5 digest of some bytes. */
export function md5(input: Uint8Array): Uint8Array {
  const length = ((input.length + 8) >> 6 << 6) + 64;
  const bytes = new Uint8Array(length);
  bytes.set(input);
  bytes[input.length] = 0x80;
  const view = new DataView(bytes.buffer);
  view.setUint32(length - 8, input.length * 8, true);
  view.setUint32(length - 4, Math.floor(input.length / 2 ** 29), true);
  const h = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];
  for (let block = 0; block < length; block += 64) {
    let [a, b, c, d] = h;
    for (let i = 0; i < 64; i++) {
      const round = i >> 4;
      const f = round === 0
        ? (b & c) | (~b & d)
        : round === 1
        ? (d & b) | (~d & c)
        : round === 2
        ? b ^ c ^ d
        : c ^ (b | ~d);
      const g = round === 0
        ? i
        : round === 1
        ? (5 * i + 1) % 16
        : round === 2
        ? (3 * i + 5) % 16
        : (7 * i) % 16;
      const sum = (a + f + K[i] + view.getUint32(block + g * 4, true)) | 0;
      const shift = S[round * 4 + (i % 4)];
      [a, d, c] = [d, c, b];
      b = (b + ((sum << shift) | (sum >>> (32 - shift)))) | 0;
    }
    h[0] = (h[0] + a) | 0;
    h[1] = (h[1] + b) | 0;
    h[2] = (h[2] + c) | 0;
    h[3] = (h[3] + d) | 0;
  }
  const out = new Uint8Array(16);
  const outView = new DataView(out.buffer);
  h.forEach((word, i) => outView.setUint32(i * 4, word, true));
  return out;
}

/** Sets `Content-MD5` (base64 of the body's MD5) on a request. */
export function contentMd5(request: HttpRequest): Promise<void> {
  const body = typeof request.body === "string"
    ? new TextEncoder().encode(request.body)
    : request.body ?? new Uint8Array();
  request.headers["content-md5"] = toBase64(md5(body));
  return Promise.resolve();
}
