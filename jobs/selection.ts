/**
 * Which recovery points of the source vault a copy run takes: the filters AWS applies
 * (ListRecoveryPointsByBackupVault's `ByCreatedAfter`, `ByCreatedBefore`, `ByResourceType`,
 * `ByResourceArn` when there is one value), the same filters checked again on what comes back,
 * then AWS's copy rules (status, continuous backups, cold storage), composite membership and the
 * caller's predicate.
 *
 * AWS's rules come from the AWS Backup developer guide: "Backup and tag copy"
 * (https://docs.aws.amazon.com/aws-backup/latest/devguide/recov-point-create-a-copy.html: "backups
 * in cold storage or archive tiers cannot be copied"), "Copying continuous backups"
 * (https://docs.aws.amazon.com/aws-backup/latest/devguide/point-in-time-recovery-copying.html:
 * "AWS Backup does not support on-demand copies of continuous backups"; StartCopyJob "does not
 * support continuous backups"). Rules it does not check beforehand — resource types without copy
 * support (e.g. FSx for NetApp ONTAP), a cross-account copy of a resource not fully managed by AWS
 * Backup that is not encrypted with a customer managed key — end as a refused StartCopyJob with
 * AWS's own message.
 *
 * @module
 */

import type {
  ListRecoveryPointsByBackupVaultInput,
  RecoveryPointByBackupVault,
} from "../generated/types.ts";

/** What to copy. Every filter given must hold. */
export interface CopySelection {
  /** Only recovery points created after this instant (before `createdBefore`, if both). */
  createdAfter?: Date | undefined;
  /** Only recovery points created before this instant. */
  createdBefore?: Date | undefined;
  /**
   * Only these resource types, spelled as AWS Backup does (one of
   * {@linkcode BACKUP_RESOURCE_TYPES}: `EBS`, `DynamoDB`, `S3`, …).
   */
  resourceTypes?: readonly string[] | undefined;
  /** Only recovery points of these resources. */
  resourceArns?: readonly string[] | undefined;
  /** Anything else: return false to skip a recovery point (reported as `FILTER`). */
  filter?:
    | ((recoveryPoint: RecoveryPointByBackupVault) => boolean | Promise<boolean>)
    | undefined;
}

/**
 * The resource types AWS Backup names in `ResourceType`, as the 2026-04-08 model documents them
 * (GetSupportedResourceTypes, ListCopyJobs `ByResourceType`; developer guide
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/API_GetSupportedResourceTypes.html).
 */
export const BACKUP_RESOURCE_TYPES: readonly string[] = [
  "Aurora",
  "CloudFormation",
  "DocumentDB",
  "DynamoDB",
  "EBS",
  "EC2",
  "EFS",
  "EKS",
  "FSx",
  "Neptune",
  "RDS",
  "Redshift",
  "S3",
  "SAP HANA on Amazon EC2",
  "Storage Gateway",
  "Timestream",
  "VirtualMachine",
];

/** Recovery point statuses that are copied; others are skipped with `STATUS`. */
export const COPYABLE_STATUSES: readonly string[] = ["COMPLETED"];

/** Why a recovery point was not copied. */
export type SkipCode =
  /** Its `Status` is not COMPLETED (e.g. EXPIRED, PARTIAL, DELETING). */
  | "STATUS"
  /** A continuous backup (point-in-time recovery): AWS does not copy those on demand. */
  | "CONTINUOUS"
  /** In cold storage (`StorageClass` COLD) or deleted from storage (DELETED). */
  | "STORAGE_CLASS"
  /** A member of a composite recovery point: copied with its parent. */
  | "COMPOSITE_MEMBER"
  | "CREATED_RANGE"
  | "RESOURCE_TYPE"
  | "RESOURCE_ARN"
  | "FILTER";

/** A skip's code and a sentence for people. */
export interface SkipReason {
  /** Which rule skipped it. */
  code: SkipCode;
  /** Why, for people, e.g. `status EXPIRED cannot be copied`. */
  message: string;
}

/** The ListRecoveryPointsByBackupVault input that lets AWS do as much of the filtering as it can. */
export function listInput(
  backupVaultName: string,
  selection: CopySelection,
): ListRecoveryPointsByBackupVaultInput {
  const input: ListRecoveryPointsByBackupVaultInput = { BackupVaultName: backupVaultName };
  if (selection.createdAfter) input.ByCreatedAfter = selection.createdAfter;
  if (selection.createdBefore) input.ByCreatedBefore = selection.createdBefore;
  if (selection.resourceTypes?.length === 1) input.ByResourceType = selection.resourceTypes[0];
  if (selection.resourceArns?.length === 1) input.ByResourceArn = selection.resourceArns[0];
  return input;
}

