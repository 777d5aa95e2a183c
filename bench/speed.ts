/**
 * `deno task bench`: backup-edge against StartCopyJob hand-rolled on aws4fetch, both built in
 * the same run and measured side by side, printed as ratios:
 *
 * - per call: calls/s of the public `startCopyJob` on Node, Deno and workerd (Miniflare), with a
 *   warm client (one for every call) and a fresh client per call (a Worker that builds its
 *   client inside `fetch`). Per runtime, one process (one Miniflare) holds both targets: WARMUP
 *   calls per run, then CALLS timed calls per run in ROUNDS rounds, each cut into 10 slices
 *   the four runs take turns on, so a busy moment of the machine hits them alike; the median
 *   round counts;
 * - cold start on Node and Deno: a fresh process's import + client + first call, median of COLD;
 * - heap on Node and Deno, a process per target (warm client): after WARMUP + CALLS calls,
 *   relative to before the import, after forced collections; and its growth per call;
 * - observing calls, per runtime as per call: backup-edge's client with a no-op `observe`
 *   (bench/targets/backup_edge_observed.ts) against the same client without it, and a second
 *   copy of the unobserved bundle against the first: the cost of observing when used, and the
 *   noise a ratio of two identical targets shows. An unobserved call does strictly less for
 *   `observe` than an observed one (it reads `client.observe` per attempt, nothing else), so the
 *   first ratio bounds what the hooks cost when unused.
 *
 * The targets (bench/targets/*.ts) are the public functions, bundled and minified like a Worker;
 * the reference is testing/workers/aws4fetch_worker.ts's StartCopyJob. Calls go to an
 * in-process `fetch` stub (bench/harness.ts). Prints the tables, writes bench/.out/bench.json;
 * `--readme` also rewrites the performance section between the `bench:begin` and `bench:end`
 * markers, in whichever of README.md and docs/*.md holds them (docs/development.md).
 *
 * Flags: `--rounds N` (default 5), `--calls N` (20000), `--warmup N` (2000), `--cold N` (15),
 * `--runtimes node,deno,workerd`, `--quick` (3 rounds, 3,000 calls, 500 warm-up, 5 cold
 * starts), `--readme`.
 *
 * @module
 */

import { cpus } from "node:os";
import { parseArgs } from "node:util";
import { Miniflare } from "miniflare";
import { bundle } from "../testing/bundle.ts";
import { DOCS_ROOT, readDocs, withBenchReport } from "../testing/docs.ts";

const OUT_DIR = new URL("./.out/", import.meta.url);

const { values: flags } = parseArgs({
  args: Deno.args,
  options: {
    rounds: { type: "string" },
    calls: { type: "string" },
    warmup: { type: "string" },
    cold: { type: "string" },
    runtimes: { type: "string", default: "node,deno,workerd" },
    quick: { type: "boolean", default: false },
    readme: { type: "boolean", default: false },
  },
});
const count = (text: string | undefined, full: number, quick: number) =>
  text === undefined ? (flags.quick ? quick : full) : Number(text);
const ROUNDS = count(flags.rounds, 5, 3);
const CALLS = count(flags.calls, 20_000, 3_000);
const WARMUP = count(flags.warmup, 2_000, 500);
const COLD = count(flags.cold, 15, 5);
/** Slices per round: the runs take turns slice by slice (as bench/process_child.ts does). */
const SLICES = 10;
const RUNTIMES = flags.runtimes.split(",") as Runtime[];

type Runtime = "node" | "deno" | "workerd";
type Client = "warm" | "fresh";
type Target = "backup-edge" | "aws4fetch" | "backup-edge-copy" | "backup-edge-observed";
const TARGETS: Target[] = ["backup-edge", "aws4fetch"];
/** The targets of the observing rows: unobserved, the same bundle again, observed. */
const OBSERVE_TARGETS: Target[] = ["backup-edge", "backup-edge-copy", "backup-edge-observed"];
const CLIENTS: Client[] = ["warm", "fresh"];

const decoder = new TextDecoder();
const text = (url: URL) => Deno.readTextFile(url);
const MACHINE = machine();
const started = performance.now();
const elapsed = () => ((performance.now() - started) / 1000).toFixed(0);
/** Miniflare's version as deno.json's import map pins it. */
const MINIFLARE_VERSION = JSON.parse(await text(new URL("../deno.json", import.meta.url)))
  .imports.miniflare.replace(/^npm:miniflare@/, "");

