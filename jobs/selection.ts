/**
 * Which recovery points of the source vault a copy run takes: the filters AWS applies
 * (ListRecoveryPointsByBackupVault's `ByCreatedAfter`, `ByCreatedBefore`, `ByResourceType`,
 * `ByResourceArn` when there is one value), the same filters checked again on what comes back,
 * then status, composite membership and the caller's predicate.
 *
 * @module
 */

import type {
  ListRecoveryPointsByBackupVaultInput,
  RecoveryPointByBackupVault,
} from "../generated/types.ts";

/** What to copy. Every filter given must hold. */
export interface CopySelection {
  /** Only recovery points created after this instant. */
  createdAfter?: Date | undefined;
  /** Only recovery points created before this instant. */
  createdBefore?: Date | undefined;
  /** Only these resource types (`EBS`, `DynamoDB`, `S3`, …, as AWS Backup spells them). */
  resourceTypes?: readonly string[] | undefined;
  /** Only recovery points of these resources. */
  resourceArns?: readonly string[] | undefined;
  /** Anything else: return false to skip a recovery point (reported as `FILTER`). */
  filter?: ((recoveryPoint: RecoveryPointByBackupVault) => boolean | Promise<boolean>) | undefined;
}

/** Recovery point statuses that are copied; others are skipped with `STATUS`. */
export const COPYABLE_STATUSES: readonly string[] = ["COMPLETED"];

/** Why a recovery point was not copied. */
export type SkipCode =
  | "STATUS"
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

/** Why `recoveryPoint` is not to be copied, or `undefined` when it is. */
export async function skipReason(
  recoveryPoint: RecoveryPointByBackupVault,
  selection: CopySelection,
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
  if (selection.filter && !(await selection.filter(rp))) {
    return { code: "FILTER", message: "the filter function returned false" };
  }
  return undefined;
}
