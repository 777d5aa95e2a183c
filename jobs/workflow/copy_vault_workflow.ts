/**
 * Vault copies that outlive one invocation, on Cloudflare Workflows: the engine persists every
 * step, retries failed ones, sleeps durably and resumes after a restart without doing a step
 * twice. `copyRecoveryPointsInWorkflow` is called from the `run` of a `WorkflowEntrypoint`;
 * `workflowCopyReport` reads a run's status and, once it is complete, its report.
 *
 * How it divides the work: the instance the user creates (the run) lists the source vault, one
 * page of `batchSize` recovery points per step, creates one instance of the same Workflow per
 * page (a batch), `parallelBatches` at a time, and follows them with one status step per round
 * and one read step per batch instance that completed. A batch reads the storage class of points
 * past their cold-storage date, finds what is copied already (ListCopyJobs), starts each copy in a
 * step of its own (StartCopyJob with the copy's run-independent idempotency token), and waits with
 * `step.sleep` and one status step per round for all its jobs. Every rule of `copyRecoveryPoints`
 * is its own code, run inside the steps. On Workers Paid no instance comes near the Workflows
 * limits on steps, subrequests or step result size, whatever the size of the vault; Workers
 * Free's 50 subrequests per instance fit small vaults only (see docs/workflows.md on
 * Workers Free).
 *
 * @module
 */

import { reportedError } from "../errors.ts";
import { addTotals, type CopyReport, emptyTotals, type ReportedError } from "../report.ts";
import { runBatch, type WorkflowBatchOutput } from "./batch.ts";
import {
  isAlreadyExists,
  isNotFound,
  type WorkflowBindingLike,
  type WorkflowEventLike,
  WorkflowInstanceNotFoundError,
  type WorkflowStepLike,
} from "./engine.ts";
import { bindingIssues, checkRunId, resolveOptions, type WorkflowCopyOptions } from "./options.ts";
import { booleanIssue, optionKeyIssues } from "../option_checks.ts";
import { unknownKeyIssues } from "../../runtime/unknown_keys.ts";
import { runVaultCopy, type WorkflowRunOutput } from "./run.ts";
import { StepRunner } from "./steps.ts";
import {
  BATCH_PARAMS_VERSION,
  type CopyReportEntryJson,
  mergeEntries,
  reviveEntry,
  statusError,
  totalsOf,
  type WorkflowBatchParams,
  type WorkflowCopyParams,
} from "./wire.ts";
import { ValidationError, type ValidationIssue } from "../../runtime/errors.ts";

/** What an instance of the vault copy Workflow returns: a run's summary or a batch's entries. */
export type WorkflowCopyOutput = WorkflowRunOutput | WorkflowBatchOutput;

/**
 * Copies the recovery points of a vault that the selection takes to another vault, as a
 * Cloudflare Workflow: call it from `run(event, step)` of a `WorkflowEntrypoint`, with the
 * Workflow's own binding as `options.workflow`. An instance created with empty `params` is a run
 * (its id names it: use a deterministic one, e.g. `nightly-2026-12-07`); the batch instances it
 * creates (`<runId>-b<n>`) run through the same function.
 *
 * Exactly once, as `copyRecoveryPoints`: every step is idempotent (StartCopyJob carries
 * `copyIdempotencyToken(recoveryPoint, destination, { retryOf })`, the token `copyRecoveryPoints`
 * and `copyOnBackupEvent` send for the same copy; copies that already exist are found by
 * ListCopyJobs and not started again), and the engine persists each step's result, so a restart
 * replays instead of calling AWS again. The rules of `copyRecoveryPoints` hold too: the same
 * selection and skip reasons, `maxFailedCopies`, one copy job per resource at a time within a
 * batch, the same option checks, and a run that selects nothing is not `ok` unless `allowEmpty`.
 *
 * @param event the `event` of `run`: its `payload` says run or batch.
 * @param step the `step` of `run`.
 * @param options what to copy, where, and how; the same in every instance of the Workflow.
 * @returns a run: its summary ({@linkcode WorkflowRunOutput}); a batch: its report entries.
 * @throws {ValidationError} bad options or params (naming them), or a run id that does not fit
 * batch ids: the instance errors at once, nothing is sent.
 * @throws {NonRetryableError} the source vault cannot be listed (e.g. it does not exist).
 *
 * @example In a Worker (see examples/vault-workflow/)
 * ```ts ignore
 * import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from "cloudflare:workers";
 * import { BackupClient, copyRecoveryPointsInWorkflow } from "backup-edge";
 *
 * export class VaultCopy extends WorkflowEntrypoint<Env> {
 *   async run(event: WorkflowEvent<unknown>, step: WorkflowStep) {
 *     return await copyRecoveryPointsInWorkflow(event, step, {
 *       client: new BackupClient({ region: this.env.AWS_REGION, credentials: { ... } }),
 *       workflow: this.env.VAULT_COPY,
 *       sourceBackupVaultName: this.env.SOURCE_VAULT,
 *       destinationBackupVaultArn: this.env.DESTINATION_VAULT_ARN,
 *       iamRoleArn: this.env.IAM_ROLE_ARN,
 *     });
 *   }
 * }
 * ```
 */
