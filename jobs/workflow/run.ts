/**
 * The run instance of a vault copy on Workflows: lists the source vault one page per step, hands
 * each page to a batch instance of the same Workflow, waits for the batches with `step.sleep`
 * and status steps, gives what a batch left (its budget spent, or the instance errored) to a new
 * instance, and returns a summary. The complete report is read from the instances' outputs by
 * `workflowCopyReport`.
 *
 * Steps: `list <p>` per page, `start batch <b>` (`start batch <b> again <k>`) per batch
 * instance, and rounds of `wait <r>` (a sleep) and `check <r>` (the running batches' status).
 *
 * @module
 */

import { reportedError } from "../errors.ts";
import { emptySelection } from "../list_selection.ts";
import { type CopyTotals, emptyTotals, type ReportedError, type RunFailure } from "../report.ts";
import { listPage } from "./aws_steps.ts";
import type { WorkflowBatchOutput } from "./batch.ts";
import {
  isAlreadyExists,
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
  mergeEntries,
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
  /** What its next instance gets. */
  next: BatchPoint[];
  instances: string[];
  /** Outcome and origin of each point, as its instances reported them (merged). */
  reported: Map<string, CopyReportEntryJson>;
  status?: WorkflowBatchSummary["status"];
  error?: ReportedError;
}

/** What a `check` step learns of one batch instance. */
interface InstanceCheck {
  status: string;
  error?: ReportedError;
  /**
   * Of a complete instance: each point's outcome, origin and skip reason (no more, to stay
   * small).
   */
  outcomes?: CopyReportEntryJson[];
  /** Of a complete instance: the points it left. */
  unfinished?: BatchPoint[];
}

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
  for (let page = 0;; page++) {
    if (!steps.fits(1)) {
      throw new NonRetryableError(
        `The source vault has more than ${page} pages of ${o.batchSize}: raise batchSize or ` +
          `maxStepsPerInstance`,
      );
    }
    const listed = await steps.do(`list ${page}`, ({ client }) => listPage(client, o, token));
    if (listed.points.length) {
      batches.push({
        index: batches.length,
        points: listed.points,
        next: listed.points,
        instances: [],
        reported: new Map(),
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
    for (const batch of [...running]) {
      const check = checked.instances[batch.instances.at(-1)!];
      if (!ended(check.status)) continue;
      running.splice(running.indexOf(batch), 1);
      changed = true;
      const retry = batch.instances.length < o.maxInstancesPerBatch;
      if (check.status === "complete") {
        mergeEntries(batch.reported, check.outcomes ?? []);
        const left = check.unfinished ?? [];
        if (left.length && retry) {
          batch.next = left;
          queue.unshift(batch);
        } else {
          batch.status = left.length ? "unfinished" : "complete";
        }
        continue;
      }
      batch.error = check.error ?? { name: "WorkflowError", message: `instance ${check.status}` };
      if (check.status !== "terminated" && retry) queue.unshift(batch);
      else batch.status = "failed";
    }
    delay = changed ? o.pollIntervalMs : Math.min(o.maxPollIntervalMs, delay * 2);
  }

  const summaries = batches.map(summarize);
  const totals = sumTotals(summaries.map((s) => s.totals));
  let failure: RunFailure | undefined;
  if (!totals.selected && !o.allowEmpty) {
    // A run that copied nothing is not a success: the vault is empty, or the selection wrong.
    const skipped = new Map<string, number>();
    for (const batch of batches) {
      for (const entry of batchEntries(batch).values()) {
        const code = entry.skipReason?.code;
        if (code) skipped.set(code, (skipped.get(code) ?? 0) + 1);
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
    batches: summaries,
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

/** A batch's summary: points no complete instance reported become `missing` (`UNFINISHED`). */
function summarize(batch: BatchState): WorkflowBatchSummary {
  const status = batch.status ?? "unfinished";
  const error: ReportedError | undefined = batch.error ?? (batch.status ? undefined : {
    name: "StepBudgetExhausted",
    message: "the run instance's step or subrequest budget ran out before this batch ended",
  });
  // What the batch's last instance was given, when that instance reported nothing: it errored,
  // or never ran (or had not ended) before the run stopped.
  const missing = status === "complete" || batch.status === "unfinished"
    ? []
    : batch.next.map((point) => {
      const entry = entryOf(point);
      if (!point.skipReason && error) entry.error = error;
      return entryToJson(entry);
    });
  const summary: WorkflowBatchSummary = {
    batch: batch.index,
    instances: batch.instances,
    status,
    totals: totalsOf(batchEntries(batch, missing).values()),
  };
  if (error) summary.error = error;
  if (missing.length) summary.missing = missing;
  return summary;
}

/** A batch's points as listed, then as its instances reported them, then `missing` ones. */
function batchEntries(
  batch: BatchState,
  missing: readonly CopyReportEntryJson[] = [],
): Map<string, CopyReportEntryJson> {
  const entries = new Map<string, CopyReportEntryJson>();
  mergeEntries(entries, batch.points.map((point) => entryToJson(entryOf(point))));
  mergeEntries(entries, batch.reported.values());
  mergeEntries(entries, missing);
  return entries;
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
  if (bytes > WORKFLOWS_LIMITS.eventPayloadBytes) {
    throw new NonRetryableError(
      `The params of batch instance ${id} are ${bytes} bytes, over the ` +
        `${WORKFLOWS_LIMITS.eventPayloadBytes}-byte limit of Workflows: lower batchSize`,
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

/** The status of each batch instance, and of a complete one what the run needs of its output. */
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
      if (!String((e as Error)?.message).includes("not_found")) throw e;
      instances[id] = { status: "errored", error: reportedError(e) };
      continue;
    }
    const check: InstanceCheck = { status: status.status };
    if (status.status === "complete") {
      const output = status.output as WorkflowBatchOutput | undefined;
      if (output?.kind !== "batch" || !Array.isArray(output.entries)) {
        instances[id] = {
          status: "errored",
          error: { name: "InvalidOutput", message: `instance ${id} returned no batch output` },
        };
        continue;
      }
      check.outcomes = output.entries.map((e) => ({
        recoveryPointArn: e.recoveryPointArn,
        isParent: e.isParent,
        outcome: e.outcome,
        attempts: e.attempts,
        ...(e.origin ? { origin: e.origin } : {}),
        ...(e.skipReason ? { skipReason: e.skipReason } : {}),
      }));
      check.unfinished = output.unfinished ?? [];
    } else {
      const error = statusError(status.error);
      if (error) check.error = error;
    }
    instances[id] = check;
  }
  return { at: new Date().toISOString(), instances };
}

/** The sum of several batches' totals. */
function sumTotals(all: readonly CopyTotals[]): CopyTotals {
  const sum = emptyTotals();
  for (const totals of all) {
    for (const key of Object.keys(sum) as (keyof CopyTotals)[]) sum[key] += totals[key];
  }
  return sum;
}
