/**
 * When to try a call again and how long to wait: the AWS SDKs' standard retry mode with the
 * defaults they adopted in 2026 (transient base delay 50 ms, throttling base delay 1 s, cap 20 s,
 * 3 attempts, a retry quota of 500 tokens), server hints (`x-amz-retry-after`, `Retry-After`),
 * and waiting that gives way to an `AbortSignal` at once.
 *
 * Sources: "Retry behavior" in the AWS SDKs and Tools Reference Guide
 * (https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html) and its
 * implementation in smithy-typescript (`@smithy/core` 3.40+, `retry/util-retry` and
 * `retry/service-error-classification`).
 *
 * @module
 */

import {
  DeserializationError,
  NetworkError,
  RequestTimeoutError,
  type ResponseMetadata,
  ValidationError,
} from "./errors.ts";
import type { RetryReason } from "./observe.ts";
import { fromHttpDate } from "./serde.ts";
import { unknownKeyIssues } from "./unknown_keys.ts";

/**
 * Error codes that mean "slow down": smithy-typescript's `THROTTLING_ERROR_CODES`
 * (service-error-classification/constants), the list the AWS SDK for JavaScript v3 uses.
 */
export const THROTTLING_ERROR_CODES: ReadonlySet<string> = new Set([
  "BandwidthLimitExceeded",
  "EC2ThrottledException",
  "LimitExceededException",
  "PriorRequestNotComplete",
  "ProvisionedThroughputExceededException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
  "ThrottledException",
  "Throttling",
  "ThrottlingException",
  "TooManyRequestsException",
  "TransactionInProgressException",
]);

/** Transient error codes: smithy-typescript's `TRANSIENT_ERROR_CODES`. */
export const TRANSIENT_ERROR_CODES: ReadonlySet<string> = new Set([
  "TimeoutError",
  "RequestTimeout",
  "RequestTimeoutException",
]);

/** Transient HTTP statuses: smithy-typescript's `TRANSIENT_ERROR_STATUS_CODES`. */
export const TRANSIENT_STATUS_CODES: ReadonlySet<number> = new Set([500, 502, 503, 504]);

/**
 * Errors that may mean the local clock is off: smithy-typescript's `CLOCK_SKEW_ERROR_CODES`.
 * The client corrects its clock (and retries) only when the response's `Date` is also more than
 * 5 minutes from the local clock.
 */
export const CLOCK_SKEW_ERROR_CODES: ReadonlySet<string> = new Set([
  "AccessDeniedException",
  "AuthFailure",
  "InvalidSignatureException",
  "RequestExpired",
  "RequestInTheFuture",
  "RequestTimeTooSkewed",
  "SignatureDoesNotMatch",
]);

/**
 * Errors that mean the session credentials expired (as STS and AWS services name them): the
 * client drops its cached credentials, and retries when they come from a provider.
 */
export const EXPIRED_TOKEN_ERROR_CODES: ReadonlySet<string> = new Set([
  "ExpiredToken",
  "ExpiredTokenException",
]);

/** How a retryable failure is treated: throttling waits longer and costs the quota less. */
export type RetryKind = "throttling" | "transient";

/** What a {@linkcode RetryStrategy} is told about a retryable failure. */
export interface RetryFailure {
  /** The error of the attempt that failed. */
  error: unknown;
  /** Throttling or transient. */
  kind: RetryKind;
  /** Attempts made so far, the failed one included (1 after the first attempt). */
  attempts: number;
  /** The client's `maxAttempts`; the runtime never exceeds it, whatever the strategy says. */
  maxAttempts: number;
  /** The server's hint, in milliseconds from now (`x-amz-retry-after` or `Retry-After`). */
  retryAfterMs?: number | undefined;
  /**
   * Milliseconds left before the call's `timeoutMs` deadline; `Infinity` without one. A delay
   * longer than this is not slept: the failure is raised at once.
   */
  remainingMs: number;
}

/**
 * Decides whether and when to retry; one instance per client, shared by its calls (so a quota
 * is per client). Asked only about failures the runtime found retryable and safe to repeat.
 */
export interface RetryStrategy {
  /** Milliseconds to wait before the next attempt, or `undefined` to give up (and raise). */
  retryDelay(failure: RetryFailure): number | undefined;
  /** A call succeeded; `lastRetry` is the failure it last retried, if it retried at all. */
  recordSuccess(lastRetry?: RetryFailure): void;
}

