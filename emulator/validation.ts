/**
 * Reading and checking the input of each operation, as AWS Backup's front end does: missing
 * required members raise `MissingParameterValueException`; malformed JSON, wrong types and
 * violated patterns or ranges raise `InvalidParameterValueException`. The first problem
 * found, in member order, is the one reported.
 *
 * Unknown JSON members and unknown query parameters are ignored, as restJson1 requires.
 *
 * @module
 */

import { parseArn } from "./arn.ts";
import { COPY_JOB_STATES, type CopyJobState } from "./model.ts";
import { ApiError } from "./wire.ts";

/** `Lifecycle` of StartCopyJob. */
export interface Lifecycle {
  MoveToColdStorageAfterDays?: number;
  DeleteAfterDays?: number;
  OptInToArchiveForSupportedResources?: boolean;
  /** Enum `LifecycleDeleteAfterEvent` (model 2026-04-08): only `DELETE_AFTER_COPY`. */
  DeleteAfterEvent?: "DELETE_AFTER_COPY";
}

/** The validated input of StartCopyJob. */
export interface StartCopyJobInput {
  RecoveryPointArn: string;
  SourceBackupVaultName: string;
  DestinationBackupVaultArn: string;
  IamRoleArn: string;
  IdempotencyToken?: string;
  Lifecycle?: Lifecycle;
}

/** The validated query of ListCopyJobs; timestamps are epoch milliseconds. */
export interface ListCopyJobsQuery {
  nextToken?: string;
  maxResults?: number;
  resourceArn?: string;
  state?: CopyJobState;
  createdBefore?: number;
  createdAfter?: number;
  completeBefore?: number;
  completeAfter?: number;
  resourceType?: string;
  destinationVaultArn?: string;
  accountId?: string;
  parentJobId?: string;
  messageCategory?: string;
  /** `BySourceRecoveryPointArn` (model 2026-04-08). */
  sourceRecoveryPointArn?: string;
}

/** Pattern of `BackupVaultName` in the model. */
export const BACKUP_VAULT_NAME_PATTERN = /^[a-zA-Z0-9\-\_]{2,50}$/;
/** Pattern of `ResourceType` in the model. */
export const RESOURCE_TYPE_PATTERN = /^[a-zA-Z0-9\-\_\.]{1,50}$/;
/** Pattern of `AccountId` in the model. */
export const ACCOUNT_ID_PATTERN = /^[0-9]{12}$/;
/** Range of `MaxResults` in the model. */
export const MAX_RESULTS_RANGE = { min: 1, max: 1000 } as const;

/** Parses and validates the JSON body of StartCopyJob. */
export function parseStartCopyJobInput(bodyText: string): StartCopyJobInput {
  const body = parseJsonObject(bodyText);

  const recoveryPointArn = requiredString(body, "RecoveryPointArn");
  const sourceVault = requiredString(body, "SourceBackupVaultName");
  const destinationVaultArn = requiredString(body, "DestinationBackupVaultArn");
  const iamRoleArn = requiredString(body, "IamRoleArn");
  const idempotencyToken = optionalString(body, "IdempotencyToken");
  const lifecycle = optionalLifecycle(body);

  if (!parseArn(recoveryPointArn)) {
    throw invalid("RecoveryPointArn", `Invalid ARN: ${recoveryPointArn}`);
  }
  if (!BACKUP_VAULT_NAME_PATTERN.test(sourceVault)) {
    throw invalid(
      "SourceBackupVaultName",
      `Value '${sourceVault}' at 'sourceBackupVaultName' failed to satisfy constraint: ` +
        `Member must satisfy regular expression pattern: ${BACKUP_VAULT_NAME_PATTERN.source}`,
    );
  }
  const destination = parseArn(destinationVaultArn);
  if (!destination || destination.service !== "backup") {
    throw invalid("DestinationBackupVaultArn", `Invalid ARN: ${destinationVaultArn}`);
  }
  checkIamRoleArn(iamRoleArn);

  return {
    RecoveryPointArn: recoveryPointArn,
    SourceBackupVaultName: sourceVault,
    DestinationBackupVaultArn: destinationVaultArn,
    IamRoleArn: iamRoleArn,
    ...(idempotencyToken === undefined ? {} : { IdempotencyToken: idempotencyToken }),
    ...(lifecycle === undefined ? {} : { Lifecycle: lifecycle }),
  };
}

/** `IamRoleArn` must be an IAM role ARN. @throws {ApiError} `InvalidParameterValueException` */
export function checkIamRoleArn(iamRoleArn: string): void {
  const role = parseArn(iamRoleArn);
  if (
    !role || role.service !== "iam" || !ACCOUNT_ID_PATTERN.test(role.accountId) ||
    !role.resource.startsWith("role/")
  ) {
    throw invalid("IamRoleArn", `Invalid IAM role ARN: ${iamRoleArn}`);
  }
}

