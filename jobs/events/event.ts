/**
 * AWS Backup's EventBridge events as delivered to a target, and what one of them means for a
 * copy: "this recovery point is ready to be copied", or why it does not say so.
 *
 * The shapes are those of the AWS Backup Developer Guide, "Monitoring AWS Backup events using
 * Amazon EventBridge" (https://docs.aws.amazon.com/aws-backup/latest/devguide/eventbridge.html),
 * and the envelope that of the EventBridge User Guide ("Amazon EventBridge events"):
 *
 * - **Backup Job State Change**, `detail.state: "COMPLETED"`: the new recovery point is
 *   `resources[0]`; `detail` names the backup job, the vault (`backupVaultArn`,
 *   `backupVaultName`) and the resource, not the recovery point. Other states carry
 *   `resources: []`. When `resources` holds no ARN, DescribeBackupJob says which recovery point
 *   the job made.
 * - **Copy Job State Change**, `detail.state: "COMPLETED"`: `resources[0]` is the source recovery
 *   point; the copy is `detail.destinationRecoveryPointArn` in `detail.destinationBackupVaultArn`
 *   — the recovery point a second hop copies. The event is emitted where the copy job runs: the
 *   account and Region that called StartCopyJob (the source), not where the copy lands.
 * - **Recovery Point State Change**, `detail.status: "COMPLETED"` (`status`, not `state`, as in
 *   the API): `resources[0]` is the recovery point, in `detail.backupVaultArn`; emitted in the
 *   vault's own account and Region, for backups and for copies that arrive there.
 *
 * AWS Backup sends these "best effort" (EventBridge event reference, "AWS Backup events") and
 * EventBridge delivers to a target at least once, retrying failed deliveries for up to 24 hours
 * by default: an event can be lost, late, or arrive more than once.
 *
 * @module
 */

import { ValidationError, type ValidationIssue } from "../../runtime/errors.ts";
import type { SkipCode } from "../selection.ts";

/** `detail-type` of a backup job's state change. */
export const BACKUP_JOB_STATE_CHANGE = "Backup Job State Change";
/** `detail-type` of a copy job's state change. */
export const COPY_JOB_STATE_CHANGE = "Copy Job State Change";
/** `detail-type` of a recovery point's status change. */
export const RECOVERY_POINT_STATE_CHANGE = "Recovery Point State Change";

/** The AWS Backup events that can say a recovery point is ready to copy. */
export const BACKUP_EVENT_TYPES = [
  BACKUP_JOB_STATE_CHANGE,
  COPY_JOB_STATE_CHANGE,
  RECOVERY_POINT_STATE_CHANGE,
] as const;

/** One of {@linkcode BACKUP_EVENT_TYPES}. */
export type BackupEventType = typeof BACKUP_EVENT_TYPES[number];

/**
 * An EventBridge event as EventBridge delivers it to a target (no input transformer): the
 * envelope of the EventBridge User Guide, "Amazon EventBridge events".
 */
export interface EventBridgeEvent<Detail = Record<string, unknown>> {
  /** Always `"0"` today. */
  version: string;
  /** The event's id: every delivery and every retry of one event carries the same id. */
  id: string;
  /** What happened, e.g. `Backup Job State Change`. */
  "detail-type": string;
  /** Who sent it: `aws.backup` for AWS Backup. */
  source: string;
  /** The account the event comes from (12 digits). */
  account: string;
  /** When it happened, e.g. `2026-03-02T04:05:06Z`. */
  time: string;
  /** The Region the event comes from. */
  region: string;
  /** ARNs the event is about (for AWS Backup: the recovery point, when there is one). */
  resources: string[];
  /** The event's own fields. */
  detail: Detail;
}

/** Where a recovery point lives: the account and Region of its vault. */
export interface Place {
  /** Region, e.g. `us-west-2`. */
  region: string;
  /** Account id, 12 digits. */
  accountId: string;
}

