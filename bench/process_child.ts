/**
 * Child process of `deno task bench` on Node and Deno (bundled to one .mjs that both run).
 * Modes, each printing one JSON line:
 *
 * - `speed WARMUP CALLS ROUNDS BUNDLE…`: imports every target bundle and, for each target with a
 *   warm and with a fresh client (a "run"), makes WARMUP calls, then ROUNDS rounds of
 *   CALLS / ROUNDS calls per run, the runs taking turns in slices of a tenth of a round; prints
 *   `{ callsPerSecond: { "BUNDLE warm": [per round…], … } }`.
 * - `heap WARMUP CALLS BUNDLE`: heap after WARMUP + CALLS calls with a warm client, relative to
 *   before the import, and its growth per call over the CALLS calls; measured after forced
 *   collections (the runtime runs with `--expose-gc`).
 * - `cold BUNDLE`: a fresh process's import + client + first call; prints `{ coldMs }`.
 *
 * @module
 */

import { caller, type ClientMode, installFetchStub, type Target } from "./harness.ts";

const runtime = globalThis as unknown as {
  Deno?: { args: string[]; memoryUsage(): { heapUsed: number } };
  process?: { argv: string[]; memoryUsage(): { heapUsed: number } };
  gc?: () => void;
};
const host = runtime.Deno ?? runtime.process!;
const args = runtime.Deno ? runtime.Deno.args : runtime.process!.argv.slice(2);

/** Collects garbage, giving finalizers (WebCrypto keys, bodies) time to run. */
async function collect(): Promise<void> {
  if (!runtime.gc) throw new Error("run with --expose-gc");
  for (let i = 0; i < 5; i++) {
    runtime.gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Slices per round (see `speed`). */
const SLICES = 10;

const load = (path: string): Promise<Target> => import(new URL(path, "file:///").href);

const [mode, ...rest] = args;
installFetchStub();
let result: unknown;
if (mode === "cold") {
  const started = performance.now();
  await caller(await load(rest[0]), "fresh")(1);
  result = { coldMs: performance.now() - started };
} else if (mode === "heap") {
  const [warmup, calls, path] = [Number(rest[0]), Number(rest[1]), rest[2]];
  await collect();
  const before = host.memoryUsage().heapUsed;
  const call = caller(await load(path), "warm");
  await call(warmup);
  await collect();
  const afterWarmup = host.memoryUsage().heapUsed;
  await call(calls);
  await collect();
  const after = host.memoryUsage().heapUsed;
  result = {
    heapAfterCallsBytes: after - before,
    growthBytesPerCall: (after - afterWarmup) / calls,
  };
} else if (mode === "speed") {
  const [warmup, calls, rounds, paths] = [+rest[0], +rest[1], +rest[2], rest.slice(3)];
  const runs: { name: string; call: (calls: number) => Promise<void> }[] = [];
  for (const path of paths) {
    const target = await load(path);
    for (const clientMode of ["warm", "fresh"] as ClientMode[]) {
      runs.push({ name: `${path} ${clientMode}`, call: caller(target, clientMode) });
    }
  }
  for (const run of runs) await run.call(warmup);
  // Each round is cut into SLICES slices, the runs taking turns slice by slice, so a burst of
  // load on the machine falls on every run alike; a round's figure is its calls over its time.
  const slice = Math.max(1, Math.round(calls / rounds / SLICES));
  const callsPerSecond: Record<string, number[]> = Object.fromEntries(
    runs.map((r) => [r.name, []]),
  );
  for (let round = 0; round < rounds; round++) {
    const elapsedMs = runs.map(() => 0);
    for (let i = 0; i < SLICES; i++) {
      const order = runs.map((_, j) => j);
      if ((round * SLICES + i) % 2) order.reverse();
      for (const j of order) {
        const started = performance.now();
        await runs[j].call(slice);
        elapsedMs[j] += performance.now() - started;
      }
    }
    runs.forEach((run, j) =>
      callsPerSecond[run.name].push((slice * SLICES) / (elapsedMs[j] / 1000))
    );
    await collect(); // between rounds, no run pays for the garbage of the round before
  }
  result = { callsPerSecond };
} else {
  throw new Error(`unknown mode ${mode}`);
}
console.log(JSON.stringify(result));
