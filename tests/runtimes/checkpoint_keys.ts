/**
 * Run ids and recovery point ARNs a caller may choose that name `Object.prototype` members
 * (`__proto__`, `constructor`, `toString`), through `FileCheckpointStore` and
 * `MemoryCheckpointStore`: `checkpointKeys(dir)` puts one record under each, reads them back from
 * a new instance and the file's JSON, and says whether `Object.prototype` was changed. Runtime
 * neutral (Deno runs it directly; Node as a bundle, `node checkpoint_keys.mjs <dir>`), as Node
 * keeps the `__proto__` accessor that Deno removes.
 *
 * @module
 */

import { FileCheckpointStore } from "../../jobs/checkpoint_file.ts";
import { type CheckpointRecord, MemoryCheckpointStore } from "../../jobs/checkpoint.ts";

/** The keys tried, as run ids and as recovery point ARNs. */
export const PROTOTYPE_KEYS = ["__proto__", "constructor", "toString"] as const;

/** What came back of each run id. */
export interface CheckpointKeysResult {
  /** Run id → ARNs listed by a new `FileCheckpointStore` on the same file. */
  fileListed: Record<string, string[]>;
  /** Run id → the ARNs in the file's JSON (own keys of `runs[runId]`). */
  fileJson: Record<string, string[]>;
  /** Run id → ARNs listed by the `MemoryCheckpointStore`. */
  memoryListed: Record<string, string[]>;
  /** Run id → whether `get(runId, "__proto__")` of a new file store found the record. */
  fileGot: Record<string, boolean>;
  /** Own property names `Object.prototype` and `Object` gained. */
  polluted: string[];
}

const record = (recoveryPointArn: string): CheckpointRecord => ({
  recoveryPointArn,
  idempotencyToken: `t-${recoveryPointArn}`,
  state: "STARTED",
  attempts: 1,
});

/** Puts, reads back, reports. */
export async function checkpointKeys(dir: string): Promise<CheckpointKeysResult> {
  const names = () => [
    ...Object.getOwnPropertyNames(Object.prototype),
    ...Object.getOwnPropertyNames(Object),
  ];
  const before = new Set(names());
  const path = `${dir}/keys.checkpoint.json`;
  const file = new FileCheckpointStore(path);
  const memory = new MemoryCheckpointStore();
  for (const runId of PROTOTYPE_KEYS) {
    const records = PROTOTYPE_KEYS.map(record);
    await file.putAll(runId, records);
    for (const r of records) await memory.put(runId, r);
  }
  const again = new FileCheckpointStore(path);
  const { readFile } = await import("node:fs/promises");
  const json = JSON.parse(await readFile(path, "utf8")).runs;
  const result: CheckpointKeysResult = {
    fileListed: {},
    fileJson: {},
    memoryListed: {},
    fileGot: {},
    polluted: names().filter((n) => !before.has(n)),
  };
  for (const runId of PROTOTYPE_KEYS) {
    // Plain objects written with defineProperty-free JSON: a `__proto__` key stays a key.
    Object.defineProperty(result.fileListed, runId, {
      value: (await again.list(runId)).map((r) => r.recoveryPointArn).sort(),
      enumerable: true,
    });
    Object.defineProperty(result.fileJson, runId, {
      value: Object.hasOwn(json, runId) ? Object.keys(json[runId]).sort() : [],
      enumerable: true,
    });
    Object.defineProperty(result.memoryListed, runId, {
      value: (await memory.list(runId)).map((r) => r.recoveryPointArn).sort(),
      enumerable: true,
    });
    Object.defineProperty(result.fileGot, runId, {
      value: (await again.get(runId, "__proto__"))?.idempotencyToken === "t-__proto__",
      enumerable: true,
    });
  }
  return result;
}

const proc = (globalThis as { process?: { argv: string[]; exitCode?: number } }).process;
if (import.meta.main || (proc && !("Deno" in globalThis))) {
  console.log(JSON.stringify(await checkpointKeys(proc?.argv[2] ?? Deno.args[0])));
}
