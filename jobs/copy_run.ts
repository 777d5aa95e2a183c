/**
 * One run of `copyRecoveryPoints`: list and select, find the copies that exist, then for each
 * selected recovery point resume it, adopt an existing job or start one — `concurrency` at a
 * time, one per resource — wait for it, and report.
 *
 * @module
 */

import type { BackupClient } from "../generated/client.ts";
import type { CopyJob } from "../generated/types.ts";
import {
  type CheckpointRecord,
  type CheckpointState,
  type CheckpointStore,
  MemoryCheckpointStore,
  RUN_TARGET_RECORD,
} from "./checkpoint.ts";
import { type CopyRecoveryPointsOptions, DEFAULT_COPY_CONCURRENCY } from "./copy_options.ts";
import { Deadline } from "./deadline.ts";
import {
  CopyRunRefusedError,
  maxWaitError,
  MaxWaitExceededError,
  type ReportedError,
} from "./errors.ts";
import { findExistingCopies } from "./destination_copies.ts";
import {
  type CopiesOfRecoveryPoint,
  type CopyDecision,
  decideCopy,
  DEFAULT_MAX_FAILED_COPIES,
} from "./existing_copies.ts";
import { FINAL_COPY_JOB_STATES, followCopyJob, pollProgress } from "./follow_copy_job.ts";
import { copyIdempotencyToken } from "./idempotency_token.ts";
import { emptySelection, listSelection } from "./list_selection.ts";
import type { CopyProgressEvent } from "./progress.ts";
import {
  type CopyOrigin,
  type CopyOutcome,
  type CopyReport,
  type CopyReportEntry,
  type CopyTotals,
  countOutcome,
  emptyTotals,
  type RunFailure,
} from "./report.ts";
import {
  applyCheckpointRecord,
  applyCopyJob,
  applyGiveUp,
  checkpointRecordOf,
  childCopyJobs,
  newReportEntry,
} from "./report_entries.ts";
import { isFinal, routeOf } from "./copy_route.ts";
import { refuseSameVault } from "./option_checks.ts";
import { runPerResource } from "./resource_pool.ts";
import { checkRunTarget, runTargetOf, runTargetRecord } from "./run_target.ts";
import { abortable } from "../runtime/retry.ts";
import { startCopyWithRetries } from "./start_copy.ts";

/**
 * StartCopyJob refusals, all for the same reason and before any start succeeded, after which a
 * run stops with `CopyRunRefusedError` instead of failing every recovery point — or every start
 * of a run with fewer points to start (one or two points to a vault that does not exist stop the
 * run too).
 */
export const SAME_REFUSALS_TO_STOP = 3;

/** One selected recovery point: its report entry and size (the rest of the listing is dropped). */
interface Work {
  entry: CopyReportEntry;
  sizeBytes: number | undefined;
}

/** Runs a copy with checked options; see `copyRecoveryPoints`. */
export async function runCopy(
  client: BackupClient,
  options: CopyRecoveryPointsOptions,
): Promise<CopyReport> {
  const run = new CopyRun(client, options);
  try {
    return await run.execute();
  } finally {
    run.dispose();
  }
}

class CopyRun {
  readonly #client: BackupClient;
  readonly #o: CopyRecoveryPointsOptions;
  readonly #runId: string;
  readonly #store: CheckpointStore;
  readonly #deadline: Deadline;
  readonly #totals: CopyTotals = emptyTotals();
  readonly #stop = new AbortController();
  /** The caller's signal and the run's own stop. */
  readonly #signal: AbortSignal;
  /** Also aborts when `maxWaitMs` passes: for calls that must not outlive it. */
  readonly #callSignal: AbortSignal;
  #existing = new Map<string, CopiesOfRecoveryPoint>();
  #records = new Map<string, CheckpointRecord>();
  /** The first StartCopyJob refusals while no start has succeeded; `undefined` once settled. */
  #refusals: { arn: string; error: ReportedError; cause: unknown }[] | undefined = [];
  /** Refusals alike that stop the run: `SAME_REFUSALS_TO_STOP`, or fewer with fewer starts. */
  #refusalsToStop = SAME_REFUSALS_TO_STOP;

