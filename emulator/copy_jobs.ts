/**
 * The copy jobs of the emulated account: starting them (resource checks, idempotency,
 * concurrency limit), their state over time, and listing them page by page.
 *
 * A job's state is computed from the clock, never from timers: CREATED until a third of the
 * job duration has passed, RUNNING until the whole duration has, then the outcome the source
 * recovery point is seeded with (COMPLETED, FAILED or PARTIAL). A job may first stay CREATED
 * for a while, as on AWS: while AWS retries it (the recovery point's `retryingForMs`) and while
 * another copy job of the same resource is in progress ("Concurrent backup and copy jobs per
 * resource: 1", AWS Backup quotas; AWS does not document how it holds the second job back, so
 * the emulator keeps it CREATED, as during AWS's documented copy job retry).
 *
 * AWS's copy rules StartCopyJob enforces (AWS Backup developer guide, "Backup and tag copy",
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/recov-point-create-a-copy.html):
 * recovery points in cold storage (or deleted from storage) and continuous backups cannot be
 * copied (`InvalidRequestException`).
 *
 * The concurrency quotas of copy jobs (AWS Backup quotas,
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/aws-backup-limits.html): "Concurrent
 * backup copies per account outbound to a destination Region: 100" and "Concurrent copies per
 * destination backup vault in account after the limit (entry above) has been reached: 5". AWS
 * says no more than that; the emulator reads it as: a StartCopyJob is refused with
 * `LimitExceededException` (one of StartCopyJob's documented errors) when the account's copy jobs
 * in progress to the destination's Region have reached the Region quota and those to the
 * destination vault have reached the vault quota.
 *
 * ListCopyJobs lists a job while it runs and for 30 days after it was created or last ran: AWS
 * documents its job lists for 30 days ("Returns a list of existing backup jobs for an
 * authenticated account for the last 30 days", ListBackupJobs,
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_ListBackupJobs.html; "copy jobs
 * created or running within the most recent 30 days", ListCopyJobSummaries,
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_ListCopyJobSummaries.html) and says
 * nothing more of ListCopyJobs. DescribeCopyJob still answers an older job (AWS does not say).
 *
 * @module
 */

import { parseArn } from "./arn.ts";
import {
  type AutomaticCopyFixture,
  COPYABLE_STATUSES,
  type CopyJobState,
  isContinuousArn,
  type RecoveryPointFixture,
} from "./model.ts";
import { paginate } from "./pagination.ts";
import type { ListCopyJobsQuery, StartCopyJobInput } from "./validation.ts";
import { creationMs, DEFAULT_PAGE_SIZE, type VaultCatalog } from "./vaults.ts";
import { ApiError } from "./wire.ts";

/** `CopyJob` of the model, as sent on the wire (dates are epoch seconds). */
export interface CopyJob {
  AccountId: string;
  CopyJobId: string;
  SourceBackupVaultArn: string;
  SourceRecoveryPointArn: string;
  DestinationBackupVaultArn: string;
  DestinationRecoveryPointArn?: string;
  ResourceArn: string;
  CreationDate: number;
  CompletionDate?: number;
  State: CopyJobState;
  StatusMessage?: string;
  /** Bytes copied so far: grows while RUNNING; 0 for a FAILED copy. */
  BackupSizeInBytes: number;
  IamRoleArn: string;
  ResourceType: string;
  IsParent: boolean;
  ResourceName?: string;
  MessageCategory?: string;
  /** The `Lifecycle` the copy was started with (`DestinationRecoveryPointLifecycle`). */
  DestinationRecoveryPointLifecycle?: StartCopyJobInput["Lifecycle"];
  /** `DestinationVaultType` of a copy AWS made by itself. */
  DestinationVaultType?: string;
  /** Of a copy AWS made by itself: the backup job that made it. */
  CreatedByBackupJobId?: string;
  /** Of a child job: the composite (parent) job it belongs to. */
  ParentJobId?: string;
  /** Of a parent job: how many child jobs it has. */
  NumberOfChildJobs?: number;
  /** Of a parent job: how many of its child jobs are in each state. */
  ChildJobsInState?: Partial<Record<CopyJobState, number>>;
}

