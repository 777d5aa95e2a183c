/**
 * The vault copy on Workflows against the emulator (real HTTP, SigV4 verified), driven by the
 * engine stand-in of testing/fake_workflows.ts: exactly one copy job per selected point through
 * crashes at any step, the engine's retries only where a retry can help, the account's job limit
 * waited out, budgets handed over to new instances, and the step and subrequest counts of a
 * 10,000-point vault within the documented limits of Workflows.
 */

import assert from "node:assert/strict";
import {
  DEMO_CREDENTIALS,
  DEMO_IAM_ROLE_ARN,
  DEMO_REGION,
  DR_VAULT_WEST_ARN,
  type Emulator,
  type EmulatorOptions,
  type RecoveryPointFixture,
  startEmulator,
} from "../../emulator/mod.ts";
import {
  BackupClient,
  copyRecoveryPoints,
  type CopyReport,
  type CopyReportEntry,
  ValidationError,
} from "../../mod.ts";
import { pointArn, SOURCE_VAULT, vaultSeed } from "../../tests/support/copy_vault_fixtures.ts";
import {
  type CrashPhase,
  type FakeInstance,
  FakeStep,
  FakeWorkflows,
  VirtualClock,
} from "../../testing/fake_workflows.ts";
import { copyIdempotencyToken } from "../idempotency_token.ts";
import type { WorkflowBatchOutput } from "./batch.ts";
import {
  copyRecoveryPointsInWorkflow,
  startWorkflowCopy,
  workflowCopyReport,
} from "./copy_vault_workflow.ts";
import { WORKFLOWS_LIMITS } from "./engine.ts";
import type { WorkflowCopyOptions } from "./options.ts";
import type { WorkflowRunOutput } from "./run.ts";

const RUN_ID = "nightly-2026-12-07";
const TEN_YEARS_MS = 10 * 365 * 24 * 3600_000;

interface Setup {
  clock: VirtualClock;
  emulator: Emulator;
  workflows: FakeWorkflows;
  /** Creates the run instance (which runs to its end) and answers it. */
  run(id?: string): Promise<FakeInstance>;
  /** Called with each request before it is sent: `[operation, JSON body or query]`. */
  beforeRequest?: (operation: string, body: string) => void;
  [Symbol.asyncDispose](): Promise<void>;
}

/** An emulator on a virtual clock, and the engine stand-in running the vault copy against it. */
async function setup(
  count: number,
  options: {
    tweak?: (fixture: RecoveryPointFixture, i: number) => void;
    emulator?: EmulatorOptions;
    workflow?: Partial<WorkflowCopyOptions>;
    maxAttempts?: number;
  } = {},
): Promise<Setup> {
  const clock = new VirtualClock();
  const emulator = await startEmulator({
    ...vaultSeed(count, options.tweak),
    jobDurationMs: 90_000,
    maxConcurrentJobs: 100_000,
    now: () => clock.now,
    maxClockSkewMs: TEN_YEARS_MS,
    ...options.emulator,
  });
  const workflows = new FakeWorkflows(clock);
  const s: Setup = {
    clock,
    emulator,
    workflows,
    async run(id = RUN_ID) {
      await workflows.create({ id, params: {} });
      return workflows.instances.get(id)!;
    },
    [Symbol.asyncDispose]: () => emulator.close(),
  };
  workflows.run = (event, step, instance) =>
    copyRecoveryPointsInWorkflow(event, step, {
      client: new BackupClient({
        region: DEMO_REGION,
        endpoint: emulator.url,
        credentials: { ...DEMO_CREDENTIALS },
        maxAttempts: options.maxAttempts ?? 3,
        fetch: (url, init) => {
          instance.fetches++;
          s.beforeRequest?.(operationOf(init.method ?? "GET", url), String(init.body ?? ""));
          return fetch(url, init as RequestInit);
        },
      }),
      workflow: workflows,
      sourceBackupVaultName: SOURCE_VAULT,
      destinationBackupVaultArn: DR_VAULT_WEST_ARN,
      iamRoleArn: DEMO_IAM_ROLE_ARN,
      ...options.workflow,
    });
  return s;
}

/** `StartCopyJob` for its restJson1 request (`PUT /copy-jobs`), else method and path. */
function operationOf(method: string, url: string): string {
  const path = new URL(url).pathname;
  return method === "PUT" && path === "/copy-jobs" ? "StartCopyJob" : `${method} ${path}`;
}

