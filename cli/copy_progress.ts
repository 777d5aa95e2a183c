/**
 * `copy-vault`'s progress: what the run has done so far, kept from its progress events (for the
 * display, and for the report of an interrupted run), and how it is shown — a live line on a
 * terminal, one line per event otherwise.
 *
 * @module
 */

import type { CopyProgressEvent, CopyReportEntry, CopyTotals } from "../mod.ts";
import { emptyTotals } from "../jobs/report.ts";
import type { CliIo } from "./io.ts";
import { DEFAULT_COLUMNS, LiveLine } from "./progress_line.ts";

/** Short name of a recovery point ARN for display: what follows `recovery-point:`, or the ARN. */
export function shortArn(arn: string): string {
  return arn.replace(/^arn:[^:]*:[^:]*:[^:]*:[^:]*:(recovery-point:)?/, "");
}

/** Recovery points that have ended, whatever the outcome (PLANNED counts in a dry run). */
export function ended(t: CopyTotals): number {
  return t.completed + t.partial + t.failed + t.unfinished + t.planned;
}

/** One recovery point as far as the events tell. */
export interface PointProgress {
  /** The source recovery point. */
  recoveryPointArn: string;
  /** Its resource type, as listed. */
  resourceType?: string;
  /** Its report entry, once it ended (skipped, planned, completed or failed). */
  entry?: CopyReportEntry;
  /** Its copy job, once one exists. */
  copyJobId?: string;
  /** The job's state at the last poll (`started` before the first). */
  state?: string;
}

/** The run so far, from its progress events. */
export class CopyRunProgress {
  /** The totals of the last event. */
  totals: CopyTotals = emptyTotals();
  /**
   * Whether the source vault is still being listed: until the first event that is neither
   * `discovered` nor `skipped` (the run starts or plans copies only once the listing is done),
   * `selected` is still growing and no done/selected counter means anything yet.
   */
  listing = true;
  readonly #points = new Map<string, PointProgress>();
  /** Copies started or waited for, by recovery point, with their job state. */
  readonly inFlight = new Map<string, string>();

  /** Takes in one event. */
  apply(event: CopyProgressEvent): void {
    this.totals = event.totals;
    if (event.type !== "discovered" && event.type !== "skipped") this.listing = false;
    switch (event.type) {
      case "discovered": {
        const arn = event.recoveryPoint.RecoveryPointArn ?? "";
        this.#points.set(arn, {
          recoveryPointArn: arn,
          resourceType: event.recoveryPoint.ResourceType,
        });
        return;
      }
      case "started":
        this.#point(event.recoveryPointArn).copyJobId = event.copyJobId;
        this.#point(event.recoveryPointArn).state = "started";
        this.inFlight.set(event.recoveryPointArn, "started");
        return;
      case "running": {
        const pct = event.percentDone === undefined ? "" : ` ${Math.floor(event.percentDone)}%`;
        this.#point(event.recoveryPointArn).state = `${event.state}${pct}`;
        this.inFlight.set(event.recoveryPointArn, `${event.state}${pct}`);
        return;
      }
      case "retrying":
        return;
      default:
        this.#point(event.entry.recoveryPointArn).entry = event.entry;
        this.inFlight.delete(event.entry.recoveryPointArn);
    }
  }

  /** Every recovery point found so far, in the order the vault listed them. */
  points(): PointProgress[] {
    return [...this.#points.values()];
  }

  #point(arn: string): PointProgress {
    let point = this.#points.get(arn);
    if (!point) this.#points.set(arn, point = { recoveryPointArn: arn });
    return point;
  }
}

/** The counter of a line: `37 found` while listing, then `done/selected`. */
function counter(progress: CopyRunProgress): string {
  const t = progress.totals;
  return progress.listing ? `${t.discovered} found` : `${ended(t)}/${t.selected}`;
}