// 1. Bundle the targets (bench/targets/*.ts, minified like a Worker) and the two drivers; the
// copy is backup-edge's entry bundled again to another file (imported as another module).
const bundled = {} as Record<Target, string>;
for (const target of [...TARGETS, ...OBSERVE_TARGETS.slice(1)]) {
  const file = target.replaceAll("-", "_");
  const entry = target === "backup-edge-copy" ? "backup_edge" : file;
  bundled[target] = await bundle(new URL(`./targets/${entry}.ts`, import.meta.url), {
    outFile: new URL(`target_${file}.min.js`, OUT_DIR),
  });
}
const driverBundle = (name: string) =>
  bundle(new URL(`./${name}.ts`, import.meta.url), {
    minify: false,
    outFile: new URL(`${name}.mjs`, OUT_DIR),
  });
const processChild = await driverBundle("process_child");
const workerdDriver = await driverBundle("workerd_driver");

/** Runs the process child on Node or Deno and parses the JSON line it prints. */
async function child<T>(runtime: "node" | "deno", args: string[]): Promise<T> {
  const [command, runtimeArgs] = runtime === "node"
    ? ["node", ["--expose-gc"]]
    : [Deno.execPath(), ["run", "--no-config", "--allow-read", "--v8-flags=--expose-gc"]];
  const output = await new Deno.Command(command, {
    args: [...runtimeArgs, processChild, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) {
    throw new Error(`${runtime} ${args.join(" ")}: ${decoder.decode(output.stderr)}`);
  }
  return JSON.parse(decoder.decode(output.stdout).trim().split("\n").pop()!);
}

/** Calls/s per round of each `<bundle> <client>` run. */
type RoundSamples = Record<string, number[]>;
const runName = (target: Target, client: Client) => `${bundled[target]} ${client}`;

/** workerd: each target a Worker (an isolate) in one Miniflare; warm-up, then timed rounds. */
async function workerdSpeed(targets: Target[]): Promise<RoundSamples> {
  const driver = await Deno.readTextFile(workerdDriver);
  const mf = new Miniflare({
    workers: await Promise.all(targets.map(async (target) => ({
      name: target,
      routes: [`${target}.bench/*`],
      compatibilityDate: "2025-01-01",
      modules: [
        { type: "ESModule" as const, path: "driver.mjs", contents: driver },
        {
          type: "ESModule" as const,
          path: "target.js",
          contents: await Deno.readTextFile(bundled[target]),
        },
      ],
    }))),
  });
  try {
    const runs = targets.flatMap((target) => CLIENTS.map((client) => ({ target, client })));
    const call = async ({ target, client }: (typeof runs)[number], calls: number) => {
      const started = performance.now();
      const response = await mf.dispatchFetch(
        `http://${target}.bench/?mode=${client}&calls=${calls}`,
      );
      const body = await response.text();
      if (response.status !== 200) throw new Error(`workerd ${target} ${client}: ${body}`);
      return calls / ((performance.now() - started) / 1000);
    };
    for (const run of runs) await call(run, WARMUP);
    // As in process_child.ts: rounds cut into slices, the runs taking turns slice by slice.
    const slice = Math.max(1, Math.round(CALLS / ROUNDS / SLICES));
    const samples: RoundSamples = {};
    for (let round = 0; round < ROUNDS; round++) {
      const seconds = runs.map(() => 0);
      for (let i = 0; i < SLICES; i++) {
        const order = runs.map((_, j) => j);
        if ((round * SLICES + i) % 2) order.reverse();
        for (const j of order) seconds[j] += slice / await call(runs[j], slice);
      }
      runs.forEach((run, j) =>
        (samples[runName(run.target, run.client)] ??= []).push(slice * SLICES / seconds[j])
      );
    }
    return samples;
  } finally {
    await mf.dispose();
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Median calls/s of each target, warm and fresh, in one process (or Miniflare) on `runtime`. */
async function speed(runtime: Runtime, targets: Target[], into: Map<string, number>) {
  const samples = runtime === "workerd"
    ? await workerdSpeed(targets)
    : (await child<{ callsPerSecond: RoundSamples }>(runtime, [
      "speed",
      String(WARMUP),
      String(CALLS),
      String(ROUNDS),
      ...targets.map((t) => bundled[t]),
    ])).callsPerSecond;
  for (const target of targets) {
    for (const client of CLIENTS) {
      into.set(`${runtime} ${target} ${client}`, median(samples[runName(target, client)]));
    }
  }
}

// 2. Per call: both targets, warm and fresh, in one process (or Miniflare) per runtime; then
// the observing rows' three targets the same way, in a process of their own.
const callsPerSecond = new Map<string, number>();
const observedPerSecond = new Map<string, number>();
for (const runtime of RUNTIMES) {
  await speed(runtime, TARGETS, callsPerSecond);
  await speed(runtime, OBSERVE_TARGETS, observedPerSecond);
  console.error(`per call and observing on ${runtime}: done after ${elapsed()} s`);
}

// 3. Heap (warm clients, a process per target) and cold start (fresh processes, alternating).
interface HeapSample {
  heapAfterCallsBytes: number;
  growthBytesPerCall: number;
}
const processRuntimes = RUNTIMES.filter((r) => r !== "workerd") as ("node" | "deno")[];
const heapSamples = new Map<string, HeapSample>();
const coldSamples = new Map<string, number[]>();
for (const runtime of processRuntimes) {
  for (const target of TARGETS) {
    heapSamples.set(
      `${runtime} ${target}`,
      await child<HeapSample>(runtime, [
        "heap",
        String(WARMUP),
        String(CALLS),
        bundled[target],
      ]),
    );
  }
  for (let i = 0; i < COLD; i++) {
    for (const target of i % 2 ? [...TARGETS].reverse() : TARGETS) {
      const { coldMs } = await child<{ coldMs: number }>(runtime, [
        "cold",
        bundled[target],
      ]);
      const k = `${runtime} ${target}`;
      coldSamples.set(k, [...(coldSamples.get(k) ?? []), coldMs]);
    }
  }
  console.error(`heap and cold start on ${runtime}: done after ${elapsed()} s`);
}
const seconds = Number(elapsed());

// 4. Ratios and tables.
const RUNTIME_NAMES: Record<Runtime, string> = {
  node: `Node ${await nodeVersion()}`,
  deno: `Deno ${Deno.version.deno}`,
  workerd: `workerd (Miniflare ${MINIFLARE_VERSION})`,
};

const results = {
  machine: MACHINE,
  settings: { rounds: ROUNDS, warmup: WARMUP, calls: CALLS, coldStarts: COLD, seconds },
  runtimes: Object.fromEntries(RUNTIMES.map((r) => [r, RUNTIME_NAMES[r]])),
  perCall: RUNTIMES.flatMap((runtime) =>
    CLIENTS.map((client) => {
      const edge = callsPerSecond.get(`${runtime} backup-edge ${client}`)!;
      const ref = callsPerSecond.get(`${runtime} aws4fetch ${client}`)!;
      return { runtime, client, backupEdge: edge, aws4fetch: ref, ratio: edge / ref };
    })
  ),
  observe: RUNTIMES.flatMap((runtime) =>
    CLIENTS.map((client) => {
      const of = (target: Target) => observedPerSecond.get(`${runtime} ${target} ${client}`)!;
      const none = of("backup-edge");
      return {
        runtime,
        client,
        unobserved: none,
        noOpObserve: of("backup-edge-observed"),
        ratio: of("backup-edge-observed") / none,
        sameBundleRatio: of("backup-edge-copy") / none,
      };
    })
  ),
  coldStart: processRuntimes.map((runtime) => {
    const edge = median(coldSamples.get(`${runtime} backup-edge`)!);
    const ref = median(coldSamples.get(`${runtime} aws4fetch`)!);
    return { runtime, backupEdgeMs: edge, aws4fetchMs: ref, ratio: edge / ref };
  }),
  heap: processRuntimes.map((runtime) => {
    const edge = heapSamples.get(`${runtime} backup-edge`)!;
    const ref = heapSamples.get(`${runtime} aws4fetch`)!;
    return {
      runtime,
      backupEdgeBytes: edge.heapAfterCallsBytes,
      aws4fetchBytes: ref.heapAfterCallsBytes,
      ratio: edge.heapAfterCallsBytes / ref.heapAfterCallsBytes,
      backupEdgeGrowthBytesPerCall: edge.growthBytesPerCall,
      aws4fetchGrowthBytesPerCall: ref.growthBytesPerCall,
    };
  }),
};

const int = (n: number) => Math.round(n).toLocaleString("en-US");
const ratio = (n: number) => `${n.toFixed(2)}×`;
const kib = (n: number) => `${int(n / 1024)} KiB`;
function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const line = (row: string[]) =>
    `| ${row.map((c, i) => (i ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(" | ")} |`;
  const rule = `| ${
    widths.map((w, i) => (i ? "-".repeat(w - 1) + ":" : "-".repeat(w))).join(" | ")
  } |`;
  return [line(rows[0]), rule, ...rows.slice(1).map(line)].join("\n");
}

const perCallTable = table([
  ["Per call (calls/s)", "backup-edge", "aws4fetch by hand", "ratio"],
  ...results.perCall.map((r) => [
    `${RUNTIME_NAMES[r.runtime]}, ${r.client} client`,
    int(r.backupEdge),
    int(r.aws4fetch),
    ratio(r.ratio),
  ]),
]);
const observeTable = table([
  [
    "Observing calls (calls/s)",
    "no observe",
    "no-op observe",
    "ratio",
    "same bundle twice",
  ],
  ...results.observe.map((r) => [
    `${RUNTIME_NAMES[r.runtime]}, ${r.client} client`,
    int(r.unobserved),
    int(r.noOpObserve),
    ratio(r.ratio),
    ratio(r.sameBundleRatio),
  ]),
]);
const coldTable = table([
  ["Cold start (import + client + first call)", "backup-edge", "aws4fetch by hand", "ratio"],
  ...results.coldStart.map((r) => [
    RUNTIME_NAMES[r.runtime],
    `${r.backupEdgeMs.toFixed(1)} ms`,
    `${r.aws4fetchMs.toFixed(1)} ms`,
    ratio(r.ratio),
  ]),
]);
const heapTable = table([
  [
    `Heap after ${int(CALLS)} calls (warm client)`,
    "backup-edge",
    "aws4fetch by hand",
    "ratio",
    "growth per call",
  ],
  ...results.heap.map((r) => [
    RUNTIME_NAMES[r.runtime],
    kib(r.backupEdgeBytes),
    kib(r.aws4fetchBytes),
    ratio(r.ratio),
    `${r.backupEdgeGrowthBytesPerCall.toFixed(1)} B vs ${
      r.aws4fetchGrowthBytesPerCall.toFixed(1)
    } B`,
  ]),
]);
const method = `Per call: ${int(WARMUP)} warm-up calls, then ${int(CALLS)} timed ` +
  `\`startCopyJob\` calls in ${ROUNDS} round${
    ROUNDS === 1 ? "" : "s"
  } (median round) through each target's public ` +
  `function, bundled and minified like a Worker, to an in-process \`fetch\` stub; warm: one ` +
  `client for every call, fresh: a new client per call. Cold start: median of ${COLD} fresh ` +
  `process${
    COLD === 1 ? "" : "es"
  }. Heap: after forced collections, relative to before the import. Ratios divide ` +
  `backup-edge by aws4fetch: for calls/s higher is better, for ms and bytes lower is better. ` +
  `Observing calls: the same per-call runs, backup-edge's client with \`observe: () => {}\` ` +
  `divided by the same client without it (the cost of observing when used, an upper bound of ` +
  `what the unused hooks cost), and a second copy of the unobserved bundle divided by the ` +
  `first (the noise of the measurement).`;
const report = [
  `Measured by \`npx -y deno@2.9.6 task bench\` on ${results.machine}; ${seconds.toFixed(0)} s.`,
  "",
  perCallTable,
  "",
  observeTable,
  "",
  coldTable,
  "",
  heapTable,
  "",
  method,
].join("\n");
console.log(report);

await Deno.writeTextFile(
  new URL("bench.json", OUT_DIR),
  JSON.stringify(results, null, 2) + "\n",
);
if (flags.readme) {
  const doc = withBenchReport(await readDocs(), report);
  const file = new URL(doc.path, DOCS_ROOT);
  await Deno.writeTextFile(file, doc.text);
  // deno fmt wraps the prose and aligns the tables, so `deno fmt --check` passes afterwards.
  const fmt = await new Deno.Command(Deno.execPath(), {
    args: ["fmt", "-q", decodeURIComponent(file.pathname)],
  }).output();
  if (!fmt.success) throw new Error(`deno fmt ${doc.path}: ${decoder.decode(fmt.stderr)}`);
  console.error(`${doc.path}: performance section rewritten`);
}

async function nodeVersion(): Promise<string> {
  const { stdout } = await new Deno.Command("node", { args: ["--version"] }).output();
  return decoder.decode(stdout).trim().replace(/^v/, "");
}

/** CPU model, core count and load, for the README's "on which machine". */
function machine(): string {
  const model = cpus()[0]?.model.trim() || "unknown CPU";
  const [load] = Deno.loadavg();
  return `${model}, ${navigator.hardwareConcurrency} cores (${Deno.build.os}, shared; ` +
    `load ${load.toFixed(1)} at start)`;
}
