/**
 * copyOnBackupEvent against the emulator over real HTTP: the same event delivered 5 times in a
 * row, 10 times at once and again after the copy finished makes one copy job per (recovery
 * point, destination); two rules make two; second hops (in the same account, and in another
 * Region through a client per place); lookups of what an event leaves out; events ignored with
 * their reasons; malformed events and options refused before anything is sent; faults.
 */

import assert from "node:assert/strict";
import {
  BackupClient,
  copyIdempotencyToken,
  copyOnBackupEvent,
  type CopyRule,
  eventBridgeHandler,
  type Place,
  startBackupJob,
  sweepCopyRules,
  ValidationError,
} from "../mod.ts";
import {
  CROSS_ACCOUNT_VAULT_ARN,
  DEFAULT_VAULT_NAME,
  DEMO_ACCOUNT_ID,
  DEMO_CREDENTIALS,
  DEMO_IAM_ROLE_ARN,
  DEMO_REGION,
  DR_VAULT_ARN,
  DR_VAULT_NAME,
  DR_VAULT_WEST_ARN,
  RECOVERY_POINT_FAILING_ARN,
  RECOVERY_POINT_OK_ARN,
  startEmulator,
} from "../emulator/mod.ts";
import { bundle } from "../testing/bundle.ts";
import {
  backupJobCompleted,
  clientOf,
  copyJobCompleted,
  jobCounts,
} from "./support/backup_events.ts";

const TO_WEST: CopyRule = {
  name: "to-west",
  sourceBackupVaults: [DEFAULT_VAULT_NAME],
  destinationBackupVaultArn: DR_VAULT_WEST_ARN,
  iamRoleArn: DEMO_IAM_ROLE_ARN,
  lifecycle: { DeleteAfterDays: 35 },
};

Deno.test("the same event 5 times in a row, 10 at once, and after the copy finished: one copy job", async () => {
  await using emulator = await startEmulator({ jobDurationMs: 400 });
  const client = clientOf(emulator);
  const event = backupJobCompleted(RECOVERY_POINT_OK_ARN);
  const rules = [TO_WEST];

  const sequential = [];
  for (let i = 0; i < 5; i++) sequential.push(await copyOnBackupEvent(client, event, { rules }));
  assert.equal(sequential[0].copies[0].outcome, "started");
  const [job] = emulator.jobs();
  assert.equal(sequential[0].copies[0].copyJobId, job.CopyJobId);
  assert.equal(
    sequential[0].copies[0].idempotencyToken,
    await copyIdempotencyToken(RECOVERY_POINT_OK_ARN, DR_VAULT_WEST_ARN),
  );
  for (const later of sequential.slice(1)) {
    assert.equal(later.copies[0].outcome, "in-progress");
    assert.equal(later.copies[0].copyJobId, job.CopyJobId);
  }

  const concurrent = await Promise.all(
    Array.from({ length: 10 }, () => copyOnBackupEvent(client, event, { rules })),
  );
  for (const result of concurrent) assert.equal(result.copies[0].copyJobId, job.CopyJobId);

  await new Promise((resolve) => setTimeout(resolve, 450));
  const late = await copyOnBackupEvent(client, event, { rules });
  assert.equal(late.copies[0].outcome, "existing");
  assert.equal(late.copies[0].state, "COMPLETED");
  assert.deepEqual([...jobCounts(emulator).values()], [1]);
  assert.equal(emulator.jobs()[0].IamRoleArn, DEMO_IAM_ROLE_ARN);
  const start = emulator.requests.find((r) => r.operation === "StartCopyJob")!;
  assert.deepEqual(JSON.parse(start.body).Lifecycle, { DeleteAfterDays: 35 });
});

