/**
 * The destination vault as evidence of a copy. ListCopyJobs lists a copy job for a limited time
 * (AWS documents its job lists for 30 days: "Returns a list of existing backup jobs for an
 * authenticated account for the last 30 days", ListBackupJobs,
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_ListBackupJobs.html; "copy jobs
 * created or running within the most recent 30 days", ListCopyJobSummaries), but the copy stays in
 * the destination vault, where it is found by where it came from: resource, creation date (copies
 * keep their source's: developer guide, "Backup and tag copy",
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/recov-point-create-a-copy.html) and
 * source vault. `verifyCopies` reads it to judge copies; `copyRecoveryPoints` and the Workflow's
 * batches read it so that a recovery point whose copy job has aged out of ListCopyJobs is not
 * copied a second time.
 *
 * @module
 */

import type { BackupClient } from "../generated/client.ts";
import { paginateListRecoveryPointsByBackupVault } from "../generated/paginators.ts";
import type { CopyJob, RecoveryPointByBackupVault } from "../generated/types.ts";
import {
  type CopiesOfRecoveryPoint,
  findCopiesOfMany,
  recoveryPointsIssues,
  refuse,
} from "./existing_copies.ts";
import { helperOptionIssues, requiredVaultArnIssue } from "./option_checks.ts";

/** Days ListCopyJobs lists a copy job, as AWS documents its job lists. */
export const JOB_LIST_DAYS = 30;

/**
 * A recovery point created longer ago than this may have a copy whose job ListCopyJobs no longer
 * lists (a copy job is created after its recovery point): {@linkcode JOB_LIST_DAYS} less a day,
 * for clocks that differ. In milliseconds.
 */
// 29 days, written out: a bundler keeps an unused arithmetic expression, and this module must not
// reach bundles that only call operations (tests/tree_shaking_test.ts).
export const JOB_LIST_HORIZON_MS: number = 2_505_600_000;

/**
 * The destination vault listed by name answered recovery points of another vault: the client
 * reading it has credentials of another account (or Region) than the vault's ARN names, so what
 * it holds cannot be judged from that listing.
 */
export class DestinationVaultMismatchError extends Error {
  /** Always `DestinationVaultMismatchError`. */
  override name = "DestinationVaultMismatchError";
  /** The destination vault's ARN, as given. */
  readonly expected: string;
  /** The `BackupVaultArn` the listing answered. */
  readonly listed: string;

  /**
   * Names both ARNs.
   * @param expected the destination vault's ARN, as given.
   * @param listed the `BackupVaultArn` the listing answered.
   */
  constructor(expected: string, listed: string) {
    super(
      `Listing the destination vault by name answered recovery points of ${listed}, not of ` +
        `${expected}: the client reading it belongs to another account or Region than the ` +
        `vault (give a client with credentials of the vault's account, in its Region)`,
    );
    this.expected = expected;
    this.listed = listed;
  }
}

/** What the destination vault holds: status by copy ARN, and completed copies by origin. */
export interface DestinationView {
  /** `Status` of every recovery point listed, by its ARN. */
  statusOf: Map<string, string | undefined>;
  /** COMPLETED recovery points by {@linkcode originKey}. */
  byOrigin: Map<string, RecoveryPointByBackupVault>;
}

/**
 * The client that can read the destination vault: `given`, else `client` when the vault is in
 * its Region and in the source vault's account (the only account whose credentials are known to
 * be `client`'s), else none.
 */
export function destinationReader(
  client: BackupClient,
  destinationBackupVaultArn: string,
  sourceVaultArn: string | undefined,
  given?: BackupClient,
): BackupClient | undefined {
  if (given) return given;
  const [, , , region, account] = destinationBackupVaultArn.split(":");
  const sourceAccount = sourceVaultArn?.split(":")[4];
  return region === client.region && account === sourceAccount ? client : undefined;
}

/**
 * The destination vault's recovery points created after `createdAfter` (all without it): one
 * ListRecoveryPointsByBackupVault listing by the vault's name, every page.
 *
 * @throws {DestinationVaultMismatchError} a listed recovery point is in another vault than
 * `destinationBackupVaultArn` (the reader's credentials are another account's).
 * @throws {ServiceException} the listing failed.
 * @throws the signal's reason when aborted.
 */
export async function readDestinationVault(
  reader: BackupClient,
  destinationBackupVaultArn: string,
  createdAfter: Date | undefined,
  signal?: AbortSignal,
): Promise<DestinationView> {
  const view: DestinationView = { statusOf: new Map(), byOrigin: new Map() };
  const pages = paginateListRecoveryPointsByBackupVault(reader, {
    BackupVaultName: destinationBackupVaultArn.split(":backup-vault:")[1],
    ...(createdAfter ? { ByCreatedAfter: createdAfter } : {}),
  }, { pageSize: 1000, ...(signal ? { signal } : {}) });
  for await (const rp of pages.items()) {
    if (rp.BackupVaultArn !== destinationBackupVaultArn) {
      throw new DestinationVaultMismatchError(destinationBackupVaultArn, String(rp.BackupVaultArn));
    }
    if (!rp.RecoveryPointArn) continue;
    view.statusOf.set(rp.RecoveryPointArn, rp.Status);
    if (rp.Status === "COMPLETED") {
      view.byOrigin.set(originKey(rp.ResourceArn, rp.CreationDate, rp.SourceBackupVaultArn), rp);
    }
  }
  return view;
}

