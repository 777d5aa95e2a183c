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
  type CopyRecoveryPointsOptions,
  type CopyReport,
  type CopyReportEntry,
  DEFAULT_COPY_CONCURRENCY,
  DEFAULT_MAX_FAILED_COPIES,
  listCopyJobs,
  ValidationError,
  WORKFLOW_COPY_DEFAULTS,
  WorkflowInstanceNotFoundError,
} from "../../mod.ts";
import {
  FIRST_CREATED_MS,
  LOCAL_DR_VAULT_ARN,
  pointArn,
  SOURCE_VAULT,
  SOURCE_VAULT_ARN,
  vaultSeed,
} from "../../tests/support/copy_vault_fixtures.ts";
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
import { HANDOFF_GROWTH_BYTES, type WorkflowBatchParams } from "./wire.ts";
import type { WorkflowCopyOptions } from "./options.ts";
import type { WorkflowRunOutput } from "./run.ts";

const RUN_ID = "nightly-2026-12-07";
const TEN_YEARS_MS = 10 * 365 * 24 * 3600_000;
const DAY = 86_400_000;

interface Setup {
  clock: VirtualClock;
  emulator: Emulator;
  workflows: FakeWorkflows;
  /** Creates the run instance (which runs to its end) and answers it. */
  run(id?: string): Promise<FakeInstance>;
  /** Called with each request before it is sent: `[operation, JSON body or query]`. */
  beforeRequest?: (operation: string, body: string) => void;
  /** Options of the instances created from now on, beside the setup's. */
  options: Partial<WorkflowCopyOptions>;
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
    options: { ...options.workflow },
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
      ...s.options,
    });
  return s;
}

/** `StartCopyJob` for its restJson1 request (`PUT /copy-jobs`), else method and path. */
function operationOf(method: string, url: string): string {
  const path = new URL(url).pathname;
  return method === "PUT" && path === "/copy-jobs" ? "StartCopyJob" : `${method} ${path}`;
}

/** The settings the README gives for Workers Free. */
const WORKERS_FREE_SETTINGS: Partial<WorkflowCopyOptions> = {
  maxSubrequestsPerInstance: 45,
  maxStepsPerInstance: 1_000,
  batchSize: 20,
  maxInstancesPerBatch: 10,
};

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
  // A point handed over grows by its job (id, token, origin, start) only: the room the run keeps.
  const given = new Map(
    (first.params as WorkflowBatchParams).points.map((p) => [p.recoveryPointArn, p]),
  );
  const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).byteLength;
  const growth = firstOutput.unfinished.map((p) => bytes(p) - bytes(given.get(p.recoveryPointArn)));
  assert.ok(firstOutput.unfinished.some((p) => p.copyJobId), "control: jobs in flight handed over");
  assert.ok(Math.max(...growth) <= HANDOFF_GROWTH_BYTES, `grew by ${Math.max(...growth)} bytes`);
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
  const batch = (params: Record<string, unknown>) => ({
    ...event,
    payload: {
      backupEdgeBatch: 1,
      runId: RUN_ID,
      batch: 0,
      attempt: 0,
      sourceBackupVaultName: SOURCE_VAULT,
      destinationBackupVaultArn: DR_VAULT_WEST_ARN,
      points: [],
      ...params,
    },
  });
  await refused(
    {},
    ["destinationBackupVaultArn"],
    batch({
      destinationBackupVaultArn: "arn:aws:backup:us-west-2:999999999999:backup-vault:elsewhere",
    }),
  );
  // A point is its report entry so far (an outcome and attempts), not just an ARN.
  await refused({}, ["points"], batch({ points: [{ recoveryPointArn: pointArn(0) }] }));
  assert.equal(s.emulator.requests.length, 0, "nothing sent");
  assert.equal(step.executed.length, 0, "no step run");
});