Deno.test("10 deliveries racing before any copy shows: one StartCopyJob token, one job", async () => {
  await using emulator = await startEmulator({ jobDurationMs: 2000 });
  const client = clientOf(emulator);
  const event = backupJobCompleted(RECOVERY_POINT_OK_ARN);
  // Every delivery lists before any starts: all of them send StartCopyJob, with one token.
  emulator.injectFaults(...Array.from({ length: 10 }, () => ({ delayMs: 200 })));
  const results = await Promise.all(
    Array.from({ length: 10 }, () => copyOnBackupEvent(client, event, { rules: [TO_WEST] })),
  );
  const starts = emulator.requests.filter((r) => r.operation === "StartCopyJob");
  assert.ok(starts.length > 1, `${starts.length} StartCopyJob calls raced`);
  assert.equal(new Set(starts.map((r) => JSON.parse(r.body).IdempotencyToken)).size, 1);
  assert.equal(emulator.jobs().length, 1);
  assert.ok(results.every((r) => r.copies[0].copyJobId === emulator.jobs()[0].CopyJobId));
});

Deno.test("two rules: two destinations, each copied once", async () => {
  await using emulator = await startEmulator({ jobDurationMs: 300 });
  const client = clientOf(emulator);
  const rules: CopyRule[] = [TO_WEST, {
    name: "central",
    destinationBackupVaultArn: CROSS_ACCOUNT_VAULT_ARN,
    iamRoleArn: DEMO_IAM_ROLE_ARN,
  }];
  const event = backupJobCompleted(RECOVERY_POINT_OK_ARN);
  const first = await copyOnBackupEvent(client, event, { rules });
  assert.deepEqual(first.copies.map((c) => [c.rule, c.outcome]), [
    ["to-west", "started"],
    ["central", "started"],
  ]);
  await copyOnBackupEvent(client, event, { rules });
  const counts = jobCounts(emulator);
  assert.deepEqual([...counts.keys()].sort(), [
    `${RECOVERY_POINT_OK_ARN} → ${CROSS_ACCOUNT_VAULT_ARN}`,
    `${RECOVERY_POINT_OK_ARN} → ${DR_VAULT_WEST_ARN}`,
  ]);
  assert.deepEqual([...counts.values()], [1, 1]);
});

Deno.test("a Backup Job event without the recovery point: DescribeBackupJob names it", async () => {
  await using emulator = await startEmulator({ jobDurationMs: 200 });
  const client = clientOf(emulator);
  const { BackupJobId, RecoveryPointArn } = await startBackupJob(client, {
    BackupVaultName: DEFAULT_VAULT_NAME,
    ResourceArn: `arn:aws:ec2:${DEMO_REGION}:${DEMO_ACCOUNT_ID}:volume/vol-0123456789abcdef0`,
    IamRoleArn: DEMO_IAM_ROLE_ARN,
  });
  const event = backupJobCompleted("", {
    resources: [],
    detail: { backupJobId: BackupJobId, resourceType: undefined, resourceArn: undefined },
  });
  // Too early: the job is still running, so there is nothing to copy yet.
  const early = await copyOnBackupEvent(client, event, { rules: [TO_WEST] });
  assert.equal(early.ignored?.code, "STATE");
  assert.match(early.ignored!.message, /is (CREATED|RUNNING)/);
  await new Promise((resolve) => setTimeout(resolve, 250));
  const ebsOnly = { ...TO_WEST, resourceTypes: ["EBS"] };
  const result = await copyOnBackupEvent(client, event, { rules: [ebsOnly] });
  assert.equal(result.recoveryPoint?.recoveryPointArn, RecoveryPointArn);
  assert.equal(result.recoveryPoint?.resourceType, "EBS");
  assert.equal(result.copies[0].outcome, "started");
  assert.equal(emulator.jobs()[0].SourceRecoveryPointArn, RecoveryPointArn);
  assert.ok(emulator.requests.some((r) => r.operation === "DescribeBackupJob"));
});

