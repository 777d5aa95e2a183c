/**
 * The work inside the steps of a vault copy on Workflows: each function makes the AWS Backup
 * calls of one step and answers a small JSON-plain result. A function throws only for a failure
 * the engine should retry (throttling, 5xx, network, after the client's own retries) or, as
 * `NonRetryableError`, for one no retry can fix; every other failure is part of the result.
 *
 * @module
 */

import type { BackupClient } from "../../generated/client.ts";
import { LimitExceededException, ResourceNotFoundException } from "../../generated/errors.ts";
import {
  describeCopyJob,
  listCopyJobs,
  listRecoveryPointsByBackupVault,
  startCopyJob,
} from "../../generated/operations.ts";
import type { CopyJob, ListCopyJobsInput } from "../../generated/types.ts";
import { retryKind } from "../../runtime/retry.ts";
import { copiesByRecoveryPoint, decideCopy, findCopiesOf } from "../existing_copies.ts";
import { copyIdempotencyToken } from "../idempotency_token.ts";
import type { ChildCopyJob, ReportedError } from "../report.ts";
import { listInput, skipReason } from "../selection.ts";
import { NonRetryableError } from "./engine.ts";
import type { Counted, ResolvedOptions } from "./options.ts";
import {
  type BatchPoint,
  FINAL_STATES,
  type JobView,
  jobViewOf,
  pointOf,
  reportedError,
} from "./wire.ts";

/** Whether the engine should try a failed call's step again. */
function retryable(e: unknown): boolean {
  // Every call here is repeatable: reads, and StartCopyJob with its idempotency token.
  return retryKind(e, true) !== undefined;
}

/** `error` as a NonRetryableError naming the operation, unless a retry may help. */
function stepFailure(operation: string, e: unknown): unknown {
  if (retryable(e)) return e;
  const { name, message } = reportedError(e);
  return new NonRetryableError(`${operation} failed: ${name}: ${message}`, { cause: e });
}

/** One page of the source vault, each point with its skip reason if it is not selected. */
export interface ListPageResult extends Counted {
  /** The page's recovery points, in the order AWS listed them. */
  points: BatchPoint[];
  /** The token of the next page, if any. */
  nextToken?: string;
}

/**
 * Lists one page (`batchSize` recovery points) of the source vault and applies the selection.
 * @throws {NonRetryableError} when AWS refuses the listing (e.g. `ResourceNotFoundException`).
 */
export async function listPage(
  o: ResolvedOptions,
  nextToken: string | undefined,
): Promise<ListPageResult> {
  let page;
  try {
    page = await listRecoveryPointsByBackupVault(o.client, {
      ...listInput(o.sourceBackupVaultName, o),
      MaxResults: o.batchSize,
      ...(nextToken === undefined ? {} : { NextToken: nextToken }),
    });
  } catch (e) {
    throw stepFailure("ListRecoveryPointsByBackupVault", e);
  }
  const points: BatchPoint[] = [];
  for (const rp of page.RecoveryPoints ?? []) points.push(pointOf(rp, await skipReason(rp, o)));
  return { points, ...(page.NextToken ? { nextToken: page.NextToken } : {}), calls: 1 };
}

/** What to do about the copy of one selected point, from the copy jobs that exist. */
export type PointDecision =
  /** A COMPLETED or PARTIAL copy exists. */
  | { action: "exists"; job: JobView }
  /** A copy job is CREATED or RUNNING: wait for it. */
  | { action: "in-progress"; job: JobView }
  /** Start a copy (`retryOf`: the newest FAILED job, for the token). */
  | { action: "start"; retryOf?: string };

/** The decisions for a batch's points, by recovery point ARN. */
export interface ExistingCopiesResult extends Counted {
  /** One per point asked about. */
  decisions: Record<string, PointDecision>;
}

/**
 * Lists the copy jobs to the destination vault created after the oldest of `points` (every page
 * of ListCopyJobs `ByDestinationVaultArn`, `ByCreatedAfter`) and decides, for each point, what
 * `decideCopy` decides: a copy made by anyone (another run, an event, the console, AWS itself)
 * counts.
 * @throws {NonRetryableError} when AWS refuses the listing.
 */
