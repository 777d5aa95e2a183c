/**
 * verifyCopies against the emulator over real HTTP: every selected recovery point is judged by
 * itself (not by its resource) — completed, partial, running, failed with AWS's message,
 * expired (deleted from the destination vault, or past its lifecycle), missing — and the report
 * is ok only when every one has a completed copy.
 */

import assert from "node:assert/strict";
import {
  BackupClient,
  copyRecoveryPoints,
  deleteRecoveryPoint,
  DestinationVaultMismatchError,
  startCopyJob,
  ValidationError,
  verifyCopies,
  type VerifyCopiesOptions,
  type VerifyProgressEvent,
  verifyReportToJson,
} from "../mod.ts";
import {
  DEMO_CREDENTIALS,
  DEMO_IAM_ROLE_ARN,
  DR_VAULT_WEST_ARN,
  startEmulator,
} from "../emulator/mod.ts";
import {
  clientOf,
  FAST,
  LOCAL_DR_VAULT_ARN,
  pointArn,
  SOURCE_VAULT,
  SOURCE_VAULT_ARN,
  vaultSeed,
} from "./support/copy_vault_fixtures.ts";

const SHARED_VOLUME = "arn:aws:ec2:us-east-1:111122223333:volume/vol-0shared";

Deno.test("verifyCopies: completed, partial, running, failed, expired, deleted and missing copies, judged by recovery point", async () => {
  const seed = vaultSeed(9, (f, i) => {
    // Points 0 and 2 are two backups of one volume: 0 is copied, 2 is not.
    if (i === 0 || i === 2) f.resourceArn = SHARED_VOLUME;
    if (i === 1) {
      f.outcome = "FAILED";
      f.statusMessage = "Access denied: the destination vault's access policy";
    }
    if (i === 5) f.retryingForMs = 600_000; // its copy job stays CREATED, as AWS retries it
    if (i === 6) {
      f.outcome = "PARTIAL";
      f.statusMessage = "3 of 120 objects were not copied";
    }
    if (i === 7) f.status = "EXPIRED";
  });
  // Point 8 was copied long ago: its job is not in ListCopyJobs, the copy is in the vault.
  const old = seed.recoveryPoints[8];
  seed.recoveryPoints.push({
    ...old,
    arn: `${LOCAL_DR_VAULT_ARN.replace("backup-vault:local-dr", "recovery-point")}:copy-of-8`,
    backupVaultName: "local-dr",
    sourceBackupVaultArn: SOURCE_VAULT_ARN,
  });
  seed.recoveryPoints[8] = { ...old, status: "COMPLETED" };
  await using emulator = await startEmulator({ ...seed, jobDurationMs: 40 });
  const client = clientOf(emulator);
  const copy = (i: number, lifecycle?: { DeleteAfterDays: number }) =>
    copyRecoveryPoints(client, {
      ...FAST,
      destinationBackupVaultArn: LOCAL_DR_VAULT_ARN,
      resourceArns: [seed.recoveryPoints[i].resourceArn],
      createdAfter: new Date(seed.recoveryPoints[i].creationDateMs! - 1),
      createdBefore: new Date(seed.recoveryPoints[i].creationDateMs! + 1),
      ...(lifecycle ? { lifecycle } : {}),
    });
  for (const i of [0, 1, 3, 6]) await copy(i);
  // Point 4: copied with a lifecycle that has run out (copies count from the source's date).
  await copy(4, { DeleteAfterDays: 35 });
  // Point 3's copy is deleted from the destination vault.
  const copyOf3 = emulator.jobs().find((j) => j.SourceRecoveryPointArn === pointArn(3))!;
  await deleteRecoveryPoint(client, {
    BackupVaultName: "local-dr",
    RecoveryPointArn: copyOf3.DestinationRecoveryPointArn!,
  });
  await startCopyJob(client, {
    RecoveryPointArn: pointArn(5),
    SourceBackupVaultName: SOURCE_VAULT,
    DestinationBackupVaultArn: LOCAL_DR_VAULT_ARN,
    IamRoleArn: DEMO_IAM_ROLE_ARN,
  });
  emulator.clearRequests();

  const events: VerifyProgressEvent[] = [];
  const report = await verifyCopies(client, {
    sourceBackupVaultName: SOURCE_VAULT,
    destinationBackupVaultArn: LOCAL_DR_VAULT_ARN,
    onProgress: (e) => events.push(e),
  });
  const status = Object.fromEntries(report.entries.map((e) => [e.recoveryPointArn, e.status]));
  assert.deepEqual(status, {
    [pointArn(0)]: "COMPLETED",
    [pointArn(1)]: "FAILED",
    [pointArn(2)]: "MISSING",
    [pointArn(3)]: "EXPIRED",
    [pointArn(4)]: "EXPIRED",
    [pointArn(5)]: "RUNNING",
    [pointArn(6)]: "PARTIAL",
    [pointArn(7)]: "SKIPPED",
    [pointArn(8)]: "COMPLETED",
  });
  const byArn = new Map(report.entries.map((e) => [e.recoveryPointArn, e]));
  const entry = (i: number) => byArn.get(pointArn(i))!;
  assert.equal(entry(0).evidence, "copy-job");
  assert.equal(
    entry(0).destinationRecoveryPointArn,
    emulator.jobs().find((j) => j.SourceRecoveryPointArn === pointArn(0))!
      .DestinationRecoveryPointArn,
  );
  assert.ok(entry(0).copiedAt instanceof Date);
  assert.equal(entry(1).statusMessage, "Access denied: the destination vault's access policy");
  assert.equal(entry(1).failedCopyJobs, 1);
  assert.match(entry(1).message, /FAILED.*Access denied/);
  assert.match(entry(3).message, /no longer in the destination vault/);
  assert.match(entry(4).message, /is EXPIRED/);
  assert.match(entry(5).message, /CREATED \(AWS retries a CREATED copy job for up to 2 hours\)/);
  assert.equal(entry(6).statusMessage, "3 of 120 objects were not copied");
  assert.equal(entry(7).skipReason?.code, "STATUS");
  assert.equal(entry(8).evidence, "destination-vault");
  assert.match(entry(8).destinationRecoveryPointArn!, /copy-of-8$/);
  assert.equal(report.destinationChecked, true);
  assert.equal(report.ok, false);
  assert.deepEqual(report.totals, {
    discovered: 9,
    selected: 8,
    skipped: 1,
    completed: 2,
    partial: 1,
    running: 1,
    failed: 1,
    expired: 2,
    missing: 1,
  });
  // One event of each kind per point, the last totals those of the report.
  assert.equal(events.filter((e) => e.type === "discovered").length, 9);
  // Between the listing and the first judged point, one `listed` event says what comes next.
  const listedAt = events.findIndex((e) => e.type === "listed");
  const listed = events[listedAt];
  assert.deepEqual(
    listed.type === "listed" && [listed.readsDestination, listed.totals.selected],
    [true, 8],
  );
  assert.equal(events.findLastIndex((e) => e.type === "discovered"), listedAt - 1);
  assert.ok(
    events.slice(listedAt + 1).every((e) => e.type === "verified" && e.entry.status !== "SKIPPED"),
  );
  assert.equal(events.filter((e) => e.type === "listed").length, 1);
  const verified = events.filter((e) => e.type === "verified");
  assert.deepEqual(
    verified.map((e) => e.type === "verified" && e.entry.recoveryPointArn).sort(),
    [...byArn.keys()].sort(),
  );
  assert.deepEqual(events.at(-1)!.totals, report.totals);
  // It starts nothing: lists only.
  assert.deepEqual(
    [...new Set(emulator.requests.map((r) => r.operation))].sort(),
    ["ListCopyJobs", "ListRecoveryPointsByBackupVault"],
  );
  // Plain JSON for a CLI.
  const json = verifyReportToJson(report) as { entries: { copiedAt?: string }[]; ok: boolean };
  assert.equal(typeof json.entries.find((e) => e.copiedAt)?.copiedAt, "string");
  assert.equal(json.ok, false);

  // Judged by recovery point: the volume has a copy, but only of one of its two backups.
  const selection = {
    sourceBackupVaultName: SOURCE_VAULT,
    destinationBackupVaultArn: LOCAL_DR_VAULT_ARN,
    resourceArns: [SHARED_VOLUME],
  };
  const half = await verifyCopies(client, selection);
  const judged = (r: typeof half) =>
    r.entries.filter((e) => e.status !== "SKIPPED").map((e) => [e.recoveryPointArn, e.status]);
  assert.deepEqual(judged(half), [[pointArn(2), "MISSING"], [pointArn(0), "COMPLETED"]]);
  assert.equal(half.ok, false);
  await copyRecoveryPoints(client, { ...FAST, ...selection });
  const whole = await verifyCopies(client, selection);
  assert.deepEqual(judged(whole), [[pointArn(2), "COMPLETED"], [pointArn(0), "COMPLETED"]]);
  assert.equal(whole.ok, true);
});

