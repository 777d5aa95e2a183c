/**
 * copyRecoveryPoints against a checkpoint store that never answers: `maxWaitMs` bounds its calls
 * as it bounds AWS's (the run ends, its points UNFINISHED with `MaxWaitExceeded`), the caller's
 * signal stops the wait at once, and a rerun with the store answering again copies each point
 * exactly once whether the unanswered writes were made or not.
 */

import assert from "node:assert/strict";
import {
  type CheckpointRecord,
  type CheckpointState,
  type CheckpointStore,
  copyRecoveryPoints,
  type CopyReport,
  MaxWaitExceededError,
  MemoryCheckpointStore,
  RUN_TARGET_RECORD,
} from "../mod.ts";
import { type Emulator, startEmulator } from "../emulator/mod.ts";
import { clientOf, FAST, pointArn, vaultSeed } from "./support/copy_vault_fixtures.ts";

const MAX_WAIT_MS = 400;

/**
 * A store over `inner` whose `put` of a record in state `stuck` never answers — having written
 * the record first when `writes` (a store that wrote and lost its answer), else not.
 */
function stuckPuts(
  inner: MemoryCheckpointStore,
  stuck: CheckpointState,
  writes: boolean,
): CheckpointStore & { unanswered: CheckpointRecord[] } {
  const unanswered: CheckpointRecord[] = [];
  return {
    unanswered,
    get: (runId, arn) => inner.get(runId, arn),
    list: (runId) => inner.list(runId),
    async put(runId, record) {
      // The run's target (written once, before any copy) answers: the points' records stick.
      if (record.state !== stuck || record.recoveryPointArn === RUN_TARGET_RECORD) {
        return await inner.put(runId, record);
      }
      if (writes) await inner.put(runId, record);
      unanswered.push(record);
      return await new Promise<void>(() => {});
    },
  };
}

/** `run`, or a failure should it not end within 10 s (a store call held it: the bug). */
async function ends<T>(run: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const held = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error("the run did not end: a checkpoint call held it")),
      10_000,
    );
  });
  try {
    return await Promise.race([run, held]);
  } finally {
    clearTimeout(timer);
  }
}

/** Top-level copy jobs per source recovery point. */
function jobsPerPoint(emulator: Emulator): Map<string, number> {
  const counts = new Map<string, number>();
  for (const job of emulator.jobs()) {
    if (job.ParentJobId) continue;
    counts.set(job.SourceRecoveryPointArn, (counts.get(job.SourceRecoveryPointArn) ?? 0) + 1);
  }
  return counts;
}

function assertUnfinishedByStore(report: CopyReport): void {
  assert.equal(report.ok, false);
  assert.equal(report.totals.unfinished, report.entries.length, JSON.stringify(report.totals));
  for (const entry of report.entries) {
    assert.equal(entry.outcome, "UNFINISHED");
    assert.equal(entry.error?.name, "MaxWaitExceeded");
    assert.match(
      entry.error!.message,
      /checkpoint store did not answer within maxWaitMs \(400 ms\), so the record may or may not be written/,
    );
  }
}

for (
  const [stuck, writes, what] of [
    ["STARTING", false, "before StartCopyJob: nothing is started"],
    ["STARTING", true, "before StartCopyJob, written: nothing is started"],
    ["STARTED", true, "after StartCopyJob, written"],
    ["STARTED", false, "after StartCopyJob, not written"],
    ["COMPLETED", false, "after the job ended, not written"],
  ] as const
) {
  Deno.test(`a checkpoint put that never answers (${stuck}, ${what}): the run ends UNFINISHED at maxWaitMs; a rerun copies each point once`, async () => {
    const seed = vaultSeed(3);
    await using emulator = await startEmulator({ ...seed, jobDurationMs: 30 });
    const inner = new MemoryCheckpointStore();
    const store = stuckPuts(inner, stuck, writes);
    const options = { ...FAST, runId: "stuck", concurrency: 3 };
    const first = await ends(
      copyRecoveryPoints(clientOf(emulator), {
        ...options,
        checkpoint: store,
        maxWaitMs: MAX_WAIT_MS,
      }),
    );
    assertUnfinishedByStore(first);
    assert.equal(store.unanswered.length, 3, "one unanswered put per point");
    const starts = emulator.requests.filter((r) => r.operation === "StartCopyJob").length;
    if (stuck === "STARTING") {
      assert.equal(starts, 0, "no StartCopyJob without its STARTING record answered");
    } else {
      assert.equal(starts, 3);
      // The report keeps what is known: the job, and its final state once it ended.
      for (const entry of first.entries) assert.ok(entry.copyJobId, JSON.stringify(entry));
    }

    // The store answers again: the rerun finds what was (or was not) written, and copies each
    // point exactly once.
    const second = await copyRecoveryPoints(clientOf(emulator), { ...options, checkpoint: inner });
    assert.equal(second.ok, true, JSON.stringify(second.totals));
    assert.equal(second.totals.completed, 3);
    const counts = jobsPerPoint(emulator);
    assert.deepEqual([...counts.keys()].sort(), [0, 1, 2].map(pointArn).sort());
    assert.ok([...counts.values()].every((n) => n === 1), JSON.stringify([...counts]));
    if (stuck !== "STARTING") {
      // The jobs the first run started are the ones reported, resumed or found again.
      const firstJobs = new Set(first.entries.map((e) => e.copyJobId));
      assert.ok(second.entries.every((e) => firstJobs.has(e.copyJobId)));
    }
  });
}

