/**
 * copyRecoveryPoints follows AWS's copy rules, as the emulator models them over real HTTP:
 * recovery points AWS does not copy on demand are skipped with a reason; one copy job per
 * resource at a time; the account's quota; a job that stays CREATED while AWS retries it;
 * copies AWS made by itself; maxFailedCopies; maxWaitMs against a request that never answers.
 */

import assert from "node:assert/strict";
import {
  copyIdempotencyToken,
  type CopyProgressEvent,
  copyRecoveryPoints,
  DEFAULT_COPY_CONCURRENCY,
  describeCopyJob,
  InvalidRequestException,
  LimitExceededException,
  listCopyJobs,
  MaxWaitExceededError,
  MemoryCheckpointStore,
  startCopyJob,
} from "../mod.ts";
import {
  DEFAULT_MAX_CONCURRENT_COPIES_PER_REGION,
  DEFAULT_MAX_CONCURRENT_COPIES_PER_VAULT,
  DEMO_IAM_ROLE_ARN,
  DR_VAULT_WEST_ARN,
  parseSeed,
  startEmulator,
} from "../emulator/mod.ts";
import {
  AIR_GAPPED_VAULT_ARN,
  clientOf,
  FAST,
  FIRST_CREATED_MS,
  LOCAL_DR_VAULT_ARN,
  pointArn,
  SOURCE_VAULT,
  SOURCE_VAULT_ARN,
  vaultSeed,
} from "./support/copy_vault_fixtures.ts";

const DAY = 86_400_000;

Deno.test("AWS's rules: continuous backups, cold storage and expired points are skipped with a reason, the rest copied", async () => {
  const continuous = pointArn(0).replace("recovery-point:", "recovery-point:continuous:");
  const seed = vaultSeed(6, (f, i) => {
    if (i === 0) f.arn = continuous;
    if (i === 1) f.storageClass = "COLD"; // moved to cold storage a week after creation
    // Past its cold-storage date, but WARM: a resource type without cold storage.
    if (i === 2) f.moveToColdStorageAtMs = FIRST_CREATED_MS + DAY;
    if (i === 3) f.status = "EXPIRED";
    if (i === 4) f.storageClass = "DELETED";
  });
  await using emulator = await startEmulator({ ...seed, jobDurationMs: 30 });
  const client = clientOf(emulator);
  // The emulator refuses them as StartCopyJob does.
  for (const arn of [continuous, pointArn(1)]) {
    await assert.rejects(
      startCopyJob(client, {
        RecoveryPointArn: arn,
        SourceBackupVaultName: SOURCE_VAULT,
        DestinationBackupVaultArn: DR_VAULT_WEST_ARN,
        IamRoleArn: DEMO_IAM_ROLE_ARN,
      }),
      InvalidRequestException,
    );
  }
  emulator.clearRequests();
  const report = await copyRecoveryPoints(client, FAST);
  const code = Object.fromEntries(
    report.entries.map((e) => [e.recoveryPointArn, e.skipReason?.code ?? e.outcome]),
  );
  assert.deepEqual(code, {
    [continuous]: "CONTINUOUS",
    [pointArn(1)]: "STORAGE_CLASS",
    [pointArn(2)]: "COMPLETED",
    [pointArn(3)]: "STATUS",
    [pointArn(4)]: "STORAGE_CLASS",
    [pointArn(5)]: "COMPLETED",
  });
  const byArn = new Map(report.entries.map((e) => [e.recoveryPointArn, e]));
  assert.match(byArn.get(continuous)!.skipReason!.message, /continuous backup/);
  assert.match(byArn.get(pointArn(1))!.skipReason!.message, /COLD.*cold storage/);
  assert.equal(report.ok, true);
  // Only the points whose lifecycle moved them to cold storage by now were described.
  const described = emulator.requests.filter((r) => r.operation === "DescribeRecoveryPoint");
  assert.deepEqual(
    described.map((r) => decodeURIComponent(r.path.split("/").pop()!)).sort(),
    [1, 2, 4].map(pointArn).sort(),
  );
  const started = emulator.requests.filter((r) => r.operation === "StartCopyJob");
  assert.deepEqual(started.map((r) => JSON.parse(r.body).RecoveryPointArn).sort(), [
    pointArn(2),
    pointArn(5),
  ]);
  assert.ok(started.every((r) => r.status === 200));
});

