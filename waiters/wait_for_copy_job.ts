/**
 * `waitForCopyJob`: polls `DescribeCopyJob` until the copy job ends.
 *
 * @module
 */

import type { BackupClient } from "../generated/client.ts";
import { describeCopyJob } from "../generated/operations.ts";
import type { CopyJob, CopyJobState } from "../generated/types.ts";
import { DeserializationError } from "../runtime/errors.ts";
import { backoffDelay, sleep } from "../runtime/retry.ts";
import type { CallOptions } from "../runtime/send.ts";

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
  /** Give up after this many milliseconds. @default 10800000 (3 hours) */
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
 * after `maxWaitMs`, or the signal's reason when aborted.
 *
 * @example
 * ```ts ignore
 * const { CopyJobId } = await startCopyJob(client, input);
 * const job = await waitForCopyJob(client, { CopyJobId: CopyJobId! }, {
 *   onProgress: ({ state, elapsedMs }) => console.log(state, elapsedMs),
 * });
 * ```
 */
export async function waitForCopyJob(
  client: BackupClient,
  input: { CopyJobId: string },
  options: WaitForCopyJobOptions = {},
): Promise<CopyJob> {
  const { maxWaitMs = 3 * 3600_000, minDelayMs = 5000, maxDelayMs = 60_000 } = options;
  const started = Date.now();
  for (let poll = 1;; poll++) {
    const { CopyJob: job, $metadata } = await describeCopyJob(client, input, {
      signal: options.signal,
    });
    if (!job) {
      throw new DeserializationError(`DescribeCopyJob returned no CopyJob for ${input.CopyJobId}`, {
        operation: "DescribeCopyJob",
        $metadata,
      });
    }
    const elapsedMs = Date.now() - started;
    options.onProgress?.({ state: job.State, job, elapsedMs, poll });
    if (DONE.includes(job.State)) return job;
    if (job.State === "FAILED") throw new CopyJobFailedError(job);
    const remaining = maxWaitMs - elapsedMs;
    if (remaining <= 0) throw new WaiterTimeoutError(job, maxWaitMs);
    const delay = backoffDelay(minDelayMs, poll - 1, maxDelayMs, minDelayMs);
    await sleep(Math.min(remaining, delay), options.signal);
  }
}
