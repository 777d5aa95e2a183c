/**
 * The errors the runtime raises itself. Service errors have generated subclasses of
 * {@linkcode ServiceException}, one per modeled error shape.
 *
 * @module
 */

/** What is known about the HTTP exchange that produced a result or an error. */
export interface ResponseMetadata {
  /** HTTP status of the last attempt; absent when no response arrived. */
  httpStatusCode?: number;
  /** `x-amzn-RequestId` of the last response. */
  requestId?: string;
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
}

/** What a modeled error class is built from: metadata, message and its modeled members. */
export type ModeledErrorOptions<Members> =
  & Omit<ServiceExceptionOptions, "name" | "$fault">
  & Members;

/** An error answered by the service, modeled or not. */
export class ServiceException extends Error {
  /** Whether the caller ("client") or the service ("server") is at fault. */
  $fault: "client" | "server";
  /** HTTP status, request id, attempts and retry delay of the failed call. */
  $metadata: ResponseMetadata;
  /** Present when the model marks the error `@retryable`. */
  $retryable?: { throttling: boolean };

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
  issues: ValidationIssue[];

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
  /** The underlying failure, when it holds no secret. */
  cause?: unknown;
}

/** Base of the runtime's errors about one call: they name the operation and carry metadata. */
export class CallError extends Error {
  /** The operation, e.g. `StartCopyJob`. */
  readonly operation: string;
  /** Attempts, retry delay and, when a response arrived, its status and request id. */
  readonly $metadata: ResponseMetadata;

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
 * A response arrived but could not be read or parsed: its body broke off, is not JSON, is not
 * a JSON object, or a member does not have its modeled type (never a raw `TypeError` or
 * `SyntaxError`). `$metadata.httpStatusCode` is the
 * raw status; the parser's error is the `cause`.
 */
export class DeserializationError extends CallError {
  /** Always `DeserializationError`. */
  override name = "DeserializationError";
  /**
   * The body broke off or is not complete JSON (a retry may get it whole), as opposed to
   * JSON of the wrong shape (a retry would get the same).
   */
  readonly incomplete: boolean;
  /** `X-Amzn-Errortype` of an error response, when it had one. */
  readonly errorType?: string;

  /**
   * Builds the error.
   *
   * @param options also `incomplete` (default false) and `errorType`
   */
  constructor(
    message: string,
    options: CallErrorOptions & { incomplete?: boolean; errorType?: string },
  ) {
    super(message, options);
    this.incomplete = options.incomplete ?? false;
    if (options.errorType !== undefined) this.errorType = options.errorType;
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
 * `buildSignedRequest`, built. The message never holds a credential: a platform error that
 * mentions one is not kept as `cause`.
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
