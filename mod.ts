/**
 * backup-edge: AWS Backup for fetch-only runtimes (Cloudflare Workers, Deno, Node ≥ 20, Bun,
 * browsers), generated from the AWS Backup Smithy model and signed (SigV4) with aws4fetch.
 *
 * Every operation is its own function, so a bundle holds only the operations it calls.
 * `copyRecoveryPoints` copies a whole vault (resumable, each recovery point copied once);
 * `copyRecoveryPointsInWorkflow` does it on Cloudflare Workflows, for copies that outlive one
 * invocation. `copyOnBackupEvent`, `eventBridgeHandler` and `sweepCopyRules` copy on AWS Backup's
 * EventBridge events: one copy per recovery point and destination, however often they arrive.
 *
 * @example Against the bundled local emulator (runs as a test: `deno test --doc mod.ts`)
 * ```ts
 * import { BackupClient, startCopyJob, waitForCopyJob } from "./mod.ts";
 * import * as emulator from "./emulator/mod.ts";
 *
 * await using local = await emulator.startEmulator({ jobDurationMs: 300 });
 * const client = new BackupClient({
 *   region: emulator.DEMO_REGION,
 *   endpoint: local.url,
 *   credentials: { ...emulator.DEMO_CREDENTIALS },
 * });
 * const { CopyJobId } = await startCopyJob(client, {
 *   RecoveryPointArn: emulator.RECOVERY_POINT_OK_ARN,
 *   SourceBackupVaultName: emulator.DEFAULT_VAULT_NAME,
 *   DestinationBackupVaultArn: emulator.DR_VAULT_WEST_ARN,
 *   IamRoleArn: emulator.DEMO_IAM_ROLE_ARN,
 * });
 * const job = await waitForCopyJob(client, { CopyJobId: CopyJobId! }, { minDelayMs: 50 });
 * if (job.State !== "COMPLETED") throw new Error(`unexpected state ${job.State}`);
 * ```
 *
 * @example Start a cross-Region copy on AWS and wait for it
 * ```ts ignore
 * import { BackupClient, startCopyJob, waitForCopyJob } from "./mod.ts";
 *
 * const client = new BackupClient({
 *   region: "us-east-1",
 *   credentials: { accessKeyId: "AKID…", secretAccessKey: "…" },
 * });
 * const { CopyJobId } = await startCopyJob(client, {
 *   RecoveryPointArn: "arn:aws:backup:us-east-1:111122223333:recovery-point:1EB3B5E7",
 *   SourceBackupVaultName: "Default",
 *   DestinationBackupVaultArn: "arn:aws:backup:us-west-2:111122223333:backup-vault:dr",
 *   IamRoleArn: "arn:aws:iam::111122223333:role/service-role/AWSBackupDefaultServiceRole",
 *   Lifecycle: { DeleteAfterDays: 35 },
 * });
 * const job = await waitForCopyJob(client, { CopyJobId: CopyJobId! });
 * console.log(job.State);
 * ```
 *
 * @module
 */

