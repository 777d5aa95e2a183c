/**
 * The work inside the steps of a vault copy on Workflows, done by the copier's own pieces
 * (selection, existing copies, StartCopyJob, child jobs): each function makes the AWS Backup
 * calls of one step and answers a small JSON-plain result. A function throws only for a failure
 * the engine should retry (throttling, 5xx, network, after the client's own retries: a passing
 * failure, as `passingFailure` tells) or, as `NonRetryableError`, for one no retry can fix;
 * every other failure is part of the result.
 *
 * @module
 */

import type { BackupClient } from "../../generated/client.ts";
import { describeCopyJob, listRecoveryPointsByBackupVault } from "../../generated/operations.ts";
import { paginateListCopyJobs } from "../../generated/paginators.ts";
import { passingFailure, type ReportedError, reportedError } from "../errors.ts";
import { findExistingCopies } from "../destination_copies.ts";
import { decideCopy } from "../existing_copies.ts";
import { FINAL_COPY_JOB_STATES } from "../follow_copy_job.ts";
import { storageClassOf } from "../list_selection.ts";
import type { ChildCopyJob } from "../report.ts";
import { childCopyJobs } from "../report_entries.ts";
import { listInput, type SkipReason, skipReason, storageClassSkip } from "../selection.ts";
import { type StartCopyAnswer, startCopyOnce } from "../start_copy.ts";
import { NonRetryableError } from "./engine.ts";
import type { ResolvedOptions } from "./options.ts";
import { type BatchPoint, type JobView, jobViewOf, pointOf } from "./wire.ts";

/** `error` as a NonRetryableError naming the operation, unless a retry may help. */
function stepFailure(operation: string, e: unknown): unknown {
  if (passingFailure(e)) return e;
  const { name, message } = reportedError(e);
  return new NonRetryableError(`${operation} failed: ${name}: ${message}`, { cause: e });
}

/** One page of the source vault, each point with its skip reason if it is not selected. */
export interface ListPageResult {
  /** The page's recovery points, in the order AWS listed them. */
  points: BatchPoint[];
  /** The token of the next page, if any. */
  nextToken?: string;
  /** The source vault's ARN, as the page lists it (absent for an empty page). */
  sourceVaultArn?: string;
}

/**
 * Lists one page (`batchSize` recovery points) of the source vault and applies the selection as
 * `copyRecoveryPoints` does (`skipReason`), but for the storage class: a point whose lifecycle has
 * moved it to cold storage carries `moveToColdStorageAt`, and its batch reads the storage class —
 * one DescribeRecoveryPoint each would otherwise all fall on the run instance's budget.
 * @throws {NonRetryableError} when AWS refuses the listing (e.g. `ResourceNotFoundException`).
 */
export async function listPage(
  client: BackupClient,
  o: ResolvedOptions,
  nextToken: string | undefined,
): Promise<ListPageResult> {
  let page;
  try {
    page = await listRecoveryPointsByBackupVault(client, {
      ...listInput(o.sourceBackupVaultName, o),
      MaxResults: o.batchSize,
      ...(nextToken === undefined ? {} : { NextToken: nextToken }),
    });
  } catch (e) {
    throw stepFailure("ListRecoveryPointsByBackupVault", e);
  }
  const points: BatchPoint[] = [];
  let sourceVaultArn: string | undefined;
  for (const rp of page.RecoveryPoints ?? []) {
    sourceVaultArn ??= rp.BackupVaultArn;
    // Called only when the rules reach the storage class: read later, taken as not COLD here.
    let coldSince: Date | undefined;
    const skip = await skipReason(rp, o, {
      storageClass: (listed) => {
        coldSince = listed.CalculatedLifecycle?.MoveToColdStorageAt;
        return Promise.resolve(undefined);
      },
    });
    points.push(pointOf(rp, skip, coldSince));
  }
  return {
    points,
    ...(page.NextToken ? { nextToken: page.NextToken } : {}),
    ...(sourceVaultArn ? { sourceVaultArn } : {}),
  };
}