/** Top-level copy jobs of the emulator, and the recovery points they copy. */
function topLevelJobs(emulator: Emulator) {
  return emulator.jobs().filter((j) => !j.ParentJobId);
}

/** A report's entries ordered by point number (the vault lists newest first). */
function byPoint(report: CopyReport): CopyReportEntry[] {
  return [...report.entries].sort((a, b) => a.recoveryPointArn.localeCompare(b.recoveryPointArn));
}

function assertOneJobPerPoint(emulator: Emulator, expected: number): void {
  const jobs = topLevelJobs(emulator);
  assert.equal(jobs.length, expected, "copy jobs");
  assert.equal(new Set(jobs.map((j) => j.SourceRecoveryPointArn)).size, expected, "one per point");
  assert.ok(emulator.requests.every((r) => r.signatureValid), "every request signed");
}

Deno.test("workflow: every selected point copied once, in batches, each reported", async () => {
  await using s = await setup(12, {
    tweak: (f, i) => {
      if (i === 3) f.status = "EXPIRED";
      if (i === 5) Object.assign(f, { outcome: "FAILED", statusMessage: "KMS key not usable" });
    },
    workflow: { batchSize: 5, concurrency: 2 },
  });
  const run = await s.run();
  assert.equal(run.status, "complete", JSON.stringify(run.error));
  const output = run.output as WorkflowRunOutput;
  assert.equal(output.kind, "run");
  assert.deepEqual(output.batches.map((b) => b.instances), [
    [`${RUN_ID}-b0`],
    [`${RUN_ID}-b1`],
    [`${RUN_ID}-b2`],
  ]);
  assert.deepEqual(output.batches.map((b) => b.status), ["complete", "complete", "complete"]);
  assertOneJobPerPoint(s.emulator, 11);

  const status = await workflowCopyReport(s.workflows, RUN_ID);
  assert.equal(status.status, "complete");
  const report = status.report!;
  // In the order the vault listed them (the emulator, as AWS, lists newest first).
  assert.deepEqual(
    report.entries.map((e) => e.recoveryPointArn),
    [...Array(12).keys()].reverse().map(pointArn),
  );
  assert.deepEqual(
    { ...report.totals },
    {
      discovered: 12,
      selected: 11,
      skipped: 1,
      started: 11,
      completed: 10,
      partial: 0,
      failed: 1,
      unfinished: 0,
      planned: 0,
      alreadyCopied: 0,
      inFlight: 0,
    },
  );
  assert.deepEqual({ ...output.totals }, { ...report.totals }, "the run's totals match its report");
  assert.equal(report.ok, false);
  const entry = (i: number) => report.entries.find((e) => e.recoveryPointArn === pointArn(i))!;
  assert.equal(entry(5).outcome, "FAILED");
  assert.equal(entry(5).statusMessage, "KMS key not usable");
  assert.equal(entry(3).skipReason?.code, "STATUS");
  for (const entry of report.entries.filter((e) => e.outcome !== "SKIPPED")) {
    const job = topLevelJobs(s.emulator).find((j) => j.CopyJobId === entry.copyJobId);
    assert.equal(job?.SourceRecoveryPointArn, entry.recoveryPointArn);
    assert.equal(entry.origin, "started");
    assert.equal(entry.attempts, 1);
    assert.ok(entry.startedAt instanceof Date && entry.finishedAt instanceof Date);
    // The token every path derives for this copy: copyRecoveryPoints, events, this.
    assert.equal(
      entry.idempotencyToken,
      await copyIdempotencyToken(entry.recoveryPointArn, DR_VAULT_WEST_ARN),
    );
  }
  // Waiting is step.sleep, checking one step per round, never a step per job and poll.
  const batch = s.workflows.instances.get(`${RUN_ID}-b0`)!.step;
  const names = batch.executed.map((e) => e.name.replace(/:.*/, ""));
  assert.deepEqual(names.slice(0, 3), ["existing copies", "copy 0", "copy 1"]);
  assert.ok(names.every((n) => /^(existing copies|copy \d+|check \d+)$/.test(n)), names.join());
  assert.ok(batch.sleeps.length >= 2);
});

