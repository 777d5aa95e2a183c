/**
 * AWS Signature Version 4 for the requests this runtime sends: header-signed (no presigned
 * URLs), payload hashed, service and Region given (never guessed from the host), one signing
 * key per client, synchronous (runtime/sha256.ts says why). Canonicalisation follows aws4fetch
 * 1.0.20 for non-S3 services; signer_test.ts checks that both produce the same `Authorization`
 * header, and that the emulator's `@smithy/signature-v4` verifier accepts it.
 *
 * Rules: AWS Signature Version 4, "Create a canonical request", "Create a string to sign",
 * "Calculate the signature" (AWS IAM User Guide).
 *
 * @module
 */

import { encodeLabel, encodeQuery } from "./serde.ts";
import { hmacSha256, sha256 } from "./sha256.ts";

/** AWS credentials; the secret never leaves this process except as a signature. */
export interface Credentials {
  /** Access key id, e.g. `AKIAIOSFODNN7EXAMPLE`. */
  accessKeyId: string;
  /** Secret access key: used to derive the signing key, never sent. */
  secretAccessKey: string;
  /** Session token of temporary credentials (STS), sent as `X-Amz-Security-Token`. */
  sessionToken?: string;
  /** When temporary credentials stop working; the client refreshes them 5 minutes before. */
  expiration?: Date;
}

/** What to sign and for which service and region; the region is never guessed from the host. */
export interface SigningParams {
  method: string;
  /** Absolute URL; path and query already percent-encoded. */
  url: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body?: string | Uint8Array;
  credentials: Credentials;
  /** The client's signing-key cache. */
  keys: SigningKeyCache;
  service: string;
  region: string;
  /** Signing time as `YYYYMMDDTHHMMSSZ`; default now. */
  datetime?: string;
}

const encoder = new TextEncoder();
const utf8 = (text: string | Uint8Array) => typeof text == "string" ? encoder.encode(text) : text;
const hmac = (key: Uint8Array, data: string) => hmacSha256(key, encoder.encode(data));
const sha256Hex = (data: string | Uint8Array) => hex(sha256(utf8(data)));

function hex(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) out += (byte + 256).toString(16).slice(1);
  return out;
}

/**
 * The SigV4 signing key of one client: `kSigning` = HMAC chain of `AWS4` + secret over the day,
 * Region, service and `aws4_request`. Like aws4fetch's `AwsClient` cache, it saves the four
 * derivation HMACs on every request; unlike it, it keeps only the latest key: one per client
 * whatever the number of rotated credentials or days.
 */
export class SigningKeyCache {
  #scope?: string;
  #key?: Uint8Array;

  /** The key for `secret` on `date` (`YYYYMMDD`) in `region` for `service`. */
  key(secret: string, date: string, region: string, service: string): Uint8Array {
    const scope = `${secret}\n${date}\n${region}\n${service}`;
    if (scope !== this.#scope || !this.#key) {
      let key = hmac(encoder.encode(`AWS4${secret}`), date);
      for (const part of [region, service, "aws4_request"]) key = hmac(key, part);
      this.#scope = scope;
      this.#key = key;
    }
    return this.#key;
  }
}

/** Headers left unsigned because proxies and fetch implementations may change them. */
const UNSIGNED =
  /^(authorization|content-type|content-length|user-agent|presigned-expires|expect|x-amzn-trace-id|range|connection)$/;

/**
 * Adds `x-amz-date`, `x-amz-security-token` (with a session token) and `authorization` to a
 * copy of `params.headers` and returns the signed headers.
 */
export function signHeaders(params: SigningParams): Record<string, string> {
  const { credentials, keys, service, region } = params;
  const datetime = params.datetime ?? new Date().toISOString().replace(/[:-]|\.\d+/g, "");
  const url = new URL(params.url);
  const headers: Record<string, string> = { ...params.headers, "x-amz-date": datetime };
  if (credentials.sessionToken) headers["x-amz-security-token"] = credentials.sessionToken;
  const signed = ["host", ...Object.keys(headers).filter((name) => !UNSIGNED.test(name))].sort();
  const scope = `${datetime.slice(0, 8)}/${region}/${service}/aws4_request`;
  // Non-S3 services sign the path percent-encoded once more, with repeated slashes collapsed.
  const path = encodeLabel(url.pathname.replace(/\/+/g, "/"), true);
  const query = [...url.searchParams]
    .filter(([key]) => key)
    .map(([key, value]) => [encodeQuery(key), encodeQuery(value)])
    .sort(([k1, v1], [k2, v2]) => k1 < k2 ? -1 : k1 > k2 ? 1 : v1 < v2 ? -1 : v1 > v2 ? 1 : 0)
    .map((pair) => pair.join("="))
    .join("&");
  const canonicalRequest = [
    params.method.toUpperCase(),
    path,
    query,
    signed.map((name) =>
      `${name}:${name == "host" ? url.host : headers[name].trim().replace(/\s+/g, " ")}\n`
    ).join(""),
    signed.join(";"),
    sha256Hex(params.body ?? ""),
  ].join("\n");
  const signature = hmac(
    keys.key(credentials.secretAccessKey, datetime.slice(0, 8), region, service),
    `AWS4-HMAC-SHA256\n${datetime}\n${scope}\n${sha256Hex(canonicalRequest)}`,
  );
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, ` +
    `SignedHeaders=${signed.join(";")}, Signature=${hex(signature)}`;
  return headers;
}

/**
 * Signs a request and returns it ready to hand to `fetch`.
 *
 * @throws {TypeError} `params.url` is not an absolute URL, or `Request` refuses the parts
 */
export function signRequest(params: SigningParams, signal?: AbortSignal): Request {
  return new Request(params.url, {
    method: params.method,
    headers: signHeaders(params),
    body: params.body as BodyInit | undefined,
    signal,
  });
}
