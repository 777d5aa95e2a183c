/**
 * The emulator's StartBackupJob, DescribeBackupJob and EventBridge events: job states from the
 * clock, event shapes as in the AWS Backup Developer Guide's examples, copies landing in own
 * vaults, and delivery as an API destination (connection headers, duplicates, concurrency,
 * lateness, drops, filters, EventBridge's retries, timeouts, redirects never followed); close()
 * stops every timer.
 */

import assert from "node:assert/strict";
import {
  describeBackupJob,
  listRecoveryPointsByBackupVault,
  startBackupJob,
  startCopyJob,
} from "../mod.ts";
import {
  DEFAULT_VAULT_ARN,
  DEFAULT_VAULT_NAME,
  DEMO_ACCOUNT_ID,
  DEMO_IAM_ROLE_ARN,
  DEMO_REGION,
  DR_VAULT_ARN,
  DR_VAULT_NAME,
  type EmulatorEvent,
  eventBridgeRetries,
  RECOVERY_POINT_FAILING_ARN,
  startEmulator,
} from "../emulator/mod.ts";
import { describeDelivery } from "../emulator/events_cli.ts";
import { clientOf } from "./support/backup_events.ts";

const VOLUME = `arn:aws:ec2:${DEMO_REGION}:${DEMO_ACCOUNT_ID}:volume/vol-0123456789abcdef0`;

Deno.test("StartBackupJob and DescribeBackupJob: states from the clock, the recovery point CREATING then COMPLETED", async () => {
  let now = Date.UTC(2026, 2, 2, 4, 0, 0);
  await using emulator = await startEmulator({ jobDurationMs: 3000, now: () => now });
  const client = clientOf(emulator);
  const input = {
    BackupVaultName: DEFAULT_VAULT_NAME,
    ResourceArn: VOLUME,
    IamRoleArn: DEMO_IAM_ROLE_ARN,
    IdempotencyToken: "backup-1",
  };
  const started = await startBackupJob(client, input);
  assert.equal((await startBackupJob(client, input)).BackupJobId, started.BackupJobId);
  const states: string[] = [];
  for (const step of [0, 1500, 1500]) {
    now += step;
    const job = await describeBackupJob(client, { BackupJobId: started.BackupJobId! });
    states.push(job.State!);
    assert.equal(job.RecoveryPointArn, started.RecoveryPointArn);
    assert.equal(job.ResourceType, "EBS");
    assert.equal(job.BackupVaultArn, DEFAULT_VAULT_ARN);
    const points = await listRecoveryPointsByBackupVault(client, {
      BackupVaultName: DEFAULT_VAULT_NAME,
    });
    const point = points.RecoveryPoints!.find((p) =>
      p.RecoveryPointArn === started.RecoveryPointArn
    )!;
    assert.equal(point.Status, job.State === "COMPLETED" ? "COMPLETED" : "CREATING");
  }
  assert.deepEqual(states, ["CREATED", "RUNNING", "COMPLETED"]);
  assert.equal(emulator.backupJobs().length, 1);
  const missing = await describeBackupJob(client, { BackupJobId: "NOPE" }).catch((e) => e);
  assert.equal(missing.name, "ResourceNotFoundException");
  const badVault = await startBackupJob(client, {
    ...input,
    BackupVaultName: "nope",
    IdempotencyToken: undefined,
  })
    .catch((e) => e);
  assert.equal(badVault.name, "ResourceNotFoundException");
});