for (
  const [pattern, phase] of [
    [/^list 0/, "after"],
    [/^existing copies/, "after"],
    [/^copy 1:/, "after"],
    [/^copy 2:/, "before"],
    [/^check 0/, "after"],
    [/^start batch 1/, "after"],
  ] as [RegExp, CrashPhase][]
) {
  Deno.test(`workflow: a restart ${phase} step ${pattern.source} copies nothing twice`, async () => {
    await using s = await setup(9, { workflow: { batchSize: 4, concurrency: 2 } });
    let crashed = 0;
    s.workflows.onCreate = (instance) => {
      instance.step.crashAt = (name, at) => {
        if (crashed || at !== phase || !pattern.test(name)) return false;
        return crashed = 1, true;
      };
    };
    const run = await s.run();
    assert.equal(crashed, 1, "the crash happened");
    assert.equal(run.status, "complete", JSON.stringify(run.error));
    assertOneJobPerPoint(s.emulator, 9);
    const report = (await workflowCopyReport(s.workflows, RUN_ID)).report!;
    assert.equal(report.entries.length, 9);
    assert.ok(
      report.entries.every((e) => e.outcome === "COMPLETED"),
      JSON.stringify(report.totals),
    );
    assert.equal(report.totals.started, 9, "every copy reported as started by this run");
    const lifetimes = [...s.workflows.instances.values()].map((i) => i.step.lifetimes);
    assert.equal(lifetimes.reduce((a, b) => a + b), s.workflows.instances.size + 1);
    const starts = s.emulator.requests.filter((r) => r.operation === "StartCopyJob");
    // A start whose result was lost is sent again, with the same token: AWS answers the same job.
    assert.equal(starts.length, pattern.source === "^copy 1:" ? 10 : 9);
  });
}

Deno.test("workflow: the engine retries a step only where a retry can help", async () => {
  // The source vault does not exist: the listing fails once, for good.
  {
    await using s = await setup(2, { workflow: { sourceBackupVaultName: "no-such-vault" } });
    const run = await s.run();
    assert.equal(run.status, "errored");
    assert.equal(run.error?.name, "NonRetryableError");
    assert.match(run.error!.message, /ListRecoveryPointsByBackupVault failed: ResourceNotFound/);
    assert.deepEqual(run.step.executed.map((e) => [e.name, e.attempts]), [["list 0", 1]]);
  }
  // StartCopyJob refused (a client fault): that point FAILED after one attempt, the rest copied.
  // A 503 (the client's own retries spent): the engine runs the step again, one job results.
  {
    await using s = await setup(3, { maxAttempts: 1 });
    const starts: string[] = [];
    s.beforeRequest = (operation, body) => {
      if (operation !== "StartCopyJob") return;
      const arn = JSON.parse(body).RecoveryPointArn;
      starts.push(arn);
      if (arn === pointArn(0)) {
        s.emulator.injectFaults({
          status: 400,
          errorType: "InvalidParameterValueException",
          message: "Cannot copy this recovery point",
        });
      }
      if (arn === pointArn(1) && starts.filter((a) => a === arn).length === 1) {
        s.emulator.injectFaults({ status: 503, errorType: "ServiceUnavailableException" });
      }
    };
    const run = await s.run();
    assert.equal(run.status, "complete");
    const report = (await workflowCopyReport(s.workflows, RUN_ID)).report!;
    assert.deepEqual(byPoint(report).map((e) => e.outcome), ["FAILED", "COMPLETED", "COMPLETED"]);
    assert.deepEqual(byPoint(report)[0].error, {
      name: "InvalidParameterValueException",
      message: "Cannot copy this recovery point",
    });
    const batch = s.workflows.instances.get(`${RUN_ID}-b0`)!.step;
    const attempts = Object.fromEntries(
      batch.executed.map((e) => [e.name.split(":")[0], e.attempts]),
    );
    assert.equal(attempts["copy 0"], 1, "a refused start is not retried");
    assert.equal(attempts["copy 1"], 2, "a 503 is retried by the engine");
    assertOneJobPerPoint(s.emulator, 2);
  }
});

Deno.test("workflow: the account's copy job limit is waited out with sleeps, not retries", async () => {
  await using s = await setup(6, {
    emulator: { maxConcurrentJobs: 2 },
    workflow: { concurrency: 4 },
  });
  const run = await s.run();
  assert.equal(run.status, "complete");
  const batch = s.workflows.instances.get(`${RUN_ID}-b0`)!.step;
  const again = batch.executed.filter((e) => / again \d+:/.test(e.name));
  assert.ok(again.length >= 1, "a deferred start is tried again in a later round");
  assert.ok(batch.executed.every((e) => e.attempts === 1), "no engine retries");
  assertOneJobPerPoint(s.emulator, 6);
  const report = (await workflowCopyReport(s.workflows, RUN_ID)).report!;
  assert.ok(report.entries.every((e) => e.outcome === "COMPLETED" && !e.error));
  assert.ok(report.entries.some((e) => e.attempts > 1), "attempts count the refused starts");
});

