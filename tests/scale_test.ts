/**
 * Scale: a vault of 10,000 recovery points copied against the emulator, concurrency within the
 * emulated account's limit on concurrent copy jobs, the checkpoint in Deno KV (in memory, in a
 * child process run with `--unstable-kv`). The run finishes with one copy job per recovery point
 * and a right report; the next invocation reads the finished run back in 21 KV round trips.
 * Memory against the number of points is measured by `deno task bench:scale`, not here.
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { DEFAULT_MAX_CONCURRENT_COPIES_PER_REGION, startEmulator } from "../emulator/mod.ts";
import { DENO_KV_LIMITS } from "../jobs/checkpoint_deno_kv.ts";
import { FAST, pointArn, vaultSeed } from "./support/copy_vault_fixtures.ts";

const POINTS = 10_000;
/** Below the emulator's (AWS's) limit on copy jobs in progress: no LimitExceededException. */
const CONCURRENCY = 20;

Deno.test(`scale: ${POINTS} recovery points, one copy job each, resumed from Deno KV`, async () => {
  assert.ok(CONCURRENCY < DEFAULT_MAX_CONCURRENT_COPIES_PER_REGION);
  // Jobs end at once, so each point costs one StartCopyJob and one DescribeCopyJob.
  await using emulator = await startEmulator({ ...vaultSeed(POINTS), jobDurationMs: 2 });
  const config = {
    endpoint: emulator.url,
    kvPath: ":memory:",
    options: { ...FAST, runId: "scale", concurrency: CONCURRENCY },
    invocations: 2,
  };
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--unstable-kv",
      "--allow-net=127.0.0.1",
      "--allow-read",
      "--allow-env",
      fileURLToPath(new URL("./runtimes/deno_kv_copy.ts", import.meta.url)),
      "copy",
      JSON.stringify(config),
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  assert.ok(output.success, decoder.decode(output.stderr));
  const [run, resume] = decoder.decode(output.stdout).split("\n")
    .filter((line) => line.startsWith("report "))
    .map((line) => JSON.parse(line.slice("report ".length)));

  // The report: every point, in the vault's order (newest first), each copied once.
  assert.deepEqual(run.totals, {
    discovered: POINTS,
    selected: POINTS,
    skipped: 0,
    started: POINTS,
    completed: POINTS,
    partial: 0,
    failed: 0,
    unfinished: 0,
    planned: 0,
    alreadyCopied: 0,
    inFlight: 0,
  });
  assert.equal(run.ok, true);
  assert.equal(run.entries.length, POINTS);
  assert.equal(run.entries[0].recoveryPointArn, pointArn(POINTS - 1));
  assert.equal(run.entries[POINTS - 1].recoveryPointArn, pointArn(0));
  const entries: { outcome: string; attempts: number; copyJobId: string }[] = run.entries;
  assert.ok(entries.every((e) => e.outcome === "COMPLETED" && e.attempts === 1));
  const jobs = emulator.jobs();
  assert.equal(jobs.length, POINTS, "exactly one copy job per recovery point");
  assert.equal(new Set(jobs.map((j) => j.SourceRecoveryPointArn)).size, POINTS);
  assert.deepEqual(
    new Set(entries.map((e) => e.copyJobId)),
    new Set(jobs.map((j) => j.CopyJobId)),
  );
  const refused = emulator.requests.filter((r) => r.errorType !== undefined);
  assert.equal(refused.length, 0, `refused: ${refused.map((r) => r.errorType)}`);
  // KV: three writes per point (before StartCopyJob, once started, once ended) and one of the
  // run's target, the empty run listed once, no read per point.
  assert.deepEqual(run.kvCalls, { get: 0, set: 3 * POINTS + 1, list: 1 });

  // The next invocation: the finished run read back 500 records per round trip, nothing more.
  assert.equal(resume.totals.completed, POINTS);
  assert.equal(resume.totals.started, 0);
  assert.ok(resume.entries.every((e: { origin: string }) => e.origin === "resumed"));
  assert.deepEqual(resume.kvCalls, {
    get: 0,
    set: 0,
    list: Math.floor(POINTS / DENO_KV_LIMITS.listBatchSize) + 1,
  });
  assert.equal(emulator.jobs().length, POINTS);
});