/** `StartCopyJobOutput` of the model. */
export interface StartCopyJobOutput {
  CopyJobId: string;
  CreationDate: number;
  IsParent: boolean;
}

/** `ListCopyJobsOutput` of the model. */
export interface ListCopyJobsOutput {
  CopyJobs: CopyJob[];
  NextToken?: string;
}

/** What a {@linkcode CopyJobStore} is built from. */
export interface CopyJobStoreOptions {
  accountId: string;
  /** Time from CREATED to the outcome. */
  jobDurationMs: number;
  /** The vaults and recovery points jobs copy between. */
  catalog: VaultCatalog;
  /** AWS's quota of copy jobs in progress outbound to one destination Region (see the module). */
  maxConcurrentCopiesPerRegion: number;
  /** AWS's quota of copy jobs in progress to one destination vault once the Region's is reached. */
  maxConcurrentCopiesPerVault: number;
  /**
   * A cap of the emulator's own, not AWS's: at most this many top-level jobs in progress to one
   * destination Region, whatever their vaults. None when absent.
   */
  maxConcurrentJobs?: number | undefined;
  /** How long ListCopyJobs lists a job after it was created or last ran, in ms (AWS: 30 days). */
  jobListRetentionMs: number;
  /** The clock, in epoch milliseconds. */
  now: () => number;
  /** Answer a repeated idempotency token without the job's id (see `EmulatorOptions`). */
  terseIdempotentReplies?: boolean;
  /** Called once per new top-level job (not for a repeated token), e.g. to emit its events. */
  onStart?: (copyJobId: string) => void;
}

/** How long an idempotency token is remembered, as on AWS. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

interface JobRecord {
  seq: number;
  id: string;
  createdMs: number;
  /** When it leaves CREATED for its run (later than `createdMs` while it waits), epoch ms. */
  runFromMs: number;
  /** Of a copy AWS made by itself: `CreatedByBackupJobId` and `DestinationVaultType`. */
  automatic?: { backupJobId: string; destinationVaultType: string };
  input: StartCopyJobInput;
  sourceVaultArn: string;
  recoveryPoint: RecoveryPointFixture;
  destinationRecoveryPointArn: string;
  /** Of a child job: its parent. */
  parent?: JobRecord;
  /** Of a parent job: its children. */
  children: JobRecord[];
}

interface IdempotencyEntry {
  fingerprint: string;
  job: JobRecord;
}

/** The emulated account's copy jobs. */
export class CopyJobStore {
  readonly #options: CopyJobStoreOptions;
  readonly #jobs: JobRecord[] = [];
  readonly #byId = new Map<string, JobRecord>();
  readonly #idempotency = new Map<string, IdempotencyEntry>();
  /** Top-level jobs that may still be CREATED or RUNNING (pruned as they end). */
  readonly #active = new Set<JobRecord>();

  constructor(options: CopyJobStoreOptions) {
    this.#options = options;
    for (const rp of options.catalog.seededRecoveryPoints) {
      for (const copy of rp.automaticCopies ?? []) this.#automaticCopy(rp, copy);
    }
  }

