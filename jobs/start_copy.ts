/**
 * Starting one copy job: StartCopyJob with its idempotency token, tried again after passing
 * failures, until it answers a job, refuses, or the run's time is up. Used by
 * `copyRecoveryPoints` and reusable on its own (a Workflow step, an event handler).
 *
 * @module
 */

import type { BackupClient } from "../generated/client.ts";
import { startCopyJob } from "../generated/operations.ts";
import type { CopyJob, Lifecycle } from "../generated/types.ts";
import { sleep } from "../runtime/retry.ts";
import type { Deadline } from "./deadline.ts";
import {
  jitter,
  maxWaitError,
  passingFailure,
  type ReportedError,
  reportedError,
} from "./errors.ts";
import { findCopiesOf } from "./existing_copies.ts";

/** What one copy is: the StartCopyJob input, with the token already chosen. */
export interface StartCopyInput {
  /** The source recovery point. */
  recoveryPointArn: string;
  /** Its vault, in the client's Region and account. */
  sourceBackupVaultName: string;
  /** The vault to copy to. */
  destinationBackupVaultArn: string;
  /** The role AWS Backup copies with. */
  iamRoleArn: string;
  /** Lifecycle of the copy. */
  lifecycle?: Lifecycle | undefined;
  /** The same for every attempt, e.g. from `copyIdempotencyToken`. */
  idempotencyToken: string;
}

/** How {@linkcode startCopyWithRetries} tries again. */
export interface StartCopyRetryOptions {
  /** Aborts: rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
  /**
   * When it passes — also during a call in flight — the outcome is `unfinished` (the call may
   * have started a job: the same token later finds it).
   */
  deadline?: Deadline | undefined;
  /**
   * StartCopyJob calls before a passing failure (throttling, 5xx, network) refuses the copy;
   * `LimitExceededException` is waited out until the deadline instead. @default 10
   */
  maxStartAttempts?: number | undefined;
  /** First delay before trying again, doubling, with jitter, in ms. @default 2000 */
  retryDelayMs?: number | undefined;
  /** Longest such delay, in ms. @default 60000 */
  maxRetryDelayMs?: number | undefined;
  /** Called before each StartCopyJob (1 for the first); a rejection stops and is passed on. */
  beforeAttempt?: ((attempt: number) => Promise<void> | void) | undefined;
  /** Called before each wait to try again. */
  onRetry?:
    | ((retry: { attempt: number; delayMs: number; error: ReportedError }) => void)
    | undefined;
}

/** How {@linkcode startCopyWithRetries} ended. */
export type StartCopyOutcome =
  /** StartCopyJob answered a job (a new one, or with a repeated token the one it made before). */
  | { status: "started"; copyJobId: string; attempts: number }
  /** Refused: an error not worth repeating, or passing failures `maxStartAttempts` times. */
  | { status: "refused"; error: ReportedError; cause: unknown; attempts: number }
  /** The deadline passed first. */
  | { status: "unfinished"; error: ReportedError; attempts: number };

/**
 * What one StartCopyJob answered: the copy job (with `CreationDate` and `IsParent` when known), or
 * an answer that names none.
 */
export type StartCopyAnswer =
  | { job: CopyJob & { CopyJobId: string } }
  | { error: ReportedError };

/**
 * One StartCopyJob (after the client's own retries). AWS documents a repeated token as "a success
 * message with no action taken"; should that answer not name the job, ListCopyJobs
 * (`BySourceRecoveryPointArn`) does. For a driver that does its own retrying (a Workflow step).
 *
 * @throws {ServiceException} and the client's other errors: classify them with `passingFailure`.
 * @throws the signal's reason when aborted.
 */
export async function startCopyOnce(
  client: BackupClient,
  input: StartCopyInput,
  options: { signal?: AbortSignal | undefined } = {},
): Promise<StartCopyAnswer> {
  const call = options.signal ? { signal: options.signal } : {};
  const output = await startCopyJob(client, {
    RecoveryPointArn: input.recoveryPointArn,
    SourceBackupVaultName: input.sourceBackupVaultName,
    DestinationBackupVaultArn: input.destinationBackupVaultArn,
    IamRoleArn: input.iamRoleArn,
    IdempotencyToken: input.idempotencyToken,
    ...(input.lifecycle ? { Lifecycle: input.lifecycle } : {}),
  }, call);
  if (output.CopyJobId) {
    const job: CopyJob & { CopyJobId: string } = {
      CopyJobId: output.CopyJobId,
      IsParent: output.IsParent,
    };
    if (output.CreationDate) job.CreationDate = output.CreationDate;
    return { job };
  }
  const copies = await findCopiesOf(
    client,
    input.recoveryPointArn,
    input.destinationBackupVaultArn,
    call,
  );
  const found = copies.done ?? copies.inProgress;
  if (found?.CopyJobId) return { job: { ...found, CopyJobId: found.CopyJobId } };
  return {
    error: {
      name: "InvalidResponse",
      message: "StartCopyJob answered no CopyJobId and ListCopyJobs shows no copy job",
    },
  };
}

/**
 * StartCopyJob until it answers, trying again with backoff after `LimitExceededException` (until
 * the deadline), throttling, 5xx and network failures (up to `maxStartAttempts` calls) — the
 * client's own retries come first. Every attempt ({@linkcode startCopyOnce}) sends the same
 * `IdempotencyToken`, so AWS answers a repeat with the job it already made.
 *
 * @throws the signal's reason when aborted, or what `beforeAttempt` rejected with.
 */
export async function startCopyWithRetries(
  client: BackupClient,
  input: StartCopyInput,
  options: StartCopyRetryOptions = {},
): Promise<StartCopyOutcome> {
  const { signal, deadline } = options;
  const maxAttempts = options.maxStartAttempts ?? 10;
  const callSignal = deadline ? deadline.with(signal) : signal;
  let delay = options.retryDelayMs ?? 2000;
  let passingFailures = 0;
  let attempts = 0;
  const unfinished = (): StartCopyOutcome => ({
    status: "unfinished",
    error: maxWaitError(deadline!.ms!),
    attempts,
  });
  for (;;) {
    if (deadline?.passed) return unfinished();
    attempts++;
    await options.beforeAttempt?.(attempts);
    let error: ReportedError;
    let cause: unknown;
    try {
      const answer = await startCopyOnce(client, input, { signal: callSignal });
      if ("job" in answer) return { status: "started", copyJobId: answer.job.CopyJobId, attempts };
      error = answer.error;
      cause = undefined;
    } catch (e) {
      signal?.throwIfAborted();
      if (deadline?.passed) return unfinished();
      const kind = passingFailure(e);
      if (kind === "transient") passingFailures++;
      if (kind && passingFailures < maxAttempts) {
        const wait = Math.min(jitter(delay), deadline?.remaining() ?? Infinity);
        options.onRetry?.({
          attempt: attempts,
          delayMs: Math.round(wait),
          error: reportedError(e),
        });
        await sleep(wait, signal);
        delay = Math.min(options.maxRetryDelayMs ?? 60_000, delay * 2);
        continue;
      }
      error = reportedError(e);
      cause = e;
    }
    return { status: "refused", error, cause, attempts };
  }
}
