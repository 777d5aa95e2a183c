/**
 * The copy jobs of the emulated account: starting them (resource checks, idempotency,
 * concurrency limit), their state over time, and listing them page by page.
 *
 * A job's state is computed from the clock, never from timers: CREATED until a third of the
 * job duration has passed, RUNNING until the whole duration has, then the outcome the source
 * recovery point is seeded with (COMPLETED, FAILED or PARTIAL).
 *
 * @module
 */

import type { ListCopyJobsQuery, StartCopyJobInput } from "./validation.ts";
import { parseArn } from "./validation.ts";
import { ApiError } from "./wire.ts";

/** `CopyJobState` of the model. */
export const COPY_JOB_STATES = ["CREATED", "RUNNING", "COMPLETED", "FAILED", "PARTIAL"] as const;
/** One of {@linkcode COPY_JOB_STATES}. */
export type CopyJobState = typeof COPY_JOB_STATES[number];
/** How a copy job ends. */
export type CopyJobOutcome = "COMPLETED" | "FAILED" | "PARTIAL";

/** A recovery point the emulator knows, and how a copy of it ends. */
export interface RecoveryPointFixture {
  /** Recovery point ARN, e.g. `arn:aws:backup:us-east-1:111122223333:recovery-point:...`. */
  arn: string;
  /** Name of the vault (in the emulator's region and account) that holds it. */
  backupVaultName: string;
  /** ARN of the backed-up resource. */
  resourceArn: string;
  /** Resource type, e.g. `DynamoDB`, `EFS`, `S3`. */
  resourceType: string;
  /** Non-unique resource name. */
  resourceName?: string;
  /** Size of the recovery point. */
  backupSizeInBytes: number;
  /** How a copy of it ends; `COMPLETED` when absent. */
  outcome?: CopyJobOutcome;
  /** `StatusMessage` of a FAILED or PARTIAL copy. */
  statusMessage?: string;
  /** `MessageCategory` of the finished copy; `SUCCESS` for a completed one when absent. */
  messageCategory?: string;
}

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
  region: string;
  accountId: string;
  /** Time from CREATED to the outcome. */
  jobDurationMs: number;
  /** Backup vault ARNs; vaults in `region` and `accountId` can be copy sources. */
  vaults: readonly string[];
  recoveryPoints: readonly RecoveryPointFixture[];
  /** Most jobs CREATED or RUNNING at once; more raise `LimitExceededException`. */
  maxConcurrentJobs: number;
  /** The clock, in epoch milliseconds. */
  now: () => number;
}

/** How long an idempotency token is remembered, as on AWS. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;
/** Page size of ListCopyJobs when `maxResults` is not given. */
export const DEFAULT_PAGE_SIZE = 1000;

interface JobRecord {
  seq: number;
  id: string;
  createdMs: number;
  input: StartCopyJobInput;
  sourceVaultArn: string;
  recoveryPoint: RecoveryPointFixture;
  destinationRecoveryPointArn: string;
}

interface IdempotencyEntry {
  fingerprint: string;
  job: JobRecord;
}

interface PageCursor {
  createdMs: number;
  seq: number;
  filters: string;
}

/** The emulated account's copy jobs. */
export class CopyJobStore {
  readonly #options: CopyJobStoreOptions;
  readonly #jobs: JobRecord[] = [];
  readonly #byId = new Map<string, JobRecord>();
  readonly #idempotency = new Map<string, IdempotencyEntry>();

