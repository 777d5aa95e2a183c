/**
 * The options of `copyRecoveryPoints`, their defaults and where they come from, and the checks
 * made on them before anything is sent.
 *
 * @module
 */

import type { Lifecycle } from "../generated/types.ts";
import { ValidationError, type ValidationIssue } from "../runtime/errors.ts";
import type { CheckpointStore } from "./checkpoint.ts";
import {
  booleanIssue,
  COPY_TARGET_KEYS,
  copyTargetIssues,
  integerIssue,
  optionKeyIssues,
  SELECTION_KEYS,
  selectionIssues,
} from "./option_checks.ts";
import type { CopyProgressEvent } from "./progress.ts";
import type { CopySelection } from "./selection.ts";

/** Options of {@linkcode copyRecoveryPoints}; the selection filters are those of `CopySelection`. */
export interface CopyRecoveryPointsOptions extends CopySelection {
  /** Name of the vault to copy from (in the client's Region and account). */
  sourceBackupVaultName: string;
  /**
   * ARN of the vault to copy to — another Region, another account, or the same:
   * `arn:PARTITION:backup:REGION:ACCOUNT:backup-vault:NAME`.
   */
  destinationBackupVaultArn: string;
  /** IAM role AWS Backup copies with (StartCopyJob `IamRoleArn`): `arn:aws:iam::ACCOUNT:role/…`. */
  iamRoleArn: string;
  /** Lifecycle of the copies (StartCopyJob `Lifecycle`). */
  lifecycle?: Lifecycle | undefined;
  /**
   * Names the run's checkpoint records: run again with the same `runId` (and checkpoint) to
   * resume; not empty nor white space only. Idempotency tokens do not depend on it.
   * @default a random UUID (see `report.runId`)
   */
  runId?: string | undefined;
  /**
   * Copy jobs being started or waited for at once; never two of the same resource. AWS Backup's
   * quotas: 100 concurrent copies outbound to a destination Region per account (adjustable for
   * some resource types), and 5 per destination vault once that is reached (not adjustable).
   * More is allowed: the account's limit is then waited out (`LimitExceededException`).
   * @default 4 (`DEFAULT_COPY_CONCURRENCY`, below both quotas)
   */
  concurrency?: number | undefined;
  /**
   * FAILED copy jobs of a recovery point to the destination (ListCopyJobs, any run or tool)
   * after which no new one is started: it is reported FAILED with the newest failure's message.
   * Below it, a failed copy is tried again with a new token (`retryOf` the newest failure).
   * @default 3 (`DEFAULT_MAX_FAILED_COPIES`)
   */
  maxFailedCopies?: number | undefined;
  /** Where progress is kept for resuming. @default a new `MemoryCheckpointStore` */
  checkpoint?: CheckpointStore | undefined;
  /** Aborts the run at once: it rejects with the signal's reason; the checkpoint stays valid. */
  signal?: AbortSignal | undefined;
  /**
   * Stop starting and waiting after this many milliseconds — also a request in flight, or a
   * `checkpoint` call, that does not answer; copies not ended by then are reported `UNFINISHED`
   * (their jobs keep running; a rerun waits for them). A checkpoint write that did not answer
   * may or may not have been made; a rerun copies nothing twice either way. At least 1 (0 is a
   * `ValidationError`, as in `waitForCopyJob`). @default no limit
   */
  maxWaitMs?: number | undefined;
  /** Called with every {@linkcode CopyProgressEvent}; an exception from it stops the run. */
  onProgress?: ((event: CopyProgressEvent) => void) | undefined;
  /** List what would be copied and what skipped; start nothing, write no checkpoint. */
  dryRun?: boolean | undefined;
  /**
   * A selection that takes nothing is fine (`ok`), instead of a `failure`
   * (`NOTHING_SELECTED`, `EMPTY_VAULT`). @default false
   */
  allowEmpty?: boolean | undefined;
  /** First delay between DescribeCopyJob polls of a job, doubling (with jitter). @default 5000 */
  pollIntervalMs?: number | undefined;
  /** Longest delay between polls of a job. @default 60000 */
  maxPollIntervalMs?: number | undefined;
  /**
   * First delay before StartCopyJob is tried again after `LimitExceededException`, throttling,
   * a 5xx or a network failure (after the client's own retries), doubling (with jitter).
   * @default 2000
   */
  retryDelayMs?: number | undefined;
  /** Longest such delay. @default 60000 */
  maxRetryDelayMs?: number | undefined;
  /**
   * StartCopyJob calls for one recovery point before a passing failure (throttling, 5xx,
   * network) fails it. `LimitExceededException` is waited out until `maxWaitMs` instead.
   * @default 10
   */
  maxStartAttempts?: number | undefined;
}

