/**
 * What a vault copy on Workflows passes between steps and instances: recovery points, copy jobs
 * and report entries reduced to small JSON-plain objects (dates as ISO 8601 strings), since every
 * step result is persisted by the engine (at most 1 MiB each) and every batch travels as an
 * instance's `params`.
 *
 * @module
 */

import type { CopyJob, RecoveryPointByBackupVault } from "../../generated/types.ts";
import {
  type ChildCopyJob,
  type CopyOrigin,
  type CopyOutcome,
  type CopyReportEntry,
  type CopyTotals,
  countOutcome,
  emptyTotals,
  type ReportedError,
} from "../report.ts";
import type { SkipReason } from "../selection.ts";

/** One recovery point of a batch: what its copy and its report entry need. */
export interface BatchPoint {
  /** The source recovery point. */
  recoveryPointArn: string;
  /** The backed-up resource. */
  resourceArn?: string;
  /** Its resource type, e.g. `EBS`. */
  resourceType?: string;
  /** Its name. */
  resourceName?: string;
  /** When the recovery point was created, ISO 8601. */
  creationDate?: string;
  /** Whether it is composite. */
  isParent?: boolean;
  /** Why it is not copied; absent when it is selected. */
  skipReason?: SkipReason;
  /** A batch taking over from an earlier one: the copy job that one had. */
  copyJobId?: string;
  /** Where that job came from. */
  origin?: CopyOrigin;
  /** The idempotency token it was started with. */
  idempotencyToken?: string;
  /** StartCopyJob calls made for it so far. */
  attempts?: number;
  /** When that job was created, ISO 8601. */
  jobCreationDate?: string;
}

/** Marks the `params` of a batch instance. */
export const BATCH_PARAMS_VERSION: WorkflowBatchParams["backupEdgeBatch"] = 1;

/** The `params` a run instance creates a batch instance with. */
export interface WorkflowBatchParams {
  /** Always {@linkcode BATCH_PARAMS_VERSION}: tells a batch from a run. */
  backupEdgeBatch: 1;
  /** The run instance's id. */
  runId: string;
  /** The batch's number in the run (0 for the first page of the vault). */
  batch: number;
  /** The instance's number within the batch (0 first, then 1, 2 for what earlier ones left). */
  attempt: number;
  /** The vault copied from: must be the options' (a batch never copies elsewhere). */
  sourceBackupVaultName: string;
  /** The vault copied to: must be the options'. */
  destinationBackupVaultArn: string;
  /** The batch's recovery points, in the order the vault listed them. */
  points: BatchPoint[];
}

/**
 * The `params` of the vault copy Workflow: create a run with none (`{}`); batches are created by
 * the run.
 */
export type WorkflowCopyParams = Record<string, never> | WorkflowBatchParams;

/** A copy job as step results carry it. */
export interface JobView {
  /** `CopyJobId`. */
  copyJobId: string;
  /** `State`: CREATED, RUNNING, COMPLETED, PARTIAL, FAILED. */
  state?: string;
  /** `StatusMessage`. */
  statusMessage?: string;
  /** `DestinationRecoveryPointArn`. */
  destinationRecoveryPointArn?: string;
  /** `BackupSizeInBytes`. */
  bytes?: number;
  /** `CreationDate`, ISO 8601. */
  creationDate?: string;
  /** `CompletionDate`, ISO 8601. */
  completionDate?: string;
  /** `IsParent`. */
  isParent?: boolean;
  /** Of a composite job that ended: its child jobs. */
  childJobs?: ChildCopyJob[];
}

/** A {@linkcode CopyReportEntry} in JSON form: its dates as ISO 8601 strings. */
export type CopyReportEntryJson =
  & Omit<CopyReportEntry, "recoveryPointCreationDate" | "startedAt" | "finishedAt">
  & {
    /** Creation date of the recovery point, ISO 8601. */
    recoveryPointCreationDate?: string;
    /** When the copy job was created, ISO 8601. */
    startedAt?: string;
    /** When the copy job ended, ISO 8601. */
    finishedAt?: string;
  };

/** Job states after which a copy job changes no more. */
export const FINAL_STATES: readonly string[] = ["COMPLETED", "PARTIAL", "FAILED"];

/** A listed recovery point as a batch carries it. */
export function pointOf(rp: RecoveryPointByBackupVault, skip: SkipReason | undefined): BatchPoint {
  const point: BatchPoint = { recoveryPointArn: rp.RecoveryPointArn ?? "" };
  if (rp.ResourceArn) point.resourceArn = rp.ResourceArn;
  if (rp.ResourceType) point.resourceType = rp.ResourceType;
  if (rp.ResourceName) point.resourceName = rp.ResourceName;
  if (rp.CreationDate) point.creationDate = rp.CreationDate.toISOString();
  if (rp.IsParent) point.isParent = true;
  if (skip) point.skipReason = skip;
  return point;
}