export async function copyRecoveryPointsInWorkflow(
  event: WorkflowEventLike,
  step: WorkflowStepLike,
  options: WorkflowCopyOptions,
): Promise<WorkflowCopyOutput> {
  const o = resolveOptions(options);
  const payload = event.payload as unknown;
  const steps = new StepRunner(step, o);
  if (isBatchParams(payload)) {
    return await runBatch(steps, o, checkBatchParams(payload, o));
  }
  if (
    payload !== undefined && payload !== null &&
    !(typeof payload === "object" && !Array.isArray(payload) && !Object.keys(payload).length)
  ) {
    throw new ValidationError("copyRecoveryPointsInWorkflow params", [{
      path: "event.payload",
      message: "a run is created with empty params ({}): what to copy comes from the options",
    }]);
  }
  checkRunId(event.instanceId);
  return await runVaultCopy(steps, o, event);
}

function isBatchParams(payload: unknown): payload is WorkflowBatchParams {
  return typeof payload === "object" && payload !== null && "backupEdgeBatch" in payload;
}

/** @throws {ValidationError} naming the member of the batch params that is wrong. */
function checkBatchParams(
  p: WorkflowBatchParams,
  o: WorkflowCopyOptions,
): WorkflowBatchParams {
  const issues: ValidationIssue[] = [];
  const allowed = [
    "backupEdgeBatch",
    "runId",
    "batch",
    "attempt",
    "sourceBackupVaultName",
    "sourceBackupVaultArn",
    "destinationBackupVaultArn",
    "points",
  ];
  for (const key of Object.keys(p)) {
    if (!allowed.includes(key)) issues.push({ path: key, message: "is not a batch param" });
  }
  if (p.backupEdgeBatch !== BATCH_PARAMS_VERSION) {
    issues.push({ path: "backupEdgeBatch", message: `must be ${BATCH_PARAMS_VERSION}` });
  }
  if (typeof p.runId !== "string") issues.push({ path: "runId", message: "must be a string" });
  for (const key of ["batch", "attempt"] as const) {
    if (!(Number.isSafeInteger(p[key]) && p[key] >= 0)) {
      issues.push({ path: key, message: "must be an integer of at least 0" });
    }
  }
  // A batch copies between the vaults of the configuration, never between ones its params name.
  if (p.sourceBackupVaultName !== o.sourceBackupVaultName) {
    issues.push({ path: "sourceBackupVaultName", message: "differs from the options" });
  }
  if (
    p.sourceBackupVaultArn !== undefined &&
    !(typeof p.sourceBackupVaultArn === "string" &&
      p.sourceBackupVaultArn.endsWith(`:backup-vault:${o.sourceBackupVaultName}`))
  ) {
    issues.push({ path: "sourceBackupVaultArn", message: "is not the source vault's ARN" });
  }
  if (p.destinationBackupVaultArn !== o.destinationBackupVaultArn) {
    issues.push({ path: "destinationBackupVaultArn", message: "differs from the options" });
  }
  // Each point is its report entry so far: SKIPPED, or UNFINISHED until its copy ends.
  if (
    !Array.isArray(p.points) ||
    !p.points.every((x) =>
      typeof x === "object" && x !== null && typeof x.recoveryPointArn === "string" &&
      (x.outcome === "SKIPPED" || x.outcome === "UNFINISHED") && Number.isSafeInteger(x.attempts)
    )
  ) {
    issues.push({
      path: "points",
      message: "must be an array of recovery points (report entries, SKIPPED or UNFINISHED)",
    });
  }
  if (issues.length) throw new ValidationError("copyRecoveryPointsInWorkflow batch params", issues);
  return p;
}

