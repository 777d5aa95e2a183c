/**
 * SigV4 signing, delegated to aws4fetch (the runtime's only dependency), with the signing key
 * derived once per secret, day, Region and service and kept by the client.
 *
 * @module
 */

// A module imported by URL cannot see our deno.json import map, so this one line names the
// package in full; every other file imports aws4fetch through here.
// deno-lint-ignore no-import-prefix
import { AwsV4Signer } from "npm:aws4fetch@1.0.20";

/** AWS credentials; the secret never leaves this process except as a signature. */
export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** What to sign and for which service and region; the region is never guessed from the host. */
export interface SigningParams {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  credentials: Credentials;
  service: string;
  region: string;
  /** Signing time as `YYYYMMDDTHHMMSSZ`; default now. */
  datetime?: string;
}

const encoder = new TextEncoder();

const hmacKey = (secret: BufferSource) =>
  crypto.subtle.importKey("raw", secret, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);

const hmac = async (key: BufferSource, data: string) =>
  crypto.subtle.sign("HMAC", await hmacKey(key), encoder.encode(data));

/**
 * The SigV4 signing key of one client: `kSigning` = HMAC chain of `AWS4` + secret over the day,
 * Region, service and `aws4_request` (AWS Signature Version 4, "Calculate the signature"),
 * imported once as a WebCrypto key. Like aws4fetch's `AwsClient` cache, it saves the four
 * derivation HMACs on every request; unlike it, it keeps only the latest key (one per client
 * whatever the number of rotated credentials or days) and the imported `CryptoKey`, so each
 * request costs one HMAC and no key import. Concurrent requests share one derivation.
 */
export class SigningKeyCache {
  #scope?: string;
  #key?: Promise<CryptoKey>;

  /** The key for `secret` on `date` (`YYYYMMDD`) in `region` for `service`. */
  key(secret: string, date: string, region: string, service: string): Promise<CryptoKey> {
    const scope = `${secret}\n${date}\n${region}\n${service}`;
    if (scope !== this.#scope || !this.#key) {
      this.#scope = scope;
      const derived = this.#key = derive(secret, date, region, service);
      // A failed derivation is not kept: the next request tries again.
      derived.catch(() => this.#key === derived && (this.#key = undefined));
    }
    return this.#key;
  }
}

async function derive(secret: string, date: string, region: string, service: string) {
  let key = await hmac(encoder.encode(`AWS4${secret}`), date);
  for (const part of [region, service, "aws4_request"]) key = await hmac(key, part);
  return hmacKey(key);
}

/** aws4fetch's signer with the final HMAC keyed from a {@linkcode SigningKeyCache}. */
class CachedKeySigner extends AwsV4Signer {
  #keys: SigningKeyCache;

  constructor(init: ConstructorParameters<typeof AwsV4Signer>[0], keys: SigningKeyCache) {
    super(init);
    this.#keys = keys;
  }

  override async signature(): Promise<string> {
    const [key, stringToSign] = await Promise.all([
      this.#keys.key(this.secretAccessKey, this.datetime.slice(0, 8), this.region, this.service),
      this.stringToSign(),
    ]);
    return hex(await crypto.subtle.sign("HMAC", key, encoder.encode(stringToSign)));
  }
}

function hex(buffer: ArrayBuffer): string {
  let out = "";
  for (const byte of new Uint8Array(buffer)) out += (byte + 256).toString(16).slice(1);
  return out;
}

/**
 * The signing-key cache of each credentials object (static credentials: one per client).
 * Phase-1 stand-in until the client passes its own cache.
 */
const cacheOf = new WeakMap<Credentials, SigningKeyCache>();

/** Signs a request and returns it ready to hand to `fetch`. */
export async function signRequest(params: SigningParams, signal?: AbortSignal): Promise<Request> {
  const { credentials, body, ...rest } = params;
  let keys = cacheOf.get(credentials);
  if (!keys) cacheOf.set(credentials, keys = new SigningKeyCache());
  const signed = await new CachedKeySigner(
    { ...rest, ...credentials, body: body as BodyInit | undefined },
    keys,
  ).sign();
  return new Request(signed.url, {
    method: signed.method,
    headers: signed.headers,
    body: signed.body,
    signal,
  });
}
