/**
 * Building report entries: one from a listed recovery point, filled in from a copy job or a
 * checkpoint record, and the checkpoint record an entry becomes. Used by `copyRecoveryPoints`
 * and reusable by other drivers of a copy (a Workflow, an event handler).
 *
 * @module
 */

import type { BackupClient } from "../generated/client.ts";
import { paginateListCopyJobs } from "../generated/paginators.ts";
import type { CopyJob, RecoveryPointByBackupVault } from "../generated/types.ts";
import type { CheckpointRecord, CheckpointState } from "./checkpoint.ts";
import type { ChildCopyJob, CopyReportEntry } from "./report.ts";

/** A `PLANNED` entry for a listed recovery point, with what the listing says about it. */
export function newReportEntry(rp: RecoveryPointByBackupVault): CopyReportEntry {
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

/**
 * Reads a copy job (DescribeCopyJob or ListCopyJobs) into an entry: its id, the copy's ARN,
 * status message, bytes, dates and duration. The outcome is left to the caller.
 */
export function applyCopyJob(entry: CopyReportEntry, job: CopyJob): void {
  if (job.CopyJobId) entry.copyJobId = job.CopyJobId;
  if (job.DestinationRecoveryPointArn) {
    entry.destinationRecoveryPointArn = job.DestinationRecoveryPointArn;
  }
  if (job.StatusMessage) entry.statusMessage = job.StatusMessage;
  if (job.BackupSizeInBytes !== undefined) entry.bytesTransferred = job.BackupSizeInBytes;
  if (job.CreationDate) entry.startedAt = job.CreationDate;
  if (job.CompletionDate) entry.finishedAt = job.CompletionDate;
  setDuration(entry);
}

/**
 * Reads a copy given up on into an entry: `maxFailedCopies` copy jobs of it failed already
 * (`decideCopy`'s `give-up`), `newest` the newest of them. Its `error` (`MaxFailedCopies`) quotes
 * that job's status message; the outcome, `FAILED`, is left to the caller.
 */
export function applyGiveUp(
  entry: CopyReportEntry,
  newest: CopyJob,
  maxFailedCopies: number,
): void {
  entry.origin = "existing";
  applyCopyJob(entry, newest);
  entry.error = {
    name: "MaxFailedCopies",
    message: `${maxFailedCopies} or more copy jobs of this recovery point to the destination ` +
      `failed (newest ${newest.CopyJobId}: ${newest.StatusMessage ?? "no status message"}); ` +
      `no new one started (maxFailedCopies ${maxFailedCopies})`,
  };
}

/** Reads a checkpoint record into an entry (a resumed copy). */
export function applyCheckpointRecord(entry: CopyReportEntry, record: CheckpointRecord): void {
  entry.idempotencyToken = record.idempotencyToken;
  entry.attempts = record.attempts;
  if (record.copyJobId) entry.copyJobId = record.copyJobId;
  if (record.statusMessage) entry.statusMessage = record.statusMessage;
  if (record.startedAt) entry.startedAt = new Date(record.startedAt);
  if (record.finishedAt) entry.finishedAt = new Date(record.finishedAt);
  setDuration(entry);
}

/** The checkpoint record of an entry that reached `state` (its token must be set). */
export function checkpointRecordOf(
  entry: CopyReportEntry,
  state: CheckpointState,
): CheckpointRecord {
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
  return record;
}

/**
 * The child jobs of a composite copy job (ListCopyJobs `ByParentJobId`, every page).
 *
 * @throws {ServiceException} ListCopyJobs failed after the client's retries.
 */
export async function childCopyJobs(
  client: BackupClient,
  parentJobId: string,
  options: { signal?: AbortSignal | undefined } = {},
): Promise<ChildCopyJob[]> {
  const children: ChildCopyJob[] = [];
  const pages = paginateListCopyJobs(
    client,
    { ByParentJobId: parentJobId },
    options.signal ? { signal: options.signal } : {},
  );
  for await (const child of pages.items()) {
    const entry: ChildCopyJob = {};
    if (child.CopyJobId) entry.copyJobId = child.CopyJobId;
    if (child.SourceRecoveryPointArn) entry.recoveryPointArn = child.SourceRecoveryPointArn;
    if (child.ResourceArn) entry.resourceArn = child.ResourceArn;
    if (child.ResourceType) entry.resourceType = child.ResourceType;
    if (child.State) entry.state = child.State;
    if (child.StatusMessage) entry.statusMessage = child.StatusMessage;
    children.push(entry);
  }
  return children;
}

function setDuration(entry: CopyReportEntry): void {
  if (entry.startedAt && entry.finishedAt) {
    entry.durationMs = entry.finishedAt.getTime() - entry.startedAt.getTime();
  }
}
