/**
 * `copyRecoveryPoints`: copy every selected recovery point of a vault to another vault —
 * `concurrency` copy jobs at a time, each started at most once (derived idempotency tokens, a
 * ListCopyJobs check, a checkpoint), waited for, and reported.
 *
 * @module
 */

import type { BackupClient } from "../generated/client.ts";
import { LimitExceededException } from "../generated/errors.ts";
import { describeCopyJob, startCopyJob } from "../generated/operations.ts";
import {
  paginateListCopyJobs,
  paginateListRecoveryPointsByBackupVault,
} from "../generated/paginators.ts";
import type { CopyJob, Lifecycle, RecoveryPointByBackupVault } from "../generated/types.ts";
import { validateStartCopyJobInput } from "../generated/validators.ts";
import { ValidationError, type ValidationIssue } from "../runtime/errors.ts";
import { backoffDelay, retryKind, sleep } from "../runtime/retry.ts";
import {
  type CheckpointRecord,
  type CheckpointState,
  type CheckpointStore,
  MemoryCheckpointStore,
} from "./checkpoint.ts";
import { deriveIdempotencyToken } from "./idempotency_token.ts";
import type { CopyProgressEvent } from "./progress.ts";
import {
  type CopyOrigin,
  type CopyOutcome,
  type CopyReport,
  type CopyReportEntry,
  type CopyTotals,
  countOutcome,
  emptyTotals,
  type ReportedError,
} from "./report.ts";
import { type CopySelection, listInput, skipReason } from "./selection.ts";

/** Options of {@linkcode copyRecoveryPoints}; the selection filters are those of `CopySelection`. */
export interface CopyRecoveryPointsOptions extends CopySelection {
  /** Name of the vault to copy from (in the client's Region and account). */
  sourceBackupVaultName: string;
  /** ARN of the vault to copy to: another Region, another account, or the same. */
  destinationBackupVaultArn: string;
  /** IAM role AWS Backup copies with (StartCopyJob `IamRoleArn`). */
  iamRoleArn: string;
  /** Lifecycle of the copies (StartCopyJob `Lifecycle`). */
  lifecycle?: Lifecycle | undefined;
  /**
   * Names the run. Idempotency tokens and checkpoint records derive from it: run again with the
   * same `runId` (and checkpoint) to resume. @default a random UUID (see `report.runId`)
   */
  runId?: string | undefined;
  /** Copy jobs being started or waited for at once. @default 4 */
  concurrency?: number | undefined;
  /** Where progress is kept for resuming. @default a new `MemoryCheckpointStore` */
  checkpoint?: CheckpointStore | undefined;
  /** Aborts the run at once: it rejects with the signal's reason; the checkpoint stays valid. */
  signal?: AbortSignal | undefined;
  /**
   * Stop starting and waiting after this many milliseconds; copies not ended by then are
   * reported `UNFINISHED` (their jobs keep running; a rerun with the same `runId` waits for
   * them). @default no limit
   */
  maxWaitMs?: number | undefined;
  /** Called with every {@linkcode CopyProgressEvent}; an exception from it stops the run. */
  onProgress?: ((event: CopyProgressEvent) => void) | undefined;
  /** List what would be copied and what skipped; start nothing, write no checkpoint. */
  dryRun?: boolean | undefined;
  /** First delay between DescribeCopyJob polls of a job, doubling (with jitter). @default 5000 */
  pollIntervalMs?: number | undefined;
  /** Longest delay between polls of a job. @default 60000 */
  maxPollIntervalMs?: number | undefined;
  /**
   * First delay before StartCopyJob is tried again after `LimitExceededException`, throttling,
   * a 5xx or a network failure (after the client's own retries), doubling (with jitter).
   * @default 2000
   */
  retryDelayMs?: number | undefined;
  /** Longest such delay. @default 60000 */
  maxRetryDelayMs?: number | undefined;
  /**
   * StartCopyJob calls for one recovery point before a passing failure (throttling, 5xx,
   * network) fails it. `LimitExceededException` is waited out until `maxWaitMs` instead.
   * @default 10
   */
  maxStartAttempts?: number | undefined;
}

