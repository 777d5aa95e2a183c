/**
 * One logical call: validate, serialize once, then per attempt sign, fetch, read, and retry
 * transient failures with exponential backoff and full jitter.
 *
 * @module
 */

import type { Client } from "./client.ts";
import {
  RequestTimeoutError,
  type ResponseMetadata,
  type ServiceException,
  type ServiceExceptionOptions,
  ValidationError,
  type ValidationIssue,
} from "./errors.ts";
import {
  type HttpRequest,
  type HttpResponse,
  parseJsonBody,
  type SerializeContext,
} from "./http.ts";
import { fromJson, type Schema } from "./schema.ts";
import { encodeQuery } from "./serde.ts";
import { signRequest } from "./signer.ts";

/** Per-call options. */
export interface CallOptions {
  /** Aborts the call, including a retry's sleep; the call rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** A modeled error class, the schema of its members, and a reader of header-bound members. */
export type ErrorSpec = [
  new (options: ServiceExceptionOptions & Record<string, unknown>) => ServiceException,
  Schema,
  ((response: HttpResponse) => Record<string, unknown>)?,
];

/** Everything the runtime needs to know about one operation; emitted by the generator. */
export interface OperationSpec<I, O> {
  name: string;
  validate(input: I): ValidationIssue[];
  serialize(input: I, context: SerializeContext): HttpRequest;
  deserialize(response: HttpResponse): O;
  /** Modeled errors by wire name. */
  errors: Record<string, ErrorSpec>;
  /** `@requestCompression`: compresses the body (in place) before the first attempt. */
  compress?: (client: Client, request: HttpRequest) => Promise<void>;
  /** `@httpChecksumRequired`: adds the body's checksum header, after any compression. */
  checksum?: (request: HttpRequest) => Promise<void>;
}

/** An operation's output together with what is known about the exchange. */
export type WithMetadata<O> = O & { $metadata: ResponseMetadata };

const BASE_DELAY_MS = 100;
const MAX_DELAY_MS = 20_000;
const THROTTLING =
  /^(Throttl|TooManyRequests|RequestLimitExceeded|RequestThrottled|SlowDown|LimitExceeded|ProvisionedThroughputExceeded|BandwidthLimitExceeded|TransactionInProgress|PriorRequestNotComplete|EC2Throttled|RequestTimeout)/;

/** Runs one operation call to completion. */
export async function send<I, O>(
  client: Client,
  operation: OperationSpec<I, O>,
  input: I,
  options: CallOptions = {},
): Promise<WithMetadata<O>> {
  const { signal } = options;
  const issues = operation.validate(input);
  if (issues.length) throw new ValidationError(`${operation.name} input`, issues);
  // Serialized once, so an idempotency token filled here is the same on every attempt.
  const request = operation.serialize(input, client);
  await operation.compress?.(client, request);
  await operation.checksum?.(request);
  const url = requestUrl(client.endpoint, request);
  const metadata: ResponseMetadata = { attempts: 0, totalRetryDelay: 0 };
  for (;;) {
    signal?.throwIfAborted();
    metadata.attempts++;
    let error: unknown;
    let clockCorrected = false;
    try {
      const response = await attempt(client, request, url, signal);
      metadata.httpStatusCode = response.status;
      metadata.requestId = response.headers.get("x-amzn-requestid") ?? undefined;
      if (response.status < 300) {
        return { ...operation.deserialize(response), $metadata: { ...metadata } };
      }
      const failure = serviceError(client, operation, response, { ...metadata });
      clockCorrected = correctClock(client, response, failure);
      error = failure;
    } catch (e) {
      if (signal?.aborted) throw signal.reason;
      if (!isTransportError(e)) throw e;
      error = e;
    }
    if (metadata.attempts >= client.maxAttempts || !(clockCorrected || isRetryable(error))) {
      throw error;
    }
    const delay = Math.random() * Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** metadata.attempts);
    await sleep(delay, signal);
    metadata.totalRetryDelay += Math.round(delay);
  }
}

