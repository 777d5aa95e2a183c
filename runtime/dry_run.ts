/**
 * `buildSignedRequest`: a call validated, serialized and signed as its first attempt would be,
 * returned as a `Request` instead of sent. Its code is in a bundle only with it: `send` sees no
 * more than an option it passes (`DRY_RUN`).
 *
 * @module
 */

import { type Call, secure } from "./call.ts";
import type { CallOptions } from "./call_options.ts";
import type { Client } from "./client.ts";
import { SigningError, ValidationError } from "./errors.ts";
import { describe } from "./plain_objects.ts";
import { sign, signingError } from "./request_signing.ts";
import { abortable } from "./retry.ts";

/**
 * The call option `buildSignedRequest` passes through an operation function: what to do instead
 * of sending. A function, so that its code is in a bundle only with `buildSignedRequest`.
 */
const DRY_RUN = Symbol("dryRun");

/** What a dry run does instead of the attempts: `send` calls it with the call, ready to sign. */
export type DryRun = (
  call: Call<unknown, unknown>,
  signal: AbortSignal | undefined,
  options: CallOptions,
) => Promise<Request>;

/** The dry run `buildSignedRequest` passed in `options`, if any. */
export const dryRunOf = (options: CallOptions | undefined): DryRun | undefined =>
  (options as { [DRY_RUN]?: DryRun } | undefined)?.[DRY_RUN];

/**
 * Validates, serializes and signs a call as `operation` would send it on its first attempt,
 * and returns the `Request` without sending it: for presigning, debugging and tests.
 *
 * @example
 * ```ts ignore
 * const request = await buildSignedRequest(client, startCopyJob, input);
 * console.log(request.method, request.url, request.headers.get("authorization"));
 * ```
 *
 * @throws {ValidationError} the input or the credentials are invalid; `operation` is not a
 *   function (e.g. its name: the issue names `operation` and the function meant)
 * @throws {SigningError} the request could not be signed (or, by `buildSignedRequest`, built)
 */
export function buildSignedRequest<C extends Client, I>(
  client: C,
  operation: (client: C, input: I, options?: CallOptions) => Promise<unknown>,
  input: I,
  options: CallOptions = {},
): Promise<Request> {
  if (typeof operation !== "function") {
    // A name is the usual mistake: its function is the name in camelCase (no table of names
    // here, which would put every operation's name into a one-operation bundle).
    const name = typeof operation === "string" && /^[A-Za-z]\w*$/.test(operation)
      ? ` ${(operation as string)[0].toLowerCase()}${(operation as string).slice(1)}`
      : "";
    return Promise.reject(
      new ValidationError("buildSignedRequest call", [{
        path: "operation",
        message: `must be an operation function such as startCopyJob, not ${describe(operation)}${
          name && `; did you mean the function${name} (import {${name} })?`
        }`,
      }]),
    );
  }
  const dryRun: DryRun = signFirstAttempt;
  return operation(client, input, { ...options, [DRY_RUN]: dryRun } as CallOptions) as Promise<
    never
  >;
}

/** The first attempt's `Request`, signed and not sent (see {@linkcode buildSignedRequest}). */
async function signFirstAttempt(
  call: Call<unknown, unknown>,
  signal: AbortSignal | undefined,
  options: CallOptions,
): Promise<Request> {
  call.metadata.attempts = 1;
  const credentials = call.credentials = await call.client.credentials(signal);
  try {
    const { url, init } = await abortable(sign(call, credentials), signal);
    // The Request outlives this call: it carries the caller's signal, not the call's own
    // (disposed when the call returns).
    return new Request(url, { ...init, signal: options.signal ?? null });
  } catch (e) {
    if (signal?.aborted) throw signal.reason;
    throw secure(call, e instanceof SigningError ? e : signingError(call, e));
  }
}
