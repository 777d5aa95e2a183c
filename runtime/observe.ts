/**
 * Observing calls (logs, traces, counters): the events a client's `observe` option receives, one
 * per attempt and one per call, the two levels the AWS SDK for Java 2.x publishes its metrics
 * at ("ApiCall" and "ApiCallAttempt",
 * https://docs.aws.amazon.com/sdk-for-java/latest/developer-guide/metrics-list.html).
 *
 * An event holds no secret and nothing a caller sent: no credentials, headers, bodies,
 * signatures or URL (a URL's path names vaults and recovery points, and its query may hold a
 * continuation token). `invocationId` (sent as `amz-sdk-invocation-id`) ties the events of one
 * call together, `requestId` an attempt to the service's logs.
 *
 * @module
 */

import type { ResponseMetadata } from "./errors.ts";

/**
 * Why another attempt follows:
 * - `throttling`: the service said to slow down (HTTP 429, a throttling error code);
 * - `transient`: a 5xx status or a transient error code;
 * - `timeout`: the attempt took longer than `requestTimeoutMs`;
 * - `network`: no complete answer (`fetch` failed, or a 2xx body broke off);
 * - `clock-skew`: the local clock was more than 5 minutes off; the client corrected it;
 * - `expired-credentials`: the service said the credentials expired; the provider gave new ones.
 */
export type RetryReason =
  | "throttling"
  | "transient"
  | "timeout"
  | "network"
  | "clock-skew"
  | "expired-credentials";

/** What every event says about its call. */
export interface CallObserverEventBase {
  /** The operation, e.g. `StartCopyJob`. */
  operation: string;
  /** One random UUID per call, the same on its retries (the `amz-sdk-invocation-id` header). */
  invocationId: string;
  /** HTTP status of the (last) response; absent when none arrived. */
  httpStatusCode?: number | undefined;
  /** `x-amzn-RequestId` of the (last) response, for AWS Support and CloudTrail. */
  requestId?: string | undefined;
  /**
   * The failure's name: a service error's code (`ThrottlingException`, `"503"` when the
   * service named none), `NetworkError`, `RequestTimeoutError`, `DeserializationError`,
   * `ValidationError`, the abort reason's name (`AbortError`) or a credential provider's error
   * name. Absent on success.
   */
  error?: string | undefined;
  /**
   * Milliseconds it took (`performance.now()`; Workers advance it only while waiting on I/O,
   * which is what an attempt does).
   */
  durationMs: number;
}

/** One attempt: sent and answered, or failed; emitted when it ends, before any retry delay. */
export interface AttemptEvent extends CallObserverEventBase {
  /** Always `"attempt"`. */
  type: "attempt";
  /** This attempt's number, 1 for the first. */
  attempt: number;
  /** The client's `maxAttempts`. */
  maxAttempts: number;
  /**
   * Present when another attempt follows: the milliseconds the client waits before it (0 when
   * the client fixed the cause itself) and why. Absent: the call ends with this attempt.
   */
  retry?: { delayMs: number; reason: RetryReason };
}

/** A call ended (after its last attempt, or before any when its input or options were invalid). */
export interface CallEvent extends CallObserverEventBase {
  /** Always `"call"`. */
  type: "call";
  /** Attempts made; 0 when nothing was sent. */
  attempts: number;
  /** Milliseconds slept between attempts. */
  totalRetryDelay: number;
  /** Never set: lets `event.retry?.reason` be read before narrowing on `type`. */
  retry?: undefined;
}

/** What `observe` receives: an {@linkcode AttemptEvent} or a {@linkcode CallEvent}. */
export type CallObserverEvent = AttemptEvent | CallEvent;

/**
 * Receives every event of a client's calls, synchronously, as they happen. It cannot change a
 * call: what it returns is ignored, and what it throws (or a promise it returns rejects with) is
 * caught; the first such error of a client is reported with `console.error`, later ones not.
 */
export type CallObserver = (event: CallObserverEvent) => unknown;

/**
 * `observer` made safe to call from the middle of a call: it never throws, and a promise it
 * returns never rejects unhandled. Its first error is reported once with `console.error`.
 */
export function safeObserver(observer: CallObserver): (event: CallObserverEvent) => void {
  let reported = false;
  const report = (error: unknown) => {
    if (reported) return;
    reported = true;
    try {
      console.error(
        "backup-edge: the client's observe threw (calls go on; not reported again):",
        error,
      );
    } catch {
      // Nowhere to report: the call still goes on.
    }
  };
  return (event) => {
    try {
      // A promise it returns (any thenable) is followed only to catch its rejection.
      Promise.resolve(observer(event)).catch(report);
    } catch (error) {
      report(error);
    }
  };
}

/**
 * What every event says about a call so far (see {@linkcode CallObserverEventBase}): the failure by its name
 * only, never the error itself, whose message could quote the input.
 *
 * @param started when the attempt or call started, by `performance.now()`
 * @param failure what the attempt or call failed with; absent on success
 */
export function observation(
  operation: string,
  invocationId: string,
  metadata: ResponseMetadata,
  started: number,
  failure: { error: unknown } | undefined,
): CallObserverEventBase {
  const name = (failure?.error as { name?: unknown } | null | undefined)?.name;
  return {
    operation,
    invocationId,
    httpStatusCode: metadata.httpStatusCode,
    requestId: metadata.requestId,
    error: failure && (typeof name === "string" ? name : typeof failure.error),
    durationMs: performance.now() - started,
  };
}