/** Options of {@linkcode startWorkflowCopy}. */
export interface StartWorkflowCopyOptions {
  /**
   * Earlier runs (e.g. those of the nights before) that must have ended first: while one of them
   * is `queued`, `running`, `waiting` or `paused`, nothing is created and the answer names it. Two
   * runs at once add their copy jobs together (`concurrency × parallelBatches` each) and copy the
   * same recent points side by side. An id the Workflow does not know (never created, or its state
   * expired) has ended. 2 binding calls each.
   */
  afterRuns?: readonly string[] | undefined;
}

/** What {@linkcode startWorkflowCopy} did. */
export interface StartedWorkflowCopy {
  /** The run's id. */
  id: string;
  /** Whether the instance was created now. */
  created: boolean;
  /** When nothing was created because an earlier run had not ended: that run's id. */
  waitingFor?: string;
}

/** Statuses of an instance that has not ended (a paused one may be resumed). */
const NOT_ENDED = ["queued", "running", "waiting", "paused", "waitingForPause"];

/**
 * Creates the run instance `instanceId` (with empty params) unless one with that id exists —
 * Workflows refuses a second `create` with the same id (`(instance.already_exists)`), so a
 * deterministic id, e.g. `nightly-2026-12-07` from a Cron Trigger's `scheduledTime`, makes a
 * repeated trigger start nothing — or one of `options.afterRuns` has not ended.
 *
 * @param workflow the Workflow's binding.
 * @param instanceId the run's id: `^[a-zA-Z0-9_][a-zA-Z0-9-_]*$`, at most 80 characters (its
 * batch instances add to it).
 * @returns `created: false` when the instance existed already, or (with `waitingFor`) when an
 * earlier run is still going.
 * @throws {ValidationError} before anything is sent: `workflow` is not a Workflow binding (a
 * binding name in wrangler.toml that differs from the code's), an unknown option (e.g.
 * `afterRun`), `afterRuns` not an array of ids, or the id does not fit.
 * @throws the binding's error otherwise.
 */
export async function startWorkflowCopy(
  workflow: WorkflowBindingLike<WorkflowCopyParams>,
  instanceId: string,
  options: StartWorkflowCopyOptions = {},
): Promise<StartedWorkflowCopy> {
  checkStart(workflow, instanceId, options);
  for (const earlier of options.afterRuns ?? []) {
    if (earlier === instanceId) continue;
    let status: string;
    try {
      status = (await (await workflow.get(earlier)).status()).status;
    } catch (e) {
      if (isNotFound(e)) continue;
      throw e;
    }
    if (NOT_ENDED.includes(status)) return { id: instanceId, created: false, waitingFor: earlier };
  }
  try {
    await workflow.create({ id: instanceId, params: {} });
    return { id: instanceId, created: true };
  } catch (e) {
    if (isAlreadyExists(e)) return { id: instanceId, created: false };
    throw e;
  }
}

/**
 * Checks what `startWorkflowCopy` is given before it calls the binding: a misspelled `afterRuns`
 * would start a second run beside one still going.
 * @throws {ValidationError} naming `workflow`, the option, or the id.
 */
function checkStart(workflow: unknown, instanceId: string, options: unknown): void {
  const issues = bindingIssues(workflow, ["create", "get"]);
  issues.push(...optionKeyIssues(options, ["afterRuns"], "startWorkflowCopy"));
  const { afterRuns } = options as StartWorkflowCopyOptions;
  if (
    afterRuns !== undefined &&
    !(Array.isArray(afterRuns) && afterRuns.every((id) => typeof id === "string"))
  ) {
    issues.push({ path: "afterRuns", message: "must be an array of run ids (strings)" });
  }
  if (issues.length) throw new ValidationError("startWorkflowCopy options", issues);
  checkRunId(instanceId);
}