/** The numbers of a standard retry mode. */
export interface RetryParameters {
  /** Backoff base for transient failures, ms. */
  transientBaseMs: number;
  /** Backoff base for throttling, ms. */
  throttlingBaseMs: number;
  /** Longest backoff (before a server hint), ms. */
  maxBackoffMs: number;
  /** Tokens in the retry quota, and its ceiling. */
  quota: number;
  /** Tokens a transient retry takes. */
  transientCost: number;
  /** Tokens a throttling retry takes. */
  throttlingCost: number;
  /** Tokens a success without retry gives back. */
  noRetryIncrement: number;
  /** Most a server hint may add to the computed backoff, ms. */
  maxRetryAfterExtraMs: number;
}

const STANDARD: RetryParameters = {
  transientBaseMs: 50,
  throttlingBaseMs: 1000,
  maxBackoffMs: 20_000,
  quota: 500,
  transientCost: 14,
  throttlingCost: 5,
  noRetryIncrement: 1,
  maxRetryAfterExtraMs: 5000,
};
const RETRY_HINTS = { maxAttempts: "attempts are the client's maxAttempts" };

/**
 * The retry modes: `standard` is the AWS SDKs' standard mode with the 2026 defaults;
 * `pre-2026` the same mode with the numbers smithy-typescript used before (transient base
 * 100 ms, throttling base 500 ms, a transient retry costs 10 tokens).
 */
export const RETRY_MODES: Readonly<Record<"standard" | "pre-2026", Readonly<RetryParameters>>> = {
  standard: STANDARD,
  "pre-2026": { ...STANDARD, transientBaseMs: 100, throttlingBaseMs: 500, transientCost: 10 },
};

/** A retry mode's name. */
export type RetryMode = keyof typeof RETRY_MODES;

/**
 * Exponential backoff with jitter, the one formula of retries and waiters: a random whole
 * number of milliseconds between `minMs` and `min(capMs, baseMs × 2^retry)`.
 *
 * @param baseMs delay scale of the first retry
 * @param retry how many retries came before this one (0 for the first)
 * @param capMs longest delay
 * @param minMs shortest delay; @default 0 (full jitter, as the AWS SDKs' retries)
 */
export function backoffDelay(baseMs: number, retry: number, capMs: number, minMs = 0): number {
  const ceiling = Math.max(minMs, Math.min(capMs, baseMs * 2 ** retry));
  return Math.floor(minMs + Math.random() * (ceiling - minMs));
}

/**
 * The standard retry strategy: backoff by kind, a server hint clamped to
 * `[backoff, backoff + 5 s]`, and a retry quota that empties under widespread failures (so
 * calls fail fast) and refills as calls succeed.
 */
export class StandardRetryStrategy implements RetryStrategy {
  readonly #parameters: RetryParameters;
  #tokens: number;

  /**
   * A strategy with a full quota.
   *
   * @param parameters the mode's numbers; one left out is `RETRY_MODES.standard`'s (the
   *   default)
   * @throws {ValidationError} an unknown key (attempts are the client's `maxAttempts`), or a
   *   number that is not finite and ≥ 0, naming it
   */
  constructor(parameters: Partial<RetryParameters> = STANDARD) {
    const p = { ...STANDARD, ...parameters };
    const issues = typeof parameters === "object" && parameters !== null
      ? unknownKeyIssues(parameters, Object.keys(STANDARD), "", RETRY_HINTS)
      : [{ path: "", message: "must be an object of RetryParameters" }];
    for (const [key, value] of Object.entries(p)) {
      if (typeof value !== "number" || !(value >= 0 && value < Infinity)) {
        issues.push({ path: key, message: "must be a finite number ≥ 0" });
      }
    }
    if (issues.length) throw new ValidationError("retry parameters", issues);
    this.#parameters = p;
    this.#tokens = p.quota;
  }

  /** Tokens left in the retry quota. */
  get tokens(): number {
    return this.#tokens;
  }

