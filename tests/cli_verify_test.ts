/**
 * `copy-vault --verify` as users run it: subprocesses through `npx -y deno@2.9.6 task copy-vault
 * -- --verify …` against the emulator, whose destination vault holds copies completed, failed,
 * expired (past their lifecycle, or deleted), running (a job AWS keeps CREATED while it retries),
 * partial and missing — the table, the piped progress, `--json`'s shape, and the exit codes (0
 * only when every selected point has a completed copy, 1 otherwise or when nothing was selected,
 * 2 on bad usage, 130 on Ctrl-C). The destination vault in another Region read with
 * `--read-destination`/`--destination-endpoint`. The display on a real terminal is in
 * `cli_tty_test.ts`.
 */

import assert from "node:assert/strict";
import {
  CROSS_ACCOUNT_VAULT_ARN,
  DEMO_IAM_ROLE_ARN,
  DEMO_SESSION_CREDENTIALS,
  DR_VAULT_WEST_ARN,
  type Emulator,
  startEmulator,
} from "../emulator/mod.ts";
import {
  type BackupClient,
  copyRecoveryPoints,
  deleteRecoveryPoint,
  startCopyJob,
} from "../mod.ts";
import {
  clientOf,
  FAST,
  LOCAL_DR_VAULT_ARN,
  pointArn,
  SOURCE_VAULT,
  vaultSeed,
} from "./support/copy_vault_fixtures.ts";
import {
  assertNoSecret,
  assertNothingSelected,
  BARE_DENO,
  capture,
  ENV,
  interruptedWhen,
  SESSION_ENV,
  task,
} from "./support/cli.ts";
import { main as copyVault } from "../cli/copy_vault.ts";

function verifyArgs(emulator: Emulator, destination: string, ...more: string[]): string[] {
  return [
    "--verify",
    "--source-vault",
    SOURCE_VAULT,
    "--destination-vault-arn",
    destination,
    "--endpoint",
    emulator.url,
    ...more,
  ];
}

/** Copies recovery point `i` alone (its resource, its creation date) to `destination`. */
function copyPoint(
  client: BackupClient,
  seed: ReturnType<typeof vaultSeed>,
  i: number,
  destination: string,
  lifecycle?: { DeleteAfterDays: number },
) {
  const created = seed.recoveryPoints[i].creationDateMs!;
  return copyRecoveryPoints(client, {
    ...FAST,
    destinationBackupVaultArn: destination,
    resourceArns: [seed.recoveryPoints[i].resourceArn],
    createdAfter: new Date(created - 1),
    createdBefore: new Date(created + 1),
    ...(lifecycle ? { lifecycle } : {}),
  });
}

interface JsonEntry {
  recoveryPointArn: string;
  status: string;
  message: string;
  statusMessage?: string;
  copyJobId?: string;
  evidence?: string;
  skipReason?: { code: string };
}