/** A recovery point an event says is ready to copy. */
export interface ReadyRecoveryPoint extends Place {
  /**
   * Its ARN (`arn:aws:backup:…:recovery-point:…`, or the service's own for e.g. EBS snapshots).
   * Absent only before a Backup Job event that named none has been looked up.
   */
  recoveryPointArn?: string;
  /** The vault holding it. */
  backupVaultArn: string;
  /** That vault's name. */
  backupVaultName: string;
  /** The event type that said so. */
  eventType: BackupEventType;
  /** The backed-up resource, when the event says. */
  resourceArn?: string | undefined;
  /** Its resource type, e.g. `EBS`, when the event says. */
  resourceType?: string | undefined;
  /** Of a Backup Job event: the job that made the recovery point. */
  backupJobId?: string;
  /** Of a Copy Job event: the copy job that made it. */
  copyJobId?: string;
}

/**
 * Why an event was ignored. The codes are those of the copy report and the sweep (upper case):
 * AWS's copy rules from `jobs/selection.ts` (`STATUS`, `CONTINUOUS`, `STORAGE_CLASS`,
 * `COMPOSITE_MEMBER`), the rules' reasons ({@linkcode RuleMissCode}), and what only an event has.
 */
export type IgnoreCode =
  /** Not from `aws.backup`. */
  | "SOURCE"
  /** An AWS Backup event that never means a recovery point is ready (vault, plan, restore …). */
  | "DETAIL_TYPE"
  /** A backup or copy job not (yet) COMPLETED. */
  | "STATE"
  /** No rule takes it (each rule's reason is in `skippedRules`). */
  | "NO_RULE"
  /** AWS's copy rules, as the sweep and `copyRecoveryPoints` apply them. */
  | Extract<SkipCode, "STATUS" | "CONTINUOUS" | "STORAGE_CLASS" | "COMPOSITE_MEMBER">
  /** Every rule missed it for the same reason. */
  | RuleMissCode;

/**
 * Why one rule did not take a recovery point. `SOURCE_VAULT` also marks a vault AWS manages
 * itself (`aws/efs/automatic-backup-vault`), which no rule can copy from.
 */
export type RuleMissCode =
  | "EVENT_TYPE"
  | "ACCOUNT"
  | "REGION"
  | "SOURCE_VAULT"
  | "RESOURCE_TYPE"
  | "RESOURCE_ARN"
  | "SAME_VAULT";

/** A reason, as a code and a sentence for people. */
export interface Reason<Code extends string> {
  /** What kind of reason. */
  code: Code;
  /** The reason for people, e.g. `state RUNNING is not COMPLETED`. */
  message: string;
}

/** What {@linkcode readEvent} found: a recovery point to copy, or why there is none. */
export type EventReading =
  | { ready: ReadyRecoveryPoint; ignored?: undefined }
  | { ready?: undefined; ignored: Reason<IgnoreCode> };

const ARN = /^arn:[a-z][a-z0-9-]*:[a-z0-9-]+:[a-z0-9-]*:[0-9]*:.+$/;
/** Pattern of `BackupVaultName` in the model: what StartCopyJob and the vault calls accept. */
const VAULT_NAME = /^[a-zA-Z0-9\-\_]{2,50}$/;
/** `arn:<partition>:backup:<region>:<account>:backup-vault:<name>`, the name as the model allows. */
const BACKUP_VAULT_ARN =
  /^arn:([a-z][a-z0-9-]*):backup:([a-z0-9-]+):([0-9]{12}):backup-vault:([a-zA-Z0-9\-\_]{2,50})$/;
/**
 * A vault AWS manages itself, named `aws/…`: `aws/efs/automatic-backup-vault` holds EFS automatic
 * backups (Amazon EFS User Guide, "Managing automatic backups of EFS file systems"). AWS Backup
 * sends events for it, but its name is no `BackupVaultName` (the model's pattern has no `/`), so
 * StartCopyJob cannot take it as a source: its events are ignored, not refused.
 */
