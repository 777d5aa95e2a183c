/**
 * The CLIs as users run them: subprocesses through `npx -y deno@2.9.6 task <name> -- …`, exactly
 * the README's syntax, against the emulator; and `copy-vault` killed with SIGKILL mid-run, then
 * run again with the same run id and checkpoint file.
 */

import assert from "node:assert/strict";
import {
  DEFAULT_VAULT_NAME,
  DEMO_CREDENTIALS,
  DEMO_IAM_ROLE_ARN,
  DEMO_REGION,
  DR_VAULT_WEST_ARN,
  type Emulator,
  RECOVERY_POINT_OK_ARN,
  startEmulator,
} from "../emulator/mod.ts";
import { pointArn, SOURCE_VAULT, vaultSeed } from "./support/copy_vault_fixtures.ts";
import { main as copy } from "../cli/copy.ts";
import { main as copyVault } from "../cli/copy_vault.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const ENV = {
  AWS_ACCESS_KEY_ID: DEMO_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: DEMO_CREDENTIALS.secretAccessKey,
  AWS_REGION: DEMO_REGION,
  AWS_SESSION_TOKEN: "",
  NO_COLOR: "1",
};

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npx -y deno@2.9.6 task <name> -- <args>` in the repository, as the README shows. */
async function task(name: string, args: string[]): Promise<Run> {
  const output = await new Deno.Command("npx", {
    args: ["-y", "deno@2.9.6", "task", name, "--", ...args],
    cwd: ROOT,
    env: ENV,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

function copyVaultArgs(emulator: Emulator, ...more: string[]): string[] {
  return [
    "--source-vault",
    SOURCE_VAULT,
    "--destination-vault-arn",
    DR_VAULT_WEST_ARN,
    "--iam-role-arn",
    DEMO_IAM_ROLE_ARN,
    "--endpoint",
    emulator.url,
    "--poll-interval-ms",
    "20",
    ...more,
  ];
}

Deno.test("deno task copy -- …: starts and waits for a job; --help", async () => {
  await using emulator = await startEmulator({ jobDurationMs: 200 });
  const [copied, help] = await Promise.all([
    task("copy", [
      "--recovery-point-arn",
      RECOVERY_POINT_OK_ARN,
      "--source-vault",
      DEFAULT_VAULT_NAME,
      "--destination-vault-arn",
      DR_VAULT_WEST_ARN,
      "--iam-role-arn",
      DEMO_IAM_ROLE_ARN,
      "--wait",
      "--endpoint",
      emulator.url,
    ]),
    task("copy", ["--help"]),
  ]);
  assert.equal(copied.code, 0, copied.stderr);
  const [job] = emulator.jobs();
  assert.equal(emulator.jobs().length, 1);
  assert.match(copied.stdout, new RegExp(`CopyJobId ${job.CopyJobId}`));
  assert.equal(JSON.parse(copied.stdout.slice(copied.stdout.indexOf("{"))).State, "COMPLETED");
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /^Usage: deno task copy -- --recovery-point-arn ARN/);
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
    [copyVaultArgs(emulator, "--bogus"), /Unknown option '--bogus'/],
    [["--source-vault", "prod"], /Missing --destination-vault-arn, --iam-role-arn/],
    [copyVaultArgs(emulator, "--run-id", ""), /--run-id must be a non-empty string/],
    [copyVaultArgs(emulator, "stray"), /Unexpected argument 'stray'/],
    [
      copyVaultArgs(emulator, "--delete-after-days", "1.5"),
      /--delete-after-days must be an integer/,
    ],
    [copyVaultArgs(emulator, "--endpoint", "notaurl"), /^--endpoint must be an absolute http/],
    [
      copyVaultArgs(emulator, "--region", "US_EAST"),
      /^--region \(or AWS_REGION\) must be a Region/,
    ],
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
  const copyErrors: string[] = [];
  const originalError = console.error;
  console.error = (text: string) => copyErrors.push(text);
  try {
    assert.equal(await copy(["--", "--recovery-pont-arn", "x"], ENV), 2);
    assert.equal(
      await copy(["--", "--recovery-point-arn", "x", "--delete-after-days", "soon"], ENV),
      2,
    );
    assert.equal(
      await copy([
        "--recovery-point-arn",
        RECOVERY_POINT_OK_ARN,
        "--source-vault",
        "no spaces",
        "--destination-vault-arn",
        DR_VAULT_WEST_ARN,
        "--iam-role-arn",
        DEMO_IAM_ROLE_ARN,
        "--endpoint",
        emulator.url,
      ], ENV),
      2,
    );
  } finally {
    console.error = originalError;
  }
  assert.match(copyErrors[0], /Unknown option '--recovery-pont-arn'/);
  assert.match(copyErrors[1], /Missing --source-vault, --destination-vault-arn, --iam-role-arn/);
  assert.match(copyErrors[2], /^--source-vault must match /);
  copyErrors.length = 0;
  console.error = (text: string) => copyErrors.push(text);
  try {
    const args = ["--recovery-point-arn", RECOVERY_POINT_OK_ARN, "--source-vault", "Default"];
    args.push("--destination-vault-arn", DR_VAULT_WEST_ARN, "--iam-role-arn", DEMO_IAM_ROLE_ARN);
    assert.equal(await copy([...args, "--endpoint", "notaurl"], ENV), 2);
  } finally {
    console.error = originalError;
  }
  assert.match(copyErrors[0], /^--endpoint must be an absolute http/);
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
    assert.match(bad.stderr, /Usage: deno task copy-vault --/);
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
    // Piped: one line per event.
    const lines = run.stderr.split("\n");
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
    assert.equal(Object.keys(file.runs.cli).length, 5);
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

Deno.test("copy-vault on a terminal: one live progress line with a bar, counts and jobs in flight", async () => {
  const seed = vaultSeed(5, (f, i) => {
    if (i === 0) f.status = "EXPIRED";
  });
  await using emulator = await startEmulator({ ...seed, jobDurationMs: 150 });
  let err = "";
  let out = "";
  const output = {
    out: (t: string) => out += t,
    err: (t: string) => err += t,
    errIsTerminal: true,
  };
  assert.equal(await copyVault(copyVaultArgs(emulator, "--run-id", "tty"), ENV, output), 0, err);
  // The live line is redrawn in place (carriage return, erase line), never one line per poll.
  const redraws = err.split("\r\x1b[2K");
  assert.ok(redraws.length > 5, `${redraws.length} redraws`);
  assert.match(
    err,
    /\[#{0,24}\.{0,24}\] \d\/4 done · ok \d · partial 0 · failed 0 · skipped 1 · in flight \d/,
  );
  assert.match(err, /in flight [1-4]: rp-000\d (started|CREATED|RUNNING)/);
  assert.match(redraws.at(-1)!, /^\[#{24}\] 4\/4 done · ok 4 .* in flight 0\n$/);
  assert.doesNotMatch(err, /^running /m, "no per-poll lines on a terminal");
  assert.match(out, /Run tty: 5 found, 4 selected, 1 skipped; 4 completed/);
});
