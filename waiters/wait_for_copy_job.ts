/**
 * `waitForCopyJob`: polls `DescribeCopyJob` until the copy job ends.
 *
 * @module
 */

import type { BackupClient } from "../generated/client.ts";
import { describeCopyJob } from "../generated/operations.ts";
import type { CopyJob, CopyJobState } from "../generated/types.ts";
import { timeoutIssues } from "../runtime/client.ts";
import { DeserializationError, ValidationError } from "../runtime/errors.ts";
import { backoffDelay, sleep } from "../runtime/retry.ts";
import { type CallOptions, withTimeout } from "../runtime/call_options.ts";
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
   * Shortest delay between polls, ms; the n-th delay is random between this and
   * `min(maxDelayMs, minDelayMs × 2^(n−1))` (Smithy waiters' backoff).
   * @default 5000
   */
  minDelayMs?: number | undefined;
  /** Longest delay between polls, ms. @default 60000 */
  maxDelayMs?: number | undefined;
  /** Called after every poll. */
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
 * @throws {ValidationError} an option is unknown or out of range (nothing sent)
 */
export async function waitForCopyJob(
  client: BackupClient,
  input: { CopyJobId: string },
  options: WaitForCopyJobOptions = {},
): Promise<CopyJob> {
  const { maxWaitMs = 3 * 3600_000, minDelayMs = 5000, maxDelayMs = 60_000 } = options;
  const issues = [
    ...unknownKeyIssues(options, OPTION_KEYS),
    ...timeoutIssues("maxWaitMs", maxWaitMs),
    ...timeoutIssues("minDelayMs", minDelayMs, 0),
    ...timeoutIssues("maxDelayMs", maxDelayMs, 0),
  ];
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