export async function existingCopies(
  o: ResolvedOptions,
  points: readonly BatchPoint[],
): Promise<ExistingCopiesResult> {
  const wanted = new Set(points.map((p) => p.recoveryPointArn));
  const times = points.map((p) => p.creationDate && Date.parse(p.creationDate));
  const oldest = times.every((t) => typeof t === "number")
    ? Math.min(...times as number[])
    : undefined;
  const jobs: CopyJob[] = [];
  const calls = await eachCopyJob(o.client, {
    ByDestinationVaultArn: o.destinationBackupVaultArn,
    ...(oldest === undefined ? {} : { ByCreatedAfter: new Date(oldest - 1000) }),
  }, (job) => {
    if (job.SourceRecoveryPointArn && wanted.has(job.SourceRecoveryPointArn)) jobs.push(job);
    return true;
  });
  const copies = copiesByRecoveryPoint(jobs, o.destinationBackupVaultArn);
  const decisions: Record<string, PointDecision> = {};
  for (const arn of wanted) {
    const decision = decideCopy(copies.get(arn) ?? { failed: [] }, Infinity);
    decisions[arn] = decision.action === "exists" || decision.action === "in-progress"
      ? { action: decision.action, job: jobViewOf(decision.job) }
      : decision.action === "start" && decision.retryOf
      ? { action: "start", retryOf: decision.retryOf }
      : { action: "start" };
  }
  return { decisions, calls };
}

/** How one StartCopyJob step ended. */
export type StartResult =
  & Counted
  & { idempotencyToken: string }
  & (
    /** The copy job exists (created now, or earlier with the same token). */
    | { kind: "started"; job: JobView }
    /** AWS refused the start for good (the point ends `FAILED`). */
    | { kind: "failed"; error: ReportedError }
    /** `LimitExceededException`: try again once jobs have ended. */
    | { kind: "deferred"; error: ReportedError }
  );

/**
 * StartCopyJob for one point, with the copy's run-independent idempotency token
 * (`copyIdempotencyToken`: the same token `copyRecoveryPoints` and `copyOnBackupEvent` send),
 * so a step the engine runs again gets the job the first attempt created.
 * @throws the client's error when a retry may help (throttling, 5xx, network).
 */
export async function startCopy(
  o: ResolvedOptions,
  point: BatchPoint,
  retryOf: string | undefined,
): Promise<StartResult> {
  const arn = point.recoveryPointArn;
  const idempotencyToken = await copyIdempotencyToken(arn, o.destinationBackupVaultArn, {
    retryOf,
  });
  let calls = 1;
  try {
    const output = await startCopyJob(o.client, {
      RecoveryPointArn: arn,
      SourceBackupVaultName: o.sourceBackupVaultName,
      DestinationBackupVaultArn: o.destinationBackupVaultArn,
      IamRoleArn: o.iamRoleArn,
      IdempotencyToken: idempotencyToken,
      ...(o.lifecycle ? { Lifecycle: o.lifecycle } : {}),
    });
    let job: JobView | undefined = output.CopyJobId
      ? {
        copyJobId: output.CopyJobId,
        ...(output.CreationDate ? { creationDate: output.CreationDate.toISOString() } : {}),
        ...(output.IsParent ? { isParent: true } : {}),
      }
      : undefined;
    if (!job) {
      // AWS documents a repeated token as "a success message with no action taken"; should that
      // answer not name the job, ListCopyJobs does.
      calls++;
      const copies = await findCopiesOf(o.client, arn, o.destinationBackupVaultArn);
      const found = copies.inProgress ?? copies.done;
      if (found?.CopyJobId) job = jobViewOf(found);
    }
    if (job) return { kind: "started", job, idempotencyToken, calls };
    return {
      kind: "failed",
      error: {
        name: "InvalidResponse",
        message: "StartCopyJob answered no CopyJobId and ListCopyJobs shows no copy job",
      },
      idempotencyToken,
      calls,
    };
  } catch (e) {
    if (e instanceof LimitExceededException) {
      return { kind: "deferred", error: reportedError(e), idempotencyToken, calls };
    }
    if (retryable(e)) throw e;
    return { kind: "failed", error: reportedError(e), idempotencyToken, calls };
  }
}