Deno.test("workflow: a batch past its budget hands its copies to a new instance", async () => {
  await using s = await setup(10, {
    workflow: { batchSize: 10, concurrency: 5, maxStepsPerInstance: 12 },
  });
  const run = await s.run();
  assert.equal(run.status, "complete", JSON.stringify(run.error));
  const output = run.output as WorkflowRunOutput;
  const [batch] = output.batches;
  assert.ok(batch.instances.length >= 2, batch.instances.join());
  assert.equal(batch.status, "complete");
  const first = s.workflows.instances.get(`${RUN_ID}-b0`)!;
  const firstOutput = first.output as WorkflowBatchOutput;
  assert.ok(firstOutput.unfinished.length > 0 && firstOutput.steps <= 12, `${firstOutput.steps}`);
  for (const instance of s.workflows.instances.values()) {
    assert.ok(
      instance.step.maxLifetimeSteps <= 12,
      `${instance.id}: ${instance.step.maxLifetimeSteps}`,
    );
  }
  assertOneJobPerPoint(s.emulator, 10);
  const report = (await workflowCopyReport(s.workflows, RUN_ID)).report!;
  assert.ok(report.entries.every((e) => e.outcome === "COMPLETED"), JSON.stringify(report.totals));
  // Copies a later instance took over keep their origin: this run started them.
  assert.equal(report.totals.started, 10);
});

Deno.test("workflow: an errored batch instance is replaced; copies made before are adopted", async () => {
  await using s = await setup(4, { maxAttempts: 1 });
  let failures = 0;
  s.beforeRequest = (operation, body) => {
    // Point 2's start answers 503 on every attempt of its step (1 + 5 engine retries).
    if (operation === "StartCopyJob" && JSON.parse(body).RecoveryPointArn === pointArn(2)) {
      if (failures++ < 6) {
        s.emulator.injectFaults({ status: 503, errorType: "ServiceUnavailableException" });
      }
    }
  };
  const run = await s.run();
  assert.equal(run.status, "complete");
  const first = s.workflows.instances.get(`${RUN_ID}-b0`)!;
  assert.equal(first.status, "errored");
  assert.equal(s.workflows.instances.get(`${RUN_ID}-b0-1`)!.status, "complete");
  assertOneJobPerPoint(s.emulator, 4);
  const report = (await workflowCopyReport(s.workflows, RUN_ID)).report!;
  // The vault lists newest first: point 3 started, then point 2's start failed for good.
  assert.deepEqual(byPoint(report).map((e) => e.origin), [
    "started",
    "started",
    "started",
    "existing",
  ]);
  assert.ok(report.entries.every((e) => e.outcome === "COMPLETED"));
});

Deno.test("workflow: a copy made by copyRecoveryPoints has the same token and is not made again", async () => {
  await using s = await setup(3);
  const client = new BackupClient({
    region: DEMO_REGION,
    endpoint: s.emulator.url,
    credentials: { ...DEMO_CREDENTIALS },
  });
  const swept = await copyRecoveryPoints(client, {
    sourceBackupVaultName: SOURCE_VAULT,
    destinationBackupVaultArn: DR_VAULT_WEST_ARN,
    iamRoleArn: DEMO_IAM_ROLE_ARN,
    resourceArns: [vaultSeed(3).recoveryPoints![1].resourceArn],
    pollIntervalMs: 1,
    // The emulator's clock is the virtual one: move it past the job's duration once it started.
    onProgress: (event) => {
      if (event.type === "started") s.clock.now += 100_000;
    },
  });
  assert.equal(swept.totals.completed, 1);
  const [sweptEntry] = swept.entries.filter((e) => e.outcome === "COMPLETED");
  assert.equal(
    sweptEntry.idempotencyToken,
    await copyIdempotencyToken(pointArn(1), DR_VAULT_WEST_ARN),
    "copyRecoveryPoints sends the token the workflow sends",
  );
  const run = await s.run();
  assert.equal(run.status, "complete");
  assertOneJobPerPoint(s.emulator, 3);
  const report = (await workflowCopyReport(s.workflows, RUN_ID)).report!;
  // The vault lists newest first: point 3 started, then point 2's start failed for good.
  assert.deepEqual(byPoint(report).map((e) => e.origin), ["started", "existing", "started"]);
  assert.equal(report.entries[1].copyJobId, sweptEntry.copyJobId);
  assert.equal(report.totals.alreadyCopied, 1);
});

