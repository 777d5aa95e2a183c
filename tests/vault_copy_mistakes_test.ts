/**
 * Mistakes of a vault copy that used to pass silently, over real HTTP to the emulator: a copy
 * (or a check of copies) into the source vault itself, a copy rule that could only take its own
 * destination's points, and a checkpointed run resumed with another target — in the memory store
 * and in a checkpoint file written by 0.1.0 (no target recorded: accepted, then recorded).
 */

import assert from "node:assert/strict";
import {
  checkCopyRules,
  CheckpointError,
  copyRecoveryPoints,
  MemoryCheckpointStore,
  RUN_TARGET_RECORD,
  RunTargetMismatchError,
  ValidationError,
  verifyCopies,
} from "../mod.ts";
import { FileCheckpointStore } from "../jobs/checkpoint_file.ts";
import { DEMO_ACCOUNT_ID, DEMO_IAM_ROLE_ARN, DEMO_REGION, startEmulator } from "../emulator/mod.ts";
import {
  clientOf,
  FAST,
  LOCAL_DR_VAULT_ARN,
  pointArn,
  SOURCE_VAULT,
  SOURCE_VAULT_ARN,
  vaultSeed,
} from "./support/copy_vault_fixtures.ts";

/** The operations the emulator was asked for, each once, in order. */
function operations(emulator: { requests: readonly { operation?: string }[] }): string[] {
  return [...new Set(emulator.requests.map((r) => r.operation ?? "?"))];
}

Deno.test("copyRecoveryPoints and verifyCopies refuse the source vault as destination, naming destinationBackupVaultArn, before any copy is looked up or started", async () => {
  const seed = vaultSeed(3);
  seed.vaults.push(SOURCE_VAULT_ARN.replace(/prod$/, "PROD"));
  await using emulator = await startEmulator({ ...seed, jobDurationMs: 20 });
  const client = clientOf(emulator);
  const same = { ...FAST, destinationBackupVaultArn: SOURCE_VAULT_ARN };
  const calls = [
    () => copyRecoveryPoints(client, same),
    () => copyRecoveryPoints(client, { ...same, dryRun: true }),
    () =>
      verifyCopies(client, {
        sourceBackupVaultName: SOURCE_VAULT,
        destinationBackupVaultArn: SOURCE_VAULT_ARN,
      }),
  ];
  for (const call of calls) {
    await assert.rejects(call(), (e: unknown) => {
      assert.ok(e instanceof ValidationError, String(e));
      assert.equal(e.issues[0].path, "destinationBackupVaultArn");
      assert.match(
        e.message,
        /is the source vault itself \(arn:aws:backup:us-east-1:111122223333:backup-vault:prod\)/,
      );
      return true;
    });
  }
  // Only the source vault's first page was read: no ListCopyJobs, no StartCopyJob.
  assert.deepEqual(operations(emulator), ["ListRecoveryPointsByBackupVault"]);
  assert.equal(emulator.jobs().length, 0);

  // A vault of the same name in another account, or another case of the name, is another vault
  // (AWS Backup compares names exactly): not refused.
  for (
    const other of [
      `arn:aws:backup:${DEMO_REGION}:444455556666:backup-vault:${SOURCE_VAULT}`,
      `arn:aws:backup:${DEMO_REGION}:${DEMO_ACCOUNT_ID}:backup-vault:${SOURCE_VAULT.toUpperCase()}`,
    ]
  ) {
    const report = await copyRecoveryPoints(client, {
      ...FAST,
      destinationBackupVaultArn: other,
      dryRun: true,
    });
    assert.equal(report.totals.planned, 3, other);
  }
});

Deno.test("copy rules: a rule that takes only its own destination vault's points is refused, naming its destination", () => {
  const destination = LOCAL_DR_VAULT_ARN;
  const rule = { destinationBackupVaultArn: destination, iamRoleArn: DEMO_IAM_ROLE_ARN };
  const refused = [
    { ...rule, sourceBackupVaults: [destination] },
    {
      ...rule,
      sourceBackupVaults: ["local-dr"],
      accounts: [DEMO_ACCOUNT_ID],
      regions: [DEMO_REGION],
    },
  ];
  for (const bad of refused) {
    assert.throws(() => checkCopyRules([bad]), (e: unknown) => {
      assert.ok(e instanceof ValidationError);
      assert.equal(e.issues[0].path, "rules[0].destinationBackupVaultArn");
      assert.match(
        e.issues[0].message,
        /is the only vault sourceBackupVaults takes .* copy nothing/,
      );
      return true;
    });
  }
  // The name alone may be a vault of another account or Region; another vault beside it is fine.
  checkCopyRules([{ ...rule, sourceBackupVaults: ["local-dr"] }]);
  checkCopyRules([{ ...rule, sourceBackupVaults: [destination, SOURCE_VAULT] }]);
});

