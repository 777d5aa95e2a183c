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
  /** Discriminates the event. */
  type: "discovered";
  /** The recovery point as the vault listed it. */
  recoveryPoint: RecoveryPointByBackupVault;
  /** The run's totals after this event. */
  totals: CopyTotals;
}

/** A recovery point will not be copied (`entry.skipReason` says why). Final. */
export interface SkippedEvent {
  /** Discriminates the event. */
  type: "skipped";
  /** Its report entry, final. */
  entry: CopyReportEntry;
  /** The run's totals after this event. */
  totals: CopyTotals;
}

/** Dry run: a copy would be started. Final. */
export interface PlannedEvent {
  /** Discriminates the event. */
  type: "planned";
  /** Its report entry, final. */
  entry: CopyReportEntry;
  /** The run's totals after this event. */
  totals: CopyTotals;
}

/** A copy job now exists for a recovery point: started, resumed or found existing. */
export interface StartedEvent {
  /** Discriminates the event. */
  type: "started";
  /** The recovery point. */
  recoveryPointArn: string;
  /** Its copy job. */
  copyJobId: string;
  /** Where the job came from. */
  origin: CopyOrigin;
  /** The run's totals after this event. */
  totals: CopyTotals;
}

/** A poll of an unfinished copy job. */
export interface RunningEvent {
  /** Discriminates the event. */
  type: "running";
  /** The recovery point. */
  recoveryPointArn: string;
  /** Its copy job. */
  copyJobId: string;
  /** The job's state at this poll. */
  state: CopyJobState | undefined;
  /** `BackupSizeInBytes` of the copy job so far. */
  bytesTransferred?: number;
  /** Bytes so far over the recovery point's size, 0–100, when both are known. */
  percentDone?: number;
  /** Of a composite job: child jobs per state. */
  childJobsInState?: Record<string, number>;
  /**
   * Of a CREATED job: milliseconds since it was created. Not a failure: AWS keeps a copy job
   * CREATED for up to 2 hours while it retries starting it, and while another backup or copy
   * job of the same resource runs; only `maxWaitMs` ends the wait.
   */
  createdForMs?: number;
  /** The run's totals after this event. */
  totals: CopyTotals;
}

/** StartCopyJob was refused for a passing reason (limit, throttling, 5xx, network); retrying. */
export interface RetryingEvent {
  /** Discriminates the event. */
  type: "retrying";
  /** The recovery point. */
  recoveryPointArn: string;
  /** StartCopyJob calls made so far for it. */
  attempts: number;
  /** Milliseconds until the next try. */
  delayMs: number;
  /** What the last try failed with. */
  error: ReportedError;
  /** The run's totals after this event. */
  totals: CopyTotals;
}

/** The copy ended COMPLETED or PARTIAL (`entry.outcome`). Final. */
export interface CompletedEvent {
  /** Discriminates the event. */
  type: "completed";
  /** Its report entry, final. */
  entry: CopyReportEntry;
  /** The run's totals after this event. */
  totals: CopyTotals;
}

/** The copy ended FAILED or UNFINISHED (`entry.outcome`). Final. */
export interface FailedEvent {
  /** Discriminates the event. */
  type: "failed";
  /** Its report entry, final. */
  entry: CopyReportEntry;
  /** The run's totals after this event. */
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