/** A copy's origin: resource, creation date (kept by copies) and source vault. */
export function originKey(
  resourceArn: string | undefined,
  creationDate: Date | undefined,
  sourceVaultArn: string | undefined,
): string {
  return `${resourceArn}|${creationDate?.getTime()}|${sourceVaultArn}`;
}

/** A selected recovery point whose copies are looked for. */
export interface PointOfOrigin {
  /** The recovery point's ARN. */
  recoveryPointArn: string;
  /** Its resource. */
  resourceArn?: string | undefined;
  /** Its creation date. */
  creationDate?: Date | undefined;
}

/** Where {@linkcode findExistingCopies} looks, and how. */
export interface FindExistingCopiesOptions {
  /** The source vault's ARN (as listed): copies in the destination name it. */
  sourceVaultArn?: string | undefined;
  /** Now, in epoch ms (the horizon of ListCopyJobs is counted from it). @default Date.now() */
  now?: number | undefined;
  /** Aborts: rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
}

const FIND_EXISTING_KEYS = [
  "sourceVaultArn",
  "now",
  "signal",
] satisfies (keyof FindExistingCopiesOptions)[];

/**
 * The copies of `points` to the destination vault, as the copiers decide on them: the copy jobs
 * ListCopyJobs shows (`findCopiesOfMany`) and — for points older than ListCopyJobs' horizon
 * without a COMPLETED, PARTIAL or running job — a COMPLETED copy in the destination vault, when
 * it can be read (in `client`'s Region and the source vault's account: see
 * {@linkcode destinationReader}). Such a copy is reported as a COMPLETED job without a
 * `CopyJobId`, whose `DestinationRecoveryPointArn` is the copy. Outside the client's Region or
 * account an aged-out copy is not seen (and is copied again): select recent points
 * (`createdAfter` well inside 30 days) in a recurring run.
 *
 * @throws {ValidationError} an argument or option is not of its shape, or an option is unknown
 *   (nothing sent).
 * @throws {DestinationVaultMismatchError} see {@linkcode readDestinationVault}.
 * @throws {ServiceException} a listing failed after the client's retries.
 * @throws the signal's reason when aborted.
 */
export async function findExistingCopies(
  client: BackupClient,
  points: readonly PointOfOrigin[],
  destinationBackupVaultArn: string,
  options: FindExistingCopiesOptions = {},
): Promise<Map<string, CopiesOfRecoveryPoint>> {
  const issues = [
    ...recoveryPointsIssues("points", points),
    ...requiredVaultArnIssue("destinationBackupVaultArn", destinationBackupVaultArn),
    ...helperOptionIssues(options, FIND_EXISTING_KEYS),
  ];
  if (!issues.length) {
    if (options.sourceVaultArn !== undefined) {
      issues.push(...requiredVaultArnIssue("sourceVaultArn", options.sourceVaultArn));
    }
    if (options.now !== undefined && !Number.isFinite(options.now)) {
      issues.push({ path: "now", message: "must be a number of epoch milliseconds" });
    }
  }
  refuse("findExistingCopies", issues);
  const signal = options.signal;
  const copies = await findCopiesOfMany(
    client,
    points,
    destinationBackupVaultArn,
    signal ? { signal } : {},
  );
  const horizon = (options.now ?? Date.now()) - JOB_LIST_HORIZON_MS;
  const aged = points.filter((p) => {
    const found = copies.get(p.recoveryPointArn);
    const created = p.creationDate?.getTime();
    return !found?.done && !found?.inProgress && (created === undefined || created < horizon);
  });
  const reader = destinationReader(client, destinationBackupVaultArn, options.sourceVaultArn);
  if (!aged.length || !reader) return copies;
  const times = aged.map((p) => p.creationDate?.getTime());
  const oldest = times.every((t) => t !== undefined) ? Math.min(...times as number[]) : undefined;
  const view = await readDestinationVault(
    reader,
    destinationBackupVaultArn,
    oldest === undefined ? undefined : new Date(oldest - 1000),
    signal,
  );
  for (const point of aged) {
    const copy = view.byOrigin.get(
      originKey(point.resourceArn, point.creationDate, options.sourceVaultArn),
    );
    if (!copy) continue;
    const found = copies.get(point.recoveryPointArn) ?? { failed: [] };
    found.done = copyFoundInVault(point.recoveryPointArn, copy, destinationBackupVaultArn);
    copies.set(point.recoveryPointArn, found);
  }
  return copies;
}

/** A copy found in the destination vault, as the COMPLETED job (without an id) that made it. */
function copyFoundInVault(
  sourceRecoveryPointArn: string,
  copy: RecoveryPointByBackupVault,
  destinationBackupVaultArn: string,
): CopyJob {
  const job: CopyJob = {
    SourceRecoveryPointArn: sourceRecoveryPointArn,
    DestinationBackupVaultArn: destinationBackupVaultArn,
    DestinationRecoveryPointArn: copy.RecoveryPointArn,
    State: "COMPLETED",
    IsParent: !!copy.IsParent,
  };
  if (copy.ResourceArn) job.ResourceArn = copy.ResourceArn;
  if (copy.ResourceType) job.ResourceType = copy.ResourceType;
  if (copy.BackupSizeInBytes !== undefined) job.BackupSizeInBytes = copy.BackupSizeInBytes;
  if (copy.CompletionDate) job.CompletionDate = copy.CompletionDate;
  return job;
}
