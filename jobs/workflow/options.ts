/**
 * Options of a vault copy on Cloudflare Workflows, their defaults and their validation, and the
 * step runner that keeps an instance within its step and subrequest budgets.
 *
 * @module
 */

import type { BackupClient } from "../../generated/client.ts";
import type { Lifecycle } from "../../generated/types.ts";
import { validateStartCopyJobInput } from "../../generated/validators.ts";
import { ValidationError, type ValidationIssue } from "../../runtime/errors.ts";
import type { CopySelection } from "../selection.ts";
import type { WorkflowCopyParams } from "./wire.ts";
import {
  INSTANCE_ID_PATTERN,
  type WorkflowBindingLike,
  WORKFLOWS_LIMITS,
  type WorkflowStepConfigLike,
  type WorkflowStepLike,
} from "./engine.ts";

/**
 * Options of {@linkcode copyRecoveryPointsInWorkflow}; the selection filters are those of
 * `CopySelection` (and `copyRecoveryPoints`). Build them from the Worker's configuration, never
 * from a request; the same options serve the run instance and its batch instances.
 */
export interface WorkflowCopyOptions extends CopySelection {
  /** The client the steps call AWS Backup with. */
  client: BackupClient;
  /** The binding of this same Workflow (`env.VAULT_COPY`): batches run as its instances. */
  workflow: WorkflowBindingLike<WorkflowCopyParams>;
  /** Name of the vault to copy from (in the client's Region and account). */
  sourceBackupVaultName: string;
  /** ARN of the vault to copy to. */
  destinationBackupVaultArn: string;
  /** IAM role AWS Backup copies with (StartCopyJob `IamRoleArn`). */
  iamRoleArn: string;
  /** Lifecycle of the copies (StartCopyJob `Lifecycle`). */
  lifecycle?: Lifecycle | undefined;
  /**
   * Recovery points per batch instance: the `MaxResults` of each ListRecoveryPointsByBackupVault
   * page, 1 to 1,000 (the model's range). @default 100
   */
  batchSize?: number | undefined;
  /** Copy jobs in flight in one batch instance. @default 4 */
  concurrency?: number | undefined;
  /** Batch instances running at once; copy jobs in flight ≤ `concurrency × parallelBatches`. @default 1 */
  parallelBatches?: number | undefined;
  /**
   * Instances a batch may use: its first, then one more each time one errors or ends with copies
   * left (its step or subrequest budget spent). @default 3
   */
  maxInstancesPerBatch?: number | undefined;
  /** First `step.sleep` between status checks, in ms; doubles while nothing changes. @default 60000 */
  pollIntervalMs?: number | undefined;
  /** Longest `step.sleep` between status checks, in ms. @default 900000 */
  maxPollIntervalMs?: number | undefined;
  /**
   * Retries and timeout of every step that calls AWS Backup or the Workflow binding. A step throws
   * for the engine to retry only on throttling, a 5xx or a network failure (after the client's own
   * retries); other failures end the copy of that recovery point (`FAILED`) or, in the listing,
   * throw `NonRetryableError`. @default `{ retries: { limit: 5, delay: "30 seconds", backoff:
   * "exponential" }, timeout: "10 minutes" }`
   */
  stepConfig?: WorkflowStepConfigLike | undefined;
  /**
   * `step.do` calls one instance may make; an instance stops before it (a batch hands what is
   * left to a new instance). @default 9000 (10% under the Workers Paid default of 10,000; 1,024
   * on Workers Free)
   */
  maxStepsPerInstance?: number | undefined;
  /**
   * AWS and binding calls one instance may make, counted as steps report them (the client's own
   * retries are not counted: keep a margin). @default 9000 (10% under the Workers Paid default
   * of 10,000 subrequests; 50 on Workers Free)
   */
  maxSubrequestsPerInstance?: number | undefined;
}

