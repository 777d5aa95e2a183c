/**
 * The run instance of a vault copy on Workflows: lists the source vault one page per step, hands
 * each page to a batch instance of the same Workflow, waits for the batches with `step.sleep`
 * and status steps, gives what a batch left (its budget spent, or the instance errored) to a new
 * instance, and returns a summary. The complete report is read from the instances' outputs by
 * `workflowCopyReport`.
 *
 * Steps: `list <p>` per page, `start batch <b>` (`start batch <b> again <k>`) per batch
 * instance, rounds of `wait <r>` (a sleep) and `check <r>` (the running batches' status only),
 * and `read batch <b>` (`read batch <b> again <k>`) per batch instance that completed: the counts
 * of its points and those it left. Every step result stays small whatever `batchSize` and
 * `parallelBatches` are: a check answers a few dozen bytes per running batch, a read one batch's
 * leftover points at most (see `checkParamsSize`).
 *
 * @module
 */

import { reportedError } from "../errors.ts";
import { emptySelection } from "../list_selection.ts";
import { refuseSameVault } from "../option_checks.ts";
import {
  addTotals,
  type CopyTotals,
  emptyTotals,
  type ReportedError,
  type RunFailure,
} from "../report.ts";
import { listPage } from "./aws_steps.ts";
import type { WorkflowBatchOutput } from "./batch.ts";
import {
  isAlreadyExists,
  isNotFound,
  NonRetryableError,
  type WorkflowBindingLike,
  type WorkflowEventLike,
  WORKFLOWS_LIMITS,
} from "./engine.ts";
import type { ResolvedOptions } from "./options.ts";
import type { StepRunner } from "./steps.ts";
import {
  BATCH_PARAMS_VERSION,
  type BatchPoint,
  type CopyReportEntryJson,
  entryOf,
  entryToJson,
  HANDOFF_GROWTH_BYTES,
  statusError,
  totalsOf,
  type WorkflowBatchParams,
  type WorkflowCopyParams,
} from "./wire.ts";

/** How a batch of the run ended. */
export interface WorkflowBatchSummary {
  /** The batch's number (its page of the source vault). */
  batch: number;
  /** Its instances, oldest first: the first got the page, each later one what was left. */
  instances: string[];
  /**
   * `complete`: every point ended or was reported by an instance; `unfinished`: copies were left
   * when `maxInstancesPerBatch` or the run's budget ran out; `failed`: its last instance errored
   * or was terminated.
   */
  status: "complete" | "unfinished" | "failed";
  /** Why its last instance errored. */
  error?: ReportedError;
  /** Counts over its points. */
  totals: CopyTotals;
  /** Entries of points no instance reported (`UNFINISHED`, with `error`). */
  missing?: CopyReportEntryJson[];
}

/** What the run instance returns (its `output` once `complete`). */
export interface WorkflowRunOutput {
  /** Discriminates the output. */
  kind: "run";
  /** The run instance's id. */
  runId: string;
  /** The vault copied from. */
  sourceBackupVaultName: string;
  /** The vault copied to. */
  destinationBackupVaultArn: string;
  /** When the run instance was created, ISO 8601. */
  startedAt: string;
  /** When its last check ran, ISO 8601. */
  finishedAt: string;
  /** One per non-empty page of the vault, in order. */
  batches: WorkflowBatchSummary[];
  /** Counts over every point. */
  totals: CopyTotals;
  /**
   * True when every selected recovery point ended COMPLETED and the run selected something (or
   * `allowEmpty`), as `CopyReport.ok`.
   */
  ok: boolean;
  /** Why the run is not ok although no entry says so: it selected nothing. */
  failure?: RunFailure;
  /** `step.do` calls this instance made. */
  steps: number;
  /** Subrequests its steps made: AWS requests and binding calls. */
  subrequests: number;
}