Deno.test("a rule on resource types: DescribeRecoveryPoint when the event does not say", async () => {
  await using emulator = await startEmulator({ jobDurationMs: 200 });
  const client = clientOf(emulator);
  const event = backupJobCompleted(RECOVERY_POINT_OK_ARN, {
    detail: { resourceType: undefined, resourceArn: undefined },
  });
  const result = await copyOnBackupEvent(client, event, {
    rules: [{ ...TO_WEST, resourceTypes: ["EBS"] }],
  });
  assert.equal(result.ignored?.code, "RESOURCE_TYPE");
  assert.ok(emulator.requests.some((r) => r.operation === "DescribeRecoveryPoint"));
  assert.equal(emulator.jobs().length, 0);
});

Deno.test("second hop in one account: the Copy Job event of the first copy starts the second", async () => {
  await using emulator = await startEmulator({ jobDurationMs: 200, events: true });
  const client = clientOf(emulator);
  // No lifecycle on the first hop: a copy's DeleteAfterDays counts from its source's creation
  // date (the emulator's demo points are from 2026-01-01), and an expired copy cannot be copied.
  const { lifecycle: _lifecycle, ...toWest } = TO_WEST;
  const rules: CopyRule[] = [
    { ...toWest, name: "hop-1", destinationBackupVaultArn: DR_VAULT_ARN },
    {
      name: "hop-2",
      sourceBackupVaults: [DR_VAULT_ARN],
      eventTypes: ["Copy Job State Change"],
      destinationBackupVaultArn: DR_VAULT_WEST_ARN,
      iamRoleArn: DEMO_IAM_ROLE_ARN,
    },
  ];
  await copyOnBackupEvent(client, backupJobCompleted(RECOVERY_POINT_OK_ARN), { rules });
  await emulator.settled();
  const completed = emulator.events.find((e) =>
    e["detail-type"] === "Copy Job State Change" && e.detail.state === "COMPLETED"
  )!;
  const firstCopy = emulator.jobs()[0];
  assert.equal(completed.detail.destinationRecoveryPointArn, firstCopy.DestinationRecoveryPointArn);
  const second = await copyOnBackupEvent(client, completed, { rules });
  assert.deepEqual(second.skippedRules.map((s) => [s.rule, s.code]), [["hop-1", "SAME_VAULT"]]);
  assert.equal(second.copies[0].outcome, "started");
  const hop2 = emulator.jobs()[1];
  assert.equal(hop2.SourceRecoveryPointArn, firstCopy.DestinationRecoveryPointArn);
  assert.equal(hop2.SourceBackupVaultArn, DR_VAULT_ARN);
  assert.equal(hop2.DestinationBackupVaultArn, DR_VAULT_WEST_ARN);
  // The Recovery Point State Change of the landed copy names the same point: no second job.
  const landed = emulator.events.find((e) =>
    e["detail-type"] === "Recovery Point State Change" &&
    e.resources[0] === firstCopy.DestinationRecoveryPointArn
  )!;
  const rules3 = rules.map((r) => ({ ...r, eventTypes: undefined }));
  const third = await copyOnBackupEvent(client, landed, { rules: rules3 });
  assert.equal(third.copies[0].outcome, "in-progress");
  assert.equal(emulator.jobs().length, 2);
});

