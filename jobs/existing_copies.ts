/**
 * What "the copy" of a recovery point in a vault is, as both the event path
 * (`copyOnBackupEvent`) and the sweep (`copyRecoveryPoints`) judge it: the top-level copy jobs
 * ListCopyJobs shows from that recovery point to that vault — whoever started them (an earlier
 * delivery, another run, the console, or AWS itself, e.g. the copies of a logically air-gapped
 * vault's primary backups, which carry `CreatedByBackupJobId`).
 *
 * @module
 */

import type { BackupClient } from "../generated/client.ts";
import { paginateListCopyJobs } from "../generated/paginators.ts";
import type { CopyJob } from "../generated/types.ts";
import { ValidationError, type ValidationIssue } from "../runtime/errors.ts";
import { describe } from "../runtime/plain_objects.ts";
import {
  arnIssue,
  helperOptionIssues,
  integerIssue,
  requiredVaultArnIssue,
} from "./option_checks.ts";

/**
 * FAILED copy jobs of a recovery point to a vault after which no new one is started, by default
 * (`copyRecoveryPoints`' `maxFailedCopies`; the event path should pass the same to
 * {@linkcode decideCopy} so both give up together). A copy that failed three times usually fails
 * for a lasting reason (a key or vault access policy, an unsupported resource): a nightly sweep
 * then reports it instead of adding a failed job every night.
 */
export const DEFAULT_MAX_FAILED_COPIES = 3;

/** What ListCopyJobs shows of the copy jobs of one recovery point to one vault. */
export interface CopiesOfRecoveryPoint {
  /** The newest COMPLETED or PARTIAL job: the copy exists. */
  done?: CopyJob;
  /** The newest CREATED or RUNNING job: the copy is being made. */
  inProgress?: CopyJob;
  /** The FAILED jobs, newest first. */
  failed: CopyJob[];
}

/** What to do about the copy of one recovery point, from {@linkcode decideCopy}. */
export type CopyDecision =
  /** A COMPLETED or PARTIAL copy exists: start nothing. */
  | { action: "exists"; job: CopyJob }
  /** A copy job is CREATED or RUNNING: start nothing, wait for it if you need the outcome. */
  | { action: "in-progress"; job: CopyJob }
  /**
   * Start a copy; `retryOf` (the newest FAILED job) goes into the idempotency token, so every
   * process retrying the same failure sends the same token.
   */
  | { action: "start"; retryOf?: string }
  /** `maxFailedCopies` copy jobs failed already: start no more; `job` is the newest. */
  | { action: "give-up"; job: CopyJob };

/**
 * Sorts copy jobs by source recovery point: only top-level jobs (no `ParentJobId`) to
 * `destinationBackupVaultArn` count; the child jobs of a composite copy belong to their parent.
 *
 * @param jobs e.g. the items of ListCopyJobs `ByDestinationVaultArn`.
 * @returns one entry per source recovery point ARN that has a job.
 * @throws {ValidationError} `jobs` is not iterable, or `destinationBackupVaultArn` not a vault ARN.
 */
export function copiesByRecoveryPoint(
  jobs: Iterable<CopyJob>,
  destinationBackupVaultArn: string,
): Map<string, CopiesOfRecoveryPoint> {
  refuse("copiesByRecoveryPoint", [
    ...(typeof (jobs as Partial<Iterable<CopyJob>> | null)?.[Symbol.iterator] === "function"
      ? []
      : [{ path: "jobs", message: `must be an iterable of copy jobs, not ${describe(jobs)}` }]),
    ...requiredVaultArnIssue("destinationBackupVaultArn", destinationBackupVaultArn),
  ]);
  const found = new Map<string, CopiesOfRecoveryPoint>();
  for (const job of jobs) {
    const arn = job.SourceRecoveryPointArn;
    if (!arn || job.ParentJobId || job.DestinationBackupVaultArn !== destinationBackupVaultArn) {
      continue;
    }
    let copies = found.get(arn);
    if (!copies) found.set(arn, copies = { failed: [] });
    addJob(copies, job);
  }
  for (const copies of found.values()) copies.failed.sort((a, b) => created(b) - created(a));
  return found;
}

