/**
 * What a vault copy on Workflows passes between steps and instances, as small JSON-plain objects
 * (dates as ISO 8601 strings), since every step result is persisted by the engine (at most 1 MiB
 * each) and every batch travels as an instance's `params`: a recovery point travels as its report
 * entry so far, a copy job as the members of `CopyJob` a batch reads. Entries are built and filled
 * in by the copier's own pieces (`report_entries.ts`); this module only converts.
 *
 * @module
 */

import type { CopyJob, CopyJobState, RecoveryPointByBackupVault } from "../../generated/types.ts";
import {
  type CopyReportEntry,
  type CopyTotals,
  countOutcome,
  emptyTotals,
  type ReportedError,
} from "../report.ts";
import { newReportEntry } from "../report_entries.ts";
import type { SkipReason } from "../selection.ts";

/** A {@linkcode CopyReportEntry} in JSON form (as `reportToJson` writes it): dates as ISO 8601. */
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

/**
 * One recovery point of a batch: its report entry so far — `SKIPPED` with its reason, or
 * `UNFINISHED` with the copy job, token and attempts an earlier instance of the batch had.
 */
export type BatchPoint = CopyReportEntryJson & {
  /**
   * `CalculatedLifecycle.MoveToColdStorageAt` (ISO 8601) of a point whose lifecycle has moved it
   * to cold storage: the batch reads its storage class (DescribeRecoveryPoint) before copying it.
   */
  moveToColdStorageAt?: string;
};

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
  /**
   * Its ARN, as the run listed it: copies in the destination vault name it (see
   * `findExistingCopies`). Absent in the params of older runs.
   */
  sourceBackupVaultArn?: string;
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

/** The members of a `CopyJob` a batch reads, as step results carry them (dates ISO 8601). */
export interface JobView {
  /** `CopyJobId`. */
  CopyJobId: string;
  /** `State`. */
  State?: CopyJobState;
  /** `StatusMessage`. */
  StatusMessage?: string;
  /** `DestinationRecoveryPointArn`. */
  DestinationRecoveryPointArn?: string;
  /** `BackupSizeInBytes`. */
  BackupSizeInBytes?: number;
  /** `CreationDate`, ISO 8601. */
  CreationDate?: string;
  /** `CompletionDate`, ISO 8601. */
  CompletionDate?: string;
  /** `IsParent`. */
  IsParent?: boolean;
}

/** A copy job as step results carry it. */
export function jobViewOf(job: CopyJob & { CopyJobId: string }): JobView {
  const view: JobView = { CopyJobId: job.CopyJobId };
  if (job.State) view.State = job.State;
  if (job.StatusMessage) view.StatusMessage = job.StatusMessage;
  if (job.DestinationRecoveryPointArn) {
    view.DestinationRecoveryPointArn = job.DestinationRecoveryPointArn;
  }
  if (job.BackupSizeInBytes !== undefined) view.BackupSizeInBytes = job.BackupSizeInBytes;
  if (job.CreationDate) view.CreationDate = job.CreationDate.toISOString();
  if (job.CompletionDate) view.CompletionDate = job.CompletionDate.toISOString();
  if (job.IsParent) view.IsParent = true;
  return view;
}

/** The copy job a step result carries, its dates as `Date`s again. */
export function copyJobOf(view: JobView): CopyJob & { CopyJobId: string } {
  const { CreationDate, CompletionDate, IsParent, ...rest } = view;
  const job: CopyJob & { CopyJobId: string } = { ...rest, IsParent: !!IsParent };
  if (CreationDate) job.CreationDate = new Date(CreationDate);
  if (CompletionDate) job.CompletionDate = new Date(CompletionDate);
  return job;
}

/**
 * A listed recovery point as a batch carries it: `SKIPPED` with `skip`, else `UNFINISHED` until
 * its copy ends; `coldSince` when its storage class is still to be read.
 */
export function pointOf(
  rp: RecoveryPointByBackupVault,
  skip: SkipReason | undefined,
  coldSince: Date | undefined,
): BatchPoint {
  const entry = newReportEntry(rp);
  entry.outcome = skip ? "SKIPPED" : "UNFINISHED";
  if (skip) entry.skipReason = skip;
  const point: BatchPoint = entryToJson(entry);
  if (coldSince) point.moveToColdStorageAt = coldSince.toISOString();
  return point;
}

/**
 * Bytes a point may grow by between the params that give it to a batch instance and the handoff
 * of it, unfinished, to the next ({@linkcode handoffPoint}): its copy job's id, token, origin,
 * start date and attempts (measured: under 200 bytes with AWS's 36-character job ids and tokens).
 * A batch's params are refused unless they fit in a step result with this much room per point,
 * so that the run's `read` step of the batch's leftover points fits too.
 */
export const HANDOFF_GROWTH_BYTES = 256;

/**
 * A point a batch instance left, as the next instance needs it: what identifies it and its copy
 * job (id, token, attempts, origin, start), and what the report shows of the recovery point; no
 * status message or error (the instance's own output keeps those, and the next instance finds
 * its own), so that the handoff grows by a bounded amount ({@linkcode HANDOFF_GROWTH_BYTES}).
 */
export function handoffPoint(entry: CopyReportEntryJson, moveToColdStorageAt?: string): BatchPoint {
  const {
    statusMessage: _s,
    error: _e,
    bytesTransferred: _b,
    finishedAt: _f,
    durationMs: _d,
    childJobs: _c,
    destinationRecoveryPointArn: _r,
    ...point
  } = entry;
  return moveToColdStorageAt ? { ...point, moveToColdStorageAt } : point;
}

/** The report entry of a point, as the batch reported it last (dates as `Date`s). */
export function entryOf(point: BatchPoint): CopyReportEntry {
  const { moveToColdStorageAt: _, ...json } = point;
  return reviveEntry(json);
}

/** An entry in JSON form. */
export function entryToJson(entry: CopyReportEntry): CopyReportEntryJson {
  return JSON.parse(JSON.stringify(entry));
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
export function totalsOf(
  entries: Iterable<Pick<CopyReportEntry, "outcome" | "origin">>,
): CopyTotals {
  const totals = emptyTotals();
  for (const entry of entries) {
    totals.discovered++;
    if (entry.outcome !== "SKIPPED") totals.selected++;
    if (entry.origin === "started") totals.started++;
    countOutcome(totals, entry);
  }
  return totals;
}

/** The `error` of an instance's status (`{ name, message }`, or a string) as `{ name, message }`. */
export function statusError(error: unknown): ReportedError | undefined {
  if (error === undefined || error === null) return undefined;
  if (typeof error === "string") return { name: "Error", message: error };
  const e = error as { name?: unknown; message?: unknown };
  return { name: String(e.name ?? "Error"), message: String(e.message ?? "") };
}