Deno.test("events: backup and copy jobs as the guide shows them; a copy into an own vault lands there", async () => {
  await using emulator = await startEmulator({ jobDurationMs: 150, events: true });
  const client = clientOf(emulator);
  const backup = await startBackupJob(client, {
    BackupVaultName: DEFAULT_VAULT_NAME,
    ResourceArn: VOLUME,
    IamRoleArn: DEMO_IAM_ROLE_ARN,
  });
  await emulator.settled();
  const copy = await startCopyJob(client, {
    RecoveryPointArn: backup.RecoveryPointArn!,
    SourceBackupVaultName: DEFAULT_VAULT_NAME,
    DestinationBackupVaultArn: DR_VAULT_ARN,
    IamRoleArn: DEMO_IAM_ROLE_ARN,
  });
  await emulator.settled();
  const summary = emulator.events.map((e) =>
    `${e["detail-type"]}: ${e.detail.state ?? e.detail.status}`
  );
  assert.deepEqual(summary, [
    "Backup Job State Change: CREATED",
    "Backup Job State Change: RUNNING",
    "Backup Job State Change: COMPLETED",
    "Recovery Point State Change: COMPLETED",
    "Copy Job State Change: CREATED",
    "Copy Job State Change: RUNNING",
    "Copy Job State Change: COMPLETED",
    "Recovery Point State Change: COMPLETED",
  ]);
  for (const event of emulator.events) {
    assert.deepEqual(Object.keys(event), [
      "version",
      "id",
      "detail-type",
      "source",
      "account",
      "time",
      "region",
      "resources",
      "detail",
    ]);
    assert.equal(event.source, "aws.backup");
    assert.equal(event.account, DEMO_ACCOUNT_ID);
    assert.match(event.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  }
  const [created, , completed, point] = emulator.events;
  assert.deepEqual(created.resources, []);
  assert.deepEqual(completed.resources, [backup.RecoveryPointArn]);
  assert.equal(completed.detail.backupJobId, backup.BackupJobId);
  assert.equal(completed.detail.backupVaultArn, DEFAULT_VAULT_ARN);
  assert.equal(typeof completed.detail.backupSizeInBytes, "string");
  assert.equal(completed.detail.percentDone, 100);
  assert.deepEqual(point.resources, [backup.RecoveryPointArn]);
  const copyCreated = emulator.events[4];
  const copyCompleted = emulator.events[6];
  assert.deepEqual(copyCreated.detail.destinationRecoveryPointArn, {});
  assert.equal(copyCompleted.detail.copyJobId, copy.CopyJobId);
  assert.deepEqual(copyCompleted.resources, [backup.RecoveryPointArn]);
  const landed = copyCompleted.detail.destinationRecoveryPointArn as string;
  assert.equal(landed, emulator.jobs()[0].DestinationRecoveryPointArn);
  assert.deepEqual(emulator.events[7].resources, [landed]);
  assert.equal(emulator.events[7].detail.backupVaultArn, DR_VAULT_ARN);
  const inDr = await listRecoveryPointsByBackupVault(client, { BackupVaultName: DR_VAULT_NAME });
  assert.ok(
    inDr.RecoveryPoints!.some((p) => p.RecoveryPointArn === landed && p.Status === "COMPLETED"),
  );

  // A FAILED copy: its event, and nothing lands.
  await startCopyJob(client, {
    RecoveryPointArn: RECOVERY_POINT_FAILING_ARN,
    SourceBackupVaultName: DEFAULT_VAULT_NAME,
    DestinationBackupVaultArn: DR_VAULT_ARN,
    IamRoleArn: DEMO_IAM_ROLE_ARN,
  });
  await emulator.settled();
  const failed = emulator.events.at(-1)!;
  assert.equal(failed.detail.state, "FAILED");
  assert.match(String(failed.detail.statusMessage), /Access denied/);
});

Deno.test("delivery: headers, twice, concurrent, late, dropped, filtered; retries as EventBridge", async () => {
  const received: { event: EmulatorEvent; headers: Headers; at: number }[] = [];
  const statuses: number[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      received.push({ event: await request.json(), headers: request.headers, at: Date.now() });
      return new Response(null, { status: statuses.shift() ?? 200 });
    },
  );
  const url = `http://127.0.0.1:${server.addr.port}/`;
  try {
    await using emulator = await startEmulator({ jobDurationMs: 60, events: true });
    const client = clientOf(emulator);
    const backUp = () =>
      startBackupJob(client, {
        BackupVaultName: DEFAULT_VAULT_NAME,
        ResourceArn: VOLUME,
        IamRoleArn: DEMO_IAM_ROLE_ARN,
      });
    const onlyCompleted = (e: EmulatorEvent) =>
      e["detail-type"] === "Backup Job State Change" && e.detail.state === "COMPLETED";

    emulator.setEventDelivery({
      url,
      authorization: { basic: { username: "eventbridge", password: "pw-0123456789abcdef" } },
      filter: onlyCompleted,
      times: 2,
      lateMs: 100,
    });
    await backUp();
    await emulator.settled();
    assert.equal(received.length, 2);
    assert.equal(received[0].event.id, received[1].event.id, "a duplicate keeps its id");
    assert.ok(received[1].at - received[0].at >= 100, "the second came late");
    assert.equal(
      received[0].headers.get("authorization"),
      `Basic ${btoa("eventbridge:pw-0123456789abcdef")}`,
    );
    assert.equal(received[0].headers.get("user-agent"), "Amazon/EventBridge/ApiDestinations");

    received.length = 0;
    emulator.setEventDelivery({
      url,
      authorization: { bearerToken: "tok" },
      filter: onlyCompleted,
      times: 5,
      concurrent: true,
    });
    await backUp();
    await emulator.settled();
    assert.equal(received.length, 5);
    assert.ok(
      Math.max(...received.map((r) => r.at)) - Math.min(...received.map((r) => r.at)) < 100,
    );
    assert.equal(received[0].headers.get("authorization"), "Bearer tok");

    // EventBridge retries 401, 407, 409, 429 and 5xx, not other 4xx.
    assert.deepEqual(
      [401, 407, 409, 429, 500, 503, 400, 403, 404, 413, 422].map(eventBridgeRetries),
      [
        true,
        true,
        true,
        true,
        true,
        true,
        false,
        false,
        false,
        false,
        false,
      ],
    );
    received.length = 0;
    statuses.push(503, 429, 200, 400);
    emulator.setEventDelivery({ url, filter: onlyCompleted, maxAttempts: 4, retryDelayMs: 10 });
    await backUp();
    await emulator.settled();
    await backUp();
    await emulator.settled();
    const deliveries = emulator.deliveries.slice(-4).map((d) => [d.status, d.attempt]);
    assert.deepEqual(deliveries, [[503, 1], [429, 2], [200, 3], [400, 1]]);

    // A third of the events dropped, reproducibly by seed; the rest delivered once.
    received.length = 0;
    emulator.setEventDelivery({ url, filter: onlyCompleted, dropRate: 1 / 3, seed: 3 });
    for (let i = 0; i < 9; i++) await backUp();
    await emulator.settled();
    const dropped = emulator.droppedEvents.length;
    assert.ok(dropped > 0 && dropped < 9);
    assert.equal(received.length + dropped, 9);
  } finally {
    await server.shutdown();
  }
});