/** Where one batch stands, rebuilt from step results on every replay. */
interface BatchState {
  index: number;
  /** The page's points. */
  points: BatchPoint[];
  /** What its next instance gets; once it ended, what its last instance was given or left. */
  next: BatchPoint[];
  instances: string[];
  /** Counts of the points its complete instances ended (each point ends in one instance). */
  ended: CopyTotals;
  /** Skip codes of those, with their counts. */
  skips: Record<string, number>;
  status?: WorkflowBatchSummary["status"];
  error?: ReportedError;
}

/** What a `check` step learns of one batch instance: its status, never its output. */
interface InstanceCheck {
  status: string;
  error?: ReportedError;
}

/** What a `read` step learns of a complete batch instance. */
type InstanceRead =
  /** Counts of the points it ended, their skip codes, and the points it left. */
  | { totals: CopyTotals; skips: Record<string, number>; unfinished: BatchPoint[] }
  /** Its output cannot be read (gone, or not a batch's). */
  | { error: ReportedError };

/** The id of a batch's `attempt`-th instance: `<runId>-b<batch>` and `-<attempt>` after the first. */
export function batchInstanceId(runId: string, batch: number, attempt: number): string {
  return `${runId}-b${batch}${attempt ? `-${attempt}` : ""}`;
}

/**
 * Runs the vault copy's run instance.
 * @throws {NonRetryableError} the source vault cannot be listed (e.g. it does not exist).
 */
