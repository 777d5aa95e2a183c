/**
 * The report of a copy run: one entry per recovery point found, and totals.
 *
 * @module
 */

import type { CopyJobState } from "../generated/types.ts";
import { ValidationError } from "../runtime/errors.ts";
import { describe } from "../runtime/plain_objects.ts";
import type { ReportedError } from "./errors.ts";
import type { SkipReason } from "./selection.ts";

export type { ReportedError } from "./errors.ts";

/**
 * How a recovery point's copy ended:
 * - `COMPLETED`, `PARTIAL`, `FAILED`: the copy job ended so (`FAILED` also when it could not be
 *   started, or when `maxFailedCopies` copy jobs of it failed already: `error` says why);
 * - `SKIPPED`: not selected (`skipReason`);
 * - `UNFINISHED`: `maxWaitMs` passed first; a rerun with the same `runId` picks it up;
 * - `PLANNED`: a dry run would start a copy.
 */
export type CopyOutcome = "COMPLETED" | "PARTIAL" | "FAILED" | "SKIPPED" | "UNFINISHED" | "PLANNED";

/**
 * Where the copy job of an entry came from: `started` by this run's StartCopyJob (with a token an
 * earlier run of the same `runId` sent, AWS answers that run's job), `resumed` from the
 * checkpoint of an earlier run with the same `runId`, or `existing`: found by ListCopyJobs (a
 * copy to the same vault made or under way outside the checkpoint — by another run, an event
 * handler, the console, or AWS itself, e.g. a backup plan's copy to a logically air-gapped
 * vault), so no copy was started.
 */
export type CopyOrigin = "started" | "resumed" | "existing";

/** A child job of a composite (parent) copy job. */
export interface ChildCopyJob {
  /** The child job's `CopyJobId`. */
  copyJobId?: string;
  /** The member recovery point it copies. */
  recoveryPointArn?: string;
  /** The backed-up resource of that member. */
  resourceArn?: string;
  /** Its resource type. */
  resourceType?: string;
  /** Its state when the parent ended. */
  state?: CopyJobState;
  /** Its `StatusMessage`, when it has one. */
  statusMessage?: string;
}

/** Why a run is not ok although none of its entries says so. */
export interface RunFailure {
  /**
   * `NOTHING_SELECTED`: the vault holds recovery points and the selection took none;
   * `EMPTY_VAULT`: the vault holds none. (A nightly run that copies nothing usually means a
   * wrong vault name or filter, or backups that stopped; `allowEmpty: true` accepts it.)
   * `REPORT_INCOMPLETE` (a run on Workflows, `workflowCopyReport`): some points are not in the
   * report's entries, because a batch instance's output could not be read.
   */
  code: "NOTHING_SELECTED" | "EMPTY_VAULT" | "REPORT_INCOMPLETE";
  /** A sentence for people; when it advises an option, it ends with `hint.advice` in parentheses. */
  message: string;
  /** The option `message` advises (`allowEmpty`), for a tool that names it otherwise. */
  hint?: OptionHint;
}

/**
 * Advice a message gives in terms of an option, as data: a command line or UI maps `option` to
 * its own flag or control and replaces `advice` (a part of the message, word for word).
 */
export interface OptionHint {
  /** The option the advice is about. */
  option: "allowEmpty" | "destinationClient";
  /** The advice as the message words it, e.g. `pass allowEmpty: true if an empty run is expected`. */
  advice: string;
}

/** One recovery point of the run. */
export interface CopyReportEntry {
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
  /** Whether the recovery point is composite (its copy has child jobs). */
  isParent: boolean;
  /** How it ended. */
  outcome: CopyOutcome;
  /** Where its copy job came from, when it has one. */
  origin?: CopyOrigin;
  /** The copy job. */
  copyJobId?: string;
  /**
   * The StartCopyJob `IdempotencyToken` (`copyIdempotencyToken`: recovery point, vault and the
   * failed job a retry repeats; or the token a checkpoint record was started with).
   */
  idempotencyToken?: string;
  /** The copy, once the job COMPLETED or ended PARTIAL. */
  destinationRecoveryPointArn?: string;
  /** `StatusMessage` of the copy job (why it FAILED or is PARTIAL). */
  statusMessage?: string;
  /** Why it was skipped, for `SKIPPED`. */
  skipReason?: SkipReason;
  /** What made it fail without a job saying so (start refused, job vanished), if anything. */
  error?: ReportedError;
  /** StartCopyJob calls made for it over all runs (0 for an existing job). */
  attempts: number;
  /** Bytes copied, as the last DescribeCopyJob said (`BackupSizeInBytes`). */
  bytesTransferred?: number;
  /** When the copy job was created. */
  startedAt?: Date;
  /** When the copy job ended. */
  finishedAt?: Date;
  /** `finishedAt - startedAt` in milliseconds. */
  durationMs?: number;
  /** Of a composite copy: its child jobs at the end. */
  childJobs?: ChildCopyJob[];
}

