/**
 * copyRecoveryPoints in workerd (Miniflare, no `nodejs_compat`) with its checkpoint in Workers
 * KV: a first invocation runs out of time with copies in flight, a second one resumes them from
 * KV instead of starting them again. And the StartCopyJob-only Worker does not grow with it.
 */

import assert from "node:assert/strict";
import { Miniflare } from "miniflare";
import {
  DEMO_CREDENTIALS,
  DEMO_IAM_ROLE_ARN,
  DEMO_REGION,
  DR_VAULT_WEST_ARN,
  startEmulator,
} from "../emulator/mod.ts";
import { bundle } from "../testing/bundle.ts";
import type { KvNamespaceLike } from "../mod.ts";
import { SOURCE_VAULT, vaultSeed } from "./support/copy_vault_fixtures.ts";

Deno.test("workerd: a KV checkpoint resumes a copy run across two invocations, exactly once", async () => {
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

  const seed = vaultSeed(12);
  await using emulator = await startEmulator({ ...seed, jobDurationMs: 500, maxConcurrentJobs: 5 });
  const mf = new Miniflare({
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
  try {
    const invoke = async (abortAfterStarted?: number) => {
      const response = await mf.dispatchFetch("http://copy.test/", {
        method: "POST",
        body: JSON.stringify({
          endpoint: emulator.url,
          sourceBackupVaultName: SOURCE_VAULT,
          destinationBackupVaultArn: DR_VAULT_WEST_ARN,
          iamRoleArn: DEMO_IAM_ROLE_ARN,
          runId: "cron",
          concurrency: 8,
          abortAfterStarted,
        }),
      });
      const text = await response.text();
      assert.equal(response.status, 200, text);
      return JSON.parse(text);
    };
    // The first invocation ends (like a Worker reaching its time limit) once 5 jobs started.
    const first = await invoke(5);
    assert.equal(first.userAgent, "Cloudflare-Workers", "ran inside workerd");
    assert.deepEqual([first.aborted, first.started], [true, 5]);
    // Miniflare's KVNamespace typings do not resolve under Deno; it is a KVNamespace.
    const kv = await mf.getKVNamespace("COPY_STATE") as unknown as KvNamespaceLike;
    const keys = (await kv.list({ prefix: "backup-edge/copy/cron/" })).keys;
    assert.ok(keys.length >= 5 && keys.length <= 12, `${keys.length} KV records`);
    const startedBefore = emulator.jobs().length;
    assert.ok(startedBefore >= 5, `${startedBefore} jobs`);

    const second = await invoke();
    assert.equal(second.totals.completed, 12, JSON.stringify(second.totals));
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
  } finally {
    await mf.dispose();
  }
});
