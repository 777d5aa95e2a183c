/**
 * A checkpoint store in a JSON file, for Deno, Node and Bun (`node:fs/promises`). A separate
 * import from `mod.ts`, so bundles for Workers and browsers never contain `node:fs`:
 *
 * ```ts ignore
 * import { FileCheckpointStore } from "./jobs/checkpoint_file.ts";
 * const checkpoint = new FileCheckpointStore("./nightly-copy.checkpoint.json");
 * ```
 *
 * @module
 */

import { readFile, rename, writeFile } from "node:fs/promises";
import {
  CheckpointError,
  type CheckpointRecord,
  type CheckpointStore,
  checkRecord,
} from "./checkpoint.ts";
import { ValidationError } from "../runtime/errors.ts";
import { describe } from "../runtime/plain_objects.ts";

/** `format` of the file. */
export const CHECKPOINT_FILE_FORMAT = "backup-edge-checkpoint/1";

type Runs = Record<string, Record<string, CheckpointRecord>>;

/**
 * Records every run in one JSON file, `{"format": "backup-edge-checkpoint/1", "runs": {runId:
 * {recoveryPointArn: record}}}`. Each `put` writes the whole file to `<path>.tmp` and renames it
 * over `path`, so a process killed at any instant leaves the old or the new file, never half of
 * one. One process at a time: the file is read once, then kept in memory.
 */
export class FileCheckpointStore implements CheckpointStore {
  /** The checkpoint file. */
  readonly path: string;
  #runs?: Promise<Runs>;
  #writing: Promise<void> = Promise.resolve();

  /**
   * A store in one file.
   * @param path the file; created on the first `put`, its directory must exist.
   * @throws {ValidationError} `path` is not a non-empty string (a `URL` included: the file is
   *   written beside it as `<path>.tmp`).
   */
  constructor(path: string) {
    if (typeof path !== "string" || !path) {
      throw new ValidationError("FileCheckpointStore arguments", [{
        path: "path",
        message: `must be a file path, a non-empty string, not ${
          path === "" ? "an empty string" : describe(path)
        }`,
      }]);
    }
    this.path = path;
  }

  /** The record of one recovery point in a run, if any. */
  async get(runId: string, recoveryPointArn: string): Promise<CheckpointRecord | undefined> {
    const record = (await this.#load())[runId]?.[recoveryPointArn];
    return record && { ...record };
  }

  /** Every record of a run. */
  async list(runId: string): Promise<CheckpointRecord[]> {
    return Object.values((await this.#load())[runId] ?? {}).map((r) => ({ ...r }));
  }

  /** Stores the record and rewrites the file; resolves once the file is renamed into place. */
  put(runId: string, record: CheckpointRecord): Promise<void> {
    return this.putAll(runId, [record]);
  }

  /**
   * Stores several records of a run with one write of the file (the same write as
   * {@linkcode put}'s, whatever their number): e.g. a run kept in a `MemoryCheckpointStore`,
   * saved when it stops.
   * @throws {CheckpointError} the file could not be read or written.
   */
  async putAll(runId: string, records: readonly CheckpointRecord[]): Promise<void> {
    const runs = await this.#load();
    const run = runs[runId] ??= {};
    for (const record of records) run[record.recoveryPointArn] = { ...record };
    const text = JSON.stringify({ format: CHECKPOINT_FILE_FORMAT, runs }, null, 1);
    // Writes go one after another, each with everything put so far.
    const write = this.#writing.then(async () => {
      const tmp = `${this.path}.tmp`;
      try {
        await writeFile(tmp, text);
        await rename(tmp, this.path);
      } catch (e) {
        throw new CheckpointError(
          `Cannot write checkpoint file ${this.path}: ${(e as Error).message}`,
          {
            cause: e,
          },
        );
      }
    });
    this.#writing = write.catch(() => {});
    await write;
  }

  #load(): Promise<Runs> {
    return this.#runs ??= this.#read();
  }

  async #read(): Promise<Runs> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (e) {
      if ((e as { code?: string }).code === "ENOENT") return {};
      throw new CheckpointError(
        `Cannot read checkpoint file ${this.path}: ${(e as Error).message}`,
        {
          cause: e,
        },
      );
    }
    let value: { format?: unknown; runs?: unknown };
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new CheckpointError(`Checkpoint file ${this.path} is not JSON`, { cause: e });
    }
    if (value?.format !== CHECKPOINT_FILE_FORMAT || typeof value.runs !== "object" || !value.runs) {
      throw new CheckpointError(
        `Checkpoint file ${this.path} is not a ${CHECKPOINT_FILE_FORMAT} file`,
      );
    }
    const runs = value.runs as Runs;
    for (const [runId, records] of Object.entries(runs)) {
      for (const [arn, record] of Object.entries(records)) {
        checkRecord(record, `${this.path}: runs[${JSON.stringify(runId)}][${JSON.stringify(arn)}]`);
      }
    }
    return runs;
  }
}