  /** The backoff (or the clamped hint) if the quota allows and it ends before the deadline. */
  retryDelay(failure: RetryFailure): number | undefined {
    const p = this.#parameters;
    const cost = this.#cost(failure);
    if (this.#tokens < cost) return undefined;
    const base = failure.kind === "throttling" ? p.throttlingBaseMs : p.transientBaseMs;
    const backoff = backoffDelay(base, failure.attempts - 1, p.maxBackoffMs);
    const delay = failure.retryAfterMs === undefined ? backoff : Math.round(
      Math.min(Math.max(failure.retryAfterMs, backoff), backoff + p.maxRetryAfterExtraMs),
    );
    if (delay > failure.remainingMs) return undefined;
    this.#tokens -= cost;
    return delay;
  }

  /** Gives back the last retry's cost, or 1 token for a call that needed none. */
  recordSuccess(lastRetry?: RetryFailure): void {
    const refund = lastRetry ? this.#cost(lastRetry) : this.#parameters.noRetryIncrement;
    this.#tokens = Math.min(this.#parameters.quota, this.#tokens + refund);
  }

  #cost(failure: RetryFailure): number {
    const p = this.#parameters;
    return failure.kind === "throttling" ? p.throttlingCost : p.transientCost;
  }
}

/**
 * The server's retry hint in milliseconds from `now`: `x-amz-retry-after` (whole
 * milliseconds), else `Retry-After` (seconds, or an HTTP date: an IMF-fixdate, nothing that
 * `Date.parse` merely guesses at, such as `0`). `undefined` when absent or unreadable; never
 * negative.
 */
export function retryAfterMs(headers: Headers, now: number = Date.now()): number | undefined {
  const amz = headers.get("x-amz-retry-after")?.trim();
  if (amz && /^\d+$/.test(amz)) return Number(amz);
  const standard = headers.get("retry-after")?.trim();
  if (!standard) return undefined;
  if (/^\d+(\.\d+)?$/.test(standard)) return Number(standard) * 1000;
  try {
    return Math.max(0, fromHttpDate(standard).getTime() - now);
  } catch {
    return undefined;
  }
}

/**
 * Why a failure may be retried, or `undefined` when it may not. A service error is judged by
 * its name — the error code as `errorCode` sanitizes it (so a type sent in a header that
 * came with an unreadable body counts) — its status and its `$retryable`: `throttling` or
 * `transient`. Network failures (`network`: `fetch` failed or a 2xx body broke off) and
 * timeouts (`timeout`) happen after the request may have reached the service: they are
 * retried, as transient failures, only when `repeatable` (the operation is safe to send
 * again). A body of the wrong shape is never retried: the service would answer the same.
 */
export function retryReason(
  error: unknown,
  repeatable: boolean,
): Exclude<RetryReason, "clock-skew" | "expired-credentials"> | undefined {
  const e = error as {
    name?: string;
    $metadata?: ResponseMetadata;
    $retryable?: { throttling?: boolean };
  };
  const status = e?.$metadata?.httpStatusCode ?? 0;
  if (error instanceof RequestTimeoutError) return repeatable ? "timeout" : undefined;
  if (
    error instanceof NetworkError ||
    (error instanceof DeserializationError && error.incomplete && status < 300)
  ) {
    return repeatable ? "network" : undefined;
  }
  if (typeof e?.name !== "string") return undefined;
  if (status === 429 || THROTTLING_ERROR_CODES.has(e.name) || e.$retryable?.throttling) {
    return "throttling";
  }
  if (e.$retryable || TRANSIENT_ERROR_CODES.has(e.name) || TRANSIENT_STATUS_CODES.has(status)) {
    return "transient";
  }
  return undefined;
}

/** How a failure may be retried: {@linkcode retryReason}'s answer, timeouts and network failures as transient. */
export function retryKind(error: unknown, repeatable: boolean): RetryKind | undefined {
  const reason = retryReason(error, repeatable);
  return reason && (reason === "throttling" ? reason : "transient");
}

/**
 * Waits `ms`, or rejects with the signal's reason as soon as it aborts — at once when it
 * already has.
 */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await abortable(new Promise((resolve) => timer = setTimeout(resolve, ms)), signal);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Settles like `promise`, or rejects with the signal's reason as soon as it aborts, whether or
 * not the work behind `promise` listens to the signal (that work is left to finish unobserved).
 */
export function abortable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
