/**
 * A local AWS Backup emulator for tests and demos: StartCopyJob, DescribeCopyJob and
 * ListCopyJobs over restJson1, with SigV4 verification on every request, AWS-style errors,
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
  DEFAULT_JOB_DURATION_MS,
  DEFAULT_MAX_CLOCK_SKEW_MS,
  DEFAULT_MAX_CONCURRENT_JOBS,
  type Emulator,
  type EmulatorOptions,
  type OperationName,
  type RequestLogEntry,
  startEmulator,
} from "./server.ts";
export type { DelayFault, ErrorFault, Fault, ResetFault } from "./faults.ts";
export { RESET_FAULT_MESSAGE } from "./faults.ts";
export {
  COPY_JOB_STATES,
  type CopyJob,
  type CopyJobOutcome,
  type CopyJobState,
  DEFAULT_PAGE_SIZE,
  IDEMPOTENCY_WINDOW_MS,
  type RecoveryPointFixture,
} from "./copy_jobs.ts";
export { type EmulatorCredential, WebCryptoSha256 } from "./sigv4.ts";
export { BACKUP_ERROR_TYPE_SUFFIX, CORAL_ERROR_TYPE_SUFFIX, MODELED_ERRORS } from "./wire.ts";
export * from "./fixtures.ts";
