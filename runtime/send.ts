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
  DeserializationError,
  NetworkError,
  OutcomeUnknownError,
  RequestTimeoutError,
  type ResponseMetadata,
  type ServiceException,
  type ServiceExceptionOptions,
  SigningError,
  ValidationError,
} from "./errors.ts";
import {
  type HttpRequest,
  type HttpResponse,
  parseJsonBody,
  type SerializeContext,
} from "./http.ts";
import {
  abortable,
  CLOCK_SKEW_ERROR_CODES,
  EXPIRED_TOKEN_ERROR_CODES,
  retryAfterMs,
  type RetryFailure,
  retryKind,
  sleep,
} from "./retry.ts";
import { describe, fromJson, inputIssues, type Schema, WireValueError } from "./schema.ts";
import { encodeQuery, uuidV4 } from "./serde.ts";
import { type SignedRequest, signRequest } from "./signer.ts";
import { VERSION } from "./version.ts";

/** Per-call options. */
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

const DRY_RUN = Symbol("dryRun");

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
  return operation(client, input, { ...options, [DRY_RUN]: true } as CallOptions) as Promise<
    never
  >;
}

/**
 * Runs one operation call to completion.
 *
 * @throws {ValidationError} the input, the credentials or `timeoutMs` is invalid (nothing sent)
 * @throws {ServiceException} the service's error (a generated subclass when modeled)
 * @throws {NetworkError} `fetch` failed and retries were exhausted or not allowed
 * @throws {RequestTimeoutError} an attempt or the whole call took too long
 * @throws {DeserializationError} a response could not be read or parsed
 * @throws {OutcomeUnknownError} the request may have reached the service, no answer came, and
 *   the operation is not safe to repeat
 * @throws {SigningError} the request could not be signed (or, by `buildSignedRequest`, built)
 */
export async function send<I, O>(
  client: Client,
  operation: OperationSpec<I, O>,
  input: I,
  options: CallOptions = {},
): Promise<WithMetadata<O>> {
  const metadata: ResponseMetadata = { attempts: 0, totalRetryDelay: 0 };
  const deadline = callDeadline(operation.name, options, metadata);
  try {
    return await run(client, operation, input, options, deadline, metadata);
  } finally {
    deadline.dispose();
  }
}

/** The call's signal: the caller's, combined with `timeoutMs`; and when the budget ends. */
interface Deadline {
  signal?: AbortSignal;
  /** Epoch ms, `Infinity` without `timeoutMs`. */
  at: number;
  dispose(): void;
}

function callDeadline(name: string, options: CallOptions, metadata: ResponseMetadata): Deadline {
  const { signal, timeoutMs } = options;
  const issues = timeoutIssues("timeoutMs", timeoutMs);
  if (issues.length) throw new ValidationError(`${name} call options`, issues);
  if (timeoutMs === undefined) return { signal, at: Infinity, dispose() {} };
  const at = Date.now() + timeoutMs;
  const timeout = () =>
    new RequestTimeoutError(`${name}: not done within timeoutMs ${timeoutMs}`, {
      operation: name,
      $metadata: { ...metadata },
    });
  return { ...withTimeout(signal, timeoutMs, timeout), at };
}

/**
 * A signal that aborts with `parent`, or with `timeout()` after `ms` (none when undefined);
 * `dispose` stops the timer and the link. Without either there is nothing to abort: no
 * signal, no controller, no listener.
 */
function withTimeout(
  parent: AbortSignal | undefined,
  ms: number | undefined,
  timeout: () => Error,
): { signal?: AbortSignal; dispose(): void } {
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
}