Deno.test("a checkpoint list that never answers: MaxWaitExceededError at maxWaitMs, nothing started", async () => {
  await using emulator = await startEmulator({ ...vaultSeed(2), jobDurationMs: 30 });
  const store: CheckpointStore = {
    get: () => Promise.resolve(undefined),
    put: () => Promise.resolve(),
    list: () => new Promise(() => {}),
  };
  const error = await ends(
    copyRecoveryPoints(clientOf(emulator), {
      ...FAST,
      checkpoint: store,
      maxWaitMs: MAX_WAIT_MS,
    }).catch((e) => e),
  );
  assert.ok(error instanceof MaxWaitExceededError, String(error));
  assert.match(error.message, /^reading the checkpoint did not finish within maxWaitMs \(400 ms\)/);
  assert.equal(emulator.jobs().length, 0);
});

Deno.test("a checkpoint put that never answers, no maxWaitMs: the caller's signal ends the run with its reason", async () => {
  await using emulator = await startEmulator({ ...vaultSeed(2), jobDurationMs: 30 });
  const store = stuckPuts(new MemoryCheckpointStore(), "STARTING", false);
  const controller = new AbortController();
  const reason = new Error("operator stopped the run");
  const run = copyRecoveryPoints(clientOf(emulator), {
    ...FAST,
    checkpoint: store,
    signal: controller.signal,
    onProgress: (e) => {
      // Once the points are listed, the STARTING puts follow at once and never answer.
      if (e.type === "discovered" && e.totals.discovered === 2) {
        setTimeout(() => controller.abort(reason), 100);
      }
    },
  });
  assert.equal(await ends(run.catch((e) => e)), reason);
  assert.ok(store.unanswered.length >= 1);
  assert.equal(emulator.jobs().length, 0);
});

Deno.test("after maxWaitMs no record is written: an existing copy the run reaches only then is UNFINISHED, its record left to the rerun", async () => {
  // Listed newest first: point 1, whose copy job stays CREATED (AWS retrying it) past the run's
  // time, holds the one worker; point 0's copy exists already (AWS made it).
  const seed = vaultSeed(2, (f, i) => {
    if (i === 1) {
      f.creationDateMs = Date.now() - 60_000;
      f.retryingForMs = 600_000;
    } else {
      // Recent: ListCopyJobs lists its copy job (about 30 days of jobs).
      f.creationDateMs = Date.now() - 3_600_000;
      f.automaticCopies = [{ destinationBackupVaultArn: FAST.destinationBackupVaultArn }];
    }
  });
  await using emulator = await startEmulator({ ...seed, jobDurationMs: 30 });
  const checkpoint = new MemoryCheckpointStore();
  const report = await copyRecoveryPoints(clientOf(emulator), {
    ...FAST,
    concurrency: 1,
    runId: "late",
    checkpoint,
    maxWaitMs: 300,
  });
  assert.deepEqual(report.entries.map((e) => [e.recoveryPointArn, e.outcome]), [
    [pointArn(1), "UNFINISHED"],
    [pointArn(0), "UNFINISHED"],
  ]);
  assert.equal(report.entries[1].origin, "existing");
  assert.equal(report.entries[1].error?.name, "MaxWaitExceeded");
  // The run's target, written before any copy, and the one point's record.
  const records = await checkpoint.list("late");
  assert.deepEqual(records.map((r) => [r.recoveryPointArn, r.state]), [
    [RUN_TARGET_RECORD, "STARTED"],
    [pointArn(1), "STARTED"],
  ]);
});
