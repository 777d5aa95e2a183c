/**
 * SigV4 signing, delegated to aws4fetch: the runtime's only dependency.
 *
 * @module
 */

// A module imported by URL cannot see our deno.json import map, so this one line names the
// package in full; every other file imports aws4fetch through here.
// deno-lint-ignore no-import-prefix
import { AwsV4Signer } from "npm:aws4fetch@1.0.20";

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
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  credentials: Credentials;
  service: string;
  region: string;
  /** Signing time as `YYYYMMDDTHHMMSSZ`; default now. */
  datetime?: string;
}

/** Signs a request and returns it ready to hand to `fetch`. */
export async function signRequest(params: SigningParams, signal?: AbortSignal): Promise<Request> {
  const { credentials, body, ...rest } = params;
  const signed = await new AwsV4Signer({ ...rest, ...credentials, body: body as BodyInit }).sign();
  return new Request(signed.url, {
    method: signed.method,
    headers: signed.headers,
    body: signed.body as BodyInit | undefined,
    signal,
  });
}