async function run<I, O>(
  client: Client,
  operation: OperationSpec<I, O>,
  input: I,
  options: CallOptions,
  deadline: Deadline,
  metadata: ResponseMetadata,
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
    invocationId: uuidV4(),
    metadata,
  };
  if ((options as { [DRY_RUN]?: boolean })[DRY_RUN]) {
    metadata.attempts = 1;
    const credentials = await client.credentials(signal);
    const { url, init } = await abortable(sign(call, credentials), signal);
    try {
      // The Request outlives this call: it carries the caller's signal, not the call's own
      // (disposed when the call returns).
      return new Request(url, { ...init, signal: options.signal }) as never;
    } catch (e) {
      throw signingError(call, credentials, e);
    }
  }
  let lastRetry: RetryFailure | undefined;
  for (;;) {
    metadata.attempts++;
    // Only after an attempt that had a response (deleting reshapes the object: not per call).
    if (metadata.httpStatusCode !== undefined) {
      delete metadata.httpStatusCode;
      delete metadata.requestId;
    }
    let error: unknown;
    let hint: number | undefined;
    let fixed = false;
    try {
      const credentials = await client.credentials(signal);
      const response = await attempt(call, credentials, signal);
      if (response.status < 300) {
        const output = readOutput(call, response);
        signal?.throwIfAborted();
        client.retryStrategy.recordSuccess(lastRetry);
        return { ...output, $metadata: { ...metadata } };
      }
      const failure = serviceError(call, response);
      hint = retryAfterMs(response.headers);
      // Fixed by the client itself: a corrected clock, or fresh credentials from the provider.
      fixed = correctClock(client, response, failure) ||
        (EXPIRED_TOKEN_ERROR_CODES.has(failure.name) && client.invalidateCredentials());
      error = failure;
    } catch (e) {
      if (signal?.aborted) throw signal.reason;
      if (
        !(e instanceof NetworkError || e instanceof RequestTimeoutError ||
          e instanceof DeserializationError)
      ) throw e;
      error = e;
    }
    const kind = fixed ? "transient" : retryKind(error, operation.retrySafe ?? false);
    if (!kind) throw notRetried(operation.name, error);
    if (metadata.attempts >= client.maxAttempts) throw error;
    const failure: RetryFailure = {
      error,
      kind,
      attempts: metadata.attempts,
      maxAttempts: client.maxAttempts,
      retryAfterMs: hint,
      remainingMs: deadline.at - Date.now(),
    };
    const delay = client.retryStrategy.retryDelay(failure);
    if (delay === undefined || !(delay >= 0) || delay > failure.remainingMs) throw error;
    await sleep(delay, signal);
    metadata.totalRetryDelay += delay;
    lastRetry = failure;
  }
}

/** Enough of a `Response` to read: a custom `fetch` may resolve with anything. */
function isResponse(value: unknown): value is Response {
  const r = value as Response | null | undefined;
  return typeof r?.status === "number" && typeof r.headers?.get === "function" &&
    typeof r.arrayBuffer === "function";
}

/** A network failure or timeout of an operation that must not be repeated. */
function notRetried(operation: string, error: unknown): unknown {
  if (!(error instanceof NetworkError || error instanceof RequestTimeoutError)) return error;
  return new OutcomeUnknownError(
    `${operation}: outcome unknown: no answer (${error.message}), and it is not safe to repeat`,
    { operation, $metadata: error.$metadata, cause: error },
  );
}

/**
 * One attempt: sign, fetch, read the whole body, within `requestTimeoutMs`. Only a failure of
 * `fetch` itself is a {@linkcode NetworkError}; a body that breaks off is a
 * {@linkcode DeserializationError}.
 */
