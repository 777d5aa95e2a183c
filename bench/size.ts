/**
 * `deno task size`: what the module costs in a Worker bundle. Bundles three Workers the same way
 * (`deno bundle --platform browser --minify`) and prints minified and gzip sizes, each against a
 * reference measured in the same run: StartCopyJob hand-rolled on aws4fetch.
 *
 * - testing/workers/start_copy_job_worker.ts imports only `BackupClient` and `startCopyJob`;
 * - testing/workers/aws_sdk_start_copy_job_worker.ts is the same on `backup-edge/aws-sdk`;
 * - testing/workers/all_operations_worker.ts can call every operation (`import * as backup`);
 * - testing/workers/aws4fetch_worker.ts is the reference.
 *
 * Bundles and `size.json` go to bench/.out/. The 5.6 KB gzip budget of the one-operation Worker
 * is reported, not enforced. `--breakdown` also prints where the bytes of the one-operation and
 * the aws-sdk face's Worker go: for each source module, what the minified and the minified gzip
 * bundle lose without it (leave-one-out).
 *
 * @module
 */

import { gzipSync } from "node:zlib";
import { bundle } from "../testing/bundle.ts";

/** Budget for the gzipped startCopyJob-only Worker: 5.6 KB, taken as 5,600 bytes. */
const BUDGET_GZIP_BYTES = 5_600;

const OUT_DIR = new URL("./.out/", import.meta.url);

interface Measured {
  name: string;
  entry: string;
  file: string;
  minified: number;
  gzip: number;
}

const targets = [
  { name: "startCopyJob only", entry: "start_copy_job_worker" },
  { name: "StartCopyJobCommand (aws-sdk face)", entry: "aws_sdk_start_copy_job_worker" },
  { name: "all operations", entry: "all_operations_worker" },
  { name: "aws4fetch by hand (ref)", entry: "aws4fetch_worker" },
];

/**
 * The same Worker as testing/workers/start_copy_job_worker.ts on the official AWS SDK v3. It
 * lives here as text because it only resolves where the SDK is installed (bench/.out/sdk/).
 */
const SDK_WORKER = `import { BackupClient, StartCopyJobCommand } from "@aws-sdk/client-backup";

export default {
  async fetch(request, env) {
    const client = new BackupClient({
      region: env.AWS_REGION,
      endpoint: env.BACKUP_ENDPOINT,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
    });
    try {
      return Response.json(await client.send(new StartCopyJobCommand(await request.json())));
    } catch (error) {
      return new Response(String(error), { status: 502 });
    }
  },
};
`;

/** The same Worker on the AWS SDK v3, installed from the npm registry into bench/.out/sdk/. */
const SDK_PACKAGES = ["@aws-sdk/client-backup@3.1092.0", "esbuild@0.28.2"];

