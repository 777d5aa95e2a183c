/**
 * sweepCopyRules converges with the events: a third of the backup events never arrive (AWS
 * Backup sends them best effort); the sweep starts exactly the missing copies and no second copy
 * of the others, and a second sweep starts nothing. Dry runs, skips with reasons, listing
 * failures, vaults found by ListBackupVaults, and option checks.
 */

import assert from "node:assert/strict";
import {
  copyOnBackupEvent,
  type CopyRule,
  eventBridgeHandler,
  sweepCopyRules,
  ValidationError,
} from "../mod.ts";
import {
  CROSS_ACCOUNT_VAULT_ARN,
  DEFAULT_VAULT_ARN,
  DEFAULT_VAULT_NAME,
  DEMO_ACCOUNT_ID,
  DEMO_IAM_ROLE_ARN,
  DEMO_REGION,
  DEMO_VAULT_ARNS,
  DR_VAULT_ARN,
  DR_VAULT_NAME,
  DR_VAULT_WEST_ARN,
  type RecoveryPointFixture,
  startEmulator,
} from "../emulator/mod.ts";
import { backUp, clientOf, isCompletedBackup, jobCounts } from "./support/backup_events.ts";

const KEY = { name: "x-api-key", value: "sweep-test-key-0123456789" };
const TO_WEST: CopyRule = {
  name: "to-west",
  sourceBackupVaults: [DEFAULT_VAULT_NAME],
  destinationBackupVaultArn: DR_VAULT_WEST_ARN,
  iamRoleArn: DEMO_IAM_ROLE_ARN,
};

Deno.test("a third of the events lost: the sweep makes exactly the missing copies", async () => {
  // No seeded recovery points: only the backups below.
  await using emulator = await startEmulator({
    jobDurationMs: 200,
    events: true,
    recoveryPoints: [],
  });
  const handler = eventBridgeHandler({
    client: clientOf(emulator),
    rules: [TO_WEST],
    authorization: { apiKey: KEY },
    log: false,
  });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handler);
  try {
    emulator.setEventDelivery({
      url: `http://127.0.0.1:${server.addr.port}/`,
      authorization: { apiKey: KEY },
      filter: isCompletedBackup,
      dropRate: 1 / 3,
      seed: 7,
      times: 2,
    });
    const points = await backUp(emulator, 9);
    await emulator.settled();
    const lost = emulator.droppedEvents.map((e) => e.resources[0]);
    assert.ok(lost.length >= 2 && lost.length <= 5, `${lost.length} of 9 events lost`);
    const copiedByEvents = new Set(emulator.jobs().map((j) => j.SourceRecoveryPointArn));
    assert.equal(copiedByEvents.size, 9 - lost.length);
    for (const point of lost) assert.ok(!copiedByEvents.has(point));

    const sweep = await sweepCopyRules(clientOf(emulator), { rules: [TO_WEST] });
    assert.equal(sweep.ok, true, JSON.stringify(sweep.listingFailures));
    const started = sweep.entries.filter((e) => e.outcome === "started");
    assert.deepEqual(started.map((e) => e.recoveryPointArn).sort(), [...lost].sort());
    assert.equal(sweep.totals.started, lost.length);
    assert.equal(sweep.totals.existing + sweep.totals["in-progress"], 9 - lost.length);
    const counts = jobCounts(emulator);
    for (const point of points) assert.equal(counts.get(`${point} → ${DR_VAULT_WEST_ARN}`), 1);

    // The sweep's copies have the tokens the events would have sent: a late event finds them.
    const again = await sweepCopyRules(clientOf(emulator), { rules: [TO_WEST] });
    assert.equal(again.totals.started, 0);
    assert.equal(emulator.jobs().length, 9);
  } finally {
    await server.shutdown();
  }
});

