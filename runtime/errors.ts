/**
 * The errors the runtime raises itself. Service errors have generated subclasses of
 * {@linkcode ServiceException}, one per modeled error shape.
 *
 * Members their constructors assign are declared (`declare`), not defined as class fields: a
 * defined field is code in every bundle and one more write per error.
 *
 * @module
 */

/** What is known about the HTTP exchange that produced a result or an error. */
export interface ResponseMetadata {
  /** HTTP status of the last attempt; absent when no response arrived. */
  httpStatusCode?: number | undefined;
  /** `x-amzn-RequestId` of the last response. */
  requestId?: string | undefined;
  /** How many attempts were made, the first one included. */
  attempts: number;
  /** Milliseconds spent sleeping between attempts. */
  totalRetryDelay: number;
}

/** Options every service exception is built from. */
export interface ServiceExceptionOptions {
  /** The error's name: the modeled shape name, or the wire error code of an unmodeled error. */
  name: string;
  /** Whether the caller ("client") or the service ("server") is at fault. */
  $fault: "client" | "server";
  /** The service's message; the name stands in when there is none. */
  message?: string;
  /** HTTP status, request id, attempts and retry delay of the failed call. */
  $metadata: ResponseMetadata;
  /** Set for errors the model marks `@retryable`. */
  $retryable?: { throttling: boolean };
  /** See {@linkcode ServiceException.$droppedMembers}. */
  $droppedMembers?: ValidationIssue[];
  /** See {@linkcode ServiceException.$bodyExcerpt}. */
  $bodyExcerpt?: string;
}

/** What a modeled error class is built from: metadata, message and its modeled members. */
export type ModeledErrorOptions<Members> =
  & Omit<ServiceExceptionOptions, "name" | "$fault">
  & Members;

/**
 * An error answered by the service, modeled or not: every response whose status is not 2xx
 * (3xx included: redirects are never followed), whatever its body.
 */
export class ServiceException extends Error {
  /**
   * Whether the caller ("client") or the service ("server") is at fault: the model's word for
   * a modeled error, else the status (5xx: "server").
   */
  declare $fault: "client" | "server";
  /** HTTP status, request id, attempts and retry delay of the failed call. */
  declare $metadata: ResponseMetadata;
  /** Present when the model marks the error `@retryable`. */
  declare $retryable?: { throttling: boolean };
  /**
   * Members of a modeled error that were in the body but did not fit the model, and were left
   * out (the error keeps its class): where, e.g. `Context`, and what was wrong. Absent when
   * every member fit.
   */
  declare $droppedMembers?: ValidationIssue[];
  /**
   * The start of a body that is not a JSON object — a proxy's HTML page, a text answer, `null`
   * — or that broke off: at most 512 characters, control characters replaced by U+FFFD,
   * secrets hidden. Absent when the body is empty or a JSON object.
   */
  declare $bodyExcerpt?: string;

  /**
   * Builds the error; the modeled members become properties of the same name.
   *
   * @param options name, fault, message, metadata and the modeled members of the error.
   */
  constructor(options: ServiceExceptionOptions) {
    super(options.message ?? options.name);
    this.$fault = options.$fault;
    this.$metadata = options.$metadata;
    // Modeled members arrive in the same object; `message` was handled by Error itself.
    const { message: _message, ...rest } = options;
    Object.assign(this, rest);
  }
}

/** One problem found in an operation's input before anything was sent. */
export interface ValidationIssue {
  /** Where the problem is, e.g. `Lifecycle.DeleteAfterDays` or `Tags["team"]`. */
  path: string;
  /** What is wrong, e.g. `must be at least 1`. */
  message: string;
}

/** The input of an operation broke its model's rules; nothing was sent. */
export class ValidationError extends Error {
  /** Always `ValidationError`. */
  override name = "ValidationError";
  /** Every problem found, in input order. */
  declare issues: ValidationIssue[];

  /**
   * Lists every issue in the message.
   *
   * @param subject what was invalid, e.g. `StartCopyJob input` or `client config`.
   * @param issues the problems found, in input order.
   */
  constructor(subject: string, issues: ValidationIssue[]) {
    super(
      `Invalid ${subject}: ${issues.map((i) => `${i.path || "input"} ${i.message}`).join("; ")}`,
    );
    this.issues = issues;
  }
}