Deno.test("verifyCopies in another Region: expiry from the lifecycle, or a destinationClient reads the vault", async () => {
  const seed = vaultSeed(3);
  await using emulator = await startEmulator({ ...seed, jobDurationMs: 30 });
  const client = clientOf(emulator);
  const only = (i: number) => ({ resourceArns: [seed.recoveryPoints[i].resourceArn] });
  await copyRecoveryPoints(client, { ...FAST, ...only(0), lifecycle: { DeleteAfterDays: 35 } });
  await copyRecoveryPoints(client, { ...FAST, ...only(1) });
  const options: VerifyCopiesOptions = {
    sourceBackupVaultName: SOURCE_VAULT,
    destinationBackupVaultArn: DR_VAULT_WEST_ARN,
  };
  const report = await verifyCopies(client, options);
  assert.equal(report.destinationChecked, false);
  assert.deepEqual(report.entries.map((e) => [e.recoveryPointArn, e.status]), [
    [pointArn(2), "MISSING"],
    [pointArn(1), "COMPLETED"],
    [pointArn(0), "EXPIRED"],
  ]);
  assert.match(report.entries[2].message, /expired on 2026-04-05.*DeleteAfterDays 35/);
  assert.match(report.entries[0].message, /ListCopyJobs shows about 30 days.*destinationClient/);
  // The advice as data, for a tool that names the option otherwise (a CLI flag).
  const hint = report.entries[0].hint!;
  assert.deepEqual(hint, {
    option: "destinationClient",
    advice: "give a destinationClient to look for older copies in the destination vault",
  });
  assert.ok(report.entries[0].message.includes(hint.advice));
  assert.equal(report.entries[1].hint, undefined);

  // A client in us-west-2 reads the destination vault: there, the copies are not to be found.
  await using west = await startEmulator({
    region: "us-west-2",
    vaults: [DR_VAULT_WEST_ARN],
    recoveryPoints: [],
  });
  const westClient = new BackupClient({
    region: "us-west-2",
    endpoint: west.url,
    credentials: { ...DEMO_CREDENTIALS },
  });
  const checked = await verifyCopies(client, { ...options, destinationClient: westClient });
  assert.equal(checked.destinationChecked, true);
  assert.deepEqual(checked.entries.map((e) => e.status), ["MISSING", "EXPIRED", "EXPIRED"]);
  assert.match(checked.entries[1].message, /no longer in the destination vault/);
  assert.equal(
    west.requests.filter((r) => r.operation === "ListRecoveryPointsByBackupVault").length,
    1,
  );
});

