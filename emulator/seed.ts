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
 * `moveToColdStorageAt` as ISO 8601 strings with a time zone (or dates alone, UTC) instead of
 * `creationDateMs` and `moveToColdStorageAtMs`. AWS's copy rules have members of their own: `"storageClass": "COLD"`
 * (not copyable), `"retryingForMs": 60000` (its copy jobs stay CREATED that long first),
 * `"automaticCopies": [{"destinationBackupVaultArn": "…"}]` (copies AWS made by itself, with
 * `CreatedByBackupJobId`); an ARN with `recovery-point:continuous:` is a continuous backup.
 *
 * Nothing in a seed is ignored: the whole file is checked as the product checks what a caller
 * passes, and the first mistake is a {@linkcode SeedError} naming the file and the member's path
 * (`recoveryPoints[0].outcom is unknown; did you mean "outcome"?`). An unknown key is an error
 * (the product's rule, `runtime/unknown_keys.ts`); `resourceType` is one of the values AWS Backup
 * uses (the jobs' list, `BACKUP_RESOURCE_TYPES`); every recovery point is in a vault of `vaults`
 * in its ARN's Region and account, a `parentRecoveryPointArn` names another recovery point of the
 * seed in the same vault, and an automatic copy's destination is a vault of `vaults`.
 *
 * @module
 */

import { parseIsoDate } from "../jobs/iso_date.ts";
import { BACKUP_RESOURCE_TYPES } from "../jobs/selection.ts";
import { closestKey, unknownKeyIssues } from "../runtime/unknown_keys.ts";
import { parseArn } from "./arn.ts";
import {
  type AutomaticCopyFixture,
  RECOVERY_POINT_STATUSES,
  type RecoveryPointFixture,
  STORAGE_CLASSES,
  type VaultType,
} from "./model.ts";
import { BACKUP_VAULT_NAME_PATTERN } from "./validation.ts";

/** What a seed file holds: the vaults and recovery points to start the emulator with. */
export interface EmulatorSeed {
  vaults: string[];
  recoveryPoints: RecoveryPointFixture[];
}

/** The shape a seed has, for messages about a file that does not have it. */
const SEED_SHAPE = 'a JSON object {"vaults": [backup vault ARNs], "recoveryPoints": [...]}';

/** The members of a seed, of a recovery point and of an automatic copy. */
const SEED_KEYS = ["vaults", "recoveryPoints"];
const RECOVERY_POINT_KEYS = [
  "arn",
  "backupVaultName",
  "resourceArn",
  "resourceType",
  "resourceName",
  "backupSizeInBytes",
  "status",
  "creationDate",
  "backupPlanId",
  "parentRecoveryPointArn",
  "outcome",
  "statusMessage",
  "messageCategory",
  "storageClass",
  "moveToColdStorageAt",
  "retryingForMs",
  "automaticCopies",
  "sourceBackupVaultArn",
];
const AUTOMATIC_COPY_KEYS = ["destinationBackupVaultArn", "destinationVaultType", "backupJobId"];
/** The members {@linkcode RecoveryPointFixture} has in epoch ms, a seed as ISO 8601 strings. */
const MS_MEMBER_HINTS = {
  creationDateMs: 'a seed gives "creationDate", an ISO 8601 string',
  moveToColdStorageAtMs: 'a seed gives "moveToColdStorageAt", an ISO 8601 string',
};
const OUTCOMES = ["COMPLETED", "FAILED", "PARTIAL"] as const;
const DESTINATION_VAULT_TYPES = ["BACKUP_VAULT", "LOGICALLY_AIR_GAPPED_BACKUP_VAULT"] as const;
/**
 * A seed that cannot be read, is not JSON, or is not the expected shape: `path` names the member
 * at fault (`recoveryPoints[0].outcom`; `$` for the whole file), `file` the file when there is one.
 */
export class SeedError extends Error {
  override name = "SeedError";
  constructor(readonly path: string, readonly problem: string, readonly file?: string) {
    super(
      `Invalid emulator seed${file === undefined ? "" : ` ${file}`}: ` +
        `${path === "$" ? (file === undefined ? "the seed" : "the file") : path} ${problem}`,
    );
  }
}

/** Reads and checks a seed file. @throws {SeedError} naming the file */
export async function loadSeedFile(path: string | URL): Promise<EmulatorSeed> {
  const file = path instanceof URL && path.protocol === "file:"
    ? decodeURIComponent(path.pathname)
    : String(path);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    throw new SeedError("$", `cannot be read (${(e as Error).message})`, file);
  }
  return parseSeed(text, file);
}

/**
 * Parses and checks the JSON text of a seed; the first mistake found is thrown.
 *
 * @param file the file it was read from, named in the error
 * @throws {SeedError}
 */
export function parseSeed(text: string, file?: string): EmulatorSeed {
  try {
    return checkSeed(text);
  } catch (e) {
    if (e instanceof SeedError && file !== undefined) {
      throw new SeedError(e.path, e.problem, file);
    }
    throw e;
  }
}

function checkSeed(text: string): EmulatorSeed {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    // V8's message quotes the text: a file passed by mistake may hold a secret, so only where.
    const at = /position (\d+)/.exec((e as Error).message)?.[1];
    throw new SeedError(
      "$",
      `is not JSON${at ? ` (at character ${at})` : ""}; expected ${SEED_SHAPE}`,
    );
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new SeedError("$", `is ${kindOf(value)}; expected ${SEED_SHAPE}`);
  }
  const root = value as Record<string, unknown>;
  unknownKeys(root, SEED_KEYS, "");
  const vaults = array(root.vaults, "vaults").map((v, i) => vaultArn(v, `vaults[${i}]`));
  vaults.forEach((arn, i) => {
    if (vaults.indexOf(arn) !== i) {
      throw new SeedError(`vaults[${i}]`, `is vaults[${vaults.indexOf(arn)}] again: ${arn}`);
    }
  });
  const recoveryPoints = array(root.recoveryPoints, "recoveryPoints").map((v, i) =>
    recoveryPoint(v, `recoveryPoints[${i}]`)
  );
  checkReferences(vaults, recoveryPoints);
  return { vaults, recoveryPoints };
}