Deno.test("a run resumed with another source, destination, role or lifecycle is refused with RunTargetMismatchError; nothing is started", async () => {
  // Point 2 is in a second vault, prod2.
  const seed = vaultSeed(3, (f, i) => void (i === 2 && (f.backupVaultName = "prod2")));
  seed.vaults.push(SOURCE_VAULT_ARN.replace(/prod$/, "prod2"));
  await using emulator = await startEmulator({ ...seed, jobDurationMs: 20 });
  const client = clientOf(emulator);
  const checkpoint = new MemoryCheckpointStore();
  const first = await copyRecoveryPoints(client, { ...FAST, runId: "nightly", checkpoint });
  assert.equal(first.totals.completed, 2);
  const target = (await checkpoint.list("nightly"))
    .find((r) => r.recoveryPointArn === RUN_TARGET_RECORD)?.runTarget;
  assert.deepEqual(target, {
    sourceBackupVaultName: SOURCE_VAULT,
    destinationBackupVaultArn: FAST.destinationBackupVaultArn,
    iamRoleArn: DEMO_IAM_ROLE_ARN,
  });
  const jobs = emulator.jobs().length;
  const requests = emulator.requests.length;
  const changes: [
    {
      sourceBackupVaultName?: string;
      destinationBackupVaultArn?: string;
      iamRoleArn?: string;
      lifecycle?: { DeleteAfterDays: number };
    },
    string,
  ][] = [
    [{ sourceBackupVaultName: "prod2" }, "sourceBackupVaultName"],
    [{ destinationBackupVaultArn: LOCAL_DR_VAULT_ARN }, "destinationBackupVaultArn"],
    [{ iamRoleArn: `${DEMO_IAM_ROLE_ARN}-other` }, "iamRoleArn"],
    [{ lifecycle: { DeleteAfterDays: 35 } }, "lifecycle"],
  ];
  for (const [change, option] of changes) {
    for (const dryRun of [false, true]) {
      await assert.rejects(
        copyRecoveryPoints(client, { ...FAST, ...change, runId: "nightly", checkpoint, dryRun }),
        (e: unknown) => {
          assert.ok(e instanceof RunTargetMismatchError, String(e));
          assert.equal(e.runId, "nightly");
          assert.deepEqual(e.options, [option]);
          assert.match(e.message, new RegExp(`^Run "nightly" was started with another ${option} `));
          return true;
        },
      );
    }
  }
  assert.equal(emulator.jobs().length, jobs, "no copy job started");
  // Stopped at the first recovery point listed: one page asked for per attempt, nothing else.
  assert.deepEqual(
    [...new Set(emulator.requests.slice(requests).map((r) => r.operation))],
    ["ListRecoveryPointsByBackupVault"],
  );
  assert.equal(emulator.requests.length - requests, changes.length * 2, "one page per attempt");
  // The same target resumes (everything is done already); another run id is a new run.
  const again = await copyRecoveryPoints(client, { ...FAST, runId: "nightly", checkpoint });
  assert.equal(again.entries.filter((e) => e.origin === "resumed").length, 2);
  const other = await copyRecoveryPoints(client, {
    ...FAST,
    destinationBackupVaultArn: LOCAL_DR_VAULT_ARN,
    runId: "nightly-local",
    checkpoint,
  });
  assert.equal(other.totals.completed, 2);
});

Deno.test("a checkpoint file of 0.1.0 (no run target) is accepted and gets one; another IAM role is then refused", async () => {
  await using emulator = await startEmulator({ ...vaultSeed(2), jobDurationMs: 20 });
  const client = clientOf(emulator);
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/copy-vault-old.checkpoint.json`;
    // As 0.1.0 wrote it: one record per recovery point, no target.
    await Deno.writeTextFile(
      path,
      JSON.stringify({
        format: "backup-edge-checkpoint/1",
        runs: {
          old: {
            [pointArn(0)]: {
              recoveryPointArn: pointArn(0),
              idempotencyToken: "token-0",
              state: "COMPLETED",
              attempts: 1,
              copyJobId: "job-0",
            },
          },
        },
      }),
    );
    const report = await copyRecoveryPoints(client, {
      ...FAST,
      runId: "old",
      checkpoint: new FileCheckpointStore(path),
    });
    assert.equal(report.entries.find((e) => e.recoveryPointArn === pointArn(0))?.origin, "resumed");
    assert.equal(emulator.jobs().length, 1, "only the point the record does not hold is copied");
    const stored = JSON.parse(await Deno.readTextFile(path)).runs.old[RUN_TARGET_RECORD];
    assert.equal(stored.runTarget.destinationBackupVaultArn, FAST.destinationBackupVaultArn);
    // A fresh process reads the file again: another role is refused.
    const refused = await copyRecoveryPoints(client, {
      ...FAST,
      iamRoleArn: `${DEMO_IAM_ROLE_ARN}-2`,
      runId: "old",
      checkpoint: new FileCheckpointStore(path),
    }).catch((e) => e);
    assert.ok(refused instanceof RunTargetMismatchError, String(refused));
    assert.deepEqual(refused.options, ["iamRoleArn"]);
    assert.equal(emulator.jobs().length, 1);
    // A record of a target that is not one is a malformed file, not an accepted run.
    const text = await Deno.readTextFile(path);
    await Deno.writeTextFile(path, text.replace(/"iamRoleArn": "[^"]*"/, '"iamRoleArn": 7'));
    await assert.rejects(
      copyRecoveryPoints(client, {
        ...FAST,
        runId: "old",
        checkpoint: new FileCheckpointStore(path),
      }),
      CheckpointError,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
