/**
 * The request of one attempt: its URL (endpoint, path and query), signed with SigV4 by the
 * clock the client trusts, with the SDK's informational headers, never following redirects.
 *
 * @module
 */

import { type Call, callError, messageOf } from "./call.ts";
import type { Credentials } from "./credentials.ts";
import { SigningError } from "./errors.ts";
import type { HttpRequest } from "./http.ts";
import { encodeQuery } from "./serde.ts";
import { type SignedRequest, signRequest } from "./signer.ts";
import { VERSION } from "./version.ts";

/** Sent as `x-amz-user-agent`, and as `User-Agent` where a page does not forbid it. */
export const USER_AGENT = `backup-edge/${VERSION}`;

// Browsers (pages and their workers) do not let a script set User-Agent, or send it only
// after a CORS preflight that would have to allow it.
const SET_USER_AGENT = !("document" in globalThis) && !("importScripts" in globalThis);

/** Joins the endpoint, the request path and the query; the endpoint may carry a base path. */
export function requestUrl(endpoint: string, request: HttpRequest): string {
  const url = new URL(endpoint);
  if (request.hostPrefix) url.hostname = request.hostPrefix + url.hostname;
  const query = request.query.map(([k, v]) => `${encodeQuery(k)}=${encodeQuery(v)}`).join("&");
  const [path, literalQuery] = request.path.split("?");
  const search = [literalQuery, query].filter(Boolean).join("&");
  return url.origin + url.pathname.replace(/\/$/, "") + path + (search ? `?${search}` : "");
}

/**
 * Signs the request for the current attempt and adds the SDK's informational headers
 * (`amz-sdk-request` counts attempts). Redirects are not followed (`redirect: "manual"`): AWS
 * does not redirect these APIs, and a redirect would carry the signed request, the session
 * token and the body to whatever origin it names. Deno, Node (undici), Bun and workerd then
 * resolve with the 3xx response itself, browsers with an opaque one (status 0); workerd does
 * not support `"error"`.
 */
export async function sign<I, O>(
  call: Call<I, O>,
  credentials: Credentials,
): Promise<SignedRequest> {
  const { client, request, metadata } = call;
  call.signedOffsetMs = client.clockOffsetMs;
  let signed: SignedRequest;
  try {
    signed = await signRequest({
      method: request.method,
      url: call.url,
      headers: { ...request.headers, "x-amz-user-agent": USER_AGENT },
      body: request.body,
      credentials,
      keys: client.signingKeys,
      service: client.service.signingName,
      region: client.region,
      datetime: new Date(Date.now() + client.clockOffsetMs).toISOString().replace(
        /[:-]|\.\d+/g,
        "",
      ),
    });
  } catch (e) {
    throw signingError(call, e);
  }
  signed.init.redirect = "manual";
  // Added unsigned: SigV4 asks for `host` and every `x-amz-*` header to be signed, not these;
  // they carry no authority, and each header aws4fetch signs costs several microseconds of
  // `Headers` work per attempt on Deno and workerd (`deno task bench`). User-Agent is never
  // signed (aws4fetch leaves it out), so a proxy may rewrite it.
  const headers = signed.init.headers;
  headers["amz-sdk-invocation-id"] = call.invocationId;
  headers["amz-sdk-request"] = `attempt=${metadata.attempts}; max=${client.maxAttempts}`;
  if (SET_USER_AGENT) headers["user-agent"] = USER_AGENT;
  return signed;
}

/** A failure to sign (or build) the request, as the call's {@linkcode SigningError}. */
export function signingError<I, O>(call: Call<I, O>, e: unknown): SigningError {
  return callError(
    SigningError,
    call.operation.name,
    call.metadata,
    `cannot sign: ${messageOf(e)}`,
    {
      cause: e,
    },
  );
}