const AWS_MANAGED_VAULT_NAME = /^aws\/[a-zA-Z0-9\-\_\/]{1,200}$/;
const AWS_MANAGED_VAULT_ARN =
  /^arn:[a-z][a-z0-9-]*:backup:[a-z0-9-]+:[0-9]{12}:backup-vault:(aws\/[a-zA-Z0-9\-\_\/]{1,200})$/;
const ACCOUNT = /^[0-9]{12}$/;
const REGION = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * The parts of a backup vault ARN, or `undefined` when it is not one — or its name is not one the
 * model accepts (`^[a-zA-Z0-9\-\_]{2,50}$`).
 */
export function parseBackupVaultArn(
  arn: string,
): (Place & { partition: string; name: string }) | undefined {
  const match = BACKUP_VAULT_ARN.exec(arn);
  return match
    ? { partition: match[1], region: match[2], accountId: match[3], name: match[4] }
    : undefined;
}

/** Whether `value` is a backup vault name the model accepts: 2 to 50 letters, digits, `-`, `_`. */
export function isBackupVaultName(value: unknown): value is string {
  return typeof value === "string" && VAULT_NAME.test(value);
}

/** Whether `value` has the shape of an ARN (`arn:partition:service:region:account:resource`). */
export function isArn(value: unknown): value is string {
  return typeof value === "string" && ARN.test(value);
}

/** Whether `value` is a 12-digit account id. */
export function isAccountId(value: unknown): value is string {
  return typeof value === "string" && ACCOUNT.test(value);
}

/** Whether `value` is shaped like a Region name (`us-east-1`). */
export function isRegion(value: unknown): value is string {
  return typeof value === "string" && REGION.test(value);
}

/**
 * Checks that `value` is an EventBridge event envelope with members of the right types, and, for
 * the AWS Backup events that can mean a recovery point is ready, that every `detail` member and
 * `resources` entry read has the right type and shape (vault names and ARNs as the model allows
 * them), so that nothing read later can fail on it.
 *
 * @param path how the value is named in issues, e.g. `event`.
 * @throws {ValidationError} naming the path of each problem (`event.detail.backupVaultArn`).
 */
export function parseEvent(value: unknown, path = "event"): EventBridgeEvent {
  const issues: ValidationIssue[] = [];
  if (!isObject(value)) {
    throw new ValidationError("EventBridge event", [{
      path,
      message: `must be an EventBridge event (an object), not ${kind(value)}`,
    }]);
  }
  for (const key of ["version", "id", "detail-type", "source", "time"] as const) {
    const member = value[key];
    if (typeof member !== "string" || member === "") {
      issues.push({ path: `${path}.${key}`, message: `must be a non-empty string` });
    }
  }
  if (!isAccountId(value.account)) {
    issues.push({ path: `${path}.account`, message: "must be a 12-digit account id" });
  }
  if (!isRegion(value.region)) {
    issues.push({ path: `${path}.region`, message: "must be a Region name such as us-east-1" });
  }
  if (typeof value.time === "string" && Number.isNaN(Date.parse(value.time))) {
    issues.push({
      path: `${path}.time`,
      message: "must be a date-time such as 2026-03-02T04:05:06Z",
    });
  }
  const resources = value.resources;
  if (!Array.isArray(resources)) {
    issues.push({ path: `${path}.resources`, message: "must be an array of ARNs" });
  } else {
    resources.forEach((r, i) => {
      if (typeof r !== "string") {
        issues.push({ path: `${path}.resources[${i}]`, message: "must be a string" });
      }
    });
  }
  if (!isObject(value.detail)) {
    issues.push({
      path: `${path}.detail`,
      message: `must be an object, not ${kind(value.detail)}`,
    });
  }
  if (!issues.length && value.source === "aws.backup") {
    detailIssues(value as unknown as EventBridgeEvent, path, issues);
  }
  if (issues.length) throw new ValidationError("EventBridge event", issues);
  return value as unknown as EventBridgeEvent;
}

