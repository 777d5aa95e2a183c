/**
 * Vault copies that outlive one invocation, on Cloudflare Workflows: the engine persists every
 * step, retries failed ones, sleeps durably and resumes after a restart without doing a step
 * twice. `copyRecoveryPointsInWorkflow` is called from the `run` of a `WorkflowEntrypoint`;
 * `workflowCopyReport` reads a run's status and, once it is complete, its report.
 *
 * How it divides the work: the instance the user creates (the run) lists the source vault, one
 * page of `batchSize` recovery points per step, and creates one instance of the same Workflow
 * per page (a batch), `parallelBatches` at a time. A batch reads the storage class of points past
 * their cold-storage date, finds what is copied already (ListCopyJobs), starts each copy in a step
 * of its own (StartCopyJob with the copy's run-independent idempotency token), and waits with
 * `step.sleep` and one status step per round for all its jobs. Every rule of `copyRecoveryPoints`
 * is its own code, run inside the steps. No instance comes near the Workflows limits on steps,
 * subrequests or step result size, whatever the size of the vault (see the README, "Long copies on
 * Cloudflare Workflows").
 *
 * @module
 */

import type { CopyReport, ReportedError } from "../report.ts";
import { runBatch, type WorkflowBatchOutput } from "./batch.ts";
import {
  isAlreadyExists,
  type WorkflowBindingLike,
  type WorkflowEventLike,
  type WorkflowStepLike,
} from "./engine.ts";
import { checkRunId, resolveOptions, type WorkflowCopyOptions } from "./options.ts";
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

/**
 * Creates the run instance `instanceId` (with empty params) unless one with that id exists:
 * Workflows refuses a second `create` with the same id (`(instance.already_exists)`), so a
 * deterministic id — e.g. `nightly-2026-12-07` from a Cron Trigger's `scheduledTime` — makes a
 * repeated trigger start nothing.
 *
 * @param workflow the Workflow's binding.
 * @param instanceId the run's id: `^[a-zA-Z0-9_][a-zA-Z0-9-_]*$`, at most 80 characters (its
 * batch instances add to it).
 * @returns `created: false` when the instance existed already.
 * @throws {ValidationError} the id does not fit, before anything is sent.
 * @throws the binding's error otherwise.
 */
export async function startWorkflowCopy(
  workflow: WorkflowBindingLike<WorkflowCopyParams>,
  instanceId: string,
): Promise<{ id: string; created: boolean }> {
  checkRunId(instanceId);
  try {
    await workflow.create({ id: instanceId, params: {} });
    return { id: instanceId, created: true };
  } catch (e) {
    if (isAlreadyExists(e)) return { id: instanceId, created: false };
    throw e;
  }
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
  /** Once complete: the report of every recovery point, read from the batch instances. */
  report?: CopyReport;
}

/**
 * The status of a vault copy run and, once it is complete, its report: one entry per recovery
 * point of the source vault, read from the outputs of its batch instances (2 binding calls for
 * the run and 2 per batch instance: 10,000 points in batches of 100 take about 200).
 *
 * @param workflow the Workflow's binding.
 * @param instanceId the run instance's id.
 * @param options `entries: false`: the status and summary only (2 binding calls).
 * @throws the binding's error, e.g. when there is no instance with this id.
 */
export async function workflowCopyReport(
  workflow: Pick<WorkflowBindingLike, "get">,
  instanceId: string,
  options: { entries?: boolean } = {},
): Promise<WorkflowCopyStatus> {
  const status = await (await workflow.get(instanceId)).status();
  const answer: WorkflowCopyStatus = { instanceId, status: status.status };
  const error = statusError(status.error);
  if (error) answer.error = error;
  const run = status.output as WorkflowRunOutput | undefined;
  if (status.status !== "complete" || run?.kind !== "run") return answer;
  answer.run = run;
  if (options.entries === false) return answer;
  const entries = new Map<string, CopyReportEntryJson>();
  for (const batch of run.batches) {
    for (const id of batch.instances) {
      const instance = await (await workflow.get(id)).status().catch(() => undefined);
      const output = instance?.output as WorkflowBatchOutput | undefined;
      if (instance?.status === "complete" && output?.kind === "batch") {
        mergeEntries(entries, output.entries);
      }
    }
    mergeEntries(entries, batch.missing ?? []);
  }
  const totals = totalsOf(entries.values());
  answer.report = {
    runId: run.runId,
    sourceBackupVaultName: run.sourceBackupVaultName,
    destinationBackupVaultArn: run.destinationBackupVaultArn,
    dryRun: false,
    startedAt: new Date(run.startedAt),
    finishedAt: new Date(run.finishedAt),
    entries: [...entries.values()].map(reviveEntry),
    totals,
    ok: !run.failure && totals.selected === totals.completed,
    ...(run.failure ? { failure: run.failure } : {}),
  };
  return answer;
}
