/**
 * Every mistake a caller of copyRecoveryPoints makes is caught and named, before anything is
 * sent: unknown option keys (with the key meant), dates in the wrong order, resource types AWS
 * does not use, ARNs of the wrong shape; a run that selects nothing is not a success; a run whose
 * first starts are all refused alike stops with that one error.
 */

import assert from "node:assert/strict";
import {
  BACKUP_RESOURCE_TYPES,
  copyRecoveryPoints,
  type CopyRecoveryPointsOptions,
  CopyRunRefusedError,
  MemoryCheckpointStore,
  ValidationError,
} from "../mod.ts";
import { startEmulator } from "../emulator/mod.ts";
import {
  clientOf,
  FAST,
  FIRST_CREATED_MS,
  pointArn,
  SOURCE_VAULT,
  vaultSeed,
} from "./support/copy_vault_fixtures.ts";

/** The issues of the ValidationError a call rejects with, by path. */
async function issuesOf(call: Promise<unknown>): Promise<Record<string, string>> {
  const error = await call.then(() => undefined, (e) => e);
  assert.ok(error instanceof ValidationError, `expected a ValidationError, got ${error}`);
  return Object.fromEntries(error.issues.map((i) => [i.path, i.message]));
}

Deno.test("unknown option keys are errors naming the key meant; nothing is sent", async () => {
  await using emulator = await startEmulator({ ...vaultSeed(2), jobDurationMs: 30 });
  const client = clientOf(emulator);
  const issues = await issuesOf(copyRecoveryPoints(client, {
    ...FAST,
    concurency: 2,
    abortSignal: AbortSignal.timeout(1000),
    lifecycle: { DeleteAfterDay: 35 },
    colour: "blue",
    deleteAfterDays: 35, // the CLIs' --delete-after-days
    dryrun: undefined, // a misspelled option is a mistake whatever its value
    checkpoint: { get: () => {}, put: () => {} },
  } as unknown as CopyRecoveryPointsOptions));
  assert.deepEqual(issues, {
    concurency: 'is unknown; did you mean "concurrency"?',
    abortSignal: 'is unknown: AWS SDK v3\'s abortSignal is "signal" here',
    colour: "is unknown",
    deleteAfterDays: "is unknown: the copies' lifecycle is lifecycle: { DeleteAfterDays: n }",
    dryrun: 'is unknown; did you mean "dryRun"?',
    "lifecycle.DeleteAfterDay": 'is unknown; did you mean "DeleteAfterDays"?',
    checkpoint: "must be a CheckpointStore (get, put and list methods)",
  });
  assert.equal(emulator.requests.length, 0);
});

Deno.test("a white-space runId and a maxWaitMs of 0 are refused before anything is sent", async () => {
  await using emulator = await startEmulator({ ...vaultSeed(2), jobDurationMs: 30 });
  const client = clientOf(emulator);
  for (const runId of ["", "   ", "\t\n"]) {
    const issues = await issuesOf(copyRecoveryPoints(client, { ...FAST, runId }));
    assert.deepEqual(issues, {
      runId: "must be a string with a character other than white space",
    });
  }
  const issues = await issuesOf(copyRecoveryPoints(client, { ...FAST, maxWaitMs: 0 }));
  assert.deepEqual(issues, { maxWaitMs: "must be a number of milliseconds, at least 1" });
  assert.equal(emulator.requests.length, 0);
});

