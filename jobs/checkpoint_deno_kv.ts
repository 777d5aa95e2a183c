/**
 * A checkpoint store in Deno KV (`Deno.openKv()`), for Deno Deploy — where a `Deno.cron`
 * handler resumes a copy run in each invocation — and for Deno anywhere (SQLite locally, run
 * with `--unstable-kv`). A separate import from `mod.ts`, so it is never in a Worker's bundle:
 *
 * ```ts ignore
 * import { DenoKvCheckpointStore } from "@backup-edge/backup-edge/checkpoint-deno-kv";
 * const checkpoint = new DenoKvCheckpointStore(await Deno.openKv());
 * ```
 *
 * It needs no Deno types: the database is typed by the methods used ({@linkcode DenoKvLike}),
 * which a `Deno.Kv` has.
 *
 * @module
 */

import {
  CheckpointError,
  type CheckpointRecord,
  type CheckpointStore,
  checkRecord,
  extraArgumentIssues,
} from "./checkpoint.ts";
import { ValidationError } from "../runtime/errors.ts";
import { methodIssues } from "../runtime/plain_objects.ts";
import { unknownKeyIssues } from "../runtime/unknown_keys.ts";

/** A part of a Deno KV key (`Deno.KvKeyPart`). */
export type DenoKvKeyPart = Uint8Array | string | number | bigint | boolean | symbol;
/** A Deno KV key (`Deno.KvKey`). */
export type DenoKvKey = readonly DenoKvKeyPart[];

/** The part of a `Deno.Kv` the store uses: a `Deno.Kv` is one. */
export interface DenoKvLike {
  /** The entry at a key; `value` is null when there is none. */
  get(key: DenoKvKey): Promise<{ value: unknown }>;
  /** Stores a value (structured-serializable) at a key. */
  set(key: DenoKvKey, value: unknown): Promise<unknown>;
  /**
   * The entries under a prefix, at most `limit`, fetched `batchSize` per round trip; once
   * iterated, `cursor` is where the next call continues.
   */
  list(
    selector: { prefix: DenoKvKey },
    options?: { limit?: number; batchSize?: number; cursor?: string },
  ): AsyncIterable<{ key: DenoKvKey; value: unknown }> & { readonly cursor: string };
}

/** Options of {@linkcode DenoKvCheckpointStore}. */
export interface DenoKvCheckpointStoreOptions {
  /** Key parts before `[runId, recoveryPointArn]`. @default ["backup-edge", "copy"] */
  prefix?: DenoKvKey;
}

/**
 * Deno KV limits the store is built around (the `Deno.Kv` API docs, docs.deno.com/api/deno/~/
 * Deno.Kv and ~/Deno.KvListOptions.batchSize): keys of at most 2048 bytes and values of at most
 * 64 KiB after serialization; a list fetches at most 500 entries per round trip.
 */
export const DENO_KV_LIMITS = {
  keyBytes: 2048,
  valueBytes: 65_536,
  listBatchSize: 500,
} as const;

/** Room kept for the serialization's own bytes when sizing a value as JSON. */
const VALUE_MARGIN_BYTES = 1024;

/**
 * One Deno KV entry per recovery point and run, at `[...prefix, runId, recoveryPointArn]`,
 * holding the record as an object. Every `put` is one `set` (one atomic write); `list(runId)`
 * reads a run back with one round trip per 500 records (and an empty one after a full last page):
 * 21 for a run of 10,000 recovery points.
 *
 * Reads are strongly consistent (Deno KV's default), so an invocation resuming a run sees every
 * record the previous one wrote. A record stays under the 64 KiB value limit: AWS's status
 * message, the one field of unbounded length, is shortened to fit (ending in "… [truncated]").
 * A key over 2048 bytes (a `runId` or prefix of that size) is refused by Deno KV: the `put`
 * rejects with {@linkcode CheckpointError} and the run stops before starting that copy.
 *
 * @example Resume a nightly run on Deno Deploy (see docs/vault-copy.md, "Deno Deploy")
 * ```ts ignore
 * const kv = await Deno.openKv();
 * await copyRecoveryPoints(client, {
 *   …, runId: `nightly-${new Date().toISOString().slice(0, 10)}`,
 *   checkpoint: new DenoKvCheckpointStore(kv), maxWaitMs: 8 * 60_000,
 * });
 * ```
 */
export class DenoKvCheckpointStore implements CheckpointStore {
  readonly #kv: DenoKvLike;
  readonly #prefix: DenoKvKey;