async function attempt<I, O>(
  call: Call<I, O>,
  credentials: Credentials,
  signal?: AbortSignal,
): Promise<HttpResponse> {
  const { client, operation, metadata } = call;
  const about = () => ({ operation: operation.name, $metadata: { ...metadata } });
  const timeout = () =>
    new RequestTimeoutError(
      `${operation.name}: no response within ${client.requestTimeoutMs} ms`,
      about(),
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
      const detail = redact(messageOf(e), credentials);
      const what = detail.startsWith("fetch failed") ? detail : `fetch failed: ${detail}`;
      throw new NetworkError(`${operation.name}: ${what}`, {
        ...about(),
        cause: safeCause(e, credentials),
      });
    }
    if (!isResponse(response)) {
      throw new DeserializationError(
        `${operation.name}: fetch resolved with ${describe(response)}, not a Response`,
        about(),
      );
    }
    metadata.httpStatusCode = response.status;
    metadata.requestId = response.headers.get("x-amzn-requestid") ?? undefined;
    try {
      const body = new Uint8Array(await abortable(response.arrayBuffer(), attemptSignal));
      return { status: response.status, headers: response.headers, body };
    } catch (e) {
      if (attemptSignal?.aborted) throw attemptSignal.reason;
      throw new DeserializationError(
        `${operation.name}: HTTP ${response.status} body unreadable: ${messageOf(e)}`,
        { ...about(), cause: e, incomplete: true },
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

/**
 * Signs the request for the current attempt and adds the SDK's informational headers
 * (`amz-sdk-request` counts attempts).
 */
async function sign<I, O>(call: Call<I, O>, credentials: Credentials): Promise<SignedRequest> {
  const { client, request, metadata } = call;
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
    throw signingError(call, credentials, e);
  }
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

function signingError<I, O>(call: Call<I, O>, credentials: Credentials, e: unknown): SigningError {
  return new SigningError(
    `${call.operation.name}: cannot sign: ${redact(messageOf(e), credentials)}`,
    {
      operation: call.operation.name,
      $metadata: { ...call.metadata },
      cause: safeCause(e, credentials),
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
  errorType?: string,
): DeserializationError {
  // Not JSON, or not an object: unparseable; JSON whose members have the wrong types: a misfit.
  const problem = cause instanceof WireValueError ? "does not fit the model" : "unparseable";
  return new DeserializationError(
    `${call.operation.name}: HTTP ${response.status}${
      errorType ? ` ${errorType}` : ""
    } body ${problem}: ${messageOf(cause)}`,
    {
      operation: call.operation.name,
      $metadata: { ...call.metadata },
      cause,
      incomplete: cause instanceof SyntaxError,
      ...(errorType === undefined ? {} : { errorType }),
    },
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

/**
 * The error of a non-2xx response: the modeled class when the wire names one, else the
 * service's base exception; a body that is not a JSON object is a
 * {@linkcode DeserializationError} carrying the status (and `X-Amzn-Errortype`).
 */
function serviceError<I, O>(
  call: Call<I, O>,
  response: HttpResponse,
): ServiceException | DeserializationError {
  const { client, operation, metadata } = call;
  const header = response.headers.get("x-amzn-errortype") ?? undefined;
  try {
    const body = parseJsonBody(response);
    const wire = header ?? body.code ?? body.__type;
    // restJson1: drop a `:…` suffix, then a `namespace#` prefix.
    const code = typeof wire === "string" ? wire.split(":")[0].split("#").pop()! : undefined;
    const text = body.message ?? body.Message ?? body.errorMessage;
    const message = typeof text === "string" ? text : undefined;
    const $metadata = { ...metadata };
    const modeled = code ? operation.errors.find(([name]) => name === code) : undefined;
    if (modeled) {
      const [, ErrorClass, schema, readHeaders] = modeled;
      const members = { ...fromJson(schema, body) as object, ...readHeaders?.(response) };
      return new ErrorClass(
        { ...members, message, $metadata } as ServiceExceptionOptions & Record<string, unknown>,
      );
    }
    return new client.service.exception({
      name: code || "UnknownError",
      $fault: response.status >= 500 ? "server" : "client",
      message: message ??
        `${operation.name}: HTTP ${response.status}${code ? "" : " with no error type"}`,
      $metadata,
    });
  } catch (e) {
    return parseFailure(call, response, e, header);
  }
}

/**
 * After a signature-time error, adopts the server's clock (from its `Date` header) when ours is
 * more than 5 minutes off, so the retry is signed with a time the server accepts.
 */
function correctClock(client: Client, response: HttpResponse, error: Error): boolean {
  const server = Date.parse(response.headers.get("date") ?? "");
  if (!CLOCK_SKEW_ERROR_CODES.has(error.name)) return false;
  if (!(Math.abs(server - Date.now() - client.clockOffsetMs) > 300_000)) return false;
  client.clockOffsetMs = server - Date.now();
  return true;
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

function secretsOf(credentials: Credentials): string[] {
  return [credentials.secretAccessKey, credentials.sessionToken, credentials.accessKeyId]
    .filter((s): s is string => typeof s === "string" && s.length > 0);
}

/** `text` with every credential value replaced by `[hidden]`. */
function redact(text: string, credentials: Credentials): string {
  return secretsOf(credentials).reduce((t, secret) => t.split(secret).join("[hidden]"), text);
}

/** The error itself when nothing about it mentions a credential, else nothing. */
function safeCause(e: unknown, credentials: Credentials): unknown {
  const text = e instanceof Error ? `${e.message}\n${e.stack}\n${String(e.cause)}` : String(e);
  return secretsOf(credentials).some((secret) => text.includes(secret)) ? undefined : e;
}
