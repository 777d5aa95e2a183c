/**
 * One logical call: validate, serialize once, then per attempt get credentials, sign, fetch,
 * read and parse, and retry what is retryable and safe to repeat (see `retry.ts`). Every await
 * gives way to the caller's signal at once; every failure is typed.
 *
 * @module
 */

import { type Answer, type Call, callError, messageOf, secure } from "./call.ts";
import { callDeadline, type CallOptions, type Deadline, withTimeout } from "./call_options.ts";
import { checkClient, type Client } from "./client.ts";
import { correctClock } from "./clock_correction.ts";
import { refreshCredentials } from "./credential_refresh.ts";
import type { Credentials } from "./credentials.ts";
import { dryRunOf } from "./dry_run.ts";
import {
  CallError,
  DeserializationError,
  NetworkError,
  OutcomeUnknownError,
  RequestTimeoutError,
  type ResponseMetadata,
  type ServiceException,
  ValidationError,
} from "./errors.ts";
import { observation, type RetryReason } from "./observe.ts";
import type { OperationSpec } from "./operation_spec.ts";
import { describe } from "./plain_objects.ts";
import { readOutput } from "./read_output.ts";
import { requestUrl, sign } from "./request_signing.ts";
import { abortable, retryAfterMs, type RetryFailure, retryReason, sleep } from "./retry.ts";
import { inputIssues } from "./schema_validation.ts";
import { uuidV4 } from "./serde.ts";
import { serviceError } from "./service_errors.ts";

/** An operation's output together with what is known about the exchange. */
export type WithMetadata<O> = O & { $metadata: ResponseMetadata };

/**
 * Runs one operation call to completion.
 *
 * @throws {ValidationError} the client is not a `Client`, the input, the credentials or the
 *   options are invalid, or an option is unknown (nothing sent); or a custom `fetch` failed in
 *   its own code (see `ClientConfig.fetch`), not retried
 * @throws {ServiceException} any status other than 2xx, 3xx included (a generated subclass when
 *   the error type names a modeled error)
 * @throws {NetworkError} `fetch` failed and retries were exhausted or not allowed
 * @throws {RequestTimeoutError} an attempt or the whole call took too long
 * @throws {DeserializationError} a 2xx response could not be read or parsed
 * @throws {OutcomeUnknownError} the request may have reached the service, no answer came, and
 *   the operation is not safe to repeat
 * @throws {SigningError} the request could not be signed (or, by `buildSignedRequest`, built)
 */
export async function send<I, O>(
  client: Client,
  operation: OperationSpec<I, O>,
  input: I,
  options?: CallOptions,
): Promise<WithMetadata<O>> {
  checkClient(client, `${operation.name} call`);
  const metadata: ResponseMetadata = { attempts: 0, totalRetryDelay: 0 };
  const invocationId = uuidV4();
  // Read once per call; an unobserved call does nothing more for observers than this.
  const observe = client.observe;
  const started = observe && performance.now();
  let failure: { error: unknown } | undefined;
  try {
    const deadline = callDeadline(operation.name, options, metadata);
    try {
      return await run(client, operation, input, options, deadline, metadata, invocationId);
    } finally {
      deadline.dispose();
    }
  } catch (error) {
    failure = { error };
    throw error;
  } finally {
    if (observe && !dryRunOf(options)) {
      observe({
        ...observation(operation.name, invocationId, metadata, started!, failure),
        type: "call",
        attempts: metadata.attempts,
        totalRetryDelay: metadata.totalRetryDelay,
      });
    }
  }
}