  /** StartCopyJob on validated input. */
  start(input: StartCopyJobInput): StartCopyJobOutput {
    const now = this.#options.now();
    const token = input.IdempotencyToken;
    const fingerprint = fingerprintOf(input);
    if (token !== undefined) {
      const previous = this.#idempotency.get(token);
      if (previous && now - previous.job.createdMs < IDEMPOTENCY_WINDOW_MS) {
        if (previous.fingerprint !== fingerprint) {
          throw new ApiError(
            "InvalidRequestException",
            "The IdempotencyToken was already used with different request parameters.",
            { context: "IdempotencyToken" },
          );
        }
        if (this.#options.terseIdempotentReplies) {
          return { IsParent: previous.job.children.length > 0 } as StartCopyJobOutput;
        }
        return startOutput(previous.job);
      }
    }

    const { catalog } = this.#options;
    const sourceVaultArn = catalog.sourceVaultArn(input.SourceBackupVaultName);
    const recoveryPoint = catalog.recoveryPoint(
      input.SourceBackupVaultName,
      input.RecoveryPointArn,
    );
    refuseUncopyable(recoveryPoint, catalog.expired(recoveryPoint.arn));
    const destination = this.#destinationVault(input.DestinationBackupVaultArn);
    this.#refuseOverQuota(input.DestinationBackupVaultArn, destination.region, now);
    // One copy job per resource at a time: a second one waits, CREATED, for the first to end.
    let runFromMs = now + (recoveryPoint.retryingForMs ?? 0);
    for (const other of this.#active) {
      if (other.recoveryPoint.resourceArn === recoveryPoint.resourceArn) {
        runFromMs = Math.max(runFromMs, this.#endMs(other));
      }
    }
    const job = this.#newJob(input, sourceVaultArn, recoveryPoint, now, runFromMs);
    if (token !== undefined) this.#idempotency.set(token, { fingerprint, job });
    this.#options.onStart?.(job.id);
    return startOutput(job);
  }

  /**
   * Refuses a job past the concurrency quotas (see the module): the Region's reached and the
   * vault's too, or the emulator's own `maxConcurrentJobs`.
   * @throws {ApiError} `LimitExceededException`
   */
  #refuseOverQuota(vaultArn: string, region: string, now: number): void {
    for (const job of this.#active) {
      if (isFinished(this.#stateAt(job, now))) this.#active.delete(job);
    }
    const toRegion = [...this.#active].filter((j) =>
      parseArn(j.input.DestinationBackupVaultArn)?.region === region
    );
    const toVault = toRegion.filter((j) => j.input.DestinationBackupVaultArn === vaultArn).length;
    const o = this.#options;
    const refuse = (message: string) => {
      throw new ApiError("LimitExceededException", message, { context: "CopyJob" });
    };
    if (o.maxConcurrentJobs !== undefined && toRegion.length >= o.maxConcurrentJobs) {
      refuse(
        `Too many copy jobs in progress to ${region}: at most ${o.maxConcurrentJobs} may run at once.`,
      );
    }
    if (
      toRegion.length >= o.maxConcurrentCopiesPerRegion && toVault >= o.maxConcurrentCopiesPerVault
    ) {
      refuse(
        `Too many copy jobs in progress: ${toRegion.length} to ${region} (quota ` +
          `${o.maxConcurrentCopiesPerRegion}) and ${toVault} to ${vaultArn} (quota ` +
          `${o.maxConcurrentCopiesPerVault} once the Region's is reached).`,
      );
    }
  }

  /** DescribeCopyJob. */
  describe(copyJobId: string): CopyJob {
    const job = this.#byId.get(copyJobId);
    if (!job) {
      throw new ApiError(
        "ResourceNotFoundException",
        `Copy job with ID ${copyJobId} was not found.`,
        { context: copyJobId },
      );
    }
    return this.#view(job, this.#options.now());
  }

  /**
   * ListCopyJobs: newest first, with opaque cursor tokens bound to the filters; a job that ended
   * more than `jobListRetentionMs` ago is no longer listed.
   */
  list(query: ListCopyJobsQuery): ListCopyJobsOutput {
    const now = this.#options.now();
    const { nextToken, maxResults, ...filters } = query;
    const since = now - this.#options.jobListRetentionMs;
    const listed = this.#jobs.filter((j) =>
      !isFinished(this.#stateAt(j, now)) || this.#endMs(j) > since
    );
    const keyed = listed.map((j) => ({
      createdMs: j.createdMs,
      seq: j.seq,
      item: this.#view(j, now),
    }));
    const page = paginate(keyed, (view) => matches(view, query), {
      nextToken,
      maxResults: maxResults ?? DEFAULT_PAGE_SIZE,
      filters,
    });
    return { CopyJobs: page.items, ...(page.nextToken ? { NextToken: page.nextToken } : {}) };
  }

  /** Every job as DescribeCopyJob would show it now, oldest first. */
  snapshot(): CopyJob[] {
    const now = this.#options.now();
    return this.#jobs.map((j) => this.#view(j, now));
  }

  /** Records a job and its children (of a composite recovery point), and the copy it makes. */
  #newJob(
    input: StartCopyJobInput,
    sourceVaultArn: string,
    recoveryPoint: RecoveryPointFixture,
    createdMs: number,
    runFromMs: number,
    automatic?: JobRecord["automatic"],
  ): JobRecord {
    const destination = parseArn(input.DestinationBackupVaultArn)!;
    const record = (rp: RecoveryPointFixture, parent?: JobRecord): JobRecord => {
      const job: JobRecord = {
        seq: this.#jobs.length,
        id: crypto.randomUUID().toUpperCase(),
        createdMs,
        runFromMs,
        input,
        sourceVaultArn,
        recoveryPoint: rp,
        destinationRecoveryPointArn:
          `arn:${destination.partition}:backup:${destination.region}:${destination.accountId}:recovery-point:${crypto.randomUUID()}`,
        parent,
        children: [],
      };
      if (automatic) job.automatic = automatic;
      this.#jobs.push(job);
      this.#byId.set(job.id, job);
      return job;
    };
    const { catalog } = this.#options;
    const job = record(recoveryPoint);
    for (const child of catalog.children(recoveryPoint.arn)) job.children.push(record(child, job));
    this.#active.add(job);
    const outcome = job.children.length
      ? parentState(job.children.map((c) => c.recoveryPoint.outcome ?? "COMPLETED"))
      : recoveryPoint.outcome ?? "COMPLETED";
    const own = destination.region === this.#options.catalog.region &&
      destination.accountId === this.#options.accountId;
    if (own && (outcome === "COMPLETED" || outcome === "PARTIAL")) {
      catalog.addCopy({
        arn: job.destinationRecoveryPointArn,
        source: recoveryPoint,
        sourceBackupVaultArn: sourceVaultArn,
        destinationBackupVaultArn: input.DestinationBackupVaultArn,
        availableFromMs: this.#endMs(job),
        ...(input.Lifecycle?.DeleteAfterDays === undefined
          ? {}
          : { deleteAfterDays: input.Lifecycle.DeleteAfterDays }),
      });
    }
    return job;
  }

  /** A copy AWS made by itself when it was seeded, long ended. */
  #automaticCopy(rp: RecoveryPointFixture, copy: AutomaticCopyFixture): void {
    const { catalog } = this.#options;
    const createdMs = creationMs(rp) + 60_000;
    this.#newJob(
      {
        RecoveryPointArn: rp.arn,
        SourceBackupVaultName: rp.backupVaultName,
        DestinationBackupVaultArn: copy.destinationBackupVaultArn,
        IamRoleArn:
          `arn:aws:iam::${this.#options.accountId}:role/service-role/AWSBackupDefaultServiceRole`,
      },
      catalog.sourceVaultArn(rp.backupVaultName),
      rp,
      createdMs,
      createdMs,
      {
        backupJobId: copy.backupJobId ?? `backup-job-of-${rp.arn.split(":").pop()}`,
        destinationVaultType: copy.destinationVaultType ?? "LOGICALLY_AIR_GAPPED_BACKUP_VAULT",
      },
    );
  }

  /** When a job ends, epoch ms: the clock alone decides it. */
  #endMs(job: JobRecord): number {
    return job.runFromMs + this.#options.jobDurationMs;
  }

  #destinationVault(arn: string) {
    const parsed = parseArn(arn);
    if (!parsed || !this.#options.catalog.vaultArns.includes(arn)) {
      throw new ApiError(
        "ResourceNotFoundException",
        `Destination backup vault ${arn} was not found.`,
        { context: arn },
      );
    }
    return parsed;
  }

  #stateAt(job: JobRecord, now: number): CopyJobState {
    if (job.children.length) return parentState(job.children.map((c) => this.#stateAt(c, now)));
    const elapsed = now - job.runFromMs;
    const duration = this.#options.jobDurationMs;
    if (elapsed >= duration) return job.recoveryPoint.outcome ?? "COMPLETED";
    return elapsed < duration / 3 ? "CREATED" : "RUNNING";
  }

  #copiedBytes(job: JobRecord, state: CopyJobState, now: number): number {
    if (job.children.length) {
      return job.children.reduce(
        (sum, c) => sum + this.#copiedBytes(c, this.#stateAt(c, now), now),
        0,
      );
    }
    const size = job.recoveryPoint.backupSizeInBytes;
    const duration = this.#options.jobDurationMs;
    if (state === "RUNNING") {
      const progress = (now - job.runFromMs - duration / 3) / (duration * 2 / 3);
      return Math.floor(size * Math.min(1, Math.max(0, progress)));
    }
    return state === "COMPLETED" || state === "PARTIAL" ? size : 0;
  }

  #view(job: JobRecord, now: number): CopyJob {
    const rp = job.recoveryPoint;
    const duration = this.#options.jobDurationMs;
    const state = this.#stateAt(job, now);
    const lifecycle = job.input.Lifecycle;
    const finished = isFinished(state);
    const view: CopyJob = {
      AccountId: this.#options.accountId,
      CopyJobId: job.id,
      SourceBackupVaultArn: job.sourceVaultArn,
      SourceRecoveryPointArn: rp.arn,
      DestinationBackupVaultArn: job.input.DestinationBackupVaultArn,
      ResourceArn: rp.resourceArn,
      CreationDate: job.createdMs / 1000,
      State: state,
      BackupSizeInBytes: this.#copiedBytes(job, state, now),
      IamRoleArn: job.input.IamRoleArn,
      ResourceType: rp.resourceType,
      IsParent: job.children.length > 0,
    };
    if (state === "COMPLETED" || state === "PARTIAL") {
      view.DestinationRecoveryPointArn = job.destinationRecoveryPointArn;
    }
    if (finished) {
      view.CompletionDate = (job.runFromMs + duration) / 1000;
      const category = job.children.length
        ? (state === "COMPLETED" ? "SUCCESS" : "PartialFailure")
        : rp.messageCategory ?? (state === "COMPLETED" ? "SUCCESS" : undefined);
      if (category !== undefined) view.MessageCategory = category;
      if (job.children.length && state !== "COMPLETED") {
        const failed = job.children.filter((c) => this.#stateAt(c, now) !== "COMPLETED").length;
        view.StatusMessage =
          `${failed} of ${job.children.length} child copy jobs did not complete.`;
      } else if (state !== "COMPLETED" && rp.statusMessage) {
        view.StatusMessage = rp.statusMessage;
      }
    }
    if (rp.resourceName !== undefined) view.ResourceName = rp.resourceName;
    if (lifecycle && !job.parent) view.DestinationRecoveryPointLifecycle = { ...lifecycle };
    if (job.automatic) {
      view.CreatedByBackupJobId = job.automatic.backupJobId;
      view.DestinationVaultType = job.automatic.destinationVaultType;
    }
    if (job.parent) view.ParentJobId = job.parent.id;
    if (job.children.length) {
      view.NumberOfChildJobs = job.children.length;
      const inState: Partial<Record<CopyJobState, number>> = {};
      for (const child of job.children) {
        const childState = this.#stateAt(child, now);
        inState[childState] = (inState[childState] ?? 0) + 1;
      }
      view.ChildJobsInState = inState;
    }
    return view;
  }
}

