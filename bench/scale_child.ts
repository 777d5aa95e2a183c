/**
 * Child process of `deno task bench:scale` (run with `--expose-gc`, and `--unstable-kv` for the
 * Deno KV store): one measurement against the emulator at `ENDPOINT`, printed as one JSON line.
 *
 * `deno run … bench/scale_child.ts MODE ENDPOINT POINTS CONCURRENCY`, MODE being
 * - `listing`: the reference — the source vault's recovery points listed into an array (what any
 *   copier must hold at least);
 * - `memory`: `copyRecoveryPoints` with the default store (records kept in memory);
 * - `deno-kv`: `copyRecoveryPoints` with a `DenoKvCheckpointStore` on an in-memory Deno KV.
 *
 * Heap is `Deno.memoryUsage().heapUsed` relative to a baseline taken after the imports and the
 * client, each time after forced collections: `retainedBytes` once the run is over (its result
 * still referenced), `peakBytes` the highest of that and of samples taken every 250 ms during
 * the run, each right after a forced collection — what the run holds at its fullest, garbage
 * left out (V8 lets garbage grow as far as the heap's limit allows before collecting it).
 *
 * @module
 */

import {
  BackupClient,
  copyRecoveryPoints,
  paginateListRecoveryPointsByBackupVault,
} from "../mod.ts";
import { DenoKvCheckpointStore } from "../jobs/checkpoint_deno_kv.ts";
import { DEMO_CREDENTIALS, DEMO_REGION } from "../emulator/mod.ts";
import { FAST } from "../tests/support/copy_vault_fixtures.ts";

const gc = (globalThis as { gc?: () => void }).gc;

/** Collects garbage, giving finalizers time to run. */
async function collect(): Promise<void> {
  if (!gc) throw new Error("run with --v8-flags=--expose-gc");
  for (let i = 0; i < 5; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const [mode, endpoint, points, concurrency] = Deno.args;
const client = new BackupClient({
  region: DEMO_REGION,
  endpoint,
  credentials: { ...DEMO_CREDENTIALS },
});
const kv = mode === "deno-kv" ? await Deno.openKv(":memory:") : undefined;
await collect();
const baseline = Deno.memoryUsage().heapUsed;
let peak = baseline;
const sampler = setInterval(() => {
  gc!();
  peak = Math.max(peak, Deno.memoryUsage().heapUsed);
}, 250);
const started = performance.now();
let result: unknown;
let done: number;
if (mode === "listing") {
  const items = [];
  const pages = paginateListRecoveryPointsByBackupVault(client, {
    BackupVaultName: FAST.sourceBackupVaultName,
  });
  for await (const item of pages.items()) items.push(item);
  result = items;
  done = items.length;
} else if (mode === "memory" || mode === "deno-kv") {
  const report = await copyRecoveryPoints(client, {
    ...FAST,
    runId: "bench",
    concurrency: Number(concurrency),
    ...(kv ? { checkpoint: new DenoKvCheckpointStore(kv) } : {}),
  });
  result = report;
  done = report.totals.completed;
} else {
  throw new Error(`unknown mode ${mode}`);
}
const durationMs = performance.now() - started;
clearInterval(sampler);
await collect();
const retained = Deno.memoryUsage().heapUsed - baseline;
if (done !== Number(points)) throw new Error(`${mode}: ${done} of ${points} points`);
console.log(JSON.stringify({
  mode,
  points: Number(points),
  durationMs: Math.round(durationMs),
  retainedBytes: retained,
  peakBytes: Math.max(peak - baseline, retained),
  // Keeps the result alive until after the measurement.
  kept: result !== undefined,
}));
kv?.close();
