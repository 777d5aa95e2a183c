/**
 * Checks shared by the options of the vault jobs (`copyRecoveryPoints`,
 * `copyRecoveryPointsInWorkflow`, `verifyCopies`): keys they do not know, the selection, the copy
 * they start, the shape of the ARNs they are given and numbers — all before anything is sent.
 *
 * @module
 */

import type { Lifecycle } from "../generated/types.ts";
import { validateStartCopyJobInput } from "../generated/validators.ts";
import { signalIssues } from "../runtime/call_options.ts";
import { ValidationError, type ValidationIssue } from "../runtime/errors.ts";
import { describe } from "../runtime/plain_objects.ts";
import { closestKey, unknownKeyIssues } from "../runtime/unknown_keys.ts";
import { BACKUP_RESOURCE_TYPES, type CopySelection } from "./selection.ts";

/** The keys of the selection options. */
export const SELECTION_KEYS = {
  createdAfter: true,
  createdBefore: true,
  resourceTypes: true,
  resourceArns: true,
  filter: true,
} as const satisfies Record<keyof CopySelection, true>;

/**
 * The first check of a vault job's options: they must be an object (else it throws at once), and
 * every key must be one of `known`: an issue per other key, with the closest known key when one
 * is near (`concurency` → `did you mean "concurrency"?`) or our name for an AWS SDK v3 option
 * (`abortSignal` → `signal`), the rule of `runtime/unknown_keys.ts`.
 *
 * @param subject the job, e.g. `copyRecoveryPoints`: the error says `<subject> options`.
 * @throws {ValidationError} when `options` is not an object.
 */
export function optionKeyIssues(
  options: unknown,
  known: readonly string[],
  subject: string,
): ValidationIssue[] {
  if (typeof options !== "object" || options === null) {
    throw new ValidationError(`${subject} options`, [{ path: "", message: "must be an object" }]);
  }
  return unknownKeyIssues(options, known, "", known.includes("lifecycle") ? LIFECYCLE_HINTS : {});
}

/**
 * Lifecycle members given as options of their own, as the CLIs' `--delete-after-days` reads. A
 * literal, not built at import: a bundle that never calls a vault job drops this module.
 */
const DELETE_HINT = "the copies' lifecycle is lifecycle: { DeleteAfterDays: n }";
const COLD_HINT = "the copies' lifecycle is lifecycle: { MoveToColdStorageAfterDays: n }";
const LIFECYCLE_HINTS: Readonly<Record<string, string>> = {
  DeleteAfterDays: DELETE_HINT,
  deleteAfterDays: DELETE_HINT,
  MoveToColdStorageAfterDays: COLD_HINT,
  moveToColdStorageAfterDays: COLD_HINT,
};

/** Issues of the selection options: dates and their order, resource types, ARNs, the filter. */
export function selectionIssues(o: CopySelection): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const validDate = (name: "createdAfter" | "createdBefore") => {
    const value = o[name];
    if (value === undefined) return undefined;
    if (value instanceof Date && !Number.isNaN(value.getTime())) return value;
    issues.push({ path: name, message: "must be a valid Date" });
    return undefined;
  };
  const after = validDate("createdAfter");
  const before = validDate("createdBefore");
  if (after && before && after.getTime() >= before.getTime()) {
    issues.push({
      path: "createdAfter",
      message: `must be before createdBefore (${after.toISOString()} is not before ` +
        `${before.toISOString()}): nothing could be selected`,
    });
  }
  for (const name of ["resourceTypes", "resourceArns"] as const) {
    const value = o[name];
    if (
      value !== undefined && !(Array.isArray(value) && value.every((v) => typeof v === "string"))
    ) {
      issues.push({ path: name, message: "must be an array of strings" });
    }
  }
  if (Array.isArray(o.resourceTypes)) {
    o.resourceTypes.forEach((type, i) => {
      if (typeof type !== "string" || BACKUP_RESOURCE_TYPES.includes(type)) return;
      const near = closestKey(type, BACKUP_RESOURCE_TYPES);
      issues.push({
        path: `resourceTypes[${i}]`,
        message: `'${type}' is not a resource type of AWS Backup${
          near ? `; did you mean ${near}?` : ` (one of ${BACKUP_RESOURCE_TYPES.join(", ")})`
        }`,
      });
    });
  }
  if (Array.isArray(o.resourceArns)) {
    o.resourceArns.forEach((arn, i) => {
      if (typeof arn === "string" && !ARN_PATTERN.test(arn)) {
        issues.push({ path: `resourceArns[${i}]`, message: `must be an ARN, got '${arn}'` });
      }
    });
  }
  if (o.filter !== undefined && typeof o.filter !== "function") {
    issues.push({ path: "filter", message: "must be a function" });
  }
  return issues;
}