/**
 * The storage class rule for points whose lifecycle moved them to cold storage: DescribeRecoveryPoint
 * each (`storageClassOf`: a point whose storage class cannot be read is copied, and StartCopyJob
 * decides), and the `STORAGE_CLASS` skip of those in COLD or DELETED storage, by recovery point ARN.
 */
export async function storageClassSkips(
  client: BackupClient,
  o: ResolvedOptions,
  points: readonly BatchPoint[],
): Promise<Record<string, SkipReason>> {
  const skips: Record<string, SkipReason> = {};
  for (const point of points) {
    if (!point.moveToColdStorageAt) continue;
    const arn = point.recoveryPointArn;
    const storageClass = await storageClassOf(client, o.sourceBackupVaultName, arn);
    const skip = storageClassSkip(storageClass, new Date(point.moveToColdStorageAt));
    if (skip) skips[arn] = skip;
  }
  return skips;
}

/** What to do about the copy of one selected point: `decideCopy`'s decision, as a step carries it. */
export type PointDecision =
  /** A COMPLETED or PARTIAL copy exists (of a composite: with its child jobs). */
  | { action: "exists"; job: JobView; childJobs?: ChildCopyJob[] }
  /** A copy job is CREATED or RUNNING: wait for it. */
  | { action: "in-progress"; job: JobView }
  /** Start a copy (`retryOf`: the newest FAILED job, for the token). */
  | { action: "start"; retryOf?: string }
  /** `maxFailedCopies` jobs failed: start none; `job` is the newest. */
  | { action: "give-up"; job: JobView };

/**
 * The copies of `points` that exist (`findExistingCopies`: ListCopyJobs by source recovery point
 * for a few points, else one listing by destination; for points older than ListCopyJobs shows,
 * the destination vault when it is in the client's Region and the source vault's account) and,
 * for each, what `decideCopy` decides with `maxFailedCopies`: a copy made by anyone (another
 * run, an event, the console, AWS itself) counts. The child jobs of a composite copy that exists
 * are listed (`childCopyJobs`).
 * @throws {NonRetryableError} when AWS refuses a listing (or the destination vault listed is
 * another's).
 */
export async function existingCopies(
  client: BackupClient,
  o: ResolvedOptions,
  points: readonly BatchPoint[],
  sourceVaultArn: string | undefined,
  now: number,
): Promise<Record<string, PointDecision>> {
  try {
    const copies = await findExistingCopies(
      client,
      points.map((p) => ({
        recoveryPointArn: p.recoveryPointArn,
        resourceArn: p.resourceArn,
        ...(p.recoveryPointCreationDate
          ? { creationDate: new Date(p.recoveryPointCreationDate) }
          : {}),
      })),
      o.destinationBackupVaultArn,
      { sourceVaultArn, now },
    );
    const decisions: Record<string, PointDecision> = {};
    for (const { recoveryPointArn: arn } of points) {
      const decision = decideCopy(copies.get(arn) ?? { failed: [] }, o.maxFailedCopies);
      if (decision.action === "start") {
        decisions[arn] = decision.retryOf
          ? { action: "start", retryOf: decision.retryOf }
          : { action: "start" };
        continue;
      }
      const id = decision.job.CopyJobId ?? "";
      const job = jobViewOf({ ...decision.job, CopyJobId: id });
      decisions[arn] = decision.action === "exists" && job.IsParent && id
        ? { action: "exists", job, childJobs: await childCopyJobs(client, id) }
        : { action: decision.action, job };
    }
    return decisions;
  } catch (e) {
    throw stepFailure("ListCopyJobs", e);
  }
}

/** How one StartCopyJob step ended. */
export type StartResult =
  /** The copy job exists (created now, or earlier with the same token). */
  | { kind: "started"; job: JobView }
  /** AWS refused the start for good (the point ends `FAILED`). */
  | { kind: "failed"; error: ReportedError }
  /** `LimitExceededException`: try again once jobs have ended. */
  | { kind: "deferred"; error: ReportedError };