Deno.test("one copy job per resource at a time: points of one resource are copied one after another", async () => {
  // Points 0..5 belong to one volume, 6..9 to four others.
  const seed = vaultSeed(10, (f, i) => {
    if (i < 6) f.resourceArn = "arn:aws:ec2:us-east-1:111122223333:volume/vol-0shared";
  });
  await using emulator = await startEmulator({ ...seed, jobDurationMs: 60 });
  const report = await copyRecoveryPoints(clientOf(emulator), { ...FAST, concurrency: 4 });
  assert.equal(report.totals.completed, 10);
  const jobs = emulator.jobs();
  const span = (j: (typeof jobs)[number]) => [j.CreationDate, j.CompletionDate!];
  const shared = jobs.filter((j) => j.ResourceArn.endsWith("vol-0shared")).map(span)
    .sort((a, b) => a[0] - b[0]);
  assert.equal(shared.length, 6);
  for (let i = 1; i < shared.length; i++) {
    assert.ok(shared[i][0] >= shared[i - 1][1], `job ${i} started before job ${i - 1} ended`);
  }
  // Other resources ran beside them: at some instant two copies were in progress.
  const overlaps = jobs.some((a) =>
    jobs.some((b) =>
      a !== b && a.CreationDate < b.CompletionDate! && b.CreationDate < a.CompletionDate!
    )
  );
  assert.ok(overlaps, "concurrency was used");
  // No job waited CREATED on AWS's side for another job of its resource.
  for (const job of jobs) assert.ok(job.CompletionDate! - job.CreationDate < 0.2, job.CopyJobId);
});

Deno.test("AWS's copy quotas: 100 outbound to a Region, then 5 per destination vault; the default concurrency stays within them", async () => {
  assert.ok(DEFAULT_COPY_CONCURRENCY <= DEFAULT_MAX_CONCURRENT_COPIES_PER_VAULT);
  assert.equal(DEFAULT_MAX_CONCURRENT_COPIES_PER_REGION, 100);
  assert.equal(DEFAULT_MAX_CONCURRENT_COPIES_PER_VAULT, 5);
  // Points 0..99 stay CREATED for a minute (AWS retrying them): 100 copies in progress to
  // us-east-1, all to the air-gapped vault. Points 100..123 are then copied to another vault of
  // that Region, 12 at a time.
  const seed = vaultSeed(124, (f, i) => {
    if (i < 100) f.retryingForMs = 60_000;
  });
  await using emulator = await startEmulator({ ...seed, jobDurationMs: 60 });
  const client = clientOf(emulator, { maxAttempts: 1 });
  const start = (i: number, destination: string) =>
    startCopyJob(client, {
      RecoveryPointArn: pointArn(i),
      SourceBackupVaultName: SOURCE_VAULT,
      DestinationBackupVaultArn: destination,
      IamRoleArn: DEMO_IAM_ROLE_ARN,
    });
  // Below the Region's quota, one vault takes more than 5.
  for (let i = 0; i < 100; i++) await start(i, AIR_GAPPED_VAULT_ARN);
  // The Region's quota is reached: the vault holding 100 takes no more …
  await assert.rejects(start(100, AIR_GAPPED_VAULT_ARN), LimitExceededException);
  // … while another vault of the Region takes up to 5 (and other Regions are not counted).
  const hours = (n: number) => new Date(FIRST_CREATED_MS + n * 3600_000);
  const twelve = (from: number) => ({
    ...FAST,
    destinationBackupVaultArn: LOCAL_DR_VAULT_ARN,
    createdAfter: hours(from - 0.5),
    createdBefore: hours(from + 11.5),
  });
  emulator.clearRequests();
  const report = await copyRecoveryPoints(client, twelve(100));
  assert.equal(report.totals.completed, 12);
  assert.ok(
    !emulator.requests.some((r) => r.errorType === "LimitExceededException"),
    "the default concurrency (4) fits in a destination vault's 5",
  );
  // Above the vault's quota, the limit is waited out, not failed.
  emulator.clearRequests();
  const more = await copyRecoveryPoints(client, { ...twelve(112), concurrency: 8 });
  assert.equal(more.totals.completed, 12);
  assert.ok(emulator.requests.some((r) => r.errorType === "LimitExceededException"));
  assert.ok(
    emulator.jobs().filter((j) => j.DestinationBackupVaultArn === AIR_GAPPED_VAULT_ARN)
      .every((j) => j.State === "CREATED"),
    "control: the Region stayed at its quota",
  );
});