Deno.test("second hop in another Region: StartCopyJob goes to the client of that Region", async () => {
  // The first copy landed in dr-vault-west (us-west-2); the second hop copies it from there.
  const landed =
    `arn:aws:backup:us-west-2:${DEMO_ACCOUNT_ID}:recovery-point:9f1e2d3c-4b5a-4968-8776-655443322110`;
  await using east = await startEmulator({ jobDurationMs: 200 });
  await using west = await startEmulator({
    region: "us-west-2",
    jobDurationMs: 200,
    vaults: [DR_VAULT_WEST_ARN, CROSS_ACCOUNT_VAULT_ARN],
    recoveryPoints: [{
      arn: landed,
      backupVaultName: "dr-vault-west",
      resourceArn: `arn:aws:dynamodb:${DEMO_REGION}:${DEMO_ACCOUNT_ID}:table/orders`,
      resourceType: "DynamoDB",
      backupSizeInBytes: 1024,
    }],
  });
  const rule: CopyRule = {
    name: "west-to-central",
    sourceBackupVaults: [DR_VAULT_WEST_ARN],
    destinationBackupVaultArn: CROSS_ACCOUNT_VAULT_ARN,
    iamRoleArn: DEMO_IAM_ROLE_ARN,
  };
  // Emitted in the first copy's source account and Region (us-east-1).
  const event = copyJobCompleted(RECOVERY_POINT_OK_ARN, DR_VAULT_WEST_ARN, landed);
  const asked: Place[] = [];
  const clients = (place: Place) => {
    asked.push(place);
    return clientOf(place.region === "us-west-2" ? west : east);
  };
  const result = await copyOnBackupEvent(clients, event, { rules: [rule] });
  assert.deepEqual(asked, [{ region: "us-west-2", accountId: DEMO_ACCOUNT_ID }]);
  assert.equal(result.copies[0].outcome, "started");
  assert.equal(west.jobs().length, 1);
  assert.equal(west.jobs()[0].SourceRecoveryPointArn, landed);
  assert.equal(east.requests.length, 0);

  // One client for us-east-1 cannot do it: a failure that a retry would not fix; nothing sent.
  const wrong = await copyOnBackupEvent(clientOf(east), event, { rules: [rule] });
  assert.equal(wrong.copies[0].outcome, "failed");
  assert.equal(wrong.copies[0].error?.name, "WrongRegionError");
  assert.equal(wrong.copies[0].error?.retryable, false);
  assert.equal(wrong.retryable, false);
  assert.equal(east.requests.length, 0);
});

Deno.test("ignored events say why, and the ones decided from the event alone send nothing", async () => {
  await using emulator = await startEmulator();
  const client = clientOf(emulator);
  const base = backupJobCompleted(RECOVERY_POINT_OK_ARN);
  const cases: [string, unknown, CopyRule[], string][] = [
    ["source", { ...base, source: "aws.ec2" }, [TO_WEST], "SOURCE"],
    [
      "vault event",
      { ...base, "detail-type": "Backup Vault State Change" },
      [TO_WEST],
      "DETAIL_TYPE",
    ],
    [
      "running",
      backupJobCompleted("", { resources: [], detail: { state: "RUNNING" } }),
      [TO_WEST],
      "STATE",
    ],
    [
      "composite member",
      backupJobCompleted(RECOVERY_POINT_OK_ARN, { detail: { parentJobId: "PARENT-1" } }),
      [TO_WEST],
      "COMPOSITE_MEMBER",
    ],
    ["other account", base, [{ ...TO_WEST, accounts: ["444455556666"] }], "ACCOUNT"],
    ["other Region", base, [{ ...TO_WEST, regions: ["eu-west-1"] }], "REGION"],
    ["other vault", base, [{ ...TO_WEST, sourceBackupVaults: [DR_VAULT_NAME] }], "SOURCE_VAULT"],
    ["resource type", base, [{ ...TO_WEST, resourceTypes: ["EBS"] }], "RESOURCE_TYPE"],
    ["event type", base, [{ ...TO_WEST, eventTypes: ["Copy Job State Change"] }], "EVENT_TYPE"],
    [
      "no rule",
      base,
      [{ ...TO_WEST, regions: ["eu-west-1"] }, {
        ...TO_WEST,
        name: "other",
        accounts: ["444455556666"],
      }],
      "NO_RULE",
    ],
  ];
  for (const [label, event, rules, code] of cases) {
    const result = await copyOnBackupEvent(client, event, { rules });
    assert.equal(result.ignored?.code, code, `${label}: ${JSON.stringify(result.ignored)}`);
    assert.ok(result.ignored!.message.length > 10, label);
    assert.deepEqual(result.copies, [], label);
  }
  assert.equal(emulator.requests.length, 0, "no call for an event the rules decide alone");
  const noRule = await copyOnBackupEvent(client, base, { rules: cases[9][2] });
  assert.deepEqual(noRule.skippedRules.map((s) => s.code), ["REGION", "ACCOUNT"]);
});

