/**
 * `waitForCopyJob`: polls `DescribeCopyJob` until the copy job ends.
 *
 * @module
 */

import type { BackupClient } from "../generated/client.ts";
import { describeCopyJob } from "../generated/operations.ts";
import type { CopyJob, CopyJobState } from "../generated/types.ts";
import { timeoutIssues } from "../runtime/client.ts";
import { DeserializationError, ValidationError, type ValidationIssue } from "../runtime/errors.ts";
import { backoffDelay, sleep } from "../runtime/retry.ts";
import { type CallOptions, signalIssues, withTimeout } from "../runtime/call_options.ts";
import { describe } from "../runtime/plain_objects.ts";
import { unknownKeyIssues } from "../runtime/unknown_keys.ts";

/** One poll's view of the job, given to `onProgress`. */
export interface CopyJobProgress {
  /** The job's state at this poll. */
  state: CopyJobState | undefined;
  /** The job as `DescribeCopyJob` returned it. */
  job: CopyJob;
  /** Milliseconds since waiting began. */
  elapsedMs: number;
  /** Number of this poll, from 1. */
  poll: number;
}

/** Options of {@linkcode waitForCopyJob}. */
export interface WaitForCopyJobOptions extends Pick<CallOptions, "signal"> {
  /**
   * Give up after this many milliseconds (1 … 2^31 − 1), counted from the call: the whole
   * wait, a poll in flight included (it is abandoned when the time is up).
   * @default 10800000 (3 hours)
   */
  maxWaitMs?: number | undefined;
  /**
   * Shortest delay between polls, ms (at least 50, at most `maxDelayMs`); the n-th delay is
   * random between this and `min(maxDelayMs, minDelayMs × 2^(n−1))` (Smithy waiters' backoff).
   * @default 5000
   */
  minDelayMs?: number | undefined;
  /** Longest delay between polls, ms (at least `minDelayMs`). @default 60000 */
  maxDelayMs?: number | undefined;
  /** Called after every poll; must be a function. */
  onProgress?: ((progress: CopyJobProgress) => void) | undefined;
}

/** The copy job ended in the FAILED state. */
export class CopyJobFailedError extends Error {
  /** Always `CopyJobFailedError`. */
  override name = "CopyJobFailedError";
  /**
   * Names the job and its `StatusMessage` in the message.
   *
   * @param job the job as the last DescribeCopyJob returned it; its `StatusMessage` says why.
   */
  constructor(readonly job: CopyJob) {
    super(`Copy job ${job.CopyJobId} failed${job.StatusMessage ? `: ${job.StatusMessage}` : ""}`);
  }
}

const OPTION_KEYS: ReadonlySet<string> = new Set(
  [
    "signal",
    "maxWaitMs",
    "minDelayMs",
    "maxDelayMs",
    "onProgress",
  ] satisfies (keyof WaitForCopyJobOptions)[],
);

/** The copy job did not end within `maxWaitMs`. */
export class WaiterTimeoutError extends Error {
  /** Always `WaiterTimeoutError`. */
  override name = "WaiterTimeoutError";
  /**
   * Names the job, its last state and the time waited in the message.
   *
   * @param job the job as the last poll saw it (undefined if no poll answered).
   * @param maxWaitMs the time waited, in milliseconds.
   */
  constructor(readonly job: CopyJob | undefined, maxWaitMs: number) {
    super(
      `Copy job ${job?.CopyJobId ?? ""} still ${job?.State ?? "unknown"} after ${maxWaitMs} ms`,
    );
  }
}

/**
 * The shortest `minDelayMs`. Smithy's waiters spec requires a model's `minDelay` of at least 1 s
 * (default 2 s, `maxDelay` default 120 s: https://smithy.io/2.0/additional-specs/waiters.html);
 * our defaults are 5 s and 60 s. The floor is lower, so the embedded emulator's sub-second jobs
 * can be polled fast, but above 0: `minDelayMs: 0` made 322 DescribeCopyJob calls in 1.5 s.
 */
const MIN_POLL_DELAY_MS = 50;