/**
 * The copy jobs of one recovery point to one vault: ListCopyJobs `BySourceRecoveryPointArn`
 * (model 2026-04-08) and `ByDestinationVaultArn`, every page.
 *
 * ListCopyJobs shows the calling account's jobs, for a limited time (AWS documents 30 days for
 * job lists), and may lag a job created a moment ago: the idempotency token covers that gap.
 *
 * @throws {ValidationError} an argument is not of its shape (nothing sent).
 * @throws {ServiceException} ListCopyJobs failed after the client's retries.
 * @throws the signal's reason when aborted.
 */
export async function findCopiesOf(
  client: BackupClient,
  recoveryPointArn: string,
  destinationBackupVaultArn: string,
  options: { signal?: AbortSignal | undefined } = {},
): Promise<CopiesOfRecoveryPoint> {
  refuse("findCopiesOf", [
    ...arnIssue("recoveryPointArn", recoveryPointArn),
    ...requiredVaultArnIssue("destinationBackupVaultArn", destinationBackupVaultArn),
    ...helperOptionIssues(options, SIGNAL_ONLY),
  ]);
  const jobs: CopyJob[] = [];
  const pages = paginateListCopyJobs(client, {
    BySourceRecoveryPointArn: recoveryPointArn,
    ByDestinationVaultArn: destinationBackupVaultArn,
  }, options.signal ? { signal: options.signal } : {});
  for await (const job of pages.items()) {
    // The service filters; checked again so a service that ignores a filter cannot mislead.
    if (job.SourceRecoveryPointArn === recoveryPointArn) jobs.push(job);
  }
  return copiesByRecoveryPoint(jobs, destinationBackupVaultArn).get(recoveryPointArn) ??
    { failed: [] };
}

/**
 * Up to this many recovery points, {@linkcode findCopiesOfMany} asks ListCopyJobs by source
 * recovery point, one each; beyond, it lists the destination's jobs once.
 */
export const PER_POINT_LOOKUP_MAX = 10;

/**
 * The copy jobs to one vault of several recovery points, by source recovery point ARN (points
 * without a job are absent). A few points are looked up one by one (ListCopyJobs
 * `BySourceRecoveryPointArn`: one short answer each, however busy the vault); more are found in
 * one listing of the jobs to the destination (`ByDestinationVaultArn`, created after the oldest
 * of them — a copy job is created after its recovery point).
 *
 * @throws {ValidationError} an argument is not of its shape (nothing sent).
 * @throws {ServiceException} ListCopyJobs failed after the client's retries.
 * @throws the signal's reason when aborted.
 */
export async function findCopiesOfMany(
  client: BackupClient,
  recoveryPoints: readonly { recoveryPointArn: string; creationDate?: Date | undefined }[],
  destinationBackupVaultArn: string,
  options: { signal?: AbortSignal | undefined } = {},
): Promise<Map<string, CopiesOfRecoveryPoint>> {
  refuse("findCopiesOfMany", [
    ...recoveryPointsIssues("recoveryPoints", recoveryPoints),
    ...requiredVaultArnIssue("destinationBackupVaultArn", destinationBackupVaultArn),
    ...helperOptionIssues(options, SIGNAL_ONLY),
  ]);
  if (recoveryPoints.length <= PER_POINT_LOOKUP_MAX) {
    const found = new Map<string, CopiesOfRecoveryPoint>();
    for (const { recoveryPointArn } of recoveryPoints) {
      const copies = await findCopiesOf(
        client,
        recoveryPointArn,
        destinationBackupVaultArn,
        options,
      );
      if (copies.done || copies.inProgress || copies.failed.length) {
        found.set(recoveryPointArn, copies);
      }
    }
    return found;
  }
  const wanted = new Set(recoveryPoints.map((p) => p.recoveryPointArn));
  let oldest: number | undefined = Infinity;
  for (const { creationDate } of recoveryPoints) {
    const t = creationDate?.getTime();
    oldest = t === undefined || oldest === undefined ? undefined : Math.min(oldest, t);
  }
  const pages = paginateListCopyJobs(client, {
    ByDestinationVaultArn: destinationBackupVaultArn,
    ...(oldest === undefined ? {} : { ByCreatedAfter: new Date(oldest - 1000) }),
  }, options.signal ? { signal: options.signal } : {});
  const jobs: CopyJob[] = [];
  for await (const job of pages.items()) {
    if (job.SourceRecoveryPointArn && wanted.has(job.SourceRecoveryPointArn)) jobs.push(job);
  }
  return copiesByRecoveryPoint(jobs, destinationBackupVaultArn);
}

