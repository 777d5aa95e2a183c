/**
 * copyRecoveryPoints against the emulator over real HTTP: exactly once under the account's
 * concurrent-job limit, faults, aborts and reruns; filters, dry runs, composite and PARTIAL
 * copies, other Regions and accounts.
 */

import assert from "node:assert/strict";
import {
  CheckpointError,
  copyIdempotencyToken,
  type CopyProgressEvent,
  copyRecoveryPoints,
  type CopyReport,
  CopyRunRefusedError,
  deriveIdempotencyToken,
  MemoryCheckpointStore,
  RUN_TARGET_RECORD,
  ValidationError,
} from "../mod.ts";
import { FileCheckpointStore } from "../jobs/checkpoint_file.ts";
import {
  CROSS_ACCOUNT_VAULT_ARN,
  DR_VAULT_WEST_ARN,
  type Emulator,
  startEmulator,
} from "../emulator/mod.ts";
import {
  clientOf,
  FAST,
  FIRST_CREATED_MS,
  pointArn,
  vaultSeed,
} from "./support/copy_vault_fixtures.ts";

/** Top-level copy jobs per source recovery point and destination. */
function jobCounts(emulator: Emulator): Map<string, number> {
  const counts = new Map<string, number>();
  for (const job of emulator.jobs()) {
    if (job.ParentJobId) continue;
    const key = `${job.SourceRecoveryPointArn} → ${job.DestinationBackupVaultArn}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

function assertExactlyOnce(emulator: Emulator, arns: string[], destination = DR_VAULT_WEST_ARN) {
  const counts = jobCounts(emulator);
  for (const arn of arns) {
    assert.equal(counts.get(`${arn} → ${destination}`), 1, `one job for ${arn}`);
  }
  assert.equal([...counts.values()].reduce((a, b) => a + b, 0), arns.length, "no other job");
}

/** Checks the event stream: counts only grow (but inFlight), each point ends exactly once. */
function assertConsistentEvents(events: CopyProgressEvent[], report: CopyReport): void {
  const monotone = [
    "discovered",
    "selected",
    "skipped",
    "started",
    "completed",
    "partial",
    "failed",
    "unfinished",
    "planned",
    "alreadyCopied",
  ] as const;
  for (let i = 1; i < events.length; i++) {
    for (const key of monotone) {
      assert.ok(events[i].totals[key] >= events[i - 1].totals[key], `${key} went down at ${i}`);
    }
    assert.ok(events[i].totals.inFlight >= 0);
  }
  const ends = new Map<string, number>();
  for (const e of events) {
    if (
      e.type === "completed" || e.type === "failed" || e.type === "skipped" || e.type === "planned"
    ) {
      ends.set(e.entry.recoveryPointArn, (ends.get(e.entry.recoveryPointArn) ?? 0) + 1);
    }
  }
  assert.equal(ends.size, report.entries.length);
  for (const [arn, n] of ends) assert.equal(n, 1, `${arn} ended ${n} times`);
  assert.equal(events.filter((e) => e.type === "discovered").length, report.totals.discovered);
  assert.deepEqual(events.at(-1)!.totals, report.totals);
  assert.equal(report.totals.inFlight, 0);
}

Deno.test("200 recovery points, concurrency 8, account limit 5: each copied exactly once", async () => {
  const seed = vaultSeed(200);
  await using emulator = await startEmulator({ ...seed, jobDurationMs: 60, maxConcurrentJobs: 5 });
  const events: CopyProgressEvent[] = [];
  // One attempt per call: the client would otherwise absorb LimitExceededException with its own
  // throttling backoff (1 s base) and this test would not see the run wait the limit out.
  const report = await copyRecoveryPoints(clientOf(emulator, { maxAttempts: 1 }), {
    ...FAST,
    concurrency: 8,
    runId: "big",
    onProgress: (e) => events.push(e),
  });
  assertExactlyOnce(emulator, seed.recoveryPoints.map((r) => r.arn));
  assert.equal(report.ok, true);
  assert.equal(report.entries.length, 200);
  assert.equal(report.totals.completed, 200);
  assert.equal(report.totals.started, 200);
  assert.ok(
    emulator.requests.some((r) => r.errorType === "LimitExceededException"),
    "the limit was hit",
  );
  assert.ok(events.some((e) => e.type === "retrying" && e.error.name === "LimitExceededException"));
  for (const entry of report.entries) {
    assert.equal(entry.outcome, "COMPLETED");
    assert.equal(entry.origin, "started");
    const job = emulator.jobs().find((j) => j.CopyJobId === entry.copyJobId)!;
    assert.equal(job.SourceRecoveryPointArn, entry.recoveryPointArn);
    assert.equal(entry.destinationRecoveryPointArn, job.DestinationRecoveryPointArn);
    assert.equal(entry.bytesTransferred, job.BackupSizeInBytes);
    assert.equal(
      JSON.parse(
        emulator.requests.find((r) =>
          r.operation === "StartCopyJob" && r.body.includes(entry.recoveryPointArn)
        )!.body,
      ).IdempotencyToken,
      await copyIdempotencyToken(entry.recoveryPointArn, DR_VAULT_WEST_ARN),
    );
    assert.ok(entry.durationMs! >= 0 && entry.attempts >= 1);
  }
  assertConsistentEvents(events, report);
  assert.ok(events.some((e) => e.type === "running" && e.bytesTransferred !== undefined));
});

Deno.test("aborted half way, then run again with the same runId and checkpoint: no second job", async () => {
  const seed = vaultSeed(40);
  await using emulator = await startEmulator({ ...seed, jobDurationMs: 80, maxConcurrentJobs: 5 });
  const checkpoint = new MemoryCheckpointStore();
  const controller = new AbortController();
  const reason = new Error("operator pressed Ctrl-C");
  const first = await copyRecoveryPoints(clientOf(emulator), {
    ...FAST,
    concurrency: 6,
    runId: "abort",
    checkpoint,
    signal: controller.signal,
    onProgress: (e) => {
      if (e.totals.completed >= 15) controller.abort(reason);
    },
  }).catch((e) => e);
  assert.equal(first, reason, "rejects with the signal's reason");
  const before = emulator.jobs().length;
  assert.ok(before >= 15 && before < 40, `${before} jobs before the rerun`);
  const records = await checkpoint.list("abort");
  assert.ok(records.some((r) => r.state === "STARTED" || r.state === "STARTING"), "jobs in flight");

  const events: CopyProgressEvent[] = [];
  const second = await copyRecoveryPoints(clientOf(emulator), {
    ...FAST,
    concurrency: 6,
    runId: "abort",
    checkpoint,
    onProgress: (e) => events.push(e),
  });
  assertExactlyOnce(emulator, seed.recoveryPoints.map((r) => r.arn));
  assert.equal(second.totals.completed, 40);
  assert.equal(second.ok, true);
  const origins = second.entries.map((e) => e.origin);
  const resumed = origins.filter((o) => o === "resumed").length;
  assert.ok(resumed > 0 && origins.includes("started"), origins.join());
  assert.ok(resumed <= before, "only jobs that exist are resumed");
  assert.equal(second.totals.started, origins.filter((o) => o === "started").length);
  assertConsistentEvents(events, second);
});

Deno.test("20 % injected faults (5xx, throttling, resets before and after commit): still exactly once", async () => {
  const seed = vaultSeed(60);
  await using emulator = await startEmulator({
    ...seed,
    jobDurationMs: 60,
    maxConcurrentJobs: 5,
    randomFaults: {
      rate: 0.2,
      seed: 9,
      faults: [
        { status: 503, errorType: "ServiceUnavailableException" },
        { status: 400, errorType: "ThrottlingException" },
        { reset: true },
        { reset: true, afterCommit: true },
      ],
    },
  });
  // Listing the vault relies on the client's own retries alone: enough of them for 20 %.
  const client = clientOf(emulator, { maxAttempts: 6 });
  const events: CopyProgressEvent[] = [];
  const report = await copyRecoveryPoints(client, {
    ...FAST,
    concurrency: 8,
    runId: "faults",
    onProgress: (e) => {
      events.push(e);
      // Besides the random ones: the existing-copies check passes, then the first StartCopyJob
      // takes effect and loses its answer.
      if (e.type === "discovered" && e.totals.discovered === 60) {
        emulator.injectFaults({ delayMs: 0 }, { reset: true, afterCommit: true });
      }
    },
  });
  assertExactlyOnce(emulator, seed.recoveryPoints.map((r) => r.arn));
  assert.equal(report.totals.completed, 60, JSON.stringify(report.entries.filter((e) => e.error)));
  const faulted = emulator.requests.filter((r) => r.fault);
  assert.ok(faulted.length > 30, `${faulted.length} faults`);
  assert.ok(
    faulted.some((r) =>
      r.operation === "StartCopyJob" && "reset" in r.fault! && r.fault.afterCommit
    ),
    "a StartCopyJob committed and lost its answer",
  );
  assertConsistentEvents(events, report);
});

Deno.test("filters: dates, resource types, resource ARNs, predicate and status; skips say why", async () => {
  const statuses = { 3: "EXPIRED", 5: "PARTIAL", 6: "DELETING" } as const;
  const seed = vaultSeed(24, (f, i) => {
    if (i in statuses) f.status = statuses[i as keyof typeof statuses];
  });
  await using emulator = await startEmulator({ ...seed, jobDurationMs: 30 });
  const hours = (n: number) => new Date(FIRST_CREATED_MS + n * 3600_000);
  // Points 2..19 by date; EBS and RDS are i % 4 in {0, 2}; the predicate drops 10.
  const report = await copyRecoveryPoints(clientOf(emulator), {
    ...FAST,
    createdAfter: hours(1),
    createdBefore: hours(20),
    resourceTypes: ["EBS", "RDS"],
    filter: (rp) => rp.RecoveryPointArn !== pointArn(10),
  });
  const listing = emulator.requests.filter((r) =>
    r.operation === "ListRecoveryPointsByBackupVault"
  );
  assert.equal(
    Date.parse(listing[0].query.createdAfter?.[0] ?? ""),
    hours(1).getTime(),
    "dates filtered by AWS",
  );
  assert.equal(listing[0].query.resourceType, undefined, "two types: filtered here");
  const outcome = Object.fromEntries(
    report.entries.map((e) => [e.recoveryPointArn, e.skipReason?.code ?? e.outcome]),
  );
  const expected: Record<string, string> = {};
  for (let i = 2; i < 20; i++) {
    expected[pointArn(i)] = i in statuses
      ? "STATUS"
      : i % 4 === 1 || i % 4 === 3
      ? "RESOURCE_TYPE"
      : i === 10
      ? "FILTER"
      : "COMPLETED";
  }
  assert.deepEqual(outcome, expected);
  assert.equal(report.totals.discovered, 18);
  assert.match(
    report.entries.find((e) => e.recoveryPointArn === pointArn(5))!.skipReason!.message,
    /status PARTIAL/,
  );
  assertExactlyOnce(
    emulator,
    Object.entries(expected).filter(([, v]) => v === "COMPLETED").map(([k]) => k),
  );

  // One resource type and one resource ARN go to AWS as ByResourceType / ByResourceArn.
  emulator.clearRequests();
  const one = await copyRecoveryPoints(clientOf(emulator), {
    ...FAST,
    resourceTypes: ["EFS"],
    resourceArns: [seed.recoveryPoints[7].resourceArn],
    dryRun: true,
  });
  const [query] = emulator.requests.filter((r) =>
    r.operation === "ListRecoveryPointsByBackupVault"
  );
  assert.deepEqual(query.query.resourceType, ["EFS"]);
  assert.deepEqual(query.query.resourceArn, [seed.recoveryPoints[7].resourceArn]);
  assert.deepEqual(one.entries.map((e) => e.recoveryPointArn), [pointArn(7)]);
});

Deno.test("dry run: lists what would be copied and why the rest is skipped, starts nothing", async () => {
  const seed = vaultSeed(8, (f, i) => {
    if (i === 1) f.status = "EXPIRED";
  });
  await using emulator = await startEmulator({ ...seed, jobDurationMs: 30 });
  const client = clientOf(emulator);
  // Point 0 was copied to the destination before, outside any run.
  await copyRecoveryPoints(client, { ...FAST, resourceArns: [seed.recoveryPoints[0].resourceArn] });
  emulator.clearRequests();
  const events: CopyProgressEvent[] = [];
  const report = await copyRecoveryPoints(client, {
    ...FAST,
    dryRun: true,
    onProgress: (e) => events.push(e),
  });
  assert.equal(emulator.requests.filter((r) => r.operation === "StartCopyJob").length, 0);
  assert.equal(emulator.jobs().length, 1);
  const byArn = new Map(report.entries.map((e) => [e.recoveryPointArn, e]));
  assert.equal(byArn.get(pointArn(0))!.outcome, "COMPLETED");
  assert.equal(byArn.get(pointArn(0))!.origin, "existing");
  assert.equal(byArn.get(pointArn(1))!.skipReason?.code, "STATUS");
  assert.equal(report.totals.planned, 6);
  assert.equal(report.dryRun, true);
  assert.equal(report.ok, true);
  assertConsistentEvents(events, report);

  // A dry run of a run that already copied some points reads them from its checkpoint.
  const checkpoint = new MemoryCheckpointStore();
  await copyRecoveryPoints(client, {
    ...FAST,
    runId: "part",
    checkpoint,
    resourceArns: [seed.recoveryPoints[2].resourceArn],
  });
  await checkpoint.put("part", {
    ...(await checkpoint.get("part", pointArn(2)))!,
    state: "FAILED",
  });
  const again = await copyRecoveryPoints(client, {
    ...FAST,
    runId: "part",
    checkpoint,
    dryRun: true,
  });
  const resumed = again.entries.find((e) => e.recoveryPointArn === pointArn(2))!;
  assert.deepEqual([resumed.outcome, resumed.origin], ["FAILED", "resumed"]);
  assert.equal(again.totals.planned, 5);
  assert.deepEqual(
    (await checkpoint.list("part")).map((r) => r.recoveryPointArn),
    [RUN_TARGET_RECORD, pointArn(2)],
    "a dry run writes nothing: the run's target and its one point",
  );
});

Deno.test("existing copies found by ListCopyJobs are reported (or waited for), not started again", async () => {
  const seed = vaultSeed(6);
  await using emulator = await startEmulator({ ...seed, jobDurationMs: 150 });
  const client = clientOf(emulator);
  await copyRecoveryPoints(client, { ...FAST, resourceArns: [seed.recoveryPoints[0].resourceArn] });
  // Point 1's copy is still running when the run starts (another run, another runId).
  const running = copyRecoveryPoints(client, {
    ...FAST,
    resourceArns: [seed.recoveryPoints[1].resourceArn],
  });
  for (let i = 0; i < 2000 && emulator.jobs().length < 2; i++) {
    await new Promise((r) => setTimeout(r, 5));
  }
  const report = await copyRecoveryPoints(client, { ...FAST, runId: "later" });
  await running;
  assertExactlyOnce(emulator, seed.recoveryPoints.map((r) => r.arn));
  const origin = report.entries.map((e) => e.origin);
  assert.deepEqual(origin.filter((o) => o === "existing").length, 2);
  assert.equal(report.totals.alreadyCopied, 2);
  assert.equal(report.totals.started, 4);
  assert.ok(report.entries.every((e) => e.outcome === "COMPLETED"));
});

Deno.test("composite recovery points are one job with children; PARTIAL and FAILED are reported so", async () => {
  const parent = pointArn(0);
  const seed = vaultSeed(6, (f, i) => {
    if (i >= 1 && i <= 3) f.parentRecoveryPointArn = parent;
    if (i === 2) {
      f.outcome = "FAILED";
      f.statusMessage = "child could not be copied";
    }
    if (i === 4) {
      f.outcome = "PARTIAL";
      f.statusMessage = "3 of 120 objects were not copied";
    }
    if (i === 5) {
      f.outcome = "FAILED";
      f.statusMessage = "Access denied";
    }
  });
  await using emulator = await startEmulator({ ...seed, jobDurationMs: 60 });
  const events: CopyProgressEvent[] = [];
  const report = await copyRecoveryPoints(clientOf(emulator), {
    ...FAST,
    onProgress: (e) => events.push(e),
  });
  const byArn = new Map(report.entries.map((e) => [e.recoveryPointArn, e]));
  const composite = byArn.get(parent)!;
  assert.equal(composite.isParent, true);
  assert.equal(composite.outcome, "PARTIAL");
  assert.equal(composite.childJobs?.length, 3);
  assert.deepEqual(
    composite.childJobs!.map((c) => [c.recoveryPointArn, c.state]).sort(),
    [[pointArn(1), "COMPLETED"], [pointArn(2), "FAILED"], [pointArn(3), "COMPLETED"]],
  );
  assert.equal(
    composite.childJobs!.find((c) => c.state === "FAILED")!.statusMessage,
    "child could not be copied",
  );
  for (const i of [1, 2, 3]) {
    assert.equal(byArn.get(pointArn(i))!.skipReason?.code, "COMPOSITE_MEMBER");
  }
  assert.equal(byArn.get(pointArn(4))!.outcome, "PARTIAL");
  assert.equal(byArn.get(pointArn(4))!.statusMessage, "3 of 120 objects were not copied");
  assert.equal(byArn.get(pointArn(5))!.outcome, "FAILED");
  assert.equal(byArn.get(pointArn(5))!.statusMessage, "Access denied");
  assert.deepEqual([report.totals.partial, report.totals.failed, report.totals.completed], [
    2,
    1,
    0,
  ]);
  assert.equal(report.ok, false);
  assert.ok(
    events.some((e) => e.type === "running" && e.childJobsInState !== undefined),
    "child job states while running",
  );
  // One parent job (plus its three children) for the composite point.
  const jobs = emulator.jobs();
  assert.equal(jobs.filter((j) => j.SourceRecoveryPointArn === parent).length, 1);
  assert.equal(jobs.filter((j) => j.ParentJobId).length, 3);
  assertConsistentEvents(events, report);
});

Deno.test("cross-Region and cross-account destinations: one job per destination, distinct tokens", async () => {
  const seed = vaultSeed(5);
  await using emulator = await startEmulator({ ...seed, jobDurationMs: 30 });
  const client = clientOf(emulator);
  const checkpoint = new MemoryCheckpointStore();
  for (const destination of [DR_VAULT_WEST_ARN, CROSS_ACCOUNT_VAULT_ARN]) {
    const report = await copyRecoveryPoints(client, {
      ...FAST,
      destinationBackupVaultArn: destination,
      runId: "both",
      checkpoint: destination === DR_VAULT_WEST_ARN ? checkpoint : new MemoryCheckpointStore(),
    });
    assert.equal(report.totals.completed, 5, destination);
    assert.ok(report.entries.every((e) =>
      e.destinationRecoveryPointArn?.startsWith(
        destination.replace(/backup-vault:.*/, "recovery-point:"),
      )
    ));
  }
  const jobs = emulator.jobs();
  assert.equal(jobs.length, 10);
  for (const destination of [DR_VAULT_WEST_ARN, CROSS_ACCOUNT_VAULT_ARN]) {
    assert.equal(jobs.filter((j) => j.DestinationBackupVaultArn === destination).length, 5);
  }
  const tokens = new Set(
    emulator.requests.filter((r) => r.operation === "StartCopyJob").map((r) =>
      JSON.parse(r.body).IdempotencyToken
    ),
  );
  assert.equal(tokens.size, 10);
});

Deno.test("maxWaitMs leaves copies UNFINISHED; a rerun waits for them instead of starting again", async () => {
  const seed = vaultSeed(4);
  await using emulator = await startEmulator({ ...seed, jobDurationMs: 400 });
  const checkpoint = new MemoryCheckpointStore();
  const options = { ...FAST, runId: "slow", checkpoint };
  const first = await copyRecoveryPoints(clientOf(emulator), { ...options, maxWaitMs: 50 });
  assert.equal(first.totals.unfinished, 4);
  assert.equal(first.ok, false);
  assert.equal(first.entries[0].error?.name, "MaxWaitExceeded");
  const second = await copyRecoveryPoints(clientOf(emulator), options);
  assert.equal(second.totals.completed, 4);
  // Jobs the first run started are waited for; any it had no time to start are started now.
  const startedFirst = new Set(first.entries.filter((e) => e.copyJobId).map((e) => e.copyJobId));
  for (const entry of second.entries) {
    assert.equal(entry.origin, startedFirst.has(entry.copyJobId) ? "resumed" : "started");
  }
  assertExactlyOnce(emulator, seed.recoveryPoints.map((r) => r.arn));
  // A third run reads the ended copies from the checkpoint and calls nothing per point.
  emulator.clearRequests();
  const third = await copyRecoveryPoints(clientOf(emulator), options);
  assert.equal(third.totals.completed, 4);
  assert.deepEqual(
    [...new Set(emulator.requests.map((r) => r.operation))].sort(),
    ["ListCopyJobs", "ListRecoveryPointsByBackupVault"],
  );
});

Deno.test("typed failures: bad options name the option; the same refusal of the first starts stops the run", async () => {
  const seed = vaultSeed(3);
  await using emulator = await startEmulator({ ...seed, jobDurationMs: 30 });
  const client = clientOf(emulator);
  const bad = await copyRecoveryPoints(client, {
    ...FAST,
    sourceBackupVaultName: "no spaces allowed",
    concurrency: 0,
    createdAfter: new Date("nope"),
    lifecycle: { DeleteAfterDays: 1.5 },
    // Doubling from 0 stays 0: polls and retries would run back to back.
    pollIntervalMs: 0,
    retryDelayMs: 0,
  }).catch((e) => e);
  assert.ok(bad instanceof ValidationError);
  assert.deepEqual(bad.issues.map((i: { path: string }) => i.path).sort(), [
    "concurrency",
    "createdAfter",
    "lifecycle.DeleteAfterDays",
    "pollIntervalMs",
    "retryDelayMs",
    "sourceBackupVaultName",
  ]);
  assert.equal(emulator.requests.length, 0);

  const missing = await copyRecoveryPoints(client, { ...FAST, sourceBackupVaultName: "absent" })
    .catch((e) => e);
  assert.equal(missing.name, "ResourceNotFoundException");

  // A destination that does not exist: the first three starts are refused alike, and the run
  // stops with that one error instead of failing every point.
  const nowhere = "arn:aws:backup:us-west-2:111122223333:backup-vault:nowhere";
  const refused = await copyRecoveryPoints(client, {
    ...FAST,
    concurrency: 1,
    destinationBackupVaultArn: nowhere,
  }).catch((e) => e);
  assert.ok(refused instanceof CopyRunRefusedError, String(refused));
  assert.equal(refused.reason.name, "ResourceNotFoundException");
  assert.match(refused.message, /first 3 copies.*backup-vault:nowhere/);
  assert.equal((refused.cause as Error).name, "ResourceNotFoundException");
  assert.deepEqual([...refused.recoveryPointArns].sort(), [0, 1, 2].map(pointArn).sort());

  const failing = {
    get: () => Promise.resolve(undefined),
    list: () => Promise.resolve([]),
    put: () => Promise.reject(new CheckpointError("disk full")),
  };
  const stopped = await copyRecoveryPoints(client, { ...FAST, checkpoint: failing }).catch((e) =>
    e
  );
  assert.ok(stopped instanceof CheckpointError);
  assert.equal(emulator.jobs().length, 0, "nothing started without a checkpoint");
});

Deno.test("FileCheckpointStore: survives a new instance, writes whole files, refuses a foreign file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/checkpoint.json`;
    const store = new FileCheckpointStore(path);
    assert.deepEqual(await store.list("r"), []);
    await Promise.all(
      [1, 2, 3].map((i) =>
        store.put("r", {
          recoveryPointArn: `a${i}`,
          idempotencyToken: `t${i}`,
          state: "STARTING",
          attempts: 1,
        })
      ),
    );
    await store.put("r", {
      recoveryPointArn: "a2",
      idempotencyToken: "t2",
      state: "STARTED",
      attempts: 1,
      copyJobId: "J",
    });
    const again = new FileCheckpointStore(path);
    assert.equal((await again.list("r")).length, 3);
    assert.equal((await again.get("r", "a2"))?.copyJobId, "J");
    assert.equal(await again.get("other", "a2"), undefined);
    await Deno.writeTextFile(`${dir}/bad.json`, '{"something": "else"}');
    await assert.rejects(new FileCheckpointStore(`${dir}/bad.json`).list("r"), CheckpointError);
    await assert.rejects(
      new FileCheckpointStore(`${dir}/missing/dir/c.json`).put("r", {
        recoveryPointArn: "a",
        idempotencyToken: "t",
        state: "STARTING",
        attempts: 1,
      }),
      CheckpointError,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const RP = "arn:aws:ec2:us-east-1::snapshot/snap-0123";
const RP2 = "arn:aws:ec2:us-east-1::snapshot/snap-4567";
const VAULT = "arn:aws:backup:us-west-2:111122223333:backup-vault:dr";
const VAULT2 = "arn:aws:backup:us-west-2:111122223333:backup-vault:dr2";

Deno.test("copyIdempotencyToken: deterministic, a UUID v8, one per copy, retry and key", async () => {
  const t = await copyIdempotencyToken(RP, VAULT);
  assert.equal(t, await copyIdempotencyToken(RP, VAULT));
  assert.equal(t, await copyIdempotencyToken(RP, VAULT, {}));
  assert.match(t, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const others = await Promise.all([
    copyIdempotencyToken(RP2, VAULT),
    copyIdempotencyToken(RP, VAULT2),
    copyIdempotencyToken(RP, VAULT, { retryOf: "JOB" }),
    copyIdempotencyToken(RP, VAULT, { copyKey: "JOB" }),
    copyIdempotencyToken(RP, VAULT, { retryOf: "JOB", copyKey: "JOB" }),
    deriveIdempotencyToken("run", RP, VAULT),
  ]);
  assert.equal(new Set([t, ...others]).size, 7);
  const digest = new Uint8Array(
    await crypto.subtle.digest(
      "SHA-256",
      new TextEncoder().encode(JSON.stringify(["backup-edge/copy/v2", RP, VAULT])),
    ),
  );
  assert.equal(
    t.replace(/-/g, "").slice(0, 12),
    [...digest.slice(0, 6)].map((b) => b.toString(16).padStart(2, "0")).join(""),
  );
});

Deno.test("deriveIdempotencyToken (v1, deprecated): deterministic, a UUID v8, different for each input", async () => {
  const t = await deriveIdempotencyToken("run", RP, VAULT);
  assert.equal(t, await deriveIdempotencyToken("run", RP, VAULT));
  assert.match(t, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const others = await Promise.all([
    deriveIdempotencyToken("run2", RP, VAULT),
    deriveIdempotencyToken("run", RP2, VAULT),
    deriveIdempotencyToken("run", RP, VAULT2),
    deriveIdempotencyToken("run", `${RP}"`, VAULT),
  ]);
  assert.equal(new Set([t, ...others]).size, 5);
  // SHA-256 of the JSON text, its first 16 bytes with version and variant set.
  const digest = new Uint8Array(
    await crypto.subtle.digest(
      "SHA-256",
      new TextEncoder().encode(JSON.stringify(["backup-edge/copy/v1", "run", RP, VAULT])),
    ),
  );
  assert.equal(
    t.replace(/-/g, "").slice(0, 12),
    [...digest.slice(0, 6)].map((b) => b.toString(16).padStart(2, "0")).join(""),
  );
});

Deno.test("a repeated token answered without a CopyJobId: the job is found with ListCopyJobs", async () => {
  const seed = vaultSeed(1);
  await using emulator = await startEmulator({
    ...seed,
    jobDurationMs: 30,
    terseIdempotentReplies: true,
  });
  const report = await copyRecoveryPoints(clientOf(emulator), {
    ...FAST,
    onProgress: (e) => {
      // ListCopyJobs (the existing-copies check) passes; StartCopyJob takes effect, its answer
      // is lost, and the client's retry with the same token gets the terse answer.
      if (e.type === "discovered") {
        emulator.injectFaults({ delayMs: 0 }, { reset: true, afterCommit: true });
      }
    },
  });
  const starts = emulator.requests.filter((r) => r.operation === "StartCopyJob");
  assert.equal(starts.length, 2);
  assert.equal(starts[1].status, 200);
  assert.equal(emulator.jobs().length, 1);
  assert.equal(report.entries[0].outcome, "COMPLETED");
  assert.equal(report.entries[0].copyJobId, emulator.jobs()[0].CopyJobId);
  assert.equal(report.entries[0].origin, "started");
});

Deno.test("DescribeCopyJob failing: passing failures leave the copy UNFINISHED, an unknown job FAILED", async () => {
  const seed = vaultSeed(2);
  await using emulator = await startEmulator({ ...seed, jobDurationMs: 30 });
  const client = clientOf(emulator, { maxAttempts: 3 });
  const checkpoint = new MemoryCheckpointStore();
  const options = {
    ...FAST,
    runId: "describe",
    checkpoint,
    concurrency: 1,
    maxStartAttempts: 2,
    resourceArns: [seed.recoveryPoints[0].resourceArn],
  };
  const unavailable = { status: 503, errorType: "ServiceUnavailableException" };
  const first = await copyRecoveryPoints(client, {
    ...options,
    // Two DescribeCopyJob calls of three attempts each, all answered 503.
    onProgress: (e) => {
      if (e.type === "started") emulator.injectFaults(...Array(6).fill(unavailable));
    },
  });
  assert.equal(first.entries[0].outcome, "UNFINISHED");
  assert.equal(first.entries[0].error?.name, "ServiceUnavailableException");
  const second = await copyRecoveryPoints(client, options);
  assert.deepEqual([second.entries[0].outcome, second.entries[0].origin], ["COMPLETED", "resumed"]);
  assert.equal(emulator.jobs().length, 1);

  await checkpoint.put("gone", {
    recoveryPointArn: pointArn(1),
    idempotencyToken: "t",
    state: "STARTED",
    copyJobId: "NO-SUCH-JOB",
    attempts: 1,
  });
  const gone = await copyRecoveryPoints(client, {
    ...options,
    runId: "gone",
    resourceArns: [seed.recoveryPoints[1].resourceArn],
  });
  assert.equal(gone.entries[0].outcome, "FAILED");
  assert.equal(gone.entries[0].error?.name, "ResourceNotFoundException");
  assert.equal((await checkpoint.get("gone", pointArn(1)))?.state, "FAILED");
});

Deno.test("checkpoint I/O: one list per run, no read per point, STARTING written once however long the limit lasts", async () => {
  const seed = vaultSeed(6);
  await using emulator = await startEmulator({ ...seed, jobDurationMs: 40, maxConcurrentJobs: 1 });
  const calls = { get: 0, list: 0, starting: new Map<string, number>(), started: 0 };
  class CountingStore extends MemoryCheckpointStore {
    override get(runId: string, arn: string) {
      calls.get++;
      return super.get(runId, arn);
    }
    override list(runId: string) {
      calls.list++;
      return super.list(runId);
    }
    override put(runId: string, record: Parameters<MemoryCheckpointStore["put"]>[1]) {
      if (record.state === "STARTING") {
        calls.starting.set(
          record.recoveryPointArn,
          (calls.starting.get(record.recoveryPointArn) ?? 0) + 1,
        );
      }
      // The run's target is one record, written once: not a point's.
      if (record.state === "STARTED" && record.recoveryPointArn !== RUN_TARGET_RECORD) {
        calls.started++;
      }
      return super.put(runId, record);
    }
  }
  const checkpoint = new CountingStore();
  const options = { ...FAST, concurrency: 3, runId: "io", checkpoint };
  const report = await copyRecoveryPoints(clientOf(emulator, { maxAttempts: 1 }), options);
  assert.equal(report.totals.completed, 6);
  assert.ok(
    emulator.requests.some((r) => r.errorType === "LimitExceededException"),
    "the limit made starts wait",
  );
  assert.ok(report.entries.some((e) => e.attempts > 1), "some point needed several attempts");
  assert.deepEqual([...calls.starting.values()], Array(6).fill(1));
  assert.equal(calls.list, 1);
  assert.equal(calls.get, 0);
  assert.equal(calls.started, 6);
  // A rerun finds every point final: no STARTED rewritten, nothing started.
  calls.started = 0;
  const again = await copyRecoveryPoints(clientOf(emulator), options);
  assert.equal(again.totals.started, 0);
  assert.equal(calls.started, 0);
});