Deno.test("sweep: dry run, skips with reasons, other vaults by ListBackupVaults, two rules", async () => {
  await using emulator = await startEmulator({ jobDurationMs: 100, recoveryPoints: [] });
  const client = clientOf(emulator);
  const inDefault = await backUp(emulator, 2);
  const inDr = await backUp(emulator, 1, DR_VAULT_NAME);
  // Still CREATING: skipped with STATUS.
  const early = await sweepCopyRules(client, { rules: [TO_WEST], dryRun: true });
  assert.deepEqual(early.entries.map((e) => e.skipReason?.code), ["STATUS", "STATUS"]);
  await new Promise((resolve) => setTimeout(resolve, 150));

  const rules: CopyRule[] = [
    { ...TO_WEST, sourceBackupVaults: undefined, name: "everything-to-west" },
    {
      name: "ebs-to-central",
      sourceBackupVaults: [DR_VAULT_ARN],
      resourceTypes: ["EBS"],
      destinationBackupVaultArn: CROSS_ACCOUNT_VAULT_ARN,
      iamRoleArn: DEMO_IAM_ROLE_ARN,
    },
  ];
  const dry = await sweepCopyRules(client, { rules, dryRun: true });
  assert.equal(dry.dryRun, true);
  assert.equal(dry.totals.planned, 4);
  assert.equal(emulator.jobs().length, 0, "a dry run starts nothing");
  const real = await sweepCopyRules(client, { rules });
  assert.equal(real.totals.started, 4);
  const counts = jobCounts(emulator);
  for (const point of [...inDefault, ...inDr]) {
    assert.equal(counts.get(`${point} → ${DR_VAULT_WEST_ARN}`), 1);
  }
  assert.equal(counts.get(`${inDr[0]} → ${CROSS_ACCOUNT_VAULT_ARN}`), 1);
  const dryAgain = await sweepCopyRules(client, { rules, dryRun: true });
  assert.equal(dryAgain.totals.planned, 0);
  assert.equal(dryAgain.totals["in-progress"] + dryAgain.totals.existing, 4);

  // A rule taking only resource types it does not find, and an unknown vault.
  const skipped = await sweepCopyRules(client, {
    rules: [{ ...TO_WEST, resourceTypes: ["RDS"] }, {
      ...TO_WEST,
      name: "gone",
      sourceBackupVaults: ["no-such-vault"],
    }],
  });
  assert.equal(skipped.entries.length, 0);
  assert.equal(skipped.ok, false);
  assert.equal(skipped.listingFailures[0].rule, "gone");
  assert.equal(skipped.listingFailures[0].error.name, "ResourceNotFoundException");
  // A vault of another account named by ARN is listed there, not as the client's own namesake.
  const foreign = await sweepCopyRules(client, {
    rules: [{
      ...TO_WEST,
      sourceBackupVaults: ["arn:aws:backup:us-east-1:444455556666:backup-vault:Default"],
    }],
  });
  assert.deepEqual(foreign.entries, []);
  assert.equal(foreign.listingFailures[0].error.name, "ResourceNotFoundException");
  const eventTypes = await sweepCopyRules(client, {
    rules: [{ ...TO_WEST, eventTypes: ["Copy Job State Change"] }],
  });
  assert.deepEqual(eventTypes.entries.map((e) => e.skipReason?.code), ["EVENT_TYPE", "EVENT_TYPE"]);
});

Deno.test("sweep options are checked before anything is sent", async () => {
  await using emulator = await startEmulator();
  const client = clientOf(emulator);
  const refused = async (options: unknown, path: string, clients: unknown = client) => {
    const error = await sweepCopyRules(clients as never, options as never).catch((e) => e);
    assert.ok(error instanceof ValidationError, String(error));
    assert.ok(error.issues.some((i: { path: string }) => i.path === path), error.message);
  };
  await refused({ rules: [TO_WEST], windowMs: 30 * 24 * 3600 * 1000 }, "windowMs");
  await refused({ rules: [TO_WEST], concurrency: 0 }, "concurrency");
  await refused({ rules: [TO_WEST], dryrun: true }, "dryrun");
  const sdk = await sweepCopyRules(
    client,
    { rules: [TO_WEST], abortSignal: AbortSignal.abort() } as never,
  )
    .catch((e) => e);
  assert.equal(
    sdk.message,
    'Invalid sweepCopyRules options: abortSignal is unknown: AWS SDK v3\'s abortSignal is "signal" here',
  );
  await refused({ rules: [{ ...TO_WEST, regions: [] }] }, "rules[0].regions");
  // With a client per place, vault names need the places to look in.
  await refused({ rules: [TO_WEST] }, "rules[0]", () => client);
  assert.equal(emulator.requests.length, 0);
  const byArn = await sweepCopyRules(() => client, {
    rules: [{ ...TO_WEST, sourceBackupVaults: [DEMO_VAULT_ARNS[0]] }],
    dryRun: true,
  });
  assert.equal(byArn.ok, true);
});

