/**
 * `verifyCopies`: does every selected recovery point of a vault have a completed copy in the
 * destination vault? Judged by source recovery point, from the copy jobs (ListCopyJobs) and,
 * when it can be read, the destination vault itself.
 *
 * @module
 */

import type { BackupClient } from "../generated/client.ts";
import type { CopyJob, RecoveryPointByBackupVault } from "../generated/types.ts";
import { ValidationError } from "../runtime/errors.ts";
import {
  destinationReader,
  type DestinationView,
  JOB_LIST_DAYS,
  originKey,
  readDestinationVault,
} from "./destination_copies.ts";
import { type CopiesOfRecoveryPoint, findCopiesOfMany } from "./existing_copies.ts";
import { emptySelection, listSelection } from "./list_selection.ts";
import {
  optionKeyIssues,
  refuseSameVault,
  SELECTION_KEYS,
  selectionIssues,
  vaultArnIssue,
  vaultNameIssue,
} from "./option_checks.ts";
import type { RunFailure } from "./report.ts";
import type { CopySelection } from "./selection.ts";
import {
  type CopyStatus,
  emptyVerifyTotals,
  type VerifyEntry,
  type VerifyProgressEvent,
  type VerifyReport,
  type VerifyTotals,
} from "./verify_report.ts";

/** Options of {@linkcode verifyCopies}: the selection of `copyRecoveryPoints`, no run options. */
export interface VerifyCopiesOptions extends CopySelection {
  /** Name of the vault whose recovery points should have copies (client's Region, account). */
  sourceBackupVaultName: string;
  /** ARN of the vault the copies should be in. */
  destinationBackupVaultArn: string;
  /**
   * A client in the destination vault's Region and account, to read the destination vault: it
   * finds copies that were deleted or expired, and copies older than ListCopyJobs shows. Needs
   * `backup:ListRecoveryPointsByBackupVault` on that vault. @default `client` when the
   * destination is in its Region and the source vault's account; else the vault is not read.
   */
  destinationClient?: BackupClient | undefined;
  /** A selection that takes nothing is fine (`ok`), instead of a `failure`. @default false */
  allowEmpty?: boolean | undefined;
  /** Aborts: rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
  /** Called with every {@linkcode VerifyProgressEvent}; an exception from it stops. */
  onProgress?: ((event: VerifyProgressEvent) => void) | undefined;
}

const verifyOptionKeys = () =>
  Object.keys(
    {
      ...SELECTION_KEYS,
      sourceBackupVaultName: true,
      destinationBackupVaultArn: true,
      destinationClient: true,
      allowEmpty: true,
      signal: true,
      onProgress: true,
    } as const satisfies Record<keyof VerifyCopiesOptions, true>,
  );

/**
 * Answers, for every recovery point of `sourceBackupVaultName` that the selection takes, whether
 * a completed copy of it exists in `destinationBackupVaultArn`: `COMPLETED`, `PARTIAL`,
 * `RUNNING`, `FAILED` (with AWS's status message), `EXPIRED` (deleted or past its lifecycle) or
 * `MISSING`. Starts nothing.
 *
 * Calls: ListRecoveryPointsByBackupVault of the source (DescribeRecoveryPoint for a point whose
 * lifecycle moved it to cold storage), ListCopyJobs (by source recovery point for up to 10
 * points, else by destination), and — when it can be read, see `destinationClient` —
 * ListRecoveryPointsByBackupVault of the destination.
 *
 * @throws {ValidationError} bad options (naming the option; an unknown one with the closest
 * known name), before anything is sent.
 * @throws {ServiceException} a listing failed (e.g. the source vault does not exist, or the
 * destination vault cannot be read).
 * @throws {DestinationVaultMismatchError} the destination vault, listed by name, answered
 * recovery points of another vault (`destinationClient` has credentials of another account).
 * @throws the signal's reason when aborted.
 *
 * @example Against the bundled emulator (runs as a test: `deno test --doc jobs/`)
 * ```ts
 * import { BackupClient, copyRecoveryPoints, verifyCopies } from "../mod.ts";
 * import * as emulator from "../emulator/mod.ts";
 *
 * await using local = await emulator.startEmulator({ jobDurationMs: 100 });
 * const client = new BackupClient({
 *   region: emulator.DEMO_REGION,
 *   endpoint: local.url,
 *   credentials: { ...emulator.DEMO_CREDENTIALS },
 * });
 * const options = {
 *   sourceBackupVaultName: emulator.DEFAULT_VAULT_NAME,
 *   destinationBackupVaultArn: emulator.DR_VAULT_WEST_ARN,
 * };
 * const before = await verifyCopies(client, options);
 * await copyRecoveryPoints(client, {
 *   ...options,
 *   iamRoleArn: emulator.DEMO_IAM_ROLE_ARN,
 *   pollIntervalMs: 50,
 * });
 * const after = await verifyCopies(client, options);
 * // Two recovery points: both MISSING before; then one COMPLETED, one FAILED.
 * if (before.totals.missing !== 2 || after.totals.completed !== 1 || after.totals.failed !== 1) {
 *   throw new Error(`unexpected totals ${JSON.stringify([before.totals, after.totals])}`);
 * }
 * ```
 */
