/**
 * SHA-256 and HMAC-SHA-256 against WebCrypto: every length across the padding and block
 * boundaries, seeded random data, long keys (hashed first) and FIPS 180-4's "abc" example.
 */

import assert from "node:assert/strict";
import { hmacSha256, sha256 } from "./sha256.ts";

/** Deterministic bytes from a seed (mulberry32). */
function bytes(length: number, seed: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length);
  let t = seed >>> 0;
  for (let i = 0; i < length; i++) {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), t | 1);
    r ^= r + Math.imul(r ^ (r >>> 7), r | 61);
    out[i] = (r ^ (r >>> 14)) >>> 24;
  }
  return out;
}

const webDigest = async (data: Uint8Array<ArrayBuffer>) =>
  new Uint8Array(await crypto.subtle.digest("SHA-256", data));

async function webHmac(key: Uint8Array<ArrayBuffer>, data: Uint8Array<ArrayBuffer>) {
  const k = await crypto.subtle.importKey(
    "raw",
    key,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return new Uint8Array(await crypto.subtle.sign("HMAC", k, data));
}

Deno.test("sha256 of FIPS 180-4's example 'abc'", () => {
  const hex = [...sha256(new TextEncoder().encode("abc"))]
    .map((b) => b.toString(16).padStart(2, "0")).join("");
  assert.equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
});

Deno.test("sha256 equals WebCrypto's for every length 0…300 and some long inputs", async () => {
  const lengths = [...Array(301).keys(), 1000, 4095, 4096, 65_537, 1_000_003];
  for (const length of lengths) {
    const data = bytes(length, length);
    assert.deepEqual(sha256(data), await webDigest(data), `length ${length}`);
  }
});

Deno.test("hmacSha256 equals WebCrypto's for short, block-sized and long keys", async () => {
  for (const keyLength of [1, 4, 20, 32, 63, 64, 65, 100, 200]) {
    for (const dataLength of [0, 1, 55, 56, 64, 119, 120, 500]) {
      const key = bytes(keyLength, keyLength * 1000 + 1);
      const data = bytes(dataLength, dataLength + 7);
      assert.deepEqual(
        hmacSha256(key, data),
        await webHmac(key, data),
        `key ${keyLength} B, data ${dataLength} B`,
      );
    }
  }
});
