/**
 * `copy-vault`'s report on stdout — a table for people or JSON — for a run that ended and for one
 * interrupted with Ctrl-C (what ended, what is still running in AWS Backup, what did not start),
 * and the words that tell how to resume an interrupted run.
 *
 * @module
 */

import {
  type CopyReport,
  type CopyReportEntry,
  type CopyTotals,
  type OptionHint,
  reportToJson,
  type RunFailure,
} from "../mod.ts";
import { type CopyRunProgress, ended, type PointProgress, shortArn } from "./copy_progress.ts";

const HEADER = ["OUTCOME", "RECOVERY POINT", "TYPE", "COPY JOB", "MESSAGE"];

/** `header` and `rows` as lines, columns padded to their widest cell. */
export function table(header: readonly string[], rows: readonly string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const format = (r: readonly string[]) =>
    r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  return [format(header), ...rows.map(format)];
}

function entryRow(e: CopyReportEntry): string[] {
  return [
    e.outcome,
    shortArn(e.recoveryPointArn),
    e.resourceType ?? "",
    e.copyJobId ?? "",
    e.skipReason ? `${e.skipReason.code}: ${e.skipReason.message}` : e.statusMessage ?? "",
  ];
}

/** The counts of a run in one sentence's middle. */
function counts(t: CopyTotals, dryRun: boolean): string {
  return `${t.discovered} found, ${t.selected} selected, ${t.skipped} skipped; ` +
    `${t.completed} completed (${t.alreadyCopied} already copied), ${t.partial} partial, ` +
    `${t.failed} failed, ${t.unfinished} unfinished${dryRun ? `, ${t.planned} to copy` : ""}`;
}

/** The flag that does what each option of the library's advice does (`OptionHint.option`). */
const FLAG_ADVICE: Readonly<Record<OptionHint["option"], string>> = {
  allowEmpty: "pass --allow-empty if an empty run is expected",
  destinationClient: "add --read-destination to look for older copies in the destination vault",
};

/**
 * A library message as the command line says it: the advice its `hint` names (given word for
 * word in `hint.advice`) becomes the flag's. A message without a hint is left as it is.
 */
export function inFlagWords(message: string, hint?: OptionHint): string {
  return hint ? message.replace(hint.advice, FLAG_ADVICE[hint.option]) : message;
}

/** A run's `failure` (an empty selection) as the command line says it. */
export function cliFailure(failure: RunFailure): RunFailure {
  return { ...failure, message: inFlagWords(failure.message, failure.hint) };
}

/** The line that says why a run is not ok although no entry says so. */
export function failureLine(failure: RunFailure): string {
  return `Not ok: ${failure.code}: ${cliFailure(failure).message}.`;
}

/** The report of an ended run as a table for people. */
export function reportTable(report: CopyReport): string {
  return [
    ...table(HEADER, report.entries.map(entryRow)),
    "",
    `Run ${report.runId}${report.dryRun ? " (dry run)" : ""}: ${
      counts(report.totals, report.dryRun)
    }.`,
    ...(report.failure ? [failureLine(report.failure)] : []),
    "",
  ].join("\n");
}

/**
 * A report's plain JSON, printed, with its `failure` and its entries' messages (those with a
 * `hint`) in the command line's words.
 */
