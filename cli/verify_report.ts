/**
 * `copy-vault --verify`'s report on stdout: a table for people — one row per recovery point with
 * its status and why (advice about an option given as the flag's), the counts, the verdict — or
 * `verifyReportToJson`'s JSON.
 *
 * @module
 */

import { type VerifyEntry, type VerifyReport, verifyReportToJson } from "../mod.ts";
import { shortArn } from "./copy_progress.ts";
import { failureLine, inFlagWords, reportJsonText, table } from "./copy_report.ts";
import { statusCounts } from "./verify_progress.ts";

const HEADER = ["STATUS", "RECOVERY POINT", "TYPE", "COPY JOB", "MESSAGE"];

function entryRow(e: VerifyEntry): string[] {
  return [
    e.status,
    shortArn(e.recoveryPointArn),
    e.resourceType ?? "",
    e.copyJobId ?? "",
    inFlagWords(e.message, e.hint),
  ];
}

/**
 * Why copies deleted from the destination vault may go unseen: it was not read (another Region or
 * account, and no `--read-destination`).
 */
export const NOT_READ_NOTE = "The destination vault was not read (another Region or account): a " +
  "copy deleted from it is not seen, EXPIRED comes only from the DeleteAfterDays a copy was " +
  "started with, and a recovery point whose copy job is older than ListCopyJobs shows (about " +
  "30 days) is MISSING. --read-destination reads it (same account).";

/** The verdict in one line. */
function verdict(report: VerifyReport): string {
  if (report.failure) return failureLine(report.failure);
  const t = report.totals;
  const without = t.selected - t.completed;
  if (report.ok) {
    return t.selected
      ? `OK: every selected recovery point (${t.selected}) has a completed copy.`
      : "OK: nothing selected (--allow-empty).";
  }
  return `Not ok: ${without} of ${t.selected} selected recovery points have no completed copy.`;
}

/** The report as a table for people. */
export function verifyTable(report: VerifyReport): string {
  const t = report.totals;
  return [
    ...table(HEADER, report.entries.map(entryRow)),
    "",
    `Verified ${report.sourceBackupVaultName} → ${report.destinationBackupVaultArn}: ` +
    `${t.discovered} found, ${t.selected} selected, ${t.skipped} skipped; ` +
    `${statusCounts(t, ", ")}.`,
    verdict(report),
    ...(report.destinationChecked ? [] : [NOT_READ_NOTE]),
    "",
  ].join("\n");
}

/**
 * The report as JSON: `verifyReportToJson`'s, with the `failure` and each entry's `message` in the
 * command line's words (by their `hint`).
 */
export function verifyJson(report: VerifyReport): string {
  return reportJsonText(verifyReportToJson(report));
}