/**
 * A composite job's state from its children's: in progress while any child is, COMPLETED when
 * all completed, FAILED when none copied anything, PARTIAL otherwise.
 */
function parentState(children: CopyJobState[]): CopyJobState {
  if (children.some((s) => s === "RUNNING")) return "RUNNING";
  if (children.some((s) => s === "CREATED")) return "CREATED";
  if (children.every((s) => s === "COMPLETED")) return "COMPLETED";
  if (children.every((s) => s === "FAILED")) return "FAILED";
  return "PARTIAL";
}

/**
 * Refuses what AWS does not copy on demand: a status other than COMPLETED (or expired by its
 * lifecycle), a recovery point in cold storage or deleted from storage, a continuous backup.
 * @throws {ApiError} `InvalidRequestException`
 */
function refuseUncopyable(rp: RecoveryPointFixture, expired: boolean): void {
  const status = expired ? "EXPIRED" : rp.status ?? "COMPLETED";
  const refuse = (message: string) => {
    throw new ApiError("InvalidRequestException", message, { context: rp.arn });
  };
  if (!COPYABLE_STATUSES.includes(status)) {
    refuse(`Recovery point ${rp.arn} is in status ${status} and cannot be copied.`);
  }
  if (rp.storageClass === "COLD" || rp.storageClass === "DELETED") {
    refuse(
      `Recovery point ${rp.arn} is in storage class ${rp.storageClass}: backups in cold storage or archive tiers cannot be copied.`,
    );
  }
  if (isContinuousArn(rp.arn)) {
    refuse(
      `Recovery point ${rp.arn} is a continuous backup: StartCopyJob does not support continuous backups.`,
    );
  }
}