  constructor(options: CopyJobStoreOptions) {
    this.#options = options;
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
        return startOutput(previous.job);
      }
    }

    const sourceVaultArn = this.#sourceVaultArn(input.SourceBackupVaultName);
    const recoveryPoint = this.#recoveryPoint(input);
    const destination = this.#destinationVault(input.DestinationBackupVaultArn);
    const active = this.#jobs.filter((j) => !isFinished(this.#stateAt(j, now))).length;
    if (active >= this.#options.maxConcurrentJobs) {
      throw new ApiError(
        "LimitExceededException",
        `Too many copy jobs in progress: at most ${this.#options.maxConcurrentJobs} may run at once.`,
        { context: "CopyJob" },
      );
    }

    const job: JobRecord = {
      seq: this.#jobs.length,
      id: crypto.randomUUID().toUpperCase(),
      createdMs: now,
      input,
      sourceVaultArn,
      recoveryPoint,
      destinationRecoveryPointArn:
        `arn:${destination.partition}:backup:${destination.region}:${destination.accountId}:recovery-point:${crypto.randomUUID()}`,
    };
    this.#jobs.push(job);
    this.#byId.set(job.id, job);
    if (token !== undefined) this.#idempotency.set(token, { fingerprint, job });
    return startOutput(job);
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

  /** ListCopyJobs: newest first, with opaque cursor tokens bound to the filters. */
  list(query: ListCopyJobsQuery): ListCopyJobsOutput {
    const now = this.#options.now();
    const filters = filterFingerprint(query);
    let candidates = [...this.#jobs].sort((a, b) => b.createdMs - a.createdMs || b.seq - a.seq);
    if (query.nextToken !== undefined) {
      const cursor = decodeToken(query.nextToken);
      if (!cursor || cursor.filters !== filters) {
        throw new ApiError(
          "InvalidParameterValueException",
          "The specified NextToken is invalid.",
          {
            context: "nextToken",
          },
        );
      }
      candidates = candidates.filter((j) =>
        j.createdMs < cursor.createdMs || (j.createdMs === cursor.createdMs && j.seq < cursor.seq)
      );
    }
    const matching = candidates.map((j) => ({ job: j, view: this.#view(j, now) }))
      .filter(({ view }) => matches(view, query));
    const size = query.maxResults ?? DEFAULT_PAGE_SIZE;
    const page = matching.slice(0, size);
    const last = page[page.length - 1];
    return {
      CopyJobs: page.map((p) => p.view),
      ...(matching.length > size && last
        ? { NextToken: encodeToken({ createdMs: last.job.createdMs, seq: last.job.seq, filters }) }
        : {}),
    };
  }

  /** Every job as DescribeCopyJob would show it now, oldest first. */
  snapshot(): CopyJob[] {
    const now = this.#options.now();
    return this.#jobs.map((j) => this.#view(j, now));
  }

  #sourceVaultArn(name: string): string {
    const arn = this.#options.vaults.find((v) => {
      const parsed = parseArn(v);
      return parsed !== undefined && parsed.region === this.#options.region &&
        parsed.accountId === this.#options.accountId && parsed.resource === `backup-vault:${name}`;
    });
    if (!arn) {
      throw new ApiError(
        "ResourceNotFoundException",
        `Backup vault ${name} does not exist in account ${this.#options.accountId}.`,
        { context: name },
      );
    }
    return arn;
  }

  #recoveryPoint(input: StartCopyJobInput): RecoveryPointFixture {
    const rp = this.#options.recoveryPoints.find((r) => r.arn === input.RecoveryPointArn);
    if (!rp || rp.backupVaultName !== input.SourceBackupVaultName) {
      throw new ApiError(
        "ResourceNotFoundException",
        `Recovery point ${input.RecoveryPointArn} was not found in backup vault ${input.SourceBackupVaultName}.`,
        { context: input.RecoveryPointArn },
      );
    }
    return rp;
  }

  #destinationVault(arn: string) {
    const parsed = parseArn(arn);
    if (!parsed || !this.#options.vaults.includes(arn)) {
      throw new ApiError(
        "ResourceNotFoundException",
        `Destination backup vault ${arn} was not found.`,
        { context: arn },
      );
    }
    return parsed;
  }

  #stateAt(job: JobRecord, now: number): CopyJobState {
    const elapsed = now - job.createdMs;
    const duration = this.#options.jobDurationMs;
    if (elapsed >= duration) return job.recoveryPoint.outcome ?? "COMPLETED";
    return elapsed < duration / 3 ? "CREATED" : "RUNNING";
  }

  #view(job: JobRecord, now: number): CopyJob {
    const rp = job.recoveryPoint;
    const duration = this.#options.jobDurationMs;
    const state = this.#stateAt(job, now);
    const finished = isFinished(state);
    let copied = 0;
    if (state === "RUNNING") {
      const progress = (now - job.createdMs - duration / 3) / (duration * 2 / 3);
      copied = Math.floor(rp.backupSizeInBytes * Math.min(1, Math.max(0, progress)));
    } else if (state === "COMPLETED" || state === "PARTIAL") {
      copied = rp.backupSizeInBytes;
    }
    const view: CopyJob = {
      AccountId: this.#options.accountId,
      CopyJobId: job.id,
      SourceBackupVaultArn: job.sourceVaultArn,
      SourceRecoveryPointArn: rp.arn,
      DestinationBackupVaultArn: job.input.DestinationBackupVaultArn,
      ResourceArn: rp.resourceArn,
      CreationDate: job.createdMs / 1000,
      State: state,
      BackupSizeInBytes: copied,
      IamRoleArn: job.input.IamRoleArn,
      ResourceType: rp.resourceType,
      IsParent: false,
    };
    if (state === "COMPLETED" || state === "PARTIAL") {
      view.DestinationRecoveryPointArn = job.destinationRecoveryPointArn;
    }
    if (finished) {
      view.CompletionDate = (job.createdMs + duration) / 1000;
      const category = rp.messageCategory ?? (state === "COMPLETED" ? "SUCCESS" : undefined);
      if (category !== undefined) view.MessageCategory = category;
      if (state !== "COMPLETED" && rp.statusMessage) view.StatusMessage = rp.statusMessage;
    }
    if (rp.resourceName !== undefined) view.ResourceName = rp.resourceName;
    return view;
  }
}