  constructor(client: BackupClient, options: CopyRecoveryPointsOptions) {
    this.#client = client;
    this.#o = options;
    this.#runId = options.runId ?? crypto.randomUUID();
    this.#store = options.checkpoint ?? new MemoryCheckpointStore();
    this.#deadline = new Deadline(options.maxWaitMs);
    this.#signal = options.signal
      ? AbortSignal.any([options.signal, this.#stop.signal])
      : this.#stop.signal;
    this.#callSignal = this.#deadline.with(this.#signal);
  }

  dispose(): void {
    this.#deadline.dispose();
    this.#existing.clear();
    this.#records.clear();
  }

  async execute(): Promise<CopyReport> {
    const startedAt = new Date();
    const o = this.#o;
    const entries: CopyReportEntry[] = [];
    const work: Work[] = [];
    const skipped = new Map<string, number>();
    // A resumed run copies what it started copying, or its records are not about its copies:
    // the checkpoint is read first and a run resumed with another target stops at the first
    // recovery point listed, before anything is reported — after the source vault check, since a
    // destination that is the source vault is the mistake to name.
    const records = await this.#beforeDeadline(
      "reading the checkpoint",
      () => this.#storeCall(() => this.#store.list(this.#runId)),
    );
    const target = runTargetOf(o);
    let recorded: boolean | undefined;
    const checkTarget = () => recorded ??= checkRunTarget(this.#runId, records, target);
    this.#records = new Map(
      records.filter((r) => r.recoveryPointArn !== RUN_TARGET_RECORD)
        .map((r) => [r.recoveryPointArn, r]),
    );
    let sourceVaultArn: string | undefined;
    await this.#beforeDeadline("listing the source vault", async () => {
      for await (
        const { recoveryPoint, skip } of listSelection(
          this.#client,
          o.sourceBackupVaultName,
          o,
          { signal: this.#callSignal },
        )
      ) {
        this.#totals.discovered++;
        if (sourceVaultArn === undefined) {
          sourceVaultArn = recoveryPoint.BackupVaultArn;
          refuseSameVault("copyRecoveryPoints", sourceVaultArn, o.destinationBackupVaultArn);
          checkTarget();
        }
        this.#emit({ type: "discovered", recoveryPoint });
        const entry = newReportEntry(recoveryPoint);
        entries.push(entry);
        if (skip) {
          entry.outcome = "SKIPPED";
          entry.skipReason = skip;
          skipped.set(skip.code, (skipped.get(skip.code) ?? 0) + 1);
          countOutcome(this.#totals, entry);
          this.#emit({ type: "skipped", entry });
        } else {
          this.#totals.selected++;
          work.push({ entry, sizeBytes: recoveryPoint.BackupSizeInBytes });
        }
      }
    });
    checkTarget();
    let failure: RunFailure | undefined;
    if (!work.length && !o.allowEmpty) {
      failure = await emptySelection(this.#client, o.sourceBackupVaultName, o, skipped, {
        signal: this.#callSignal,
      });
    }
    if (work.length) {
      this.#existing = await this.#beforeDeadline(
        "looking up the existing copies",
        () =>
          findExistingCopies(
            this.#client,
            work.map(({ entry }) => ({
              recoveryPointArn: entry.recoveryPointArn,
              resourceArn: entry.resourceArn,
              creationDate: entry.recoveryPointCreationDate,
            })),
            o.destinationBackupVaultArn,
            { sourceVaultArn, signal: this.#callSignal },
          ),
      );
      if (o.dryRun) {
        for (const w of work) this.#plan(w.entry);
      } else {
        if (!recorded) {
          await this.#beforeDeadline(
            "writing the checkpoint",
            () => this.#storeCall(() => this.#store.put(this.#runId, runTargetRecord(target))),
          );
        }
        await this.#pool(work);
      }
    }
    const selected = entries.filter((e) => e.outcome !== "SKIPPED");
    return {
      runId: this.#runId,
      sourceBackupVaultName: o.sourceBackupVaultName,
      destinationBackupVaultArn: o.destinationBackupVaultArn,
      dryRun: !!o.dryRun,
      startedAt,
      finishedAt: new Date(),
      entries,
      totals: { ...this.#totals },
      ok: !failure && selected.every((e) => e.outcome === "COMPLETED" || e.outcome === "PLANNED"),
      ...(failure ? { failure } : {}),
    };
  }