  /**
   * A store in a Deno KV database.
   * @param kv the database, e.g. `await Deno.openKv()` (Deno Deploy: the app's database;
   *   locally: `Deno.openKv("./copy.kv")`, a SQLite file).
   * @throws {ValidationError} `kv` has no `get`, `set` or `list` method (a `Deno.openKv()` not
   *   awaited is a Promise), naming it and what it lacks; an option is unknown (`prefx`: the
   *   records would go under the default prefix, and a run using the intended one would not see
   *   them) or `prefix` is not an array of key parts; a third argument is given (the options
   *   are the second).
   */
  constructor(kv: DenoKvLike, options: DenoKvCheckpointStoreOptions = {}) {
    const wrong = methodIssues("kv", kv, "a Deno KV database (the awaited result of openKv())", [
      "get",
      "set",
      "list",
    ]);
    wrong.push(...extraArgumentIssues(arguments, 2, "new DenoKvCheckpointStore(kv, options)"));
    if (wrong.length) throw new ValidationError("DenoKvCheckpointStore arguments", wrong);
    const issues = typeof options === "object" && options !== null
      ? unknownKeyIssues(options, ["prefix"])
      : [{ path: "options", message: "must be an object such as { prefix }" }];
    if (options?.prefix !== undefined && !Array.isArray(options.prefix)) {
      issues.push({ path: "prefix", message: "must be an array of key parts (a Deno KV key)" });
    }
    if (issues.length) throw new ValidationError("DenoKvCheckpointStore options", issues);
    this.#kv = kv;
    this.#prefix = [...options.prefix ?? ["backup-edge", "copy"]];
  }

  /** The record of one recovery point in a run, if any: one read. */
  async get(runId: string, recoveryPointArn: string): Promise<CheckpointRecord | undefined> {
    const key = [...this.#prefix, runId, recoveryPointArn];
    const entry = await this.#call("read", key, () => this.#kv.get(key));
    return entry.value === null ? undefined : checkRecord(entry.value, describe(key));
  }

  /** Writes the record (its status message shortened to fit 64 KiB): one write. */
  async put(runId: string, record: CheckpointRecord): Promise<void> {
    const key = [...this.#prefix, runId, record.recoveryPointArn];
    const value = fitted(record);
    await this.#call("write", key, () => this.#kv.set(key, value));
  }

  /** Every record of a run: one round trip per 500 (and an empty one after a full page). */
  async list(runId: string): Promise<CheckpointRecord[]> {
    const prefix = [...this.#prefix, runId];
    const records: CheckpointRecord[] = [];
    let cursor: string | undefined;
    for (;;) {
      const limit = DENO_KV_LIMITS.listBatchSize;
      const page = await this.#call("list", prefix, async () => {
        // No cursor on the first page: undefined, which Deno KV reads as absent.
        const options = { limit, batchSize: limit, cursor: cursor as string };
        const entries = this.#kv.list({ prefix }, options);
        const values: { key: DenoKvKey; value: unknown }[] = [];
        for await (const entry of entries) values.push(entry);
        return { values, cursor: values.length ? entries.cursor : undefined };
      });
      for (const { key, value } of page.values) records.push(checkRecord(value, describe(key)));
      if (page.values.length < limit || !page.cursor) return records;
      cursor = page.cursor;
    }
  }

  async #call<T>(what: string, key: DenoKvKey, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (e) {
      throw new CheckpointError(
        `Deno KV: cannot ${what} ${describe(key)}: ${(e as Error)?.message}`,
        { cause: e },
      );
    }
  }
}

/** A key as text for messages: `["backup-edge","copy","nightly",…]`. */
function describe(key: DenoKvKey): string {
  return `[${key.map((part) => typeof part === "string" ? JSON.stringify(part) : String(part))}]`;
}

/**
 * A plain copy of the record (no undefined members), its status message shortened so that the
 * record's JSON stays a margin below Deno KV's 64 KiB value limit.
 */
function fitted(record: CheckpointRecord): CheckpointRecord {
  const copy = JSON.parse(JSON.stringify(record)) as CheckpointRecord;
  const encoder = new TextEncoder();
  const budget = DENO_KV_LIMITS.valueBytes - VALUE_MARGIN_BYTES;
  const excess = encoder.encode(JSON.stringify(copy)).length - budget;
  if (excess <= 0 || copy.statusMessage === undefined) return copy;
  const marker = "… [truncated]";
  // Each UTF-16 unit cut is at least one byte cut, so cutting `excess` plus the marker's bytes
  // in units always fits; a high surrogate left without its pair goes too.
  let keep = Math.max(0, copy.statusMessage.length - excess - encoder.encode(marker).length);
  if (/[\uD800-\uDBFF]/.test(copy.statusMessage[keep - 1] ?? "")) keep--;
  copy.statusMessage = copy.statusMessage.slice(0, keep) + marker;
  return copy;
}