/** The options that have defaults, as they are once filled in. */
export interface WorkflowCopyDefaults {
  /** See {@linkcode WorkflowCopyOptions.batchSize}. */
  batchSize: number;
  /** See {@linkcode WorkflowCopyOptions.concurrency}. */
  concurrency: number;
  /** See {@linkcode WorkflowCopyOptions.parallelBatches}. */
  parallelBatches: number;
  /** See {@linkcode WorkflowCopyOptions.maxInstancesPerBatch}. */
  maxInstancesPerBatch: number;
  /** See {@linkcode WorkflowCopyOptions.pollIntervalMs}. */
  pollIntervalMs: number;
  /** See {@linkcode WorkflowCopyOptions.maxPollIntervalMs}. */
  maxPollIntervalMs: number;
  /** See {@linkcode WorkflowCopyOptions.stepConfig}. */
  stepConfig: WorkflowStepConfigLike;
  /** See {@linkcode WorkflowCopyOptions.maxStepsPerInstance}. */
  maxStepsPerInstance: number;
  /** See {@linkcode WorkflowCopyOptions.maxSubrequestsPerInstance}. */
  maxSubrequestsPerInstance: number;
}

/** The defaults of {@linkcode WorkflowCopyOptions}. */
export const WORKFLOW_COPY_DEFAULTS: Readonly<WorkflowCopyDefaults> = {
  batchSize: 100,
  concurrency: 4,
  parallelBatches: 1,
  maxInstancesPerBatch: 3,
  pollIntervalMs: 60_000,
  maxPollIntervalMs: 900_000,
  stepConfig: {
    retries: { limit: 5, delay: "30 seconds", backoff: "exponential" },
    timeout: "10 minutes",
  },
  // 10% under WORKFLOWS_LIMITS (literals: a call here would survive tree-shaking in bundles
  // that never use this module).
  maxStepsPerInstance: 9_000,
  maxSubrequestsPerInstance: 9_000,
};

/** Options with every default filled in. */
export type ResolvedOptions = WorkflowCopyOptions & WorkflowCopyDefaults;

/** Longest run instance id: batch instance ids add up to 20 characters and must fit in 100. */
export const MAX_RUN_ID_LENGTH = 80; // WORKFLOWS_LIMITS.instanceIdLength - 20, as a literal

/**
 * Checks the options, naming each bad one, and fills in the defaults.
 * @throws {ValidationError} naming the option.
 */
export function resolveOptions(o: WorkflowCopyOptions): ResolvedOptions {
  const issues: ValidationIssue[] = [];
  if (typeof o !== "object" || o === null) {
    throw new ValidationError("copyRecoveryPointsInWorkflow options", [
      { path: "", message: "must be an object" },
    ]);
  }
  const names: Record<string, string> = {
    SourceBackupVaultName: "sourceBackupVaultName",
    DestinationBackupVaultArn: "destinationBackupVaultArn",
    IamRoleArn: "iamRoleArn",
    Lifecycle: "lifecycle",
  };
  for (
    const issue of validateStartCopyJobInput({
      RecoveryPointArn: "arn:aws:backup:us-east-1:000000000000:recovery-point:x",
      SourceBackupVaultName: o.sourceBackupVaultName,
      DestinationBackupVaultArn: o.destinationBackupVaultArn,
      IamRoleArn: o.iamRoleArn,
      ...(o.lifecycle === undefined ? {} : { Lifecycle: o.lifecycle }),
    })
  ) {
    const [head, ...rest] = issue.path.split(".");
    issues.push({ path: [names[head] ?? head, ...rest].join("."), message: issue.message });
  }
  if (typeof o.client !== "object" || o.client === null) {
    issues.push({ path: "client", message: "must be a BackupClient" });
  }
  const binding = o.workflow as Partial<WorkflowBindingLike> | undefined;
  if (typeof binding?.create !== "function" || typeof binding?.get !== "function") {
    issues.push({ path: "workflow", message: "must be a Workflow binding (create, get)" });
  }
  const integer = (name: keyof WorkflowCopyOptions, min: number, max = Infinity) => {
    const value = o[name];
    if (
      value !== undefined &&
      !(Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max)
    ) {
      issues.push({
        path: name,
        message: max === Infinity
          ? `must be an integer of at least ${min}`
          : `must be an integer from ${min} to ${max}`,
      });
    }
  };
  integer("batchSize", 1, 1000);
  integer("concurrency", 1);
  integer("parallelBatches", 1);
  integer("maxInstancesPerBatch", 1);
  integer("maxStepsPerInstance", 10, WORKFLOWS_LIMITS.stepsPerInstance * 2.5);
  integer("maxSubrequestsPerInstance", 10);
  integer("pollIntervalMs", 1, WORKFLOWS_LIMITS.sleepMs);
  integer("maxPollIntervalMs", 1, WORKFLOWS_LIMITS.sleepMs);
  for (const name of ["createdAfter", "createdBefore"] as const) {
    const value = o[name];
    if (value !== undefined && !(value instanceof Date && !Number.isNaN(value.getTime()))) {
      issues.push({ path: name, message: "must be a valid Date" });
    }
  }
  for (const name of ["resourceTypes", "resourceArns"] as const) {
    const value = o[name];
    if (
      value !== undefined && !(Array.isArray(value) && value.every((v) => typeof v === "string"))
    ) {
      issues.push({ path: name, message: "must be an array of strings" });
    }
  }
  if (o.filter !== undefined && typeof o.filter !== "function") {
    issues.push({ path: "filter", message: "must be a function" });
  }
  if (o.stepConfig !== undefined && (typeof o.stepConfig !== "object" || o.stepConfig === null)) {
    issues.push({ path: "stepConfig", message: "must be a step config object" });
  }
  if (issues.length) throw new ValidationError("copyRecoveryPointsInWorkflow options", issues);
  const resolved: ResolvedOptions = { ...WORKFLOW_COPY_DEFAULTS, ...o } as ResolvedOptions;
  // An option given as `undefined` takes its default too.
  for (const key of Object.keys(WORKFLOW_COPY_DEFAULTS) as (keyof WorkflowCopyDefaults)[]) {
    if (resolved[key] === undefined) {
      (resolved as unknown as Record<string, unknown>)[key] = WORKFLOW_COPY_DEFAULTS[key];
    }
  }
  return resolved;
}