Deno.test("delivery: no answer within timeoutMs is a failure EventBridge retries; close() ends everything", async () => {
  let calls = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async () => {
    calls++;
    await new Promise((resolve) => setTimeout(resolve, calls === 1 ? 300 : 0));
    return new Response("ok");
  });
  try {
    await using emulator = await startEmulator({
      jobDurationMs: 30,
      events: {
        url: `http://127.0.0.1:${server.addr.port}/`,
        timeoutMs: 100,
        retryDelayMs: 10,
        filter: (e) => e.detail.state === "COMPLETED",
      },
    });
    await startBackupJob(clientOf(emulator), {
      BackupVaultName: DEFAULT_VAULT_NAME,
      ResourceArn: VOLUME,
      IamRoleArn: DEMO_IAM_ROLE_ARN,
    });
    await emulator.settled();
    assert.deepEqual(emulator.deliveries.map((d) => [d.status, d.retryable]), [
      [undefined, true],
      [200, false],
    ]);
    assert.match(emulator.deliveries[0].error!, /no answer within 100 ms/);
    // Wait for the first request's handler to finish before the server shuts down.
    await new Promise((resolve) => setTimeout(resolve, 250));
  } finally {
    await server.shutdown();
  }
  // Jobs that would change state in an hour: close() clears their timers (the test sanitizer
  // fails on a leaked timer).
  const emulator = await startEmulator({ jobDurationMs: 3_600_000, events: true });
  await startBackupJob(clientOf(emulator), {
    BackupVaultName: DEFAULT_VAULT_NAME,
    ResourceArn: VOLUME,
    IamRoleArn: DEMO_IAM_ROLE_ARN,
  });
  await emulator.close();
  assert.equal(emulator.events.length, 1);
  await emulator.settled();
});

Deno.test("delivery: a redirect is a failed delivery, never followed — the connection's key stays with its URL", async () => {
  // Another origin (its own port) that would receive whatever a followed redirect sends.
  const elsewhere: Headers[] = [];
  const other = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    elsewhere.push(request.headers);
    return new Response("taken");
  });
  const target = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () =>
      new Response(null, {
        status: 307,
        headers: { location: `http://127.0.0.1:${other.addr.port}/collect` },
      }),
  );
  try {
    const key = "connection-key-never-sent-elsewhere";
    await using emulator = await startEmulator({
      jobDurationMs: 30,
      events: {
        url: `http://127.0.0.1:${target.addr.port}/`,
        authorization: { apiKey: { name: "x-backup-edge-key", value: key } },
        retryDelayMs: 10,
        filter: (e) =>
          e["detail-type"] === "Backup Job State Change" && e.detail.state === "COMPLETED",
      },
    });
    await startBackupJob(clientOf(emulator), {
      BackupVaultName: DEFAULT_VAULT_NAME,
      ResourceArn: VOLUME,
      IamRoleArn: DEMO_IAM_ROLE_ARN,
    });
    await emulator.settled();
    assert.equal(elsewhere.length, 0, "nothing reached the redirect's target");
    // One attempt: EventBridge retries no 3xx.
    assert.deepEqual(emulator.deliveries.map((d) => [d.status, d.retryable]), [[307, false]]);
    assert.match(
      emulator.deliveries[0].error!,
      new RegExp(`^redirect to http://127\\.0\\.0\\.1:${other.addr.port}/collect not followed`),
    );
    assert.ok(!emulator.deliveries[0].error!.includes(key));
  } finally {
    await Promise.all([target.shutdown(), other.shutdown()]);
  }
});

Deno.test("the emulator's delivery log line says a redirect was not followed", () => {
  const line = describeDelivery({
    eventId: "e-1",
    detailType: "Backup Job State Change",
    state: "COMPLETED",
    copy: 1,
    attempt: 1,
    status: 307,
    error: "redirect to http://127.0.0.1:9/collect not followed: a failed delivery",
    retryable: false,
    startedAt: 0,
    durationMs: 3,
  }, new URL("http://127.0.0.1:8787/"));
  assert.equal(
    line,
    "event Backup Job State Change COMPLETED e-1 to http://127.0.0.1:8787/ -> 307 (redirect to " +
      "http://127.0.0.1:9/collect not followed: a failed delivery) (delivery 1, attempt 1, 3 ms)",
  );
});