/** What the members name exists: vaults, parents, destinations; no recovery point twice. */
function checkReferences(vaults: string[], points: RecoveryPointFixture[]): void {
  const firstIndex = new Map<string, number>();
  points.forEach((point, i) => {
    const path = `recoveryPoints[${i}]`;
    const earlier = firstIndex.get(point.arn);
    if (earlier !== undefined) {
      throw new SeedError(`${path}.arn`, `is recoveryPoints[${earlier}].arn again: ${point.arn}`);
    }
    firstIndex.set(point.arn, i);
    const { region, accountId } = parseArn(point.arn)!;
    const vaultArn = `arn:${parseArn(point.arn)!.partition}:backup:${region}:${accountId}:` +
      `backup-vault:${point.backupVaultName}`;
    if (!vaults.includes(vaultArn)) {
      const names = vaults.map((arn) => parseArn(arn)!).filter((v) =>
        v.region === region && v.accountId === accountId
      ).map((v) => v.resource.slice("backup-vault:".length));
      const near = closestKey(point.backupVaultName, names);
      throw new SeedError(
        `${path}.backupVaultName`,
        `names no vault of "vaults" in ${region}, account ${accountId} (the Region and account ` +
          `of its arn): ${point.backupVaultName}` + (near ? `; did you mean "${near}"?` : ""),
      );
    }
    (point.automaticCopies ?? []).forEach((copy, j) => {
      if (!vaults.includes(copy.destinationBackupVaultArn)) {
        throw new SeedError(
          `${path}.automaticCopies[${j}].destinationBackupVaultArn`,
          `is not a vault of "vaults": ${copy.destinationBackupVaultArn}`,
        );
      }
    });
  });
  points.forEach((point, i) => {
    const parentArn = point.parentRecoveryPointArn;
    if (parentArn === undefined) return;
    const parent = points[firstIndex.get(parentArn) ?? -1];
    const path = `recoveryPoints[${i}].parentRecoveryPointArn`;
    if (!parent || parent === point) {
      throw new SeedError(path, `names no other recovery point of the seed: ${parentArn}`);
    }
    if (parent.backupVaultName !== point.backupVaultName) {
      throw new SeedError(
        path,
        `names a recovery point of vault ${parent.backupVaultName}, not of this one's ` +
          `(${point.backupVaultName}): a composite recovery point and its members share a vault`,
      );
    }
  });
}

