/**
 * `copy-vault --verify`'s progress: the counts of `verifyCopies`' events, and how they are shown —
 * a live line on a terminal (`Verifying prod… 37 found`, then a bar with a count per status), one
 * line per event otherwise.
 *
 * @module
 */

import type { VerifyProgressEvent, VerifyTotals } from "../mod.ts";
import { emptyVerifyTotals } from "../jobs/verify_report.ts";
import { lineHead, listedPoint, skippedPoint } from "./copy_progress.ts";
import { inFlagWords } from "./copy_report.ts";
import type { CliIo } from "./io.ts";
import { ProgressDisplay } from "./progress_display.ts";

/** Recovery points whose status is known, skipped ones aside. */
export function verifiedCount(t: VerifyTotals): number {
  return t.completed + t.partial + t.running + t.failed + t.expired + t.missing;
}

/** A verification so far, from its events. */
export class VerifyProgress {
  /** The totals of the last event. */
  totals: VerifyTotals = emptyVerifyTotals();
  /**
   * Whether the source vault is still being listed: until the `listed` event, `selected` may still
   * grow. (A skipped point is judged while the vault is listed.)
   */
  listing = true;

  /** Takes in one event. */
  apply(event: VerifyProgressEvent): void {
    this.totals = event.totals;
    if (event.type === "listed") this.listing = false;
  }

  /** The counter of a line: `37 found` while listing, then `verified/selected`. */
  counter(): string {
    const t = this.totals;
    return this.listing ? `${t.discovered} found` : `${verifiedCount(t)}/${t.selected}`;
  }
}

/** One line per event, for logs and pipes (an entry's advice about an option as the flag's). */
export function verifyEventLine(event: VerifyProgressEvent, progress: VerifyProgress): string {
  if (event.type === "discovered") {
    return `${lineHead("discovered", progress.counter())} ${listedPoint(event.recoveryPoint)}`;
  }
  if (event.type === "listed") {
    return `${lineHead("listed", progress.counter())} looking up the copies of ` +
      `${event.totals.selected} selected recovery points` +
      (event.readsDestination ? " (copy jobs and the destination vault)" : " (copy jobs)");
  }
  const e = event.entry;
  if (e.status === "SKIPPED") {
    return `${lineHead("skipped", progress.counter())} ${
      skippedPoint(e.recoveryPointArn, e.skipReason)
    }`;
  }
  return `${lineHead("verified", progress.counter())} ${e.recoveryPointArn} ${e.status}: ` +
    inFlagWords(e.message, e.hint);
}

/** The totals of the statuses a selected recovery point can have, in the order shown. */
const STATUS_KEYS = [
  "completed",
  "partial",
  "running",
  "failed",
  "expired",
  "missing",
] as const satisfies readonly (keyof VerifyTotals)[];

/** The count of each status of a selected recovery point, e.g. `completed 30 · partial 0 · …`. */
export function statusCounts(t: VerifyTotals, separator = " · "): string {
  return STATUS_KEYS.map((key) => `${key} ${t[key]}`).join(separator);
}

/** The live line's text: the listing's count, then a bar and the count of each status. */
export function verifyLiveText(progress: VerifyProgress, vault: string): string {
  const t = progress.totals;
  if (progress.listing) {
    return `Verifying ${vault}… ${t.discovered} found` +
      (t.skipped ? `, ${t.skipped} skipped` : "");
  }
  const done = verifiedCount(t);
  const width = 24;
  const filled = Math.round(width * Math.min(1, done / Math.max(t.selected, 1)));
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${t.selected} verified · ` +
    `${statusCounts(t)} · skipped ${t.skipped}`;
}

/** `--verify`'s progress display on stderr: judged points scroll above the live line. */
export class VerifyProgressDisplay extends ProgressDisplay<VerifyProgressEvent> {
  /** The verification so far. */
  readonly progress: VerifyProgress;

  /** Starts listening for terminal resizes; call `end` or `clear` to stop. */
  constructor(io: CliIo, vault: string) {
    const progress = new VerifyProgress();
    super(io, {
      apply: (event) => progress.apply(event),
      eventLine: (event) => verifyEventLine(event, progress),
      isFinal: (event) => event.type === "verified",
      liveText: () => verifyLiveText(progress, vault),
    });
    this.progress = progress;
  }

  /** Verifying ended: draws its final state (listing done) and leaves it on screen. */
  finish(): void {
    this.progress.listing = false;
    this.end();
  }
}