export async function verifyCopies(
  client: BackupClient,
  options: VerifyCopiesOptions,
): Promise<VerifyReport> {
  checkVerifyOptions(options);
  const o = options;
  o.signal?.throwIfAborted();
  const signal = o.signal ? { signal: o.signal } : {};
  const startedAt = new Date();
  const totals = emptyVerifyTotals();
  const emit = (event: DistributiveOmit<VerifyProgressEvent, "totals">) =>
    o.onProgress?.({ ...event, totals: { ...totals } } as VerifyProgressEvent);
  const entries: VerifyEntry[] = [];
  const selected: VerifyEntry[] = [];
  const skipped = new Map<string, number>();
  let sourceVaultArn: string | undefined;
  for await (
    const { recoveryPoint, skip } of listSelection(client, o.sourceBackupVaultName, o, signal)
  ) {
    totals.discovered++;
    if (sourceVaultArn === undefined) {
      sourceVaultArn = recoveryPoint.BackupVaultArn;
      refuseSameVault("verifyCopies", sourceVaultArn, o.destinationBackupVaultArn);
    }
    emit({ type: "discovered", recoveryPoint });
    const entry = newVerifyEntry(recoveryPoint);
    entries.push(entry);
    if (skip) {
      entry.status = "SKIPPED";
      entry.skipReason = skip;
      entry.message = `skipped: ${skip.message}`;
      skipped.set(skip.code, (skipped.get(skip.code) ?? 0) + 1);
      totals.skipped++;
      emit({ type: "verified", entry });
    } else {
      totals.selected++;
      selected.push(entry);
    }
  }
  let failure: RunFailure | undefined;
  if (!selected.length && !o.allowEmpty) {
    failure = await emptySelection(client, o.sourceBackupVaultName, o, skipped, signal);
  }
  const reader = destinationReader(
    client,
    o.destinationBackupVaultArn,
    sourceVaultArn,
    o.destinationClient,
  );
  if (selected.length) {
    emit({ type: "listed", readsDestination: reader !== undefined });
    const points = selected.map((e) => ({
      recoveryPointArn: e.recoveryPointArn,
      creationDate: e.recoveryPointCreationDate,
    }));
    const jobs = await findCopiesOfMany(client, points, o.destinationBackupVaultArn, signal);
    const times = points.map((p) => p.creationDate?.getTime());
    const oldest = times.every((t) => t !== undefined)
      ? new Date(Math.min(...times as number[]) - 1000)
      : undefined;
    // Copies keep their source's creation date: none is older than the oldest point.
    const destination = reader &&
      await readDestinationVault(reader, o.destinationBackupVaultArn, oldest, o.signal);
    const now = Date.now();
    for (const entry of selected) {
      judge(entry, jobs.get(entry.recoveryPointArn), destination, sourceVaultArn, now);
      jobs.delete(entry.recoveryPointArn);
      count(totals, entry.status);
      emit({ type: "verified", entry });
    }
  }
  return {
    sourceBackupVaultName: o.sourceBackupVaultName,
    destinationBackupVaultArn: o.destinationBackupVaultArn,
    destinationChecked: reader !== undefined,
    startedAt,
    finishedAt: new Date(),
    entries,
    totals,
    ok: !failure && selected.every((e) => e.status === "COMPLETED"),
    ...(failure ? { failure } : {}),
  };
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function newVerifyEntry(rp: RecoveryPointByBackupVault): VerifyEntry {
  const entry: VerifyEntry = {
    recoveryPointArn: rp.RecoveryPointArn ?? "",
    status: "MISSING",
    failedCopyJobs: 0,
    message: "",
  };
  if (rp.ResourceArn) entry.resourceArn = rp.ResourceArn;
  if (rp.ResourceType) entry.resourceType = rp.ResourceType;
  if (rp.ResourceName) entry.resourceName = rp.ResourceName;
  if (rp.CreationDate) entry.recoveryPointCreationDate = rp.CreationDate;
  return entry;
}

/** Sets an entry's status from its copy jobs and what the destination vault holds. */
function judge(
  entry: VerifyEntry,
  copies: CopiesOfRecoveryPoint | undefined,
  destination: DestinationView | undefined,
  sourceVaultArn: string | undefined,
  now: number,
): void {
  entry.failedCopyJobs = copies?.failed.length ?? 0;
  const fromJob = (job: CopyJob, status: CopyStatus, message: string) => {
    entry.status = status;
    entry.evidence = "copy-job";
    if (job.CopyJobId) entry.copyJobId = job.CopyJobId;
    if (job.DestinationRecoveryPointArn) {
      entry.destinationRecoveryPointArn = job.DestinationRecoveryPointArn;
    }
    if (job.CompletionDate) entry.copiedAt = job.CompletionDate;
    if (job.StatusMessage && status !== "COMPLETED") entry.statusMessage = job.StatusMessage;
    entry.message = message;
  };
  const done = copies?.done;
  if (done) {
    const gone = expiry(entry, done, destination, now);
    if (gone) return fromJob(done, "EXPIRED", gone);
    if (done.State === "PARTIAL") {
      return fromJob(
        done,
        "PARTIAL",
        `copy job ${done.CopyJobId} ended PARTIAL: ${done.StatusMessage ?? "no status message"}`,
      );
    }
    return fromJob(done, "COMPLETED", `copied by job ${done.CopyJobId}`);
  }
  const running = copies?.inProgress;
  if (running) {
    return fromJob(
      running,
      "RUNNING",
      `copy job ${running.CopyJobId} is ${running.State}` +
        (running.State === "CREATED" ? " (AWS retries a CREATED copy job for up to 2 hours)" : ""),
    );
  }
  const found = destination?.byOrigin.get(
    originKey(entry.resourceArn, entry.recoveryPointCreationDate, sourceVaultArn),
  );
  if (found) {
    entry.status = "COMPLETED";
    entry.evidence = "destination-vault";
    entry.destinationRecoveryPointArn = found.RecoveryPointArn!;
    entry.message = `a copy is in the destination vault (${found.RecoveryPointArn}); ` +
      "ListCopyJobs no longer shows its job";
    return;
  }
  const [failed] = copies?.failed ?? [];
  if (failed) {
    return fromJob(
      failed,
      "FAILED",
      `${entry.failedCopyJobs} copy job(s) FAILED, the newest (${failed.CopyJobId}): ` +
        (failed.StatusMessage ?? "no status message"),
    );
  }
  entry.status = "MISSING";
  entry.message = "no copy job of it to the destination";
  const old = (entry.recoveryPointCreationDate?.getTime() ?? now) <
    now - JOB_LIST_DAYS * 86_400_000;
  if (old && !destination) {
    const advice = "give a destinationClient to look for older copies in the destination vault";
    entry.message += ` (ListCopyJobs shows about ${JOB_LIST_DAYS} days of jobs: ${advice})`;
    entry.hint = { option: "destinationClient", advice };
  }
}

/** Why a completed copy is gone, or `undefined` when it is (as far as can be told) there. */
function expiry(
  entry: VerifyEntry,
  job: CopyJob,
  destination: DestinationView | undefined,
  now: number,
): string | undefined {
  const arn = job.DestinationRecoveryPointArn;
  if (destination && arn) {
    if (!destination.statusOf.has(arn)) {
      return `its copy ${arn} is no longer in the destination vault`;
    }
    const status = destination.statusOf.get(arn);
    if (status === "EXPIRED" || status === "DELETING") return `its copy ${arn} is ${status}`;
    return undefined;
  }
  // Copies count their retention from the source's creation date (developer guide, "Backup and
  // tag copy"): a copy started with DeleteAfterDays is gone once that many days have passed.
  const days = job.DestinationRecoveryPointLifecycle?.DeleteAfterDays;
  const created = entry.recoveryPointCreationDate?.getTime();
  if (days !== undefined && days > 0 && created !== undefined) {
    const deleteAt = created + days * 86_400_000;
    if (deleteAt <= now) {
      return `its copy expired on ${new Date(deleteAt).toISOString()} (DeleteAfterDays ${days})`;
    }
  }
  return undefined;
}

function count(totals: VerifyTotals, status: CopyStatus): void {
  const key = ({
    COMPLETED: "completed",
    PARTIAL: "partial",
    RUNNING: "running",
    FAILED: "failed",
    EXPIRED: "expired",
    MISSING: "missing",
    SKIPPED: "skipped",
  } as const)[status];
  totals[key]++;
}

/** @throws {ValidationError} naming every bad option. */
function checkVerifyOptions(o: VerifyCopiesOptions): void {
  const issues = [
    ...optionKeyIssues(o, verifyOptionKeys(), "verifyCopies"),
    ...vaultNameIssue("sourceBackupVaultName", o.sourceBackupVaultName),
    ...(o.destinationBackupVaultArn === undefined
      ? [{ path: "destinationBackupVaultArn", message: "is required" }]
      : vaultArnIssue("destinationBackupVaultArn", o.destinationBackupVaultArn)),
    ...selectionIssues(o),
  ];
  if (
    typeof o.destinationBackupVaultArn !== "string" && o.destinationBackupVaultArn !== undefined
  ) {
    issues.push({ path: "destinationBackupVaultArn", message: "must be a string" });
  }
  if (
    o.destinationClient !== undefined &&
    (typeof o.destinationClient !== "object" || typeof o.destinationClient.region !== "string")
  ) {
    issues.push({ path: "destinationClient", message: "must be a BackupClient" });
  }
  if (o.allowEmpty !== undefined && typeof o.allowEmpty !== "boolean") {
    issues.push({ path: "allowEmpty", message: "must be a boolean" });
  }
  if (o.onProgress !== undefined && typeof o.onProgress !== "function") {
    issues.push({ path: "onProgress", message: "must be a function" });
  }
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) {
    issues.push({ path: "signal", message: "must be an AbortSignal" });
  }
  if (issues.length) throw new ValidationError("verifyCopies options", issues);
}
