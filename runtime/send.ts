/**
 * One logical call: validate, serialize once, then per attempt get credentials, sign, fetch,
 * read and parse, and retry what is retryable and safe to repeat (see `retry.ts`). Every await
 * gives way to the caller's signal at once; every failure is typed.
 *
 * @module
 */

import { type Client, timeoutIssues } from "./client.ts";
import type { Credentials } from "./credentials.ts";
import {
  CallError,
  type CallErrorOptions,
  DeserializationError,
  errorCode,
  NetworkError,
  OutcomeUnknownError,
  RequestTimeoutError,
  type ResponseMetadata,
  type ServiceException,
  type ServiceExceptionOptions,
  SigningError,
  ValidationError,
  type ValidationIssue,
} from "./errors.ts";
import {
  type HttpRequest,
  type HttpResponse,
  parseJsonBody,
  type SerializeContext,
} from "./http.ts";
import { observation, type RetryReason } from "./observe.ts";
import { Redactor } from "./redact.ts";
import {
  abortable,
  CLOCK_SKEW_ERROR_CODES,
  EXPIRED_TOKEN_ERROR_CODES,
  retryAfterMs,
  type RetryFailure,
  retryReason,
  sleep,
} from "./retry.ts";
import { describe, fromJson, inputIssues, resolve, type Schema, WireValueError } from "./schema.ts";
import { encodeQuery, fromHttpDate, uuidV4 } from "./serde.ts";
import { type SignedRequest, signRequest } from "./signer.ts";
import { unknownKeyIssues } from "./unknown_keys.ts";
import { VERSION } from "./version.ts";

/**
 * Per-call options. Any other key is a {@linkcode ValidationError} naming it (with ours for an
 * AWS SDK v3 name: `abortSignal` is `signal`), and nothing is sent.
 */
export interface CallOptions {
  /**
   * Aborts the call at once, whatever it is waiting for (credentials, signing, fetch, the body,
   * a retry's sleep); the call rejects with the signal's reason and never resolves after it.
   */
  signal?: AbortSignal | undefined;
  /**
   * Time budget of the whole call in milliseconds (1 … 2^31 − 1), retries and their delays
   * included; then the call rejects with {@linkcode RequestTimeoutError}. A retry whose delay
   * would end after the budget is not attempted: the last failure is raised at once.
   * @default no limit
   */
  timeoutMs?: number | undefined;
}

const CALL_OPTION_KEYS: ReadonlySet<string> = new Set(["signal", "timeoutMs"]);
/** Names other libraries use for per-call options, and ours. */
const CALL_OPTION_HINTS: Readonly<Record<string, string>> = {
  abortSignal: 'AWS SDK v3\'s abortSignal is "signal" here',
  requestTimeout: '"timeoutMs" bounds the whole call, the client\'s requestTimeoutMs each attempt',
  maxAttempts: "attempts are the client's maxAttempts",
  maxRetries: "attempts are the client's maxAttempts",
};

/**
 * A modeled error: its wire name (the shape's name), its class, the schema of its members, and
 * a reader of header-bound members. One per error shape, shared by the operations naming it.
 */
export type ErrorSpec = [
  string,
  new (options: ServiceExceptionOptions & Record<string, unknown>) => ServiceException,
  Schema,
  ((response: HttpResponse) => Record<string, unknown>)?,
];

/** Everything the runtime needs to know about one operation; emitted by the generator. */
export interface OperationSpec<I, O> {
  name: string;
  /** Schema of the input, checked before anything is sent. Absent: the operation has no input. */
  input?: Schema;
  serialize(input: I, context: SerializeContext): HttpRequest;
  /**
   * Schema of an output that is the JSON body alone; else `deserialize` reads the output.
   * Neither: the output has no members (`{}`).
   */
  output?: Schema;
  deserialize?(response: HttpResponse): O;
  /** Modeled errors. */
  errors: ErrorSpec[];
  /**
   * Safe to send again after it may have reached the service: `@readonly`, `@idempotent`, a
   * GET or HEAD, or with an `@idempotencyToken` member (filled once per call). @default false
   */
  retrySafe?: boolean;
  /** `@requestCompression`: compresses the body (in place) before the first attempt. */
  compress?: (client: Client, request: HttpRequest) => Promise<void>;
  /** `@httpChecksumRequired`: adds the body's checksum header, after any compression. */
  checksum?: (request: HttpRequest) => Promise<void>;
}