/**
 * Decides what to do about one copy: a finished copy wins over one in progress, which wins over
 * starting; after `maxFailedCopies` FAILED jobs, give up.
 *
 * @param copies what {@linkcode findCopiesOf} found.
 * @param maxFailedCopies FAILED copy jobs after which no new one is started (at least 1).
 * @throws {ValidationError} `copies` has no `failed` array, or `maxFailedCopies` is not an
 *   integer of at least 1 (one check each: no loop).
 */
export function decideCopy(copies: CopiesOfRecoveryPoint, maxFailedCopies: number): CopyDecision {
  if (
    !Array.isArray(copies?.failed) || !Number.isSafeInteger(maxFailedCopies) || maxFailedCopies < 1
  ) {
    refuse("decideCopy", [
      ...(Array.isArray(copies?.failed) ? [] : [{
        path: "copies",
        message:
          `must be the copies of a recovery point ({ done?, inProgress?, failed: [] }), not ${
            describe(copies)
          }`,
      }]),
      ...integerIssue("maxFailedCopies", maxFailedCopies ?? NaN, 1),
    ]);
  }
  if (copies.done) return { action: "exists", job: copies.done };
  if (copies.inProgress) return { action: "in-progress", job: copies.inProgress };
  const [newest] = copies.failed;
  if (!newest) return { action: "start" };
  if (copies.failed.length >= maxFailedCopies) return { action: "give-up", job: newest };
  return newest.CopyJobId ? { action: "start", retryOf: newest.CopyJobId } : { action: "start" };
}

const SIGNAL_ONLY = ["signal"];

/** Throws a `ValidationError` of `fn`'s arguments when there are issues. */
export function refuse(fn: string, issues: ValidationIssue[]): void {
  if (issues.length) throw new ValidationError(`${fn} arguments`, issues);
}

/** Issues with a list of recovery points: an array of objects, each with a recovery point ARN. */
export function recoveryPointsIssues(path: string, points: unknown): ValidationIssue[] {
  if (!Array.isArray(points)) {
    return [{
      path,
      message: `must be an array of { recoveryPointArn, creationDate? }, not ${describe(points)}`,
    }];
  }
  // Once per call, before any request: the loop is over the caller's list, not a hot path.
  return points.flatMap((
    point: { recoveryPointArn?: unknown; creationDate?: unknown } | null,
    i,
  ) => [
    ...arnIssue(`${path}[${i}].recoveryPointArn`, point?.recoveryPointArn),
    ...(point?.creationDate === undefined || point.creationDate instanceof Date
      ? []
      : [{ path: `${path}[${i}].creationDate`, message: "must be a Date" }]),
  ]);
}

function addJob(copies: CopiesOfRecoveryPoint, job: CopyJob): void {
  switch (job.State) {
    case "COMPLETED":
    case "PARTIAL":
      if (!copies.done || created(job) > created(copies.done)) copies.done = job;
      break;
    case "FAILED":
      copies.failed.push(job);
      break;
    default: // CREATED, RUNNING, or a state newer than the model
      if (!copies.inProgress || created(job) > created(copies.inProgress)) {
        copies.inProgress = job;
      }
  }
}

function created(job: CopyJob): number {
  return job.CreationDate?.getTime() ?? 0;
}