Deno.test("selection mistakes: dates in the wrong order, resource types AWS does not use", async () => {
  await using emulator = await startEmulator({ ...vaultSeed(2), jobDurationMs: 30 });
  const client = clientOf(emulator);
  const day = new Date("2026-03-02T00:00:00Z");
  const issues = await issuesOf(copyRecoveryPoints(client, {
    ...FAST,
    createdAfter: day,
    createdBefore: day,
    resourceTypes: ["ebs", "Dynamo", "SAP HANA on Amazon EC2", "Tape"],
    resourceArns: ["vol-0123"],
  }));
  assert.match(issues.createdAfter, /must be before createdBefore/);
  assert.equal(
    issues["resourceTypes[0]"],
    "'ebs' is not a resource type of AWS Backup; did you mean EBS?",
  );
  assert.match(issues["resourceTypes[1]"], /did you mean DynamoDB\?/);
  assert.equal(issues["resourceTypes[2]"], undefined);
  assert.match(issues["resourceTypes[3]"], /not a resource type of AWS Backup \(one of Aurora, /);
  assert.match(issues["resourceArns[0]"], /must be an ARN/);
  assert.equal(Object.keys(issues).length, 5);
  assert.equal(emulator.requests.length, 0);
  // Every type AWS names is accepted.
  const all = await copyRecoveryPoints(client, {
    ...FAST,
    resourceTypes: BACKUP_RESOURCE_TYPES,
    dryRun: true,
  });
  assert.equal(all.totals.selected, 2);
});

Deno.test("ARNs are checked for shape before anything is sent", async () => {
  await using emulator = await startEmulator({ ...vaultSeed(1), jobDurationMs: 30 });
  const client = clientOf(emulator);
  const cases: [Partial<CopyRecoveryPointsOptions>, string, RegExp][] = [
    [{ destinationBackupVaultArn: "dr-vault" }, "destinationBackupVaultArn", /a vault name/],
    [
      { destinationBackupVaultArn: "arn:aws:s3:::backups" },
      "destinationBackupVaultArn",
      /must be a backup vault ARN/,
    ],
    [
      { destinationBackupVaultArn: "arn:aws:backup:us-west-2:1111:backup-vault:dr" },
      "destinationBackupVaultArn",
      /arn:PARTITION:backup:REGION:ACCOUNT:backup-vault:NAME/,
    ],
    [{ iamRoleArn: "AWSBackupDefaultServiceRole" }, "iamRoleArn", /must be an IAM role ARN/],
    [
      { iamRoleArn: "arn:aws:iam::111122223333:user/backup" },
      "iamRoleArn",
      /must be an IAM role ARN/,
    ],
  ];
  for (const [override, path, message] of cases) {
    const issues = await issuesOf(copyRecoveryPoints(client, { ...FAST, ...override }));
    assert.match(issues[path] ?? "", message, JSON.stringify(override));
  }
  assert.equal(emulator.requests.length, 0);
  // Well-formed ARNs of other partitions, paths and names pass the check.
  for (
    const [vault, role] of [
      [
        "arn:aws-us-gov:backup:us-gov-west-1:111122223333:backup-vault:dr_1",
        "arn:aws-us-gov:iam::111122223333:role/service-role/AWSBackupDefaultServiceRole",
      ],
      [
        "arn:aws-cn:backup:cn-north-1:111122223333:backup-vault:DR-2",
        "arn:aws-cn:iam::111122223333:role/r+=,.@-",
      ],
    ]
  ) {
    const dry = await copyRecoveryPoints(client, {
      ...FAST,
      destinationBackupVaultArn: vault,
      iamRoleArn: role,
      dryRun: true,
    });
    assert.equal(dry.totals.planned, 1, vault);
  }
});

Deno.test("a selection that takes nothing is not a success, unless allowEmpty", async () => {
  const seed = vaultSeed(3, (f, i) => {
    if (i === 2) f.status = "EXPIRED";
  });
  await using emulator = await startEmulator({
    ...seed,
    vaults: [...seed.vaults, seed.vaults[0].replace(SOURCE_VAULT, "empty")],
    jobDurationMs: 30,
  });
  const client = clientOf(emulator);
  // Filters AWS applies match nothing: DescribeBackupVault tells an empty selection from an
  // empty vault.
  const future = await copyRecoveryPoints(client, {
    ...FAST,
    createdAfter: new Date(FIRST_CREATED_MS + 365 * 86_400_000),
  });
  assert.equal(future.ok, false);
  assert.equal(future.failure?.code, "NOTHING_SELECTED");
  assert.match(future.failure!.message, /vault prod \(it holds 3\).*ByCreatedAfter.*allowEmpty/);
  assert.ok(emulator.requests.some((r) => r.operation === "DescribeBackupVault"));
  // Everything listed was skipped: the counts say why.
  const skipped = await copyRecoveryPoints(client, {
    ...FAST,
    resourceArns: [seed.recoveryPoints[2].resourceArn],
  });
  assert.equal(skipped.failure?.code, "NOTHING_SELECTED");
  assert.match(skipped.failure!.message, /none of the 1 recovery points .*1 STATUS/);
  const dry = await copyRecoveryPoints(client, { ...FAST, resourceTypes: ["S3"], dryRun: true });
  assert.deepEqual([dry.ok, dry.failure?.code], [false, "NOTHING_SELECTED"]);
  const empty = await copyRecoveryPoints(client, { ...FAST, sourceBackupVaultName: "empty" });
  assert.deepEqual([empty.ok, empty.failure?.code], [false, "EMPTY_VAULT"]);
  // The caller says an empty run is fine.
  for (const options of [{ resourceTypes: ["S3"] }, { sourceBackupVaultName: "empty" }]) {
    const fine = await copyRecoveryPoints(client, { ...FAST, ...options, allowEmpty: true });
    assert.deepEqual([fine.ok, fine.failure], [true, undefined]);
  }
  assert.equal(emulator.jobs().length, 0);
});

Deno.test("refusals for different reasons fail their points and the run goes on; a run with one or two points to start stops when they are refused alike", async () => {
  // Points 2..4 (listed first: newest) look WARM in the listing but are COLD: StartCopyJob
  // refuses each, naming it.
  const seed = vaultSeed(5, (f, i) => {
    if (i >= 2) {
      f.storageClass = "COLD";
      f.moveToColdStorageAtMs = Date.now() + 86_400_000;
    }
  });
  await using emulator = await startEmulator({ ...seed, jobDurationMs: 30 });
  const report = await copyRecoveryPoints(clientOf(emulator), { ...FAST, concurrency: 1 });
  assert.deepEqual(report.entries.map((e) => [e.recoveryPointArn, e.outcome]), [
    [pointArn(4), "FAILED"],
    [pointArn(3), "FAILED"],
    [pointArn(2), "FAILED"],
    [pointArn(1), "COMPLETED"],
    [pointArn(0), "COMPLETED"],
  ]);
  assert.ok(report.entries.slice(0, 3).every((e) => e.error?.name === "InvalidRequestException"));
  assert.equal(emulator.jobs().length, 2);

  // A run with one or two points to start, to a vault that does not exist: every start refused
  // alike stops it with the one error too (three would never come).
  const nowhere = "arn:aws:backup:us-west-2:111122223333:backup-vault:nowhere";
  for (const points of [1, 2]) {
    await using small = await startEmulator({ ...vaultSeed(points), jobDurationMs: 30 });
    const error = await copyRecoveryPoints(clientOf(small), {
      ...FAST,
      destinationBackupVaultArn: nowhere,
    }).catch((e) => e);
    assert.ok(error instanceof CopyRunRefusedError, `${points} point(s): ${JSON.stringify(error)}`);
    assert.equal(error.reason.name, "ResourceNotFoundException");
    assert.deepEqual(
      [...error.recoveryPointArns].sort(),
      Array.from({ length: points }, (_, i) => pointArn(i)).sort(),
    );
    assert.match(
      error.message,
      points === 1 ? /refused the run's only copy to start, so/ : /refused the first 2 copies/,
    );
    assert.equal(small.jobs().length, 0);
  }

  // Counted are the points to start, not the points: two of four ended in an earlier run of the
  // same runId (the checkpoint says so), and the other two, refused alike, stop the run.
  await using resumed = await startEmulator({ ...vaultSeed(4), jobDurationMs: 30 });
  const checkpoint = new MemoryCheckpointStore();
  for (const i of [0, 1]) {
    await checkpoint.put("r", {
      recoveryPointArn: pointArn(i),
      idempotencyToken: `token-${i}`,
      state: "COMPLETED",
      copyJobId: `job-${i}`,
      attempts: 1,
    });
  }
  const error = await copyRecoveryPoints(clientOf(resumed), {
    ...FAST,
    runId: "r",
    checkpoint,
    destinationBackupVaultArn: nowhere,
  }).catch((e) => e);
  assert.ok(error instanceof CopyRunRefusedError, String(error));
  assert.deepEqual([...error.recoveryPointArns].sort(), [pointArn(2), pointArn(3)]);
});

Deno.test("the first three starts refused alike (e.g. the role cannot be assumed): one typed error, no job made", async () => {
  const seed = vaultSeed(20);
  await using emulator = await startEmulator({ ...seed, jobDurationMs: 30 });
  const denied = {
    status: 400,
    errorType: "InvalidParameterValueException",
    message: "IAM Role arn:aws:iam::111122223333:role/wrong cannot be assumed by AWS Backup",
  };
  const error = await copyRecoveryPoints(clientOf(emulator, { maxAttempts: 1 }), {
    ...FAST,
    concurrency: 3,
    onProgress: (e) => {
      // Once the vault and the existing copies are listed, every request is refused so.
      if (e.type === "discovered" && e.totals.discovered === 20) {
        emulator.injectFaults({ delayMs: 0 }, ...Array(20).fill(denied));
      }
    },
  }).catch((e) => e);
  assert.ok(error instanceof CopyRunRefusedError, String(error));
  assert.deepEqual(error.reason, { name: denied.errorType, message: denied.message });
  assert.equal(error.recoveryPointArns.length, 3);
  assert.ok(
    error.recoveryPointArns.every((arn: string) => arn.startsWith(pointArn(0).slice(0, -4))),
  );
  assert.equal(emulator.jobs().length, 0);
  // Workers that were refused may have tried their next point before the third refusal came
  // back: at most one more start each, not one per point.
  const starts = emulator.requests.filter((r) => r.method === "PUT" && r.path === "/copy-jobs");
  assert.ok(starts.length >= 3 && starts.length <= 5, `${starts.length} StartCopyJob calls`);
});
