/**
 * SigV4 signing, delegated to aws4fetch: the runtime's only dependency. Header-signed (no
 * presigned URLs), payload hashed, service and Region given (never guessed from the host), one
 * signing-key cache per client.
 *
 * @module
 */

// A module imported by URL cannot see our deno.json import map, so this one line names the
// package in full; every other file imports aws4fetch through here.
// deno-lint-ignore no-import-prefix
import { AwsV4Signer } from "npm:aws4fetch@1.0.20";

/** What aws4fetch's `AwsV4Signer` is built from. */
type AwsV4SignerInit = ConstructorParameters<typeof AwsV4Signer>[0];

/** AWS credentials; the secret never leaves this process except as a signature. */
export interface Credentials {
  /** Access key id, e.g. `AKIAIOSFODNN7EXAMPLE`. */
  accessKeyId: string;
  /** Secret access key: used to derive the signing key, never sent. */
  secretAccessKey: string;
  /** Session token of temporary credentials (STS), sent as `X-Amz-Security-Token`. */
  sessionToken?: string | undefined;
  /** When temporary credentials stop working; the client refreshes them 5 minutes before. */
  expiration?: Date | undefined;
}

/** What to sign and for which service and region; the region is never guessed from the host. */
export interface SigningParams {
  method: string;
  /** Absolute URL; path and query already percent-encoded. */
  url: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body?: string | Uint8Array | undefined;
  credentials: Credentials;
  /** The client's signing-key cache. */
  keys: SigningKeyCache;
  service: string;
  region: string;
  /** Signing time as `YYYYMMDDTHHMMSSZ`; default now. */
  datetime?: string;
}

/**
 * The SigV4 signing key of one client, as aws4fetch's `AwsV4Signer` reads and writes its `cache`
 * (keyed by secret, day, Region and service): it saves the four derivation HMACs on every
 * request. Unlike aws4fetch's `AwsClient` cache it keeps only the latest key, so a long-lived
 * client with rotating credentials does not collect one per secret and day. Key and scope are
 * private: the scope holds the secret, and `console.log(client)` must not show it.
 */
export class SigningKeyCache {
  #scope?: string;
  #key?: ArrayBuffer;

  /** The key of `scope` when it is the one kept, else `undefined`. */
  get(scope: string): ArrayBuffer | undefined {
    return scope === this.#scope ? this.#key : undefined;
  }

  /** Keeps `key` for `scope`, replacing the key kept before. */
  set(scope: string, key: ArrayBuffer): this {
    this.#scope = scope;
    this.#key = key;
    return this;
  }
}

/**
 * What the client passes its `fetch`: `method`, the `headers` with the signature (a plain
 * object, lower-case names), `body` (absent, a string or bytes) and, when the call can be
 * aborted, `signal`.
 */
export type FetchInit = RequestInit & { method: string; headers: Record<string, string> };

/** A signed request as `fetch(url, init)` takes it. */
export interface SignedRequest {
  /** Absolute URL, as signed. */
  url: string;
  /**
   * Method, the headers with the signature (`authorization`, `x-amz-date`; lower-case names, a
   * plain object) and the body.
   */
  init: FetchInit;
}

/**
 * Signs a request. It comes back as `fetch`'s two arguments rather than a `Request`: `fetch`
 * builds its own `Request` from whatever it is given, so building one here would be done twice
 * per attempt (costly on Node, whose `Request` wraps the body in a stream).
 *
 * @throws {TypeError} `params.url` is not an absolute URL, or `Headers` refuses a header value
 */
export async function signRequest(params: SigningParams): Promise<SignedRequest> {
  const { credentials, keys, body, ...rest } = params;
  // aws4fetch types its options without `| undefined` (exactOptionalPropertyTypes refuses an
  // undefined sessionToken or body), but reads an undefined one as absent.
  const signed = await new AwsV4Signer({
    ...rest,
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    sessionToken: credentials.sessionToken,
    // aws4fetch's `cache` is typed as a Map, but it only calls get and set.
    cache: keys as unknown as Map<string, ArrayBuffer>,
    body: body as BodyInit | undefined,
  } as AwsV4SignerInit).sign();
  // A plain object, not aws4fetch's `Headers`: Deno's `Request` takes a record in half the time.
  const headers: Record<string, string> = {};
  signed.headers.forEach((value, name) => headers[name] = value);
  return {
    url: signed.url.toString(),
    // Undefined for a request without one: fetch reads it as absent (RequestInit has no
    // `| undefined` for exactOptionalPropertyTypes).
    init: { method: signed.method, headers, body: body as BodyInit },
  };
}