Deno.test("workflow: 10,000 recovery points stay within the limits of Workflows", async () => {
  const started = performance.now();
  await using s = await setup(10_000, {
    tweak: (f, i) => {
      if (i % 10 === 9) f.status = "EXPIRED";
      // Past their cold-storage date: each is described (DescribeRecoveryPoint) by its batch;
      // one in two is in cold storage and skipped, the other (a type without cold storage) copied.
      if (i % 10 === 8) f.storageClass = "COLD";
      if (i % 10 >= 7 && i % 10 <= 8) f.moveToColdStorageAtMs = FIRST_CREATED_MS + DAY;
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
  assertOneJobPerPoint(s.emulator, 8_000);
  const report = (await workflowCopyReport(s.workflows, RUN_ID)).report!;
  assert.equal(report.entries.length, 10_000);
  assert.equal(report.totals.completed, 8_000);
  assert.equal(report.totals.skipped, 2_000);
  assert.equal(report.entries.filter((e) => e.skipReason?.code === "STORAGE_CLASS").length, 1_000);
  const described = s.emulator.requests.filter((r) => r.operation === "DescribeRecoveryPoint");
  assert.equal(described.length, 2_000, "the points past their cold-storage date, once each");

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
  // Not within Workers Free's 50 subrequests per instance (see the next test for Free).
  assert.ok(runSubrequests > 50 && batchSubrequests > 50);

  // The report: 2 binding calls for the run and 2 per batch instance, in one invocation of the
  // status route — within Workers Paid's 10,000 subrequests, not Free's 50; a page of 20 batches
  // is (42 calls).
  let calls = s.workflows.calls;
  await workflowCopyReport(s.workflows, RUN_ID);
  const whole = s.workflows.calls - calls;
  const pageCalls: number[] = [];
  const paged: CopyReportEntry[] = [];
  for (let from: number | undefined = 0; from !== undefined;) {
    calls = s.workflows.calls;
    const page = await workflowCopyReport(s.workflows, RUN_ID, { batches: { from, count: 20 } });
    pageCalls.push(s.workflows.calls - calls);
    paged.push(...page.report!.entries);
    from = page.page!.next;
  }
  console.log(
    `the report of 10,000 points: ${whole} binding calls; in pages of 20 batches: ` +
      `${pageCalls.join(", ")}`,
  );
  assert.equal(whole, 202);
  assert.ok(whole <= WORKFLOWS_LIMITS.subrequestsPerInstance);
  assert.deepEqual(pageCalls, [42, 42, 42, 42, 42]);
  assert.deepEqual(
    paged.map((e) => e.recoveryPointArn),
    report.entries.map((e) => e.recoveryPointArn),
  );
});

Deno.test("workflow: on Workers Free's limits (50 subrequests, 1,024 steps per instance) a small vault copies, each instance within them", async () => {
  await using s = await setup(100, { workflow: WORKERS_FREE_SETTINGS });
  const run = await s.run();
  const bindingCalls = s.workflows.calls - 1;
  assert.equal(run.status, "complete", JSON.stringify(run.error));
  const output = run.output as WorkflowRunOutput;
  assert.ok(output.batches.every((b) => b.status === "complete"), JSON.stringify(output.batches));
  assertOneJobPerPoint(s.emulator, 100);
  const batches = [...s.workflows.instances.values()].filter((i) => i.id !== RUN_ID);
  const most = Math.max(run.fetches + bindingCalls, ...batches.map((i) => i.fetches));
  const steps = Math.max(...[run, ...batches].map((i) => i.step.maxLifetimeSteps));
  console.log(
    `Workers Free settings, 100 points: ${batches.length} batch instances; at most ${most} ` +
      `subrequests and ${steps} steps in an instance`,
  );
  assert.ok(most <= 50, `${most} subrequests`);
  assert.ok(steps <= 1_024);
  const report = (await workflowCopyReport(s.workflows, RUN_ID)).report!;
  assert.equal(report.ok, true);
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
  const missing = await workflowCopyReport(s.workflows, "nightly-1999-01-01").catch((e) => e);
  assert.ok(missing instanceof WorkflowInstanceNotFoundError, String(missing));
  assert.equal(missing.instanceId, "nightly-1999-01-01");
  assert.match(missing.message, /never created, or it ended longer ago than Workflows keeps/);
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

/** Entries by recovery point ARN. */
function byArnOf(report: CopyReport): Map<string, CopyReportEntry> {
  return new Map(report.entries.map((e) => [e.recoveryPointArn, e]));
}

/** A client of the setup's emulator, for copyRecoveryPoints beside the Workflow. */
function clientOf(s: Setup): BackupClient {
  return new BackupClient({
    region: DEMO_REGION,
    endpoint: s.emulator.url,
    credentials: { ...DEMO_CREDENTIALS },
  });
}

/** copyRecoveryPoints on the setup's vault; the virtual clock moves past each job it starts. */
function sweep(s: Setup, options: Partial<CopyRecoveryPointsOptions> = {}): Promise<CopyReport> {
  return copyRecoveryPoints(clientOf(s), {
    sourceBackupVaultName: SOURCE_VAULT,
    destinationBackupVaultArn: DR_VAULT_WEST_ARN,
    iamRoleArn: DEMO_IAM_ROLE_ARN,
    pollIntervalMs: 1,
    onProgress: (event) => {
      if (event.type === "started") s.clock.now += 100_000;
    },
    ...options,
  });
}

Deno.test("workflow: AWS's copy rules select as copyRecoveryPoints does, with the same skip reasons", async () => {
  const continuous = pointArn(0).replace("recovery-point:", "recovery-point:continuous:");
  const past = FIRST_CREATED_MS + DAY;
  await using s = await setup(9, {
    tweak: (f, i) => {
      if (i === 0) f.arn = continuous;
      if (i === 1) f.storageClass = "COLD";
      if (i === 2) f.moveToColdStorageAtMs = past; // past its cold-storage date, but WARM
      if (i === 3) f.status = "EXPIRED";
      if (i === 4) f.storageClass = "DELETED";
      // Cold, and refused by the filter: the storage class is the reason, as copyRecoveryPoints
      // checks it first.
      if (i === 6) Object.assign(f, { storageClass: "COLD", moveToColdStorageAtMs: past });
    },
    workflow: { filter: (rp) => ![pointArn(6), pointArn(7)].includes(rp.RecoveryPointArn!) },
  });
  const run = await s.run();
  assert.equal(run.status, "complete", JSON.stringify(run.error));
  const report = (await workflowCopyReport(s.workflows, RUN_ID)).report!;
  const codes = Object.fromEntries(
    report.entries.map((e) => [e.recoveryPointArn, e.skipReason?.code ?? e.outcome]),
  );
  assert.deepEqual(codes, {
    [continuous]: "CONTINUOUS",
    [pointArn(1)]: "STORAGE_CLASS",
    [pointArn(2)]: "COMPLETED",
    [pointArn(3)]: "STATUS",
    [pointArn(4)]: "STORAGE_CLASS",
    [pointArn(5)]: "COMPLETED",
    [pointArn(6)]: "STORAGE_CLASS",
    [pointArn(7)]: "FILTER",
    [pointArn(8)]: "COMPLETED",
  });
  // The run described nothing: the batch read the storage classes, in a step of its own.
  const batch = s.workflows.instances.get(`${RUN_ID}-b0`)!;
  assert.equal(batch.step.executed[0].name, "storage classes");
  const described = s.emulator.requests.filter((r) => r.operation === "DescribeRecoveryPoint");
  assert.deepEqual(
    described.map((r) => decodeURIComponent(r.path.split("/").pop()!)).sort(),
    [1, 2, 4, 6].map(pointArn).sort(),
  );
  const starts = s.emulator.requests.filter((r) => r.operation === "StartCopyJob");
  assert.deepEqual(
    starts.map((r) => JSON.parse(r.body).RecoveryPointArn).sort(),
    [2, 5, 8].map(pointArn).sort(),
  );
  // copyRecoveryPoints, on the same vault: the same reasons, word for word.
  const swept = await sweep(s, {
    dryRun: true,
    filter: (rp) => ![pointArn(6), pointArn(7)].includes(rp.RecoveryPointArn!),
  });
  const skips = (r: CopyReport) => r.entries.filter((e) => e.skipReason).map((e) => e.skipReason);
  assert.deepEqual(skips(report), skips(swept));
});

Deno.test("workflow: maxFailedCopies — a failed copy is tried again by a new run, until 3 jobs failed", async () => {
  await using s = await setup(1, {
    tweak: (f) => Object.assign(f, { outcome: "FAILED", statusMessage: "Access denied" }),
  });
  const tokens = () =>
    s.emulator.requests.filter((r) => r.operation === "StartCopyJob").map((r) =>
      JSON.parse(r.body).IdempotencyToken
    );
  for (const [n, night] of ["nightly-1", "nightly-2", "nightly-3"].entries()) {
    const before = s.emulator.jobs().map((j) => j.CopyJobId);
    await s.run(night);
    const entry = (await workflowCopyReport(s.workflows, night)).report!.entries[0];
    assert.deepEqual([entry.outcome, entry.origin, entry.statusMessage], [
      "FAILED",
      "started",
      "Access denied",
    ]);
    assert.equal(s.emulator.jobs().length, n + 1);
    // A retry's token names the failure it retries: the token copyRecoveryPoints sends.
    assert.equal(
      tokens().at(-1),
      await copyIdempotencyToken(pointArn(0), DR_VAULT_WEST_ARN, {
        ...(n ? { retryOf: before.at(-1) } : {}),
      }),
    );
  }
  const started = tokens().length;
  await s.run("nightly-4");
  assert.equal(tokens().length, started, "no fourth job");
  const entry = (await workflowCopyReport(s.workflows, "nightly-4")).report!.entries[0];
  assert.deepEqual([entry.outcome, entry.origin, entry.error?.name], [
    "FAILED",
    "existing",
    "MaxFailedCopies",
  ]);
  assert.equal(entry.copyJobId, s.emulator.jobs().at(-1)!.CopyJobId);
  // copyRecoveryPoints says the same, word for word.
  const swept = await sweep(s, { dryRun: true });
  assert.deepEqual(entry.error, swept.entries[0].error);
  // A higher limit starts a fourth.
  s.options.maxFailedCopies = 4;
  await s.run("nightly-5");
  assert.equal(tokens().length, started + 1);
  assert.equal(s.emulator.jobs().length, 4);
});

Deno.test("workflow: one copy job per resource at a time in a batch, others copied beside them", async () => {
  // Points 0..4 belong to one volume, 5..9 to five others.
  await using s = await setup(10, {
    tweak: (f, i) => {
      if (i < 5) f.resourceArn = "arn:aws:ec2:us-east-1:111122223333:volume/vol-0shared";
    },
    workflow: { concurrency: 4 },
  });
  const run = await s.run();
  assert.equal(run.status, "complete", JSON.stringify(run.error));
  assertOneJobPerPoint(s.emulator, 10);
  const jobs = topLevelJobs(s.emulator);
  const shared = jobs.filter((j) => j.ResourceArn.endsWith("vol-0shared"))
    .sort((a, b) => a.CreationDate - b.CreationDate);
  assert.equal(shared.length, 5);
  for (let i = 1; i < shared.length; i++) {
    assert.ok(shared[i].CreationDate >= shared[i - 1].CompletionDate!, `job ${i} overlaps`);
  }
  const overlaps = jobs.some((a) =>
    jobs.some((b) =>
      a !== b && a.CreationDate < b.CompletionDate! && b.CreationDate < a.CompletionDate!
    )
  );
  assert.ok(overlaps, "concurrency was used");
  const report = (await workflowCopyReport(s.workflows, RUN_ID)).report!;
  assert.ok(report.entries.every((e) => e.outcome === "COMPLETED"), JSON.stringify(report.totals));
});

Deno.test("workflow: options are checked as copyRecoveryPoints checks them, with the same defaults", async () => {
  assert.equal(WORKFLOW_COPY_DEFAULTS.concurrency, DEFAULT_COPY_CONCURRENCY);
  assert.equal(WORKFLOW_COPY_DEFAULTS.maxFailedCopies, DEFAULT_MAX_FAILED_COPIES);
  await using s = await setup(1);
  const shared = {
    sourceBackupVaultName: SOURCE_VAULT,
    destinationBackupVaultArn: "dr", // a vault name where its ARN belongs
    iamRoleArn: "AWSBackupDefaultServiceRole",
    concurency: 2,
    resourceTypes: ["ebs"],
    createdAfter: new Date("2026-03-02T00:00:00Z"),
    createdBefore: new Date("2026-03-01T00:00:00Z"),
    maxFailedCopies: 0,
    allowEmpty: "yes",
  };
  const issuesOf = async (call: Promise<unknown>, subject: string) => {
    const error = await call.then(() => undefined, (e) => e);
    assert.ok(error instanceof ValidationError, String(error));
    return error.issues.map((i) => ({ ...i, message: i.message.replace(subject, "JOB") }));
  };
  const workflow = await issuesOf(
    copyRecoveryPointsInWorkflow(
      { payload: {}, timestamp: new Date(), instanceId: RUN_ID },
      new FakeStep(s.clock),
      { ...shared, client: clientOf(s), workflow: s.workflows } as never,
    ),
    "copyRecoveryPointsInWorkflow",
  );
  const copy = await issuesOf(
    copyRecoveryPoints(clientOf(s), shared as never),
    "copyRecoveryPoints",
  );
  const byPath = (issues: { path: string }[]) =>
    [...issues].sort((a, b) => a.path.localeCompare(b.path));
  assert.deepEqual(byPath(workflow), byPath(copy));
  assert.deepEqual(workflow.map((i) => i.path).sort(), [
    "allowEmpty",
    "concurency",
    "createdAfter",
    "destinationBackupVaultArn",
    "iamRoleArn",
    "maxFailedCopies",
    "resourceTypes[0]",
  ]);
  const message = (path: string) => workflow.find((i) => i.path === path)!.message;
  assert.match(message("concurency"), /did you mean "concurrency"\?/);
  assert.match(message("resourceTypes[0]"), /did you mean EBS\?/);
  assert.match(message("destinationBackupVaultArn"), /a vault name: pass the vault's ARN/);
  assert.match(message("createdAfter"), /must be before createdBefore/);
  assert.equal(s.emulator.requests.length, 0, "nothing sent");
});

Deno.test("workflow: a run that selects nothing is not ok (as copyRecoveryPoints says), unless allowEmpty", async () => {
  await using s = await setup(3, { tweak: (f) => void (f.status = "EXPIRED") });
  await s.run();
  const status = await workflowCopyReport(s.workflows, RUN_ID);
  const swept = await sweep(s);
  assert.equal(status.run?.ok, false);
  assert.equal(status.report?.ok, false);
  assert.equal(status.run?.failure?.code, "NOTHING_SELECTED");
  assert.deepEqual(status.report?.failure, swept.failure);
  assert.deepEqual(status.run?.failure, swept.failure);
  // Filters AWS applies matched nothing: DescribeBackupVault says the vault is not empty.
  s.options.resourceArns = ["arn:aws:ec2:us-east-1:111122223333:volume/vol-0none"];
  await s.run("nightly-filtered");
  const filtered = await workflowCopyReport(s.workflows, "nightly-filtered");
  const sweptFiltered = await sweep(s, { resourceArns: s.options.resourceArns });
  assert.deepEqual(filtered.report?.failure, sweptFiltered.failure);
  assert.match(filtered.report!.failure!.message, /matched the filters AWS applied/);
  s.options.allowEmpty = true;
  await s.run("nightly-allowed");
  const allowed = await workflowCopyReport(s.workflows, "nightly-allowed");
  assert.equal(allowed.report?.ok, true);
  assert.equal(allowed.report?.failure, undefined);
  // An empty vault.
  await using empty = await setup(0);
  await empty.run();
  const none = await workflowCopyReport(empty.workflows, RUN_ID);
  assert.equal(none.run?.failure?.code, "EMPTY_VAULT");
  assert.equal(none.report?.ok, false);
});

Deno.test("workflow: a job DescribeCopyJob refuses ends FAILED with the error; the batch goes on", async () => {
  await using s = await setup(2, { maxAttempts: 1 });
  let refused = 0;
  s.beforeRequest = (operation) => {
    if (operation.startsWith("GET /copy-jobs/") && !refused++) {
      s.emulator.injectFaults({
        status: 403,
        errorType: "AccessDeniedException",
        message: "not allowed to describe this job",
      });
    }
  };
  // One job at a time, so each check describes its job (a listing shows more than one).
  s.options.concurrency = 1;
  const run = await s.run();
  assert.equal(run.status, "complete", JSON.stringify(run.error));
  const report = (await workflowCopyReport(s.workflows, RUN_ID)).report!;
  const [completed, failed] = [...report.entries].sort((a, b) =>
    a.outcome.localeCompare(b.outcome)
  );
  assert.deepEqual([completed.outcome, failed.outcome], ["COMPLETED", "FAILED"]);
  assert.deepEqual(failed.error, {
    name: "AccessDeniedException",
    message: "not allowed to describe this job",
  });
  assert.equal(failed.statusMessage, "not allowed to describe this job");
  assert.ok(failed.copyJobId);
});

Deno.test("workflow: composite copies are reported with their child jobs, as copyRecoveryPoints reports them", async () => {
  const parent = pointArn(0);
  await using s = await setup(5, {
    tweak: (f, i) => {
      if (i >= 1 && i <= 3) f.parentRecoveryPointArn = parent;
      if (i === 2) Object.assign(f, { outcome: "FAILED", statusMessage: "child not copied" });
    },
  });
  await s.run();
  const copied = byArnOf((await workflowCopyReport(s.workflows, RUN_ID)).report!).get(parent)!;
  assert.deepEqual([copied.isParent, copied.outcome, copied.origin], [true, "PARTIAL", "started"]);
  assert.deepEqual(
    copied.childJobs!.map((c) => [c.recoveryPointArn, c.state]).sort(),
    [[pointArn(1), "COMPLETED"], [pointArn(2), "FAILED"], [pointArn(3), "COMPLETED"]],
  );
  // Found again: by a sweep and by a new run, the same entry but for its origin.
  const swept = byArnOf(await sweep(s)).get(parent)!;
  await s.run("nightly-again");
  const again = byArnOf((await workflowCopyReport(s.workflows, "nightly-again")).report!)
    .get(parent)!;
  for (const entry of [swept, again]) {
    assert.equal(entry.origin, "existing");
    assert.deepEqual(
      { ...entry, origin: "started", attempts: 1 },
      { ...copied, bytesTransferred: entry.bytesTransferred },
    );
  }
  assertOneJobPerPoint(s.emulator, 2);
});

Deno.test("workflow: a batch whose budget cannot read the storage classes copies none of those points", async () => {
  // 12 points past their cold-storage date (WARM: copyable once read); 10 subrequests a batch.
  await using s = await setup(12, {
    tweak: (f) => void (f.moveToColdStorageAtMs = FIRST_CREATED_MS + DAY),
    workflow: { batchSize: 12, maxSubrequestsPerInstance: 10 },
  });
  const run = await s.run();
  assert.equal(run.status, "complete", JSON.stringify(run.error));
  const output = run.output as WorkflowRunOutput;
  // The run's own 10 subrequests follow two instances (create 1, check 2, read 2 each).
  assert.deepEqual(output.batches.map((b) => [b.status, b.instances.length]), [["unfinished", 2]]);
  assert.equal(s.emulator.requests.filter((r) => r.operation === "StartCopyJob").length, 0);
  assert.equal(
    s.emulator.requests.filter((r) => r.operation === "DescribeRecoveryPoint").length,
    0,
  );
  const report = (await workflowCopyReport(s.workflows, RUN_ID)).report!;
  assert.ok(report.entries.every((e) => e.outcome === "UNFINISHED"));
  assert.equal(report.ok, false);
});

Deno.test("workflow: no step result grows with parallelBatches — 8,000 points, batchSize 1000, 8 batches at once", async () => {
  await using s = await setup(8_000, {
    workflow: { batchSize: 1000, parallelBatches: 8, concurrency: 25 },
  });
  const run = await s.run();
  assert.equal(run.status, "complete", JSON.stringify(run.error));
  const output = run.output as WorkflowRunOutput;
  assert.deepEqual(output.batches.map((b) => b.status), Array(8).fill("complete"));
  assertOneJobPerPoint(s.emulator, 8_000);
  // The run's steps: a check answers each running batch's status only; a read, one batch's counts.
  const largest = (prefix: string) =>
    Math.max(
      ...run.step.executed.filter((e) => e.name.startsWith(prefix)).map((e) => e.resultBytes),
    );
  const instances = [...s.workflows.instances.values()];
  const overall = Math.max(...instances.map((i) => i.step.largestResult));
  console.log(
    `8,000 points in 8 parallel batches of 1000: largest check ${largest("check ")} B, read ` +
      `${largest("read batch ")} B, list ${largest("list ")} B; any step ${overall} B`,
  );
  assert.ok(largest("check ") < 2_000, `check: ${largest("check ")} B`);
  assert.ok(largest("read batch ") < 2_000, `read: ${largest("read batch ")} B`);
  assert.ok(overall <= WORKFLOWS_LIMITS.stepResultBytes);
  const report = (await workflowCopyReport(s.workflows, RUN_ID)).report!;
  assert.equal(report.entries.length, 8_000);
  assert.equal(report.ok, true);
});

Deno.test("workflow: a batch whose points would not fit a step result once they carry jobs is refused: lower batchSize", async () => {
  // 1,000 points with long resource names: the params fit in 1 MiB, not with the room their copy
  // jobs take when the batch hands them over (HANDOFF_GROWTH_BYTES each).
  await using s = await setup(1_000, {
    tweak: (f) => void (f.resourceName = "n".repeat(560)),
    workflow: { batchSize: 1000 },
  });
  const run = await s.run();
  assert.equal(run.status, "errored");
  assert.equal(run.error?.name, "NonRetryableError");
  assert.match(run.error!.message, /bytes per point for their copy jobs .* lower batchSize/);
  assert.equal(s.emulator.requests.filter((r) => r.operation === "StartCopyJob").length, 0);
  // Half the batch fits.
  s.options.batchSize = 500;
  const half = await s.run("nightly-half");
  assert.equal(half.status, "complete", JSON.stringify(half.error));
  assertOneJobPerPoint(s.emulator, 1_000);
});

Deno.test("workflow: a report whose batch outputs cannot be read says which and why — not ok, the run's counts", async () => {
  await using s = await setup(9, { workflow: { batchSize: 4 } });
  const run = await s.run();
  assert.equal(run.status, "complete", JSON.stringify(run.error));
  // Workflows dropped batch 1's state (3 days after it ended on Workers Free, 7 on Paid); batch
  // 2's status cannot be read at all.
  s.workflows.instances.delete(`${RUN_ID}-b1`);
  const binding = {
    get: (id: string) =>
      id === `${RUN_ID}-b2`
        ? Promise.reject(new Error("internal error reading the instance"))
        : s.workflows.get(id),
  };
  const status = await workflowCopyReport(binding, RUN_ID);
  const report = status.report!;
  assert.equal(report.ok, false);
  assert.equal(report.failure?.code, "REPORT_INCOMPLETE");
  assert.match(
    report.failure!.message,
    /^5 recovery point\(s\) of batch\(es\) 1, 2 are not in the report: WorkflowInstanceNotFoundError/,
  );
  assert.equal(report.entries.length, 4, "batch 0's points");
  assert.deepEqual(
    status.unreadBatches?.map((b) => [b.batch, b.points, b.reported, b.error.name]),
    [[1, 4, 0, "WorkflowInstanceNotFoundError"], [2, 1, 0, "Error"]],
  );
  assert.deepEqual({ ...report.totals }, { ...(run.output as WorkflowRunOutput).totals });
  // A page of the batches that can be read is whole: 2 calls for the run, 2 for its instance.
  const calls = s.workflows.calls;
  const page = await workflowCopyReport(binding, RUN_ID, { batches: { from: 0, count: 1 } });
  assert.equal(s.workflows.calls - calls, 4);
  assert.deepEqual(page.page, { from: 0, to: 1, of: 3, next: 1 });
  assert.equal(page.report?.ok, true);
  assert.equal(page.report?.entries.length, 4);
  assert.equal(page.unreadBatches, undefined);
  await assert.rejects(
    workflowCopyReport(binding, RUN_ID, { batches: { from: -1, count: 1 } }),
    ValidationError,
  );
});

Deno.test("workflow: startWorkflowCopy starts nothing while an earlier run has not ended", async () => {
  await using s = await setup(2);
  const yesterday = "nightly-2026-12-06";
  s.workflows.hold = (id) => id === yesterday;
  assert.equal((await startWorkflowCopy(s.workflows, yesterday)).created, true);
  const afterRuns = ["nightly-2026-12-05", yesterday];
  assert.deepEqual(await startWorkflowCopy(s.workflows, RUN_ID, { afterRuns }), {
    id: RUN_ID,
    created: false,
    waitingFor: yesterday,
  });
  assert.ok(!s.workflows.instances.has(RUN_ID), "no second run beside the first");
  s.workflows.hold = undefined;
  await s.workflows.start(s.workflows.instances.get(yesterday)!);
  assert.deepEqual(await startWorkflowCopy(s.workflows, RUN_ID, { afterRuns }), {
    id: RUN_ID,
    created: true,
  });
  assert.equal(s.workflows.instances.get(RUN_ID)?.status, "complete");
});

Deno.test("workflow: a copy whose job aged out of ListCopyJobs is found in the destination vault, in the client's Region and account", async () => {
  await using s = await setup(3, { workflow: { destinationBackupVaultArn: LOCAL_DR_VAULT_ARN } });
  await s.run("nightly-1");
  assert.equal(topLevelJobs(s.emulator).length, 3);
  // A month later ListCopyJobs lists none of the jobs (AWS: 30 days).
  s.clock.now += 31 * DAY;
  const listed = await listCopyJobs(clientOf(s), { ByDestinationVaultArn: LOCAL_DR_VAULT_ARN });
  assert.equal(listed.CopyJobs?.length, 0);
  await s.run("nightly-2");
  assert.equal(topLevelJobs(s.emulator).length, 3, "no second copy");
  const report = (await workflowCopyReport(s.workflows, "nightly-2")).report!;
  assert.ok(
    report.entries.every((e) =>
      e.outcome === "COMPLETED" && e.origin === "existing" && !e.copyJobId &&
      e.destinationRecoveryPointArn
    ),
  );
  assert.equal(report.ok, true);
});

Deno.test("workflow: a destination that is the source vault itself ends the run before any batch", async () => {
  await using s = await setup(3, { workflow: { destinationBackupVaultArn: SOURCE_VAULT_ARN } });
  const run = await s.run();
  assert.equal(run.status, "errored");
  assert.equal(run.error?.name, "NonRetryableError");
  assert.match(run.error!.message, /destinationBackupVaultArn is the source vault itself/);
  assert.equal(s.workflows.instances.size, 1, "no batch instance");
  assert.deepEqual(
    [...new Set(s.emulator.requests.map((r) => r.operation))],
    ["ListRecoveryPointsByBackupVault"],
  );
});

/** A binding that counts its calls and answers none: what a refused call must never reach. */
function untouchedBinding() {
  const binding = {
    calls: 0,
    create() {
      binding.calls++;
      return Promise.reject(new Error("create called"));
    },
    get() {
      binding.calls++;
      return Promise.reject(new Error("get called"));
    },
  };
  return binding;
}

async function refusal(call: Promise<unknown>): Promise<ValidationError> {
  const error = await call.then(() => assert.fail("not refused"), (e) => e);
  assert.ok(error instanceof ValidationError, String(error));
  return error;
}

Deno.test("workflow: startWorkflowCopy refuses an unknown option or an afterRuns that is not a list, before any call", async () => {
  const binding = untouchedBinding();
  const typo = await refusal(startWorkflowCopy(binding, "nightly-1", {
    afterRun: ["nightly-0"],
  } as never));
  assert.equal(typo.issues[0].path, "afterRun");
  assert.match(
    typo.message,
    /startWorkflowCopy options: afterRun is unknown; did you mean "afterRuns"\?/,
  );
  const text = await refusal(startWorkflowCopy(binding, "nightly-1", {
    afterRuns: "nightly-0",
  } as never));
  assert.deepEqual(text.issues.map((i) => i.path), ["afterRuns"]);
  assert.match(text.message, /afterRuns must be an array of run ids/);
  assert.equal(binding.calls, 0, "nothing created, nothing read");
});

Deno.test("workflow: workflowCopyReport refuses unknown options, keys of batches and a non-boolean entries", async () => {
  const binding = untouchedBinding();
  const batch = await refusal(
    workflowCopyReport(binding, RUN_ID, { batch: { from: 0, count: 20 } } as never),
  );
  assert.match(batch.message, /batch is unknown; did you mean "batches"\?/);
  const nested = await refusal(
    workflowCopyReport(binding, RUN_ID, { batches: { from: 0, count: 20, to: 40 } } as never),
  );
  assert.deepEqual(nested.issues.map((i) => i.path), ["batches.to"]);
  const entries = await refusal(workflowCopyReport(binding, RUN_ID, { entries: "false" } as never));
  assert.deepEqual(entries.issues.map((i) => i.path), ["entries"]);
  assert.match(entries.message, /entries must be a boolean/);
  assert.equal(binding.calls, 0);
});

Deno.test("workflow: a missing binding (renamed in wrangler.toml) is a ValidationError naming workflow in every entry point", async () => {
  const wrangler =
    /workflow must be a Workflow binding .*not undefined: check the binding name in wrangler\.toml/;
  const start = await refusal(startWorkflowCopy(undefined as never, "nightly-1"));
  assert.equal(start.issues[0].path, "workflow");
  assert.match(start.message, wrangler);
  const report = await refusal(workflowCopyReport(undefined as never, "nightly-1"));
  assert.match(report.message, wrangler);
  const notBinding = await refusal(workflowCopyReport({ get: 5 } as never, "nightly-1"));
  assert.match(notBinding.message, /workflow must be a Workflow binding \(get\), not object/);
  const run = await refusal(copyRecoveryPointsInWorkflow(
    { payload: {}, timestamp: new Date(), instanceId: "nightly-1" },
    {} as never,
    { ...workflowOptionsForCheck(), workflow: undefined as never },
  ));
  assert.match(run.message, wrangler);
});

function workflowOptionsForCheck(): WorkflowCopyOptions {
  return {
    client: new BackupClient({ region: DEMO_REGION, credentials: DEMO_CREDENTIALS }),
    workflow: untouchedBinding(),
    sourceBackupVaultName: SOURCE_VAULT,
    destinationBackupVaultArn: DR_VAULT_WEST_ARN,
    iamRoleArn: DEMO_IAM_ROLE_ARN,
  };
}
