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
  extraArgumentIssues,
} from "./checkpoint.ts";
import { ValidationError } from "../runtime/errors.ts";
import { describe } from "../runtime/plain_objects.ts";

/** `format` of the file. */
export const CHECKPOINT_FILE_FORMAT = "backup-edge-checkpoint/1";

/**
 * Records by run id, then by recovery point ARN: Maps, since a key is any string a caller gives
 * (a run id `__proto__` or `constructor` would reach a plain object's prototype, and be lost).
 */
type Runs = Map<string, Map<string, CheckpointRecord>>;

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
   *   written beside it as `<path>.tmp`); a second argument is given (the store has no options:
   *   `{ fsync: true }` would be ignored; each write is a rename of a whole new file).
   */
  constructor(path: string) {
    const issues = extraArgumentIssues(arguments, 1, "new FileCheckpointStore(path)");
    if (typeof path !== "string" || !path) {
      issues.unshift({
        path: "path",
        message: `must be a file path, a non-empty string, not ${
          path === "" ? "an empty string" : describe(path)
        }`,
      });
    }
    if (issues.length) throw new ValidationError("FileCheckpointStore arguments", issues);
    this.path = path;
  }

  /** The record of one recovery point in a run, if any. */
  async get(runId: string, recoveryPointArn: string): Promise<CheckpointRecord | undefined> {
    const record = (await this.#load()).get(runId)?.get(recoveryPointArn);
    return record && { ...record };
  }

  /** Every record of a run. */
  async list(runId: string): Promise<CheckpointRecord[]> {
    return [...(await this.#load()).get(runId)?.values() ?? []].map((r) => ({ ...r }));
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
    let run = runs.get(runId);
    if (!run) runs.set(runId, run = new Map());
    for (const record of records) run.set(record.recoveryPointArn, { ...record });
    // Object.fromEntries defines own properties: a key `__proto__` is written as a key.
    const json = Object.fromEntries([...runs].map(([id, r]) => [id, Object.fromEntries(r)]));
    const text = JSON.stringify({ format: CHECKPOINT_FILE_FORMAT, runs: json }, null, 1);
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
      if ((e as { code?: string }).code === "ENOENT") return new Map();
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
    // JSON.parse defines own properties (a key `__proto__` included), read with Object.entries.
    const runs: Runs = new Map();
    for (const [runId, records] of Object.entries(value.runs)) {
      if (typeof records !== "object" || records === null || Array.isArray(records)) {
        throw new CheckpointError(
          `Malformed checkpoint run at ${this.path}: runs[${JSON.stringify(runId)}]`,
        );
      }
      const run = new Map<string, CheckpointRecord>();
      for (const [arn, record] of Object.entries(records)) {
        run.set(
          arn,
          checkRecord(
            record,
            `${this.path}: runs[${JSON.stringify(runId)}][${JSON.stringify(arn)}]`,
          ),
        );
      }
      runs.set(runId, run);
    }
    return runs;
  }
}