/** The states of the jobs a batch waits for. */
export interface CheckResult extends Counted {
  /** By `CopyJobId`: what AWS says of each job asked about. */
  jobs: Record<string, JobView>;
}

/**
 * The state of every job a batch waits for: one ListCopyJobs `ByDestinationVaultArn`,
 * `ByCreatedAfter` the oldest of them (pages until all are found), DescribeCopyJob for any it
 * does not show (ListCopyJobs may lag), and ListCopyJobs `ByParentJobId` for a composite job that
 * ended. A job AWS no longer knows is reported FAILED.
 * @throws {NonRetryableError} when AWS refuses a call no retry can fix.
 */
export async function checkJobs(
  o: ResolvedOptions,
  waiting: readonly JobView[],
): Promise<CheckResult> {
  const wanted = new Map(waiting.map((j) => [j.copyJobId, j]));
  const found: Record<string, JobView> = {};
  let calls = 0;
  const times = waiting.map((j) => j.creationDate && Date.parse(j.creationDate));
  if (waiting.length > 1 && times.every((t) => typeof t === "number")) {
    const missing = new Set(wanted.keys());
    calls += await eachCopyJob(o.client, {
      ByDestinationVaultArn: o.destinationBackupVaultArn,
      ByCreatedAfter: new Date(Math.min(...times as number[]) - 1000),
    }, (job) => {
      if (job.CopyJobId && missing.delete(job.CopyJobId)) found[job.CopyJobId] = jobViewOf(job);
      return missing.size > 0;
    });
  }
  for (const id of wanted.keys()) {
    if (found[id]) continue;
    calls++;
    try {
      const { CopyJob: job } = await describeCopyJob(o.client, { CopyJobId: id });
      found[id] = job
        ? jobViewOf(job)
        : { copyJobId: id, state: "FAILED", statusMessage: "DescribeCopyJob answered no CopyJob" };
    } catch (e) {
      if (!(e instanceof ResourceNotFoundException)) throw stepFailure("DescribeCopyJob", e);
      found[id] = { copyJobId: id, state: "FAILED", statusMessage: reportedError(e).message };
    }
  }
  for (const job of Object.values(found)) {
    if (!job.isParent || !FINAL_STATES.includes(job.state ?? "")) continue;
    const children: ChildCopyJob[] = [];
    calls += await eachCopyJob(o.client, { ByParentJobId: job.copyJobId }, (child) => {
      children.push({
        ...(child.CopyJobId ? { copyJobId: child.CopyJobId } : {}),
        ...(child.SourceRecoveryPointArn ? { recoveryPointArn: child.SourceRecoveryPointArn } : {}),
        ...(child.ResourceArn ? { resourceArn: child.ResourceArn } : {}),
        ...(child.ResourceType ? { resourceType: child.ResourceType } : {}),
        ...(child.State ? { state: child.State } : {}),
        ...(child.StatusMessage ? { statusMessage: child.StatusMessage } : {}),
      });
      return true;
    });
    job.childJobs = children;
  }
  return { jobs: found, calls };
}

/**
 * Calls `visit` with each copy job ListCopyJobs answers for `input`, page by page, until the
 * pages end or `visit` answers false; returns the pages fetched.
 * @throws {NonRetryableError} when AWS refuses the listing; the client's error when a retry may
 * help.
 */
async function eachCopyJob(
  client: BackupClient,
  input: ListCopyJobsInput,
  visit: (job: CopyJob) => boolean,
): Promise<number> {
  let pages = 0;
  let token: string | undefined;
  const seen = new Set<string>();
  for (;;) {
    let page;
    try {
      page = await listCopyJobs(client, {
        ...input,
        MaxResults: 1000,
        ...(token === undefined ? {} : { NextToken: token }),
      });
    } catch (e) {
      throw stepFailure("ListCopyJobs", e);
    }
    pages++;
    for (const job of page.CopyJobs ?? []) if (!visit(job)) return pages;
    token = page.NextToken;
    if (!token) return pages;
    if (seen.has(token)) {
      throw new NonRetryableError(`ListCopyJobs repeated its continuation token ${token}`);
    }
    seen.add(token);
  }
}