const VAULT_ARN_SHAPE = "must be a backup vault ARN (arn:aws:backup:<region>:<account>:" +
  "backup-vault:<name>, the name 2 to 50 letters, digits, - or _)";

/** The members of the three event types this module reads, checked for type and shape. */
function detailIssues(event: EventBridgeEvent, path: string, issues: ValidationIssue[]): void {
  const detail = event.detail;
  const at = (key: string) => `${path}.detail.${key}`;
  const string = (key: string, required: boolean) => {
    const v = detail[key];
    if (v === undefined && !required) return;
    if (typeof v !== "string" || v === "") {
      issues.push({ path: at(key), message: "must be a non-empty string" });
    }
  };
  // A vault AWS manages (`aws/…`) is allowed where AWS Backup can name one: readEvent ignores it.
  const vaultArn = (key: string, required: boolean, awsManaged: boolean) => {
    const v = detail[key];
    if (v === undefined && !required) return;
    if (
      typeof v !== "string" ||
      !(parseBackupVaultArn(v) || (awsManaged && AWS_MANAGED_VAULT_ARN.test(v)))
    ) {
      issues.push({ path: at(key), message: VAULT_ARN_SHAPE });
    }
  };
  const vaultName = (key: string, required: boolean) => {
    const v = detail[key];
    if (v === undefined && !required) return;
    if (!isBackupVaultName(v) && !(typeof v === "string" && AWS_MANAGED_VAULT_NAME.test(v))) {
      issues.push({
        path: at(key),
        message: "must be a backup vault name (2 to 50 letters, digits, - or _)",
      });
    }
  };
  const resourceArn = (at: string, value: unknown, required: boolean, what = "an ARN") => {
    if (value === undefined && !required) return;
    if (!isArn(value)) issues.push({ path: at, message: `must be ${what}` });
  };
  for (const key of ["resourceType", "parentJobId", "parentRecoveryPointArn"]) {
    if (detail[key] !== undefined && typeof detail[key] !== "string") {
      issues.push({ path: at(key), message: "must be a string" });
    }
  }
  // Rules compare it with `resourceArns`; AWS names the backed-up resource by its ARN.
  if (detail.resourceArn !== "") resourceArn(at("resourceArn"), detail.resourceArn, false);
  const first = `${path}.resources[0]`;
  switch (event["detail-type"]) {
    case BACKUP_JOB_STATE_CHANGE:
      string("state", true);
      if (detail.state !== "COMPLETED") return;
      string("backupJobId", true);
      vaultName("backupVaultName", true);
      vaultArn("backupVaultArn", false, true);
      resourceArn(first, event.resources[0], false);
      break;
    case COPY_JOB_STATE_CHANGE:
      string("state", true);
      if (detail.state !== "COMPLETED") return;
      vaultArn("destinationBackupVaultArn", true, false);
      vaultArn("sourceBackupVaultArn", false, true);
      resourceArn(at("destinationRecoveryPointArn"), detail.destinationRecoveryPointArn, true);
      string("copyJobId", false);
      resourceArn(first, event.resources[0], false);
      break;
    case RECOVERY_POINT_STATE_CHANGE:
      string("status", true);
      if (detail.status !== "COMPLETED") return;
      vaultArn("backupVaultArn", true, true);
      vaultName("backupVaultName", false);
      resourceArn(first, event.resources[0], true, "the recovery point's ARN");
      break;
  }
}

/**
 * Reads what an event means for a copy: the recovery point it says is ready, or why it does not
 * say one is. Does not look anything up: a Backup Job event whose `resources` names no recovery
 * point gives a {@linkcode ReadyRecoveryPoint} without `recoveryPointArn`, for DescribeBackupJob.
 *
 * @param event a checked event (see {@linkcode parseEvent}).
 * @throws {ValidationError} an event {@linkcode parseEvent} did not check.
 */
