/**
 * `copyRecoveryPoints`: copy every selected recovery point of a vault to another vault —
 * `concurrency` copy jobs at a time, one per resource, each started at most once (derived
 * idempotency tokens, a ListCopyJobs check, a checkpoint), waited for, and reported.
 *
 * The pieces live beside it, one job each: `copy_options.ts` (options, defaults, checks),
 * `list_selection.ts` and `selection.ts` (what is copied), `existing_copies.ts` and
 * `destination_copies.ts` (what exists),
 * `start_copy.ts` (one StartCopyJob with retries), `follow_copy_job.ts` (waiting for a job),
 * `report_entries.ts` (report entries), `resource_pool.ts` (scheduling), `copy_run.ts` (the run).
 *
 * @module
 */

import type { BackupClient } from "../generated/client.ts";
import { checkCopyOptions, type CopyRecoveryPointsOptions } from "./copy_options.ts";
import { runCopy } from "./copy_run.ts";
import type { CopyReport } from "./report.ts";

export {
  type CopyRecoveryPointsOptions,
  DEFAULT_COPY_CONCURRENCY,
  DEFAULT_MAX_FAILED_COPIES,
} from "./copy_options.ts";

/**
 * Copies the recovery points of `sourceBackupVaultName` that the selection takes to
 * `destinationBackupVaultArn`, `concurrency` at a time and one per resource, waits for every
 * copy job, and resolves with a report. One copy failing does not stop the others.
 *
 * Exactly once: each StartCopyJob carries an `IdempotencyToken` derived from (recovery point
 * ARN, destination vault ARN) — see `copyIdempotencyToken`, the same in every run and for
 * `copyOnBackupEvent`; copy jobs to the destination that already exist (ListCopyJobs, whoever
 * started them, AWS included) are reported instead of started again; the checkpoint records
 * each job as it starts, so a rerun with the same `runId` waits for it. ListCopyJobs lists about
 * 30 days of jobs (`JOB_LIST_DAYS`): for an older point without a listed job the destination vault
 * is read, when it is in the client's Region and the source vault's account, and a copy found
 * there is reported (`origin: "existing"`, no `copyJobId`); elsewhere such a copy is made again —
 * a recurring run should select recent points (`createdAfter`). See docs/vault-copy.md for the limits.
 *
 * AWS's copy rules (AWS Backup developer guide, "Backup and tag copy" and quotas): recovery
 * points AWS cannot copy on demand — status other than COMPLETED, continuous backups, cold
 * storage — are `SKIPPED` with a reason; `LimitExceededException` (the account's quota of
 * concurrent copy jobs) and throttling make it wait and try again with backoff; a job that stays
 * CREATED while AWS retries it is waited for like any other. Composite recovery points are
 * copied as one job; their child jobs are reported with it. PARTIAL is reported as PARTIAL. A
 * selection that takes nothing is not ok (`report.failure`) unless `allowEmpty`.
 *
 * @throws {ValidationError} bad options (naming the option; an unknown one with the closest
 * known name), before anything is sent.
 * @throws {ServiceException} listing the source vault failed (e.g. `ResourceNotFoundException`).
 * @throws {CopyRunRefusedError} the first StartCopyJob calls (3, or all of a run with fewer
 * points to start) were all refused for the same reason (e.g. the role cannot be assumed):
 * nothing was copied.
 * @throws {MaxWaitExceededError} `maxWaitMs` passed before the listings finished or the
 * checkpoint was read.
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
  checkCopyOptions(options);
  options.signal?.throwIfAborted();
  return await runCopy(client, options);
}
