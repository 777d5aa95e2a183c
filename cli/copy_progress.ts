/**
 * `copy-vault`'s progress: what the run has done so far, kept from its progress events (for the
 * display, and for the report of an interrupted run), and how it is shown — a live line on a
 * terminal, one line per event otherwise.
 *
 * @module
 */

import type {
  CopyProgressEvent,
  CopyReportEntry,
  CopyTotals,
  RecoveryPointByBackupVault,
  SkipReason,
} from "../mod.ts";
import { emptyTotals } from "../jobs/report.ts";
import type { CliIo } from "./io.ts";
import { ProgressDisplay } from "./progress_display.ts";

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

/** The start of an event's line: its kind, padded, and the counter, e.g. `started    [3/35]`. */
export function lineHead(kind: string, counter: string): string {
  return `${kind.padEnd(10)} [${counter}]`;
}

/** A listed recovery point on an event's line: ARN, resource type, status. */
export function listedPoint(rp: RecoveryPointByBackupVault): string {
  return `${rp.RecoveryPointArn} ${rp.ResourceType ?? ""} ${rp.Status ?? ""}`;
}

/** A skipped recovery point on an event's line: ARN, then why (`STATUS: status EXPIRED …`). */
export function skippedPoint(arn: string, reason: SkipReason | undefined): string {
  return `${arn} ${reason?.code}: ${reason?.message}`;
}

/** One line per event, for logs and pipes. */
export function eventLine(event: CopyProgressEvent, progress: CopyRunProgress): string {
  const head = lineHead(event.type, counter(progress));
  switch (event.type) {
    case "discovered":
      return `${head} ${listedPoint(event.recoveryPoint)}`;
    case "skipped":
      return `${head} ${skippedPoint(event.entry.recoveryPointArn, event.entry.skipReason)}`;
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

/**
 * `copy-vault`'s progress display on stderr (see {@linkcode ProgressDisplay}): on a terminal,
 * ended copies scroll above one live line; else one line per event.
 */
export class CopyProgressDisplay extends ProgressDisplay<CopyProgressEvent> {
  /** The run so far. */
  readonly progress: CopyRunProgress;
  /** Whether the run is a dry run (counts say "planned"). */
  readonly dryRun: boolean;

  /** Starts listening for terminal resizes; call `end` or `clear` to stop. */
  constructor(io: CliIo, vault: string, dryRun: boolean) {
    const progress = new CopyRunProgress();
    super(io, {
      apply: (event) => progress.apply(event),
      eventLine: (event) => eventLine(event, progress),
      isFinal: (event) =>
        event.type === "completed" || event.type === "failed" || event.type === "skipped",
      liveText: () => liveText(progress, vault, dryRun),
    });
    this.progress = progress;
    this.dryRun = dryRun;
  }

  /** The run ended: draws its final state (listing done) and leaves it on screen. */
  finish(): void {
    this.progress.listing = false;
    this.end();
  }
}
