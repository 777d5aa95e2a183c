/**
 * The report of `verifyCopies`: for every recovery point of the source vault, whether a copy of
 * it exists in the destination vault, and totals.
 *
 * @module
 */

import type { RecoveryPointByBackupVault } from "../generated/types.ts";
import { type OptionHint, reportJson, type RunFailure } from "./report.ts";
import type { SkipReason } from "./selection.ts";

/**
 * What the destination vault holds of a source recovery point, judged by the recovery point
 * (not by resource: a resource has many recovery points):
 * - `COMPLETED`: a copy job to the destination completed, and its copy is there (as far as
 *   could be checked, see `destinationChecked`);
 * - `PARTIAL`: the newest finished copy ended PARTIAL (`statusMessage` says what is missing);
 * - `RUNNING`: a copy job is CREATED or RUNNING (AWS keeps a job CREATED for up to 2 hours while
 *   it retries it);
 * - `FAILED`: copy jobs were made and all FAILED (`statusMessage`: AWS's message of the newest);
 * - `EXPIRED`: a copy was made but is gone: deleted from the destination vault, or past the
 *   `DeleteAfterDays` it was copied with;
 * - `MISSING`: no copy job of it to the destination (ListCopyJobs shows about 30 days of jobs:
 *   an older copy is only found when the destination vault can be read);
 * - `SKIPPED`: not selected (`skipReason`).
 */
export type CopyStatus =
  | "COMPLETED"
  | "PARTIAL"
  | "RUNNING"
  | "FAILED"
  | "EXPIRED"
  | "MISSING"
  | "SKIPPED";

/**
 * How the status was found: from a `copy-job` (ListCopyJobs), or in the `destination-vault`
 * itself (a copy whose job ListCopyJobs no longer shows, matched by resource, creation date and
 * source vault: copies keep their source's creation date).
 */
export type CopyEvidence = "copy-job" | "destination-vault";

/** One recovery point of the source vault. */
export interface VerifyEntry {
  /** The source recovery point. */
  recoveryPointArn: string;
  /** The backed-up resource. */
  resourceArn?: string;
  /** Its resource type, e.g. `EBS`. */
  resourceType?: string;
  /** Its (non-unique) name. */
  resourceName?: string;
  /** Creation date of the recovery point. */
  recoveryPointCreationDate?: Date;
  /** What the destination holds of it. */
  status: CopyStatus;
  /** Where the status comes from (absent for `MISSING` and `SKIPPED`). */
  evidence?: CopyEvidence;
  /** The copy job the status comes from (the newest of its kind). */
  copyJobId?: string;
  /** The copy in the destination vault. */
  destinationRecoveryPointArn?: string;
  /** When the copy job ended. */
  copiedAt?: Date;
  /** AWS's `StatusMessage` of the job (why it FAILED or is PARTIAL). */
  statusMessage?: string;
  /** FAILED copy jobs of it to the destination. */
  failedCopyJobs: number;
  /** Why it was skipped, for `SKIPPED`. */
  skipReason?: SkipReason;
  /** One sentence for people, e.g. for a table. */
  message: string;
  /**
   * The option `message` advises (`destinationClient`, for an old point whose copy may be older
   * than ListCopyJobs shows), for a tool that names it otherwise.
   */
  hint?: OptionHint;
}

/** Counts over a verification; `selected` = the sum of the statuses but `SKIPPED`. */
export interface VerifyTotals {
  /** Recovery points found in the source vault. */
  discovered: number;
  /** Of them, selected. */
  selected: number;
  /** Not selected. */
  skipped: number;
  /** `COMPLETED`. */
  completed: number;
  /** `PARTIAL`. */
  partial: number;
  /** `RUNNING`. */
  running: number;
  /** `FAILED`. */
  failed: number;
  /** `EXPIRED`. */
  expired: number;
  /** `MISSING`. */
  missing: number;
}

/** What {@linkcode verifyCopies} resolves with. */
export interface VerifyReport {
  /** The vault verified. */
  sourceBackupVaultName: string;
  /** The vault the copies should be in. */
  destinationBackupVaultArn: string;
  /**
   * Whether the destination vault itself was read (ListRecoveryPointsByBackupVault), so that
   * deleted and expired copies and copies whose jobs ListCopyJobs no longer shows are found.
   * Without it (another Region or account and no `destinationClient`), expiry is only computed
   * from the lifecycle a copy was started with.
   */
  destinationChecked: boolean;
  /** When verifying began. */
  startedAt: Date;
  /** When it ended. */
  finishedAt: Date;
  /** One per recovery point found, in the order the vault listed them. */
  entries: VerifyEntry[];
  /** Counts over the entries. */
  totals: VerifyTotals;
  /**
   * True only when something was selected (or `allowEmpty`) and every selected recovery point
   * has a `COMPLETED` copy.
   */
  ok: boolean;
  /** Why it is not ok beyond its entries: the selection took nothing. */
  failure?: RunFailure;
}

/** A progress event of {@linkcode verifyCopies}; each carries a copy of the totals. */
export type VerifyProgressEvent =
  /** A recovery point was found in the source vault. */
  | { type: "discovered"; recoveryPoint: RecoveryPointByBackupVault; totals: VerifyTotals }
  /**
   * The source vault is listed; the copies of the `totals.selected` points are being looked up
   * (ListCopyJobs and, when `readsDestination`, the destination vault). Sent once, when anything
   * was selected, before their `verified` events.
   */
  | { type: "listed"; readsDestination: boolean; totals: VerifyTotals }
  /** A recovery point's status is known (final). */
  | { type: "verified"; entry: VerifyEntry; totals: VerifyTotals };

/** Zeroed totals. */
export function emptyVerifyTotals(): VerifyTotals {
  return {
    discovered: 0,
    selected: 0,
    skipped: 0,
    completed: 0,
    partial: 0,
    running: 0,
    failed: 0,
    expired: 0,
    missing: 0,
  };
}

/**
 * A report's plain-JSON form (dates as ISO 8601 strings), for `--json` and logs.
 *
 * @param report what `verifyCopies` resolved with.
 * @throws {ValidationError} `report` is not a verify report (no `destinationChecked`, `entries`,
 *   `totals`, `ok`).
 */
export function verifyReportToJson(report: VerifyReport): unknown {
  return reportJson("verifyReportToJson", report, "destinationChecked", "boolean");
}
