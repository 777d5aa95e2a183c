/**
 * Following one copy job: DescribeCopyJob with a doubling delay until the job ends, refuses to be
 * described, or the run's time is up.
 *
 * A job may stay CREATED for a long time, and that is not a failure: AWS keeps a copy job
 * CREATED for up to 2 hours while it retries starting it after a system error ("Copy job retry",
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/recov-point-create-a-copy.html), and a
 * job waits while another job of the same resource runs ("Concurrent backup and copy jobs per
 * resource: 1", https://docs.aws.amazon.com/aws-backup/latest/devguide/aws-backup-limits.html).
 * So nothing here gives up on a job for its state or its age: only `maxWaitMs` ends the wait.
 *
 * @module
 */

import type { BackupClient } from "../generated/client.ts";
import { describeCopyJob } from "../generated/operations.ts";
import type { CopyJob, CopyJobState } from "../generated/types.ts";
import { sleep } from "../runtime/retry.ts";
import type { Deadline } from "./deadline.ts";
import {
  jitter,
  maxWaitError,
  passingFailure,
  type ReportedError,
  reportedError,
} from "./errors.ts";

/** Copy job states that do not change any more. */
export const FINAL_COPY_JOB_STATES: readonly (string | undefined)[] = [
  "COMPLETED",
  "PARTIAL",
  "FAILED",
];

/** How {@linkcode followCopyJob} polls. */
export interface FollowCopyJobOptions {
  /** Aborts: rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
  /** When it passes — also during a poll in flight — the outcome is `unfinished`. */
  deadline?: Deadline | undefined;
  /** First delay between polls, doubling, with jitter, in ms. @default 5000 */
  pollIntervalMs?: number | undefined;
  /** Longest delay between polls, in ms. @default 60000 */
  maxPollIntervalMs?: number | undefined;
  /** Polls failing for a passing reason in a row before giving up (`unfinished`). @default 10 */
  maxPassingFailures?: number | undefined;
  /** Called with the job at every poll, the last one (ended) included. */
  onPoll?: ((job: CopyJob) => void) | undefined;
}

/** How {@linkcode followCopyJob} ended. */
export type FollowCopyJobOutcome =
  /** The job ended: `job.State` is COMPLETED, PARTIAL or FAILED. */
  | { status: "ended"; job: CopyJob }
  /** The deadline passed, or the job could not be described for a passing reason: it may be fine. */
  | { status: "unfinished"; error: ReportedError }
  /** DescribeCopyJob refused (e.g. `ResourceNotFoundException`) or answered no job. */
  | { status: "failed"; error: ReportedError };

/**
 * Polls DescribeCopyJob until the job ends or the deadline passes.
 *
 * @throws the signal's reason when aborted.
 */
export async function followCopyJob(
  client: BackupClient,
  copyJobId: string,
  options: FollowCopyJobOptions = {},
): Promise<FollowCopyJobOutcome> {
  const { signal, deadline } = options;
  const callSignal = deadline ? deadline.with(signal) : signal;
  const maxFailures = options.maxPassingFailures ?? 10;
  let delay = options.pollIntervalMs ?? 5000;
  let passingFailures = 0;
  const unfinished = (): FollowCopyJobOutcome => ({
    status: "unfinished",
    error: maxWaitError(deadline!.ms!),
  });
  for (;;) {
    if (deadline?.passed) return unfinished();
    try {
      const { CopyJob: job } = await describeCopyJob(
        client,
        { CopyJobId: copyJobId },
        callSignal ? { signal: callSignal } : {},
      );
      passingFailures = 0;
      if (!job) {
        return {
          status: "failed",
          error: { name: "InvalidResponse", message: "DescribeCopyJob answered no CopyJob" },
        };
      }
      options.onPoll?.(job);
      if (FINAL_COPY_JOB_STATES.includes(job.State)) return { status: "ended", job };
    } catch (e) {
      signal?.throwIfAborted();
      if (deadline?.passed) return unfinished();
      const passing = passingFailure(e);
      if (!passing) return { status: "failed", error: reportedError(e) };
      // The job exists and may be fine: a rerun waits for it again.
      if (++passingFailures >= maxFailures) {
        return { status: "unfinished", error: reportedError(e) };
      }
    }
    await sleep(Math.min(jitter(delay), deadline?.remaining() ?? Infinity), signal);
    delay = Math.min(options.maxPollIntervalMs ?? 60_000, delay * 2);
  }
}

/** What a poll of an unfinished copy job tells about its progress. */
export interface PollProgress {
  /** The job's state. */
  state: CopyJobState | undefined;
  /** `BackupSizeInBytes` of the copy job so far. */
  bytesTransferred?: number;
  /** Bytes so far over the recovery point's size, 0–100, when both are known. */
  percentDone?: number;
  /** Of a composite job: child jobs per state. */
  childJobsInState?: Record<string, number>;
  /**
   * Of a CREATED job: milliseconds since it was created. AWS keeps a copy job CREATED while it
   * retries starting it (up to 2 hours) or while another job of the resource runs.
   */
  createdForMs?: number;
}

/** The progress of a polled job; `sizeBytes` is the recovery point's size, if known. */
export function pollProgress(job: CopyJob, sizeBytes?: number): PollProgress {
  const progress: PollProgress = { state: job.State };
  if (job.BackupSizeInBytes !== undefined) {
    progress.bytesTransferred = job.BackupSizeInBytes;
    if (sizeBytes) progress.percentDone = Math.min(100, 100 * job.BackupSizeInBytes / sizeBytes);
  }
  if (job.ChildJobsInState) progress.childJobsInState = { ...job.ChildJobsInState };
  if (job.State === "CREATED" && job.CreationDate) {
    progress.createdForMs = Math.max(0, Date.now() - job.CreationDate.getTime());
  }
  return progress;
}
