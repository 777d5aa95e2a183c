/**
 * The emulated account's backup jobs: StartBackupJob makes a recovery point in one of the
 * emulator's own vaults, DescribeBackupJob shows the job. As with copy jobs, a job's state comes
 * from the clock: CREATED for the first third of the job duration, RUNNING until the whole
 * duration has passed, then COMPLETED. Its recovery point is listed from the start, with status
 * CREATING until the job completes, then COMPLETED (and copyable).
 *
 * @module
 */

import { parseArn } from "./arn.ts";
import type { RecoveryPointFixture, RecoveryPointStatus } from "./model.ts";
import {
  BACKUP_VAULT_NAME_PATTERN,
  checkIamRoleArn,
  invalid,
  optionalString,
  parseJsonObject,
  requiredString,
} from "./validation.ts";
import type { VaultCatalog } from "./vaults.ts";
import { ApiError } from "./wire.ts";

/** `BackupJobState` of the model, as far as the emulator goes. */
export type BackupJobState = "CREATED" | "RUNNING" | "COMPLETED";

/** The validated input of StartBackupJob (the members the emulator uses). */
export interface StartBackupJobInput {
  BackupVaultName: string;
  ResourceArn: string;
  IamRoleArn: string;
  IdempotencyToken?: string;
}

/** `DescribeBackupJobOutput` of the model, as sent on the wire (dates are epoch seconds). */
export interface BackupJob {
  AccountId: string;
  BackupJobId: string;
  BackupVaultName: string;
  BackupVaultArn: string;
  RecoveryPointArn: string;
  ResourceArn: string;
  ResourceType: string;
  CreationDate: number;
  CompletionDate?: number;
  State: BackupJobState;
  PercentDone: string;
  BackupSizeInBytes: number;
  BytesTransferred: number;
  IamRoleArn: string;
  StartBy: number;
  IsEncrypted: boolean;
  IsParent: boolean;
}

/** `StartBackupJobOutput` of the model. */
export interface StartBackupJobOutput {
  BackupJobId: string;
  RecoveryPointArn: string;
  CreationDate: number;
  IsParent: boolean;
}

/** What a {@linkcode BackupJobStore} is built from. */
export interface BackupJobStoreOptions {
  accountId: string;
  region: string;
  /** Time from CREATED to COMPLETED. */
  jobDurationMs: number;
  /** The vaults; StartBackupJob backs up into one of the emulator's own, and adds its point. */
  catalog: VaultCatalog;
  /** The clock, in epoch milliseconds. */
  now: () => number;
  /** Called once per new job (not for a repeated idempotency token). */
  onStart?: (backupJobId: string) => void;
}

/** Size of every emulated backup: 8 MiB. */
const BACKUP_SIZE_BYTES = 8 * 1024 * 1024;
/** How long an idempotency token is remembered (as for copy jobs). */
const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;
/** `StartBy`: the default start window of StartBackupJob, 8 hours. */
const START_WINDOW_MS = 8 * 60 * 60 * 1000;

interface BackupJobRecord {
  id: string;
  createdMs: number;
  input: StartBackupJobInput;
  vaultArn: string;
  recoveryPoint: RecoveryPointFixture;
}

/** The backup jobs of the emulated account. */
export class BackupJobStore {
  readonly #options: BackupJobStoreOptions;
  readonly #jobs: BackupJobRecord[] = [];
  readonly #byId = new Map<string, BackupJobRecord>();
  readonly #idempotency = new Map<string, BackupJobRecord>();

  constructor(options: BackupJobStoreOptions) {
    this.#options = options;
  }

  /** StartBackupJob on validated input. @throws {ApiError} */
  start(input: StartBackupJobInput): StartBackupJobOutput {
    const now = this.#options.now();
    const token = input.IdempotencyToken;
    const previous = token === undefined ? undefined : this.#idempotency.get(token);
    if (previous && now - previous.createdMs < IDEMPOTENCY_WINDOW_MS) {
      if (
        previous.input.BackupVaultName !== input.BackupVaultName ||
        previous.input.ResourceArn !== input.ResourceArn ||
        previous.input.IamRoleArn !== input.IamRoleArn
      ) {
        throw new ApiError(
          "InvalidRequestException",
          "The IdempotencyToken was already used with different request parameters.",
          { context: "IdempotencyToken" },
        );
      }
      return startOutput(previous);
    }
    const vaultArn = this.#options.catalog.sourceVaultArn(input.BackupVaultName);
    const { region, accountId } = this.#options;
    const completed = () => this.#stateAt(job, this.#options.now()) === "COMPLETED";
    const job: BackupJobRecord = {
      id: crypto.randomUUID().toUpperCase(),
      createdMs: now,
      input,
      vaultArn,
      recoveryPoint: {
        arn: `arn:aws:backup:${region}:${accountId}:recovery-point:${crypto.randomUUID()}`,
        backupVaultName: input.BackupVaultName,
        resourceArn: input.ResourceArn,
        resourceType: resourceTypeOf(input.ResourceArn),
        resourceName: parseArn(input.ResourceArn)!.resource.replace(/^.*[/:]/, ""),
        backupSizeInBytes: BACKUP_SIZE_BYTES,
        creationDateMs: now,
        // Read by the catalog and StartCopyJob each time: CREATING until the job completes.
        get status(): RecoveryPointStatus {
          return completed() ? "COMPLETED" : "CREATING";
        },
      },
    };
    this.#jobs.push(job);
    this.#byId.set(job.id, job);
    this.#options.catalog.addRecoveryPoint(job.recoveryPoint);
    if (token !== undefined) this.#idempotency.set(token, job);
    this.#options.onStart?.(job.id);
    return startOutput(job);
  }

