/**
 * Seeding the emulator from a small JSON file, so tests and demos describe their own vaults:
 *
 * ```json
 * {
 *   "vaults": ["arn:aws:backup:us-east-1:111122223333:backup-vault:prod",
 *              "arn:aws:backup:us-west-2:111122223333:backup-vault:dr"],
 *   "recoveryPoints": [
 *     { "arn": "arn:aws:backup:us-east-1:111122223333:recovery-point:1", "backupVaultName": "prod",
 *       "resourceArn": "arn:aws:dynamodb:us-east-1:111122223333:table/orders",
 *       "resourceType": "DynamoDB", "backupSizeInBytes": 1024,
 *       "creationDate": "2026-03-02T01:00:00Z", "status": "COMPLETED", "outcome": "FAILED",
 *       "statusMessage": "Access denied" }
 *   ]
 * }
 * ```
 *
 * Members are those of {@linkcode RecoveryPointFixture}, with `creationDate` and
 * `moveToColdStorageAt` as ISO 8601 strings instead of `creationDateMs` and
 * `moveToColdStorageAtMs`. AWS's copy rules have members of their own: `"storageClass": "COLD"`
 * (not copyable), `"retryingForMs": 60000` (its copy jobs stay CREATED that long first),
 * `"automaticCopies": [{"destinationBackupVaultArn": "…"}]` (copies AWS made by itself, with
 * `CreatedByBackupJobId`); an ARN with `recovery-point:continuous:` is a continuous backup.
 *
 * @module
 */

import { parseArn } from "./arn.ts";
import {
  type AutomaticCopyFixture,
  RECOVERY_POINT_STATUSES,
  type RecoveryPointFixture,
  STORAGE_CLASSES,
} from "./model.ts";

/** What a seed file holds: the vaults and recovery points to start the emulator with. */
export interface EmulatorSeed {
  vaults: string[];
  recoveryPoints: RecoveryPointFixture[];
}

/** A seed that is not valid JSON or not the expected shape; `path` names the bad member. */
export class SeedError extends Error {
  override name = "SeedError";
  constructor(readonly path: string, message: string) {
    super(`Invalid emulator seed at ${path}: ${message}`);
  }
}

/** Reads and checks a seed file. @throws {SeedError} */
export async function loadSeedFile(path: string | URL): Promise<EmulatorSeed> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    throw new SeedError(String(path), `cannot be read (${(e as Error).message})`);
  }
  return parseSeed(text);
}

/** Parses and checks the JSON text of a seed. @throws {SeedError} */
export function parseSeed(text: string): EmulatorSeed {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new SeedError("$", `not JSON (${(e as Error).message})`);
  }
  const root = object(value, "$");
  const vaults = array(root.vaults, "vaults").map((v, i) => {
    const arn = string(v, `vaults[${i}]`);
    if (!parseArn(arn)?.resource.startsWith("backup-vault:")) {
      throw new SeedError(`vaults[${i}]`, `not a backup vault ARN: ${arn}`);
    }
    return arn;
  });
  const recoveryPoints = array(root.recoveryPoints, "recoveryPoints").map((v, i) =>
    recoveryPoint(v, `recoveryPoints[${i}]`)
  );
  return { vaults, recoveryPoints };
}

