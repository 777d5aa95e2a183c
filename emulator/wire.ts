/**
 * How the emulator answers on the wire, the way AWS restJson1 services do: a JSON body, an
 * `x-amzn-RequestId` header on every response, and errors named by the `X-Amzn-Errortype`
 * header.
 *
 * Two error body styles exist, as on AWS:
 * - errors modeled by AWS Backup (`ResourceNotFoundException`, ...) carry the modeled
 *   members `{"Code", "Message", "Type", "Context"}`;
 * - errors raised by the AWS front end and not modeled by Backup (signature errors,
 *   `UnknownOperationException`, throttling) carry `{"message": ...}`.
 *
 * @module
 */

/** Suffix AWS sometimes appends to `X-Amzn-Errortype` for Backup's own errors. */
export const BACKUP_ERROR_TYPE_SUFFIX = ":http://internal.amazon.com/coral/com.amazonaws.backup/";
/** Suffix AWS appends to `X-Amzn-Errortype` for errors of its authentication layer. */
export const CORAL_ERROR_TYPE_SUFFIX =
  ":http://internal.amazon.com/coral/com.amazon.coral.service/";

/** An error shape of the AWS Backup model, with the HTTP status its traits imply. */
interface ModeledError {
  /** HTTP status: 400 for `@error("client")`, 500 for `@error("server")` (no `@httpError`). */
  status: number;
  /** Value of the modeled `Type` member. */
  type: "User" | "Service";
}

/**
 * The modeled errors of StartCopyJob, DescribeCopyJob and ListCopyJobs. None has an
 * `@httpError` trait, so the status is Smithy's default for its `@error` trait.
 */
export const MODELED_ERRORS: Readonly<Record<string, ModeledError>> = {
  InvalidParameterValueException: { status: 400, type: "User" },
  InvalidRequestException: { status: 400, type: "User" },
  LimitExceededException: { status: 400, type: "User" },
  MissingParameterValueException: { status: 400, type: "User" },
  ResourceNotFoundException: { status: 400, type: "User" },
  ServiceUnavailableException: { status: 500, type: "Service" },
};

/** Options of an {@linkcode ApiError} beyond its type and message. */
export interface ApiErrorOptions {
  /** HTTP status; defaults to the modeled status, or 400. */
  status?: number;
  /** The modeled `Context` member: what the error is about (a member name, an ARN). */
  context?: string;
  /** Append a coral namespace to `X-Amzn-Errortype`, as AWS does for some errors. */
  errorTypeSuffix?: string;
  /** Extra response headers. */
  headers?: Record<string, string>;
}

/** An error the emulator answers with; thrown by validation and the job store. */
export class ApiError extends Error {
  /** The error's name as sent in `X-Amzn-Errortype`, without any suffix. */
  readonly errorType: string;
  /** HTTP status of the response. */
  readonly status: number;
  /** The modeled `Context` member, when there is one. */
  readonly context?: string;
  /** Suffix appended to `X-Amzn-Errortype`, or "" for none. */
  readonly errorTypeSuffix: string;
  /** Extra response headers. */
  readonly headers: Record<string, string>;

  constructor(errorType: string, message: string, options: ApiErrorOptions = {}) {
    super(message);
    this.name = errorType;
    this.errorType = errorType;
    const modeled = MODELED_ERRORS[errorType];
    this.status = options.status ?? modeled?.status ?? 400;
    this.context = options.context;
    this.errorTypeSuffix = options.errorTypeSuffix ??
      (modeled ? BACKUP_ERROR_TYPE_SUFFIX : "");
    this.headers = options.headers ?? {};
  }
}

/** A new request id, as sent in `x-amzn-RequestId`. */
export function newRequestId(): string {
  return crypto.randomUUID();
}

/** A 2xx JSON response. */
export function jsonResponse(requestId: string, body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "x-amzn-requestid": requestId },
  });
}

/** The response of an {@linkcode ApiError}, in the style its type calls for. */
export function errorResponse(requestId: string, error: ApiError): Response {
  const modeled = MODELED_ERRORS[error.errorType];
  const body = modeled
    ? {
      Code: error.errorType,
      Message: error.message,
      Type: error.status >= 500 ? "Service" : modeled.type,
      ...(error.context === undefined ? {} : { Context: error.context }),
    }
    : { message: error.message };
  return new Response(JSON.stringify(body), {
    status: error.status,
    headers: {
      ...error.headers,
      "content-type": "application/json",
      "x-amzn-requestid": requestId,
      "x-amzn-errortype": error.errorType + error.errorTypeSuffix,
    },
  });
}