/**
 * Checks the id of a run instance: batch instance ids are built from it.
 * @throws {ValidationError} naming `event.instanceId`.
 */
export function checkRunId(instanceId: string): void {
  if (
    typeof instanceId !== "string" || !INSTANCE_ID_PATTERN.test(instanceId) ||
    instanceId.length > MAX_RUN_ID_LENGTH
  ) {
    throw new ValidationError("copyRecoveryPointsInWorkflow event", [{
      path: "event.instanceId",
      message: `must match ${INSTANCE_ID_PATTERN.source} and have at most ${MAX_RUN_ID_LENGTH} ` +
        `characters (batch instance ids are built from it), not ${JSON.stringify(instanceId)}`,
    }]);
  }
}

/** What a step that calls out reports besides its result: the calls it made. */
export interface Counted {
  /** AWS Backup or Workflow binding calls the step made (pages count one each). */
  calls: number;
}

/**
 * Runs an instance's steps through `step.do` with the configured retries, counting steps and
 * the calls they report, so the instance can stop before a limit of Workflows. Every count
 * comes from step results, which the engine replays: the counts are the same on every replay.
 */
export class StepRunner {
  /** `step.do` calls made so far (replayed ones included: the engine counts those too). */
  steps = 0;
  /** Calls the steps reported. */
  subrequests = 0;
  readonly #step: WorkflowStepLike;
  readonly #config: WorkflowStepConfigLike;
  readonly #maxSteps: number;
  readonly #maxSubrequests: number;

  constructor(step: WorkflowStepLike, options: ResolvedOptions) {
    this.#step = step;
    this.#config = options.stepConfig;
    this.#maxSteps = options.maxStepsPerInstance;
    this.#maxSubrequests = options.maxSubrequestsPerInstance;
  }

  /** Whether one more step making up to `calls` calls stays within both budgets. */
  fits(calls: number): boolean {
    return this.steps + 1 <= this.#maxSteps && this.subrequests + calls <= this.#maxSubrequests;
  }

  /** Runs `callback` as the step `name` (cut to the engine's 256 characters). */
  async do<T extends Counted>(name: string, callback: () => Promise<T>): Promise<T> {
    this.steps++;
    const result = await this.#step.do(
      name.slice(0, WORKFLOWS_LIMITS.stepNameLength),
      this.#config,
      callback,
    );
    this.subrequests += result.calls;
    return result;
  }

  /** A durable sleep (not a step: sleeps do not count against the step limit). */
  sleep(name: string, ms: number): Promise<void> {
    return this.#step.sleep(name.slice(0, WORKFLOWS_LIMITS.stepNameLength), ms);
  }
}