Deno.test("AWS's copy quotas are configurable in the emulator; over the vault's quota, the copier waits", async () => {
  const seed = vaultSeed(8);
  await using emulator = await startEmulator({
    ...seed,
    jobDurationMs: 80,
    maxConcurrentCopiesPerRegion: 2,
    maxConcurrentCopiesPerVault: 3,
  });
  const report = await copyRecoveryPoints(clientOf(emulator, { maxAttempts: 1 }), {
    ...FAST,
    concurrency: 6,
  });
  assert.equal(report.totals.completed, 8);
  const refused = emulator.requests.filter((r) => r.errorType === "LimitExceededException");
  assert.ok(refused.length > 0, "the fourth copy to one vault is refused once 2 are in progress");
  // Never more than 3 in progress to the vault at once.
  const jobs = emulator.jobs();
  for (const job of jobs) {
    const at = job.CreationDate;
    const running = jobs.filter((j) => j.CreationDate <= at && at < j.CompletionDate!).length;
    assert.ok(running <= 3, `${running} copies in progress at ${at}`);
  }
});

Deno.test("a job that stays CREATED while AWS retries it is waited for, not failed; progress says how long", async () => {
  const seed = vaultSeed(2, (f, i) => {
    if (i === 0) f.retryingForMs = 700;
  });
  await using emulator = await startEmulator({ ...seed, jobDurationMs: 60 });
  const events: CopyProgressEvent[] = [];
  const report = await copyRecoveryPoints(clientOf(emulator), {
    ...FAST,
    maxPollIntervalMs: 20,
    onProgress: (e) => events.push(e),
  });
  assert.deepEqual(report.entries.map((e) => e.outcome), ["COMPLETED", "COMPLETED"]);
  const created = events.filter((e) =>
    e.type === "running" && e.recoveryPointArn === pointArn(0) && e.state === "CREATED"
  ) as Extract<CopyProgressEvent, { type: "running" }>[];
  assert.ok(created.length >= 10, `${created.length} polls while CREATED`);
  const waited = created.map((e) => e.createdForMs!);
  assert.ok(waited.every((ms, i) => i === 0 || ms >= waited[i - 1]), "createdForMs grows");
  assert.ok(waited.at(-1)! >= 500, `${waited.at(-1)} ms`);
  const job = emulator.jobs().find((j) => j.SourceRecoveryPointArn === pointArn(0))!;
  assert.equal(job.State, "COMPLETED");
});

Deno.test("copies AWS made by itself (a logically air-gapped vault, CreatedByBackupJobId) count as existing copies", async () => {
  // Backed up in the last days: ListCopyJobs lists jobs of the last 30 days.
  const seed = vaultSeed(4, (f, i) => {
    f.creationDateMs = Date.now() - 3 * DAY + i * 3600_000;
    if (i < 3) f.automaticCopies = [{ destinationBackupVaultArn: AIR_GAPPED_VAULT_ARN }];
  });
  await using emulator = await startEmulator({ ...seed, jobDurationMs: 30 });
  const automatic = emulator.jobs();
  assert.equal(automatic.length, 3);
  assert.ok(automatic.every((j) => j.CreatedByBackupJobId && j.State === "COMPLETED"));
  assert.ok(automatic.every((j) => j.DestinationVaultType === "LOGICALLY_AIR_GAPPED_BACKUP_VAULT"));
  const report = await copyRecoveryPoints(clientOf(emulator), {
    ...FAST,
    destinationBackupVaultArn: AIR_GAPPED_VAULT_ARN,
  });
  assert.equal(report.totals.completed, 4);
  assert.equal(report.totals.alreadyCopied, 3);
  assert.equal(report.totals.started, 1);
  const byArn = new Map(report.entries.map((e) => [e.recoveryPointArn, e]));
  for (let i = 0; i < 3; i++) {
    assert.equal(byArn.get(pointArn(i))!.origin, "existing");
    assert.equal(byArn.get(pointArn(i))!.copyJobId, automatic[i].CopyJobId);
  }
  const starts = emulator.requests.filter((r) => r.operation === "StartCopyJob");
  assert.deepEqual(starts.map((r) => JSON.parse(r.body).RecoveryPointArn), [pointArn(3)]);
  // Four points: the copies were found by source recovery point, one lookup each.
  const lookups = emulator.requests.filter((r) => r.operation === "ListCopyJobs");
  assert.deepEqual(
    lookups.map((r) => r.query.sourceRecoveryPointArn?.[0]).slice(0, 4).sort(),
    [0, 1, 2, 3].map(pointArn).sort(),
  );
});

