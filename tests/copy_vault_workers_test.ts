/**
 * copyRecoveryPoints in workerd (Miniflare, no `nodejs_compat`) with its checkpoint in Workers
 * KV: a first invocation runs out of time with copies in flight, a second one resumes them from
 * KV instead of starting them again; a run of 2,000 recovery points goes through invocations
 * that each stay within Workers KV's 1000 operations, reading the run back from key metadata.
 * And the StartCopyJob-only Worker does not grow with it.
 */

import assert from "node:assert/strict";
import { Miniflare } from "miniflare";
import {
  DEMO_CREDENTIALS,
  DEMO_IAM_ROLE_ARN,
  DEMO_REGION,
  DR_VAULT_WEST_ARN,
  type Emulator,
  startEmulator,
} from "../emulator/mod.ts";
import { bundle } from "../testing/bundle.ts";
import { type KvNamespaceLike, WORKERS_KV_LIMITS } from "../mod.ts";
import { SOURCE_VAULT, vaultSeed } from "./support/copy_vault_fixtures.ts";

/** The copy Worker in Miniflare, with a `COPY_STATE` KV namespace. */
function copyWorker(scriptPath: string): Miniflare {
  return new Miniflare({
    modules: true,
    scriptPath,
    compatibilityDate: "2025-01-01",
    compatibilityFlags: [],
    kvNamespaces: ["COPY_STATE"],
    bindings: {
      AWS_REGION: DEMO_REGION,
      AWS_ACCESS_KEY_ID: DEMO_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: DEMO_CREDENTIALS.secretAccessKey,
    },
  });
}

/** One invocation of the copy Worker: copies the seeded vault with run id `cron`. */
async function invoke(
  mf: Miniflare,
  emulator: Emulator,
  options: { abortAfterStarted?: number; concurrency?: number } = {},
) {
  const response = await mf.dispatchFetch("http://copy.test/", {
    method: "POST",
    body: JSON.stringify({
      endpoint: emulator.url,
      sourceBackupVaultName: SOURCE_VAULT,
      destinationBackupVaultArn: DR_VAULT_WEST_ARN,
      iamRoleArn: DEMO_IAM_ROLE_ARN,
      runId: "cron",
      concurrency: 8,
      ...options,
    }),
  });
  const text = await response.text();
  assert.equal(response.status, 200, text);
  return JSON.parse(text);
}