function isFinished(state: CopyJobState): boolean {
  return state === "COMPLETED" || state === "FAILED" || state === "PARTIAL";
}

function startOutput(job: JobRecord): StartCopyJobOutput {
  return { CopyJobId: job.id, CreationDate: job.createdMs / 1000, IsParent: false };
}

function matches(job: CopyJob, q: ListCopyJobsQuery): boolean {
  const created = job.CreationDate * 1000;
  const completed = job.CompletionDate === undefined ? undefined : job.CompletionDate * 1000;
  if (q.resourceArn !== undefined && job.ResourceArn !== q.resourceArn) return false;
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
  // No emulated job is a child of a composite job.
  if (q.parentJobId !== undefined) return false;
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

/** A short hash of the list filters, so a token is only accepted with the same filters. */
function filterFingerprint(q: ListCopyJobsQuery): string {
  const { nextToken: _token, maxResults: _max, ...filters } = q;
  const text = JSON.stringify(Object.entries(filters).sort(([a], [b]) => a < b ? -1 : 1));
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  }
  return hash.toString(36);
}

function encodeToken(cursor: PageCursor): string {
  const json = JSON.stringify({ v: 1, c: cursor.createdMs, s: cursor.seq, f: cursor.filters });
  return btoa(json).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function decodeToken(token: string): PageCursor | undefined {
  try {
    const json = atob(token.replace(/-/g, "+").replace(/_/g, "/"));
    const value: unknown = JSON.parse(json);
    if (typeof value !== "object" || value === null) return undefined;
    const { v, c, s, f } = value as Record<string, unknown>;
    if (v !== 1 || typeof c !== "number" || typeof s !== "number" || typeof f !== "string") {
      return undefined;
    }
    return { createdMs: c, seq: s, filters: f };
  } catch {
    return undefined;
  }
}
