/**
 * Per-call options (`CallOptions`), checked when given, and the call's deadline: the caller's
 * signal combined with `timeoutMs`.
 *
 * @module
 */

import { timeoutIssues } from "./client.ts";
import { callError } from "./call.ts";
import {
  RequestTimeoutError,
  type ResponseMetadata,
  ValidationError,
  type ValidationIssue,
} from "./errors.ts";
import { describe } from "./plain_objects.ts";
import { unknownKeyIssues } from "./unknown_keys.ts";

/**
 * Per-call options. Any other key is a {@linkcode ValidationError} naming it (with ours for an
 * AWS SDK v3 name: `abortSignal` is `signal`), and nothing is sent.
 */
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

const CALL_OPTION_KEYS: ReadonlySet<string> = new Set(["signal", "timeoutMs"]);

/** Names other libraries use for per-call options, and ours. */
const CALL_OPTION_HINTS: Readonly<Record<string, string>> = {
  requestTimeout: '"timeoutMs" bounds the whole call, the client\'s requestTimeoutMs each attempt',
  maxAttempts: "attempts are the client's maxAttempts",
  maxRetries: "attempts are the client's maxAttempts",
};

/** The call's signal: the caller's, combined with `timeoutMs`; and when the budget ends. */
export interface Deadline {
  signal?: AbortSignal | undefined;
  /** Epoch ms, `Infinity` without `timeoutMs`. */
  at: number;
  dispose(): void;
}

/**
 * The call's deadline from its options (checked when given).
 *
 * @throws {ValidationError} an option is unknown or invalid; nothing is sent
 */
export function callDeadline(
  name: string,
  options: CallOptions | undefined,
  metadata: ResponseMetadata,
): Deadline {
  // Checked only when options are passed: a call without them does no work here.
  if (options === undefined) return { at: Infinity, dispose() {} };
  const issues = callOptionIssues(options);
  if (issues.length) throw new ValidationError(`${name} call options`, issues);
  const { signal, timeoutMs } = options;
  if (timeoutMs === undefined) return { signal, at: Infinity, dispose() {} };
  const at = Date.now() + timeoutMs;
  const timeout = () =>
    callError(RequestTimeoutError, name, metadata, `not done within timeoutMs ${timeoutMs}`);
  return { ...withTimeout(signal, timeoutMs, timeout), at };
}

/** Issues with per-call options: unknown keys, a signal that is not one, a bad timeout. */
function callOptionIssues(options: unknown): ValidationIssue[] {
  if (typeof options !== "object" || options === null) {
    return [{ path: "options", message: `must be an object, not ${describe(options)}` }];
  }
  const { signal, timeoutMs } = options as CallOptions;
  return [
    ...unknownKeyIssues(options, CALL_OPTION_KEYS, "", CALL_OPTION_HINTS),
    ...signalIssues("signal", signal),
    ...timeoutIssues("timeoutMs", timeoutMs),
  ];
}

/** An issue, named `path`, when `signal` is given and is not an AbortSignal. */
export function signalIssues(path: string, signal: unknown): ValidationIssue[] {
  const s = signal as AbortSignal | undefined;
  return s === undefined ||
      (typeof s?.aborted === "boolean" && typeof s.addEventListener === "function")
    ? []
    : [{
      path,
      message: `must be an AbortSignal (an AbortController's .signal), not ${describe(s)}`,
    }];
}

/**
 * A signal that aborts with `parent`, or with `timeout()` after `ms` (none when undefined);
 * `dispose` stops the timer and the link. Without either there is nothing to abort: no
 * signal, no controller, no listener.
 */
export function withTimeout(
  parent: AbortSignal | undefined,
  ms: number | undefined,
  timeout: () => Error,
): { signal?: AbortSignal | undefined; dispose(): void } {
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
