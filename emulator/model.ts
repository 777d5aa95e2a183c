/**
 * The AWS Backup model's enums and the emulator's seed shapes, shared by validation, the vault
 * catalog and the copy job store (kept apart from them so none imports another in a cycle).
 *
 * @module
 */

/** `CopyJobState` of the model. */
export const COPY_JOB_STATES = ["CREATED", "RUNNING", "COMPLETED", "FAILED", "PARTIAL"] as const;
/** One of {@linkcode COPY_JOB_STATES}. */
export type CopyJobState = typeof COPY_JOB_STATES[number];
/** How a copy job ends. */
export type CopyJobOutcome = "COMPLETED" | "FAILED" | "PARTIAL";

/** `RecoveryPointStatus` of the model. */
export const RECOVERY_POINT_STATUSES = [
  "COMPLETED",
  "PARTIAL",
  "DELETING",
  "EXPIRED",
  "AVAILABLE",
  "STOPPED",
  "CREATING",
] as const;
/** One of {@linkcode RECOVERY_POINT_STATUSES}. */
export type RecoveryPointStatus = typeof RECOVERY_POINT_STATUSES[number];
/** Recovery point statuses StartCopyJob accepts; any other answers `InvalidRequestException`. */
export const COPYABLE_STATUSES: readonly RecoveryPointStatus[] = ["COMPLETED"];

/** Creation date of a seeded recovery point that names none: 2026-01-01T00:00:00Z. */
export const DEFAULT_RECOVERY_POINT_CREATION_MS = Date.UTC(2026, 0, 1);

/** A recovery point the emulator knows, and how a copy of it ends. */
export interface RecoveryPointFixture {
  /** Recovery point ARN, e.g. `arn:aws:backup:us-east-1:111122223333:recovery-point:...`. */
  arn: string;
  /** Name of the vault (in the emulator's region and account) that holds it. */
  backupVaultName: string;
  /** ARN of the backed-up resource. */
  resourceArn: string;
  /** Resource type, e.g. `DynamoDB`, `EFS`, `S3`. */
  resourceType: string;
  /** Non-unique resource name. */
  resourceName?: string;
  /** Size of the recovery point. */
  backupSizeInBytes: number;
  /** `Status` of the recovery point; `COMPLETED` when absent. */
  status?: RecoveryPointStatus;
  /** Creation time, epoch ms; {@linkcode DEFAULT_RECOVERY_POINT_CREATION_MS} when absent. */
  creationDateMs?: number;
  /** Backup plan that created it (`CreatedBy.BackupPlanId`, the `backupPlanId` filter). */
  backupPlanId?: string;
  /**
   * ARN of the composite (parent) recovery point this one belongs to. A recovery point that
   * others name here is a parent: copying it starts one parent job and one child job per child.
   */
  parentRecoveryPointArn?: string;
  /** How a copy of it ends; `COMPLETED` when absent. A parent's outcome comes from its children. */
  outcome?: CopyJobOutcome;
  /** `StatusMessage` of a FAILED or PARTIAL copy. */
  statusMessage?: string;
  /** `MessageCategory` of the finished copy; `SUCCESS` for a completed one when absent. */
  messageCategory?: string;
}
