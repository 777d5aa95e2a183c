/**
 * A checkpoint store in Cloudflare Workers KV, so a Worker on a cron trigger resumes a copy run
 * across invocations.
 *
 * @module
 */

import {
  CheckpointError,
  type CheckpointRecord,
  type CheckpointStore,
  checkRecord,
  extraArgumentIssues,
  isCheckpointRecord,
} from "./checkpoint.ts";
import { ValidationError } from "../runtime/errors.ts";
import { methodIssues } from "../runtime/plain_objects.ts";
import { unknownKeyIssues } from "../runtime/unknown_keys.ts";

/**
 * The part of a Workers KV namespace binding (`KVNamespace`) the store uses: a real binding is
 * one.
 */
export interface KvNamespaceLike {
  /** The value of a key as text, or null. */
  get(key: string): Promise<string | null>;
  /** Bulk read: the values of up to 100 keys (null where there is none), one KV operation. */
  get(keys: string[]): Promise<Map<string, string | null>>;
  /** Stores a value, with metadata (at most 1024 bytes as JSON) listed with its key. */
  put(key: string, value: string, options?: { metadata?: unknown }): Promise<void>;
  /** One page (up to 1000) of the keys with a prefix, each with its metadata. */
  list(options: { prefix: string; cursor?: string; limit?: number }): Promise<{
    keys: { name: string; metadata?: unknown }[];
    list_complete: boolean;
    cursor?: string;
  }>;
}

/** Options of {@linkcode KvCheckpointStore}. */
export interface KvCheckpointStoreOptions {
  /** Prefix of every key. @default "backup-edge/copy/" */
  prefix?: string | undefined;
}

/**
 * Workers KV limits the store is built around (developers.cloudflare.com/kv/platform/limits/,
 * /kv/api/list-keys/, /kv/api/read-key-value-pairs/): metadata of at most 1024 bytes, `list`
 * pages of at most 1000 keys, bulk `get` of at most 100 keys, and 1000 KV operations per Worker
 * invocation (a bulk `get` counts as one).
 */
export const WORKERS_KV_LIMITS = {
  metadataBytes: 1024,
  listPageKeys: 1000,
  bulkGetKeys: 100,
  operationsPerInvocation: 1000,
} as const;

/**
 * One KV entry per recovery point and run, at `<prefix><runId>/<recoveryPointArn>`, holding the
 * record as JSON — and the same record as the key's metadata whenever it fits in 1024 bytes (it
 * does unless AWS's status message is long). `list(runId)` therefore reads a run back from the
 * key listing alone, 1000 records per KV operation: 10 operations for a run of 10,000 recovery
 * points, where one read per key would exceed the 1000 operations a Worker invocation may make.
 * Keys without such metadata (a long record, or one written by backup-edge 0.1.0, which wrote
 * none) are read with bulk `get`s of 100 keys.
 *
 * Every `put` is one KV write: a copy run writes each recovery point's record two or three times
 * (before StartCopyJob, once the job exists, when it ends), so one invocation can advance about
 * 300 copies within Workers KV's 1000 operations; the next invocation resumes the rest.
 *
 * `KvNamespaceLike` is what a `KVNamespace` binding offers (checked against
 * `@cloudflare/workers-types` 5.x, also with `exactOptionalPropertyTypes`).
 *
 * Workers KV is eventually consistent: a write is seen at once where it was made, and within
 * about 60 seconds elsewhere. A cron-triggered Worker that resumes minutes later sees its
 * records; two invocations racing each other at the same moment in different locations might
 * not — the idempotency token and the ListCopyJobs check still hold then.
 *
 * @example
 * ```ts ignore
 * import { BackupClient, copyRecoveryPoints, KvCheckpointStore } from "./mod.ts";
 * export default {
 *   async scheduled(_event: unknown, env: { COPY_STATE: KVNamespace }) {
 *     await copyRecoveryPoints(new BackupClient({ … }), {
 *       …, runId: "2026-03-02", checkpoint: new KvCheckpointStore(env.COPY_STATE), maxWaitMs: 25_000,
 *     });
 *   },
 * };
 * ```
 */
export class KvCheckpointStore implements CheckpointStore {
  readonly #kv: KvNamespaceLike;
  readonly #prefix: string;

