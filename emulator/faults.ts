/**
 * Fault injection for client retry and timeout tests. Faults wait in a FIFO queue; each
 * incoming request takes the next one, before authentication.
 *
 * @module
 */

import { ApiError, errorResponse } from "./wire.ts";

/** Answer with an error instead of handling the request. */
export interface ErrorFault {
  /** HTTP status, e.g. 503, 400, 429. */
  status: number;
  /** `X-Amzn-Errortype`, e.g. `ServiceUnavailableException`, `ThrottlingException`. */
  errorType: string;
  /** Error message; a typical AWS one by default. */
  message?: string;
  /** Append this namespace to `X-Amzn-Errortype`, e.g. `BACKUP_ERROR_TYPE_SUFFIX`. */
  errorTypeSuffix?: string;
  /** Extra response headers, e.g. `{"retry-after": "1"}`. */
  headers?: Record<string, string>;
}

/** Handle the request normally, but only after a delay (for client timeouts). */
export interface DelayFault {
  delayMs: number;
}

/** Send the headers, then fail the body stream, so the client sees a network error. */
export interface ResetFault {
  reset: true;
}

/** One injected fault. */
export type Fault = ErrorFault | DelayFault | ResetFault;

const DEFAULT_MESSAGES: Record<string, string> = {
  ServiceUnavailableException: "The service is temporarily unavailable. Please try again later.",
  ThrottlingException: "Rate exceeded",
  TooManyRequestsException: "Too Many Requests",
};

/** The FIFO queue of faults. */
export class FaultQueue {
  readonly #queue: Fault[] = [];

  /** Adds faults at the end of the queue. */
  push(...faults: Fault[]): void {
    for (const fault of faults) this.#queue.push(validateFault(fault));
  }

  /** Takes the next fault, if any. */
  next(): Fault | undefined {
    return this.#queue.shift();
  }

  /** Faults still waiting. */
  get size(): number {
    return this.#queue.length;
  }

  /** Drops every waiting fault. */
  clear(): void {
    this.#queue.length = 0;
  }
}

function validateFault(fault: Fault): Fault {
  if ("delayMs" in fault) {
    if (!(fault.delayMs >= 0)) throw new RangeError(`delayMs must be >= 0, got ${fault.delayMs}`);
  } else if ("reset" in fault) {
    if (fault.reset !== true) throw new TypeError("reset fault must be { reset: true }");
  } else if (!(fault.status >= 100 && fault.status <= 599) || !fault.errorType) {
    throw new TypeError(`error fault needs a status and an errorType: ${JSON.stringify(fault)}`);
  }
  return { ...fault };
}

/** The response of an {@linkcode ErrorFault}. */
export function errorFaultResponse(requestId: string, fault: ErrorFault): Response {
  const error = new ApiError(
    fault.errorType,
    fault.message ?? DEFAULT_MESSAGES[fault.errorType] ?? fault.errorType,
    { status: fault.status, errorTypeSuffix: fault.errorTypeSuffix ?? "", headers: fault.headers },
  );
  return errorResponse(requestId, error);
}

/** Message the server prints when a reset fault breaks a response body on purpose. */
export const RESET_FAULT_MESSAGE =
  "backup-edge emulator: injected connection reset (fault injection; expected in tests)";

/** A 200 response whose body stream fails after its first bytes. */
export function resetFaultResponse(requestId: string): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('{"CopyJobId":'));
    },
    pull(controller) {
      // Deno prints the stream's error; a string keeps that to one line.
      controller.error(RESET_FAULT_MESSAGE);
    },
  });
  return new Response(body, {
    status: 200,
    headers: { "content-type": "application/json", "x-amzn-requestid": requestId },
  });
}

/**
 * Waits `ms`; resolves `false` early, clearing its timer, when `signal` aborts. Resolves
 * `true` when the full delay passed.
 */
export function delay(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