  /** DescribeBackupJob. @throws {ApiError} `ResourceNotFoundException` */
  describe(backupJobId: string): BackupJob {
    const job = this.#byId.get(backupJobId);
    if (!job) {
      throw new ApiError(
        "ResourceNotFoundException",
        `Backup job with ID ${backupJobId} was not found.`,
        { context: backupJobId },
      );
    }
    return this.#view(job, this.#options.now());
  }

  /** Every job as DescribeBackupJob would show it now, oldest first. */
  snapshot(): BackupJob[] {
    const now = this.#options.now();
    return this.#jobs.map((j) => this.#view(j, now));
  }

  #stateAt(job: BackupJobRecord, now: number): BackupJobState {
    const elapsed = now - job.createdMs;
    const duration = this.#options.jobDurationMs;
    if (elapsed >= duration) return "COMPLETED";
    return elapsed < duration / 3 ? "CREATED" : "RUNNING";
  }

  #view(job: BackupJobRecord, now: number): BackupJob {
    const state = this.#stateAt(job, now);
    const duration = this.#options.jobDurationMs;
    const done = Math.min(1, Math.max(0, (now - job.createdMs) / Math.max(duration, 1)));
    const bytes = state === "COMPLETED" ? BACKUP_SIZE_BYTES : Math.floor(BACKUP_SIZE_BYTES * done);
    const view: BackupJob = {
      AccountId: this.#options.accountId,
      BackupJobId: job.id,
      BackupVaultName: job.input.BackupVaultName,
      BackupVaultArn: job.vaultArn,
      RecoveryPointArn: job.recoveryPoint.arn,
      ResourceArn: job.input.ResourceArn,
      ResourceType: job.recoveryPoint.resourceType,
      CreationDate: job.createdMs / 1000,
      State: state,
      PercentDone: (state === "COMPLETED" ? 100 : Math.floor(done * 100)).toFixed(1),
      BackupSizeInBytes: bytes,
      BytesTransferred: bytes,
      IamRoleArn: job.input.IamRoleArn,
      StartBy: (job.createdMs + START_WINDOW_MS) / 1000,
      IsEncrypted: true,
      IsParent: false,
    };
    if (state === "COMPLETED") view.CompletionDate = (job.createdMs + duration) / 1000;
    return view;
  }
}

function startOutput(job: BackupJobRecord): StartBackupJobOutput {
  return {
    BackupJobId: job.id,
    RecoveryPointArn: job.recoveryPoint.arn,
    CreationDate: job.createdMs / 1000,
    IsParent: false,
  };
}

/** Parses and validates the JSON body of StartBackupJob. @throws {ApiError} */
export function parseStartBackupJobInput(bodyText: string): StartBackupJobInput {
  const body = parseJsonObject(bodyText);
  const vault = requiredString(body, "BackupVaultName");
  const resourceArn = requiredString(body, "ResourceArn");
  const iamRoleArn = requiredString(body, "IamRoleArn");
  const token = optionalString(body, "IdempotencyToken");
  if (!BACKUP_VAULT_NAME_PATTERN.test(vault)) {
    throw invalid("BackupVaultName", `Invalid backup vault name: ${vault}`);
  }
  if (!parseArn(resourceArn)) throw invalid("ResourceArn", `Invalid ARN: ${resourceArn}`);
  checkIamRoleArn(iamRoleArn);
  return {
    BackupVaultName: vault,
    ResourceArn: resourceArn,
    IamRoleArn: iamRoleArn,
    ...(token === undefined ? {} : { IdempotencyToken: token }),
  };
}

/** AWS Backup's resource type of a resource ARN (the common ones; `Other` for the rest). */
export function resourceTypeOf(resourceArn: string): string {
  const arn = parseArn(resourceArn);
  const resource = arn?.resource ?? "";
  switch (arn?.service) {
    case "dynamodb":
      return "DynamoDB";
    case "ec2":
      return resource.startsWith("volume/") ? "EBS" : "EC2";
    case "rds":
      return resource.startsWith("cluster:") ? "Aurora" : "RDS";
    case "elasticfilesystem":
      return "EFS";
    case "s3":
      return "S3";
    case "fsx":
      return "FSx";
    default:
      return "Other";
  }
}