// ARN shapes: "Identify AWS resources with Amazon Resource Names (ARNs)" and "IAM identifiers"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns:
// a role's path is "/" or "/…/" of printable ASCII, its name 1–64 of [\w+=,.@-]); a backup
// vault's name follows the model's BackupVaultName pattern.
/** `arn:PARTITION:SERVICE:…`: the start every ARN shares, whatever its resource. */
export const ARN_PATTERN: RegExp = /^arn:[a-z][a-z0-9-]*:[^:]+:/;
/** `arn:PARTITION:backup:REGION:ACCOUNT:backup-vault:NAME`. */
export const BACKUP_VAULT_ARN_PATTERN: RegExp =
  /^arn:aws(?:-[a-z]+)*:backup:[a-z]{2}(?:-[a-z]+)+-\d+:\d{12}:backup-vault:[a-zA-Z0-9\-_]{2,50}$/;
/** `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME`. */
export const IAM_ROLE_ARN_PATTERN: RegExp =
  /^arn:aws(?:-[a-z]+)*:iam::\d{12}:role\/(?:[\x21-\x7e]*\/)?[\w+=,.@-]{1,64}$/;

/** An issue when `value` is a string that is not a backup vault ARN. */
export function vaultArnIssue(path: string, value: unknown): ValidationIssue[] {
  if (typeof value !== "string" || BACKUP_VAULT_ARN_PATTERN.test(value)) return [];
  const hint = /^[a-zA-Z0-9\-_]{2,50}$/.test(value) ? " (a vault name: pass the vault's ARN)" : "";
  return [{
    path,
    message: `must be a backup vault ARN, arn:PARTITION:backup:REGION:ACCOUNT:backup-vault:NAME, ` +
      `got '${value}'${hint}`,
  }];
}

/** An issue when `value` is not a string of ARN shape (`arn:PARTITION:SERVICE:…`), also absent. */
export function arnIssue(path: string, value: unknown): ValidationIssue[] {
  if (typeof value === "string" && ARN_PATTERN.test(value)) return [];
  return [{
    path,
    message: `must be an ARN, arn:PARTITION:SERVICE:…, got ${
      typeof value === "string" ? `'${value}'` : describe(value)
    }`,
  }];
}

/** An issue when `value` is not a backup vault ARN, also when it is absent. */
export function requiredVaultArnIssue(path: string, value: unknown): ValidationIssue[] {
  return typeof value === "string"
    ? vaultArnIssue(path, value)
    : [{ path, message: `must be a backup vault ARN, not ${describe(value)}` }];
}

/**
 * Issues with the `options` of a job helper: not an object, a key not in `keys`, a `signal`
 * that is not an AbortSignal.
 */
export function helperOptionIssues(options: unknown, keys: readonly string[]): ValidationIssue[] {
  if (typeof options !== "object" || options === null) {
    return [{ path: "options", message: `must be an object, not ${describe(options)}` }];
  }
  return [
    ...unknownKeyIssues(options, keys),
    ...signalIssues("signal", (options as { signal?: unknown }).signal),
  ];
}

/**
 * The issue of a copy into the vault its recovery points are in: `sourceVaultArn` (the source
 * vault's ARN as AWS Backup lists it, naming the caller's account and Region) is the destination.
 *
 * ARNs are compared exactly, as AWS Backup does: a vault is identified by its name, "unique to the
 * account used to create them and the AWS Region where they are created", and names match
 * `^[a-zA-Z0-9\-\_]{2,50}$` with nothing said to fold case (CreateBackupVault,
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_CreateBackupVault.html), so `dr`
 * and `DR` are two vaults; the partition, Region and account parts are lowercase and digits by
 * the ARN's own pattern ({@linkcode BACKUP_VAULT_ARN_PATTERN}).
 */
export function sameVaultIssues(
  sourceVaultArn: string | undefined,
  destinationBackupVaultArn: string,
): ValidationIssue[] {
  if (sourceVaultArn === undefined || sourceVaultArn !== destinationBackupVaultArn) return [];
  return [{
    path: "destinationBackupVaultArn",
    message: `is the source vault itself (${sourceVaultArn}): a recovery point is never copied ` +
      `into the vault it is in; name another vault (another Region or account)`,
  }];
}

/**
 * The ARN of the vault a StartCopyJob copies from: the recovery point ARN's partition, Region
 * and account with the source vault's name (a vault is in the account and Region of its recovery
 * points). `undefined` when the recovery point ARN names no account (an EBS snapshot's
 * `arn:aws:ec2:REGION::snapshot/ID`) or is not an ARN: then nothing is known to compare.
 */