export async function runVaultCopy(
  steps: StepRunner,
  o: ResolvedOptions,
  event: WorkflowEventLike,
): Promise<WorkflowRunOutput> {
  const runId = event.instanceId;
  const batches: BatchState[] = [];
  const tokens = new Set<string>();
  let token: string | undefined;
  let sourceVaultArn: string | undefined;
  for (let page = 0;; page++) {
    if (!steps.fits(1)) {
      throw new NonRetryableError(
        `The source vault has more than ${page} pages of ${o.batchSize}: raise batchSize or ` +
          `maxStepsPerInstance`,
      );
    }
    const listed = await steps.do(`list ${page}`, ({ client }) => listPage(client, o, token));
    if (sourceVaultArn === undefined && listed.sourceVaultArn !== undefined) {
      sourceVaultArn = listed.sourceVaultArn;
      try {
        refuseSameVault(
          "copyRecoveryPointsInWorkflow",
          sourceVaultArn,
          o.destinationBackupVaultArn,
        );
      } catch (e) {
        // No retry fixes the configuration: the run ends, before any batch is created.
        throw new NonRetryableError((e as Error).message, { cause: e });
      }
    }
    if (listed.points.length) {
      batches.push({
        index: batches.length,
        points: listed.points,
        next: listed.points,
        instances: [],
        ended: emptyTotals(),
        skips: {},
      });
    }
    token = listed.nextToken;
    if (token === undefined) break;
    if (tokens.has(token)) {
      throw new NonRetryableError(`ListRecoveryPointsByBackupVault repeated the token ${token}`);
    }
    tokens.add(token);
  }

  const queue = [...batches];
  const running: BatchState[] = [];
  let finishedAt = event.timestamp.toISOString();
  let delay = o.pollIntervalMs;
  for (let round = 0;; round++) {
    let changed = false;
    while (running.length < o.parallelBatches && queue.length && steps.fits(1)) {
      const batch = queue.shift()!;
      const attempt = batch.instances.length;
      const id = batchInstanceId(runId, batch.index, attempt);
      const params: WorkflowBatchParams = {
        backupEdgeBatch: BATCH_PARAMS_VERSION,
        runId,
        batch: batch.index,
        attempt,
        sourceBackupVaultName: o.sourceBackupVaultName,
        ...(sourceVaultArn ? { sourceBackupVaultArn: sourceVaultArn } : {}),
        destinationBackupVaultArn: o.destinationBackupVaultArn,
        points: batch.next,
      };
      await steps.do(
        `start batch ${batch.index}${attempt ? ` again ${attempt}` : ""}`,
        ({ count }) => createInstance(o.workflow, id, params, count),
      );
      batch.instances.push(id);
      running.push(batch);
      changed = true;
    }
    if (!running.length || !steps.fits(2 * running.length)) break;
    await steps.sleep(`wait ${round}`, delay);
    const checked = await steps.do(
      `check ${round}`,
      ({ count }) => checkInstances(o.workflow, running.map((b) => b.instances.at(-1)!), count),
    );
    finishedAt = checked.at;
    let spent = false;
    for (const batch of [...running]) {
      const id = batch.instances.at(-1)!;
      const check = checked.instances[id];
      if (!ended(check.status)) continue;
      if (check.status === "complete" && !steps.fits(2)) {
        // Its output stays unread: the batch is summarised as the budget left it.
        spent = true;
        continue;
      }
      running.splice(running.indexOf(batch), 1);
      changed = true;
      const retry = batch.instances.length < o.maxInstancesPerBatch;
      let error = check.error;
      if (check.status === "complete") {
        const attempt = batch.instances.length - 1;
        const read = await steps.do(
          `read batch ${batch.index}${attempt ? ` again ${attempt}` : ""}`,
          ({ count }) => readInstance(o.workflow, id, count),
        );
        if (!("error" in read)) {
          addTotals(batch.ended, read.totals);
          for (const [code, n] of Object.entries(read.skips)) {
            batch.skips[code] = (batch.skips[code] ?? 0) + n;
          }
          batch.next = read.unfinished;
          if (read.unfinished.length && retry) queue.unshift(batch);
          else batch.status = read.unfinished.length ? "unfinished" : "complete";
          continue;
        }
        error = read.error;
      }
      batch.error = error ?? { name: "WorkflowError", message: `instance ${check.status}` };
      if (check.status !== "terminated" && retry) queue.unshift(batch);
      else batch.status = "failed";
    }
    if (spent) break;
    delay = changed ? o.pollIntervalMs : Math.min(o.maxPollIntervalMs, delay * 2);
  }

  const summaries = batches.map(summarize);
  const totals = emptyTotals();
  for (const summary of summaries) addTotals(totals, summary.totals);
  let failure: RunFailure | undefined;
  if (!totals.selected && !o.allowEmpty) {
    // A run that copied nothing is not a success: the vault is empty, or the selection wrong.
    const skipped = new Map<string, number>();
    for (const summary of summaries) {
      for (const [code, n] of Object.entries(summary.skips)) {
        skipped.set(code, (skipped.get(code) ?? 0) + n);
      }
    }
    failure = await steps.do(
      "empty selection",
      ({ client }) => emptySelection(client, o.sourceBackupVaultName, o, skipped),
    );
  }
  return {
    kind: "run",
    runId,
    sourceBackupVaultName: o.sourceBackupVaultName,
    destinationBackupVaultArn: o.destinationBackupVaultArn,
    startedAt: event.timestamp.toISOString(),
    finishedAt,
    batches: summaries.map(({ skips: _, ...summary }) => summary),
    totals,
    ok: !failure && totals.selected === totals.completed,
    ...(failure ? { failure } : {}),
    steps: steps.steps,
    subrequests: steps.subrequests,
  };
}

function ended(status: string): boolean {
  return status === "complete" || status === "errored" || status === "terminated";
}

/**
 * A batch's summary: the counts of the points its complete instances ended, and of the rest — the
 * points its last instance left (`unfinished`), or, when no complete instance reported them
 * (its last instance errored, or did not end before the run stopped), `missing` (`UNFINISHED`,
 * with `error`). Its skip codes too, for the run's `failure`.
 */