/** An operation's output together with what is known about the exchange. */
export type WithMetadata<O> = O & { $metadata: ResponseMetadata };

/** Sent as `x-amz-user-agent`, and as `User-Agent` where a page does not forbid it. */
export const USER_AGENT = `backup-edge/${VERSION}`;
// Browsers (pages and their workers) do not let a script set User-Agent, or send it only
// after a CORS preflight that would have to allow it.
const SET_USER_AGENT = !("document" in globalThis) && !("importScripts" in globalThis);

/**
 * The call option `buildSignedRequest` passes through an operation function: what to do instead
 * of sending. A function, so that its code is in a bundle only with `buildSignedRequest`.
 */
const DRY_RUN = Symbol("dryRun");

type DryRun = (
  call: Call<unknown, unknown>,
  signal: AbortSignal | undefined,
  options: CallOptions,
) => Promise<Request>;

const dryRunOf = (options: CallOptions | undefined) =>
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
 * @throws {ValidationError} the input or the credentials are invalid
 * @throws {SigningError} the request could not be signed (or, by `buildSignedRequest`, built)
 */
export function buildSignedRequest<C extends Client, I>(
  client: C,
  operation: (client: C, input: I, options?: CallOptions) => Promise<unknown>,
  input: I,
  options: CallOptions = {},
): Promise<Request> {
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

/**
 * Runs one operation call to completion.
 *
 * @throws {ValidationError} the input, the credentials or the options are invalid, or an
 *   option is unknown (nothing sent)
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

/** The call's signal: the caller's, combined with `timeoutMs`; and when the budget ends. */
interface Deadline {
  signal?: AbortSignal | undefined;
  /** Epoch ms, `Infinity` without `timeoutMs`. */
  at: number;
  dispose(): void;
}

function callDeadline(
  name: string,
  options: CallOptions | undefined,
  metadata: ResponseMetadata,
): Deadline {
  // Checked only when options are passed: a call without them does no work here.
  if (options === undefined) return { at: Infinity, dispose() {} };
  const issues = callOptionIssues(options);
  if (issues.length) throw new ValidationError(`${name} call options`, issues);
  const { signal, timeoutMs } = options;
  if (timeoutMs === undefined) return { signal, at: Infinity, dispose() {} };
  const at = Date.now() + timeoutMs;
  const timeout = () =>
    callError(RequestTimeoutError, name, metadata, `not done within timeoutMs ${timeoutMs}`);
  return { ...withTimeout(signal, timeoutMs, timeout), at };
}

/** Issues with per-call options: unknown keys, a signal that is not one, a bad timeout. */
function callOptionIssues(options: unknown): ValidationIssue[] {
  if (typeof options !== "object" || options === null) {
    return [{ path: "options", message: `must be an object, not ${describe(options)}` }];
  }
  const { signal, timeoutMs } = options as CallOptions;
  const issues = unknownKeyIssues(options, CALL_OPTION_KEYS, "", CALL_OPTION_HINTS);
  if (
    signal !== undefined &&
    (typeof signal?.aborted !== "boolean" || typeof signal.addEventListener !== "function")
  ) {
    issues.push({
      path: "signal",
      message: `must be an AbortSignal (an AbortController's .signal), not ${describe(signal)}`,
    });
  }
  return [...issues, ...timeoutIssues("timeoutMs", timeoutMs)];
}

/**
 * A signal that aborts with `parent`, or with `timeout()` after `ms` (none when undefined);
 * `dispose` stops the timer and the link. Without either there is nothing to abort: no
 * signal, no controller, no listener.
 */
export function withTimeout(
  parent: AbortSignal | undefined,
  ms: number | undefined,
  timeout: () => Error,
): { signal?: AbortSignal | undefined; dispose(): void } {
  if (!parent && ms === undefined) return NO_SIGNAL;
  const controller = new AbortController();
  const onAbort = () => controller.abort(parent!.reason);
  if (parent?.aborted) onAbort();
  parent?.addEventListener("abort", onAbort, { once: true });
  const timer = ms === undefined ? undefined : setTimeout(() => controller.abort(timeout()), ms);
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(timer);
      parent?.removeEventListener("abort", onAbort);
    },
  };
}

