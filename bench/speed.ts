/**
 * `deno task bench`: speed and memory of a StartCopyJob Worker against the same Worker written
 * by hand on aws4fetch, measured in the same run, in alternating child processes (3 rounds,
 * median). Each call goes through the Worker's `fetch` handler: validation, serialization,
 * endpoint, SigV4 signing (WebCrypto), and parsing a canned AWS answer from a stubbed `fetch`.
 *
 * @module
 */

import { bundle } from "../testing/bundle.ts";

const OUT_DIR = new URL("./.out/", import.meta.url);
const CALLS = 2000;
const ROUNDS = 3;

const targets = [
  { name: "startCopyJob only", entry: "start_copy_job_worker" },
  { name: "aws4fetch by hand (ref)", entry: "aws4fetch_worker" },
];

interface Sample {
  importHeapBytes: number;
  retainedHeapBytes: number;
  microsecondsPerCall: number;
}

const files = new Map<string, string>();
for (const { entry } of targets) {
  files.set(
    entry,
    await bundle(new URL(`../testing/workers/${entry}.ts`, import.meta.url), {
      platform: "browser",
      minify: true,
      outFile: new URL(`${entry}.min.js`, OUT_DIR),
    }),
  );
}

async function run(entry: string): Promise<Sample> {
  const { success, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-config",
      "--v8-flags=--expose-gc",
      "--allow-read",
      new URL("./worker_child.ts", import.meta.url).pathname,
      files.get(entry)!,
      String(CALLS),
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!success) throw new Error(new TextDecoder().decode(stderr));
  return JSON.parse(new TextDecoder().decode(stdout));
}

const samples = new Map<string, Sample[]>(targets.map((t) => [t.entry, []]));
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 ? [...targets].reverse() : targets;
  for (const { entry } of order) samples.get(entry)!.push(await run(entry));
}
const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
const results = targets.map(({ name, entry }) => {
  const s = samples.get(entry)!;
  return {
    name,
    microsecondsPerCall: median(s.map((x) => x.microsecondsPerCall)),
    importHeapBytes: median(s.map((x) => x.importHeapBytes)),
    retainedHeapBytes: median(s.map((x) => x.retainedHeapBytes)),
  };
});
const ref = results[results.length - 1];
const rows = [
  ["Worker", "µs/call", "vs ref", "heap after import", "vs ref", "heap after calls", "vs ref"],
  ...results.map((r) => [
    r.name,
    r.microsecondsPerCall.toFixed(1),
    `${(r.microsecondsPerCall / ref.microsecondsPerCall).toFixed(2)}×`,
    `${(r.importHeapBytes / 1024).toFixed(0)} KiB`,
    `${(r.importHeapBytes / ref.importHeapBytes).toFixed(2)}×`,
    `${(r.retainedHeapBytes / 1024).toFixed(0)} KiB`,
    `${(r.retainedHeapBytes / ref.retainedHeapBytes).toFixed(2)}×`,
  ]),
];
const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
for (const [i, row] of rows.entries()) {
  console.log(row.map((c, j) => j ? c.padStart(widths[j]) : c.padEnd(widths[j])).join("  "));
  if (i === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
}
console.log(
  `\n${CALLS} calls per run after 200 warm-up calls, median of ${ROUNDS} alternating runs; ` +
    `Deno ${Deno.version.deno}; heap measured after forced collections with time for finalizers.`,
);
await Deno.writeTextFile(
  new URL("speed.json", OUT_DIR),
  JSON.stringify({ denoVersion: Deno.version.deno, calls: CALLS, results }, null, 2) + "\n",
);