/**
 * StartCopyJob for one point (`startCopyOnce`) with the token the batch derived for it
 * (`copyIdempotencyToken`), so a step the engine runs again gets the job the first attempt
 * created.
 * @throws the client's error when a retry may help (throttling, 5xx, network).
 */
export async function startCopy(
  client: BackupClient,
  o: ResolvedOptions,
  recoveryPointArn: string,
  idempotencyToken: string,
): Promise<StartResult> {
  let answer: StartCopyAnswer;
  try {
    answer = await startCopyOnce(client, {
      recoveryPointArn,
      sourceBackupVaultName: o.sourceBackupVaultName,
      destinationBackupVaultArn: o.destinationBackupVaultArn,
      iamRoleArn: o.iamRoleArn,
      lifecycle: o.lifecycle,
      idempotencyToken,
    });
  } catch (e) {
    const kind = passingFailure(e);
    if (kind === "limit") return { kind: "deferred", error: reportedError(e) };
    if (kind) throw e;
    return { kind: "failed", error: reportedError(e) };
  }
  return "job" in answer
    ? { kind: "started", job: jobViewOf(answer.job) }
    : { kind: "failed", error: answer.error };
}

/** What a `check` step learned of one job. */
export type JobCheck =
  /** What AWS says of it now; of a composite job that ended, its child jobs too. */
  | { job: JobView; childJobs?: ChildCopyJob[] }
  /** DescribeCopyJob refused (e.g. `ResourceNotFoundException`) or answered no job. */
  | { error: ReportedError };

/**
 * The state of every job a batch waits for: one ListCopyJobs `ByDestinationVaultArn`,
 * `ByCreatedAfter` the oldest of them (pages until all are found), DescribeCopyJob for any it
 * does not show (ListCopyJobs may lag), and the child jobs of a composite job that ended
 * (`childCopyJobs`). A job DescribeCopyJob refuses for good is an `error`, as `followCopyJob`
 * reports it.
 * @throws {NonRetryableError} when AWS refuses a listing no retry can fix.
 */
export async function checkJobs(
  client: BackupClient,
  o: ResolvedOptions,
  waiting: readonly JobView[],
): Promise<Record<string, JobCheck>> {
  const found: Record<string, JobCheck> = {};
  const times = waiting.map((j) => j.CreationDate && Date.parse(j.CreationDate));
  if (waiting.length > 1 && times.every((t) => typeof t === "number")) {
    const missing = new Set(waiting.map((j) => j.CopyJobId));
    try {
      const pages = paginateListCopyJobs(client, {
        ByDestinationVaultArn: o.destinationBackupVaultArn,
        ByCreatedAfter: new Date(Math.min(...times as number[]) - 1000),
      }, { pageSize: 1000 });
      for await (const page of pages) {
        for (const job of page.CopyJobs ?? []) {
          const id = job.CopyJobId;
          if (id && missing.delete(id)) found[id] = { job: jobViewOf({ ...job, CopyJobId: id }) };
        }
        if (!missing.size) break;
      }
    } catch (e) {
      throw stepFailure("ListCopyJobs", e);
    }
  }
  for (const { CopyJobId: id } of waiting) {
    if (found[id]) continue;
    try {
      const { CopyJob: job } = await describeCopyJob(client, { CopyJobId: id });
      found[id] = job
        ? { job: jobViewOf({ ...job, CopyJobId: id }) }
        : { error: { name: "InvalidResponse", message: "DescribeCopyJob answered no CopyJob" } };
    } catch (e) {
      if (passingFailure(e)) throw e;
      found[id] = { error: reportedError(e) };
    }
  }
  for (const [id, check] of Object.entries(found)) {
    if (!("job" in check) || !check.job.IsParent) continue;
    if (!FINAL_COPY_JOB_STATES.includes(check.job.State)) continue;
    try {
      check.childJobs = await childCopyJobs(client, id);
    } catch (e) {
      throw stepFailure("ListCopyJobs", e);
    }
  }
  return found;
}
