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

/**
 * Send the headers, then fail the body stream, so the client sees a network error. By default
 * the request is not handled; with `afterCommit` it is handled first (a job really starts), so
 * only the answer is lost — the case idempotency tokens exist for.
 */
export interface ResetFault {
  reset: true;
  afterCommit?: boolean;
}

/**
 * Answer with exactly this status, headers and body, as something between the client and the
 * service would: a proxy's or load balancer's HTML error page has no `x-amzn-RequestId`, no
 * `X-Amzn-Errortype` and no JSON.
 */
export interface RawFault {
  /** HTTP status, e.g. 502. */
  status: number;
  /** The body as sent, e.g. `<html><body><h1>502 Bad Gateway</h1></body></html>`. */
  body: string;
  /** Response headers, e.g. `{ "content-type": "text/html" }`; none by default. */
  headers?: Record<string, string>;
}

/** One injected fault. */
export type Fault = ErrorFault | DelayFault | ResetFault | RawFault;

const DEFAULT_MESSAGES: Record<string, string> = {
  ServiceUnavailableException: "The service is temporarily unavailable. Please try again later.",
  ThrottlingException: "Rate exceeded",
  TooManyRequestsException: "Too Many Requests",
};

/** Faults drawn at random for a share of requests; see {@linkcode FaultQueue.setRandom}. */
export interface RandomFaults {
  /** Share of requests that get a fault, from 0 to 1. */
  rate: number;
  /** Faults to draw from, each equally likely. */
  faults: Fault[];
  /** Seed of the pseudo-random sequence, so a run is reproducible; 1 by default. */
  seed?: number;
}

/** The FIFO queue of faults, then random faults when the queue is empty. */
export class FaultQueue {
  readonly #queue: Fault[] = [];
  #random?: { rate: number; faults: Fault[]; next: () => number };

  /** Adds faults at the end of the queue. */
  push(...faults: Fault[]): void {
    for (const fault of faults) this.#queue.push(validateFault(fault));
  }

  /** Injects faults at random into a share of requests from now on; `undefined` stops it. */
  setRandom(random: RandomFaults | undefined): void {
    if (random === undefined) {
      this.#random = undefined;
      return;
    }
    if (!(random.rate >= 0 && random.rate <= 1) || random.faults.length === 0) {
      throw new RangeError(`random faults need a rate in [0, 1] and faults: rate ${random.rate}`);
    }
    this.#random = {
      rate: random.rate,
      faults: random.faults.map(validateFault),
      next: mulberry32(random.seed ?? 1),
    };
  }

  /** Takes the next queued fault, else draws a random one, if any. */
  next(): Fault | undefined {
    const queued = this.#queue.shift();
    if (queued || !this.#random) return queued;
    const { rate, faults, next } = this.#random;
    if (next() >= rate) return undefined;
    return faults[Math.floor(next() * faults.length)];
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
    if (fault.reset !== true) {
      throw new TypeError("reset fault must be { reset: true, afterCommit?: boolean }");
    }
  } else if ("body" in fault) {
    if (!(fault.status >= 200 && fault.status <= 599) || typeof fault.body !== "string") {
      throw new TypeError(`raw fault needs a status and a string body: status ${fault.status}`);
    }
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

/** A small seeded pseudo-random generator (mulberry32), uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
