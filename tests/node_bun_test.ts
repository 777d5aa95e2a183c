/**
 * Node and Bun: one runtime-neutral ESM bundle of the smoke run, executed by `node` (always
 * present) and by `bun` (from `BUN_BIN`, `.cache/tools/node_modules/.bin/bun` as installed by
 * `npm install --no-save --prefix .cache/tools bun@1.3.14`, or `PATH`; skipped when absent).
 */

import assert from "node:assert/strict";
import { RECOVERY_POINT_OK_ARN, startEmulator } from "../emulator/mod.ts";
import { bundle } from "../testing/bundle.ts";
import { findBun } from "../testing/bun.ts";
import type { SmokeResult } from "./runtimes/smoke.ts";

const TIMEOUT_MS = 30_000;

let bundled: Promise<string> | undefined;
/** The smoke run bundled once for both runtimes: browser platform, so no Node or Deno APIs. */
function smokeBundle(): Promise<string> {
  return bundled ??= bundle(new URL("./runtimes/node_main.ts", import.meta.url), {
    extension: ".mjs",
  });
}

const bun = await findBun();
if (!bun.path) console.log(`SKIP bun: ${bun.reason}`);

/** Runs `<runtime> <bundle> <endpoint>` and returns the JSON line it printed. */
async function runBundle(runtime: string, endpoint: string): Promise<SmokeResult> {
  const file = await smokeBundle();
  const output = await new Deno.Command(runtime, {
    args: [file, endpoint],
    cwd: decodeURIComponent(new URL("./.out/", import.meta.url).pathname),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(TIMEOUT_MS),
  }).output();
  const decoder = new TextDecoder();
  const stdout = decoder.decode(output.stdout);
  const stderr = decoder.decode(output.stderr);
  assert.equal(output.code, 0, `${runtime} exited ${output.code}:\n${stdout}${stderr}`);
  const lines = stdout.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]);
}

async function checkRuntime(runtime: string, userAgent: RegExp | null): Promise<string> {
  await using emulator = await startEmulator();
  const result = await runBundle(runtime, emulator.url);

  const jobs = emulator.jobs();
  assert.equal(jobs.length, 1, "one job started");
  const [job] = jobs;
  assert.equal(result.CopyJobId, job.CopyJobId);
  assert.equal(result.isDate, true, "CreationDate parsed to a Date");
  assert.equal(Date.parse(result.CreationDateIso!), Math.round(job.CreationDate * 1000));
  assert.equal(result.IsParent, job.IsParent);
  assert.equal(result.describedCopyJobId, job.CopyJobId);
  assert.equal(result.describedIsDate, true);
  assert.equal(result.describedRecoveryPointArn, RECOVERY_POINT_OK_ARN);
  assert.equal(result.describedDestinationBackupVaultArn, job.DestinationBackupVaultArn);

  const operations = emulator.requests.map((r) => r.operation);
  assert.deepEqual(operations, ["StartCopyJob", "DescribeCopyJob"]);
  for (const request of emulator.requests) {
    assert.equal(request.signatureValid, true, `${request.operation}: ${request.authError}`);
  }
  assert.equal(emulator.requests[0].requestId, result.requestId);
  if (userAgent === null) assert.equal(result.userAgent, null);
  else assert.match(result.userAgent ?? "", userAgent);
  return result.userAgent ?? "(no navigator)";
}

Deno.test("node runs the bundled module against the emulator", async () => {
  const version = await new Deno.Command("node", { args: ["--version"], stdout: "piped" })
    .output();
  const major = Number(new TextDecoder().decode(version.stdout).trim().replace(/^v(\d+).*/, "$1"));
  // Node 21+ has navigator.userAgent ("Node.js/22"); Node 20 has no navigator.
  await checkRuntime("node", major >= 21 ? /^Node\.js\// : null);
});

Deno.test({
  name: bun.path
    ? "bun runs the bundled module against the emulator"
    : `bun runs the bundled module against the emulator (SKIP: ${bun.reason})`,
  ignore: !bun.path,
  fn: async () => {
    await checkRuntime(bun.path!, /^Bun\//);
  },
});
