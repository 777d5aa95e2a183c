/**
 * A local AWS Backup emulator for tests and demos: StartCopyJob, DescribeCopyJob, ListCopyJobs,
 * ListBackupVaults, DescribeBackupVault, ListRecoveryPointsByBackupVault, DescribeRecoveryPoint,
 * DeleteRecoveryPoint, StartBackupJob and DescribeBackupJob over restJson1, AWS Backup's
 * EventBridge events delivered to an API destination (duplicated, late, concurrent, dropped),
 * seeded with vaults and recovery points (composite ones
 * too), with SigV4 verification on every request, AWS-style errors,
 * idempotency, clock-driven job states and fault injection. It shares no code with the
 * client it checks.
 *
 * ```ts
 * import { startEmulator, DEMO_CREDENTIALS } from "./emulator/mod.ts";
 * await using emulator = await startEmulator({ jobDurationMs: 300 });
 * // point the client at emulator.url, region "us-east-1", DEMO_CREDENTIALS
 * ```
 *
 * @module
 */

export {
  DEFAULT_COPY_JOB_LIST_RETENTION_MS,
  DEFAULT_JOB_DURATION_MS,
  DEFAULT_MAX_CLOCK_SKEW_MS,
  DEFAULT_MAX_CONCURRENT_COPIES_PER_REGION,
  DEFAULT_MAX_CONCURRENT_COPIES_PER_VAULT,
  type Emulator,
  type EmulatorOptions,
  type OperationName,
  type RequestLogEntry,
  startEmulator,
} from "./server.ts";
export type {
  DelayFault,
  ErrorFault,
  Fault,
  RandomFaults,
  RawFault,
  ResetFault,
} from "./faults.ts";
export { RESET_FAULT_MESSAGE } from "./faults.ts";
export { type CopyJob, IDEMPOTENCY_WINDOW_MS } from "./copy_jobs.ts";
export { type BackupJob, type BackupJobState, resourceTypeOf } from "./backup_jobs.ts";
export {
  backupJobEvent,
  copyJobEvent,
  type EmulatorEvent,
  eventBridgeRetries,
  type EventConnectionAuthorization,
  type EventDelivery,
  type EventDeliveryOptions,
  recoveryPointEvent,
} from "./events.ts";
export {
  type AutomaticCopyFixture,
  COPY_JOB_STATES,
  COPYABLE_STATUSES,
  type CopyJobOutcome,
  type CopyJobState,
  DEFAULT_RECOVERY_POINT_CREATION_MS,
  RECOVERY_POINT_STATUSES,
  type RecoveryPointFixture,
  type RecoveryPointStatus,
  STORAGE_CLASSES,
  type StorageClass,
} from "./model.ts";
export { type BackupVault, DEFAULT_PAGE_SIZE, type RecoveryPoint } from "./vaults.ts";
export { type EmulatorSeed, loadSeedFile, parseSeed, SeedError } from "./seed.ts";
export { type EmulatorCredential, WebCryptoSha256 } from "./sigv4.ts";
export { BACKUP_ERROR_TYPE_SUFFIX, CORAL_ERROR_TYPE_SUFFIX, MODELED_ERRORS } from "./wire.ts";
export * from "./fixtures.ts";