async function measureSdk(): Promise<Measured> {
  const dir = new URL("sdk/", OUT_DIR);
  await Deno.mkdir(dir, { recursive: true });
  const run = async (command: string, args: string[]) => {
    const { success, stderr } = await new Deno.Command(command, {
      args,
      cwd: dir.pathname,
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!success) throw new Error(`${command} failed: ${new TextDecoder().decode(stderr)}`);
  };
  const installed = await Deno.stat(new URL("node_modules/@aws-sdk/client-backup", dir))
    .then(() => true, () => false);
  if (!installed) {
    await Deno.writeTextFile(new URL("package.json", dir), '{ "private": true }\n');
    await run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", ...SDK_PACKAGES]);
  }
  const source = new URL("worker.mjs", dir);
  await Deno.writeTextFile(source, SDK_WORKER);
  const outFile = new URL("aws_sdk_v3_worker.min.js", OUT_DIR);
  await run("node_modules/.bin/esbuild", [
    source.pathname,
    "--bundle",
    "--minify",
    "--format=esm",
    "--platform=browser",
    `--outfile=${outFile.pathname}`,
    "--log-level=error",
  ]);
  const bytes = await Deno.readFile(outFile);
  return {
    name: "AWS SDK v3 (ref 2)",
    entry: "bench/size.ts (SDK_WORKER)",
    file: outFile.pathname,
    minified: bytes.byteLength,
    gzip: gzipSync(bytes, { level: 9 }).byteLength,
  };
}

async function measure(name: string, entry: string): Promise<Measured> {
  const outFile = new URL(`${entry}.min.js`, OUT_DIR);
  const file = await bundle(new URL(`../testing/workers/${entry}.ts`, import.meta.url), {
    platform: "browser",
    minify: true,
    outFile,
  });
  const bytes = await Deno.readFile(file);
  // One method for every bundle: zlib at level 9.
  const gzip = gzipSync(bytes, { level: 9 }).byteLength;
  return { name, entry: `testing/workers/${entry}.ts`, file, minified: bytes.byteLength, gzip };
}

/**
 * Minified and minified-gzip bytes of JavaScript text: esbuild's transform (installed with the
 * SDK row), which minifies without dropping unused code, so a missing module cannot take others
 * along.
 */
async function minifiedSize(code: string): Promise<{ minified: number; gzip: number }> {
  const esbuild = new URL("sdk/node_modules/.bin/esbuild", OUT_DIR).pathname;
  const child = new Deno.Command(esbuild, {
    args: ["--minify", "--format=esm", "--loader=js", "--log-level=error"],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(code));
  await writer.close();
  const { success, stdout } = await child.output();
  if (!success) throw new Error("esbuild could not minify a part of the bundle");
  return { minified: stdout.byteLength, gzip: gzipSync(stdout, { level: 9 }).byteLength };
}

/**
 * Leave-one-out: the unminified bundle's modules (its `// path` section markers), each left out
 * in turn; what the minified (and minified gzip) bundle loses is that module's share. The
 * minified shares add up to the whole; the gzip ones about: gzip finds less to reuse once a
 * module is gone.
 */
async function breakdown(
  entry: string,
): Promise<{ module: string; minified: number; gzip: number }[]> {
  const file = await bundle(new URL(`../testing/workers/${entry}.ts`, import.meta.url), {
    minify: false,
    outFile: new URL(`${entry}.js`, OUT_DIR),
  });
  const parts = (await Deno.readTextFile(file)).split(/^(\/\/ \S+)$/m);
  const whole = await minifiedSize(parts.join(""));
  const shares = [];
  for (let i = 1; i < parts.length; i += 2) {
    const without = await minifiedSize([...parts.slice(0, i), ...parts.slice(i + 2)].join(""));
    shares.push({
      module: parts[i].slice(3),
      minified: whole.minified - without.minified,
      gzip: whole.gzip - without.gzip,
    });
  }
  return shares.sort((a, b) => b.gzip - a.gzip);
}

const results: Measured[] = [];
for (const { name, entry } of targets) results.push(await measure(name, entry));
const reference = results[results.length - 1];
const sdk = await measureSdk().catch((e: Error) => {
  console.log(`(AWS SDK v3 row left out: ${e.message.split("\n")[0]})`);
  return undefined;
});
if (sdk) results.push(sdk);

const ratio = (value: number, ref: number) => `${(value / ref).toFixed(2)}×`;
const bytes = (value: number) => value.toLocaleString("en-US");
const rows = [
  ["Worker bundle", "minified B", "gzip B", "min / ref", "gzip / ref"],
  ...results.map((r) => [
    r.name,
    bytes(r.minified),
    bytes(r.gzip),
    ratio(r.minified, reference.minified),
    ratio(r.gzip, reference.gzip),
  ]),
];
const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
const line = (row: string[]) =>
  row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ");
console.log(line(rows[0]));
console.log(widths.map((w) => "-".repeat(w)).join("  "));
for (const row of rows.slice(1)) console.log(line(row));

const one = results[0];
if (sdk) {
  console.log(
    `\nThe startCopyJob-only Worker is ${(sdk.gzip / one.gzip).toFixed(1)}× smaller (gzip) than ` +
      "the same Worker on the AWS SDK v3.",
  );
}
const verdict = one.gzip <= BUDGET_GZIP_BYTES
  ? `within budget by ${bytes(BUDGET_GZIP_BYTES - one.gzip)} B`
  : `over budget by ${bytes(one.gzip - BUDGET_GZIP_BYTES)} B`;
console.log(
  `\nBudget (information only): startCopyJob-only Worker ${bytes(one.gzip)} B gzip vs ` +
    `5.6 KB (${bytes(BUDGET_GZIP_BYTES)} B): ${verdict}.`,
);
console.log(
  "gzip: node:zlib level 9; bundles: deno bundle --platform browser --minify" +
    (sdk
      ? "; the AWS SDK v3 row: esbuild --bundle --minify --platform=browser (deno bundle " +
        "cannot follow the SDK's browser field)."
      : "."),
);

await Deno.writeTextFile(
  new URL("size.json", OUT_DIR),
  JSON.stringify(
    {
      denoVersion: Deno.version.deno,
      gzip: "node:zlib level 9",
      budgetGzipBytes: BUDGET_GZIP_BYTES,
      results: results.map(({ file: _file, ...r }) => ({
        ...r,
        minifiedRatio: r.minified / reference.minified,
        gzipRatio: r.gzip / reference.gzip,
      })),
    },
    null,
    2,
  ) + "\n",
);

if (Deno.args.includes("--breakdown") && sdk) {
  for (const { name, entry } of targets.slice(0, 2)) {
    console.log(`\nWhere the ${name} Worker's bytes go (leave-one-out, per module):`);
    console.log(`${"minified B".padStart(10)}  ${"gzip B".padStart(6)}  module`);
    for (const { module, minified, gzip } of await breakdown(entry)) {
      console.log(`${bytes(minified).padStart(10)}  ${bytes(gzip).padStart(6)}  ${module}`);
    }
  }
}
