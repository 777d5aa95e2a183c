/**
 * A batch instance of a vault copy on Workflows: copies the selected recovery points of one
 * page of the source vault by `copyRecoveryPoints`' rules — `concurrency` copy jobs at a time and
 * never two of one resource, existing copies adopted, `maxFailedCopies` — and reports every point.
 *
 * Steps, in order: `storage classes` (DescribeRecoveryPoint of the points whose lifecycle moved
 * them to cold storage, if any), `existing copies` (ListCopyJobs), one `copy <i>` per point to
 * start (StartCopyJob; `copy <i> again <n>` after `LimitExceededException`), and rounds of
 * `wait <r>` (a `step.sleep`) and `check <r>` (the states of the jobs in flight). State lives in
 * step results only, so a replay after hibernation or a restart rebuilds it and calls AWS for
 * nothing already done.
 *
 * @module
 */

import type { ReportedError } from "../errors.ts";
import { PER_POINT_LOOKUP_MAX } from "../existing_copies.ts";
import { FINAL_COPY_JOB_STATES } from "../follow_copy_job.ts";
import { copyIdempotencyToken } from "../idempotency_token.ts";
import type { CopyOutcome, CopyReportEntry, CopyTotals } from "../report.ts";
import { applyCopyJob, applyGiveUp } from "../report_entries.ts";
import {
  checkJobs,
  existingCopies,
  type PointDecision,
  startCopy,
  storageClassSkips,
} from "./aws_steps.ts";
import type { ResolvedOptions } from "./options.ts";
import type { StepRunner } from "./steps.ts";
import {
  type BatchPoint,
  copyJobOf,
  type CopyReportEntryJson,
  entryOf,
  entryToJson,
  handoffPoint,
  type JobView,
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
  /** Subrequests its steps made. */
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
  const indices = points.map((_, i) => i);
  const destination = o.destinationBackupVaultArn;

  // The storage class rule, for the points that reached it when the run listed them.
  const cold = indices.filter((i) => points[i].moveToColdStorageAt);
  const coldRead = cold.length > 0 && steps.fits(cold.length);
  if (coldRead) {
    const skips = await steps.do(
      "storage classes",
      ({ client }) => storageClassSkips(client, o, cold.map((i) => points[i])),
    );
    for (const i of cold) {
      const skip = skips[points[i].recoveryPointArn];
      if (!skip) continue;
      entries[i].outcome = "SKIPPED";
      entries[i].skipReason = skip;
    }
  }
  // Without the storage class read (the budget), a point waits for the next instance.
  const unread = (i: number) => !coldRead && points[i].moveToColdStorageAt !== undefined;
  const selected = indices.filter((i) => entries[i].outcome !== "SKIPPED" && !unread(i));

  const toDecide = selected.filter((i) => !entries[i].copyJobId);
  let decisions: Record<string, PointDecision> = {};
  if (toDecide.length && steps.fits(Math.min(toDecide.length, PER_POINT_LOOKUP_MAX) + 1)) {
    decisions = await steps.do(
      "existing copies",
      ({ client }) =>
        existingCopies(
          client,
          o,
          toDecide.map((i) => points[i]),
          params.sourceBackupVaultArn,
          Date.now(),
        ),
    );
  }
  const inFlight = new Map<number, JobView>();
  const toStart: number[] = [];
  for (const i of selected) {
    const entry = entries[i];
    const arn = entry.recoveryPointArn;
    if (entry.copyJobId) {
      // An earlier instance of the batch had this job: wait for it.
      inFlight.set(i, {
        CopyJobId: entry.copyJobId,
        ...(entry.startedAt ? { CreationDate: entry.startedAt.toISOString() } : {}),
      });
      continue;
    }
    const decision = decisions[arn];
    if (!decision) continue; // the budget did not allow the check: left UNFINISHED
    // The copy's own token, the same in every run and for every event (copyRecoveryPoints').
    entry.idempotencyToken = await copyIdempotencyToken(arn, destination, {
      retryOf: decision.action === "start" ? decision.retryOf : undefined,
    });
    if (decision.action === "start") {
      toStart.push(i);
    } else if (decision.action === "give-up") {
      applyGiveUp(entry, copyJobOf(decision.job), o.maxFailedCopies);
      entry.outcome = "FAILED";
    } else {
      entry.origin = "existing";
      applyCopyJob(entry, copyJobOf(decision.job));
      if (decision.action === "in-progress") {
        inFlight.set(i, decision.job);
      } else {
        entry.outcome = decision.job.State as CopyOutcome;
        if (decision.childJobs) entry.childJobs = decision.childJobs;
      }
    }
  }

  const deferrals = new Map<number, number>();
  let delay = o.pollIntervalMs;
  for (let round = 0;; round++) {
    let changed = false;
    // Start copies while there is room, in the vault's order but for points whose resource has a
    // job in flight (AWS runs one copy job per resource at a time); stop at the account's limit.
    while (inFlight.size < o.concurrency && steps.fits(2)) {
      const busy = new Set([...inFlight.keys()].map((i) => entries[i].resourceArn));
      const next = toStart.findIndex((i) => {
        const resource = entries[i].resourceArn;
        return resource === undefined || !busy.has(resource);
      });
      if (next < 0) break;
      const i = toStart[next];
      const entry = entries[i];
      const again = deferrals.get(i) ?? 0;
      const result = await steps.do(
        `copy ${i}${again ? ` again ${again}` : ""}: ${entry.recoveryPointArn}`,
        ({ client }) => startCopy(client, o, entry.recoveryPointArn, entry.idempotencyToken!),
      );
      entry.attempts++;
      if (result.kind === "deferred") {
        deferrals.set(i, again + 1);
        entry.error = result.error;
        break;
      }
      toStart.splice(next, 1);
      changed = true;
      if (result.kind === "failed") {
        fail(entry, result.error);
        continue;
      }
      delete entry.error;
      entry.origin = "started";
      applyCopyJob(entry, copyJobOf(result.job));
      inFlight.set(i, result.job);
    }
    if (!inFlight.size && !toStart.length) break;
    if (!steps.fits(inFlight.size + 2)) break;
    await steps.sleep(`wait ${round}`, delay);
    if (inFlight.size) {
      const checks = await steps.do(
        `check ${round}`,
        ({ client }) => checkJobs(client, o, [...inFlight.values()]),
      );
      for (const [i, waiting] of inFlight) {
        const check = checks[waiting.CopyJobId];
        if (!check) continue;
        const entry = entries[i];
        if ("error" in check) {
          fail(entry, check.error);
        } else {
          applyCopyJob(entry, copyJobOf(check.job));
          if (check.childJobs) entry.childJobs = check.childJobs;
          if (!FINAL_COPY_JOB_STATES.includes(check.job.State)) {
            inFlight.set(i, { ...waiting, ...check.job });
            continue;
          }
          entry.outcome = check.job.State as CopyOutcome;
        }
        inFlight.delete(i);
        changed = true;
      }
    }
    delay = changed ? o.pollIntervalMs : Math.min(o.maxPollIntervalMs, delay * 2);
  }

  const unfinished: BatchPoint[] = [];
  for (const i of indices) {
    if (entries[i].outcome !== "UNFINISHED") continue;
    const cold = unread(i) ? points[i].moveToColdStorageAt : undefined;
    unfinished.push(handoffPoint(entryToJson(entries[i]), cold));
  }
  return {
    kind: "batch",
    runId: params.runId,
    batch: params.batch,
    attempt: params.attempt,
    entries: entries.map(entryToJson),
    totals: totalsOf(entries),
    unfinished,
    steps: steps.steps,
    subrequests: steps.subrequests,
  };
}

/** Ends an entry FAILED without a job saying so (start refused, job not described). */
function fail(entry: CopyReportEntry, error: ReportedError): void {
  entry.error = error;
  entry.statusMessage = error.message;
  entry.outcome = "FAILED";
}
