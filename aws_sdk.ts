/**
 * backup-edge with the face of the AWS SDK for JavaScript v3's `@aws-sdk/client-backup`, for code
 * moving from it: `new BackupClient(config).send(new StartCopyJobCommand(input), { abortSignal })`,
 * `paginateListCopyJobs({ client }, input)`, the same error classes, `$fault` and `$metadata`.
 * A thin layer over the same operation functions as `mod.ts`, as tree-shakable: a bundle holds
 * the commands it imports. What maps to what, and what differs, is in docs/aws-sdk.md.
 *
 * @example
 * ```ts ignore
 * import { BackupClient, StartCopyJobCommand } from "backup-edge/aws-sdk";
 *
 * const client = new BackupClient({ region: "us-east-1", credentials });
 * const { CopyJobId } = await client.send(new StartCopyJobCommand(input), {
 *   abortSignal: AbortSignal.timeout(10_000),
 * });
 * ```
 *
 * @module
 */

export * from "./generated/aws_sdk.ts";
export * from "./generated/errors.ts";
export type * from "./generated/types.ts";
export {
  type SdkClientConfig,
  SdkCommand,
  type SdkMiddlewareStack,
  type SdkPaginationConfiguration,
  type SdkResolvedConfig,
  type SdkSendOptions,
} from "./runtime/aws_sdk.ts";
export {
  CallError,
  type CallErrorOptions,
  DeserializationError,
  type ModeledErrorOptions,
  NetworkError,
  OutcomeUnknownError,
  RequestTimeoutError,
  type ResponseMetadata,
  ServiceException,
  type ServiceExceptionOptions,
  SigningError,
  ValidationError,
  type ValidationIssue,
} from "./runtime/errors.ts";
export type { CredentialProvider, Credentials } from "./runtime/credentials.ts";
// What the classes above refer to (the base client's configuration and members).
export {
  Client,
  type ClientConfig,
  type EndpointConfig,
  type FetchFunction,
  type FetchInit,
  type ServiceErrorEntry,
  type ServiceInfo,
} from "./runtime/client.ts";
export type { SerializeContext } from "./runtime/http.ts";
export type {
  AttemptEvent,
  CallEvent,
  CallObserver,
  CallObserverEvent,
  CallObserverEventBase,
  RetryReason,
} from "./runtime/observe.ts";
export type { SigningKeyCache } from "./runtime/signer.ts";
export type { CallOptions } from "./runtime/call_options.ts";
export {
  RETRY_MODES,
  type RetryFailure,
  type RetryKind,
  type RetryMode,
  type RetryParameters,
  type RetryStrategy,
} from "./runtime/retry.ts";
/** `mod.ts`'s client, which the SDK-style `BackupClient` extends. */
export { BackupClient as BaseBackupClient } from "./generated/client.ts";
export type { WithMetadata } from "./runtime/send.ts";
