/**
 * Checkpoints of a copy run: what each recovery point's copy has reached, so a run started
 * again with the same `runId` resumes instead of starting over. The store interface, its
 * in-memory implementation, and the error every store raises.
 *
 * Other stores: `FileCheckpointStore` (jobs/checkpoint_file.ts, Deno and Node, a separate import
 * so Worker bundles never contain `node:fs`), `KvCheckpointStore` (Workers KV) and
 * `DenoKvCheckpointStore` (Deno KV, jobs/checkpoint_deno_kv.ts, also a separate import).
 *
 * @module
 */

import type { Lifecycle } from "../generated/types.ts";
import { ValidationError, type ValidationIssue } from "../runtime/errors.ts";

/**
 * How far one recovery point's copy got:
 * - `STARTING`: the idempotency token is chosen and StartCopyJob may have been sent;
 * - `STARTED`: the copy job exists (`copyJobId`), not known to have ended;
 * - `COMPLETED`, `PARTIAL`, `FAILED`: the copy job ended so (or it could not be started).
 */
export type CheckpointState = "STARTING" | "STARTED" | "COMPLETED" | "PARTIAL" | "FAILED";

/** What a checkpoint holds for one recovery point of one run. */
export interface CheckpointRecord {
  /** The source recovery point: the record's key within its run. */
  recoveryPointArn: string;
  /** The StartCopyJob `IdempotencyToken` used for it. */
  idempotencyToken: string;
  /** How far the copy got. */
  state: CheckpointState;
  /** The copy job, once StartCopyJob answered. */
  copyJobId?: string | undefined;
  /** StartCopyJob calls made so far (each with the same token). */
  attempts: number;
  /** `StatusMessage` of the ended job, or the error that failed the copy. */
  statusMessage?: string | undefined;
  /** When the copy job was created, ISO 8601. */
  startedAt?: string | undefined;
  /** When the copy job ended, ISO 8601. */
  finishedAt?: string | undefined;
  /**
   * Only in the run's {@linkcode RUN_TARGET_RECORD}: what the run copies. Absent in every
   * recovery point's record, and in the runs of 0.1.0.
   */
  runTarget?: RunTarget | undefined;
}

/**
 * What a run copies: the options its StartCopyJob calls are made of. A run resumed with the same
 * `runId` must have the same, or its records (taken as done) would belong to another copy.
 */
export interface RunTarget {
  /** `sourceBackupVaultName`. */
  sourceBackupVaultName: string;
  /** `destinationBackupVaultArn`. */
  destinationBackupVaultArn: string;
  /** `iamRoleArn`. */
  iamRoleArn: string;
  /** `lifecycle`, when the run has one. */
  lifecycle?: Lifecycle | undefined;
}

/**
 * The key, in place of a recovery point ARN, of the record that holds a run's
 * {@linkcode RunTarget} (`runTarget`): written once by the run's first copy, read on every
 * resume. A store keeps it as any other record, so every `CheckpointStore` holds it unchanged;
 * it is no ARN, so no recovery point ever matches it (nor did one in 0.1.0, which ignores it).
 */
export const RUN_TARGET_RECORD = "backup-edge:run-target";

/**
 * Where a run keeps its {@linkcode CheckpointRecord}s, keyed by run id and recovery point ARN.
 * Every method may reject with {@linkcode CheckpointError}; the run then stops, since it can no
 * longer promise not to copy twice.
 */
export interface CheckpointStore {
  /** The record of one recovery point in a run, if any. */
  get(runId: string, recoveryPointArn: string): Promise<CheckpointRecord | undefined>;
  /** Stores (replaces) the record of `record.recoveryPointArn` in a run; durable on resolve. */
  put(runId: string, record: CheckpointRecord): Promise<void>;
  /** Every record of a run, in no particular order. */
  list(runId: string): Promise<CheckpointRecord[]>;
}

/** A checkpoint store could not be read or written. */
export class CheckpointError extends Error {
  /** Always `CheckpointError`. */
  override name = "CheckpointError";
  /**
   * A checkpoint failure.
   * @param options `cause`: the underlying error (file system, KV).
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/**
 * An issue for each argument a store's constructor was given past those it takes (`signature`
 * names them), e.g. `new FileCheckpointStore(path, { fsync: true })`: an option the store does
 * not have is a mistake, not something to ignore. An argument given as `undefined` counts.
 */
export function extraArgumentIssues(
  args: ArrayLike<unknown>,
  taken: number,
  signature: string,
): ValidationIssue[] {
  return Array.from({ length: Math.max(0, args.length - taken) }, (_, i) => ({
    path: `arguments[${taken + i}]`,
    message: `is not taken: the constructor is ${signature}`,
  }));
}

/** The default store: records in memory, for one process; a rerun in the same process resumes. */
export class MemoryCheckpointStore implements CheckpointStore {
  readonly #runs = new Map<string, Map<string, CheckpointRecord>>();

  /**
   * An empty store; it takes no arguments.
   * @throws {ValidationError} naming any argument given (it has no options).
   */
  constructor() {
    const extra = extraArgumentIssues(arguments, 0, "new MemoryCheckpointStore()");
    if (extra.length) throw new ValidationError("MemoryCheckpointStore arguments", extra);
  }

  /** The record of one recovery point in a run, if any (a copy). */
  get(runId: string, recoveryPointArn: string): Promise<CheckpointRecord | undefined> {
    const record = this.#runs.get(runId)?.get(recoveryPointArn);
    return Promise.resolve(record && { ...record });
  }

  /** Stores a copy of the record. */
  put(runId: string, record: CheckpointRecord): Promise<void> {
    let run = this.#runs.get(runId);
    if (!run) this.#runs.set(runId, run = new Map());
    run.set(record.recoveryPointArn, { ...record });
    return Promise.resolve();
  }

  /** Copies of every record of a run. */
  list(runId: string): Promise<CheckpointRecord[]> {
    return Promise.resolve([...this.#runs.get(runId)?.values() ?? []].map((r) => ({ ...r })));
  }
}

/** Whether a value read back from storage has the shape of a {@linkcode CheckpointRecord}. */
export function isCheckpointRecord(value: unknown): value is CheckpointRecord {
  const r = value as CheckpointRecord;
  const states: readonly string[] = ["STARTING", "STARTED", "COMPLETED", "PARTIAL", "FAILED"];
  return typeof r === "object" && r !== null && typeof r.recoveryPointArn === "string" &&
    typeof r.idempotencyToken === "string" && states.includes(r.state) &&
    typeof r.attempts === "number" &&
    (r.copyJobId === undefined || typeof r.copyJobId === "string") &&
    (r.runTarget === undefined || isRunTarget(r.runTarget));
}

function isRunTarget(value: unknown): value is RunTarget {
  const t = value as RunTarget;
  return typeof t === "object" && t !== null && typeof t.sourceBackupVaultName === "string" &&
    typeof t.destinationBackupVaultArn === "string" && typeof t.iamRoleArn === "string" &&
    (t.lifecycle === undefined || (typeof t.lifecycle === "object" && t.lifecycle !== null));
}

/** Checks the shape of a record read back from storage. @throws {CheckpointError} */
export function checkRecord(value: unknown, where: string): CheckpointRecord {
  if (!isCheckpointRecord(value)) {
    throw new CheckpointError(`Malformed checkpoint record at ${where}`);
  }
  return value;
}