/** Default of {@linkcode CopyRecoveryPointsOptions.concurrency}. */
export const DEFAULT_COPY_CONCURRENCY = 4;

const FINAL_JOB_STATES: readonly (string | undefined)[] = ["COMPLETED", "PARTIAL", "FAILED"];

/**
 * Copies the recovery points of `sourceBackupVaultName` that the selection takes to
 * `destinationBackupVaultArn`, `concurrency` at a time, waits for every copy job, and resolves
 * with a report. One copy failing does not stop the others.
 *
 * Exactly once: each StartCopyJob carries an `IdempotencyToken` derived from (runId, recovery
 * point ARN, destination vault ARN); copy jobs to the destination that already exist
 * (ListCopyJobs) are reported instead of started again; the checkpoint records each job as it
 * starts, so a rerun with the same `runId` waits for it. See the README for the limits.
 *
 * `LimitExceededException` (the account's limit on concurrent copy jobs) and throttling make it
 * wait and try that recovery point again with backoff. Composite recovery points are copied as
 * one job; their child jobs are reported with it. PARTIAL is reported as PARTIAL.
 *
 * @throws {ValidationError} bad options (naming the option), before anything is sent.
 * @throws {ServiceException} listing the source vault failed (e.g. `ResourceNotFoundException`).
 * @throws {CheckpointError} the checkpoint could not be read or written.
 * @throws the signal's reason when aborted.
 *
 * @example Against the bundled emulator (runs as a test: `deno test --doc jobs/`)
 * ```ts
 * import { BackupClient, copyRecoveryPoints } from "../mod.ts";
 * import * as emulator from "../emulator/mod.ts";
 *
 * await using local = await emulator.startEmulator({ jobDurationMs: 100 });
 * const client = new BackupClient({
 *   region: emulator.DEMO_REGION,
 *   endpoint: local.url,
 *   credentials: { ...emulator.DEMO_CREDENTIALS },
 * });
 * const report = await copyRecoveryPoints(client, {
 *   sourceBackupVaultName: emulator.DEFAULT_VAULT_NAME,
 *   destinationBackupVaultArn: emulator.DR_VAULT_WEST_ARN,
 *   iamRoleArn: emulator.DEMO_IAM_ROLE_ARN,
 *   runId: "nightly-2026-03-02",
 *   pollIntervalMs: 50,
 * });
 * // The vault holds two recovery points: one copy completes, the other fails.
 * if (report.totals.completed !== 1 || report.totals.failed !== 1) {
 *   throw new Error(`unexpected totals ${JSON.stringify(report.totals)}`);
 * }
 * ```
 *
 * @example On AWS: EBS and RDS recovery points since a date, resumable by run id
 * ```ts ignore
 * const report = await copyRecoveryPoints(client, {
 *   sourceBackupVaultName: "Default",
 *   destinationBackupVaultArn: "arn:aws:backup:us-west-2:111122223333:backup-vault:dr",
 *   iamRoleArn: "arn:aws:iam::111122223333:role/service-role/AWSBackupDefaultServiceRole",
 *   createdAfter: new Date("2026-03-02T00:00:00Z"),
 *   resourceTypes: ["EBS", "RDS"],
 *   runId: "nightly-2026-03-02",
 *   onProgress: (e) => console.log(e.type, e.totals),
 * });
 * console.log(report.totals, report.ok);
 * ```
 */
export async function copyRecoveryPoints(
  client: BackupClient,
  options: CopyRecoveryPointsOptions,
): Promise<CopyReport> {
  checkOptions(options);
  options.signal?.throwIfAborted();
  const run = new CopyRun(client, options);
  return await run.execute();
}

/** One selected recovery point and its report entry. */
interface Work {
  recoveryPoint: RecoveryPointByBackupVault;
  entry: CopyReportEntry;
}

class CopyRun {
  readonly #client: BackupClient;
  readonly #o: CopyRecoveryPointsOptions;
  readonly #runId: string;
  readonly #store: CheckpointStore;
  readonly #deadline: number;
  readonly #totals: CopyTotals = emptyTotals();
  readonly #stop = new AbortController();
  readonly #signal: AbortSignal;
  #existing = new Map<string, CopyJob>();
  #records = new Map<string, CheckpointRecord>();

