/**
 * Cloudflare Workers: the bundled module runs in workerd (through Miniflare) without
 * `nodejs_compat`, signs for real against the local emulator, and a Worker that imports one
 * operation bundles only that operation.
 */

import assert from "node:assert/strict";
import { Miniflare } from "miniflare";
import {
  DEFAULT_VAULT_NAME,
  DEMO_CREDENTIALS,
  DEMO_IAM_ROLE_ARN,
  DEMO_REGION,
  DR_VAULT_WEST_ARN,
  type Emulator,
  RECOVERY_POINT_OK_ARN,
  startEmulator,
} from "../emulator/mod.ts";
import { bundle } from "../testing/bundle.ts";
import type { SmokeResult } from "./runtimes/smoke.ts";

/** A date before nodejs_compat became implicit for anything; no compatibility flags at all. */
const COMPATIBILITY_DATE = "2025-01-01";

const entry = (name: string) => new URL(`./runtimes/${name}.ts`, import.meta.url);
/** The Worker entries `deno task size` and `deno task bench` measure too. */
const sharedWorker = (name: string) => new URL(`../testing/workers/${name}.ts`, import.meta.url);

/** Fails if a bundle would need Node or Deno APIs (workerd has neither without flags). */
function assertRuntimeNeutral(name: string, code: string): void {
  assert.doesNotMatch(code, /\bfrom\s*["']node:|\brequire\(|\bimport\(\s*["']node:/, name);
  assert.doesNotMatch(code, /\bDeno\.|\bprocess\.env\b|\bBuffer\.from\b/, name);
}

Deno.test("workerd runs the bundled smoke run, the one-operation Worker and the aws4fetch reference", async () => {
  const [smokePath, startPath, referencePath] = await Promise.all([
    bundle(entry("worker")),
    bundle(sharedWorker("start_copy_job_worker")),
    bundle(sharedWorker("aws4fetch_worker")),
  ]);
  for (const path of [smokePath, startPath, referencePath]) {
    assertRuntimeNeutral(path, await Deno.readTextFile(path));
  }

  await using emulator = await startEmulator();
  const bindings = {
    AWS_REGION: DEMO_REGION,
    AWS_ACCESS_KEY_ID: DEMO_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: DEMO_CREDENTIALS.secretAccessKey,
    BACKUP_ENDPOINT: emulator.url,
  };
  // Each Worker answers its own host name, so dispatchFetch can reach it.
  const worker = (name: string, scriptPath: string, withBindings = false) => ({
    name,
    routes: [`${name}.test/*`],
    modules: true,
    scriptPath,
    compatibilityDate: COMPATIBILITY_DATE,
    compatibilityFlags: [],
    ...(withBindings ? { bindings } : {}),
  });
  const mf = new Miniflare({
    workers: [
      worker("smoke", smokePath),
      worker("start", startPath, true),
      worker("reference", referencePath, true),
    ],
  });
  try {
    // 1. The shared smoke run: StartCopyJob, then DescribeCopyJob of the same job.
    const response = await mf.dispatchFetch(
      `http://smoke.test/?endpoint=${encodeURIComponent(emulator.url)}`,
    );
    const text = await response.text();
    assert.equal(response.status, 200, text);
    const result: SmokeResult = JSON.parse(text);
    assert.equal(result.userAgent, "Cloudflare-Workers", "ran inside workerd");
    assertSmokeResult(emulator, result);

    // 2. The Worker importing only startCopyJob, and 3. the hand-rolled aws4fetch one.
    const input = {
      RecoveryPointArn: RECOVERY_POINT_OK_ARN,
      SourceBackupVaultName: DEFAULT_VAULT_NAME,
      DestinationBackupVaultArn: DR_VAULT_WEST_ARN,
      IamRoleArn: DEMO_IAM_ROLE_ARN,
    };
    for (const name of ["start", "reference"]) {
      emulator.clearRequests();
      const answer = await mf.dispatchFetch(`http://${name}.test/`, {
        method: "POST",
        body: JSON.stringify(input),
      });
      const body = await answer.text();
      assert.equal(answer.status, 200, `${name}: ${body}`);
      const output = JSON.parse(body);
      const [logged] = emulator.requests;
      assert.equal(emulator.requests.length, 1, name);
      assert.equal(logged.operation, "StartCopyJob", name);
      assert.equal(logged.signatureValid, true, `${name}: ${logged.authError}`);
      assert.equal(logged.status, 200, name);
      const job = emulator.jobs().find((j) => j.CopyJobId === output.CopyJobId);
      assert.ok(job, `${name}: ${output.CopyJobId} is a job of the emulator`);
      assert.equal(new Date(output.CreationDate).getTime(), epochMs(job.CreationDate), name);
    }
  } finally {
    await mf.dispose();
  }
});

Deno.test("a Worker importing only startCopyJob bundles no other operation", async () => {
  const [startPath, allPath] = await Promise.all([
    bundle(sharedWorker("start_copy_job_worker")),
    bundle(sharedWorker("all_operations_worker")),
  ]);
  const start = await Deno.readTextFile(startPath);
  const all = await Deno.readTextFile(allPath);
  // Names of other operations, and the URI of one: present in the all-operations control bundle.
  const others = [
    "ListCopyJobs",
    "DescribeCopyJob",
    "DeleteBackupVault",
    "CreateBackupPlan",
    "ListRecoveryPointsByBackupVault",
    "/backup/plans",
  ];
  for (const marker of others) {
    assert.ok(all.includes(marker), `control: the all-operations bundle contains ${marker}`);
    assert.ok(!start.includes(marker), `the startCopyJob-only bundle contains ${marker}`);
  }
  assert.ok(start.includes("StartCopyJob"));
  assert.ok(start.includes("/copy-jobs"));
  // Each schema carries the walks of its kind: StartCopyJob's shapes have no list, so the list
  // walks stay out (the control has them). Every error of the service is in (any operation may
  // answer one its model does not list, and it keeps its class), also one StartCopyJob's model
  // does not list.
  const marker = "must be a plain array, not";
  assert.ok(all.includes(marker), `control: the all-operations bundle contains ${marker}`);
  assert.ok(!start.includes(marker), `the startCopyJob-only bundle contains ${marker}`);
  assert.ok(start.includes("ConflictException"), "the service's errors are in");
  // The runtime every call needs (retries, credentials, typed errors, secret redaction, signing)
  // is most of the one-operation bundle; the other operations still make the control over 3
  // times as large.
  assert.ok(
    start.length * 3 < all.length,
    `startCopyJob-only ${start.length} B vs all operations ${all.length} B`,
  );
});

function assertSmokeResult(emulator: Emulator, result: SmokeResult): void {
  const jobs = emulator.jobs();
  assert.equal(jobs.length, 1);
  const [job] = jobs;
  assert.equal(result.CopyJobId, job.CopyJobId);
  assert.equal(result.isDate, true, "CreationDate parsed to a Date");
  assert.equal(Date.parse(result.CreationDateIso!), epochMs(job.CreationDate));
  assert.equal(result.IsParent, job.IsParent ?? false);
  assert.equal(result.httpStatusCode, 200);
  assert.equal(result.describedCopyJobId, job.CopyJobId);
  assert.equal(result.describedIsDate, true);
  assert.equal(result.describedRecoveryPointArn, job.SourceRecoveryPointArn);
  assert.ok(["CREATED", "RUNNING", "COMPLETED"].includes(result.describedState!));

  const start = emulator.requests.find((r) => r.operation === "StartCopyJob");
  const describe = emulator.requests.find((r) => r.operation === "DescribeCopyJob");
  assert.ok(start && describe, "the emulator saw StartCopyJob and DescribeCopyJob");
  assert.equal(start.signatureValid, true, start.authError);
  assert.equal(describe.signatureValid, true, describe.authError);
  assert.equal(start.requestId, result.requestId);
  assert.equal(JSON.parse(start.body).RecoveryPointArn, RECOVERY_POINT_OK_ARN);
}

/** The emulator's job timestamps are epoch seconds (as on the wire) or Dates; compare in ms. */
function epochMs(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === "number") return Math.round(value * 1000);
  throw new TypeError(`unexpected timestamp ${String(value)}`);
}
