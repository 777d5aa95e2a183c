/**
 * Child process of the Deno KV checkpoint tests, run with `--unstable-kv` (the parent test runs
 * without it). Opens `Deno.openKv(path)` — a SQLite file — and counts the store's calls on it.
 *
 * - `copy CONFIG_JSON`: `copyRecoveryPoints` with a `DenoKvCheckpointStore`, the config being
 *   `{endpoint, kvPath, options}` (`options`: those of `copyRecoveryPoints`, as JSON); prints `started ARN` once each copy job is recorded (a parent may kill it then) and at the
 *   end `report JSON` (the report with `kvCalls`).
 * - `store KV_PATH`: the store's behaviour on its own; prints one JSON object of findings.
 *
 * @module
 */

import {
  BackupClient,
  CheckpointError,
  type CheckpointRecord,
  copyRecoveryPoints,
  type CopyRecoveryPointsOptions,
} from "../../mod.ts";
import { DEMO_CREDENTIALS, DEMO_REGION } from "../../emulator/mod.ts";
import { DenoKvCheckpointStore, type DenoKvLike } from "../../jobs/checkpoint_deno_kv.ts";

/** Calls the store made on the database, by method (each `list` call is one page). */
type KvCalls = { get: number; set: number; list: number };

/** `kv` with every call counted into `calls`. */
function counted(kv: Deno.Kv, calls: KvCalls): DenoKvLike {
  return {
    get: (key) => (calls.get++, kv.get(key)),
    set: (key, value) => (calls.set++, kv.set(key, value)),
    list: (selector, options) => (calls.list++, kv.list(selector, options)),
  };
}

const [mode, arg] = Deno.args;
if (mode === "copy") {
  const config: {
    endpoint: string;
    kvPath: string;
    options: CopyRecoveryPointsOptions;
    invocations?: number;
  } = JSON.parse(arg);
  const kv = await Deno.openKv(config.kvPath);
  const client = new BackupClient({
    region: DEMO_REGION,
    endpoint: config.endpoint,
    credentials: { ...DEMO_CREDENTIALS },
  });
  for (let i = 0; i < (config.invocations ?? 1); i++) {
    const kvCalls: KvCalls = { get: 0, set: 0, list: 0 };
    const report = await copyRecoveryPoints(client, {
      ...config.options,
      checkpoint: new DenoKvCheckpointStore(counted(kv, kvCalls)),
      onProgress: (event) => {
        if (event.type === "started") console.log(`started ${event.recoveryPointArn}`);
      },
    });
    console.log(`report ${JSON.stringify({ ...report, kvCalls })}`);
  }
  kv.close();
} else if (mode === "store") {
  console.log(JSON.stringify(await storeFindings(arg)));
} else {
  throw new Error(`unknown mode ${mode}`);
}

/** What the store does, for the parent to assert on. */
async function storeFindings(path: string) {
  const kv = await Deno.openKv(path);
  const calls: KvCalls = { get: 0, set: 0, list: 0 };
  const store = new DenoKvCheckpointStore(counted(kv, calls));
  const record = (i: number, extra: Partial<CheckpointRecord> = {}): CheckpointRecord => ({
    recoveryPointArn: `arn:aws:backup:us-east-1:111122223333:recovery-point:rp-${i}`,
    idempotencyToken: `token-${i}`,
    state: "COMPLETED",
    copyJobId: `job-${i}`,
    attempts: 1,
    ...extra,
  });
  const rejection = async (call: () => Promise<unknown>) => {
    try {
      await call();
      return "resolved";
    } catch (e) {
      return `${e instanceof CheckpointError ? "CheckpointError" : "other"}: ${
        (e as Error).message
      }`;
    }
  };

  const absent = await store.get("run-a", record(0).recoveryPointArn);
  await store.put("run-a", record(0, { state: "STARTED" }));
  await store.put("run-a", record(0));
  await store.put("run-b", record(1));
  const roundTrip = await store.get("run-a", record(0).recoveryPointArn);

  // A run of 10,000 records, written in atomic batches of 500 (as the store would write them
  // one by one), then listed back through the store with its calls counted.
  const big: CheckpointRecord[] = Array.from({ length: 10_000 }, (_, i) => record(i));
  for (let i = 0; i < big.length; i += 500) {
    const batch = kv.atomic();
    for (const r of big.slice(i, i + 500)) {
      batch.set(["backup-edge", "copy", "run-big", r.recoveryPointArn], r);
    }
    await batch.commit();
  }
  const before = calls.list;
  const listed = await store.list("run-big");
  const bigListCalls = calls.list - before;

  const longMessage = "é".repeat(50_000) + "😀".repeat(5_000);
  await store.put("run-c", record(2, { state: "FAILED", statusMessage: longMessage }));
  const truncated = (await store.get("run-c", record(2).recoveryPointArn))!;

  const prefixed = new DenoKvCheckpointStore(kv, { prefix: ["tenant-7", "copies"] });
  await prefixed.put("run-a", record(3));
  const prefixedEntry = await kv.get(["tenant-7", "copies", "run-a", record(3).recoveryPointArn]);

  await kv.set(["backup-edge", "copy", "run-bad", "arn:x"], { not: "a record" });
  const keyTooLong = await rejection(() => store.put("r".repeat(3000), record(4)));
  const malformed = await rejection(() => store.list("run-bad"));
  kv.close();

  // Deno.openKv() not awaited: refused when the store is made, not mid-run.
  const pending = Deno.openKv(path);
  let notAwaited = "accepted";
  try {
    new DenoKvCheckpointStore(pending as never);
  } catch (e) {
    notAwaited = `${(e as Error).name}: ${(e as Error).message}`;
  }
  (await pending).close();

  return {
    absent: absent === undefined,
    roundTrip,
    runA: (await reopen(path, "run-a")).map((r) => r.recoveryPointArn),
    bigListed: listed.length,
    bigDistinct: new Set(listed.map((r) => r.recoveryPointArn)).size,
    bigListCalls,
    truncated: {
      bytes: new TextEncoder().encode(JSON.stringify(truncated)).length,
      end: truncated.statusMessage!.slice(-20),
      start: truncated.statusMessage!.slice(0, 3),
    },
    prefixed: prefixedEntry.value,
    keyTooLong,
    malformed,
    notAwaited,
  };
}

/** The records of a run, as a new process (a new store on a newly opened database) sees them. */
async function reopen(path: string, runId: string): Promise<CheckpointRecord[]> {
  const kv = await Deno.openKv(path);
  try {
    return await new DenoKvCheckpointStore(kv).list(runId);
  } finally {
    kv.close();
  }
}
