/**
 * Listing a source vault through a selection — each recovery point with the reason it is
 * skipped, if any — and telling an empty selection apart from an empty vault. Shared by
 * `copyRecoveryPoints` and `verifyCopies`.
 *
 * @module
 */

import type { BackupClient } from "../generated/client.ts";
import { describeBackupVault, describeRecoveryPoint } from "../generated/operations.ts";
import { paginateListRecoveryPointsByBackupVault } from "../generated/paginators.ts";
import type { RecoveryPointByBackupVault } from "../generated/types.ts";
import type { OptionHint, RunFailure } from "./report.ts";
import { type CopySelection, listInput, type SkipReason, skipReason } from "./selection.ts";

/** A recovery point as listed, and why it is skipped (absent when selected). */
export interface ListedRecoveryPoint {
  /** The recovery point as the vault listed it. */
  recoveryPoint: RecoveryPointByBackupVault;
  /** Why it is not selected, if it is not. */
  skip?: SkipReason;
}

/**
 * Every recovery point of `backupVaultName` (ListRecoveryPointsByBackupVault, with the filters
 * AWS can apply), with its skip reason. A recovery point whose lifecycle moved it to cold storage
 * is described (DescribeRecoveryPoint) to read its `StorageClass`; should that fail, it is
 * selected and StartCopyJob decides.
 *
 * @throws {ServiceException} listing failed (e.g. `ResourceNotFoundException`).
 * @throws the signal's reason when aborted.
 */
export async function* listSelection(
  client: BackupClient,
  backupVaultName: string,
  selection: CopySelection,
  options: { signal?: AbortSignal | undefined } = {},
): AsyncGenerator<ListedRecoveryPoint> {
  const call = options.signal ? { signal: options.signal } : {};
  const storageClass = (rp: RecoveryPointByBackupVault) =>
    storageClassOf(client, backupVaultName, rp.RecoveryPointArn!, options);
  const pages = paginateListRecoveryPointsByBackupVault(
    client,
    listInput(backupVaultName, selection),
    call,
  );
  for await (const recoveryPoint of pages.items()) {
    const skip = await skipReason(recoveryPoint, selection, { storageClass });
    yield skip ? { recoveryPoint, skip } : { recoveryPoint };
  }
}

/**
 * The `StorageClass` of a recovery point (DescribeRecoveryPoint), or `undefined` when it cannot be
 * read: the point is then selected and StartCopyJob decides.
 *
 * @throws {ValidationError} the ARN or vault name is not one the model accepts.
 * @throws the signal's reason when aborted.
 */
export async function storageClassOf(
  client: BackupClient,
  backupVaultName: string,
  recoveryPointArn: string,
  options: { signal?: AbortSignal | undefined } = {},
): Promise<string | undefined> {
  try {
    const described = await describeRecoveryPoint(client, {
      BackupVaultName: backupVaultName,
      RecoveryPointArn: recoveryPointArn,
    }, options.signal ? { signal: options.signal } : {});
    return described.StorageClass;
  } catch (e) {
    options.signal?.throwIfAborted();
    if (e instanceof Error && e.name === "ValidationError") throw e;
    return undefined;
  }
}

/**
 * Why a run that selected nothing is not a success: `NOTHING_SELECTED` when the vault holds
 * recovery points (the listed ones were all skipped, or the filters sent to AWS matched none —
 * DescribeBackupVault's `NumberOfRecoveryPoints` tells), `EMPTY_VAULT` when it holds none.
 *
 * @param skipped skip codes of the recovery points listed, with their counts.
 * @throws the signal's reason when aborted.
 */
export async function emptySelection(
  client: BackupClient,
  backupVaultName: string,
  selection: CopySelection,
  skipped: ReadonlyMap<string, number>,
  options: { signal?: AbortSignal | undefined } = {},
): Promise<RunFailure> {
  const hint: OptionHint = {
    option: "allowEmpty",
    advice: "pass allowEmpty: true if an empty run is expected",
  };
  const listed = [...skipped.values()].reduce((a, b) => a + b, 0);
  if (listed) {
    const why = [...skipped].map(([code, n]) => `${n} ${code}`).join(", ");
    return {
      code: "NOTHING_SELECTED",
      message: `the selection took none of the ${listed} recovery points listed in vault ` +
        `${backupVaultName} (skipped: ${why}) (${hint.advice})`,
      hint,
    };
  }
  const input = listInput(backupVaultName, selection);
  const filtered = Object.keys(input).length > 1;
  let held: number | undefined = filtered ? undefined : 0;
  if (filtered) {
    try {
      const vault = await describeBackupVault(
        client,
        { BackupVaultName: backupVaultName },
        options.signal ? { signal: options.signal } : {},
      );
      held = vault.NumberOfRecoveryPoints;
    } catch {
      options.signal?.throwIfAborted();
    }
  }
  if (held === 0) {
    return {
      code: "EMPTY_VAULT",
      message: `vault ${backupVaultName} holds no recovery points (${hint.advice})`,
      hint,
    };
  }
  const filters = Object.keys(input).filter((k) => k !== "BackupVaultName").join(", ");
  return {
    code: "NOTHING_SELECTED",
    message: `no recovery point of vault ${backupVaultName}${
      held === undefined ? "" : ` (it holds ${held})`
    } matched the filters AWS applied (${filters}) (${hint.advice})`,
    hint,
  };
}
