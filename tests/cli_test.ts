/**
 * The CLIs as users run them: subprocesses through `npx -y deno@2.9.6 task <name> -- …`, exactly
 * the README's syntax, against the emulator; `copy-vault` killed with SIGKILL mid-run and
 * interrupted with SIGINT, then run again as it says; `--json` and `--dry-run`; an empty
 * selection and `--allow-empty`; starts refused alike; the emulator's own command line (a port in
 * use, `--cors`, no deno.json). `--verify` is in `cli_verify_test.ts`; the terminal display under
 * a real terminal in `cli_tty_test.ts`.
 */

import assert from "node:assert/strict";
import {
  DEFAULT_VAULT_ARN,
  DEFAULT_VAULT_NAME,
  DEMO_ACCOUNT_ID,
  DEMO_CREDENTIALS,
  DEMO_REGION,
  DEMO_SESSION_CREDENTIALS,
  DR_VAULT_NAME,
  DR_VAULT_WEST_ARN,
  RECOVERY_POINT_OK_ARN,
  RECOVERY_POINT_PARTIAL_ARN,
  startEmulator,
} from "../emulator/mod.ts";
import { BackupClient, listBackupVaults, RUN_TARGET_RECORD } from "../mod.ts";
import { LOCAL_DR_VAULT_ARN, pointArn, vaultSeed } from "./support/copy_vault_fixtures.ts";
import { main as copy } from "../cli/copy.ts";
import { main as copyVault } from "../cli/copy_vault.ts";
import { FileCheckpointStore } from "../jobs/checkpoint_file.ts";
import {
  assertNoSecret,
  assertNothingSelected,
  BARE_DENO,
  capture,
  copyArgs,
  copyVaultArgs,
  ENV,
  interruptedWhen,
  ROOT,
  type Run,
  run,
  SESSION_ENV,
  task,
} from "./support/cli.ts";

Deno.test("deno task copy -- …: starts and waits for a job; --help", async () => {
  await using emulator = await startEmulator({ jobDurationMs: 200 });
  const [copied, help] = await Promise.all([
    task("copy", copyArgs(emulator, "--wait")),
    task("copy", ["--help"]),
  ]);
  assert.equal(copied.code, 0, copied.stderr);
  const [job] = emulator.jobs();
  assert.equal(emulator.jobs().length, 1);
  assert.match(copied.stdout, new RegExp(`CopyJobId ${job.CopyJobId}`));
  assert.equal(JSON.parse(copied.stdout.slice(copied.stdout.indexOf("{"))).State, "COMPLETED");
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /^Usage: npx -y deno@2\.9\.6 task copy -- --recovery-point-arn ARN/);
  assert.doesNotMatch(help.stdout, BARE_DENO);
});

