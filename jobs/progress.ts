/**
 * Progress events of a copy run, given to `onProgress` as they happen. Each carries a copy of the
 * running totals; every count in them only grows, except `inFlight`. Every recovery point found
 * gets one `discovered` and then ends exactly once: `skipped`, `planned`, `completed` or `failed`.
 *
 * @module
 */

import type { CopyJobState, RecoveryPointByBackupVault } from "../generated/types.ts";
import type { CopyOrigin, CopyReportEntry, CopyTotals, ReportedError } from "./report.ts";

/** A recovery point was found in the source vault. */
export interface DiscoveredEvent {
  type: "discovered";
  recoveryPoint: RecoveryPointByBackupVault;
  totals: CopyTotals;
}

/** A recovery point will not be copied (`entry.skipReason` says why). Final. */
export interface SkippedEvent {
  type: "skipped";
  entry: CopyReportEntry;
  totals: CopyTotals;
}

/** Dry run: a copy would be started. Final. */
export interface PlannedEvent {
  type: "planned";
  entry: CopyReportEntry;
  totals: CopyTotals;
}

/** A copy job now exists for a recovery point: started, resumed or found existing. */
export interface StartedEvent {
  type: "started";
  recoveryPointArn: string;
  copyJobId: string;
  origin: CopyOrigin;
  totals: CopyTotals;
}

/** A poll of an unfinished copy job. */
export interface RunningEvent {
  type: "running";
  recoveryPointArn: string;
  copyJobId: string;
  state: CopyJobState | undefined;
  /** `BackupSizeInBytes` of the copy job so far. */
  bytesTransferred?: number;
  /** Bytes so far over the recovery point's size, 0–100, when both are known. */
  percentDone?: number;
  /** Of a composite job: child jobs per state. */
  childJobsInState?: Record<string, number>;
  totals: CopyTotals;
}

/** StartCopyJob was refused for a passing reason (limit, throttling, 5xx, network); retrying. */
export interface RetryingEvent {
  type: "retrying";
  recoveryPointArn: string;
  /** StartCopyJob calls made so far for it. */
  attempts: number;
  delayMs: number;
  error: ReportedError;
  totals: CopyTotals;
}

/** The copy ended COMPLETED or PARTIAL (`entry.outcome`). Final. */
export interface CompletedEvent {
  type: "completed";
  entry: CopyReportEntry;
  totals: CopyTotals;
}

/** The copy ended FAILED or UNFINISHED (`entry.outcome`). Final. */
export interface FailedEvent {
  type: "failed";
  entry: CopyReportEntry;
  totals: CopyTotals;
}

/** One progress event. */
export type CopyProgressEvent =
  | DiscoveredEvent
  | SkippedEvent
  | PlannedEvent
  | StartedEvent
  | RunningEvent
  | RetryingEvent
  | CompletedEvent
  | FailedEvent;
