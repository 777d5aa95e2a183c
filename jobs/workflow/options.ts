/**
 * Options of a vault copy on Cloudflare Workflows, their defaults and their checks — those of
 * `copyRecoveryPoints` (`option_checks.ts`) for what they share.
 *
 * @module
 */

import type { BackupClient } from "../../generated/client.ts";
import type { Lifecycle } from "../../generated/types.ts";
import { ValidationError, type ValidationIssue } from "../../runtime/errors.ts";
import { DEFAULT_COPY_CONCURRENCY } from "../copy_options.ts";
import { DEFAULT_MAX_FAILED_COPIES } from "../existing_copies.ts";
import {
  booleanIssue,
  COPY_TARGET_KEYS,
  copyTargetIssues,
  integerIssue,
  optionKeyIssues,
  SELECTION_KEYS,
  selectionIssues,
} from "../option_checks.ts";
import type { CopySelection } from "../selection.ts";
import type { WorkflowCopyParams } from "./wire.ts";
import {
  INSTANCE_ID_PATTERN,
  type WorkflowBindingLike,
  WORKFLOWS_LIMITS,
  type WorkflowStepConfigLike,
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
  /**
   * Copy jobs in flight in one batch instance; never two of the same resource in a batch (see
   * `copyRecoveryPoints`' `concurrency` for AWS's quotas). @default 4
   */
  concurrency?: number | undefined;
  /**
   * FAILED copy jobs of a recovery point to the destination (ListCopyJobs, any run or tool)
   * after which no new one is started, as `copyRecoveryPoints`' `maxFailedCopies`: it is reported
   * FAILED (`error.name` `MaxFailedCopies`). @default 3 (`DEFAULT_MAX_FAILED_COPIES`)
   */
  maxFailedCopies?: number | undefined;
  /**
   * A selection that takes nothing is fine (`ok`), instead of a `failure` (`NOTHING_SELECTED`,
   * `EMPTY_VAULT`), as for `copyRecoveryPoints`. @default false
   */
  allowEmpty?: boolean | undefined;
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
  /** See {@linkcode WorkflowCopyOptions.maxFailedCopies}. */
  maxFailedCopies: number;
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
  concurrency: DEFAULT_COPY_CONCURRENCY,
  maxFailedCopies: DEFAULT_MAX_FAILED_COPIES,
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

// A function, not a module constant: a bundle that never checks options keeps none of this.
const workflowOptionKeys = () =>
  Object.keys(
    {
      ...SELECTION_KEYS,
      ...COPY_TARGET_KEYS,
      client: true,
      workflow: true,
      batchSize: true,
      concurrency: true,
      maxFailedCopies: true,
      allowEmpty: true,
      parallelBatches: true,
      maxInstancesPerBatch: true,
      pollIntervalMs: true,
      maxPollIntervalMs: true,
      stepConfig: true,
      maxStepsPerInstance: true,
      maxSubrequestsPerInstance: true,
    } as const satisfies Record<keyof WorkflowCopyOptions, true>,
  );

/**
 * Checks the options, naming each bad one, and fills in the defaults: the checks of
 * `copyRecoveryPoints` for what they share (unknown keys with the closest known one, the
 * StartCopyJob members, the vault and role ARNs, the selection), then the Workflow's own.
 * @throws {ValidationError} naming the option.
 */
export function resolveOptions(o: WorkflowCopyOptions): ResolvedOptions {
  const issues: ValidationIssue[] = [
    ...optionKeyIssues(o, workflowOptionKeys(), "copyRecoveryPointsInWorkflow"),
    ...copyTargetIssues(o),
  ];
  if (typeof o.client !== "object" || o.client === null) {
    issues.push({ path: "client", message: "must be a BackupClient" });
  }
  issues.push(
    ...bindingIssues(o.workflow, ["create", "get"]),
    ...integerIssue("batchSize", o.batchSize, 1, 1000),
    ...integerIssue("concurrency", o.concurrency, 1),
    ...integerIssue("maxFailedCopies", o.maxFailedCopies, 1),
    ...integerIssue("parallelBatches", o.parallelBatches, 1),
    ...integerIssue("maxInstancesPerBatch", o.maxInstancesPerBatch, 1),
    ...integerIssue(
      "maxStepsPerInstance",
      o.maxStepsPerInstance,
      10,
      WORKFLOWS_LIMITS.stepsPerInstance * 2.5,
    ),
    ...integerIssue("maxSubrequestsPerInstance", o.maxSubrequestsPerInstance, 10),
    ...integerIssue("pollIntervalMs", o.pollIntervalMs, 1, WORKFLOWS_LIMITS.sleepMs),
    ...integerIssue("maxPollIntervalMs", o.maxPollIntervalMs, 1, WORKFLOWS_LIMITS.sleepMs),
    ...booleanIssue("allowEmpty", o.allowEmpty),
    ...selectionIssues(o),
  );
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
 * An issue naming `workflow` when it is not a Workflow binding with `methods`: what
 * `env.VAULT_COPY` is (`undefined`) when the binding is named otherwise in wrangler.toml.
 */
export function bindingIssues(
  workflow: unknown,
  methods: readonly ("create" | "get")[],
): ValidationIssue[] {
  const binding = workflow as Record<string, unknown> | null | undefined;
  if (
    typeof binding === "object" && binding !== null &&
    methods.every((m) => typeof binding[m] === "function")
  ) return [];
  return [{
    path: "workflow",
    message: `must be a Workflow binding (${methods.join(", ")}), not ${
      binding === null ? "null" : typeof binding
    }: check the binding name in wrangler.toml ([[workflows]] binding) against env`,
  }];
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