/**
 * Default of {@linkcode CopyRecoveryPointsOptions.concurrency}: below AWS Backup's quota of 5
 * concurrent copies per destination vault once the account's outbound limit is reached (AWS
 * Backup quotas, https://docs.aws.amazon.com/aws-backup/latest/devguide/aws-backup-limits.html).
 */
export const DEFAULT_COPY_CONCURRENCY = 4;

export { DEFAULT_MAX_FAILED_COPIES } from "./existing_copies.ts";

// Functions, not module constants: a bundle that never checks options keeps none of this.
const copyOptionKeys = () =>
  Object.keys(
    {
      ...SELECTION_KEYS,
      ...COPY_TARGET_KEYS,
      runId: true,
      concurrency: true,
      maxFailedCopies: true,
      checkpoint: true,
      signal: true,
      maxWaitMs: true,
      onProgress: true,
      dryRun: true,
      allowEmpty: true,
      pollIntervalMs: true,
      maxPollIntervalMs: true,
      retryDelayMs: true,
      maxRetryDelayMs: true,
      maxStartAttempts: true,
    } as const satisfies Record<keyof CopyRecoveryPointsOptions, true>,
  );

/**
 * Checks the options of `copyRecoveryPoints`.
 *
 * @throws {ValidationError} naming every bad option: unknown keys (with the closest known one),
 * the StartCopyJob members they become (checked against the model), the shape of the vault and
 * role ARNs, the selection, numbers and callbacks.
 */
export function checkCopyOptions(o: CopyRecoveryPointsOptions): void {
  const issues: ValidationIssue[] = [
    ...optionKeyIssues(o, copyOptionKeys(), "copyRecoveryPoints"),
    ...copyTargetIssues(o),
    ...selectionIssues(o),
    ...integerIssue("concurrency", o.concurrency, 1),
    ...integerIssue("maxStartAttempts", o.maxStartAttempts, 1),
    ...integerIssue("maxFailedCopies", o.maxFailedCopies, 1),
  ];
  // Delays that double must start above 0, or polls and retries would run back to back; a
  // maxWaitMs of 0 would end the run before it starts (waitForCopyJob refuses it alike).
  for (
    const name of [
      "maxWaitMs",
      "pollIntervalMs",
      "maxPollIntervalMs",
      "retryDelayMs",
      "maxRetryDelayMs",
    ] as const
  ) {
    const value = o[name];
    if (value !== undefined && !(typeof value === "number" && value >= 1)) {
      issues.push({ path: name, message: "must be a number of milliseconds, at least 1" });
    }
  }
  if (o.runId !== undefined && (typeof o.runId !== "string" || o.runId.trim() === "")) {
    issues.push({
      path: "runId",
      message: "must be a string with a character other than white space",
    });
  }
  issues.push(...booleanIssue("dryRun", o.dryRun), ...booleanIssue("allowEmpty", o.allowEmpty));
  const store = o.checkpoint as unknown as Record<string, unknown> | undefined;
  if (
    store !== undefined &&
    !(typeof store === "object" && store !== null &&
      ["get", "put", "list"].every((m) => typeof store[m] === "function"))
  ) {
    issues.push({
      path: "checkpoint",
      message: "must be a CheckpointStore (get, put and list methods)",
    });
  }
  if (o.onProgress !== undefined && typeof o.onProgress !== "function") {
    issues.push({ path: "onProgress", message: "must be a function" });
  }
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) {
    issues.push({ path: "signal", message: "must be an AbortSignal" });
  }
  if (issues.length) throw new ValidationError("copyRecoveryPoints options", issues);
}