function recoveryPoint(value: unknown, path: string): RecoveryPointFixture {
  const o = object(value, path);
  unknownKeys(o, RECOVERY_POINT_KEYS, path, MS_MEMBER_HINTS);
  const opt = (name: string) =>
    o[name] === undefined ? undefined : string(o[name], `${path}.${name}`);
  const arn = string(o.arn, `${path}.arn`);
  const parsed = parseArn(arn);
  if (parsed?.service !== "backup" || !parsed.resource.startsWith("recovery-point:")) {
    throw new SeedError(`${path}.arn`, `is not a recovery point ARN: ${arn}`);
  }
  const backupVaultName = string(o.backupVaultName, `${path}.backupVaultName`);
  if (!BACKUP_VAULT_NAME_PATTERN.test(backupVaultName)) {
    throw new SeedError(
      `${path}.backupVaultName`,
      `is not a backup vault name (${BACKUP_VAULT_NAME_PATTERN.source}): ${backupVaultName}`,
    );
  }
  const resourceArn = string(o.resourceArn, `${path}.resourceArn`);
  if (!parseArn(resourceArn)) {
    throw new SeedError(`${path}.resourceArn`, `is not an ARN: ${resourceArn}`);
  }
  const fixture: RecoveryPointFixture = {
    arn,
    backupVaultName,
    resourceArn,
    resourceType: oneOf(o.resourceType, `${path}.resourceType`, BACKUP_RESOURCE_TYPES, true),
    backupSizeInBytes: count(o.backupSizeInBytes ?? 0, `${path}.backupSizeInBytes`),
  };
  if (o.status !== undefined) {
    fixture.status = oneOf(o.status, `${path}.status`, RECOVERY_POINT_STATUSES);
  }
  if (o.outcome !== undefined) fixture.outcome = oneOf(o.outcome, `${path}.outcome`, OUTCOMES);
  const date = (name: string) => {
    const value = opt(name);
    if (value === undefined) return undefined;
    const ms = parseIsoDate(value);
    if (ms === undefined) {
      throw new SeedError(
        `${path}.${name}`,
        `is not an ISO 8601 date, or date and time with Z or an offset: ${value}`,
      );
    }
    return ms;
  };
  const created = date("creationDate");
  if (created !== undefined) fixture.creationDateMs = created;
  const cold = date("moveToColdStorageAt");
  if (cold !== undefined) fixture.moveToColdStorageAtMs = cold;
  if (o.storageClass !== undefined) {
    fixture.storageClass = oneOf(o.storageClass, `${path}.storageClass`, STORAGE_CLASSES);
  }
  if (o.retryingForMs !== undefined) {
    fixture.retryingForMs = count(o.retryingForMs, `${path}.retryingForMs`);
  }
  if (o.automaticCopies !== undefined) {
    fixture.automaticCopies = array(o.automaticCopies, `${path}.automaticCopies`).map((v, i) =>
      automaticCopy(v, `${path}.automaticCopies[${i}]`)
    );
  }
  if (o.sourceBackupVaultArn !== undefined) {
    fixture.sourceBackupVaultArn = vaultArn(o.sourceBackupVaultArn, `${path}.sourceBackupVaultArn`);
  }
  for (
    const name of [
      "resourceName",
      "backupPlanId",
      "parentRecoveryPointArn",
      "statusMessage",
      "messageCategory",
    ] as const
  ) {
    const v = opt(name);
    if (v !== undefined) fixture[name] = v;
  }
  return fixture;
}

function automaticCopy(value: unknown, path: string): AutomaticCopyFixture {
  const o = object(value, path);
  unknownKeys(o, AUTOMATIC_COPY_KEYS, path);
  const copy: AutomaticCopyFixture = {
    destinationBackupVaultArn: vaultArn(
      o.destinationBackupVaultArn,
      `${path}.destinationBackupVaultArn`,
    ),
  };
  if (o.backupJobId !== undefined) copy.backupJobId = string(o.backupJobId, `${path}.backupJobId`);
  if (o.destinationVaultType !== undefined) {
    copy.destinationVaultType = oneOf<VaultType>(
      o.destinationVaultType,
      `${path}.destinationVaultType`,
      DESTINATION_VAULT_TYPES,
    );
  }
  return copy;
}

/** Throws for the first key of `o` not in `known`, with the key it probably meant. */
function unknownKeys(
  o: Record<string, unknown>,
  known: readonly string[],
  path: string,
  hints?: Readonly<Record<string, string>>,
): void {
  const [issue] = unknownKeyIssues(o, known, path, hints);
  if (issue) throw new SeedError(issue.path, issue.message);
}

/** `value` if it is one of `values`; else the error, with the closest value when one is near. */
function oneOf<T extends string>(
  value: unknown,
  path: string,
  values: readonly T[] | readonly string[],
  suggest = false,
): T {
  const s = string(value, path);
  if ((values as readonly string[]).includes(s)) return s as T;
  const near = suggest ? closestKey(s, values) : undefined;
  throw new SeedError(
    path,
    near
      ? `is not a value AWS Backup uses: ${s}; did you mean "${near}"?`
      : `must be one of ${values.join(", ")}, got ${s}`,
  );
}

function vaultArn(value: unknown, path: string): string {
  const arn = string(value, path);
  const parsed = parseArn(arn);
  if (parsed?.service !== "backup" || !parsed.resource.startsWith("backup-vault:")) {
    throw new SeedError(path, `is not a backup vault ARN: ${arn}`);
  }
  const name = parsed.resource.slice("backup-vault:".length);
  if (!BACKUP_VAULT_NAME_PATTERN.test(name)) {
    throw new SeedError(
      path,
      `names no backup vault AWS Backup allows (${BACKUP_VAULT_NAME_PATTERN.source}): ${arn}`,
    );
  }
  return arn;
}

function object(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new SeedError(path, `must be an object, got ${kindOf(value)}`);
  }
  return value as Record<string, unknown>;
}

function array(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new SeedError(path, `must be an array, got ${kindOf(value)}`);
  return value;
}

function string(value: unknown, path: string): string {
  if (typeof value !== "string" || value === "") {
    throw new SeedError(path, `must be a non-empty string, got ${kindOf(value)}`);
  }
  return value;
}

function count(value: unknown, path: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new SeedError(path, `must be a non-negative integer, got ${kindOf(value)}`);
  }
  return value;
}

/** What a JSON value is, in words, never quoting it: `an array`, `a string`, `nothing`. */
function kindOf(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return value === "" ? "an empty string" : "a string";
  if (typeof value === "number") return Number.isInteger(value) ? `${value}` : "a number";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}