Deno.test("malformed events and bad options: ValidationError naming the path, nothing sent", async () => {
  await using emulator = await startEmulator();
  const client = clientOf(emulator);
  const event = backupJobCompleted(RECOVERY_POINT_OK_ARN);
  const refused = async (e: unknown, options: unknown, paths: string[]) => {
    const error = await copyOnBackupEvent(client, e, options as never).then(
      () => assert.fail("accepted"),
      (error) => error,
    );
    assert.ok(error instanceof ValidationError, String(error));
    for (const path of paths) {
      assert.ok(
        error.issues.some((i: { path: string }) => i.path === path),
        `${path} in ${error.message}`,
      );
    }
    return error as ValidationError;
  };
  const rules = [TO_WEST];
  await refused("not an event", { rules }, ["event"]);
  await refused(null, { rules }, ["event"]);
  await refused({ ...event, id: 42, resources: "x" }, { rules }, ["event.id", "event.resources"]);
  await refused({ ...event, detail: [] }, { rules }, ["event.detail"]);
  await refused({ ...event, account: "1234", time: "yesterday" }, { rules }, [
    "event.account",
    "event.time",
  ]);
  await refused(
    backupJobCompleted(RECOVERY_POINT_OK_ARN, { detail: { state: 7, backupVaultName: 1 } }),
    { rules },
    ["event.detail.state"],
  );
  await refused(
    copyJobCompleted(RECOVERY_POINT_OK_ARN, "dr-vault", "not-an-arn"),
    { rules },
    ["event.detail.destinationBackupVaultArn", "event.detail.destinationRecoveryPointArn"],
  );
  const typo = await refused(event, { rules: [{ ...TO_WEST, sourceBackupVault: ["x"] }] }, [
    "rules[0].sourceBackupVault",
  ]);
  assert.match(typo.message, /sourceBackupVault is unknown; did you mean "sourceBackupVaults"\?/);
  // A resource type AWS Backup never sends would match no event, silently.
  const ebs = await refused(event, { rules: [{ ...TO_WEST, resourceTypes: ["ebs", "Dynamo"] }] }, [
    "rules[0].resourceTypes[0]",
    "rules[0].resourceTypes[1]",
  ]);
  assert.match(ebs.message, /'ebs' is not a resource type of AWS Backup \(did you mean EBS\?\)/);
  assert.match(ebs.message, /'Dynamo' .*did you mean DynamoDB\?/);
  await refused(event, {
    rules: [{ ...TO_WEST, destinationBackupVaultArn: "dr", iamRoleArn: "role" }],
  }, ["rules[0].destinationBackupVaultArn", "rules[0].iamRoleArn"]);
  await refused(event, {
    rules: [{ ...TO_WEST, lifecycle: { DeleteAfterDays: 0, DeleteAfterEvnt: "x" } }],
  }, ["rules[0].lifecycle.DeleteAfterDays", "rules[0].lifecycle.DeleteAfterEvnt"]);
  await refused(event, { rules: [] }, ["rules"]);
  await refused(event, { rules, maxFailedCopies: 0, copyKey: "", retries: 3 }, [
    "maxFailedCopies",
    "copyKey",
    "retries",
  ]);
  // The AWS SDK v3's name for the signal, and a Lifecycle member misspelt in a rule.
  const sdk = await refused(event, {
    rules: [{ ...TO_WEST, lifecycle: { DeleteAfterDay: 35 } }],
    abortSignal: AbortSignal.timeout(1000),
  }, ["abortSignal"]);
  assert.deepEqual(sdk.issues, [
    { path: "abortSignal", message: 'is unknown: AWS SDK v3\'s abortSignal is "signal" here' },
    {
      path: "rules[0].lifecycle.DeleteAfterDay",
      message: 'is unknown; did you mean "DeleteAfterDays"?',
    },
  ]);
  // Two rules that take each other's copies would copy forever.
  const circle = await refused(event, {
    rules: [
      { name: "a", destinationBackupVaultArn: DR_VAULT_WEST_ARN, iamRoleArn: DEMO_IAM_ROLE_ARN },
      {
        name: "b",
        destinationBackupVaultArn: CROSS_ACCOUNT_VAULT_ARN,
        iamRoleArn: DEMO_IAM_ROLE_ARN,
      },
    ],
  }, ["rules[0]"]);
  assert.match(circle.message, /circle \(a → b → a\)/);
  const notClient = await copyOnBackupEvent({} as BackupClient, event, { rules }).catch((e) => e);
  assert.ok(notClient instanceof ValidationError && notClient.issues[0].path === "client");
  assert.equal(emulator.requests.length, 0);
});