Deno.test("events and the sweep agree on what AWS can copy: continuous, cold, expired, composite members", async () => {
  const now = Date.now();
  const point = (id: string, more: Partial<RecoveryPointFixture> = {}): RecoveryPointFixture => ({
    arn: `arn:aws:backup:${DEMO_REGION}:${DEMO_ACCOUNT_ID}:recovery-point:${id}`,
    backupVaultName: DEFAULT_VAULT_NAME,
    resourceArn: `arn:aws:dynamodb:${DEMO_REGION}:${DEMO_ACCOUNT_ID}:table/${id}`,
    resourceType: "DynamoDB",
    backupSizeInBytes: 1024,
    creationDateMs: now - 3_600_000,
    ...more,
  });
  const points = {
    copyable: point("copyable"),
    continuous: point("continuous:orders-0123456789"),
    cold: point("cold", { storageClass: "COLD", moveToColdStorageAtMs: now - 60_000 }),
    expired: point("expired", { status: "EXPIRED" }),
    parent: point("parent"),
    member: point("member", {
      parentRecoveryPointArn: point("parent").arn,
      resourceType: "S3",
      resourceArn: "arn:aws:s3:::member-bucket",
    }),
  };
  await using emulator = await startEmulator({
    jobDurationMs: 100,
    recoveryPoints: Object.values(points),
  });
  const client = clientOf(emulator);
  // What the sweep would do, before anything is copied.
  const dry = await sweepCopyRules(client, { rules: [TO_WEST], dryRun: true });
  const bySweep = new Map(
    dry.entries.map((e) => [e.recoveryPointArn, e.skipReason?.code ?? e.outcome]),
  );
  // What each recovery point's own COMPLETED event does: Recovery Point State Change as AWS
  // sends it (the event does not say that a point is continuous, cold, expired or a member).
  const byEvent = new Map<string, string>();
  for (const p of Object.values(points)) {
    const result = await copyOnBackupEvent(client, recoveryPointCompleted(p.arn), {
      rules: [TO_WEST],
    });
    byEvent.set(p.arn, result.ignored?.code ?? result.copies[0].outcome);
  }
  assert.deepEqual(Object.fromEntries(bySweep), {
    [points.copyable.arn]: "planned",
    [points.continuous.arn]: "CONTINUOUS",
    [points.cold.arn]: "STORAGE_CLASS",
    [points.expired.arn]: "STATUS",
    [points.parent.arn]: "planned",
    [points.member.arn]: "COMPOSITE_MEMBER",
  });
  assert.deepEqual(
    Object.fromEntries(byEvent),
    Object.fromEntries(
      [...bySweep].map(([arn, code]) => [arn, code === "planned" ? "started" : code]),
    ),
  );
  // Only the copyable ones reached StartCopyJob (the parent with its member as a child job), and
  // the sweep now finds both copies made.
  const starts = emulator.requests.filter((r) => r.operation === "StartCopyJob");
  assert.deepEqual(
    starts.map((r) => JSON.parse(r.body).RecoveryPointArn).sort(),
    [points.copyable.arn, points.parent.arn].sort(),
  );
  const after = await sweepCopyRules(client, { rules: [TO_WEST] });
  assert.equal(after.totals.started, 0);
  assert.equal(after.totals.existing + after.totals["in-progress"], 2);
  assert.equal(after.totals.failed, 0);
});

/** "Recovery Point State Change" COMPLETED of a recovery point in `Default`. */
function recoveryPointCompleted(recoveryPointArn: string) {
  return {
    version: "0",
    id: crypto.randomUUID(),
    "detail-type": "Recovery Point State Change",
    source: "aws.backup",
    account: DEMO_ACCOUNT_ID,
    time: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
    region: DEMO_REGION,
    resources: [recoveryPointArn],
    detail: {
      backupVaultName: DEFAULT_VAULT_NAME,
      backupVaultArn: DEFAULT_VAULT_ARN,
      status: "COMPLETED",
      storageClass: "WARM",
    },
  };
}