/** Parses and validates the query string of ListCopyJobs. */
export function parseListCopyJobsQuery(params: URLSearchParams): ListCopyJobsQuery {
  const query: ListCopyJobsQuery = {};
  const single = singleParam(params);

  query.nextToken = single("nextToken");
  query.maxResults = parseMaxResults(single("maxResults"));
  query.resourceArn = single("resourceArn");
  const state = single("state");
  if (state !== undefined) {
    if (!(COPY_JOB_STATES as readonly string[]).includes(state)) {
      throw invalid(
        "state",
        `Value '${state}' at 'state' failed to satisfy constraint: Member must satisfy enum ` +
          `value set: [${COPY_JOB_STATES.join(", ")}]`,
      );
    }
    query.state = state as CopyJobState;
  }
  for (
    const name of ["createdBefore", "createdAfter", "completeBefore", "completeAfter"] as const
  ) {
    const value = single(name);
    if (value !== undefined) query[name] = parseDateTime(name, value);
  }
  query.resourceType = parseResourceType(single("resourceType"));
  query.destinationVaultArn = single("destinationVaultArn");
  query.accountId = parseAccountId("accountId", single("accountId"));
  query.parentJobId = single("parentJobId");
  query.messageCategory = single("messageCategory");
  query.sourceRecoveryPointArn = single("sourceRecoveryPointArn");
  return withoutUndefined(query);
}

/** The validated query of ListRecoveryPointsByBackupVault; timestamps are epoch milliseconds. */
export interface ListRecoveryPointsQuery {
  backupVaultAccountId?: string;
  nextToken?: string;
  maxResults?: number;
  resourceArn?: string;
  resourceType?: string;
  backupPlanId?: string;
  createdBefore?: number;
  createdAfter?: number;
  parentRecoveryPointArn?: string;
}

/** Parses and validates the query string of ListRecoveryPointsByBackupVault. */
export function parseListRecoveryPointsQuery(params: URLSearchParams): ListRecoveryPointsQuery {
  const single = singleParam(params);
  const query: ListRecoveryPointsQuery = {
    backupVaultAccountId: parseAccountId("backupVaultAccountId", single("backupVaultAccountId")),
    nextToken: single("nextToken"),
    maxResults: parseMaxResults(single("maxResults")),
    resourceArn: single("resourceArn"),
    resourceType: parseResourceType(single("resourceType")),
    backupPlanId: single("backupPlanId"),
    parentRecoveryPointArn: single("parentRecoveryPointArn"),
  };
  for (const name of ["createdBefore", "createdAfter"] as const) {
    const value = single(name);
    if (value !== undefined) query[name] = parseDateTime(name, value);
  }
  return withoutUndefined(query);
}

/** The validated query of ListBackupVaults. */
export interface ListBackupVaultsQuery {
  nextToken?: string;
  maxResults?: number;
  vaultType?: string;
  shared?: boolean;
}

/** `VaultType` of the model. */
export const VAULT_TYPES = [
  "BACKUP_VAULT",
  "LOGICALLY_AIR_GAPPED_BACKUP_VAULT",
  "RESTORE_ACCESS_BACKUP_VAULT",
] as const;

/** Parses and validates the query string of ListBackupVaults. */
export function parseListBackupVaultsQuery(params: URLSearchParams): ListBackupVaultsQuery {
  const single = singleParam(params);
  const vaultType = single("vaultType");
  if (vaultType !== undefined && !(VAULT_TYPES as readonly string[]).includes(vaultType)) {
    throw invalid(
      "vaultType",
      `Value '${vaultType}' at 'vaultType' failed to satisfy constraint: Member must satisfy ` +
        `enum value set: [${VAULT_TYPES.join(", ")}]`,
    );
  }
  const shared = single("shared");
  if (shared !== undefined && shared !== "true" && shared !== "false") {
    throw invalid("shared", `Value '${shared}' at 'shared' is not a boolean.`);
  }
  return withoutUndefined({
    nextToken: single("nextToken"),
    maxResults: parseMaxResults(single("maxResults")),
    vaultType,
    shared: shared === undefined ? undefined : shared === "true",
  });
}

/** Validates the optional `backupVaultAccountId` query parameter of the vault operations. */
export function parseAccountId(name: string, value: string | undefined): string | undefined {
  if (value !== undefined && !ACCOUNT_ID_PATTERN.test(value)) {
    throw invalid(
      name,
      `Value '${value}' at '${name}' failed to satisfy constraint: ` +
        `Member must satisfy regular expression pattern: ${ACCOUNT_ID_PATTERN.source}`,
    );
  }
  return value;
}

/** Reads a query parameter that may be given at most once. */
function singleParam(params: URLSearchParams): (name: string) => string | undefined {
  return (name) => {
    const values = params.getAll(name);
    if (values.length > 1) {
      throw invalid(name, `Query parameter '${name}' must be given at most once.`);
    }
    return values[0];
  };
}