function recoveryPoint(value: unknown, path: string): RecoveryPointFixture {
  const o = object(value, path);
  const opt = (name: string) =>
    o[name] === undefined ? undefined : string(o[name], `${path}.${name}`);
  const fixture: RecoveryPointFixture = {
    arn: string(o.arn, `${path}.arn`),
    backupVaultName: string(o.backupVaultName, `${path}.backupVaultName`),
    resourceArn: string(o.resourceArn, `${path}.resourceArn`),
    resourceType: string(o.resourceType, `${path}.resourceType`),
    backupSizeInBytes: 0,
  };
  const size = o.backupSizeInBytes ?? 0;
  if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) {
    throw new SeedError(`${path}.backupSizeInBytes`, "must be a non-negative integer");
  }
  fixture.backupSizeInBytes = size;
  const status = opt("status");
  if (status !== undefined) {
    if (!(RECOVERY_POINT_STATUSES as readonly string[]).includes(status)) {
      throw new SeedError(`${path}.status`, `must be one of ${RECOVERY_POINT_STATUSES.join(", ")}`);
    }
    fixture.status = status as RecoveryPointFixture["status"];
  }
  const outcome = opt("outcome");
  if (outcome !== undefined) {
    if (!["COMPLETED", "FAILED", "PARTIAL"].includes(outcome)) {
      throw new SeedError(`${path}.outcome`, "must be COMPLETED, FAILED or PARTIAL");
    }
    fixture.outcome = outcome as RecoveryPointFixture["outcome"];
  }
  const date = (name: string) => {
    const value = opt(name);
    const ms = value === undefined ? undefined : Date.parse(value);
    if (Number.isNaN(ms)) throw new SeedError(`${path}.${name}`, "not an ISO 8601 date");
    return ms;
  };
  const created = date("creationDate");
  if (created !== undefined) fixture.creationDateMs = created;
  const cold = date("moveToColdStorageAt");
  if (cold !== undefined) fixture.moveToColdStorageAtMs = cold;
  const storageClass = opt("storageClass");
  if (storageClass !== undefined) {
    if (!(STORAGE_CLASSES as readonly string[]).includes(storageClass)) {
      throw new SeedError(`${path}.storageClass`, `must be one of ${STORAGE_CLASSES.join(", ")}`);
    }
    fixture.storageClass = storageClass as RecoveryPointFixture["storageClass"];
  }
  if (o.retryingForMs !== undefined) {
    const ms = o.retryingForMs;
    if (typeof ms !== "number" || !Number.isSafeInteger(ms) || ms < 0) {
      throw new SeedError(`${path}.retryingForMs`, "must be a non-negative integer");
    }
    fixture.retryingForMs = ms;
  }
  if (o.automaticCopies !== undefined) {
    fixture.automaticCopies = array(o.automaticCopies, `${path}.automaticCopies`).map((v, i) =>
      automaticCopy(v, `${path}.automaticCopies[${i}]`)
    );
  }
  for (
    const name of [
      "resourceName",
      "backupPlanId",
      "parentRecoveryPointArn",
      "statusMessage",
      "messageCategory",
      "sourceBackupVaultArn",
    ] as const
  ) {
    const v = opt(name);
    if (v !== undefined) fixture[name] = v;
  }
  return fixture;
}

function automaticCopy(value: unknown, path: string): AutomaticCopyFixture {
  const o = object(value, path);
  const arn = string(o.destinationBackupVaultArn, `${path}.destinationBackupVaultArn`);
  if (!parseArn(arn)?.resource.startsWith("backup-vault:")) {
    throw new SeedError(`${path}.destinationBackupVaultArn`, `not a backup vault ARN: ${arn}`);
  }
  const copy: AutomaticCopyFixture = { destinationBackupVaultArn: arn };
  if (o.backupJobId !== undefined) copy.backupJobId = string(o.backupJobId, `${path}.backupJobId`);
  if (o.destinationVaultType !== undefined) {
    const type = string(o.destinationVaultType, `${path}.destinationVaultType`);
    if (!["BACKUP_VAULT", "LOGICALLY_AIR_GAPPED_BACKUP_VAULT"].includes(type)) {
      throw new SeedError(
        `${path}.destinationVaultType`,
        "must be BACKUP_VAULT or LOGICALLY_AIR_GAPPED_BACKUP_VAULT",
      );
    }
    copy.destinationVaultType = type as AutomaticCopyFixture["destinationVaultType"];
  }
  return copy;
}

function object(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new SeedError(path, "must be an object");
  }
  return value as Record<string, unknown>;
}

function array(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new SeedError(path, "must be an array");
  return value;
}

function string(value: unknown, path: string): string {
  if (typeof value !== "string" || value === "") {
    throw new SeedError(path, "must be a non-empty string");
  }
  return value;
}