Deno.test("maxFailedCopies: a failed copy is tried again by a new run (retryOf token), until 3 jobs failed", async () => {
  const seed = vaultSeed(1, (f) => {
    f.outcome = "FAILED";
    f.statusMessage = "Access denied by the destination vault's access policy";
  });
  await using emulator = await startEmulator({ ...seed, jobDurationMs: 30 });
  const client = clientOf(emulator);
  const checkpoint = new MemoryCheckpointStore();
  const tokens = () =>
    emulator.requests.filter((r) => r.operation === "StartCopyJob").map((r) =>
      JSON.parse(r.body).IdempotencyToken
    );
  const first = await copyRecoveryPoints(client, { ...FAST, runId: "night-1", checkpoint });
  assert.equal(first.entries[0].outcome, "FAILED");
  assert.equal(first.entries[0].statusMessage, seed.recoveryPoints[0].statusMessage);
  // The same runId again: its checkpoint says FAILED; nothing is started.
  await copyRecoveryPoints(client, { ...FAST, runId: "night-1", checkpoint });
  assert.equal(emulator.jobs().length, 1);
  // New runs try again, each with the token of a retry of the newest failure.
  for (const runId of ["night-2", "night-3"]) {
    const before = emulator.jobs().map((j) => j.CopyJobId);
    const again = await copyRecoveryPoints(client, { ...FAST, runId, checkpoint });
    assert.deepEqual([again.entries[0].outcome, again.entries[0].origin], ["FAILED", "started"]);
    const newest = emulator.jobs().filter((j) => !before.includes(j.CopyJobId));
    assert.equal(newest.length, 1);
    assert.equal(
      tokens().at(-1),
      await copyIdempotencyToken(pointArn(0), DR_VAULT_WEST_ARN, { retryOf: before.at(-1) }),
    );
  }
  const started = tokens().length;
  const gaveUp = await copyRecoveryPoints(client, { ...FAST, runId: "night-4", checkpoint });
  assert.equal(tokens().length, started, "no fourth job");
  const entry = gaveUp.entries[0];
  assert.deepEqual([entry.outcome, entry.origin, entry.error?.name], [
    "FAILED",
    "existing",
    "MaxFailedCopies",
  ]);
  assert.match(entry.error!.message, /Access denied/);
  assert.equal(entry.copyJobId, emulator.jobs().at(-1)!.CopyJobId);
  // A dry run says the same; a higher limit starts a fourth.
  const dry = await copyRecoveryPoints(client, { ...FAST, dryRun: true });
  assert.equal(dry.entries[0].error?.name, "MaxFailedCopies");
  await copyRecoveryPoints(client, { ...FAST, maxFailedCopies: 4 });
  assert.equal(emulator.jobs().length, 4);
});