/** One attempt: sign with current credentials, fetch, read the whole body, within the timeout. */
async function attempt(
  client: Client,
  request: HttpRequest,
  url: string,
  signal?: AbortSignal,
): Promise<HttpResponse> {
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal!.reason);
  signal?.addEventListener("abort", onAbort);
  let timedOut = false;
  const timer = client.requestTimeoutMs === undefined ? undefined : setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, client.requestTimeoutMs);
  try {
    const signed = await signRequest({
      method: request.method,
      url,
      headers: request.headers,
      body: request.body,
      credentials: await client.credentials(),
      service: client.service.signingName,
      region: client.region,
      datetime: new Date(Date.now() + client.clockOffsetMs).toISOString().replace(
        /[:-]|\.\d+/g,
        "",
      ),
    }, controller.signal);
    const response = await client.fetch(signed);
    const body = new Uint8Array(await response.arrayBuffer());
    return { status: response.status, headers: response.headers, body };
  } catch (e) {
    if (timedOut) {
      throw new RequestTimeoutError(`No response within ${client.requestTimeoutMs} ms`);
    }
    throw e;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
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

/** Builds the error for a non-2xx response: the modeled class when the wire names one. */
function serviceError<I, O>(
  client: Client,
  operation: OperationSpec<I, O>,
  response: HttpResponse,
  $metadata: ResponseMetadata,
): ServiceException {
  let body: Record<string, unknown> = {};
  try {
    body = parseJsonBody(response);
  } catch {
    // A non-JSON error body (e.g. from a proxy) still yields an error from the status.
  }
  const wire = response.headers.get("x-amzn-errortype") ?? body.code ?? body.__type;
  // restJson1: drop a `:…` suffix, then a `namespace#` prefix.
  const code = typeof wire === "string" ? wire.split(":")[0].split("#").pop()! : undefined;
  const message = (body.message ?? body.Message ?? body.errorMessage) as string | undefined;
  const modeled = code ? operation.errors[code] : undefined;
  if (modeled) {
    const [ErrorClass, schema, readHeaders] = modeled;
    const members = { ...fromJson(schema, body) as object, ...readHeaders?.(response) };
    return new ErrorClass(
      { ...members, message, $metadata } as ServiceExceptionOptions & Record<string, unknown>,
    );
  }
  return new client.service.exception({
    name: code || "UnknownError",
    $fault: response.status >= 500 ? "server" : "client",
    message: message ?? `HTTP ${response.status}${code ? "" : " with no error type"}`,
    $metadata,
  });
}

/**
 * After a signature-time error, adopts the server's clock (from its `Date` header) when ours is
 * more than 5 minutes off, so the retry is signed with a time the server accepts.
 */
function correctClock(client: Client, response: HttpResponse, error: ServiceException): boolean {
  const server = Date.parse(response.headers.get("date") ?? "");
  const skewed =
    /^(RequestTimeTooSkewed|RequestExpired|RequestInTheFuture|InvalidSignatureException|SignatureDoesNotMatch|AuthFailure)$/
      .test(error.name);
  if (!skewed || !(Math.abs(server - Date.now() - client.clockOffsetMs) > 300_000)) return false;
  client.clockOffsetMs = server - Date.now();
  return true;
}

/** Failures of the transport itself: network errors and attempt timeouts. */
function isTransportError(e: unknown): boolean {
  return e instanceof TypeError || e instanceof RequestTimeoutError ||
    (e as Error)?.name === "NetworkError";
}

/** Transport failures, 5xx, 429, throttling and transient codes, and `@retryable` errors. */
export function isRetryable(error: unknown): boolean {
  if (isTransportError(error)) return true;
  const e = error as ServiceException;
  const status = e.$metadata?.httpStatusCode ?? 0;
  return !!e.$retryable || status >= 500 || status === 429 || THROTTLING.test(e.name);
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
