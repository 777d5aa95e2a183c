/**
 * SHA-256 (FIPS 180-4) and HMAC-SHA-256 (RFC 2104), synchronous, for SigV4. WebCrypto has both,
 * but only behind a promise, and on Node and Deno each digest is a round trip to a thread pool
 * that costs more than hashing a request's few hundred bytes here; signing needs two hashes and
 * one HMAC per request. sha256_test.ts checks both against WebCrypto.
 *
 * @module
 */

/** Fractional bits of the square roots (H) and cube roots (K) of the first primes (§4.2.2, 5.3.3). */
const H: number[] = [];
const K = new Int32Array(64);
let primes = 0;
for (let n = 2; primes < 64; n++) {
  let prime = true;
  for (let d = 2; d * d <= n; d++) if (n % d == 0) prime = false;
  if (prime) {
    if (H.length < 8) H.push((n ** 0.5 % 1) * 2 ** 32 | 0);
    K[primes++] = (Math.cbrt(n) % 1) * 2 ** 32 | 0;
  }
}

const W = new Int32Array(64);

/** The SHA-256 digest of `data` (32 bytes). */
export function sha256(data: Uint8Array): Uint8Array {
  const length = data.length;
  // Message, a 1 bit, zeros, and the 64-bit bit length, in big-endian 32-bit words.
  const words = new Int32Array(((length + 8) >> 6 << 4) + 16);
  for (let i = 0; i < length; i++) words[i >> 2] |= data[i] << (24 - (i & 3) * 8);
  words[length >> 2] |= 0x80 << (24 - (length & 3) * 8);
  words[words.length - 2] = length / 2 ** 29;
  words[words.length - 1] = length << 3;
  let h0 = H[0], h1 = H[1], h2 = H[2], h3 = H[3], h4 = H[4], h5 = H[5], h6 = H[6], h7 = H[7];
  for (let block = 0; block < words.length; block += 16) {
    for (let i = 0; i < 16; i++) W[i] = words[block + i];
    for (let i = 16; i < 64; i++) {
      const x = W[i - 15], y = W[i - 2];
      W[i] = ((x >>> 7 | x << 25) ^ (x >>> 18 | x << 14) ^ x >>> 3) + W[i - 16] +
        ((y >>> 17 | y << 15) ^ (y >>> 19 | y << 13) ^ y >>> 10) + W[i - 7];
    }
    let a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, k = h7;
    for (let i = 0; i < 64; i++) {
      const t1 = k + ((e >>> 6 | e << 26) ^ (e >>> 11 | e << 21) ^ (e >>> 25 | e << 7)) +
          (e & f ^ ~e & g) + K[i] + W[i] | 0;
      const t2 = ((a >>> 2 | a << 30) ^ (a >>> 13 | a << 19) ^ (a >>> 22 | a << 10)) +
          (a & b ^ a & c ^ b & c) | 0;
      k = g, g = f, f = e, e = d + t1 | 0, d = c, c = b, b = a, a = t1 + t2 | 0;
    }
    h0 = h0 + a | 0, h1 = h1 + b | 0, h2 = h2 + c | 0, h3 = h3 + d | 0;
    h4 = h4 + e | 0, h5 = h5 + f | 0, h6 = h6 + g | 0, h7 = h7 + k | 0;
  }
  const h = [h0, h1, h2, h3, h4, h5, h6, h7];
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = h[i >> 2] >>> (24 - (i & 3) * 8);
  return out;
}

/** HMAC-SHA-256 of `data` under `key` (32 bytes). */
export function hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
  if (key.length > 64) key = sha256(key);
  const inner = new Uint8Array(64 + data.length);
  const outer = new Uint8Array(96);
  for (let i = 0; i < 64; i++) {
    inner[i] = key[i] ^ 0x36; // past the key's end, undefined ^ 0x36 = 0x36: zero padding
    outer[i] = key[i] ^ 0x5c;
  }
  inner.set(data, 64);
  outer.set(sha256(inner), 64);
  return sha256(outer);
}
