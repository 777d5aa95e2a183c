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

/** One attempt took longer than `requestTimeoutMs`. */
export class RequestTimeoutError extends Error {
  /** Always `RequestTimeoutError`. */
  override name = "RequestTimeoutError";
}