Deno.test("deno task copy-vault -- --verify …: completed, failed, expired, deleted, running, partial, missing; table, piped progress, --json, exit 0/1", async () => {
  const seed = vaultSeed(8, (f, i) => {
    if (i === 1) {
      f.outcome = "FAILED";
      f.statusMessage = "Access denied: the destination vault's access policy";
    }
    if (i === 4) f.retryingForMs = 600_000; // its copy job stays CREATED while AWS retries it
    if (i === 6) f.status = "EXPIRED";
    if (i === 7) {
      f.outcome = "PARTIAL";
      f.statusMessage = "3 of 120 objects were not copied";
    }
  });
  await using emulator = await startEmulator({ ...seed, jobDurationMs: 30 });
  const client = clientOf(emulator);
  for (const i of [0, 1, 3, 7]) await copyPoint(client, seed, i, LOCAL_DR_VAULT_ARN);
  // Point 2: copied with a lifecycle that has run out (counted from the source's creation date).
  await copyPoint(client, seed, 2, LOCAL_DR_VAULT_ARN, { DeleteAfterDays: 35 });
  // Point 3's copy is deleted from the destination vault.
  const copyOf3 = emulator.jobs().find((j) => j.SourceRecoveryPointArn === pointArn(3))!;
  await deleteRecoveryPoint(client, {
    BackupVaultName: "local-dr",
    RecoveryPointArn: copyOf3.DestinationRecoveryPointArn!,
  });
  await startCopyJob(client, {
    RecoveryPointArn: pointArn(4),
    SourceBackupVaultName: SOURCE_VAULT,
    DestinationBackupVaultArn: LOCAL_DR_VAULT_ARN,
    IamRoleArn: DEMO_IAM_ROLE_ARN,
  });
  const jobs = emulator.jobs().length;
  emulator.clearRequests();

  const args = verifyArgs(emulator, LOCAL_DR_VAULT_ARN);
  const [table, json] = await Promise.all([
    task("copy-vault", args),
    task("copy-vault", [...args, "--json"]),
  ]);
  assert.equal(table.code, 1, `not every point has a completed copy: ${table.stderr}`);
  const row = (status: string, i: number) => new RegExp(`^${status} +rp-000${i} +\\w+ +`, "m");
  for (
    const [status, i] of [
      ["PARTIAL", 7],
      ["SKIPPED", 6],
      ["MISSING", 5],
      ["RUNNING", 4],
      ["EXPIRED", 3],
      ["EXPIRED", 2],
      ["FAILED", 1],
      ["COMPLETED", 0],
    ] as const
  ) {
    assert.match(table.stdout, row(status, i), table.stdout);
  }
  assert.match(table.stdout, /^STATUS +RECOVERY POINT +TYPE +COPY JOB +MESSAGE$/m);
  assert.match(table.stdout, /^FAILED .*Access denied: the destination vault's access policy$/m);
  assert.match(table.stdout, /^PARTIAL .*3 of 120 objects were not copied$/m);
  assert.match(table.stdout, /^RUNNING .* is CREATED \(AWS retries a CREATED copy job/m);
  assert.match(table.stdout, /^EXPIRED +rp-0003 .*no longer in the destination vault$/m);
  assert.match(table.stdout, /^SKIPPED +rp-0006 .*skipped: status EXPIRED cannot be copied$/m);
  assert.match(
    table.stdout,
    new RegExp(
      `^Verified prod → ${LOCAL_DR_VAULT_ARN}: 8 found, 7 selected, 1 skipped; completed 1, ` +
        `partial 1, running 1, failed 1, expired 2, missing 1\\.$`,
      "m",
    ),
  );
  assert.match(table.stdout, /^Not ok: 6 of 7 selected recovery points have no completed copy\.$/m);
  // The destination is in the source's Region and account: it was read, no note about it.
  assert.doesNotMatch(table.stdout, /not read/);
  // Piped: one line per event; while the vault is listed the counter counts what was found.
  const lines = table.stderr.split("\n");
  assert.equal(lines.filter((l) => l.startsWith("discovered")).length, 8);
  assert.match(table.stderr, /^discovered \[1 found\] .*rp-0007 /m);
  assert.match(table.stderr, /^skipped +\[2 found\] .*rp-0006 STATUS: /m);
  assert.match(table.stderr, /^verified +\[1\/7\] .*rp-0007 PARTIAL: /m);
  assert.match(table.stderr, /^verified +\[7\/7\] .*rp-0000 COMPLETED: copied by job /m);
  assert.doesNotMatch(table.stderr.replace(/^.*Task copy-vault .*$/m, ""), BARE_DENO);

  assert.equal(json.code, 1, json.stderr);
  const report = JSON.parse(json.stdout);
  assert.deepEqual(Object.keys(report).sort(), [
    "destinationBackupVaultArn",
    "destinationChecked",
    "entries",
    "finishedAt",
    "ok",
    "sourceBackupVaultName",
    "startedAt",
    "totals",
  ]);
  assert.equal(report.ok, false);
  assert.equal(report.destinationChecked, true);
  assert.equal(report.sourceBackupVaultName, SOURCE_VAULT);
  assert.match(report.startedAt, /^\d{4}-\d\d-\d\dT/);
  assert.deepEqual(report.totals, {
    discovered: 8,
    selected: 7,
    skipped: 1,
    completed: 1,
    partial: 1,
    running: 1,
    failed: 1,
    expired: 2,
    missing: 1,
  });
  const entries = report.entries as JsonEntry[];
  assert.deepEqual(
    entries.map((e) => [e.recoveryPointArn, e.status]),
    [
      [pointArn(7), "PARTIAL"],
      [pointArn(6), "SKIPPED"],
      [pointArn(5), "MISSING"],
      [pointArn(4), "RUNNING"],
      [pointArn(3), "EXPIRED"],
      [pointArn(2), "EXPIRED"],
      [pointArn(1), "FAILED"],
      [pointArn(0), "COMPLETED"],
    ],
  );
  const failed = entries.find((e) => e.status === "FAILED")!;
  assert.equal(failed.statusMessage, "Access denied: the destination vault's access policy");
  assert.equal(
    failed.copyJobId,
    emulator.jobs().find((j) => j.SourceRecoveryPointArn === pointArn(1))!.CopyJobId,
  );
  assert.equal(entries.find((e) => e.status === "COMPLETED")!.evidence, "copy-job");
  assert.equal(entries[1].skipReason?.code, "STATUS");
  assert.ok(entries.every((e) => typeof e.message === "string" && e.message), "a message each");
  // The progress went to stderr, stdout is the JSON alone.
  assert.match(json.stderr, /^verified +\[7\/7\]/m);

  // It starts nothing: lists only.
  assert.equal(emulator.jobs().length, jobs);
  assert.deepEqual(
    [...new Set(emulator.requests.map((r) => r.operation))].sort(),
    ["ListCopyJobs", "ListRecoveryPointsByBackupVault"],
  );

  // Every selected point copied: exit 0. Nothing selected: exit 1 with the reason, unless
  // --allow-empty.
  const [whole, empty, allowed] = await Promise.all([
    task("copy-vault", [...args, "--resource-arn", seed.recoveryPoints[0].resourceArn]),
    task("copy-vault", [...args, "--resource-type", "S3"]),
    task("copy-vault", [...args, "--resource-type", "S3", "--allow-empty", "--json"]),
  ]);
  assert.equal(whole.code, 0, whole.stderr);
  assert.match(whole.stdout, /^COMPLETED +rp-0000 /m);
  assert.match(whole.stdout, /^OK: every selected recovery point \(1\) has a completed copy\.$/m);
  assertNothingSelected(empty, allowed, 8);
});

Deno.test("copy-vault --verify: the destination in another Region, read with --read-destination / --destination-endpoint; not in another account", async () => {
  const seed = vaultSeed(3);
  await using emulator = await startEmulator({ ...seed, jobDurationMs: 30 });
  const client = clientOf(emulator);
  await copyPoint(client, seed, 0, DR_VAULT_WEST_ARN, { DeleteAfterDays: 35 });
  await copyPoint(client, seed, 1, DR_VAULT_WEST_ARN);
  // us-west-2, where the copies should be: its vault holds none of them.
  await using west = await startEmulator({
    region: "us-west-2",
    vaults: [DR_VAULT_WEST_ARN],
    recoveryPoints: [],
  });

  const [unread, read] = await Promise.all([
    task("copy-vault", verifyArgs(emulator, DR_VAULT_WEST_ARN, "--json")),
    task("copy-vault", verifyArgs(emulator, DR_VAULT_WEST_ARN, "--destination-endpoint", west.url)),
  ]);
  // Not read: expiry from the lifecycle only; an old point without a job says how to look further.
  assert.equal(unread.code, 1, unread.stderr);
  const report = JSON.parse(unread.stdout);
  assert.equal(report.destinationChecked, false);
  const entries = report.entries as JsonEntry[];
  assert.deepEqual(entries.map((e) => e.status), ["MISSING", "COMPLETED", "EXPIRED"]);
  assert.match(entries[0].message, /add --read-destination to look for older copies/);
  assert.match(entries[2].message, /expired on 2026-04-05.*DeleteAfterDays 35/);
  // Read in us-west-2: neither copy is there.
  assert.equal(read.code, 1, read.stderr);
  assert.match(read.stdout, /^EXPIRED +rp-0001 .*no longer in the destination vault$/m);
  assert.match(read.stdout, /^EXPIRED +rp-0000 .*no longer in the destination vault$/m);
  assert.doesNotMatch(read.stdout, /not read/);
  assert.equal(
    west.requests.filter((r) => r.operation === "ListRecoveryPointsByBackupVault").length,
    1,
  );

  // In process: the table's note when the vault was not read; --read-destination in another
  // account is bad usage (the same credentials would list a vault of that name in their own).
  const notRead = capture();
  assert.equal(await copyVault(verifyArgs(emulator, DR_VAULT_WEST_ARN), ENV, notRead.io), 1);
  assert.match(
    notRead.text.out,
    /^The destination vault was not read \(another Region or account\): .* --read-destination reads it \(same account\)\.$/m,
  );
  // The old point's advice names the flag, in the table and in the piped progress alike — never
  // the library's option.
  assert.match(
    notRead.text.out,
    /^MISSING +rp-0002 .*ListCopyJobs shows about 30 days of jobs: add --read-destination to look for older copies in the destination vault\)$/m,
  );
  assert.match(
    notRead.text.err,
    /^verified .* arn:\S+:recovery-point:rp-0002 MISSING: .*: add --read-destination to look for older copies/m,
  );
  for (const text of [notRead.text.out, notRead.text.err]) {
    assert.doesNotMatch(text, /destinationClient/);
  }
  const other = capture();
  const code = await copyVault(
    verifyArgs(emulator, CROSS_ACCOUNT_VAULT_ARN, "--read-destination"),
    ENV,
    other.io,
  );
  assert.equal(code, 2, other.text.err);
  assert.match(
    other.text.err,
    /^--read-destination reads the destination vault with the same credentials, in their account \(111122223333, the source vault's\), but the destination vault is in account 444455556666/m,
  );
});

Deno.test("copy-vault --verify: bad usage exits 2 naming the flag (copy flags, flags only --verify takes, option issues as flags); JSON on stdout", async () => {
  await using emulator = await startEmulator(vaultSeed(2));
  const args = verifyArgs(emulator, LOCAL_DR_VAULT_ARN);
  const subprocess = await task("copy-vault", [
    ...args,
    "--iam-role-arn",
    DEMO_IAM_ROLE_ARN,
    "--concurrency",
    "4",
    "--checkpoint",
    "c.json",
    "--dry-run",
    "--json",
  ]);
  assert.equal(subprocess.code, 2, subprocess.stderr);
  const message =
    "--iam-role-arn, --concurrency, --checkpoint, --dry-run are not used with --verify " +
    "(verifying starts no copy job): leave them out";
  assert.equal(JSON.parse(subprocess.stdout).error.message, message);
  assert.equal(JSON.parse(subprocess.stdout).error.name, "UsageError");
  assert.match(subprocess.stderr, new RegExp(`^${message.replace(/[()]/g, "\\$&")}$`, "m"));
  assert.match(subprocess.stderr, /--verify --source-vault NAME --destination-vault-arn ARN/);

  const cases: [string[], RegExp][] = [
    [[...args, "--run-id", "r"], /^--run-id is not used with --verify .*: leave it out\n/],
    [[...args, "--max-wait-ms", "5"], /^--max-wait-ms is not used with --verify/],
    [[...args, "--poll-interval-ms", "5"], /^--poll-interval-ms is not used with --verify/],
    [[...args, "--delete-after-days", "5"], /^--delete-after-days is not used with --verify/],
    [["--verify", "--source-vault", SOURCE_VAULT], /^Missing --destination-vault-arn\n/],
    [
      [...args, "--resource-type", "EBS", "--resource-type", "ebs"],
      /^--resource-type 'ebs' is not a resource type of AWS Backup; did you mean EBS\?\n/,
    ],
    [
      [...args, "--created-after", "2026-03-02", "--created-before", "2026-03-01"],
      /^--created-after must be before --created-before \(2026-03-02T00:00:00\.000Z is not before 2026-03-01T00:00:00\.000Z\): nothing could be selected\n/,
    ],
    [[...args, "--resource-arn", "vol-1"], /^--resource-arn must be an ARN, got 'vol-1'\n/],
    [
      [...args.slice(0, 4), "dr", ...args.slice(5)],
      /^--destination-vault-arn must be a backup vault ARN, .*got 'dr' \(a vault name: pass the vault's ARN\)/,
    ],
    [
      [...args, "--destination-endpoint", "notaurl"],
      /^--destination-endpoint must be an absolute http/,
    ],
  ];
  for (const [caseArgs, expected] of cases) {
    const { io, text } = capture();
    assert.equal(await copyVault(caseArgs, ENV, io), 2, `${caseArgs.join(" ")}: ${text.err}`);
    assert.match(text.err, expected);
  }
  // The flags of --verify without it.
  for (const flag of [["--read-destination"], ["--destination-endpoint", emulator.url]]) {
    const { io, text } = capture();
    const copyArgs = [...args.slice(1), "--iam-role-arn", DEMO_IAM_ROLE_ARN, ...flag];
    assert.equal(await copyVault(copyArgs, ENV, io), 2, text.err);
    assert.match(text.err, new RegExp(`^${flag[0]} only goes with --verify\n`));
  }
  assert.equal(emulator.requests.length, 0, "bad usage sends nothing");
});

Deno.test("copy-vault --verify: Ctrl-C stops it (exit 130, JSON says so); a failure is JSON on stdout with no secret", async () => {
  await using emulator = await startEmulator(vaultSeed(6));
  const { io, text } = interruptedWhen((t) => t.startsWith("discovered [2 found]"));
  const args = verifyArgs(emulator, LOCAL_DR_VAULT_ARN, "--json");
  assert.equal(await copyVault(args, ENV, io), 130, text.err);
  const json = JSON.parse(text.out);
  assert.deepEqual([json.ok, json.interrupted, json.error.name], [false, true, "Interrupted"]);
  assert.ok(json.totals.discovered >= 2, String(json.totals.discovered));
  assert.match(
    text.err,
    /^Interrupted after \d+ recovery points were listed\. Verifying starts and changes nothing: run the same command again\.$/m,
  );

  // AWS refuses (a message quoting the session token, as signature errors quote the request).
  const token = DEMO_SESSION_CREDENTIALS.sessionToken!;
  emulator.injectFaults({
    status: 400,
    errorType: "IncompleteSignatureException",
    message: `Canonical request: x-amz-security-token:${token}`,
  });
  const refused = capture();
  assert.equal(await copyVault(args, SESSION_ENV, refused.io), 1);
  const error = JSON.parse(refused.text.out);
  assert.equal(error.ok, false);
  assert.equal(error.error.name, "IncompleteSignatureException");
  assert.equal(error.error.message, "Canonical request: x-amz-security-token:[hidden]");
  assert.match(refused.text.err, /^IncompleteSignatureException: /m);
  assertNoSecret(refused.text.out, refused.text.err);
});