Deno.test("maxWaitMs bounds requests that never answer: a stuck poll or start ends UNFINISHED, a stuck listing throws", async () => {
  const seed = vaultSeed(1);
  await using emulator = await startEmulator({ ...seed, jobDurationMs: 30 });
  // One attempt per call and no client timeout: only maxWaitMs can end the wait.
  const client = clientOf(emulator, { maxAttempts: 1 });
  const checkpoint = new MemoryCheckpointStore();
  const stuck = { delayMs: 60_000 };
  let t0 = Date.now();
  const poll = await copyRecoveryPoints(client, {
    ...FAST,
    runId: "stuck",
    checkpoint,
    maxWaitMs: 400,
    onProgress: (e) => {
      if (e.type === "started") emulator.injectFaults(stuck);
    },
  });
  assert.ok(Date.now() - t0 < 5_000, `took ${Date.now() - t0} ms`);
  assert.deepEqual([poll.entries[0].outcome, poll.entries[0].error?.name], [
    "UNFINISHED",
    "MaxWaitExceeded",
  ]);
  assert.equal(emulator.pendingFaults, 0, "the poll was sent and never answered");
  // The rerun waits for the job the first run started.
  const resumed = await copyRecoveryPoints(client, { ...FAST, runId: "stuck", checkpoint });
  assert.deepEqual([resumed.entries[0].outcome, resumed.entries[0].origin], [
    "COMPLETED",
    "resumed",
  ]);

  // A StartCopyJob that never answers: UNFINISHED; its token finds the job if it was made.
  const other = vaultSeed(1);
  await using second = await startEmulator({ ...other, jobDurationMs: 30 });
  t0 = Date.now();
  const start = await copyRecoveryPoints(clientOf(second, { maxAttempts: 1 }), {
    ...FAST,
    maxWaitMs: 400,
    onProgress: (e) => {
      // Listing and the existing-copies lookup have been answered by then.
      if (e.type === "discovered") second.injectFaults({ delayMs: 0 }, stuck);
    },
  });
  assert.ok(Date.now() - t0 < 5_000, `took ${Date.now() - t0} ms`);
  assert.equal(start.entries[0].outcome, "UNFINISHED");
  const last = second.requests.at(-1)!;
  assert.deepEqual([last.method, last.path, last.fault], ["PUT", "/copy-jobs", stuck]);

  // A listing that never answers: nothing can be started; a typed error, in time.
  second.injectFaults(stuck);
  t0 = Date.now();
  const listing = await copyRecoveryPoints(clientOf(second, { maxAttempts: 1 }), {
    ...FAST,
    maxWaitMs: 300,
  }).catch((e) => e);
  assert.ok(Date.now() - t0 < 5_000, `took ${Date.now() - t0} ms`);
  assert.ok(listing instanceof MaxWaitExceededError, String(listing));
  assert.match(listing.message, /listing the source vault.*maxWaitMs \(300 ms\)/);
});

Deno.test("seed files describe AWS's copy rules: storage class, retrying, automatic copies; mistakes name the member", () => {
  const seed = parseSeed(JSON.stringify({
    vaults: [SOURCE_VAULT_ARN, AIR_GAPPED_VAULT_ARN],
    recoveryPoints: [{
      arn: pointArn(0),
      backupVaultName: SOURCE_VAULT,
      resourceArn: "arn:aws:ec2:us-east-1:111122223333:volume/vol-1",
      resourceType: "EBS",
      storageClass: "COLD",
      moveToColdStorageAt: "2026-03-08T00:00:00Z",
      retryingForMs: 60000,
      automaticCopies: [{ destinationBackupVaultArn: AIR_GAPPED_VAULT_ARN, backupJobId: "B-1" }],
      sourceBackupVaultArn: SOURCE_VAULT_ARN,
    }],
  }));
  assert.deepEqual(seed.recoveryPoints[0], {
    arn: pointArn(0),
    backupVaultName: SOURCE_VAULT,
    resourceArn: "arn:aws:ec2:us-east-1:111122223333:volume/vol-1",
    resourceType: "EBS",
    backupSizeInBytes: 0,
    storageClass: "COLD",
    moveToColdStorageAtMs: Date.UTC(2026, 2, 8),
    retryingForMs: 60000,
    automaticCopies: [{ destinationBackupVaultArn: AIR_GAPPED_VAULT_ARN, backupJobId: "B-1" }],
    sourceBackupVaultArn: SOURCE_VAULT_ARN,
  });
  const bad = (member: Record<string, unknown>) => () =>
    parseSeed(JSON.stringify({
      vaults: [],
      recoveryPoints: [{
        arn: pointArn(0),
        backupVaultName: SOURCE_VAULT,
        resourceArn: "arn:aws:ec2:us-east-1:111122223333:volume/vol-1",
        resourceType: "EBS",
        ...member,
      }],
    }));
  assert.throws(bad({ storageClass: "GLACIER" }), /recoveryPoints\[0\]\.storageClass/);
  assert.throws(bad({ retryingForMs: -1 }), /recoveryPoints\[0\]\.retryingForMs/);
  assert.throws(
    bad({ automaticCopies: [{ destinationBackupVaultArn: "vault" }] }),
    /automaticCopies\[0\]\.destinationBackupVaultArn is not a backup vault ARN/,
  );
});

