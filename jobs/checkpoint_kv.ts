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
} from "./checkpoint.ts";

/** The part of a Workers KV namespace binding (`KVNamespace`) the store uses. */
export interface KvNamespaceLike {
  /** The value of a key as text, or null. */
  get(key: string): Promise<string | null>;
  /** Stores a value. */
  put(key: string, value: string): Promise<void>;
  /** One page of the keys with a prefix. */
  list(options: { prefix: string; cursor?: string }): Promise<{
    keys: { name: string }[];
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
 * One KV entry per recovery point and run, at `<prefix><runId>/<recoveryPointArn>`, holding the
 * record as JSON.
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
   */
  constructor(namespace: KvNamespaceLike, options: KvCheckpointStoreOptions = {}) {
    this.#kv = namespace;
    this.#prefix = options.prefix ?? "backup-edge/copy/";
  }

  /** The record of one recovery point in a run, if any. */
  async get(runId: string, recoveryPointArn: string): Promise<CheckpointRecord | undefined> {
    const key = this.#key(runId, recoveryPointArn);
    const text = await this.#call(`read ${key}`, () => this.#kv.get(key));
    return text === null ? undefined : this.#parse(text, key);
  }

  /** Writes the record to its key. */
  async put(runId: string, record: CheckpointRecord): Promise<void> {
    const key = this.#key(runId, record.recoveryPointArn);
    await this.#call(`write ${key}`, () => this.#kv.put(key, JSON.stringify(record)));
  }

  /** Every record of a run: lists its keys, then reads each. */
  async list(runId: string): Promise<CheckpointRecord[]> {
    const prefix = this.#key(runId, "");
    const names: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10_000; page++) {
      const result = await this.#call(`list ${prefix}`, () => this.#kv.list({ prefix, cursor }));
      names.push(...result.keys.map((k) => k.name));
      if (result.list_complete || !result.cursor) break;
      cursor = result.cursor;
    }
    const records = await Promise.all(
      names.map(async (key) => {
        const text = await this.#call(`read ${key}`, () => this.#kv.get(key));
        return text === null ? undefined : this.#parse(text, key);
      }),
    );
    return records.filter((r) => r !== undefined);
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