export function readEvent(event: EventBridgeEvent): EventReading {
  if (event.source !== "aws.backup") {
    return ignore("SOURCE", `source ${event.source} is not aws.backup`);
  }
  const type = event["detail-type"];
  const detail = event.detail as Record<string, string | undefined>;
  const resource = event.resources[0];
  const ready = (vaultArn: string, eventType: BackupEventType): EventReading => {
    const managed = AWS_MANAGED_VAULT_ARN.exec(vaultArn);
    if (managed) {
      return ignore(
        "SOURCE_VAULT",
        `vault ${managed[1]} is managed by AWS: StartCopyJob cannot copy from it`,
      );
    }
    const vault = parseBackupVaultArn(vaultArn);
    if (!vault) {
      throw new ValidationError("EventBridge event", [{
        path: "event.detail",
        message: VAULT_ARN_SHAPE,
      }]);
    }
    const point: ReadyRecoveryPoint = {
      backupVaultArn: vaultArn,
      backupVaultName: vault.name,
      region: vault.region,
      accountId: vault.accountId,
      eventType,
    };
    if (detail.resourceArn) point.resourceArn = detail.resourceArn;
    if (detail.resourceType) point.resourceType = detail.resourceType;
    return { ready: point };
  };
  switch (type) {
    case BACKUP_JOB_STATE_CHANGE: {
      if (detail.state !== "COMPLETED") return notCompleted("STATE", "state", detail.state);
      if (detail.parentJobId) return compositeMember(`backup job ${detail.parentJobId}`);
      // The vault's ARN when the event has it, else from the envelope (same account, Region).
      const vaultArn = detail.backupVaultArn ??
        `arn:${
          partitionOf(resource)
        }:backup:${event.region}:${event.account}:backup-vault:${detail.backupVaultName}`;
      const reading = ready(vaultArn, BACKUP_JOB_STATE_CHANGE);
      if (reading.ready) {
        reading.ready.backupJobId = detail.backupJobId!;
        if (resource !== undefined) reading.ready.recoveryPointArn = resource;
      }
      return reading;
    }
    case COPY_JOB_STATE_CHANGE: {
      if (detail.state !== "COMPLETED") return notCompleted("STATE", "state", detail.state);
      if (detail.parentJobId) return compositeMember(`copy job ${detail.parentJobId}`);
      const reading = ready(detail.destinationBackupVaultArn!, COPY_JOB_STATE_CHANGE);
      if (reading.ready) {
        reading.ready.recoveryPointArn = detail.destinationRecoveryPointArn!;
        if (detail.copyJobId) reading.ready.copyJobId = detail.copyJobId;
      }
      return reading;
    }
    case RECOVERY_POINT_STATE_CHANGE: {
      // The recovery point's own status: the sweep's STATUS.
      if (detail.status !== "COMPLETED") return notCompleted("STATUS", "status", detail.status);
      if (detail.parentRecoveryPointArn) {
        return compositeMember(`recovery point ${detail.parentRecoveryPointArn}`);
      }
      const reading = ready(detail.backupVaultArn!, RECOVERY_POINT_STATE_CHANGE);
      if (reading.ready) reading.ready.recoveryPointArn = resource!;
      return reading;
    }
    default:
      return ignore("DETAIL_TYPE", `${type} never means a recovery point is ready to copy`);
  }
}

function ignore(code: IgnoreCode, message: string): EventReading {
  return { ignored: { code, message } };
}

function notCompleted(
  code: "STATE" | "STATUS",
  member: string,
  value: string | undefined,
): EventReading {
  return ignore(code, `${member} ${value} is not COMPLETED`);
}

function compositeMember(parent: string): EventReading {
  return ignore("COMPOSITE_MEMBER", `part of composite ${parent}: copied with it`);
}

function partitionOf(arn: string | undefined): string {
  return arn?.split(":")[1] || "aws";
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function kind(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "an array" : typeof value;
}