/** Counts over a run. */
export interface CopyTotals {
  /** Recovery points found in the vault. */
  discovered: number;
  /** Selected for copying (discovered minus skipped). */
  selected: number;
  /** Not selected (status, filters, composite members). */
  skipped: number;
  /** Copy jobs this run's StartCopyJob answered (origin `started`). */
  started: number;
  /** Ended COMPLETED. */
  completed: number;
  /** Ended PARTIAL. */
  partial: number;
  /** Ended FAILED, or could not be started. */
  failed: number;
  /** Not ended within `maxWaitMs`. */
  unfinished: number;
  /** Dry run: would be copied. */
  planned: number;
  /** Of completed and partial: how many were found already copied (`existing`). */
  alreadyCopied: number;
  /** Copies being started or waited for right now (the only count that goes down). */
  inFlight: number;
}

/** What {@linkcode copyRecoveryPoints} resolves with. */
export interface CopyReport {
  /** The run's id (given, or the random one chosen). */
  runId: string;
  /** The vault copied from. */
  sourceBackupVaultName: string;
  /** The vault copied to. */
  destinationBackupVaultArn: string;
  /** Whether this was a dry run. */
  dryRun: boolean;
  /** When the run began. */
  startedAt: Date;
  /** When the run ended. */
  finishedAt: Date;
  /** One per recovery point found, in the order the vault listed them. */
  entries: CopyReportEntry[];
  /** Counts over the entries. */
  totals: CopyTotals;
  /**
   * True when the run selected something (or `allowEmpty` was given) and every selected
   * recovery point ended COMPLETED (or PLANNED in a dry run).
   */
  ok: boolean;
  /** Why the run is not ok beyond its entries: it selected nothing. */
  failure?: RunFailure;
}

/** Zeroed totals. */
export function emptyTotals(): CopyTotals {
  return {
    discovered: 0,
    selected: 0,
    skipped: 0,
    started: 0,
    completed: 0,
    partial: 0,
    failed: 0,
    unfinished: 0,
    planned: 0,
    alreadyCopied: 0,
    inFlight: 0,
  };
}

/** Adds the counts of `from` to those of `into`. */
export function addTotals(into: CopyTotals, from: CopyTotals): void {
  for (const key of Object.keys(into) as (keyof CopyTotals)[]) into[key] += from[key];
}

/** Counts an entry's final outcome into totals. */
export function countOutcome(
  totals: CopyTotals,
  entry: Pick<CopyReportEntry, "outcome" | "origin">,
): void {
  const key = ({
    COMPLETED: "completed",
    PARTIAL: "partial",
    FAILED: "failed",
    SKIPPED: "skipped",
    UNFINISHED: "unfinished",
    PLANNED: "planned",
  } as const)[entry.outcome];
  totals[key]++;
  if (
    entry.origin === "existing" && (entry.outcome === "COMPLETED" || entry.outcome === "PARTIAL")
  ) {
    totals.alreadyCopied++;
  }
}

/**
 * A report's plain-JSON form (dates as ISO 8601 strings), for `--json` and logs.
 *
 * @param report what `copyRecoveryPoints` resolved with.
 * @throws {ValidationError} `report` is not a copy report (no `runId`, `entries`, `totals`, `ok`).
 */
export function reportToJson(report: CopyReport): unknown {
  return reportJson("reportToJson", report, "runId", "string");
}

/**
 * `report` as plain JSON, once it has the members every report has (`entries`, `totals`, `ok`)
 * and `key` of its own kind, of type `type`; a `ValidationError` of `fn` naming `report` if not.
 */
export function reportJson(fn: string, report: unknown, key: string, type: string): unknown {
  const r = report as Record<string, unknown> | null | undefined;
  if (
    typeof r !== "object" || r === null || !Array.isArray(r.entries) ||
    typeof r.totals !== "object" || r.totals === null || typeof r.ok !== "boolean" ||
    typeof r[key] !== type
  ) {
    throw new ValidationError(`${fn} arguments`, [{
      path: "report",
      message: `must be a report with ${key}, entries, totals and ok, not ${describe(report)}${
        typeof r === "object" && r !== null ? ` with keys [${Object.keys(r).join(", ")}]` : ""
      }`,
    }]);
  }
  return JSON.parse(JSON.stringify(report));
}