const NO_SIGNAL = { signal: undefined, dispose() {} };

/** What every attempt of a call shares. */
interface Call<I, O> {
  client: Client;
  operation: OperationSpec<I, O>;
  request: HttpRequest;
  url: string;
  invocationId: string;
  metadata: ResponseMetadata;
  /** The credentials of the latest attempt: the secrets its errors must not show. */
  credentials?: Credentials;
  /** The client's clock offset the latest attempt was signed with. */
  signedOffsetMs: number;
  /** Fresh credentials were fetched after an expired-token error: not twice per call. */
  refreshed: boolean;
}

/** A response whose body has been read, or whose body broke off (only for a non-2xx status). */
interface Answer extends HttpResponse {
  /** Why the body could not be read; `body` is then empty. */
  broken?: string;
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
        const credentials = call.credentials = await client.credentials(signal);
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

/** `error` without the secrets of the call's credentials (see `redact.ts`), in place. */
function secure<I, O, E extends Error>(call: Call<I, O>, error: E): E {
  return redactorOf(call).scrub(error);
}

function redactorOf<I, O>(call: Call<I, O>): Redactor {
  return new Redactor([call.credentials?.secretAccessKey, call.credentials?.sessionToken]);
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
 * Signs the request for the current attempt and adds the SDK's informational headers
 * (`amz-sdk-request` counts attempts). Redirects are not followed (`redirect: "manual"`): AWS
 * does not redirect these APIs, and a redirect would carry the signed request, the session
 * token and the body to whatever origin it names. Deno, Node (undici), Bun and workerd then
 * resolve with the 3xx response itself, browsers with an opaque one (status 0); workerd does
 * not support `"error"`.
 */
async function sign<I, O>(call: Call<I, O>, credentials: Credentials): Promise<SignedRequest> {
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

function signingError<I, O>(call: Call<I, O>, e: unknown): SigningError {
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

/** The output of a 2xx response; any failure to parse it is a {@linkcode DeserializationError}. */
function readOutput<I, O>(call: Call<I, O>, response: HttpResponse): O {
  try {
    const { output, deserialize } = call.operation;
    if (deserialize) return deserialize(response);
    return (output ? fromJson(output, parseJsonBody(response)) : {}) as O;
  } catch (e) {
    throw parseFailure(call, response, e);
  }
}

function parseFailure<I, O>(
  call: Call<I, O>,
  response: HttpResponse,
  cause: unknown,
): DeserializationError {
  // Not JSON, or not an object: unparseable; JSON whose members have the wrong types: a misfit.
  const problem = cause instanceof WireValueError ? "does not fit the model" : "unparseable";
  return callError(
    DeserializationError,
    call.operation.name,
    call.metadata,
    `HTTP ${response.status} body ${problem}: ${messageOf(cause)}`,
    { cause, incomplete: cause instanceof SyntaxError },
  );
}

/** Joins the endpoint, the request path and the query; the endpoint may carry a base path. */
function requestUrl(endpoint: string, request: HttpRequest): string {
  const url = new URL(endpoint);
  if (request.hostPrefix) url.hostname = request.hostPrefix + url.hostname;
  const query = request.query.map(([k, v]) => `${encodeQuery(k)}=${encodeQuery(v)}`).join("&");
  const [path, literalQuery] = request.path.split("?");
  const search = [literalQuery, query].filter(Boolean).join("&");
  return url.origin + url.pathname.replace(/\/$/, "") + path + (search ? `?${search}` : "");
}

/** Error codes that say the request arrived without (all of) its signature. */
const UNSIGNED_CODES: ReadonlySet<string> = new Set([
  "MissingAuthenticationToken",
  "MissingAuthenticationTokenException",
  "IncompleteSignatureException",
]);

/** How much of an unreadable body is decoded, and how much of it an error keeps. */
const EXCERPT_BYTES = 4096;
const EXCERPT_CHARS = 512;
const UTF8 = new TextDecoder();

/**
 * The error of a non-2xx response, always a {@linkcode ServiceException}, whatever its body:
 * the modeled class when the error type (restJson1: `X-Amzn-Errortype`, else the body's `code`,
 * else `__type`) names one of the operation's errors, else the service's base exception named
 * by the type, or by the status when there is none (as the AWS SDK v3 does). A modeled member
 * that does not fit is left out and listed in `$droppedMembers`; a body that is not a JSON
 * object is kept, bounded and without secrets, in `$bodyExcerpt`.
 */
function serviceError<I, O>(call: Call<I, O>, response: Answer): ServiceException {
  const { client, operation, metadata } = call;
  const { status, headers } = response;
  let body: Record<string, unknown> = {};
  let problem = response.broken === undefined ? undefined : `broke off (${response.broken})`;
  if (!problem) {
    try {
      body = parseJsonBody(response);
    } catch (e) {
      problem = e instanceof SyntaxError ? "is not JSON" : "is not a JSON object";
    }
  }
  const type = headers.get("x-amzn-errortype") || textOf(body.code) || textOf(body.__type);
  const code = type ? errorCode(type) : "";
  const $bodyExcerpt = problem && response.body.length
    ? excerptOf(response.body, redactorOf(call))
    : undefined;
  let message = textOf(body.message) ?? textOf(body.Message) ?? textOf(body.errorMessage) ??
    `${operation.name}: HTTP ${status}${code ? "" : " with no error type"}${
      redirectNote(call, response)
    }${problem ? `; the body ${problem}${$bodyExcerpt ? `: ${shorten($bodyExcerpt)}` : ""}` : ""}`;
  if (client.customFetch && UNSIGNED_CODES.has(code)) {
    message += " (the service saw no complete signature: the client's custom fetch is called " +
      "as fetch(url, init) and must send init's method, headers and body, e.g. " +
      "(url, init) => fetch(url, init))";
  }
  const common = { message, $metadata: { ...metadata }, ...($bodyExcerpt ? { $bodyExcerpt } : {}) };
  const modeled = code ? operation.errors.find(([name]) => name === code) : undefined;
  if (!modeled) {
    return new client.service.exception({
      ...common,
      name: code || String(status),
      $fault: status >= 500 ? "server" : "client",
    });
  }
  const [, ErrorClass, schema, readHeaders] = modeled;
  const dropped: ValidationIssue[] = [];
  let fromHeaders: Record<string, unknown> | undefined;
  try {
    fromHeaders = readHeaders?.(response);
  } catch (e) {
    dropped.push({ path: "(headers)", message: messageOf(e) });
  }
  const members = fittingMembers(schema, body, dropped);
  return new ErrorClass(
    {
      ...members,
      ...fromHeaders,
      ...common,
      ...(dropped.length ? { $droppedMembers: dropped } : {}),
    } as ServiceExceptionOptions & Record<string, unknown>,
  );
}

/**
 * The members of a modeled error's body that fit its schema: a member that does not is left
 * out (also its `@default`) and listed in `dropped`, so the error keeps its class.
 */
function fittingMembers(
  schema: Schema,
  body: Record<string, unknown>,
  dropped: ValidationIssue[],
): Record<string, unknown> {
  let json = body;
  const left: string[] = [];
  for (;;) {
    try {
      const members = fromJson(schema, json) as Record<string, unknown>;
      for (const name of left) delete members[name];
      return members;
    } catch (e) {
      // The first path segment names the member (fromJson reports member names).
      const name = e instanceof WireValueError ? /^[^.[]+/.exec(e.path)?.[0] : undefined;
      const key = name && jsonKeyOf(schema, name);
      dropped.push({
        path: e instanceof WireValueError && e.path ? e.path : "(body)",
        message: e instanceof WireValueError ? e.problem : messageOf(e),
      });
      if (!key || !Object.hasOwn(json, key)) return {};
      json = { ...json };
      delete json[key];
      left.push(name);
    }
  }
}

/** The JSON key of a structure member (`@jsonName` renames it). */
function jsonKeyOf(schema: Schema, name: string): string | undefined {
  const s = resolve(schema);
  return "bodyMembers" in s ? s.bodyMembers.find(([n]) => n === name)?.[2] : undefined;
}

function textOf(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * The start of a body for a person to read: secrets hidden before it is cut (so no part of one
 * is left at the cut), at most {@linkcode EXCERPT_CHARS} characters, control and bidirectional
 * formatting characters replaced so it cannot drive a terminal.
 */
function excerptOf(body: Uint8Array, redactor: Redactor): string {
  return redactor.text(UTF8.decode(body.subarray(0, EXCERPT_BYTES))).slice(0, EXCERPT_CHARS)
    .replace(UNPRINTABLE, "\ufffd");
}

// deno-lint-ignore no-control-regex -- control characters are what it finds
const UNPRINTABLE = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** An excerpt on one line, for a message. */
function shorten(excerpt: string): string {
  const line = excerpt.replace(/\s+/g, " ").trim();
  return line.length > 100 ? `${line.slice(0, 100)}…` : line;
}

/** Says that a redirect (3xx, or a browser's opaque one: status 0) was not followed, and where to. */
function redirectNote<I, O>(call: Call<I, O>, response: HttpResponse): string {
  const { status, headers } = response;
  if (status === 0) return "; an opaque answer (a redirect the platform hides) was not followed";
  if (status < 300 || status >= 400) return "";
  let where = "";
  try {
    const location = headers.get("location");
    if (location) where = ` to ${new URL(location, call.url).origin}`;
  } catch {
    // A Location that is not a URL: say nothing about where.
  }
  return `; redirect${where} not followed (AWS does not redirect its APIs: check the endpoint)`;
}

/**
 * After a signature-time error, adopts the server's clock (from its `Date` header, an
 * IMF-fixdate: anything else is ignored) when the clock this attempt was signed with is more
 * than 5 minutes off. Judged by the attempt's own signing clock, so calls that were in flight
 * when another call corrected the clock retry too; a call signed with the corrected clock is
 * not "fixed" again.
 */
function correctClock<I, O>(call: Call<I, O>, response: HttpResponse, error: Error): boolean {
  if (!CLOCK_SKEW_ERROR_CODES.has(error.name)) return false;
  let server: number;
  try {
    server = fromHttpDate(response.headers.get("date") ?? "").getTime();
  } catch {
    return false;
  }
  const now = Date.now();
  if (!(Math.abs(server - now - call.signedOffsetMs) > 300_000)) return false;
  call.client.clockOffsetMs = server - now;
  return true;
}

/**
 * After an expired-token error, drops the credentials the attempt used so the provider is asked
 * again — once per call: fresh credentials refused the same way end the call.
 */
function refreshCredentials<I, O>(call: Call<I, O>, error: Error): boolean {
  if (!EXPIRED_TOKEN_ERROR_CODES.has(error.name) || call.refreshed) return false;
  call.refreshed = true;
  return call.client.invalidateCredentials(call.credentials);
}

/**
 * A runtime error about a call, `operation: detail`, with a copy of what is known about the
 * exchange so far.
 */
function callError<E extends CallError>(
  ErrorClass: new (message: string, options: CallErrorOptions & { incomplete?: boolean }) => E,
  operation: string,
  metadata: ResponseMetadata,
  detail: string,
  options?: { cause: unknown; incomplete?: boolean },
): E {
  return new ErrorClass(`${operation}: ${detail}`, {
    operation,
    $metadata: { ...metadata },
    ...options,
  });
}

/**
 * An error's message, with its cause's when that says more: Node and Bun report a refused
 * connection as `fetch failed` whose cause is `connect ECONNREFUSED 127.0.0.1:8080`.
 */
function messageOf(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = e.cause instanceof Error ? e.cause.message : undefined;
  return cause && cause !== e.message ? `${e.message} (${cause})` : e.message;
}