Deno.test("workerd: a KV checkpoint resumes a copy run across invocations, exactly once", async () => {
  const [scriptPath, startOnlyPath] = await Promise.all([
    bundle(new URL("./runtimes/copy_vault_worker.ts", import.meta.url)),
    bundle(new URL("../testing/workers/start_copy_job_worker.ts", import.meta.url)),
  ]);
  const [script, startOnly] = await Promise.all(
    [scriptPath, startOnlyPath].map((p) => Deno.readTextFile(p)),
  );
  assert.doesNotMatch(script, /\bfrom\s*["']node:|\bDeno\./, "runtime-neutral bundle");
  // The derivation label is in the copy run's code, never in the one-operation Worker.
  assert.ok(
    script.includes("backup-edge/copy/v2"),
    "control: the copy Worker has copyRecoveryPoints",
  );
  assert.ok(!startOnly.includes("backup-edge/copy/v2"), "the startCopyJob-only Worker has it");

  // The newest point's copy fails with a status message too long for KV metadata (1024 bytes).
  const longMessage = "The copy failed: " + "x".repeat(2000);
  const seed = vaultSeed(12, (fixture, i) => {
    if (i === 11) Object.assign(fixture, { outcome: "FAILED", statusMessage: longMessage });
  });
  await using emulator = await startEmulator({ ...seed, jobDurationMs: 500, maxConcurrentJobs: 5 });
  const mf = copyWorker(scriptPath);
  try {
    // The first invocation ends (like a Worker reaching its time limit) once 5 jobs started.
    const first = await invoke(mf, emulator, { abortAfterStarted: 5 });
    assert.equal(first.userAgent, "Cloudflare-Workers", "ran inside workerd");
    assert.deepEqual([first.aborted, first.started], [true, 5]);
    // Miniflare's KVNamespace typings do not resolve under Deno; it is a KVNamespace.
    const kv = await mf.getKVNamespace("COPY_STATE") as unknown as KvNamespaceLike;
    const keys = (await kv.list({ prefix: "backup-edge/copy/cron/" })).keys;
    assert.ok(keys.length >= 5 && keys.length <= 12, `${keys.length} KV records`);
    const startedBefore = emulator.jobs().length;
    assert.ok(startedBefore >= 5, `${startedBefore} jobs`);

    const second = await invoke(mf, emulator);
    assert.deepEqual([second.totals.completed, second.totals.failed], [11, 1]);
    // The 5 jobs whose "started" event fired were in KV before it: they are resumed.
    const origins = second.entries.map((e: { origin: string }) => e.origin);
    assert.ok(origins.filter((o: string) => o === "resumed").length >= 5, origins.join());
    assert.equal(second.totals.started, origins.filter((o: string) => o === "started").length);
    const jobs = emulator.jobs();
    assert.equal(jobs.length, 12);
    assert.equal(new Set(jobs.map((j) => j.SourceRecoveryPointArn)).size, 12);
    assert.ok(emulator.requests.every((r) => r.signatureValid), "every request signed in workerd");
    const record = JSON.parse((await kv.get(keys[0].name))!);
    assert.equal(record.state, "COMPLETED");
    // The run was read back from one list page, the records being in the keys' metadata.
    assert.deepEqual([second.kvOperations.list, second.kvOperations.get], [1, 0]);
    assert.equal(second.kvOperations.bulkGet, 0);
    const listed = await kv.list({ prefix: "backup-edge/copy/cron/" });
    assert.deepEqual(listed.keys.find((k) => k.name === keys[0].name)?.metadata, record);

    // A third invocation: 11 records from the listing, the long one from a bulk read.
    const third = await invoke(mf, emulator);
    assert.deepEqual(third.kvOperations, { get: 0, bulkGet: 1, put: 0, list: 1, total: 2 });
    const failed = third.entries.find((e: { outcome: string }) => e.outcome === "FAILED");
    assert.equal(failed.statusMessage, longMessage);
    assert.equal(failed.origin, "resumed");
    assert.equal(emulator.jobs().length, 12);
  } finally {
    await mf.dispose();
  }
});

Deno.test("workerd: a run of 2,000 points resumes across invocations within 1000 KV operations each", async () => {
  const points = 2000;
  const scriptPath = await bundle(new URL("./runtimes/copy_vault_worker.ts", import.meta.url));
  await using emulator = await startEmulator({
    ...vaultSeed(points),
    jobDurationMs: 5,
    maxConcurrentJobs: 50,
  });
  const mf = copyWorker(scriptPath);
  try {
    // Each invocation stops after 250 starts, as a Worker's time would end it: with the records
    // it writes (before StartCopyJob, on start, on end) that is at most ~800 operations.
    const operations: number[] = [];
    let report;
    for (let invocation = 0; invocation < 20 && !report; invocation++) {
      const answer = await invoke(mf, emulator, { abortAfterStarted: 250, concurrency: 40 });
      operations.push(answer.kvOperations.total);
      assert.equal(answer.kvOperations.get, 0, "no read per recovery point");
      if (!answer.aborted) report = answer;
    }
    assert.ok(report, `no invocation finished: ${operations.join()} KV operations`);
    assert.ok(operations.length >= 8, `${operations.length} invocations`);
    const limit = WORKERS_KV_LIMITS.operationsPerInvocation;
    assert.ok(operations.every((n) => n <= limit), operations.join());
    assert.equal(report.totals.completed, points, JSON.stringify(report.totals));
    const jobs = emulator.jobs();
    assert.equal(jobs.length, points, "exactly one copy job per recovery point");
    assert.equal(new Set(jobs.map((j) => j.SourceRecoveryPointArn)).size, points);

    // Records written by backup-edge 0.1.0 have no metadata: 150 of them are read with bulk
    // gets of 100 — the other 1,850 come from the listing.
    const kv = await mf.getKVNamespace("COPY_STATE") as unknown as KvNamespaceLike;
    const { keys } = await kv.list({ prefix: "backup-edge/copy/cron/" });
    for (const { name } of keys.slice(0, 150)) await kv.put(name, (await kv.get(name))!);
    const resumed = await invoke(mf, emulator);
    assert.equal(resumed.totals.completed, points);
    assert.ok(resumed.entries.every((e: { origin: string }) => e.origin === "resumed"));
    // ⌈2000 / 1000⌉ list pages (and an empty last one at most), 2 bulk reads, nothing written.
    assert.ok(resumed.kvOperations.list <= 3, JSON.stringify(resumed.kvOperations));
    assert.deepEqual(
      [resumed.kvOperations.bulkGet, resumed.kvOperations.get, resumed.kvOperations.put],
      [2, 0, 0],
    );
    assert.equal(emulator.jobs().length, points);
    console.log(
      `2,000 points: ${operations.length} invocations, KV operations each ${
        operations.join(", ")
      }; ` +
        `resume of the finished run ${resumed.kvOperations.total}`,
    );
  } finally {
    await mf.dispose();
  }
});