Deno.test("emulator: recovery points pushed onto the seed array later are listed and copyable (as backup jobs add theirs)", async () => {
  const seed = vaultSeed(1);
  await using emulator = await startEmulator({ ...seed, jobDurationMs: 30 });
  seed.recoveryPoints.push({ ...seed.recoveryPoints[0], arn: pointArn(1), resourceArn: "r-1" });
  const report = await copyRecoveryPoints(clientOf(emulator), FAST);
  assert.deepEqual(report.entries.map((e) => [e.recoveryPointArn, e.outcome]).sort(), [
    [pointArn(0), "COMPLETED"],
    [pointArn(1), "COMPLETED"],
  ]);
});

Deno.test("ListCopyJobs lists a job for 30 days: an older copy is found in the destination vault when it can be read, made again when it cannot — unless the selection is recent", async () => {
  let shift = 0;
  await using emulator = await startEmulator({
    ...vaultSeed(2),
    jobDurationMs: 30,
    now: () => Date.now() + shift,
    maxClockSkewMs: 400 * DAY,
  });
  const client = clientOf(emulator);
  for (const destinationBackupVaultArn of [LOCAL_DR_VAULT_ARN, DR_VAULT_WEST_ARN]) {
    const first = await copyRecoveryPoints(client, { ...FAST, destinationBackupVaultArn });
    assert.equal(first.totals.started, 2);
  }
  const [job] = emulator.jobs();
  // A month later, the emulator (as AWS documents its job lists) no longer lists them.
  shift = 31 * DAY;
  assert.deepEqual((await listCopyJobs(client, {})).CopyJobs, []);
  assert.equal(
    (await describeCopyJob(client, { CopyJobId: job.CopyJobId })).CopyJob?.State,
    "COMPLETED",
  );
  // In the client's Region and account the destination vault is read: no second copy.
  const local = await copyRecoveryPoints(client, {
    ...FAST,
    destinationBackupVaultArn: LOCAL_DR_VAULT_ARN,
  });
  assert.deepEqual([local.ok, local.totals.started, local.totals.alreadyCopied], [true, 0, 2]);
  const copies = new Set(
    emulator.jobs().filter((j) => j.DestinationBackupVaultArn === LOCAL_DR_VAULT_ARN)
      .map((j) => j.DestinationRecoveryPointArn),
  );
  for (const entry of local.entries) {
    assert.deepEqual([entry.outcome, entry.origin, entry.copyJobId], [
      "COMPLETED",
      "existing",
      undefined,
    ]);
    assert.ok(copies.has(entry.destinationRecoveryPointArn), entry.destinationRecoveryPointArn);
  }
  // In another Region the copies cannot be seen, and are made again (README: the limits)…
  const west = await copyRecoveryPoints(client, { ...FAST, runId: "west-2" });
  assert.equal(west.totals.started, 2);
  // … which a recurring run avoids by selecting recent points only, well inside the 30 days.
  const recent = await copyRecoveryPoints(client, {
    ...FAST,
    runId: "west-3",
    createdAfter: new Date(Date.now() + shift - 7 * DAY),
    allowEmpty: true,
  });
  assert.deepEqual([recent.totals.selected, recent.totals.started], [0, 0]);
  assert.equal(emulator.jobs().filter((j) => !j.ParentJobId).length, 6);
});