/** A batch whose points the report cannot give one by one. */
export interface UnreadBatch {
  /** The batch's number. */
  batch: number;
  /** Its instances. */
  instances: string[];
  /** Its points, as the run counted them. */
  points: number;
  /** Of them, in the report's entries. */
  reported: number;
  /** Why the rest are not: the instance whose output could not be read, and why. */
  error: ReportedError;
}

/** What {@linkcode workflowCopyReport} answers. */
export interface WorkflowCopyStatus {
  /** The run instance's id. */
  instanceId: string;
  /** Its status: `queued`, `running`, `waiting`, `paused`, `errored`, `terminated`, `complete`… */
  status: string;
  /** Why it errored. */
  error?: ReportedError;
  /** Once complete: its summary. */
  run?: WorkflowRunOutput;
  /**
   * Once complete: the report of every recovery point (of the batches asked for), read from the
   * batch instances' outputs; `ok` false and `failure` `REPORT_INCOMPLETE` when some could not be
   * read (see `unreadBatches`).
   */
  report?: CopyReport;
  /**
   * Batches whose points are not all in `report.entries`: an instance's output could not be read
   * (its state expired: 3 days after it ended on Workers Free, 7 on Paid) or holds fewer points
   * than the run counted. Their counts are in `report.totals` (from the run's summary).
   */
  unreadBatches?: UnreadBatch[];
  /** With `batches`: which batches the report covers, of how many, and where the next page starts. */
  page?: { from: number; to: number; of: number; next?: number };
}

/** Options of {@linkcode workflowCopyReport}. */
export interface WorkflowCopyReportOptions {
  /** `false`: the status and summary only (2 binding calls). @default true */
  entries?: boolean | undefined;
  /**
   * The batches to report, `count` from `from` (a page): 2 binding calls for the run and 2 per
   * batch instance in them, so that a page fits the subrequests of one invocation (50 on Workers
   * Free: 20 batches). All batches when absent.
   */
  batches?: { from: number; count: number } | undefined;
}

/**
 * The status of a vault copy run and, once it is complete, its report: one entry per recovery
 * point of the source vault, read from the outputs of its batch instances (2 binding calls for
 * the run and 2 per batch instance: 10,000 points in batches of 100 take about 202, over the 50
 * subrequests of a Workers Free invocation — ask for `batches` a page at a time there).
 *
 * @param workflow the Workflow's binding.
 * @param instanceId the run instance's id.
 * @param options `entries: false` for the status and summary only; `batches` for a page.
 * @throws {WorkflowInstanceNotFoundError} there is no run instance with this id (never created,
 * or its state expired).
 * @throws {ValidationError} before anything is read: `workflow` is not a Workflow binding, an
 * unknown option (or key of `batches`), `entries` not a boolean, or `batches` not a range of
 * batch numbers.
 * @throws the binding's error otherwise.
 */