/** What {@linkcode skipReason} may look up beyond the listing. */
export interface SkipContext {
  /**
   * The `StorageClass` of a recovery point (DescribeRecoveryPoint), asked only of a point whose
   * lifecycle has moved it to cold storage by now (`CalculatedLifecycle.MoveToColdStorageAt`):
   * AWS ignores cold storage for resource types without it, so the date alone does not tell.
   */
  storageClass?: (recoveryPoint: RecoveryPointByBackupVault) => Promise<string | undefined>;
}

/**
 * Whether an ARN names a continuous backup: AWS Backup names them
 * `arn:aws:backup:REGION:ACCOUNT:recovery-point:continuous:…` (the model has no member that says
 * so in ListRecoveryPointsByBackupVault).
 */
export function isContinuousBackup(recoveryPointArn: string): boolean {
  return /:recovery-point:continuous:/.test(recoveryPointArn);
}

/** Why `recoveryPoint` is not to be copied, or `undefined` when it is. */
export async function skipReason(
  recoveryPoint: RecoveryPointByBackupVault,
  selection: CopySelection,
  context: SkipContext = {},
): Promise<SkipReason | undefined> {
  const rp = recoveryPoint;
  if (rp.ParentRecoveryPointArn) {
    return {
      code: "COMPOSITE_MEMBER",
      message: `member of composite recovery point ${rp.ParentRecoveryPointArn}, copied with it`,
    };
  }
  if (!COPYABLE_STATUSES.includes(rp.Status ?? "")) {
    return { code: "STATUS", message: `status ${rp.Status ?? "unknown"} cannot be copied` };
  }
  if (isContinuousBackup(rp.RecoveryPointArn ?? "")) {
    return {
      code: "CONTINUOUS",
      message: "a continuous backup (point-in-time recovery): AWS Backup does not copy those " +
        "on demand; a backup plan's copy rule copies its snapshots",
    };
  }
  const created = rp.CreationDate?.getTime();
  const { createdAfter, createdBefore } = selection;
  if (
    (createdAfter && !(created !== undefined && created > createdAfter.getTime())) ||
    (createdBefore && !(created !== undefined && created < createdBefore.getTime()))
  ) {
    return {
      code: "CREATED_RANGE",
      message: `created ${
        rp.CreationDate?.toISOString() ?? "at an unknown time"
      }, outside the range`,
    };
  }
  if (selection.resourceTypes && !selection.resourceTypes.includes(rp.ResourceType ?? "")) {
    return { code: "RESOURCE_TYPE", message: `resource type ${rp.ResourceType} not selected` };
  }
  if (selection.resourceArns && !selection.resourceArns.includes(rp.ResourceArn ?? "")) {
    return { code: "RESOURCE_ARN", message: `resource ${rp.ResourceArn} not selected` };
  }
  const cold = rp.CalculatedLifecycle?.MoveToColdStorageAt;
  if (cold && cold.getTime() <= Date.now() && context.storageClass) {
    const skip = storageClassSkip(await context.storageClass(rp), cold);
    if (skip) return skip;
  }
  if (selection.filter && !(await selection.filter(rp))) {
    return { code: "FILTER", message: "the filter function returned false" };
  }
  return undefined;
}

/**
 * The skip of a recovery point in storage class `storageClass` (DescribeRecoveryPoint), which its
 * lifecycle moved to cold storage at `movedAt`: `STORAGE_CLASS` for COLD and DELETED, else none.
 * For a driver that reads the storage class later than it lists (a Workflow's batch): the rule
 * {@linkcode skipReason} applies.
 */
export function storageClassSkip(
  storageClass: string | undefined,
  movedAt: Date,
): SkipReason | undefined {
  if (storageClass !== "COLD" && storageClass !== "DELETED") return undefined;
  return {
    code: "STORAGE_CLASS",
    message: `storage class ${storageClass} (moved to cold storage ${movedAt.toISOString()}): ` +
      "AWS Backup cannot copy backups in cold storage or archive tiers",
  };
}