async function run<I, O>(
  client: Client,
  operation: OperationSpec<I, O>,
  input: I,
  options: CallOptions | undefined,
  deadline: Deadline,
  metadata: ResponseMetadata,
  invocationId: string,
): Promise<WithMetadata<O>> {
  const { signal } = deadline;
  signal?.throwIfAborted();
  const issues = operation.input ? inputIssues(operation.input, input) : [];
  if (issues.length) throw new ValidationError(`${operation.name} input`, issues);
  // Serialized once, so an idempotency token filled here is the same on every attempt.
  const request = operation.serialize(input, client);
  if (operation.compress) await abortable(operation.compress(client, request), signal);
  if (operation.checksum) await abortable(operation.checksum(request), signal);
  const call: Call<I, O> = {
    client,
    operation,
    request,
    url: requestUrl(client.endpoint, request),
    invocationId,
    metadata,
    signedOffsetMs: 0,
    refreshed: false,
  };
  const dryRun = dryRunOf(options);
  if (dryRun) return dryRun(call as Call<unknown, unknown>, signal, options!) as never;

  const observe = client.observe;
  let lastRetry: RetryFailure | undefined;
  for (;;) {
    metadata.attempts++;
    // Only after an attempt that had a response (deleting reshapes the object: not per call).
    if (metadata.httpStatusCode !== undefined) {
      delete metadata.httpStatusCode;
      delete metadata.requestId;
    }
    const started = observe && performance.now();
    let failure: { error: unknown } | undefined;
    let delay = 0;
    let reason: RetryReason | undefined;
    try {
      let error: CallError | ServiceException;
      let hint: number | undefined;
      let fixed: RetryReason | undefined;
      try {
        const credentials = call.credentials = await client.credentials(signal, deadline.at);
        const response = await attempt(call, credentials, signal);
        if (response.status >= 200 && response.status < 300) {
          const output = readOutput(call, response);
          signal?.throwIfAborted();
          client.retryStrategy.recordSuccess(lastRetry);
          return { ...output, $metadata: { ...metadata } };
        }
        const failed = serviceError(call, response);
        hint = retryAfterMs(response.headers);
        // Fixed by the client itself: a corrected clock, or fresh credentials from the provider.
        fixed = correctClock(call, response, failed)
          ? "clock-skew"
          : refreshCredentials(call, failed)
          ? "expired-credentials"
          : undefined;
        error = failed;
      } catch (e) {
        if (signal?.aborted) throw signal.reason;
        // The provider's own errors reach the caller unchanged; ours lose their secrets (below),
        // and those retryReason does not retry (a SigningError, a 2xx body of the wrong shape) end
        // the call.
        if (!(e instanceof CallError)) throw e;
        error = e;
      }
      failure = { error: secure(call, error) };
      // Fixed by the client: retried at once, outside the retry policy (see correctClock and
      // refreshCredentials, which do not fix the same thing twice).
      const why = fixed || retryReason(error, !!operation.retrySafe);
      if (!why) throw notRetried(operation.name, error);
      if (metadata.attempts >= client.maxAttempts) throw error;
      if (fixed) {
        reason = fixed;
        continue;
      }
      const retry: RetryFailure = {
        error,
        kind: why === "throttling" ? why : "transient",
        attempts: metadata.attempts,
        maxAttempts: client.maxAttempts,
        retryAfterMs: hint,
        remainingMs: deadline.at - Date.now(),
      };
      delay = client.retryStrategy.retryDelay(retry)!;
      if (delay === undefined || !(delay >= 0) || delay > retry.remainingMs) throw error;
      lastRetry = retry;
      reason = why;
    } catch (e) {
      // The attempt's own failure, not what the call makes of it (OutcomeUnknownError).
      failure ??= { error: e };
      throw e;
    } finally {
      if (observe) {
        observe({
          ...observation(operation.name, invocationId, metadata, started!, failure),
          type: "attempt",
          attempt: metadata.attempts,
          maxAttempts: client.maxAttempts,
          ...(reason && { retry: { delayMs: delay, reason } }),
        });
      }
    }
    await sleep(delay, signal);
    metadata.totalRetryDelay += delay;
  }
}

/** Enough of a `Response` to read: a custom `fetch` may resolve with anything. */
function isResponse(value: unknown): value is Response {
  const r = value as Response | null | undefined;
  return typeof r?.status === "number" && typeof r.headers?.get === "function" &&
    typeof r.arrayBuffer === "function";
}

/** A network failure or timeout of an operation that must not be repeated. */
function notRetried(operation: string, error: Error): Error {
  if (!(error instanceof NetworkError || error instanceof RequestTimeoutError)) return error;
  return callError(
    OutcomeUnknownError,
    operation,
    error.$metadata,
    `outcome unknown: no answer (${error.message}), and it is not safe to repeat`,
    { cause: error },
  );
}