function isFinished(state: CopyJobState): boolean {
  return state === "COMPLETED" || state === "FAILED" || state === "PARTIAL";
}

function startOutput(job: JobRecord): StartCopyJobOutput {
  return {
    CopyJobId: job.id,
    CreationDate: job.createdMs / 1000,
    IsParent: job.children.length > 0,
  };
}

function matches(job: CopyJob, q: ListCopyJobsQuery): boolean {
  const created = job.CreationDate * 1000;
  const completed = job.CompletionDate === undefined ? undefined : job.CompletionDate * 1000;
  if (q.resourceArn !== undefined && job.ResourceArn !== q.resourceArn) return false;
  if (
    q.sourceRecoveryPointArn !== undefined &&
    job.SourceRecoveryPointArn !== q.sourceRecoveryPointArn
  ) {
    return false;
  }
  if (q.state !== undefined && job.State !== q.state) return false;
  if (q.createdBefore !== undefined && !(created < q.createdBefore)) return false;
  if (q.createdAfter !== undefined && !(created > q.createdAfter)) return false;
  if (
    q.completeBefore !== undefined && !(completed !== undefined && completed < q.completeBefore)
  ) {
    return false;
  }
  if (q.completeAfter !== undefined && !(completed !== undefined && completed > q.completeAfter)) {
    return false;
  }
  if (q.resourceType !== undefined && job.ResourceType !== q.resourceType) return false;
  if (
    q.destinationVaultArn !== undefined && job.DestinationBackupVaultArn !== q.destinationVaultArn
  ) {
    return false;
  }
  if (q.accountId !== undefined && job.AccountId !== q.accountId) return false;
  if (q.parentJobId !== undefined && job.ParentJobId !== q.parentJobId) return false;
  if (
    q.messageCategory !== undefined && q.messageCategory !== "ANY" &&
    q.messageCategory !== "AGGREGATE_ALL" && job.MessageCategory !== q.messageCategory
  ) {
    return false;
  }
  return true;
}

/** What identifies a StartCopyJob request for idempotency: every member but the token. */
function fingerprintOf(input: StartCopyJobInput): string {
  const lifecycle = input.Lifecycle ?? {};
  return JSON.stringify([
    input.RecoveryPointArn,
    input.SourceBackupVaultName,
    input.DestinationBackupVaultArn,
    input.IamRoleArn,
    lifecycle.MoveToColdStorageAfterDays ?? null,
    lifecycle.DeleteAfterDays ?? null,
    lifecycle.OptInToArchiveForSupportedResources ?? null,
    lifecycle.DeleteAfterEvent ?? null,
  ]);
}
