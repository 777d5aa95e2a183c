/**
 * `deno task bench:scale`: heap of a whole-vault copy against the number of recovery points.
 *
 * For each vault size (default 1,000, 3,000 and 10,000 recovery points) the emulator is seeded
 * afresh in this process and a child Deno (bench/scale_child.ts) measures, in a fresh process
 * each: the reference — listing the vault into an array — and `copyRecoveryPoints` with the
 * default memory store and with a Deno KV store. Jobs end at once (2 ms), concurrency is 20
 * (below the emulator's limit of 25 copy jobs in progress). Prints a table — heap retained with
 * the result (the report holds one entry per point), per point and per point added since the
 * smaller vault (code compiled during the run is a fixed part of the first), the peak of what
 * the run holds (sampled after forced collections), and the copy's retained heap as a multiple
 * of the listing's — and writes bench/.out/scale.json.
 *
 * Usage: `deno task bench:scale [--points 1000,3000,10000]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { startEmulator } from "../emulator/mod.ts";
import { vaultSeed } from "../tests/support/copy_vault_fixtures.ts";

const MODES = ["listing", "memory", "deno-kv"] as const;
const CONCURRENCY = 20;

interface Measurement {
  mode: (typeof MODES)[number];
  points: number;
  durationMs: number;
  retainedBytes: number;
  peakBytes: number;
}

const { values } = parseArgs({
  args: Deno.args,
  options: { points: { type: "string", default: "1000,3000,10000" } },
});
const sizes = values.points.split(",").map(Number);
if (!sizes.every((n) => Number.isSafeInteger(n) && n > 0)) {
  throw new Error(`--points: a comma-separated list of positive integers, not ${values.points}`);
}

const child = fileURLToPath(new URL("./scale_child.ts", import.meta.url));
const results: Measurement[] = [];
for (const points of sizes) {
  for (const mode of MODES) {
    await using emulator = await startEmulator({ ...vaultSeed(points), jobDurationMs: 2 });
    const output = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--v8-flags=--expose-gc",
        "--unstable-kv",
        "--allow-net=127.0.0.1",
        "--allow-read",
        "--allow-env",
        child,
        mode,
        emulator.url,
        String(points),
        String(CONCURRENCY),
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const decoder = new TextDecoder();
    if (!output.success) throw new Error(`${mode} ${points}: ${decoder.decode(output.stderr)}`);
    const measured: Measurement = JSON.parse(decoder.decode(output.stdout));
    const jobs = emulator.jobs().length;
    if (jobs !== (mode === "listing" ? 0 : points)) {
      throw new Error(`${mode} ${points}: ${jobs} copy jobs in the emulator`);
    }
    results.push(measured);
    console.error(`${mode} ${points}: ${measured.durationMs} ms`);
  }
}

const kib = (bytes: number) => (bytes / 1024).toFixed(0);
const rows = results.map((r) => {
  const same = (l: Measurement) => l.mode === r.mode;
  const listing = results.find((l) => l.mode === "listing" && l.points === r.points)!;
  // The run before it of the same mode on a smaller vault: what each added point costs.
  const smaller = results.filter((l) => same(l) && l.points < r.points).at(-1);
  return {
    ...r,
    retainedPerPoint: r.retainedBytes / r.points,
    marginalPerPoint: smaller &&
      (r.retainedBytes - smaller.retainedBytes) / (r.points - smaller.points),
    peakPerPoint: r.peakBytes / r.points,
    peakMarginalPerPoint: smaller &&
      (r.peakBytes - smaller.peakBytes) / (r.points - smaller.points),
    retainedToListing: r.retainedBytes / listing.retainedBytes,
  };
});
console.log(
  "| points | run | time s | retained KiB | B/point | B/added point | peak KiB | B/point | B/added point | retained ÷ listing |",
);
console.log("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const r of rows) {
  const cells = [
    r.points,
    r.mode,
    (r.durationMs / 1000).toFixed(1),
    kib(r.retainedBytes),
    r.retainedPerPoint.toFixed(0),
    r.marginalPerPoint?.toFixed(0) ?? "",
    kib(r.peakBytes),
    r.peakPerPoint.toFixed(0),
    r.peakMarginalPerPoint?.toFixed(0) ?? "",
    r.retainedToListing.toFixed(2),
  ];
  console.log(`| ${cells.join(" | ")} |`);
}
const out = new URL("./.out/", import.meta.url);
await Deno.mkdir(out, { recursive: true });
await Deno.writeTextFile(
  new URL("scale.json", out),
  JSON.stringify({ date: new Date().toISOString(), concurrency: CONCURRENCY, rows }, null, 1) +
    "\n",
);
console.log(`\nwritten to ${fileURLToPath(new URL("scale.json", out))}`);
