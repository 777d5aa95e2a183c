/**
 * A batch instance of a vault copy on Workflows: copies the selected recovery points of one
 * page of the source vault, `concurrency` copy jobs at a time, and reports every point.
 *
 * Steps, in order: `existing copies` (ListCopyJobs by destination), one `copy <i>` per point to
 * start (StartCopyJob; `copy <i> again <n>` after `LimitExceededException`), and rounds of
 * `wait <r>` (a `step.sleep`) and `check <r>` (the states of the jobs in flight). State lives in
 * step results only, so a replay after hibernation or a restart rebuilds it and calls AWS for
 * nothing already done.
 *
 * @module
 */

import type { CopyTotals } from "../report.ts";
import {
  checkJobs,
  existingCopies,
  type PointDecision,
  startCopy,
  type StartResult,
} from "./aws_steps.ts";
import type { ResolvedOptions, StepRunner } from "./options.ts";
import {
  applyJob,
  type BatchPoint,
  type CopyReportEntryJson,
  entryOf,
  FINAL_STATES,
  type JobView,
  pointToContinue,
  totalsOf,
  type WorkflowBatchParams,
} from "./wire.ts";

/** What a batch instance returns (its `output` once `complete`). */
export interface WorkflowBatchOutput {
  /** Discriminates the output. */
  kind: "batch";
  /** The run instance's id. */
  runId: string;
  /** The batch's number in the run. */
  batch: number;
  /** The instance's number within the batch. */
  attempt: number;
  /** One entry per point of the batch, in order; `UNFINISHED` ones are in `unfinished` too. */
  entries: CopyReportEntryJson[];
  /** Counts over `entries`. */
  totals: CopyTotals;
  /** Points left when the budget ran out, with their jobs: the run hands them to a new instance. */
  unfinished: BatchPoint[];
  /** `step.do` calls this instance made. */
  steps: number;
  /** AWS calls its steps reported. */
  subrequests: number;
}

/**
 * Copies one batch and reports every point of it.
 * @throws whatever a step throws once the engine's retries are spent (the instance errors; the
 * run instance gives its points to a new one).
 */
export async function runBatch(
  steps: StepRunner,
  o: ResolvedOptions,
  params: WorkflowBatchParams,
): Promise<WorkflowBatchOutput> {
  const { points } = params;
  const entries = points.map(entryOf);
  const selected = points.map((_, i) => i).filter((i) => !points[i].skipReason);
  const inFlight = new Map<number, JobView>();
  const toStart: number[] = [];
  const retryOf = new Map<number, string | undefined>();

  const toDecide = selected.filter((i) => !points[i].copyJobId);
  let decisions: Record<string, PointDecision> = {};
  if (toDecide.length && steps.fits(2)) {
    ({ decisions } = await steps.do(
      "existing copies",
      () => existingCopies(o, toDecide.map((i) => points[i])),
    ));
  }
  for (const i of selected) {
    const point = points[i];
    const entry = entries[i];
    if (point.copyJobId) {
      inFlight.set(i, {
        copyJobId: point.copyJobId,
        ...(point.jobCreationDate ? { creationDate: point.jobCreationDate } : {}),
      });
      continue;
    }
    const decision = decisions[point.recoveryPointArn];
    if (!decision) continue; // the budget did not allow the check: left UNFINISHED
    if (decision.action === "start") {
      toStart.push(i);
      retryOf.set(i, decision.retryOf);
      continue;
    }
    entry.origin = "existing";
    applyJob(entry, decision.job);
    if (decision.action === "in-progress") inFlight.set(i, decision.job);
  }

  const deferrals = new Map<number, number>();
  let delay = o.pollIntervalMs;
  for (let round = 0;; round++) {
    let changed = false;
    // Start copies while there is room, in the vault's order; stop at the account's job limit.
    while (toStart.length && inFlight.size < o.concurrency && steps.fits(2)) {
      const i = toStart[0];
      const point = points[i];
      const again = deferrals.get(i) ?? 0;
      const result: StartResult = await steps.do(
        `copy ${i}${again ? ` again ${again}` : ""}: ${point.recoveryPointArn}`,
        () => startCopy(o, point, retryOf.get(i)),
      );
      const entry = entries[i];
      entry.attempts++;
      entry.idempotencyToken = result.idempotencyToken;
      if (result.kind === "deferred") {
        deferrals.set(i, again + 1);
        entry.error = result.error;
        break;
      }
      toStart.shift();
      changed = true;
      if (result.kind === "failed") {
        entry.error = result.error;
        entry.statusMessage = result.error.message;
        entry.outcome = "FAILED";
        continue;
      }
      delete entry.error;
      entry.origin = "started";
      applyJob(entry, result.job);
      inFlight.set(i, result.job);
    }
    if (!inFlight.size && !toStart.length) break;
    const checkCalls = inFlight.size + 2;
    if (!steps.fits(checkCalls)) break;
    await steps.sleep(`wait ${round}`, delay);
    if (inFlight.size) {
      const { jobs } = await steps.do(`check ${round}`, () => checkJobs(o, [...inFlight.values()]));
      for (const [i, waiting] of inFlight) {
        const job = jobs[waiting.copyJobId];
        if (!job) continue;
        applyJob(entries[i], job);
        if (FINAL_STATES.includes(job.state ?? "")) {
          inFlight.delete(i);
          changed = true;
        } else {
          inFlight.set(i, { ...waiting, ...job });
        }
      }
    }
    delay = changed ? o.pollIntervalMs : Math.min(o.maxPollIntervalMs, delay * 2);
  }

  const unfinished: BatchPoint[] = [];
  for (const i of selected) {
    if (entries[i].outcome === "UNFINISHED") {
      unfinished.push(pointToContinue(points[i], entries[i]));
    }
  }
  return {
    kind: "batch",
    runId: params.runId,
    batch: params.batch,
    attempt: params.attempt,
    entries,
    totals: totalsOf(entries),
    unfinished,
    steps: steps.steps,
    subrequests: steps.subrequests,
  };
}