function summarize(batch: BatchState): WorkflowBatchSummary & { skips: Record<string, number> } {
  const status = batch.status ?? "unfinished";
  const error: ReportedError | undefined = batch.error ?? (batch.status ? undefined : {
    name: "StepBudgetExhausted",
    message: "the run instance's step or subrequest budget ran out before this batch ended",
  });
  const left = status === "complete" ? [] : batch.next.map((point) => {
    const entry = entryOf(point);
    if (!point.skipReason && error && batch.status !== "unfinished") entry.error = error;
    return entryToJson(entry);
  });
  const totals = { ...batch.ended };
  addTotals(totals, totalsOf(left));
  const skips = { ...batch.skips };
  for (const entry of left) {
    const code = entry.skipReason?.code;
    if (code) skips[code] = (skips[code] ?? 0) + 1;
  }
  const summary: WorkflowBatchSummary & { skips: Record<string, number> } = {
    batch: batch.index,
    instances: batch.instances,
    status,
    totals,
    skips,
  };
  if (error) summary.error = error;
  // What its last instance left is in that instance's output; what no instance reported is here.
  if (batch.status !== "unfinished" && left.length) summary.missing = left;
  return summary;
}

/**
 * Creates a batch instance; an id that exists already means an earlier attempt of this step
 * created it (the step's result was not yet persisted).
 * @throws the binding's error otherwise (e.g. HTTP 429 past the creation rate: the engine retries).
 */
async function createInstance(
  workflow: WorkflowBindingLike<WorkflowCopyParams>,
  id: string,
  params: WorkflowBatchParams,
  count: (calls: number) => void,
): Promise<{ id: string }> {
  const bytes = new TextEncoder().encode(JSON.stringify(params)).byteLength;
  // Room for the run's `read` of what the instance leaves: its points, grown by their jobs.
  const room = bytes + params.points.length * HANDOFF_GROWTH_BYTES;
  if (room > WORKFLOWS_LIMITS.eventPayloadBytes) {
    throw new NonRetryableError(
      `The params of batch instance ${id} are ${bytes} bytes; with ${HANDOFF_GROWTH_BYTES} ` +
        `bytes per point for their copy jobs that is ${room}, over the ` +
        `${WORKFLOWS_LIMITS.eventPayloadBytes}-byte limit of a Workflows step result and ` +
        `params: lower batchSize`,
    );
  }
  try {
    count(1);
    await workflow.create({ id, params });
  } catch (e) {
    if (!isAlreadyExists(e)) throw e;
  }
  return { id };
}

/** The status of each batch instance (a few dozen bytes each: never its output). */
async function checkInstances(
  workflow: WorkflowBindingLike,
  ids: readonly string[],
  count: (calls: number) => void,
): Promise<{ at: string; instances: Record<string, InstanceCheck> }> {
  const instances: Record<string, InstanceCheck> = {};
  for (const id of ids) {
    let status;
    try {
      count(2);
      status = await (await workflow.get(id)).status();
    } catch (e) {
      if (!isNotFound(e)) throw e;
      instances[id] = { status: "errored", error: reportedError(e) };
      continue;
    }
    const check: InstanceCheck = { status: status.status };
    const error = statusError(status.error);
    if (error && status.status !== "complete") check.error = error;
    instances[id] = check;
  }
  return { at: new Date().toISOString(), instances };
}

/**
 * What the run needs of a complete batch instance's output: the counts of the points it ended
 * (and their skip codes) and the points it left — one batch's points at most.
 */
async function readInstance(
  workflow: WorkflowBindingLike,
  id: string,
  count: (calls: number) => void,
): Promise<InstanceRead> {
  let status;
  try {
    count(2);
    status = await (await workflow.get(id)).status();
  } catch (e) {
    if (!isNotFound(e)) throw e;
    return { error: reportedError(e) };
  }
  const output = status.output as WorkflowBatchOutput | undefined;
  if (output?.kind !== "batch" || !Array.isArray(output.entries)) {
    return { error: { name: "InvalidOutput", message: `instance ${id} returned no batch output` } };
  }
  const ended = output.entries.filter((e) => e.outcome !== "UNFINISHED");
  const skips: Record<string, number> = {};
  for (const entry of ended) {
    const code = entry.skipReason?.code;
    if (code) skips[code] = (skips[code] ?? 0) + 1;
  }
  return { totals: totalsOf(ended), skips, unfinished: output.unfinished ?? [] };
}
