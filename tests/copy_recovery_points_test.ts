/**
 * copyRecoveryPoints against the emulator over real HTTP: exactly once under the account's
 * concurrent-job limit, faults, aborts and reruns; filters, dry runs, composite and PARTIAL
 * copies, other Regions and accounts.
 */

import assert from "node:assert/strict";
import {
  CheckpointError,
  type CopyProgressEvent,
  copyRecoveryPoints,
  type CopyReport,
  deriveIdempotencyToken,
  MemoryCheckpointStore,
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
  SOURCE_VAULT,
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
    if (e.type === "completed" || e.type === "failed" || e.type === "skipped" || e.type === "planned") {
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
  const report = await copyRecoveryPoints(clientOf(emulator), {
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
      await deriveIdempotencyToken("big", entry.recoveryPointArn, DR_VAULT_WEST_ARN),
    );
    assert.ok(entry.durationMs! >= 0 && entry.attempts >= 1);
  }
  assertConsistentEvents(events, report);
  assert.ok(events.some((e) => e.type === "running" && e.bytesTransferred !== undefined));
});