export function sourceVaultArnOf(
  recoveryPointArn: string,
  sourceBackupVaultName: string,
): string | undefined {
  const [arn, partition, , region, account] = recoveryPointArn.split(":");
  if (arn !== "arn" || !partition || !region || !account) return undefined;
  return `arn:${partition}:backup:${region}:${account}:backup-vault:${sourceBackupVaultName}`;
}

/**
 * Throws when a vault job would copy into (or verify copies in) its own source vault, found
 * from the first recovery point listed: before any copy is looked up or started.
 * @throws {ValidationError} naming `destinationBackupVaultArn`.
 */
export function refuseSameVault(
  subject: string,
  sourceVaultArn: string | undefined,
  destinationBackupVaultArn: string,
): void {
  const issues = sameVaultIssues(sourceVaultArn, destinationBackupVaultArn);
  if (issues.length) throw new ValidationError(`${subject} options`, issues);
}

/** An issue when `value` is a string that is not an IAM role ARN. */
export function roleArnIssue(path: string, value: unknown): ValidationIssue[] {
  if (typeof value !== "string" || IAM_ROLE_ARN_PATTERN.test(value)) return [];
  return [{
    path,
    message: `must be an IAM role ARN, arn:PARTITION:iam::ACCOUNT:role/NAME (or role/PATH/NAME), ` +
      `got '${value}'`,
  }];
}

/** The model's `BackupVaultName` pattern. */
const BACKUP_VAULT_NAME_PATTERN = /^[a-zA-Z0-9\-_]{2,50}$/;

/** An issue when `value` is not a backup vault name (required). */
export function vaultNameIssue(path: string, value: unknown): ValidationIssue[] {
  if (value === undefined) return [{ path, message: "is required" }];
  if (typeof value === "string" && BACKUP_VAULT_NAME_PATTERN.test(value)) return [];
  return [{
    path,
    message: `must be a backup vault name matching ${BACKUP_VAULT_NAME_PATTERN.source}`,
  }];
}

/** The options of a vault job that become a StartCopyJob input. */
export interface CopyTargetOptions {
  /** StartCopyJob `SourceBackupVaultName`. */
  sourceBackupVaultName: string;
  /** StartCopyJob `DestinationBackupVaultArn`. */
  destinationBackupVaultArn: string;
  /** StartCopyJob `IamRoleArn`. */
  iamRoleArn: string;
  /** StartCopyJob `Lifecycle`. */
  lifecycle?: Lifecycle | undefined;
}

/** The keys of {@linkcode CopyTargetOptions}. */
export const COPY_TARGET_KEYS = {
  sourceBackupVaultName: true,
  destinationBackupVaultArn: true,
  iamRoleArn: true,
  lifecycle: true,
} as const satisfies Record<keyof CopyTargetOptions, true>;

/**
 * Issues of the options that become StartCopyJob members, checked against the model (which also
 * refuses a key `Lifecycle` does not have) and named by option, then the shapes of the
 * destination vault's and the role's ARNs.
 */
export function copyTargetIssues(o: CopyTargetOptions): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const names: Record<string, string> = {
    SourceBackupVaultName: "sourceBackupVaultName",
    DestinationBackupVaultArn: "destinationBackupVaultArn",
    IamRoleArn: "iamRoleArn",
    Lifecycle: "lifecycle",
  };
  for (
    const issue of validateStartCopyJobInput({
      RecoveryPointArn: "arn:aws:backup:us-east-1:000000000000:recovery-point:x",
      SourceBackupVaultName: o.sourceBackupVaultName,
      DestinationBackupVaultArn: o.destinationBackupVaultArn,
      IamRoleArn: o.iamRoleArn,
      ...(o.lifecycle === undefined ? {} : { Lifecycle: o.lifecycle }),
    })
  ) {
    const [head, ...rest] = issue.path.split(".");
    issues.push({ path: [names[head] ?? head, ...rest].join("."), message: issue.message });
  }
  issues.push(
    ...vaultArnIssue("destinationBackupVaultArn", o.destinationBackupVaultArn),
    ...roleArnIssue("iamRoleArn", o.iamRoleArn),
  );
  return issues;
}

/** An issue when `value` is given and is not an integer from `min` to `max`. */
export function integerIssue(
  path: string,
  value: unknown,
  min: number,
  max = Infinity,
): ValidationIssue[] {
  const n = value as number;
  if (value === undefined || (Number.isSafeInteger(n) && n >= min && n <= max)) return [];
  return [{
    path,
    message: max === Infinity
      ? `must be an integer of at least ${min}`
      : `must be an integer from ${min} to ${max}`,
  }];
}

/** An issue when `value` is given and is not a boolean. */
export function booleanIssue(path: string, value: unknown): ValidationIssue[] {
  return value === undefined || typeof value === "boolean"
    ? []
    : [{ path, message: "must be a boolean" }];
}