/**
 * One attempt: sign, fetch, read the whole body, within `requestTimeoutMs`. Only a failure of
 * `fetch` itself is a {@linkcode NetworkError}; a 2xx body that breaks off is a
 * {@linkcode DeserializationError}, another status's is the service error of that status.
 */
async function attempt<I, O>(
  call: Call<I, O>,
  credentials: Credentials,
  signal?: AbortSignal,
): Promise<Answer> {
  const { client, operation: { name }, metadata } = call;
  const timeout = () =>
    callError(
      RequestTimeoutError,
      name,
      metadata,
      `no response within ${client.requestTimeoutMs} ms`,
    );
  const { signal: attemptSignal, dispose } = withTimeout(signal, client.requestTimeoutMs, timeout);
  let response: Response | undefined;
  try {
    const { url, init } = await abortable(sign(call, credentials), attemptSignal);
    if (attemptSignal) init.signal = attemptSignal;
    try {
      response = await abortable(client.fetch(url, init), attemptSignal);
    } catch (e) {
      if (attemptSignal?.aborted) throw attemptSignal.reason;
      // The caller's fetch failing in its own code (see CODE_ERROR) is a mistake to fix, not a
      // network failure to retry: typically a method passed without its object.
      if (
        client.customFetch &&
        (e instanceof TypeError ? CODE_ERROR.test(e.message) : e instanceof ReferenceError)
      ) {
        throw secure(
          call,
          new ValidationError(`${name} call`, [{
            path: "fetch",
            message: `threw ${e}; it is called as fetch(url, init), unbound: ` +
              "pass (url, init) => obj.fetch(url, init)",
          }]),
        );
      }
      // Node and Bun say "fetch failed" themselves (the cause says why): not twice.
      const detail = messageOf(e);
      const what = detail.startsWith("fetch failed") ? detail : `fetch failed: ${detail}`;
      throw callError(NetworkError, name, metadata, what, { cause: e });
    }
    if (!isResponse(response)) {
      throw callError(
        DeserializationError,
        name,
        metadata,
        `fetch resolved with ${describe(response)}, not a Response`,
      );
    }
    // A custom fetch may resolve with `Response.error()` (status 0) instead of rejecting: no
    // answer came. (A browser's opaque redirect has status 0 too, and is an answer.)
    if (response.status === 0 && response.type !== "opaqueredirect") {
      throw callError(
        NetworkError,
        name,
        metadata,
        "fetch resolved with a network error (status 0)",
      );
    }
    metadata.httpStatusCode = response.status;
    metadata.requestId = response.headers.get("x-amzn-requestid") ?? undefined;
    const { status, headers } = response;
    try {
      const body = new Uint8Array(await abortable(response.arrayBuffer(), attemptSignal));
      return { status, headers, body };
    } catch (e) {
      if (attemptSignal?.aborted) throw attemptSignal.reason;
      if (status < 200 || status >= 300) {
        return { status, headers, body: NO_BODY, broken: messageOf(e) };
      }
      throw callError(
        DeserializationError,
        name,
        metadata,
        `HTTP ${status} body unreadable: ${messageOf(e)}`,
        { cause: e, incomplete: true },
      );
    }
  } finally {
    dispose();
    // A fetch that ignores the signal may still be delivering the body: stop it.
    if (attemptSignal?.aborted && response?.body && !response.bodyUsed) {
      response.body.cancel().catch(() => {});
    }
  }
}

const NO_BODY = new Uint8Array(0);

/**
 * A TypeError of a JavaScript engine about code, not the network: a property of `undefined` or
 * `null`, a call of what is not a function, a method called on the wrong object (V8: "Cannot
 * read properties of undefined", "Illegal invocation"; JavaScriptCore: "undefined is not an
 * object"; SpiderMonkey: "this is undefined"). A platform's network failure never reads so: a
 * TypeError "fetch failed" (Node, Deno), "Failed to fetch", "Load failed", "NetworkError when
 * attempting to fetch resource." (browsers), or an Error "Network connection lost." (workerd),
 * "Unable to connect. Is the computer able to access the url?" (Bun).
 */
const CODE_ERROR = /\b(undefined|null)\b|is not a function|Illegal invocation/;