function parseMaxResults(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = /^-?\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n)) {
    throw invalid("maxResults", `Value '${value}' at 'maxResults' is not an integer.`);
  }
  if (n < MAX_RESULTS_RANGE.min || n > MAX_RESULTS_RANGE.max) {
    throw invalid(
      "maxResults",
      `Value '${n}' at 'maxResults' failed to satisfy constraint: Member must have value ` +
        `between ${MAX_RESULTS_RANGE.min} and ${MAX_RESULTS_RANGE.max}`,
    );
  }
  return n;
}

function parseResourceType(value: string | undefined): string | undefined {
  if (value !== undefined && !RESOURCE_TYPE_PATTERN.test(value)) {
    throw invalid(
      "resourceType",
      `Value '${value}' at 'resourceType' failed to satisfy constraint: ` +
        `Member must satisfy regular expression pattern: ${RESOURCE_TYPE_PATTERN.source}`,
    );
  }
  return value;
}

function withoutUndefined<T extends object>(query: T): T {
  for (const key of Object.keys(query) as (keyof T)[]) {
    if (query[key] === undefined) delete query[key];
  }
  return query;
}

/**
 * Parses an RFC 3339 `date-time` (restJson1's format for timestamps in a query string), e.g.
 * `2024-01-02T03:04:05Z` or `2024-01-02T03:04:05.123+02:00`, to epoch milliseconds.
 */
export function parseDateTime(member: string, value: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/
    .exec(value);
  const ms = m ? Date.parse(value.toUpperCase()) : NaN;
  if (
    !m || Number.isNaN(ms) || +m[2] > 12 || +m[3] > 31 || +m[4] > 23 || +m[5] > 59 ||
    +m[6] > 60
  ) {
    throw invalid(
      member,
      `Value '${value}' at '${member}' is not a valid RFC 3339 date-time, e.g. 2024-01-02T03:04:05Z`,
    );
  }
  return ms;
}

/** The body as a JSON object (empty: `{}`). @throws {ApiError} */
export function parseJsonObject(text: string): Record<string, unknown> {
  if (text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError("InvalidParameterValueException", "The request body is not valid JSON.");
  }
  if (!isObject(value)) {
    throw new ApiError("InvalidParameterValueException", "The request body must be a JSON object.");
  }
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A required string member. @throws {ApiError} `MissingParameterValueException` */
export function requiredString(body: Record<string, unknown>, member: string): string {
  const value = optionalString(body, member);
  if (value === undefined) {
    throw new ApiError(
      "MissingParameterValueException",
      `Missing required parameter in input: "${member}"`,
      { context: member },
    );
  }
  return value;
}

/** An optional string member. @throws {ApiError} when it is not a string */
export function optionalString(body: Record<string, unknown>, member: string): string | undefined {
  const value = body[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") {
    throw invalid(member, `Invalid type for parameter ${member}, expected a string.`);
  }
  return value;
}

function optionalLifecycle(body: Record<string, unknown>): Lifecycle | undefined {
  const value = body.Lifecycle;
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) {
    throw invalid("Lifecycle", "Invalid type for parameter Lifecycle, expected an object.");
  }
  const lifecycle: Lifecycle = {};
  for (const member of ["MoveToColdStorageAfterDays", "DeleteAfterDays"] as const) {
    const days = value[member];
    if (days === undefined || days === null) continue;
    const path = `Lifecycle.${member}`;
    if (typeof days !== "number" || !Number.isSafeInteger(days)) {
      throw invalid(path, `Invalid type for parameter ${path}, expected an integer.`);
    }
    if (days !== -1 && days < 1) {
      throw invalid(path, `${path} must be at least 1 day, or -1 to keep the copy indefinitely.`);
    }
    lifecycle[member] = days;
  }
  const optIn = value.OptInToArchiveForSupportedResources;
  if (optIn !== undefined && optIn !== null) {
    if (typeof optIn !== "boolean") {
      throw invalid(
        "Lifecycle.OptInToArchiveForSupportedResources",
        "Invalid type for parameter Lifecycle.OptInToArchiveForSupportedResources, expected a boolean.",
      );
    }
    lifecycle.OptInToArchiveForSupportedResources = optIn;
  }
  const event = value.DeleteAfterEvent;
  if (event !== undefined && event !== null) {
    if (event !== "DELETE_AFTER_COPY") {
      throw invalid(
        "Lifecycle.DeleteAfterEvent",
        "Invalid value for parameter Lifecycle.DeleteAfterEvent, expected DELETE_AFTER_COPY.",
      );
    }
    lifecycle.DeleteAfterEvent = event;
  }
  const cold = lifecycle.MoveToColdStorageAfterDays;
  const deleteAfter = lifecycle.DeleteAfterDays;
  if (
    cold !== undefined && cold > 0 && deleteAfter !== undefined && deleteAfter > 0 &&
    deleteAfter < cold + 90
  ) {
    throw invalid(
      "Lifecycle.DeleteAfterDays",
      "DeleteAfterDays must be at least 90 days greater than MoveToColdStorageAfterDays.",
    );
  }
  return lifecycle;
}

/** An `InvalidParameterValueException` about `member`. */
export function invalid(member: string, message: string): ApiError {
  return new ApiError("InvalidParameterValueException", message, { context: member });
}