/** The endpoint rules rejected the configuration (e.g. FIPS with a custom endpoint). */
export class EndpointError extends Error {
  /** Always `EndpointError`. */
  override name = "EndpointError";
}

/** What the runtime's errors about one call are built from. */
export interface CallErrorOptions {
  /** The operation, e.g. `StartCopyJob`. */
  operation: string;
  /** What is known about the exchange; `httpStatusCode` is the raw status of the last response. */
  $metadata: ResponseMetadata;
  /** The underlying failure (a copy without secrets when it held one). */
  cause?: unknown;
}

/** Base of the runtime's errors about one call: they name the operation and carry metadata. */
export class CallError extends Error {
  /** The operation, e.g. `StartCopyJob`. */
  declare readonly operation: string;
  /** Attempts, retry delay and, when a response arrived, its status and request id. */
  declare readonly $metadata: ResponseMetadata;

  /**
   * Builds the error.
   *
   * @param message what happened, naming the operation and never a credential
   */
  constructor(message: string, options: CallErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.operation = options.operation;
    this.$metadata = options.$metadata;
  }
}

/**
 * An attempt took longer than `requestTimeoutMs`, or the whole call longer than its
 * `timeoutMs`.
 */
export class RequestTimeoutError extends CallError {
  /** Always `RequestTimeoutError`. */
  override name = "RequestTimeoutError";
}

/**
 * `fetch` itself failed before a response arrived (connection refused or reset, DNS, TLS):
 * the platform's error is the `cause`.
 */
export class NetworkError extends CallError {
  /** Always `NetworkError`. */
  override name = "NetworkError";
}

/**
 * A successful (2xx) response could not be read or parsed: its body broke off, is not JSON, is
 * not a JSON object, or a member does not have its modeled type (never a raw `TypeError` or
 * `SyntaxError`); or a custom `fetch` resolved with something that is not a `Response`. Any
 * other status is a {@linkcode ServiceException}. `$metadata.httpStatusCode` is the raw status;
 * the parser's error is the `cause`.
 */
export class DeserializationError extends CallError {
  /** Always `DeserializationError`. */
  override name = "DeserializationError";
  /**
   * The body broke off or is not complete JSON (a retry may get it whole), as opposed to
   * JSON of the wrong shape (a retry would get the same).
   */
  declare readonly incomplete: boolean;

  /**
   * Builds the error.
   *
   * @param options also `incomplete` (default false)
   */
  constructor(message: string, options: CallErrorOptions & { incomplete?: boolean }) {
    super(message, options);
    this.incomplete = options.incomplete ?? false;
  }
}

/**
 * The request may have reached the service, but no answer arrived (a network failure or a
 * timeout) and the operation is not safe to repeat (not `@readonly`, not `@idempotent`, no
 * idempotency token), so it was not retried: whether it took effect is unknown. Check the
 * service's state before trying again. The network error or timeout is the `cause`.
 */
export class OutcomeUnknownError extends CallError {
  /** Always `OutcomeUnknownError`. */
  override name = "OutcomeUnknownError";
}

/**
 * The request could not be signed (e.g. the platform rejected a header value), or, for
 * `buildSignedRequest`, built. Neither the message nor the `cause` holds a secret.
 */
export class SigningError extends CallError {
  /** Always `SigningError`. */
  override name = "SigningError";
}

/** The service answered a continuation token it had already answered: stop, don't loop. */
export class PaginationError extends Error {
  /** Always `PaginationError`. */
  override name = "PaginationError";
}

/**
 * The error code of a restJson1 error type (`X-Amzn-Errortype`, or the body's `code` or
 * `__type`): what comes before the first `:`, then what comes after the first `#`, as the
 * restJson1 protocol specifies ("Operation error serialization",
 * https://smithy.io/2.0/aws/protocols/aws-restjson1-protocol.html). A header a proxy sent
 * twice and joined (`A, A`) counts once: the first item of a comma-separated list is taken.
 *
 * @example
 * ```ts
 * import { errorCode } from "./errors.ts";
 * console.assert(errorCode("aws.backup#ThrottlingException:http://internal/") ===
 *   "ThrottlingException");
 * console.assert(errorCode("ThrottlingException, ThrottlingException") === "ThrottlingException");
 * ```
 */
export function errorCode(type: string): string {
  const first = type.split(",")[0].split(":")[0];
  const hash = first.indexOf("#");
  return (hash < 0 ? first : first.slice(hash + 1)).trim();
}