Deno.test("workflow: bad options, params and ids are refused before anything is sent", async () => {
  await using s = await setup(1);
  const base = {
    client: new BackupClient({ region: DEMO_REGION, credentials: { ...DEMO_CREDENTIALS } }),
    workflow: s.workflows,
    sourceBackupVaultName: SOURCE_VAULT,
    destinationBackupVaultArn: DR_VAULT_WEST_ARN,
    iamRoleArn: DEMO_IAM_ROLE_ARN,
  };
  const event = { payload: {}, timestamp: new Date(), instanceId: RUN_ID };
  const step = new FakeStep(s.clock);
  const refused = async (
    options: Record<string, unknown>,
    paths: string[],
    ev: Record<string, unknown> = event,
  ) => {
    const error = await copyRecoveryPointsInWorkflow(
      ev as never,
      step,
      { ...base, ...options } as never,
    ).then(() => undefined, (e) => e);
    assert.ok(error instanceof ValidationError, String(error));
    assert.deepEqual(error.issues.map((i) => i.path), paths, error.message);
  };
  await refused({ batchSize: 1001, concurrency: 0, workflow: {} }, [
    "workflow",
    "batchSize",
    "concurrency",
  ]);
  await refused({ destinationBackupVaultArn: 42, lifecycle: { DeleteAfterDays: "x" } }, [
    "destinationBackupVaultArn",
    "lifecycle.DeleteAfterDays",
  ]);
  await refused({}, ["event.payload"], { ...event, payload: { sourceBackupVaultName: "x" } });
  await refused({}, ["event.instanceId"], { ...event, instanceId: "x".repeat(81) });
  await refused({}, ["destinationBackupVaultArn"], {
    ...event,
    payload: {
      backupEdgeBatch: 1,
      runId: RUN_ID,
      batch: 0,
      attempt: 0,
      sourceBackupVaultName: SOURCE_VAULT,
      destinationBackupVaultArn: "arn:aws:backup:us-west-2:999999999999:backup-vault:elsewhere",
      points: [],
    },
  });
  assert.equal(s.emulator.requests.length, 0, "nothing sent");
  assert.equal(step.executed.length, 0, "no step run");
});

Deno.test("workflow: 10,000 recovery points stay within the limits of Workflows", async () => {
  const started = performance.now();
  await using s = await setup(10_000, {
    tweak: (f, i) => {
      if (i % 10 === 9) f.status = "EXPIRED";
    },
    workflow: { batchSize: 100, concurrency: 25 },
  });
  const run = await s.run();
  // Binding calls so far, but the test's own create of the run: the run's.
  const bindingCalls = s.workflows.calls - 1;
  assert.equal(run.status, "complete", JSON.stringify(run.error));
  const output = run.output as WorkflowRunOutput;
  assert.equal(output.batches.length, 100);
  assert.ok(output.batches.every((b) => b.status === "complete" && b.instances.length === 1));
  assertOneJobPerPoint(s.emulator, 9_000);
  const report = (await workflowCopyReport(s.workflows, RUN_ID)).report!;
  assert.equal(report.entries.length, 10_000);
  assert.equal(report.totals.completed, 9_000);
  assert.equal(report.totals.skipped, 1_000);

  const instances = [...s.workflows.instances.values()];
  const batches = instances.filter((i) => i.id !== RUN_ID);
  const runSteps = run.step.maxLifetimeSteps;
  // The run's subrequests: its listing, plus every binding call (only the run makes those).
  const runSubrequests = run.fetches + bindingCalls;
  const batchSteps = Math.max(...batches.map((i) => i.step.maxLifetimeSteps));
  const batchSubrequests = Math.max(...batches.map((i) => i.fetches));
  const largestResult = Math.max(...instances.map((i) => i.step.largestResult));
  const largestParams = Math.max(
    ...batches.map((i) => new TextEncoder().encode(JSON.stringify(i.params)).byteLength),
  );
  console.log(
    `10,000 points: ${instances.length} instances; run ${runSteps} steps, ${runSubrequests} ` +
      `subrequests; a batch at most ${batchSteps} steps, ${batchSubrequests} subrequests; ` +
      `largest step result ${largestResult} B, largest params ${largestParams} B; ` +
      `${s.emulator.requests.length} AWS requests in ${Math.round(performance.now() - started)} ms`,
  );
  assert.ok(runSteps <= WORKFLOWS_LIMITS.stepsPerInstance, `run: ${runSteps} steps`);
  assert.ok(runSubrequests <= WORKFLOWS_LIMITS.subrequestsPerInstance);
  assert.ok(batchSteps <= WORKFLOWS_LIMITS.stepsPerInstance, `batch: ${batchSteps} steps`);
  assert.ok(batchSubrequests <= WORKFLOWS_LIMITS.subrequestsPerInstance);
  // Even within Workers Free's 1,024 steps per instance.
  assert.ok(Math.max(runSteps, batchSteps) <= 1_024);
  assert.ok(largestResult <= WORKFLOWS_LIMITS.stepResultBytes);
  assert.ok(largestParams <= WORKFLOWS_LIMITS.eventPayloadBytes);
  // What the instances counted themselves is what was sent.
  assert.equal(output.subrequests, runSubrequests);
  for (const batch of batches) {
    assert.equal((batch.output as WorkflowBatchOutput).subrequests, batch.fetches, batch.id);
  }
});