export function reportJsonText(json: unknown): string {
  const report = json as {
    failure?: RunFailure;
    entries?: { message?: unknown; hint?: OptionHint }[];
  };
  if (report.failure) report.failure = cliFailure(report.failure);
  for (const entry of report.entries ?? []) {
    if (typeof entry.message === "string") entry.message = inFlagWords(entry.message, entry.hint);
  }
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** The report of an ended run as JSON. */
export function reportJson(report: CopyReport): string {
  return reportJsonText(reportToJson(report));
}

/** Outcome shown for a copy whose job was started and had not ended when the run stopped. */
export const IN_FLIGHT = "IN_FLIGHT";
/** Outcome shown for a selected recovery point the run had not started when it stopped. */
export const NOT_STARTED = "NOT_STARTED";

/** How far an interrupted run got: the final entries, and the rest as in flight or not started. */
export interface InterruptedRun {
  /** The run's id. */
  runId: string;
  /** Whether it was a dry run. */
  dryRun: boolean;
  /** The progress its events told. */
  progress: CopyRunProgress;
}

function interruptedRow(p: PointProgress): string[] {
  if (p.entry) return entryRow(p.entry);
  const type = p.resourceType ?? "";
  return p.copyJobId
    ? [IN_FLIGHT, shortArn(p.recoveryPointArn), type, p.copyJobId, `job ${p.state ?? ""}`]
    : [NOT_STARTED, shortArn(p.recoveryPointArn), type, "", ""];
}

/** Copies started that had not ended: their jobs go on in AWS Backup. */
export function inFlightCount(run: InterruptedRun): number {
  return run.progress.points().filter((p) => !p.entry && p.copyJobId).length;
}

/** The report of an interrupted run as a table for people. */
export function interruptedTable(run: InterruptedRun): string {
  const t = run.progress.totals;
  const notStarted = t.selected - ended(t) - inFlightCount(run);
  return [
    ...table(HEADER, run.progress.points().map(interruptedRow)),
    "",
    `Run ${run.runId}${run.dryRun ? " (dry run)" : ""} interrupted${
      run.progress.listing ? " while listing the vault" : ""
    }: ${counts(t, run.dryRun)}; ${inFlightCount(run)} in flight, ${notStarted} not started.`,
    "",
  ].join("\n");
}

/** The report of an interrupted run as JSON (`resume` says how to go on). */
export function interruptedJson(run: InterruptedRun, resume: ResumeAdvice): string {
  const entries = run.progress.points().map((p) =>
    p.entry ? JSON.parse(JSON.stringify(p.entry)) : {
      recoveryPointArn: p.recoveryPointArn,
      resourceType: p.resourceType,
      outcome: p.copyJobId ? IN_FLIGHT : NOT_STARTED,
      copyJobId: p.copyJobId,
      state: p.copyJobId ? p.state : undefined,
    }
  );
  const json = {
    ok: false,
    interrupted: true,
    error: { name: "Interrupted", message: "Interrupted by SIGINT (Ctrl-C)" },
    runId: run.runId,
    dryRun: run.dryRun,
    listing: run.progress.listing,
    totals: run.progress.totals,
    entries,
    resume,
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}

/** How to go on after an interruption. */
export interface ResumeAdvice {
  /**
   * Whether the command resumes the run where it stopped: the run kept a checkpoint file, or
   * its records were saved to the one the command names (or it had started nothing).
   */
  resumable: boolean;
  /**
   * The command to run: the same one, with `--run-id` and `--checkpoint` (without
   * `--checkpoint` when saving a run that had none failed: that file would refuse it too).
   */
  command: string;
  /** The checkpoint file the command names. */
  checkpoint?: string | undefined;
  /** The file a run without `--checkpoint` was saved to when interrupted. */
  saved?: string | undefined;
  /** Why saving a run without `--checkpoint` failed. */
  saveError?: string | undefined;
}

/** For people: what an interruption left behind, and the command to run next. */
export function resumeText(run: InterruptedRun, advice: ResumeAdvice): string {
  const flying = inFlightCount(run);
  const jobs = flying === 1 ? "1 copy job keeps" : `${flying} copy jobs keep`;
  if (run.dryRun) {
    return `Interrupted: a dry run starts nothing; run it again with:\n  ${advice.command}\n`;
  }
  const lead = `Interrupted. ${flying ? `${jobs} running in AWS Backup. ` : ""}`;
  const saved = advice.saved
    ? `This run had no --checkpoint; what it started is saved in ${advice.saved}. `
    : "";
  if (advice.resumable) {
    return `${lead}${saved}To resume where it stopped (nothing is copied twice), run:\n` +
      `  ${advice.command}\n`;
  }
  // Not saved: exactly what a run with the same id does without the records. ListCopyJobs and
  // the same idempotency tokens find the copies made or under way, but a job that ended FAILED
  // is a failed copy, which a new run starts again.
  return `${lead}This run kept no checkpoint (no --checkpoint FILE), and saving it failed ` +
    `(${advice.saveError}). Run it again with the same --run-id and no --checkpoint: copies completed or under ` +
    `way are found (ListCopyJobs, the same idempotency tokens) and not started again, but a ` +
    `copy whose job ended FAILED meanwhile is started again:\n  ${advice.command}\n`;
}