Deno.test("verifyCopies: mistakes are ValidationErrors naming the option; an empty selection is not ok", async () => {
  const seed = vaultSeed(2);
  await using emulator = await startEmulator({ ...seed, jobDurationMs: 30 });
  const client = clientOf(emulator);
  const error = await verifyCopies(client, {
    sourceBackupVaultName: SOURCE_VAULT,
    destinationBackupVaultArn: "dr",
    resourceType: ["EBS"],
    iamRoleArn: DEMO_IAM_ROLE_ARN,
    resourceTypes: ["ebs"],
  } as unknown as VerifyCopiesOptions).catch((e) => e);
  assert.ok(error instanceof ValidationError);
  assert.deepEqual(Object.fromEntries(error.issues.map((i) => [i.path, i.message])), {
    resourceType: 'is unknown; did you mean "resourceTypes"?',
    iamRoleArn: "is unknown",
    destinationBackupVaultArn:
      "must be a backup vault ARN, arn:PARTITION:backup:REGION:ACCOUNT:backup-vault:NAME, got 'dr' (a vault name: pass the vault's ARN)",
    "resourceTypes[0]": "'ebs' is not a resource type of AWS Backup; did you mean EBS?",
  });
  assert.equal(emulator.requests.length, 0);
  const options = {
    sourceBackupVaultName: SOURCE_VAULT,
    destinationBackupVaultArn: DR_VAULT_WEST_ARN,
    resourceTypes: ["S3"],
  };
  const empty = await verifyCopies(client, options);
  assert.deepEqual([empty.ok, empty.failure?.code], [false, "NOTHING_SELECTED"]);
  assert.deepEqual(empty.failure?.hint, {
    option: "allowEmpty",
    advice: "pass allowEmpty: true if an empty run is expected",
  });
  assert.ok(empty.failure!.message.endsWith(`(${empty.failure!.hint!.advice})`));
  const allowed = await verifyCopies(client, { ...options, allowEmpty: true });
  assert.deepEqual([allowed.ok, allowed.failure], [true, undefined]);
});

Deno.test("verifyCopies: a destinationClient whose credentials are another account's is refused, not read as the vault", async () => {
  const seed = vaultSeed(2);
  await using emulator = await startEmulator({ ...seed, jobDurationMs: 30 });
  const client = clientOf(emulator);
  await copyRecoveryPoints(client, { ...FAST, destinationBackupVaultArn: LOCAL_DR_VAULT_ARN });
  // A vault named local-dr in account 444455556666; the client lists its own account's local-dr.
  const elsewhere = LOCAL_DR_VAULT_ARN.replace("111122223333", "444455556666");
  const error = await verifyCopies(client, {
    sourceBackupVaultName: SOURCE_VAULT,
    destinationBackupVaultArn: elsewhere,
    destinationClient: clientOf(emulator),
  }).catch((e) => e);
  assert.ok(error instanceof DestinationVaultMismatchError, String(error));
  assert.equal(error.expected, elsewhere);
  assert.equal(error.listed, LOCAL_DR_VAULT_ARN);
  assert.match(error.message, /belongs to another account or Region than the vault/);
  // Control: the client's own vault of that name reads.
  const own = await verifyCopies(client, {
    sourceBackupVaultName: SOURCE_VAULT,
    destinationBackupVaultArn: LOCAL_DR_VAULT_ARN,
    destinationClient: clientOf(emulator),
  });
  assert.equal(own.ok, true);
});