Deno.test("workflow: startWorkflowCopy starts a run once per id; the report reads it", async () => {
  await using s = await setup(2);
  assert.deepEqual(await startWorkflowCopy(s.workflows, RUN_ID), { id: RUN_ID, created: true });
  // The binding refuses a second create with the same id (as Workflows does): nothing new.
  assert.deepEqual(await startWorkflowCopy(s.workflows, RUN_ID), { id: RUN_ID, created: false });
  assert.equal(s.workflows.instances.size, 2, "the run and its one batch");
  const refused = await startWorkflowCopy(s.workflows, "nightly 2026-12-07").catch((e) => e);
  assert.ok(refused instanceof ValidationError);
  assert.equal(refused.issues[0].path, "event.instanceId");

  const summary = await workflowCopyReport(s.workflows, RUN_ID, { entries: false });
  assert.equal(summary.status, "complete");
  assert.equal(summary.run?.totals.completed, 2);
  assert.equal(summary.report, undefined);
  const calls = s.workflows.calls;
  const full = await workflowCopyReport(s.workflows, RUN_ID);
  assert.equal(full.report?.entries.length, 2);
  assert.equal(s.workflows.calls - calls, 4, "2 calls for the run, 2 per batch instance");
  await assert.rejects(workflowCopyReport(s.workflows, "nightly-1999-01-01"), /not_found/);
});

Deno.test("workflow: an errored run reports its error", async () => {
  await using s = await setup(1, { workflow: { sourceBackupVaultName: "no-such-vault" } });
  await s.run();
  const status = await workflowCopyReport(s.workflows, RUN_ID);
  assert.equal(status.status, "errored");
  assert.equal(status.error?.name, "NonRetryableError");
  assert.equal(status.report, undefined);
});

Deno.test("workflow: a run past its budget ends; its batches report when they end", async () => {
  await using s = await setup(6, { workflow: { batchSize: 3, maxStepsPerInstance: 10 } });
  // The second batch stays queued (as when the account's instances are all busy).
  s.workflows.hold = (id) => id === `${RUN_ID}-b1`;
  const run = await s.run();
  assert.equal(run.status, "complete", JSON.stringify(run.error));
  assert.ok(run.step.maxLifetimeSteps <= 10, `${run.step.maxLifetimeSteps} steps`);
  const output = run.output as WorkflowRunOutput;
  assert.deepEqual(output.batches.map((b) => b.status), ["complete", "unfinished"]);
  const [, held] = output.batches;
  assert.equal(held.error?.name, "StepBudgetExhausted");
  assert.equal(held.missing?.length, 3);
  assert.equal(output.totals.unfinished, 3);
  assert.equal(output.ok, false);
  let report = (await workflowCopyReport(s.workflows, RUN_ID)).report!;
  assert.deepEqual(report.entries.map((e) => e.outcome).sort(), [
    "COMPLETED",
    "COMPLETED",
    "COMPLETED",
    "UNFINISHED",
    "UNFINISHED",
    "UNFINISHED",
  ]);
  // The batch instance runs on by itself; once it ends, the report has its entries.
  await s.workflows.start(s.workflows.instances.get(`${RUN_ID}-b1`)!);
  report = (await workflowCopyReport(s.workflows, RUN_ID)).report!;
  assert.ok(report.entries.every((e) => e.outcome === "COMPLETED"), JSON.stringify(report.totals));
  assert.equal(report.ok, true);
  assertOneJobPerPoint(s.emulator, 6);
});