/** One line per event, for logs and pipes. */
export function eventLine(event: CopyProgressEvent, progress: CopyRunProgress): string {
  const head = `${event.type.padEnd(10)} [${counter(progress)}]`;
  switch (event.type) {
    case "discovered":
      return `${head} ${event.recoveryPoint.RecoveryPointArn} ${
        event.recoveryPoint.ResourceType ?? ""
      } ${event.recoveryPoint.Status ?? ""}`;
    case "skipped":
      return `${head} ${event.entry.recoveryPointArn} ${event.entry.skipReason?.code}: ${event.entry.skipReason?.message}`;
    case "planned":
      return `${head} ${event.entry.recoveryPointArn} would be copied`;
    case "started":
      return `${head} ${event.recoveryPointArn} job ${event.copyJobId} (${event.origin})`;
    case "running":
      return `${head} ${event.recoveryPointArn} job ${event.copyJobId} ${event.state}${
        event.percentDone === undefined ? "" : ` ${event.percentDone.toFixed(0)}%`
      }`;
    case "retrying":
      return `${head} ${event.recoveryPointArn} ${event.error.name}; again in ${
        (event.delayMs / 1000).toFixed(1)
      } s (attempt ${event.attempts})`;
    case "completed":
    case "failed":
      return `${head} ${event.entry.recoveryPointArn} ${event.entry.outcome}${
        event.entry.copyJobId ? ` job ${event.entry.copyJobId}` : ""
      }${event.entry.statusMessage ? `: ${event.entry.statusMessage}` : ""}`;
  }
}

/** The live line's text: the listing's count, then a bar, the counts and the jobs in flight. */
export function liveText(progress: CopyRunProgress, vault: string, dryRun: boolean): string {
  const t = progress.totals;
  if (progress.listing) {
    return `Listing ${vault}… ${t.discovered} found` + (t.skipped ? `, ${t.skipped} skipped` : "");
  }
  const done = ended(t);
  const width = 24;
  const filled = Math.round(width * Math.min(1, done / Math.max(t.selected, 1)));
  const flight = [...progress.inFlight].slice(0, 3).map(([arn, s]) => `${shortArn(arn)} ${s}`);
  const more = progress.inFlight.size > 3 ? ` +${progress.inFlight.size - 3}` : "";
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${t.selected} ` +
    `${dryRun ? "planned" : "done"} · ok ${t.completed} · partial ${t.partial} · ` +
    `failed ${t.failed} · skipped ${t.skipped} · in flight ${t.inFlight}` +
    (flight.length ? `: ${flight.join(", ")}${more}` : "");
}

/** Redraws of the live line at most this often (final events are always drawn). */
const REDRAW_MS = 100;

/**
 * The progress display on stderr: on a terminal, ended copies scroll above one live line; else
 * one line per event.
 */
export class CopyProgressDisplay {
  /** The run so far. */
  readonly progress = new CopyRunProgress();
  readonly #io: CliIo;
  readonly #vault: string;
  /** Whether the run is a dry run (counts say "planned"). */
  readonly dryRun: boolean;
  readonly #line?: LiveLine;
  readonly #stopResize: () => void;
  #lastDraw = 0;

  /** Starts listening for terminal resizes; call `end` or `clear` to stop. */
  constructor(io: CliIo, vault: string, dryRun: boolean) {
    this.#io = io;
    this.#vault = vault;
    this.dryRun = dryRun;
    if (io.errIsTerminal) {
      this.#line = new LiveLine(io.err, io.columns ?? (() => DEFAULT_COLUMNS));
    }
    this.#stopResize = this.#line && io.onResize
      ? io.onResize(() => this.#line!.redraw())
      : () => {};
  }

  /** Shows one event. */
  show(event: CopyProgressEvent): void {
    this.progress.apply(event);
    if (!this.#line) {
      this.#io.err(`${eventLine(event, this.progress)}\n`);
      return;
    }
    const final = event.type === "completed" || event.type === "failed" ||
      event.type === "skipped";
    const text = liveText(this.progress, this.#vault, this.dryRun);
    if (final) {
      this.#line.printAbove(eventLine(event, this.progress), text);
      this.#lastDraw = Date.now();
      return;
    }
    const now = Date.now();
    if (now - this.#lastDraw > REDRAW_MS) {
      this.#lastDraw = now;
      this.#line.draw(text);
    }
  }

  /** The run ended: draws its final state (listing done) and leaves it on screen. */
  finish(): void {
    this.progress.listing = false;
    this.end();
  }

  /** Draws the live line as it stands (also after an interruption) and leaves it on screen. */
  end(): void {
    this.#stopResize();
    if (!this.#line) return;
    this.#line.draw(liveText(this.progress, this.#vault, this.dryRun));
    this.#line.end();
  }

  /** Erases the live line (before an error message). */
  clear(): void {
    this.#stopResize();
    this.#line?.clear();
  }
}