Deno.test("faults: 5xx, throttling and a reset after commit still give one job; a failure says if a retry may help", async () => {
  await using emulator = await startEmulator({ jobDurationMs: 1000 });
  const event = backupJobCompleted(RECOVERY_POINT_OK_ARN);
  const rules = [TO_WEST];
  // The client's own retries absorb them: DescribeRecoveryPoint answered (a zero delay), then
  // ListCopyJobs 503, StartCopyJob throttled, then reset after the job was created.
  emulator.injectFaults(
    { delayMs: 0 },
    { status: 503, errorType: "ServiceUnavailableException" },
    { status: 400, errorType: "ThrottlingException" },
    { reset: true, afterCommit: true },
  );
  const retried = await copyOnBackupEvent(clientOf(emulator, 4), event, { rules });
  assert.equal(retried.copies[0].outcome, "started", JSON.stringify(retried));
  assert.equal(emulator.jobs().length, 1);

  // Without client retries, the failure comes back, marked retryable; EventBridge would retry.
  await using other = await startEmulator({ jobDurationMs: 1000 });
  const once = clientOf(other, 1);
  other.injectFaults({ delayMs: 0 }, { status: 400, errorType: "ThrottlingException" });
  const throttled = await copyOnBackupEvent(once, event, { rules });
  assert.equal(throttled.copies[0].outcome, "failed");
  assert.deepEqual(
    { ...throttled.copies[0].error, message: undefined },
    { name: "ThrottlingException", message: undefined, retryable: true, throttling: true },
  );
  // DescribeRecoveryPoint and ListCopyJobs answered (zero delays), then StartCopyJob's answer
  // lost after the job was made.
  other.injectFaults({ delayMs: 0 }, { delayMs: 0 }, { reset: true, afterCommit: true });
  const lost = await copyOnBackupEvent(once, event, { rules });
  assert.equal(lost.copies[0].outcome, "failed");
  assert.equal(lost.copies[0].error?.retryable, true, JSON.stringify(lost.copies[0].error));
  const again = await copyOnBackupEvent(once, event, { rules });
  assert.equal(again.copies[0].outcome, "in-progress", JSON.stringify(again));
  assert.equal(other.jobs().length, 1, "the retry found the job the lost answer had made");
  await using third = await startEmulator();
  third.injectFaults({ delayMs: 0 }, { status: 403, errorType: "AccessDeniedException" });
  const denied = await copyOnBackupEvent(clientOf(third, 1), event, { rules });
  assert.equal(denied.copies[0].error?.retryable, false);
  assert.equal(denied.retryable, false);
});