export { BackupClient } from "./generated/client.ts";
export {
  Client,
  type EndpointConfig,
  type ServiceErrorEntry,
  type ServiceInfo,
} from "./runtime/client.ts";
export type { SerializeContext } from "./runtime/http.ts";
export type { SigningKeyCache } from "./runtime/signer.ts";
export { VERSION } from "./runtime/version.ts";
export { unlistedRegionIssue } from "./runtime/listed_regions.ts";
export * from "./generated/operations.ts";
export * from "./generated/paginators.ts";
export * from "./generated/errors.ts";
export * from "./generated/validators.ts";
export type * from "./generated/types.ts";
export type { EndpointParams } from "./generated/endpoints.ts";
export type { Partition, PartitionData } from "./runtime/endpoint_functions.ts";
export {
  CopyJobFailedError,
  type CopyJobProgress,
  WaiterTimeoutError,
  waitForCopyJob,
  type WaitForCopyJobOptions,
} from "./waiters/wait_for_copy_job.ts";
export {
  CallError,
  type CallErrorOptions,
  DeserializationError,
  EndpointError,
  type ModeledErrorOptions,
  NetworkError,
  OutcomeUnknownError,
  PaginationError,
  RequestTimeoutError,
  type ResponseMetadata,
  ServiceException,
  type ServiceExceptionOptions,
  SigningError,
  ValidationError,
  type ValidationIssue,
} from "./runtime/errors.ts";
export type { ClientConfig, FetchFunction, FetchInit } from "./runtime/client.ts";
export type {
  AttemptEvent,
  CallEvent,
  CallObserver,
  CallObserverEvent,
  CallObserverEventBase,
  RetryReason,
} from "./runtime/observe.ts";
export {
  CREDENTIAL_REFRESH_WINDOW_MS,
  type CredentialProvider,
  type Credentials,
  credentialsFromEnv,
  type EnvLike,
} from "./runtime/credentials.ts";
export type { CallOptions } from "./runtime/call_options.ts";
export { buildSignedRequest } from "./runtime/dry_run.ts";
export { USER_AGENT } from "./runtime/request_signing.ts";
export type { WithMetadata } from "./runtime/send.ts";
export {
  RETRY_MODES,
  type RetryFailure,
  type RetryKind,
  type RetryMode,
  type RetryParameters,
  type RetryStrategy,
  StandardRetryStrategy,
} from "./runtime/retry.ts";
export type { Paginator, PaginatorOptions } from "./runtime/paginate.ts";
export {
  copyRecoveryPoints,
  type CopyRecoveryPointsOptions,
  DEFAULT_COPY_CONCURRENCY,
  DEFAULT_MAX_FAILED_COPIES,
} from "./jobs/copy_recovery_points.ts";
export {
  CopyRunRefusedError,
  MaxWaitExceededError,
  type ReportedError,
  RunTargetMismatchError,
} from "./jobs/errors.ts";
export { verifyCopies, type VerifyCopiesOptions } from "./jobs/verify_copies.ts";
export {
  type CopyEvidence,
  type CopyStatus,
  type VerifyEntry,
  type VerifyProgressEvent,
  type VerifyReport,
  verifyReportToJson,
  type VerifyTotals,
} from "./jobs/verify_report.ts";
export {
  CheckpointError,
  type CheckpointRecord,
  type CheckpointState,
  type CheckpointStore,
  MemoryCheckpointStore,
  RUN_TARGET_RECORD,
  type RunTarget,
} from "./jobs/checkpoint.ts";
export {
  KvCheckpointStore,
  type KvCheckpointStoreOptions,
  type KvNamespaceLike,
  WORKERS_KV_LIMITS,
} from "./jobs/checkpoint_kv.ts";
export {
  copyIdempotencyToken,
  type CopyTokenOptions,
  deriveIdempotencyToken,
} from "./jobs/idempotency_token.ts";
export {
  copiesByRecoveryPoint,
  type CopiesOfRecoveryPoint,
  type CopyDecision,
  decideCopy,
  findCopiesOf,
} from "./jobs/existing_copies.ts";
export {
  BACKUP_RESOURCE_TYPES,
  COPYABLE_STATUSES,
  type CopySelection,
  isContinuousBackup,
  type SkipCode,
  type SkipReason,
} from "./jobs/selection.ts";
export type * from "./jobs/progress.ts";
export {
  type ChildCopyJob,
  type CopyOrigin,
  type CopyOutcome,
  type CopyReport,
  type CopyReportEntry,
  type CopyTotals,
  type OptionHint,
  reportToJson,
  type RunFailure,
} from "./jobs/report.ts";
export {
  DestinationVaultMismatchError,
  findExistingCopies,
  type FindExistingCopiesOptions,
  JOB_LIST_DAYS,
  type PointOfOrigin,
} from "./jobs/destination_copies.ts";
export {
  copyRecoveryPointsInWorkflow,
  type StartedWorkflowCopy,
  startWorkflowCopy,
  type StartWorkflowCopyOptions,
  type UnreadBatch,
  type WorkflowCopyOutput,
  workflowCopyReport,
  type WorkflowCopyReportOptions,
  type WorkflowCopyStatus,
} from "./jobs/workflow/copy_vault_workflow.ts";
export {
  WORKFLOW_COPY_DEFAULTS,
  type WorkflowCopyDefaults,
  type WorkflowCopyOptions,
} from "./jobs/workflow/options.ts";
export type { WorkflowBatchSummary, WorkflowRunOutput } from "./jobs/workflow/run.ts";
export type { WorkflowBatchOutput } from "./jobs/workflow/batch.ts";
export type {
  BatchPoint,
  CopyReportEntryJson,
  WorkflowBatchParams,
  WorkflowCopyParams,
} from "./jobs/workflow/wire.ts";
export {
  NonRetryableError,
  type WorkflowBindingLike,
  type WorkflowDurationLike,
  type WorkflowEventLike,
  type WorkflowInstanceLike,
  WorkflowInstanceNotFoundError,
  type WorkflowInstanceStatusLike,
  WORKFLOWS_LIMITS,
  type WorkflowStepConfigLike,
  type WorkflowStepLike,
} from "./jobs/workflow/engine.ts";
export {
  BACKUP_EVENT_TYPES,
  BACKUP_JOB_STATE_CHANGE,
  type BackupEventType,
  COPY_JOB_STATE_CHANGE,
  type EventBridgeEvent,
  type IgnoreCode,
  type Place,
  type ReadyRecoveryPoint,
  type Reason,
  RECOVERY_POINT_STATE_CHANGE,
  type RuleMissCode,
} from "./jobs/events/event.ts";
export { checkCopyRules, type CopyRule, parseCopyRules } from "./jobs/events/rules.ts";
export {
  type BackupClientFor,
  type BackupClients,
  WrongRegionError,
} from "./jobs/events/clients.ts";
export type { CopyFailure, RuleCopy, RuleCopyOutcome } from "./jobs/events/ensure_copy.ts";
export {
  copyOnBackupEvent,
  type CopyOnBackupEventOptions,
  type CopyOnBackupEventResult,
  type SkippedRule,
} from "./jobs/events/copy_on_event.ts";
export {
  DEFAULT_SWEEP_WINDOW_MS,
  MAX_SWEEP_WINDOW_MS,
  sweepCopyRules,
  type SweepCopyRulesOptions,
  type SweepEntry,
  type SweepListingFailure,
  type SweepReport,
  type SweepSkipCode,
} from "./jobs/events/sweep.ts";
export { type ConnectionAuthorization, MIN_SECRET_LENGTH } from "./jobs/events/authorization.ts";
export {
  DEFAULT_HANDLER_TIMEOUT_MS,
  DEFAULT_MAX_BODY_BYTES,
  eventBridgeHandler,
  type EventBridgeHandlerOptions,
  type HandlerLogRecord,
} from "./jobs/events/handler.ts";
export {
  type NodeIncomingMessage,
  type NodeServerResponse,
  toNodeListener,
} from "./jobs/events/node.ts";