export async function workflowCopyReport(
  workflow: Pick<WorkflowBindingLike, "get">,
  instanceId: string,
  options: WorkflowCopyReportOptions = {},
): Promise<WorkflowCopyStatus> {
  const range = checkReportOptions(workflow, options);
  let status;
  try {
    status = await (await workflow.get(instanceId)).status();
  } catch (e) {
    if (isNotFound(e)) throw new WorkflowInstanceNotFoundError(instanceId, { cause: e });
    throw e;
  }
  const answer: WorkflowCopyStatus = { instanceId, status: status.status };
  const error = statusError(status.error);
  if (error) answer.error = error;
  const run = status.output as WorkflowRunOutput | undefined;
  if (status.status !== "complete" || run?.kind !== "run") return answer;
  answer.run = run;
  if (options.entries === false) return answer;
  const from = range?.from ?? 0;
  const to = Math.min(run.batches.length, range ? from + range.count : run.batches.length);
  const batches = run.batches.slice(from, to);
  if (range) {
    answer.page = {
      from,
      to,
      of: run.batches.length,
      ...(to < run.batches.length ? { next: to } : {}),
    };
  }
  const entries = new Map<string, CopyReportEntryJson>();
  const totals = emptyTotals();
  const unread: UnreadBatch[] = [];
  for (const batch of batches) {
    const own = new Map<string, CopyReportEntryJson>();
    let failed: ReportedError | undefined;
    for (const id of batch.instances) {
      const read = await readBatchOutput(workflow, id);
      if ("error" in read) failed ??= read.error;
      else if (read.output) mergeEntries(own, read.output.entries);
    }
    mergeEntries(own, batch.missing ?? []);
    mergeEntries(entries, own.values());
    const counted = batch.totals.discovered;
    if (own.size === counted) {
      addTotals(totals, totalsOf(own.values()));
      continue;
    }
    // The run's own counts stand for the batch; its entries are what could be read.
    addTotals(totals, batch.totals);
    unread.push({
      batch: batch.batch,
      instances: batch.instances,
      points: counted,
      reported: own.size,
      error: failed ?? {
        name: "IncompleteOutput",
        message: `the outputs of its instances hold ${own.size} of its ${counted} points`,
      },
    });
  }
  let failure = run.failure;
  if (unread.length) {
    answer.unreadBatches = unread;
    const missing = unread.reduce((n, b) => n + b.points - b.reported, 0);
    failure ??= {
      code: "REPORT_INCOMPLETE",
      message: `${missing} recovery point(s) of batch(es) ${
        unread.map((b) => b.batch).join(", ")
      } are not in the report: ${unread[0].error.name}: ${unread[0].error.message}`,
    };
  }
  const complete = totals.selected === totals.completed;
  answer.report = {
    runId: run.runId,
    sourceBackupVaultName: run.sourceBackupVaultName,
    destinationBackupVaultArn: run.destinationBackupVaultArn,
    dryRun: false,
    startedAt: new Date(run.startedAt),
    finishedAt: new Date(run.finishedAt),
    entries: [...entries.values()].map(reviveEntry),
    totals,
    ok: !failure && !unread.length && complete,
    ...(failure ? { failure } : {}),
  };
  return answer;
}

/**
 * Checks the binding and the options of `workflowCopyReport`, unknown keys too (`batches`' own).
 * @returns the range of batches asked for.
 * @throws {ValidationError} naming `workflow` or the option.
 */
function checkReportOptions(
  workflow: unknown,
  options: WorkflowCopyReportOptions,
): WorkflowCopyReportOptions["batches"] {
  const issues = bindingIssues(workflow, ["get"]);
  issues.push(...optionKeyIssues(options, ["entries", "batches"], "workflowCopyReport"));
  issues.push(...booleanIssue("entries", options.entries));
  const range = options.batches;
  if (range !== undefined) {
    if (typeof range === "object" && range !== null) {
      issues.push(...unknownKeyIssues(range, ["from", "count"], "batches"));
    }
    if (
      !(Number.isSafeInteger(range?.from) && range.from >= 0 &&
        Number.isSafeInteger(range.count) && range.count >= 1)
    ) {
      issues.push({
        path: "batches",
        message: "must be { from: an integer of at least 0, count: an integer of at least 1 }",
      });
    }
  }
  if (issues.length) throw new ValidationError("workflowCopyReport options", issues);
  return range;
}

/**
 * The output of one batch instance: `output` when it is complete (absent while it has not
 * ended, or when it errored), `error` when it cannot be read.
 */
async function readBatchOutput(
  workflow: Pick<WorkflowBindingLike, "get">,
  id: string,
): Promise<{ output?: WorkflowBatchOutput } | { error: ReportedError }> {
  let instance;
  try {
    instance = await (await workflow.get(id)).status();
  } catch (e) {
    if (!isNotFound(e)) return { error: reportedError(e) };
    const { name, message } = new WorkflowInstanceNotFoundError(id);
    return { error: { name, message } };
  }
  const output = instance.output as WorkflowBatchOutput | undefined;
  if (instance.status !== "complete") return {};
  if (output?.kind !== "batch" || !Array.isArray(output.entries)) {
    return { error: { name: "InvalidOutput", message: `instance ${id} returned no batch output` } };
  }
  return { output };
}