Deno.test("copyKey makes a deliberate second copy, once; failed copies are tried again up to maxFailedCopies", async () => {
  await using emulator = await startEmulator({ jobDurationMs: 150 });
  const client = clientOf(emulator);
  const event = backupJobCompleted(RECOVERY_POINT_OK_ARN);
  await copyOnBackupEvent(client, event, { rules: [TO_WEST] });
  const extra = await copyOnBackupEvent(client, event, { rules: [TO_WEST], copyKey: "audit-2026" });
  assert.equal(extra.copies[0].outcome, "started");
  assert.equal(
    extra.copies[0].idempotencyToken,
    await copyIdempotencyToken(RECOVERY_POINT_OK_ARN, DR_VAULT_WEST_ARN, { copyKey: "audit-2026" }),
  );
  await copyOnBackupEvent(client, event, { rules: [TO_WEST], copyKey: "audit-2026" });
  assert.equal(emulator.jobs().length, 2);

  const failing = backupJobCompleted(RECOVERY_POINT_FAILING_ARN);
  const outcomes: string[] = [];
  for (let i = 0; i < 3; i++) {
    const result = await copyOnBackupEvent(client, failing, {
      rules: [TO_WEST],
      maxFailedCopies: 2,
    });
    outcomes.push(result.copies[0].outcome);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.deepEqual(outcomes, ["started", "started", "gave-up"]);
  const failed = emulator.jobs().filter((j) =>
    j.SourceRecoveryPointArn === RECOVERY_POINT_FAILING_ARN
  );
  assert.equal(failed.length, 2);
  assert.ok(failed.every((j) => j.State === "FAILED"));
});

Deno.test("a client for every place is called with the recovery point's Region and account", async () => {
  await using emulator = await startEmulator({ jobDurationMs: 100 });
  const places: Place[] = [];
  await copyOnBackupEvent(
    (place) => {
      places.push(place);
      return new BackupClient({
        region: place.region,
        endpoint: emulator.url,
        credentials: { ...DEMO_CREDENTIALS },
      });
    },
    backupJobCompleted(RECOVERY_POINT_OK_ARN),
    { rules: [TO_WEST] },
  );
  assert.deepEqual(places, [{ region: DEMO_REGION, accountId: DEMO_ACCOUNT_ID }]);
  assert.equal(emulator.jobs().length, 1);
});

Deno.test("tree-shaking: the StartCopyJob-only Worker holds none of the event code", async () => {
  const code = await Deno.readTextFile(
    await bundle(new URL("../testing/workers/start_copy_job_worker.ts", import.meta.url), {
      outFile: new URL("./.out/bundles/start_copy_job_worker.events-check.js", import.meta.url),
    }),
  );
  assert.ok(code.includes("StartCopyJob"));
  const markers = [
    "Backup Job State Change",
    "TimeBudgetExceeded",
    "WrongRegionError",
    // (Not "did you mean": the runtime's own unknown-key checks say it too.)
    "copies in a circle",
    // The event module's number constants, as products or as a minifier writes literals.
    "256*1024",
    "24*60*60",
    "2592e5",
    "262144",
    "/backup-jobs",
  ];
  for (const marker of markers) {
    assert.ok(!code.includes(marker), `the StartCopyJob-only bundle contains ${marker}`);
  }
});

Deno.test("arguments in another order name the call's order, before anything is sent", async () => {
  await using emulator = await startEmulator();
  const client = clientOf(emulator);
  const event = backupJobCompleted(RECOVERY_POINT_OK_ARN);
  const rules = [TO_WEST];
  const order =
    /^Invalid copyOnBackupEvent call: arguments are out of order: call copyOnBackupEvent\(client, event, options\)/;
  await assert.rejects(copyOnBackupEvent(event as never, { client, rules }, undefined as never), {
    name: "ValidationError",
    message: order,
  });
  await assert.rejects(copyOnBackupEvent(event as never, client, { rules }), { message: order });
  await assert.rejects(sweepCopyRules({ rules } as never, client as never), {
    name: "ValidationError",
    message: /arguments are out of order: call sweepCopyRules\(client, options\)/,
  });
  assert.throws(() => eventBridgeHandler(client as never), {
    name: "ValidationError",
    message:
      /eventBridgeHandler call: arguments are one object, the options, with the client in it/,
  });
  // A missing client is still named as the client, not as an order.
  await assert.rejects(copyOnBackupEvent(undefined as never, event, { rules }), {
    message: /Invalid copyOnBackupEvent options: client must be a BackupClient/,
  });
  assert.equal(emulator.requests.length, 0);
});