  constructor(client: BackupClient, options: CopyRecoveryPointsOptions) {
    this.#client = client;
    this.#o = options;
    this.#runId = options.runId ?? crypto.randomUUID();
    this.#store = options.checkpoint ?? new MemoryCheckpointStore();
    this.#deadline = options.maxWaitMs === undefined ? Infinity : Date.now() + options.maxWaitMs;
    this.#signal = options.signal
      ? AbortSignal.any([options.signal, this.#stop.signal])
      : this.#stop.signal;
  }

  async execute(): Promise<CopyReport> {
    const startedAt = new Date();
    const { entries, work } = await this.#discover();
    this.#existing = await this.#existingCopies(work);
    this.#records = new Map(
      (await this.#store.list(this.#runId)).map((r) => [r.recoveryPointArn, r]),
    );
    if (this.#o.dryRun) {
      for (const w of work) this.#plan(w);
    } else {
      await this.#pool(work);
    }
    const selected = entries.filter((e) => e.outcome !== "SKIPPED");
    return {
      runId: this.#runId,
      sourceBackupVaultName: this.#o.sourceBackupVaultName,
      destinationBackupVaultArn: this.#o.destinationBackupVaultArn,
      dryRun: !!this.#o.dryRun,
      startedAt,
      finishedAt: new Date(),
      entries,
      totals: { ...this.#totals },
      ok: selected.every((e) => e.outcome === "COMPLETED" || e.outcome === "PLANNED"),
    };
  }

  #emit(event: DistributiveOmit<CopyProgressEvent, "totals">): void {
    this.#o.onProgress?.({ ...event, totals: { ...this.#totals } } as CopyProgressEvent);
  }

  /** Lists the source vault and sorts each recovery point into skipped or to copy. */
  async #discover(): Promise<{ entries: CopyReportEntry[]; work: Work[] }> {
    const entries: CopyReportEntry[] = [];
    const work: Work[] = [];
    const pages = paginateListRecoveryPointsByBackupVault(
      this.#client,
      listInput(this.#o.sourceBackupVaultName, this.#o),
      { signal: this.#signal },
    );
    for await (const recoveryPoint of pages.items()) {
      this.#totals.discovered++;
      this.#emit({ type: "discovered", recoveryPoint });
      const entry = newEntry(recoveryPoint);
      entries.push(entry);
      const reason = await skipReason(recoveryPoint, this.#o);
      if (reason) {
        entry.outcome = "SKIPPED";
        entry.skipReason = reason;
        countOutcome(this.#totals, entry);
        this.#emit({ type: "skipped", entry });
      } else {
        this.#totals.selected++;
        work.push({ recoveryPoint, entry });
      }
    }
    return { entries, work };
  }

  /**
   * Copy jobs to the destination vault of the selected recovery points that did not fail
   * (ListCopyJobs by destination, created after the oldest of them), by source recovery point;
   * a finished one wins over one in progress.
   */
  async #existingCopies(work: Work[]): Promise<Map<string, CopyJob>> {
    const found = new Map<string, CopyJob>();
    if (!work.length) return found;
    const wanted = new Set(work.map((w) => w.recoveryPoint.RecoveryPointArn));
    const times = work.map((w) => w.recoveryPoint.CreationDate?.getTime());
    const oldest = times.every((t) => t !== undefined) ? Math.min(...times as number[]) : undefined;
    const pages = paginateListCopyJobs(this.#client, {
      ByDestinationVaultArn: this.#o.destinationBackupVaultArn,
      ...(oldest === undefined ? {} : { ByCreatedAfter: new Date(oldest - 1000) }),
    }, { signal: this.#signal });
    for await (const job of pages.items()) {
      const arn = job.SourceRecoveryPointArn;
      if (job.ParentJobId || !arn || !wanted.has(arn) || job.State === "FAILED") continue;
      const known = found.get(arn);
      if (
        !known || (!FINAL_JOB_STATES.includes(known.State) && FINAL_JOB_STATES.includes(job.State))
      ) {
        found.set(arn, job);
      }
    }
    return found;
  }

  /** Dry run: what the checkpoint or ListCopyJobs say ended is reported, the rest PLANNED. */
  #plan({ recoveryPoint, entry }: Work): void {
    const record = this.#records.get(recoveryPoint.RecoveryPointArn!);
    if (record && isFinal(record)) {
      entry.origin = "resumed";
      entry.attempts = record.attempts;
      applyRecord(entry, record);
      this.#finish(entry, record.state as CopyOutcome, false);
      return;
    }
    const job = this.#existing.get(recoveryPoint.RecoveryPointArn!);
    if (job && (job.State === "COMPLETED" || job.State === "PARTIAL")) {
      entry.origin = "existing";
      applyJob(entry, job);
      this.#finish(entry, job.State as CopyOutcome, false);
      return;
    }
    entry.outcome = "PLANNED";
    if (job) entry.origin = "existing";
    if (job?.CopyJobId) entry.copyJobId = job.CopyJobId;
    countOutcome(this.#totals, entry);
    this.#emit({ type: "planned", entry });
  }

  /** Runs `#copy` over the work, `concurrency` at a time; stops all on the first exception. */
  async #pool(work: Work[]): Promise<void> {
    const queue = [...work];
    const worker = async () => {
      for (let w = queue.shift(); w; w = queue.shift()) await this.#copy(w);
    };
    const workers = Array.from(
      { length: Math.min(this.#o.concurrency ?? DEFAULT_COPY_CONCURRENCY, queue.length) },
      worker,
    );
    const results = await Promise.allSettled(workers.map((w) =>
      w.catch((e) => {
        this.#stop.abort(e);
        throw e;
      })
    ));
    this.#o.signal?.throwIfAborted();
    const failure = results.find((r) => r.status === "rejected");
    if (failure) throw (failure as PromiseRejectedResult).reason;
  }

  /** One recovery point: resume, adopt an existing job, or start one; then wait for it. */
  async #copy({ recoveryPoint, entry }: Work): Promise<void> {
    this.#signal.throwIfAborted();
    const arn = recoveryPoint.RecoveryPointArn!;
    this.#totals.inFlight++;
    // Every record of the run was listed once by execute(); no second read per point.
    const record = this.#records.get(arn);
    const token = record?.idempotencyToken ??
      await deriveIdempotencyToken(this.#runId, arn, this.#o.destinationBackupVaultArn);
    entry.idempotencyToken = token;
    entry.attempts = record?.attempts ?? 0;
    if (record && isFinal(record)) {
      entry.origin = "resumed";
      applyRecord(entry, record);
      this.#finish(entry, record.state as CopyOutcome);
      return;
    }
    let copyJobId = record?.copyJobId;
    let origin: CopyOrigin = "resumed";
    const existing = this.#existing.get(arn);
    if (!copyJobId && existing?.CopyJobId) {
      copyJobId = existing.CopyJobId;
      origin = "existing";
    }
    if (!copyJobId) {
      // Started by this run's StartCopyJob — which, with a token an earlier run sent, answers
      // the job that run created.
      origin = "started";
      copyJobId = await this.#start(recoveryPoint, entry);
      if (!copyJobId) return;
      this.#totals.started++;
    }
    entry.origin = origin;
    entry.copyJobId = copyJobId;
    // A resumed point whose record already says so needs no second write.
    if (!(record?.state === "STARTED" && record.copyJobId === copyJobId)) {
      await this.#checkpoint(entry, "STARTED");
    }
    this.#emit({ type: "started", recoveryPointArn: arn, copyJobId, origin });
    await this.#follow(recoveryPoint, entry, copyJobId);
  }

  /** StartCopyJob until it answers, retrying passing failures; `undefined` when it ended. */
  async #start(recoveryPoint: RecoveryPointByBackupVault, entry: CopyReportEntry) {
    const maxAttempts = this.#o.maxStartAttempts ?? 10;
    let delay = this.#o.retryDelayMs ?? 2000;
    let passingFailures = 0;
    let recorded = false;
    for (;;) {
      if (Date.now() >= this.#deadline) {
        entry.error = maxWaitError(this.#o.maxWaitMs!);
        this.#finish(entry, "UNFINISHED");
        return undefined;
      }
      entry.attempts++;
      // Recorded before the first attempt only: waiting out the account's job limit must not
      // rewrite the checkpoint on every try (STARTED or FAILED records the final count).
      if (!recorded) await this.#checkpoint(entry, "STARTING");
      recorded = true;
      try {
        const output = await startCopyJob(this.#client, {
          RecoveryPointArn: recoveryPoint.RecoveryPointArn!,
          SourceBackupVaultName: this.#o.sourceBackupVaultName,
          DestinationBackupVaultArn: this.#o.destinationBackupVaultArn,
          IamRoleArn: this.#o.iamRoleArn,
          IdempotencyToken: entry.idempotencyToken,
          ...(this.#o.lifecycle ? { Lifecycle: this.#o.lifecycle } : {}),
        }, { signal: this.#signal });
        // AWS documents a repeated token as "a success message with no action taken"; should
        // that answer not name the job, ListCopyJobs does.
        const copyJobId = output.CopyJobId ?? await this.#findJob(recoveryPoint);
        if (copyJobId) return copyJobId;
        entry.error = {
          name: "InvalidResponse",
          message: "StartCopyJob answered no CopyJobId and ListCopyJobs shows no copy job",
        };
      } catch (e) {
        this.#signal.throwIfAborted();
        const kind = passingFailure(e);
        if (kind === "transient") passingFailures++;
        if (kind && passingFailures < maxAttempts) {
          const wait = Math.min(jitter(delay), Math.max(0, this.#deadline - Date.now()));
          this.#emit({
            type: "retrying",
            recoveryPointArn: entry.recoveryPointArn,
            attempts: entry.attempts,
            delayMs: Math.round(wait),
            error: reportedError(e),
          });
          await sleep(wait, this.#signal);
          delay = Math.min(this.#o.maxRetryDelayMs ?? 60_000, delay * 2);
          continue;
        }
        entry.error = reportedError(e);
      }
      entry.statusMessage = entry.error.message;
      await this.#checkpoint(entry, "FAILED");
      this.#finish(entry, "FAILED");
      return undefined;
    }
  }

  /** Polls DescribeCopyJob until the job ends or the run's time is up. */
  async #follow(recoveryPoint: RecoveryPointByBackupVault, entry: CopyReportEntry, id: string) {
    let delay = this.#o.pollIntervalMs ?? 5000;
    let passingFailures = 0;
    const size = recoveryPoint.BackupSizeInBytes;
    for (;;) {
      let job: CopyJob | undefined;
      try {
        job = (await describeCopyJob(this.#client, { CopyJobId: id }, { signal: this.#signal }))
          .CopyJob;
        passingFailures = 0;
        if (!job) {
          entry.error = { name: "InvalidResponse", message: `DescribeCopyJob answered no CopyJob` };
          entry.statusMessage = entry.error.message;
          await this.#checkpoint(entry, "FAILED");
          this.#finish(entry, "FAILED");
          return;
        }
      } catch (e) {
        this.#signal.throwIfAborted();
        const passing = passingFailure(e);
        if (!passing || ++passingFailures >= (this.#o.maxStartAttempts ?? 10)) {
          entry.error = reportedError(e);
          if (passing) {
            // The job exists and may be fine: a rerun with the same runId waits for it again.
            this.#finish(entry, "UNFINISHED");
            return;
          }
          entry.statusMessage = entry.error.message;
          await this.#checkpoint(entry, "FAILED");
          this.#finish(entry, "FAILED");
          return;
        }
      }
      if (job) {
        applyJob(entry, job);
        if (FINAL_JOB_STATES.includes(job.State)) {
          if (job.IsParent) entry.childJobs = await this.#children(id);
          await this.#checkpoint(entry, job.State as CheckpointState);
          this.#finish(entry, job.State as CopyOutcome);
          return;
        }
        this.#emit({
          type: "running",
          recoveryPointArn: entry.recoveryPointArn,
          copyJobId: id,
          state: job.State,
          ...(job.BackupSizeInBytes === undefined ? {} : {
            bytesTransferred: job.BackupSizeInBytes,
            ...(size ? { percentDone: Math.min(100, 100 * job.BackupSizeInBytes / size) } : {}),
          }),
          ...(job.ChildJobsInState ? { childJobsInState: { ...job.ChildJobsInState } } : {}),
        });
      }
      const remaining = this.#deadline - Date.now();
      if (remaining <= 0) {
        entry.error = maxWaitError(this.#o.maxWaitMs!);
        this.#finish(entry, "UNFINISHED");
        return;
      }
      await sleep(Math.min(jitter(delay), remaining), this.#signal);
      delay = Math.min(this.#o.maxPollIntervalMs ?? 60_000, delay * 2);
    }
  }

  /** The newest copy job of a recovery point to the destination that did not fail, if any. */
  async #findJob(recoveryPoint: RecoveryPointByBackupVault): Promise<string | undefined> {
    const pages = paginateListCopyJobs(this.#client, {
      ByResourceArn: recoveryPoint.ResourceArn,
      ByDestinationVaultArn: this.#o.destinationBackupVaultArn,
    }, { signal: this.#signal });
    for await (const job of pages.items()) {
      if (
        job.SourceRecoveryPointArn === recoveryPoint.RecoveryPointArn && !job.ParentJobId &&
        job.State !== "FAILED"
      ) {
        return job.CopyJobId;
      }
    }
    return undefined;
  }

  /** The child jobs of a composite copy job (ListCopyJobs by parent job). */
  async #children(parentJobId: string) {
    const children = [];
    const pages = paginateListCopyJobs(this.#client, { ByParentJobId: parentJobId }, {
      signal: this.#signal,
    });
    for await (const child of pages.items()) {
      children.push({
        copyJobId: child.CopyJobId,
        recoveryPointArn: child.SourceRecoveryPointArn,
        resourceArn: child.ResourceArn,
        resourceType: child.ResourceType,
        state: child.State,
        ...(child.StatusMessage ? { statusMessage: child.StatusMessage } : {}),
      });
    }
    return children;
  }

  async #checkpoint(entry: CopyReportEntry, state: CheckpointState): Promise<void> {
    const record: CheckpointRecord = {
      recoveryPointArn: entry.recoveryPointArn,
      idempotencyToken: entry.idempotencyToken!,
      state,
      attempts: entry.attempts,
    };
    if (entry.copyJobId) record.copyJobId = entry.copyJobId;
    if (entry.statusMessage) record.statusMessage = entry.statusMessage;
    if (entry.startedAt) record.startedAt = entry.startedAt.toISOString();
    if (entry.finishedAt) record.finishedAt = entry.finishedAt.toISOString();
    await this.#store.put(this.#runId, record);
  }

  /** Ends an entry: counts it and emits its final event. */
  #finish(entry: CopyReportEntry, outcome: CopyOutcome, inFlight = true): void {
    entry.outcome = outcome;
    countOutcome(this.#totals, entry);
    if (inFlight) this.#totals.inFlight--;
    const ok = outcome === "COMPLETED" || outcome === "PARTIAL";
    this.#emit({ type: ok ? "completed" : "failed", entry });
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function newEntry(rp: RecoveryPointByBackupVault): CopyReportEntry {
  const entry: CopyReportEntry = {
    recoveryPointArn: rp.RecoveryPointArn ?? "",
    isParent: !!rp.IsParent,
    outcome: "PLANNED",
    attempts: 0,
  };
  if (rp.ResourceArn) entry.resourceArn = rp.ResourceArn;
  if (rp.ResourceType) entry.resourceType = rp.ResourceType;
  if (rp.ResourceName) entry.resourceName = rp.ResourceName;
  if (rp.CreationDate) entry.recoveryPointCreationDate = rp.CreationDate;
  return entry;
}

function applyJob(entry: CopyReportEntry, job: CopyJob): void {
  if (job.CopyJobId) entry.copyJobId = job.CopyJobId;
  if (job.DestinationRecoveryPointArn) {
    entry.destinationRecoveryPointArn = job.DestinationRecoveryPointArn;
  }
  if (job.StatusMessage) entry.statusMessage = job.StatusMessage;
  if (job.BackupSizeInBytes !== undefined) entry.bytesTransferred = job.BackupSizeInBytes;
  if (job.CreationDate) entry.startedAt = job.CreationDate;
  if (job.CompletionDate) entry.finishedAt = job.CompletionDate;
  if (entry.startedAt && entry.finishedAt) {
    entry.durationMs = entry.finishedAt.getTime() - entry.startedAt.getTime();
  }
}

function applyRecord(entry: CopyReportEntry, record: CheckpointRecord): void {
  if (record.copyJobId) entry.copyJobId = record.copyJobId;
  if (record.statusMessage) entry.statusMessage = record.statusMessage;
  if (record.startedAt) entry.startedAt = new Date(record.startedAt);
  if (record.finishedAt) entry.finishedAt = new Date(record.finishedAt);
  if (entry.startedAt && entry.finishedAt) {
    entry.durationMs = entry.finishedAt.getTime() - entry.startedAt.getTime();
  }
}

/** A record nothing more can change: a job that ended (a start that failed is tried again). */
function isFinal(record: CheckpointRecord): boolean {
  return record.state === "COMPLETED" || record.state === "PARTIAL" ||
    (record.state === "FAILED" && record.copyJobId !== undefined);
}

/**
 * Whether a failed call is worth trying again: `limit` for `LimitExceededException`,
 * `transient` for throttling, 5xx, 429, `@retryable`, timeouts and network failures.
 */
function passingFailure(e: unknown): "limit" | "transient" | undefined {
  if (e instanceof LimitExceededException) return "limit";
  // StartCopyJob carries an idempotency token and DescribeCopyJob is read-only: both repeatable.
  return retryKind(e, true) ? "transient" : undefined;
}

function reportedError(e: unknown): ReportedError {
  return e instanceof Error
    ? { name: e.name, message: e.message }
    : { name: "Error", message: String(e) };
}

function maxWaitError(maxWaitMs: number): ReportedError {
  return {
    name: "MaxWaitExceeded",
    message: `not ended within maxWaitMs (${maxWaitMs} ms); rerun with the same runId to resume`,
  };
}

/** `ms` with "equal jitter": between half of it and all of it. */
function jitter(ms: number): number {
  return backoffDelay(ms, 0, ms, ms / 2);
}

/** @throws {ValidationError} naming the option. */
function checkOptions(o: CopyRecoveryPointsOptions): void {
  const issues: ValidationIssue[] = [];
  // The StartCopyJob members the options become, checked against the model.
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
  const positiveInteger = (name: keyof CopyRecoveryPointsOptions, min: number) => {
    const value = o[name];
    if (value !== undefined && !(Number.isSafeInteger(value) && (value as number) >= min)) {
      issues.push({ path: name, message: `must be an integer of at least ${min}` });
    }
  };
  positiveInteger("concurrency", 1);
  positiveInteger("maxStartAttempts", 1);
  // Delays that double must start above 0, or polls and retries would run back to back.
  for (
    const [name, min] of [
      ["maxWaitMs", 0],
      ["pollIntervalMs", 1],
      ["maxPollIntervalMs", 1],
      ["retryDelayMs", 1],
      ["maxRetryDelayMs", 1],
    ] as const
  ) {
    const value = o[name];
    if (value !== undefined && !(typeof value === "number" && value >= min)) {
      issues.push({ path: name, message: `must be a number of milliseconds, at least ${min}` });
    }
  }
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
  if (o.runId !== undefined && (typeof o.runId !== "string" || o.runId === "")) {
    issues.push({ path: "runId", message: "must be a non-empty string" });
  }
  if (o.filter !== undefined && typeof o.filter !== "function") {
    issues.push({ path: "filter", message: "must be a function" });
  }
  if (issues.length) throw new ValidationError("copyRecoveryPoints options", issues);
}