  /**
   * A store in a KV namespace.
   * @param namespace a KV namespace binding, e.g. `env.COPY_STATE`.
   * @throws {ValidationError} `namespace` has no `get`, `put` or `list` method (`undefined`: the
   *   binding is not declared), naming it and what it lacks; an option is unknown (`prefx`: the
   *   records would go under the default prefix, and a run using the intended one would not see
   *   them) or not a string; a third argument is given (the options are the second).
   */
  constructor(namespace: KvNamespaceLike, options: KvCheckpointStoreOptions = {}) {
    const wrong = methodIssues(
      "namespace",
      namespace,
      "a Workers KV namespace binding such as " +
        "env.COPY_STATE",
      ["get", "put", "list"],
    );
    wrong.push(...extraArgumentIssues(arguments, 2, "new KvCheckpointStore(namespace, options)"));
    if (wrong.length) throw new ValidationError("KvCheckpointStore arguments", wrong);
    const issues = typeof options === "object" && options !== null
      ? unknownKeyIssues(options, ["prefix"])
      : [{ path: "options", message: "must be an object such as { prefix }" }];
    if (options?.prefix !== undefined && typeof options.prefix !== "string") {
      issues.push({ path: "prefix", message: "must be a string" });
    }
    if (issues.length) throw new ValidationError("KvCheckpointStore options", issues);
    this.#kv = namespace;
    this.#prefix = options.prefix ?? "backup-edge/copy/";
  }

  /** The record of one recovery point in a run, if any: one KV read. */
  async get(runId: string, recoveryPointArn: string): Promise<CheckpointRecord | undefined> {
    const key = this.#key(runId, recoveryPointArn);
    const text = await this.#call(`read ${key}`, () => this.#kv.get(key));
    return text === null ? undefined : this.#parse(text, key);
  }

  /** Writes the record to its key, and as its metadata when it fits: one KV write. */
  async put(runId: string, record: CheckpointRecord): Promise<void> {
    const key = this.#key(runId, record.recoveryPointArn);
    const text = JSON.stringify(record);
    const fits = new TextEncoder().encode(text).length <= WORKERS_KV_LIMITS.metadataBytes;
    await this.#call(
      `write ${key}`,
      () => this.#kv.put(key, text, fits ? { metadata: record } : undefined),
    );
  }

  /**
   * Every record of a run: one KV operation per 1000 keys listed, plus one bulk read per 100 keys
   * whose record is not in their metadata.
   */
  async list(runId: string): Promise<CheckpointRecord[]> {
    const prefix = this.#key(runId, "");
    const records: CheckpointRecord[] = [];
    const unlisted: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await this.#call(
        `list ${prefix}`,
        // No cursor on the first page: undefined, which KV reads as absent.
        () =>
          this.#kv.list({
            prefix,
            cursor: cursor as string,
            limit: WORKERS_KV_LIMITS.listPageKeys,
          }),
      );
      for (const { name, metadata } of page.keys) {
        const record = fromMetadata(metadata, name.slice(prefix.length));
        if (record) records.push(record);
        else unlisted.push(name);
      }
      if (page.list_complete || !page.cursor) break;
      cursor = page.cursor;
    }
    for (let i = 0; i < unlisted.length; i += WORKERS_KV_LIMITS.bulkGetKeys) {
      const keys = unlisted.slice(i, i + WORKERS_KV_LIMITS.bulkGetKeys);
      const values = await this.#call(
        `read ${keys.length} keys under ${prefix}`,
        () => this.#kv.get(keys),
      );
      for (const key of keys) {
        const text = values.get(key);
        // Listed a moment ago, gone now: nothing to resume from.
        if (text !== null && text !== undefined) records.push(this.#parse(text, key));
      }
    }
    return records;
  }

  #key(runId: string, recoveryPointArn: string): string {
    return `${this.#prefix}${runId}/${recoveryPointArn}`;
  }

  #parse(text: string, key: string): CheckpointRecord {
    try {
      return checkRecord(JSON.parse(text), `KV key ${key}`);
    } catch (e) {
      if (e instanceof CheckpointError) throw e;
      throw new CheckpointError(`KV key ${key} does not hold JSON`, { cause: e });
    }
  }

  async #call<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (e) {
      throw new CheckpointError(`Workers KV: cannot ${what}: ${(e as Error)?.message}`, {
        cause: e,
      });
    }
  }
}

/**
 * The record a key's metadata holds, if it is one for that recovery point; anything else (no
 * metadata, other metadata) means the value must be read.
 */
function fromMetadata(metadata: unknown, recoveryPointArn: string): CheckpointRecord | undefined {
  return isCheckpointRecord(metadata) && metadata.recoveryPointArn === recoveryPointArn
    ? metadata
    : undefined;
}