Deno.test("copy and copy-vault usage errors exit 2 and name the flag", async () => {
  await using emulator = await startEmulator();
  const errors: string[] = [];
  const output = { out: () => {}, err: (t: string) => errors.push(t), errIsTerminal: false };
  const vault = (...args: string[]) => copyVault(["--", ...args], ENV, output);
  const cases: [string[], RegExp][] = [
    [
      copyVaultArgs(emulator, "--concurrency", "0"),
      /--concurrency must be an integer of at least 1, got '0'/,
    ],
    [copyVaultArgs(emulator, "--created-after", "yesterday"), /--created-after must be a date/],
    [copyVaultArgs(emulator, "--created-before", "2026-02-30"), /--created-before must be a date/],
    [
      copyVaultArgs(emulator, "--created-after", "2026-02-30T18:00:00Z"),
      /--created-after must be a date/,
    ],
    [copyVaultArgs(emulator, "--bogus"), /Unknown option '--bogus'/],
    [["--source-vault", "prod"], /Missing --destination-vault-arn, --iam-role-arn/],
    [copyVaultArgs(emulator, "--run-id", ""), /--run-id must not be empty or white space/],
    [copyVaultArgs(emulator, "stray"), /Unexpected argument 'stray'/],
    [
      copyVaultArgs(emulator, "--delete-after-days", "1.5"),
      /--delete-after-days must be an integer/,
    ],
    [
      copyVaultArgs(emulator).map((a) => a === emulator.url ? "notaurl" : a),
      /^--endpoint must be an absolute http/,
    ],
    [
      copyVaultArgs(emulator, "--region", "US_EAST"),
      /^--region 'US_EAST' must be an AWS Region this release lists, such as us-east-1$/m,
    ],
    // The library's option issues, named by the flag (an index dropped), options in a message too.
    [
      copyVaultArgs(emulator, "--resource-type", "EBS", "--resource-type", "dynamodb"),
      /^--resource-type 'dynamodb' is not a resource type of AWS Backup; did you mean DynamoDB\?\n/,
    ],
    [
      copyVaultArgs(emulator, "--created-after", "2026-03-02", "--created-before", "2026-03-02"),
      /^--created-after must be before --created-before \(2026-03-02T00:00:00\.000Z is not before/,
    ],
    [
      copyVaultArgs(emulator, "--resource-arn", "i-0abc"),
      /^--resource-arn must be an ARN, got 'i-0abc'\n/,
    ],
    [copyVaultArgs(emulator, "--read-destination"), /^--read-destination only goes with --verify/],
  ];
  for (const [args, message] of cases) {
    errors.length = 0;
    assert.equal(await vault(...args), 2, errors.join(""));
    assert.match(errors.join(""), message);
  }
  // A bad value is named before the missing credentials, and nothing else is printed first.
  errors.length = 0;
  assert.equal(
    await copyVault(["--", ...copyVaultArgs(emulator, "--concurrency", "zero")], {}, output),
    2,
  );
  assert.match(errors.join(""), /^--concurrency must be an integer of at least 1, got 'zero'/);
  const copyRun = async (args: string[]) => {
    const { io, text } = capture();
    return { code: await copy(args, ENV, io), ...text };
  };
  const unknown = await copyRun(["--", "--recovery-pont-arn", "x"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /Unknown option '--recovery-pont-arn'/);
  assert.match(unknown.err, /Usage: npx -y deno@2\.9\.6 task copy -- /);
  const missing = await copyRun(["--", "--recovery-point-arn", "x", "--delete-after-days", "soon"]);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /Missing --source-vault, --destination-vault-arn, --iam-role-arn/);
  const badVault = await copyRun([
    ...copyArgs(emulator).slice(0, 2),
    "--source-vault",
    "no spaces",
    ...copyArgs(emulator).slice(4),
  ]);
  assert.equal(badVault.code, 2);
  assert.match(badVault.err, /^--source-vault must match /);
  const badEndpoint = await copyRun([...copyArgs(emulator).slice(0, 8), "--endpoint", "notaurl"]);
  assert.equal(badEndpoint.code, 2);
  assert.match(badEndpoint.err, /^--endpoint must be an absolute http/);
  // Into the vault the recovery point is in (its account and Region, --source-vault's name): bad
  // usage, also in a dry run, JSON with --json; another account's vault of that name is not.
  const intoSource = copyArgs(emulator).map((a) => a === DR_VAULT_WEST_ARN ? DEFAULT_VAULT_ARN : a);
  for (const more of [[], ["--dry-run"]]) {
    const same = await copyRun([...intoSource, ...more]);
    assert.equal(same.code, 2, same.err);
    assert.match(
      same.err,
      new RegExp(`^--destination-vault-arn is the source vault itself \\(${DEFAULT_VAULT_ARN}\\)`),
    );
  }
  const sameJson = await copyRun([...intoSource, "--dry-run", "--json"]);
  assert.equal(sameJson.code, 2);
  assert.match(JSON.parse(sameJson.out).error.message, /^--destination-vault-arn is the source/);
  const otherAccount = DEFAULT_VAULT_ARN.replace(DEMO_ACCOUNT_ID, "444455556666");
  const elsewhere = await copyRun([
    ...copyArgs(emulator, "--dry-run").map((a) => a === DR_VAULT_WEST_ARN ? otherAccount : a),
  ]);
  assert.equal(elsewhere.code, 0, elsewhere.err);
  assert.equal(emulator.requests.length, 0);
});

Deno.test("deno task copy-vault -- …: copies, reports, exits 0/1/2; --dry-run; --json; piped progress", async () => {
  const seed = vaultSeed(6, (f, i) => {
    if (i === 4) {
      f.outcome = "FAILED";
      f.statusMessage = "Access denied";
    }
    if (i === 5) f.status = "EXPIRED";
  });
  await using emulator = await startEmulator({ ...seed, jobDurationMs: 100 });
  const dir = await Deno.makeTempDir();
  try {
    const [dry, bad] = await Promise.all([
      task("copy-vault", copyVaultArgs(emulator, "--dry-run", "--resource-type", "EBS")),
      task("copy-vault", copyVaultArgs(emulator, "--concurrency", "0")),
    ]);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /PLANNED\s+rp-0000\s+EBS/);
    assert.match(dry.stdout, /\(dry run\): 2 found, 2 selected, 0 skipped.*2 to copy\./s);
    assert.equal(emulator.jobs().length, 0, "a dry run starts nothing");
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /--concurrency must be an integer of at least 1, got '0'/);
    assert.match(bad.stderr, /Usage: npx -y deno@2\.9\.6 task copy-vault --/);
    assert.doesNotMatch(bad.stderr.replace(/^.*Task copy-vault .*$/m, ""), BARE_DENO);
    assert.equal(emulator.requests.filter((r) => r.operation === "StartCopyJob").length, 0);

    const checkpoint = `${dir}/copy.json`;
    const run = await task(
      "copy-vault",
      copyVaultArgs(emulator, "--run-id", "cli", "--checkpoint", checkpoint, "--json"),
    );
    assert.equal(run.code, 1, `one copy failed: ${run.stderr}`);
    const report = JSON.parse(run.stdout);
    assert.equal(report.runId, "cli");
    assert.deepEqual(
      report.entries.map((e: { outcome: string }) => e.outcome),
      ["SKIPPED", "FAILED", "COMPLETED", "COMPLETED", "COMPLETED", "COMPLETED"],
      "newest first",
    );
    assert.equal(report.entries[1].statusMessage, "Access denied");
    // Piped: one line per event; while the vault is listed the counter counts what was found.
    const lines = run.stderr.split("\n");
    assert.match(run.stderr, /^discovered \[1 found\] .*rp-0005 /m);
    assert.match(run.stderr, /^discovered \[6 found\] .*rp-0000 /m);
    assert.match(run.stderr, /^started +\[0\/5\] /m);
    assert.doesNotMatch(run.stderr, /\[0\/0\]/);
    assert.equal(lines.filter((l) => l.startsWith("discovered")).length, 6);
    assert.equal(lines.filter((l) => l.startsWith("completed")).length, 4);
    assert.equal(lines.filter((l) => l.startsWith("failed")).length, 1);
    assert.match(run.stderr, /^skipped .*rp-0005 STATUS: status EXPIRED cannot be copied$/m);
    assert.equal(emulator.jobs().length, 5);

    // The same run again: everything read from the checkpoint, nothing started.
    const again = await task(
      "copy-vault",
      copyVaultArgs(emulator, "--run-id", "cli", "--checkpoint", checkpoint),
    );
    assert.equal(again.code, 1);
    assert.match(again.stdout, /4 completed \(0 already copied\), 0 partial, 1 failed/);
    assert.equal(emulator.jobs().length, 5);
    const file = JSON.parse(await Deno.readTextFile(checkpoint));
    // A record per recovery point, and the run's target.
    assert.deepEqual(
      Object.keys(file.runs.cli).sort(),
      [
        RUN_TARGET_RECORD,
        ...[0, 1, 2, 3, 4].map(pointArn),
      ].sort(),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("copy-vault killed with SIGKILL mid-run, rerun with the same run id and checkpoint: exactly once", async () => {
  const seed = vaultSeed(24);
  await using emulator = await startEmulator({ ...seed, jobDurationMs: 400 });
  const dir = await Deno.makeTempDir();
  try {
    const checkpoint = `${dir}/copy.json`;
    const args = copyVaultArgs(
      emulator,
      "--run-id",
      "killed",
      "--checkpoint",
      checkpoint,
      "--concurrency",
      "6",
    );
    // The real process (not npx in front of it), so SIGKILL hits the run itself.
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-net",
        "--allow-env",
        "--allow-read",
        "--allow-write",
        "cli/copy_vault.ts",
        "--",
        ...args,
      ],
      cwd: ROOT,
      env: ENV,
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    let started = 0;
    let text = "";
    const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
    while (started < 8) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
      started = text.split("\n").filter((l) => l.startsWith("started")).length;
    }
    child.kill("SIGKILL");
    await reader.cancel();
    const status = await child.status;
    assert.equal(status.signal, "SIGKILL", text);
    const before = emulator.jobs().length;
    assert.ok(before >= 8, `${before} jobs when killed`);

    const rerun = await task("copy-vault", [...args, "--json"]);
    assert.equal(rerun.code, 0, rerun.stderr);
    const report = JSON.parse(rerun.stdout);
    assert.equal(report.totals.completed, 24);
    assert.ok(report.entries.some((e: { origin: string }) => e.origin === "resumed"));
    const counts = new Map<string, number>();
    for (const job of emulator.jobs()) {
      counts.set(job.SourceRecoveryPointArn, (counts.get(job.SourceRecoveryPointArn) ?? 0) + 1);
    }
    assert.equal(emulator.jobs().length, 24);
    for (let i = 0; i < 24; i++) assert.equal(counts.get(pointArn(i)), 1, pointArn(i));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the missing-settings message names only what is missing", async () => {
  const full = { ...ENV, AWS_DEFAULT_REGION: "" };
  const cases: [Record<string, string>, RegExp, RegExp][] = [
    [{ ...full, AWS_REGION: "" }, /^Missing a Region \(--region R, or AWS_REGION/, /AWS_.*KEY/],
    [
      { ...full, AWS_SECRET_ACCESS_KEY: "" },
      /^Missing AWS_SECRET_ACCESS_KEY\n/,
      /Region|ACCESS_KEY_ID/,
    ],
    [{ ...full, AWS_ACCESS_KEY_ID: "" }, /^Missing AWS_ACCESS_KEY_ID\n/, /Region|SECRET/],
    [{}, /^Missing AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, a Region/, /^$/],
  ];
  await using emulator = await startEmulator();
  for (const [env, message, notAsked] of cases) {
    for (const run of [copyVault, copy] as const) {
      const args = run === copy ? copyArgs(emulator) : copyVaultArgs(emulator);
      const { io, text } = capture();
      assert.equal(await run(args, env, io), 2);
      assert.match(text.err, message);
      assert.doesNotMatch(text.err.split("\n")[0], notAsked);
    }
  }
  // AWS_DEFAULT_REGION stands in for AWS_REGION; --region for both.
  const { io } = capture();
  assert.equal(
    await copy(copyArgs(emulator), { ...ENV, AWS_REGION: "", AWS_DEFAULT_REGION: DEMO_REGION }, io),
    0,
  );
  assert.equal(
    await copy(copyArgs(emulator, "--region", DEMO_REGION), { ...ENV, AWS_REGION: "" }, io),
    0,
  );
  assert.equal(emulator.jobs().length, 2);
});

Deno.test("deno task copy -- --dry-run: prints the request without signature or token, sends nothing", async () => {
  await using emulator = await startEmulator();
  const { code, stdout, stderr } = await task("copy", copyArgs(emulator, "--dry-run"), SESSION_ENV);
  assert.equal(code, 0, stderr);
  assert.match(stdout, /^Dry run: nothing was sent\. StartCopyJob would send/);
  assert.match(stdout, new RegExp(`^PUT ${emulator.url}/copy-jobs$`, "m"));
  assert.match(stdout, /^authorization: \(not shown\)$/m);
  assert.match(stdout, /^x-amz-security-token: \(not shown\)$/m);
  assert.match(stdout, /^x-amz-date: \d{8}T\d{6}Z$/m);
  assert.match(stdout, new RegExp(`"RecoveryPointArn": "${RECOVERY_POINT_OK_ARN}"`));
  assert.match(stdout, /IdempotencyToken was generated for this dry run/);
  assert.doesNotMatch(stdout, /Signature=|Credential=/);
  assertNoSecret(stdout, stderr);
  assert.equal(emulator.requests.length, 0, "a dry run sends nothing");

  // --json: the same as one JSON document; a bad input is still a usage error naming the flag.
  const { io, text } = capture();
  const args = copyArgs(emulator, "--dry-run", "--json", "--idempotency-token", "t-1");
  assert.equal(await copy([...args, "--delete-after-days", "7"], SESSION_ENV, io), 0, text.err);
  const shown = JSON.parse(text.out);
  assert.equal(shown.ok, true);
  assert.equal(shown.dryRun, true);
  assert.equal(shown.method, "PUT");
  assert.equal(shown.headers.authorization, "(not shown)");
  assert.equal(shown.headers["x-amz-security-token"], "(not shown)");
  assert.deepEqual(shown.body.Lifecycle, { DeleteAfterDays: 7 });
  assert.equal(shown.body.IdempotencyToken, "t-1");
  assert.equal(shown.note, undefined);
  assertNoSecret(text.out, text.err);
  const bad = capture();
  assert.equal(await copy([...args, "--delete-after-days", "0"], SESSION_ENV, bad.io), 2);
  assert.match(bad.text.err, /^--delete-after-days must be an integer of at least 1/);
  assert.equal(JSON.parse(bad.text.out).error.name, "UsageError");
  assert.equal(emulator.requests.length, 0);
});

Deno.test("copy --json: the job as JSON; PARTIAL exits 1; every failure is JSON on stdout, no secret", async () => {
  await using emulator = await startEmulator({ jobDurationMs: 50 });
  const run = async (args: string[], env: Record<string, string> = ENV) => {
    const { io, text } = capture();
    const code = await copy(args, env, io);
    assertNoSecret(text.out, text.err);
    return { code, ...text, json: text.out ? JSON.parse(text.out) : undefined };
  };
  const done = await run(copyArgs(emulator, "--wait", "--json"));
  assert.equal(done.code, 0, done.err);
  assert.equal(done.json.ok, true);
  assert.equal(done.json.CopyJobId, emulator.jobs()[0].CopyJobId);
  assert.equal(done.json.job.State, "COMPLETED");
  assert.match(done.json.requestId, /\S/);

  const partialArgs = copyArgs(emulator, "--wait", "--json");
  partialArgs.splice(
    0,
    4,
    "--recovery-point-arn",
    RECOVERY_POINT_PARTIAL_ARN,
    "--source-vault",
    DR_VAULT_NAME,
  );
  const partial = await run(partialArgs);
  assert.equal(partial.code, 1, "a PARTIAL copy is not success");
  assert.equal(partial.json.ok, false);
  assert.equal(partial.json.job.State, "PARTIAL");
  assert.match(partial.err, /ended PARTIAL: Copy partially completed/);

  // The service refuses: its error, typed, with what the exchange said.
  const unknownArgs = copyArgs(emulator, "--json");
  unknownArgs[1] = `${RECOVERY_POINT_OK_ARN}-missing`;
  const refused = await run(unknownArgs);
  assert.equal(refused.code, 1);
  assert.equal(refused.json.ok, false);
  assert.equal(refused.json.error.name, "ResourceNotFoundException");
  assert.equal(refused.json.error.$fault, "client");
  assert.equal(refused.json.error.$metadata.httpStatusCode, 400);
  assert.match(refused.err, /^ResourceNotFoundException: /);

  // Bad usage, even an unknown flag: JSON too, exit 2.
  const usage = await run(["--bogus", "--json"]);
  assert.equal(usage.code, 2);
  assert.deepEqual(Object.keys(usage.json), ["ok", "error"]);
  assert.equal(usage.json.error.name, "UsageError");
  assert.match(usage.json.error.message, /Unknown option '--bogus'/);
  const validation = await run(copyArgs(emulator, "--json", "--region", "US_EAST"));
  assert.equal(validation.code, 2);
  assert.match(
    validation.json.error.message,
    /^--region 'US_EAST' must be an AWS Region this release lists/,
  );

  // An error message that quotes the session token (as AWS's signature errors quote the
  // canonical request) is printed with the token cut out.
  const token = DEMO_SESSION_CREDENTIALS.sessionToken!;
  emulator.injectFaults({
    status: 400,
    errorType: "IncompleteSignatureException",
    message:
      `Canonical request: x-amz-security-token:${token}; secret ${DEMO_SESSION_CREDENTIALS.secretAccessKey}`,
  });
  const leaked = await run(copyArgs(emulator, "--json"), SESSION_ENV);
  assert.equal(leaked.code, 1);
  assert.equal(
    leaked.json.error.message,
    "Canonical request: x-amz-security-token:[hidden]; secret [hidden]",
  );
});

Deno.test("copy-vault --json: a run that cannot start is JSON on stdout, exit 1, no secret", async () => {
  await using emulator = await startEmulator();
  const { io, text } = capture();
  const args = copyVaultArgs(emulator, "--json");
  args[1] = "no-such-vault";
  assert.equal(await copyVault(args, ENV, io), 1);
  const json = JSON.parse(text.out);
  assert.equal(json.ok, false);
  assert.equal(json.error.name, "ResourceNotFoundException");
  assert.equal(json.error.operation, undefined);
  assert.equal(json.error.$metadata.httpStatusCode, 400);
  assert.match(
    text.err,
    /^Run ([0-9a-f-]{36}) \(no --checkpoint: records kept in memory, saved to copy-vault-\1\.checkpoint\.json on Ctrl-C\)\nResourceNotFoundException: /,
  );
  // A message quoting the session token: cut out of everything printed.
  const token = DEMO_SESSION_CREDENTIALS.sessionToken!;
  emulator.injectFaults({
    status: 400,
    errorType: "IncompleteSignatureException",
    message: `Canonical request: x-amz-security-token:${token}`,
  });
  const leaked = capture();
  assert.equal(await copyVault(copyVaultArgs(emulator, "--json"), SESSION_ENV, leaked.io), 1);
  assert.equal(
    JSON.parse(leaked.text.out).error.message,
    "Canonical request: x-amz-security-token:[hidden]",
  );
  assert.match(
    leaked.text.err,
    /IncompleteSignatureException: Canonical request: x-amz-security-token:\[hidden\]/,
  );
  assertNoSecret(leaked.text.out, leaked.text.err);
  const usage = capture();
  assert.equal(await copyVault(["--json", "--source-vault"], ENV, usage.io), 2);
  assert.equal(JSON.parse(usage.text.out).error.name, "UsageError");
  assert.match(usage.text.err, /Usage: npx -y deno@2\.9\.6 task copy-vault -- /);
});

Deno.test("copy-vault: a selection that takes nothing is not ok (exit 1, the reason; --allow-empty); starts refused alike are one error (exit 1)", async () => {
  await using emulator = await startEmulator({ ...vaultSeed(4), jobDurationMs: 30 });
  const nowhere = "arn:aws:backup:us-west-2:111122223333:backup-vault:nowhere";
  const refusedArgs = copyVaultArgs(emulator, "--concurrency", "1", "--json");
  refusedArgs[3] = nowhere;
  const [empty, allowed, refused] = await Promise.all([
    task("copy-vault", copyVaultArgs(emulator, "--resource-type", "S3")),
    task("copy-vault", copyVaultArgs(emulator, "--resource-type", "S3", "--allow-empty", "--json")),
    task("copy-vault", refusedArgs),
  ]);
  assertNothingSelected(empty, allowed, 4);
  // The same run in JSON, not allowed: the failure in the command line's words.
  const { io, text } = capture();
  assert.equal(
    await copyVault(copyVaultArgs(emulator, "--resource-type", "S3", "--json"), ENV, io),
    1,
  );
  const failure = JSON.parse(text.out).failure;
  assert.equal(failure.code, "NOTHING_SELECTED");
  assert.match(failure.message, /\(pass --allow-empty if an empty run is expected\)$/);

  // The destination vault does not exist: the first three starts are refused alike.
  assert.equal(refused.code, 1, refused.stderr);
  assert.match(
    refused.stderr,
    /^CopyRunRefusedError: StartCopyJob refused the first 3 copies of the run for the same reason, so the run stopped; nothing was copied\. The reason:\n {2}ResourceNotFoundException: .*nowhere.*\nRefused: arn:aws:backup:\S+:recovery-point:rp-000\d, \S+, \S+\nFix the cause \(e\.g\. the IAM role, the destination vault or its access policy\) and run again\.$/m,
  );
  const error = JSON.parse(refused.stdout);
  assert.equal(error.ok, false);
  assert.equal(error.error.name, "CopyRunRefusedError");
  assert.equal(error.error.reason.name, "ResourceNotFoundException");
  assert.match(error.error.reason.message, /nowhere/);
  assert.deepEqual(
    [...error.error.recoveryPointArns].sort(),
    [pointArn(1), pointArn(2), pointArn(3)],
    "the first three listed (newest first)",
  );
  assert.equal(emulator.jobs().length, 0);
});

/** The copy-vault process itself (not npx in front of it), so a signal reaches the run. */
function spawnCopyVault(args: string[]) {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net",
      "--allow-env",
      "--allow-read",
      "--allow-write",
      "cli/copy_vault.ts",
      "--",
      ...args,
    ],
    cwd: ROOT,
    env: ENV,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** Runs copy-vault, sends it SIGINT once `when` matches its stderr, and returns what it left. */
async function interruptCopyVault(args: string[], when: RegExp): Promise<Run> {
  const child = spawnCopyVault(args);
  const stdout = new Response(child.stdout).text();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let stderr = "";
  while (!when.test(stderr)) {
    const { value, done } = await reader.read();
    if (done) break;
    stderr += value;
  }
  child.kill("SIGINT");
  for (let r = await reader.read(); !r.done; r = await reader.read()) stderr += r.value;
  return { code: (await child.status).code, stdout: await stdout, stderr };
}

Deno.test("copy-vault interrupted with SIGINT: prints what was done and the command that resumes it; that command finishes the run, exactly once", async () => {
  const seed = vaultSeed(12);
  await using emulator = await startEmulator({ ...seed, jobDurationMs: 1500 });
  const dir = await Deno.makeTempDir();
  try {
    const checkpoint = `${dir}/nightly copy.json`; // a space: the printed command must quote it
    const { code, stdout: report, stderr } = await interruptCopyVault(
      copyVaultArgs(
        emulator,
        "--run-id",
        "sigint",
        "--checkpoint",
        checkpoint,
        "--concurrency",
        "3",
      ),
      /^completed /m,
    );
    assert.equal(code, 130, stderr);
    assert.match(report, /^COMPLETED +rp-\d{4} /m);
    assert.match(report, /^IN_FLIGHT +rp-\d{4} +\w+ +[0-9A-F-]{36} +job \w+/m);
    assert.match(report, /^NOT_STARTED +rp-\d{4} /m);
    assert.match(
      report,
      /^Run sigint interrupted: 12 found, 12 selected, 0 skipped; [1-9]\d* completed/m,
    );
    assert.match(
      stderr,
      /Interrupted\. \d+ copy jobs? keeps? running in AWS Backup\. To resume where it stopped/,
    );
    const command = stderr.match(/^ {2}(npx -y deno@2\.9\.6 task copy-vault -- .*)$/m)?.[1];
    assert.ok(command, stderr);
    assert.match(command, /--run-id sigint --checkpoint '[^']*nightly copy\.json'$/);
    assert.doesNotMatch(stderr.replace(command, ""), BARE_DENO);
    const before = emulator.jobs().length;
    assert.ok(before < 12, `${before} jobs when interrupted`);

    // The command exactly as printed, through a shell.
    const resumed = await run("sh", ["-c", `${command} --json`]);
    assert.equal(resumed.code, 0, resumed.stderr);
    const final = JSON.parse(resumed.stdout);
    assert.equal(final.totals.completed, 12);
    assert.ok(final.entries.some((e: { origin: string }) => e.origin === "resumed"));
    assert.equal(emulator.jobs().length, 12);
    const sources = emulator.jobs().map((j) => j.SourceRecoveryPointArn).sort();
    assert.deepEqual(sources, Array.from({ length: 12 }, (_, i) => pointArn(i)).sort());
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("copy-vault without --checkpoint interrupted with SIGINT: the printed command resumes it, and a job that ended FAILED meanwhile is not started again", async () => {
  // Every copy fails: a job in flight at Ctrl-C ends FAILED while the run is stopped.
  const seed = vaultSeed(6, (point) => point.outcome = "FAILED");
  await using emulator = await startEmulator({ ...seed, jobDurationMs: 800 });
  const { code, stdout, stderr } = await interruptCopyVault(
    copyVaultArgs(emulator, "--json", "--concurrency", "2"),
    /^started /m,
  );
  assert.equal(code, 130, stderr);
  const json = JSON.parse(stdout);
  const file = `${ROOT}copy-vault-${json.runId}.checkpoint.json`;
  try {
    assert.equal(json.resume.saved, `copy-vault-${json.runId}.checkpoint.json`);
    assert.ok((await Deno.stat(file)).isFile, "saved in the working directory");
    assert.match(stderr, /what it started is saved in .*To resume where it stopped/s);
    const inFlight: { recoveryPointArn: string; copyJobId: string }[] = json.entries.filter((
      e: { outcome: string },
    ) => e.outcome === "IN_FLIGHT");
    assert.ok(inFlight.length >= 1, stderr);
    const command = stderr.match(/^ {2}(npx -y deno@2\.9\.6 task copy-vault -- .*)$/m)?.[1];
    assert.ok(command, stderr);
    // The jobs in flight end FAILED while nothing runs.
    await requestsSettled(emulator);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const resumed = await run("sh", ["-c", command]);
    assert.equal(resumed.code, 1, resumed.stderr);
    const final = JSON.parse(resumed.stdout);
    for (const { recoveryPointArn, copyJobId } of inFlight) {
      const jobs = emulator.jobs().filter((j) => j.SourceRecoveryPointArn === recoveryPointArn);
      assert.deepEqual(jobs.map((j) => j.CopyJobId), [copyJobId], "one job, not a second");
      const entry = final.entries.find((e: { recoveryPointArn: string }) =>
        e.recoveryPointArn === recoveryPointArn
      );
      assert.deepEqual([entry.outcome, entry.copyJobId], ["FAILED", copyJobId]);
    }
    assert.equal(final.totals.failed, 6);
  } finally {
    await Deno.remove(file).catch(() => {});
  }
});

Deno.test("copy-vault interrupted without a checkpoint: saves its records to the file the resume command names; --json", async () => {
  const seed = vaultSeed(8);
  await using emulator = await startEmulator({ ...seed, jobDurationMs: 400 });
  const { io, text } = interruptedWhen((t) => t.startsWith("started"));
  const args = copyVaultArgs(emulator, "--json", "--concurrency", "2");
  assert.equal(await copyVault(args, ENV, io), 130, text.err);
  const json = JSON.parse(text.out);
  assert.equal(json.ok, false);
  assert.equal(json.interrupted, true);
  assert.equal(json.error.name, "Interrupted");
  const runId = json.runId;
  const file = `copy-vault-${runId}.checkpoint.json`;
  try {
    assert.deepEqual(
      [json.resume.resumable, json.resume.saved, json.resume.checkpoint],
      [true, file, file],
    );
    assert.equal(
      json.resume.command,
      `npx -y deno@2.9.6 task copy-vault -- ${args.join(" ")} --run-id ${runId} ` +
        `--checkpoint ${file}`,
    );
    // In the working directory, one run's records: every job started, under its token.
    const saved = await new FileCheckpointStore(file).list(runId);
    const started = json.entries.filter((e: { copyJobId?: string }) => e.copyJobId);
    assert.ok(started.length >= 1);
    for (const entry of started) {
      const record = saved.find((r) => r.recoveryPointArn === entry.recoveryPointArn);
      assert.equal(record?.copyJobId, entry.copyJobId, entry.recoveryPointArn);
    }
  } finally {
    await Deno.remove(file).catch(() => {});
  }
  assert.equal(json.entries.length, 8);
  assert.ok(json.entries.some((e: { outcome: string }) => e.outcome === "IN_FLIGHT"));
  assert.ok(json.entries.some((e: { outcome: string }) => e.outcome === "NOT_STARTED"));
  assert.match(
    text.err,
    new RegExp(
      `This run had no --checkpoint; what it started is saved in ${file}\\. To resume where ` +
        `it stopped \\(nothing is copied twice\\), run:`,
    ),
  );

  // Interrupted while the vault is still listed: said so, nothing started.
  const listing = interruptedWhen((t) => t.startsWith("discovered"));
  // The first run's last StartCopyJob may still be on its way when it was interrupted.
  await requestsSettled(emulator);
  const jobs = emulator.jobs().length;
  assert.equal(await copyVault(copyVaultArgs(emulator), ENV, listing.io), 130);
  const listed = listing.text.out.match(
    /^Run ([0-9a-f-]{36}) interrupted while listing the vault: \d+ found/m,
  );
  assert.ok(listed, listing.text.out);
  // Nothing started, nothing to save: no file (the resume starts from scratch).
  await assert.rejects(Deno.stat(`copy-vault-${listed[1]}.checkpoint.json`), Deno.errors.NotFound);
  assert.equal(emulator.jobs().length, jobs);

  // What the advice says: the same run id again starts no second copy of anything.
  const started = emulator.jobs().length;
  const again = capture();
  assert.equal(await copyVault([...args, "--run-id", runId], ENV, again.io), 0, again.text.err);
  assert.equal(emulator.jobs().length, 8);
  assert.ok(started >= 1);
  assert.equal(new Set(emulator.jobs().map((j) => j.SourceRecoveryPointArn)).size, 8);
});

Deno.test("copy-vault interrupted without a checkpoint, the file not writable: says so, and exactly what a run with the same --run-id does", async () => {
  await using emulator = await startEmulator({ ...vaultSeed(4), jobDurationMs: 400 });
  const file = "copy-vault-unsavable.checkpoint.json";
  await Deno.mkdir(file); // a directory where the file would go
  try {
    const { io, text } = interruptedWhen((t) => t.startsWith("started"));
    const args = copyVaultArgs(emulator, "--json", "--run-id", "unsavable");
    assert.equal(await copyVault(args, ENV, io), 130, text.err);
    const json = JSON.parse(text.out);
    assert.deepEqual([json.resume.resumable, json.resume.saved], [false, undefined]);
    assert.match(json.resume.saveError, /^CheckpointError: Cannot read checkpoint file/);
    assert.doesNotMatch(json.resume.command, /--checkpoint/);
    assert.match(
      text.err,
      /This run kept no checkpoint \(no --checkpoint FILE\), and saving it failed \(CheckpointError: .*\)\. Run it again with the same --run-id and no --checkpoint: .* but a copy whose job ended FAILED meanwhile is started again:\n {2}npx -y deno@2\.9\.6 task copy-vault -- /s,
    );
    await requestsSettled(emulator);
  } finally {
    await Deno.remove(file, { recursive: true });
  }
});

Deno.test("copy-vault interrupted without a checkpoint: a file holding an earlier run of the same --run-id with another destination is not merged into", async () => {
  await using emulator = await startEmulator({ ...vaultSeed(6), jobDurationMs: 400 });
  const runId = "reused-elsewhere";
  const file = `copy-vault-${runId}.checkpoint.json`;
  const interruptAfter = (starts: number) => {
    let seen = 0;
    return interruptedWhen((t) => t.startsWith("started") && ++seen === starts);
  };
  try {
    // First to us-west-2: three copies under way at Ctrl-C, saved.
    const first = interruptAfter(3);
    const args = copyVaultArgs(emulator, "--json", "--concurrency", "3", "--run-id", runId);
    assert.equal(await copyVault(args, ENV, first.io), 130, first.text.err);
    assert.equal(JSON.parse(first.text.out).resume.saved, file);
    const saved = await Deno.readTextFile(file);
    await requestsSettled(emulator);

    // The same run id to another vault, interrupted at its first start: its records would make
    // the first run's (copies to us-west-2) count as its own under its target.
    const second = interruptAfter(1);
    const elsewhere = args.map((a) => a === DR_VAULT_WEST_ARN ? LOCAL_DR_VAULT_ARN : a);
    assert.equal(await copyVault(elsewhere, ENV, second.io), 130, second.text.err);
    const json = JSON.parse(second.text.out);
    assert.deepEqual([json.resume.resumable, json.resume.saved], [false, undefined]);
    assert.match(
      json.resume.saveError,
      new RegExp(
        `^RunTargetMismatchError: ${file} holds run ${runId}, started with another ` +
          `--destination-vault-arn \\(--destination-vault-arn: "${DR_VAULT_WEST_ARN}" in the ` +
          `checkpoint, "${LOCAL_DR_VAULT_ARN}" now\\); not overwritten`,
      ),
    );
    assert.equal(await Deno.readTextFile(file), saved, "the first run's file is unchanged");
    // The command printed names no --checkpoint (that file would refuse it: bad usage), and says
    // what it does; run as printed, it goes on with the same run id and copies the rest.
    assert.equal(json.resume.checkpoint, undefined);
    const command = `npx -y deno@2.9.6 task copy-vault -- ` +
      `${
        elsewhere.filter((a, i) => a !== "--run-id" && elsewhere[i - 1] !== "--run-id").join(" ")
      }` +
      ` --run-id ${runId}`;
    assert.equal(json.resume.command, command);
    assert.match(second.text.err, /Run it again with the same --run-id and no --checkpoint: /);
    await requestsSettled(emulator);
    const resumed = capture();
    const resumeArgs = command.replace(/^.* copy-vault -- /, "").split(" ");
    assert.equal(await copyVault(resumeArgs, ENV, resumed.io), 0, resumed.text.err);
    const toLocal = emulator.jobs().filter((j) =>
      j.DestinationBackupVaultArn === LOCAL_DR_VAULT_ARN
    );
    assert.equal(new Set(toLocal.map((j) => j.SourceRecoveryPointArn)).size, 6);
    assert.equal(toLocal.length, 6, "nothing copied twice");
  } finally {
    await Deno.remove(file).catch(() => {});
  }
});

Deno.test("emulator: a port in use is one line naming --port (exit 2); --cors; runs with --no-config from another directory", async () => {
  await using busy = await startEmulator();
  const inUse = await task("emulator", ["--port", String(busy.port)]);
  assert.equal(inUse.code, 2, inUse.stderr);
  const lines = inUse.stderr.split("\n").filter((l) => l && !/\bTask\b.*emulator/.test(l));
  assert.deepEqual(lines, [
    `Port ${busy.port} on 127.0.0.1 is already in use: stop what listens there, or choose ` +
    `another port with --port N (--port 0 takes a free one).`,
  ]);
  const help = await task("emulator", ["--help"]);
  assert.match(help.stdout, /^Usage: npx -y deno@2\.9\.6 task emulator -- \[--port N\] \[--cors\]/);

  // Outside the repository, without its deno.json: as a user would run a copied file.
  const dir = await Deno.makeTempDir();
  // The deno binary itself (npx does not pass SIGINT on), from a directory without deno.json.
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-config",
      "--allow-net=127.0.0.1",
      "--allow-read",
      "--allow-env",
      `${ROOT}emulator/main.ts`,
      "--cors",
    ],
    cwd: dir,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let banner = "";
  while (!banner.includes("Press Ctrl-C")) {
    const { value, done } = await reader.read();
    if (done) break;
    banner += value;
  }
  try {
    const url = banner.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/)?.[1];
    assert.ok(url, banner);
    assert.match(banner, /CORS on/);
    const preflight = await fetch(`${url}/backup-vaults/`, {
      method: "OPTIONS",
      headers: {
        origin: "http://page.example",
        "access-control-request-method": "GET",
        "access-control-request-headers": "authorization, x-amz-date",
      },
    });
    await preflight.body?.cancel();
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get("access-control-allow-origin"), "*");
    const client = new BackupClient({
      region: DEMO_REGION,
      endpoint: url,
      credentials: { ...DEMO_CREDENTIALS },
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        assert.equal(response.headers.get("access-control-allow-origin"), "*");
        return response;
      },
    });
    const vaults = await listBackupVaults(client, {});
    assert.ok(vaults.BackupVaultList?.some((v) => v.BackupVaultName === DEFAULT_VAULT_NAME));
  } finally {
    child.kill("SIGINT");
    await reader.cancel();
    await child.status;
    await stderr;
    await Deno.remove(dir, { recursive: true });
  }
});

/** Resolves once the emulator has received no request for 300 ms (requests in flight landed). */
async function requestsSettled(emulator: { requests: readonly unknown[] }): Promise<void> {
  for (let seen = -1; seen !== emulator.requests.length;) {
    seen = emulator.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}
