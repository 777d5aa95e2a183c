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

/** `StorageClass` of the model (DescribeRecoveryPoint). */
export const STORAGE_CLASSES = ["WARM", "COLD", "DELETED"] as const;
/** One of {@linkcode STORAGE_CLASSES}. */
export type StorageClass = typeof STORAGE_CLASSES[number];

/** `VaultType` of the model. */
export type VaultType =
  | "BACKUP_VAULT"
  | "LOGICALLY_AIR_GAPPED_BACKUP_VAULT"
  | "RESTORE_ACCESS_BACKUP_VAULT";

/**
 * Whether a recovery point ARN names a continuous backup (point-in-time recovery): AWS Backup
 * names them `…:recovery-point:continuous:…`, and "does not support on-demand copies of
 * continuous backups" (developer guide, "Copying continuous backups",
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/point-in-time-recovery-copying.html).
 */
export function isContinuousArn(arn: string): boolean {
  return /:recovery-point:continuous:/.test(arn);
}

/**
 * A copy AWS Backup made by itself, e.g. of a backup plan's primary backup to a logically
 * air-gapped vault: its copy job carries `CreatedByBackupJobId`.
 */
export interface AutomaticCopyFixture {
  /** The vault AWS copied to. */
  destinationBackupVaultArn: string;
  /** `DestinationVaultType` of the job; `LOGICALLY_AIR_GAPPED_BACKUP_VAULT` when absent. */
  destinationVaultType?: VaultType;
  /** `CreatedByBackupJobId`: the backup job that made the copy; derived from the ARN if absent. */
  backupJobId?: string;
}

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
  /**
   * `StorageClass` (DescribeRecoveryPoint); `WARM` when absent. StartCopyJob refuses `COLD` and
   * `DELETED`: "backups in cold storage or archive tiers cannot be copied".
   */
  storageClass?: StorageClass;
  /**
   * `CalculatedLifecycle.MoveToColdStorageAt`, epoch ms. Absent: a week after creation for a
   * `COLD` or `DELETED` recovery point, none otherwise. (AWS ignores cold storage for resource types without
   * it, so a past date alone does not make a recovery point cold.)
   */
  moveToColdStorageAtMs?: number;
  /**
   * Copy jobs of this recovery point stay CREATED this long before they run, as a job does while
   * AWS retries it ("Copy job retry": up to 2 hours in CREATED). 0 when absent.
   */
  retryingForMs?: number;
  /** Copies AWS made by itself (jobs with `CreatedByBackupJobId`), there from the start. */
  automaticCopies?: AutomaticCopyFixture[];
  /**
   * Of a recovery point that is a copy: the vault it was copied from (`SourceBackupVaultArn`),
   * e.g. a copy whose job ListCopyJobs no longer shows.
   */
  sourceBackupVaultArn?: string;
}