  /** A step before anything is started: `maxWaitMs` passing during it stops the run. */
  async #beforeDeadline<T>(what: string, step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (e) {
      this.#signal.throwIfAborted();
      if (this.#deadline.passed) {
        throw new MaxWaitExceededError(
          `${what} did not finish within maxWaitMs (${this.#deadline.ms} ms); nothing was started`,
          { cause: e },
        );
      }
      throw e;
    }
  }

  #emit(event: DistributiveOmit<CopyProgressEvent, "totals">): void {
    this.#o.onProgress?.({ ...event, totals: { ...this.#totals } } as CopyProgressEvent);
  }

  /** What to do about a recovery point, from the copies ListCopyJobs showed. */
  #decision(arn: string): CopyDecision {
    const copies = this.#existing.get(arn) ?? { failed: [] };
    return decideCopy(copies, this.#o.maxFailedCopies ?? DEFAULT_MAX_FAILED_COPIES);
  }

  /** {@linkcode CopyRun.#decision}, read once: the point's copies are dropped. */
  #decide(arn: string): CopyDecision {
    const decision = this.#decision(arn);
    this.#existing.delete(arn);
    return decision;
  }

  /** The checkpoint record of a recovery point (every record was listed once, no read each). */
  #record(arn: string): CheckpointRecord | undefined {
    const record = this.#records.get(arn);
    this.#records.delete(arn);
    return record;
  }

  /** Dry run: what the checkpoint or ListCopyJobs say ended is reported, the rest PLANNED. */
  #plan(entry: CopyReportEntry): void {
    const arn = entry.recoveryPointArn;
    const record = this.#record(arn);
    const decision = this.#decide(arn);
    if (record && isFinal(record)) {
      entry.origin = "resumed";
      applyCheckpointRecord(entry, record);
      return this.#finish(entry, record.state as CopyOutcome, false);
    }
    if (decision.action === "exists") {
      entry.origin = "existing";
      applyCopyJob(entry, decision.job);
      return this.#finish(entry, decision.job.State as CopyOutcome, false);
    }
    if (decision.action === "give-up") return this.#giveUp(entry, decision.job, false);
    entry.outcome = "PLANNED";
    if (decision.action === "in-progress") {
      entry.origin = "existing";
      if (decision.job.CopyJobId) entry.copyJobId = decision.job.CopyJobId;
    }
    countOutcome(this.#totals, entry);
    this.#emit({ type: "planned", entry });
  }

  /** Copies the work, `concurrency` at a time, one per resource; stops all on an exception. */
  async #pool(work: Work[]): Promise<void> {
    this.#refusalsToStop = this.#startsAhead(work, SAME_REFUSALS_TO_STOP);
    try {
      await runPerResource(work, {
        concurrency: this.#o.concurrency ?? DEFAULT_COPY_CONCURRENCY,
        keyOf: (w) => w.entry.resourceArn,
        stop: this.#stop,
      }, (w) => this.#copy(w));
    } catch (e) {
      this.#o.signal?.throwIfAborted();
      throw e;
    }
  }

  /** The points of `work` the pool will send StartCopyJob for, counted up to `limit`. */
  #startsAhead(work: readonly Work[], limit: number): number {
    let starts = 0;
    for (const { entry } of work) {
      const arn = entry.recoveryPointArn;
      if (routeOf(this.#records.get(arn), this.#decision(arn)).to !== "start") continue;
      if (++starts === limit) break;
    }
    return starts;
  }

  /** One recovery point: resume, adopt an existing job, or start one; then wait for it. */
  async #copy({ entry, sizeBytes }: Work): Promise<void> {
    this.#signal.throwIfAborted();
    const arn = entry.recoveryPointArn;
    this.#totals.inFlight++;
    const record = this.#record(arn);
    const decision = this.#decide(arn);
    // A record keeps the token it was started with (also one of an older version's run-scoped
    // tokens); else the copy's own token, the same in every run and for every event.
    entry.idempotencyToken = record?.idempotencyToken ??
      await copyIdempotencyToken(arn, this.#o.destinationBackupVaultArn, {
        retryOf: decision.action === "start" ? decision.retryOf : undefined,
      });
    entry.attempts = record?.attempts ?? 0;
    const route = routeOf(record, decision);
    switch (route.to) {
      case "ended":
        entry.origin = "resumed";
        applyCheckpointRecord(entry, route.record);
        return this.#finish(entry, route.record.state as CopyOutcome);
      case "give-up":
        return this.#giveUp(entry, route.job);
      case "adopt":
        return await this.#adoptEnded(entry, route.job);
    }
    let copyJobId: string | undefined;
    let origin: CopyOrigin;
    if (route.to === "follow") {
      ({ copyJobId, origin } = route);
    } else {
      // Started by this run's StartCopyJob — which, with a token sent before, answers the job
      // that call created.
      origin = "started";
      copyJobId = await this.#start(entry);
      if (!copyJobId) return;
    }
    entry.origin = origin;
    entry.copyJobId = copyJobId;
    // A resumed point whose record already says so needs no second write.
    const recorded = record?.state === "STARTED" && record.copyJobId === copyJobId;
    if (!recorded && !await this.#checkpoint(entry, "STARTED")) return;
    this.#emit({ type: "started", recoveryPointArn: arn, copyJobId, origin });
    await this.#follow(entry, copyJobId, sizeBytes);
  }

  /**
   * A copy that exists already (COMPLETED or PARTIAL): reported as it is, no call for it. One found
   * in the destination vault (its job older than ListCopyJobs shows) has no job id, and no
   * `started` event.
   */
  async #adoptEnded(entry: CopyReportEntry, job: CopyJob): Promise<void> {
    entry.origin = "existing";
    applyCopyJob(entry, job);
    if (job.CopyJobId) {
      this.#emit({
        type: "started",
        recoveryPointArn: entry.recoveryPointArn,
        copyJobId: job.CopyJobId,
        origin: "existing",
      });
    }
    await this.#ended(entry, job);
  }

  /** `maxFailedCopies` jobs failed already: FAILED with the newest one's message, no new job. */
  #giveUp(entry: CopyReportEntry, newest: CopyJob, inFlight = true): void {
    applyGiveUp(entry, newest, this.#o.maxFailedCopies ?? DEFAULT_MAX_FAILED_COPIES);
    this.#finish(entry, "FAILED", inFlight);
  }

  /** StartCopyJob with retries; the job's id, or `undefined` when the entry ended. */
  async #start(entry: CopyReportEntry): Promise<string | undefined> {
    const o = this.#o;
    const arn = entry.recoveryPointArn;
    const before = entry.attempts;
    // Recorded before the first attempt only: waiting out the account's job limit must not
    // rewrite the checkpoint on every try (STARTED or FAILED records the final count).
    entry.attempts = before + 1;
    if (!await this.#checkpoint(entry, "STARTING")) return undefined;
    const outcome = await startCopyWithRetries(this.#client, {
      recoveryPointArn: arn,
      sourceBackupVaultName: o.sourceBackupVaultName,
      destinationBackupVaultArn: o.destinationBackupVaultArn,
      iamRoleArn: o.iamRoleArn,
      lifecycle: o.lifecycle,
      idempotencyToken: entry.idempotencyToken!,
    }, {
      signal: this.#signal,
      deadline: this.#deadline,
      maxStartAttempts: o.maxStartAttempts,
      retryDelayMs: o.retryDelayMs,
      maxRetryDelayMs: o.maxRetryDelayMs,
      beforeAttempt: (attempt) => {
        entry.attempts = before + attempt;
      },
      onRetry: ({ delayMs, error }) =>
        this.#emit({
          type: "retrying",
          recoveryPointArn: arn,
          attempts: entry.attempts,
          delayMs,
          error,
        }),
    });
    if (outcome.status === "started") {
      this.#refusals = undefined;
      this.#totals.started++;
      return outcome.copyJobId;
    }
    entry.error = outcome.error;
    if (outcome.status === "unfinished") {
      this.#finish(entry, "UNFINISHED");
      return undefined;
    }
    entry.statusMessage = outcome.error.message;
    if (!await this.#checkpoint(entry, "FAILED")) return undefined;
    this.#finish(entry, "FAILED");
    this.#noteRefusal(arn, outcome.error, outcome.cause);
    return undefined;
  }

  /**
   * Stops the run when its first starts were all refused for the same reason (the role cannot
   * be assumed, the vault does not exist…): one error instead of one per recovery point.
   * @throws {CopyRunRefusedError}
   */
  #noteRefusal(arn: string, error: ReportedError, cause: unknown): void {
    const refusals = this.#refusals;
    if (!refusals) return;
    refusals.push({ arn, error, cause });
    if (refusals.length < this.#refusalsToStop) return;
    this.#refusals = undefined;
    const same = (r: { error: ReportedError }) =>
      r.error.name === error.name && r.error.message === error.message;
    if (refusals.every(same)) {
      throw new CopyRunRefusedError(error, refusals.map((r) => r.arn), {
        cause: refusals[0].cause,
      });
    }
  }

  /** Waits for a copy job to end (or the run's time to pass) and reports it. */
  async #follow(entry: CopyReportEntry, copyJobId: string, sizeBytes: number | undefined) {
    const o = this.#o;
    const outcome = await followCopyJob(this.#client, copyJobId, {
      signal: this.#signal,
      deadline: this.#deadline,
      pollIntervalMs: o.pollIntervalMs,
      maxPollIntervalMs: o.maxPollIntervalMs,
      maxPassingFailures: o.maxStartAttempts,
      onPoll: (job) => {
        applyCopyJob(entry, job);
        if (FINAL_COPY_JOB_STATES.includes(job.State)) return;
        this.#emit({
          type: "running",
          recoveryPointArn: entry.recoveryPointArn,
          copyJobId,
          ...pollProgress(job, sizeBytes),
        });
      },
    });
    if (outcome.status === "ended") return await this.#ended(entry, outcome.job);
    entry.error = outcome.error;
    if (outcome.status === "unfinished") return this.#finish(entry, "UNFINISHED");
    entry.statusMessage = outcome.error.message;
    if (await this.#checkpoint(entry, "FAILED")) this.#finish(entry, "FAILED");
  }

  /** A job that ended: its child jobs (of a composite), its checkpoint record, its outcome. */
  async #ended(entry: CopyReportEntry, job: CopyJob): Promise<void> {
    if (job.IsParent && job.CopyJobId) {
      try {
        entry.childJobs = await childCopyJobs(this.#client, job.CopyJobId, {
          signal: this.#callSignal,
        });
      } catch (e) {
        // The copy ended either way: without its children when maxWaitMs cut the listing short.
        this.#signal.throwIfAborted();
        if (!this.#deadline.passed) throw e;
      }
    }
    if (await this.#checkpoint(entry, job.State as CheckpointState)) {
      this.#finish(entry, job.State as CopyOutcome);
    }
  }

  /**
   * Writes the entry's checkpoint record. When `maxWaitMs` passes first, ends the entry
   * UNFINISHED (`MaxWaitExceeded`) and answers `false`: the run goes on without waiting.
   *
   * Exactly once still holds without the answer. A put that never answered may or may not have
   * been written, and a rerun copes with either: a STARTING record holds the token the copy's
   * own token derivation gives anyway, and StartCopyJob was not sent after it; a STARTED or
   * final record left unwritten leaves the one before it (or none), so the rerun sends
   * StartCopyJob with the same token — answered with the same job — or finds the job with
   * ListCopyJobs, and a final state is read again with DescribeCopyJob. A store that answers
   * late only saves the rerun those calls.
   */
  async #checkpoint(entry: CopyReportEntry, state: CheckpointState): Promise<boolean> {
    const record = checkpointRecordOf(entry, state);
    try {
      await this.#storeCall(() => this.#store.put(this.#runId, record));
      return true;
    } catch (e) {
      if (!(e instanceof StoreGaveWay)) throw e;
      entry.error = e.reported;
      this.#finish(entry, "UNFINISHED");
      return false;
    }
  }

  /**
   * A call of the checkpoint store, given way to the run: the caller's signal (rejects with its
   * reason) and `maxWaitMs` (rejects with {@linkcode StoreGaveWay}) end the wait, also for a
   * store that never answers. None is made once `maxWaitMs` has passed. The store's own call
   * is not stopped (its interface takes no signal); its late answer is dropped.
   */
  async #storeCall<T>(call: () => Promise<T>): Promise<T> {
    const deadline = this.#deadline;
    if (deadline.passed) throw new StoreGaveWay(maxWaitError(deadline.ms!));
    try {
      return await abortable(call(), this.#callSignal);
    } catch (e) {
      this.#signal.throwIfAborted();
      // The store's own failure (a CheckpointError) stays one, also near the deadline.
      if (!deadline.signal.aborted || e !== deadline.signal.reason) throw e;
      throw new StoreGaveWay({
        name: "MaxWaitExceeded",
        message: `the checkpoint store did not answer within maxWaitMs (${deadline.ms} ms), so ` +
          `the record may or may not be written; run again to resume`,
      }, { cause: e });
    }
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

/** A checkpoint store call the run stopped waiting for: `maxWaitMs` passed first. */
class StoreGaveWay extends Error {
  override name = "StoreGaveWay";
  /** The entry's error. */
  readonly reported: ReportedError;

  constructor(reported: ReportedError, options?: ErrorOptions) {
    super(reported.message, options);
    this.reported = reported;
  }
}