/** Every issue with `waitForCopyJob`'s options, found before the first poll. */
function waitOptionIssues(
  options: WaitForCopyJobOptions,
  minDelayMs: number,
  maxDelayMs: number,
): ValidationIssue[] {
  if (typeof options !== "object" || options === null) {
    return [{ path: "options", message: `must be an object, not ${describe(options)}` }];
  }
  const issues = [
    ...unknownKeyIssues(options, OPTION_KEYS),
    ...signalIssues("signal", options.signal),
    ...timeoutIssues("maxWaitMs", options.maxWaitMs),
    ...timeoutIssues("minDelayMs", minDelayMs, MIN_POLL_DELAY_MS),
    ...timeoutIssues("maxDelayMs", maxDelayMs, MIN_POLL_DELAY_MS),
  ];
  if (options.onProgress !== undefined && typeof options.onProgress !== "function") {
    issues.push({
      path: "onProgress",
      message: `must be a function, not ${describe(options.onProgress)}`,
    });
  }
  if (!issues.length && minDelayMs > maxDelayMs) {
    const given = (key: "minDelayMs" | "maxDelayMs", value: number) =>
      `${key} ${value}${options[key] === undefined ? " (the default)" : ""}`;
    issues.push({
      path: options.minDelayMs === undefined ? "maxDelayMs" : "minDelayMs",
      message: `${given("minDelayMs", minDelayMs)} is more than ${
        given("maxDelayMs", maxDelayMs)
      }; minDelayMs must not exceed maxDelayMs`,
    });
  }
  return issues;
}

const DONE: readonly (string | undefined)[] = ["COMPLETED", "PARTIAL"];

/**
 * Waits for a copy job to end. Resolves with the final job when it is COMPLETED or PARTIAL;
 * rejects with {@linkcode CopyJobFailedError} when it FAILED, {@linkcode WaiterTimeoutError}
 * when `maxWaitMs` has passed (also in the middle of a poll that does not answer), or the
 * signal's reason when aborted.
 *
 * @example
 * ```ts ignore
 * const { CopyJobId } = await startCopyJob(client, input);
 * const job = await waitForCopyJob(client, { CopyJobId: CopyJobId! }, {
 *   onProgress: ({ state, elapsedMs }) => console.log(state, elapsedMs),
 * });
 * ```
 *
 * @throws {ValidationError} an option is unknown, of the wrong type or out of range, or
 *   `minDelayMs` exceeds `maxDelayMs` (nothing sent)
 */
export async function waitForCopyJob(
  client: BackupClient,
  input: { CopyJobId: string },
  options: WaitForCopyJobOptions = {},
): Promise<CopyJob> {
  const { maxWaitMs = 3 * 3600_000, minDelayMs = 5000, maxDelayMs = 60_000 } = options ?? {};
  const issues = waitOptionIssues(options, minDelayMs, maxDelayMs);
  if (issues.length) throw new ValidationError("waitForCopyJob options", issues);
  const started = Date.now();
  let last: CopyJob | undefined;
  // One signal for the whole wait: the caller's, or the deadline, whichever comes first. Polls
  // and sleeps give way to it at once, whatever they are waiting for.
  const deadline = withTimeout(
    options.signal,
    maxWaitMs,
    () => new WaiterTimeoutError(last, maxWaitMs),
  );
  const signal = deadline.signal!;
  try {
    for (let poll = 1;; poll++) {
      const { CopyJob: job, $metadata } = await describeCopyJob(client, input, { signal });
      if (!job) {
        throw new DeserializationError(
          `DescribeCopyJob returned no CopyJob for ${input.CopyJobId}`,
          { operation: "DescribeCopyJob", $metadata },
        );
      }
      last = job;
      const elapsedMs = Date.now() - started;
      options.onProgress?.({ state: job.State, job, elapsedMs, poll });
      if (DONE.includes(job.State)) return job;
      if (job.State === "FAILED") throw new CopyJobFailedError(job);
      signal.throwIfAborted();
      await sleep(backoffDelay(minDelayMs, poll - 1, maxDelayMs, minDelayMs), signal);
    }
  } finally {
    deadline.dispose();
  }
}