/** A copy job as step results carry it. */
export function jobViewOf(job: CopyJob): JobView {
  const view: JobView = { copyJobId: job.CopyJobId ?? "" };
  if (job.State) view.state = job.State;
  if (job.StatusMessage) view.statusMessage = job.StatusMessage;
  if (job.DestinationRecoveryPointArn) {
    view.destinationRecoveryPointArn = job.DestinationRecoveryPointArn;
  }
  if (job.BackupSizeInBytes !== undefined) view.bytes = job.BackupSizeInBytes;
  if (job.CreationDate) view.creationDate = job.CreationDate.toISOString();
  if (job.CompletionDate) view.completionDate = job.CompletionDate.toISOString();
  if (job.IsParent) view.isParent = true;
  return view;
}

/** A new report entry for a point: `SKIPPED` with its reason, else `UNFINISHED` until it ends. */
export function entryOf(point: BatchPoint): CopyReportEntryJson {
  const entry: CopyReportEntryJson = {
    recoveryPointArn: point.recoveryPointArn,
    isParent: !!point.isParent,
    outcome: point.skipReason ? "SKIPPED" : "UNFINISHED",
    attempts: point.attempts ?? 0,
  };
  if (point.resourceArn) entry.resourceArn = point.resourceArn;
  if (point.resourceType) entry.resourceType = point.resourceType;
  if (point.resourceName) entry.resourceName = point.resourceName;
  if (point.creationDate) entry.recoveryPointCreationDate = point.creationDate;
  if (point.skipReason) entry.skipReason = point.skipReason;
  if (point.copyJobId) entry.copyJobId = point.copyJobId;
  if (point.origin) entry.origin = point.origin;
  if (point.idempotencyToken) entry.idempotencyToken = point.idempotencyToken;
  if (point.jobCreationDate) entry.startedAt = point.jobCreationDate;
  return entry;
}

/** Copies what a job says into its entry; the outcome too once the job ended. */
export function applyJob(entry: CopyReportEntryJson, job: JobView): void {
  entry.copyJobId = job.copyJobId;
  if (job.destinationRecoveryPointArn) {
    entry.destinationRecoveryPointArn = job.destinationRecoveryPointArn;
  }
  if (job.statusMessage) entry.statusMessage = job.statusMessage;
  if (job.bytes !== undefined) entry.bytesTransferred = job.bytes;
  if (job.creationDate) entry.startedAt = job.creationDate;
  if (job.completionDate) entry.finishedAt = job.completionDate;
  if (entry.startedAt && entry.finishedAt) {
    entry.durationMs = Date.parse(entry.finishedAt) - Date.parse(entry.startedAt);
  }
  if (job.childJobs) entry.childJobs = job.childJobs;
  if (job.state && FINAL_STATES.includes(job.state)) entry.outcome = job.state as CopyOutcome;
}

/** The point a later batch takes over, with the job this entry has. */
export function pointToContinue(point: BatchPoint, entry: CopyReportEntryJson): BatchPoint {
  const next: BatchPoint = { ...point, attempts: entry.attempts };
  if (entry.copyJobId) next.copyJobId = entry.copyJobId;
  if (entry.origin) next.origin = entry.origin;
  if (entry.idempotencyToken) next.idempotencyToken = entry.idempotencyToken;
  if (entry.startedAt) next.jobCreationDate = entry.startedAt;
  return next;
}

/** A report entry with its dates as `Date`s. */
export function reviveEntry(json: CopyReportEntryJson): CopyReportEntry {
  const { recoveryPointCreationDate, startedAt, finishedAt, ...rest } = json;
  const entry: CopyReportEntry = { ...rest };
  if (recoveryPointCreationDate) {
    entry.recoveryPointCreationDate = new Date(recoveryPointCreationDate);
  }
  if (startedAt) entry.startedAt = new Date(startedAt);
  if (finishedAt) entry.finishedAt = new Date(finishedAt);
  return entry;
}

/**
 * Merges report entries of the same points by recovery point ARN: an ended outcome wins over
 * `UNFINISHED`, and otherwise the later entry wins; a point keeps the place it was first given.
 */
export function mergeEntries(
  into: Map<string, CopyReportEntryJson>,
  entries: Iterable<CopyReportEntryJson>,
): void {
  for (const entry of entries) {
    const had = into.get(entry.recoveryPointArn);
    if (!had || had.outcome === "UNFINISHED" || entry.outcome !== "UNFINISHED") {
      into.set(entry.recoveryPointArn, entry);
    }
  }
}

/** Counts over entries, as `copyRecoveryPoints` counts its report (nothing is in flight). */
export function totalsOf(entries: Iterable<CopyReportEntryJson>): CopyTotals {
  const totals = emptyTotals();
  for (const json of entries) {
    const entry = reviveEntry(json);
    totals.discovered++;
    if (entry.outcome !== "SKIPPED") totals.selected++;
    if (entry.origin === "started") totals.started++;
    countOutcome(totals, entry);
  }
  return totals;
}

/** An error as `{ name, message }`. */
export function reportedError(e: unknown): ReportedError {
  return e instanceof Error
    ? { name: e.name, message: e.message }
    : { name: "Error", message: String(e) };
}

/** The `error` of an instance's status (`{ name, message }`, or a string) as `{ name, message }`. */
export function statusError(error: unknown): ReportedError | undefined {
  if (error === undefined || error === null) return undefined;
  if (typeof error === "string") return { name: "Error", message: error };
  const e = error as { name?: unknown; message?: unknown };
  return { name: String(e.name ?? "Error"), message: String(e.message ?? "") };
}
