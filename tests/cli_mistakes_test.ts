/**
 * Command-line mistakes that used to pass silently, run as users run the CLIs (subprocesses
 * through `npx -y deno@2.9.6 task <name> -- …`): a flag given twice, a vault or role ARN of the
 * wrong shape, a copy into the source vault, a run id resumed with another target, an empty
 * idempotency token, a Region AWS does not list or not the recovery point's; the checkpoint file
 * the resume advice names is ignored by git; the endpoint from the AWS CLI's variables.
 */

import assert from "node:assert/strict";
import { DEMO_IAM_ROLE_ARN, DR_VAULT_WEST_ARN, startEmulator } from "../emulator/mod.ts";
import { LOCAL_DR_VAULT_ARN, SOURCE_VAULT_ARN, vaultSeed } from "./support/copy_vault_fixtures.ts";
import { copyArgs, copyVaultArgs, ENV, ROOT, type Run, task } from "./support/cli.ts";

/** The CLI's own lines of stderr (not `deno task`'s "Task …" line). */
function lines(stderr: string): string[] {
  return stderr.split("\n").filter((l) => l && !/^\S*Task\b/.test(l));
}

Deno.test("a flag given twice is a usage error naming it (copy, copy-vault, emulator); repeatable flags repeat", async () => {
  await using emulator = await startEmulator({ ...vaultSeed(2), jobDurationMs: 20 });
  const [vaultTwice, arnTwice, json, copyTwice, portTwice, eventsTwice, repeatable] = await Promise
    .all([
      task("copy-vault", copyVaultArgs(emulator, "--source-vault", "other")),
      task("copy-vault", copyVaultArgs(emulator, "--destination-vault-arn", LOCAL_DR_VAULT_ARN)),
      task("copy-vault", copyVaultArgs(emulator, "--json", "--run-id", "a", "--run-id=b")),
      task("copy", copyArgs(emulator, "--iam-role-arn", DEMO_IAM_ROLE_ARN, "--dry-run")),
      task("emulator", ["--port", "0", "--port", "0"]),
      task("emulator", ["--events-times", "2", "--events-times", "3"]),
      task(
        "copy-vault",
        copyVaultArgs(emulator, "--resource-type", "EBS", "--resource-type", "DynamoDB"),
      ),
    ]);
  for (
    const [run, flag] of [
      [vaultTwice, "--source-vault"],
      [arnTwice, "--destination-vault-arn"],
      [copyTwice, "--iam-role-arn"],
    ] as const
  ) {
    assert.equal(run.code, 2, run.stderr);
    assert.equal(
      lines(run.stderr)[0],
      `${flag} is given more than once (it takes one value): give it once`,
    );
  }
  assert.equal(json.code, 2);
  const failure = JSON.parse(json.stdout);
  assert.equal(failure.ok, false);
  assert.equal(failure.error.name, "UsageError");
  assert.match(failure.error.message, /^--run-id is given more than once/);
  for (const [run, flag] of [[portTwice, "--port"], [eventsTwice, "--events-times"]] as const) {
    assert.equal(run.code, 2, run.stderr);
    assert.equal(lines(run.stderr)[0], `${flag} is given more than once: give it once`);
  }
  // --resource-type is documented as repeatable: both types are taken.
  assert.equal(repeatable.code, 0, repeatable.stderr);
  assert.match(repeatable.stdout, /COMPLETED/);
  // Nothing was started by a refused command line (only the repeatable run copied, 2 points).
  assert.equal(emulator.jobs().filter((j) => !j.ParentJobId).length, 2);
});

Deno.test("copy and copy-vault: a vault or role ARN of the wrong shape, or the source vault as destination, is one usage line naming the flag; --json keeps the JSON form", async () => {
  await using emulator = await startEmulator({ ...vaultSeed(2), jobDurationMs: 20 });
  const replace = (args: string[], flag: string, value: string) =>
    args.map((a, i) => args[i - 1] === flag ? value : a);
  const badVault = "dr-vault-west"; // a name, not an ARN
  const badRole = "AWSBackupDefaultServiceRole";
  const runs = await Promise.all([
    task("copy", replace(copyArgs(emulator), "--destination-vault-arn", badVault)),
    task("copy", replace(copyArgs(emulator, "--dry-run"), "--iam-role-arn", badRole)),
    task("copy", replace(copyArgs(emulator, "--json"), "--iam-role-arn", badRole)),
    task("copy-vault", replace(copyVaultArgs(emulator), "--destination-vault-arn", badVault)),
    task("copy-vault", replace(copyVaultArgs(emulator), "--iam-role-arn", badRole)),
    task(
      "copy-vault",
      replace(copyVaultArgs(emulator), "--destination-vault-arn", SOURCE_VAULT_ARN),
    ),
    task("copy-vault", [
      "--verify",
      "--source-vault",
      "prod",
      "--destination-vault-arn",
      SOURCE_VAULT_ARN,
      "--endpoint",
      emulator.url,
    ]),
  ]);
  const expected = [
    /^--destination-vault-arn must be a backup vault ARN, .*got 'dr-vault-west' \(a vault name: pass the vault's ARN\)$/,
    /^--iam-role-arn must be an IAM role ARN, .*got 'AWSBackupDefaultServiceRole'$/,
    /^--iam-role-arn must be an IAM role ARN/,
    /^--destination-vault-arn must be a backup vault ARN, .*\(a vault name: pass the vault's ARN\)$/,
    /^--iam-role-arn must be an IAM role ARN/,
    /^--destination-vault-arn is the source vault itself \(arn:aws:backup:us-east-1:111122223333:backup-vault:prod\): /,
    /^--destination-vault-arn is the source vault itself \(arn:aws:backup:us-east-1:111122223333:backup-vault:prod\): /,
  ];
  runs.forEach((run, i) => {
    assert.equal(run.code, 2, `${i}: ${run.stderr}`);
    // After the run's first line (`Run <id> …`) when the mistake is found once it began.
    const line = lines(run.stderr).find((l) => !l.startsWith("Run "));
    assert.match(line ?? "", expected[i], `${i}: ${run.stderr}`);
    assert.doesNotMatch(run.stderr, /\n\s+at /, "no stack trace");
  });
  const failure = JSON.parse(runs[2].stdout);
  assert.equal(failure.ok, false);
  assert.match(failure.error.message, /^--iam-role-arn must be an IAM role ARN/);
  assert.equal(
    emulator.requests.filter((r) => r.operation !== "ListRecoveryPointsByBackupVault").length,
    0,
  );
});

Deno.test("copy-vault: a run id resumed with another destination is one usage line saying to use another --run-id; the checkpoint file is ignored by git", async () => {
  await using emulator = await startEmulator({ ...vaultSeed(2), jobDurationMs: 20 });
  const dir = await Deno.makeTempDir();
  try {
    const checkpoint = `${dir}/copy-vault-nightly.checkpoint.json`;
    const resumable = ["--run-id", "nightly", "--checkpoint", checkpoint];
    const first = await task("copy-vault", copyVaultArgs(emulator, ...resumable));
    assert.equal(first.code, 0, first.stderr);
    const [other, otherJson] = await Promise.all([
      task(
        "copy-vault",
        copyVaultArgs(emulator, ...resumable).map((a) =>
          a === DR_VAULT_WEST_ARN ? LOCAL_DR_VAULT_ARN : a
        ),
      ),
      task(
        "copy-vault",
        copyVaultArgs(emulator, ...resumable, "--delete-after-days", "35", "--json"),
      ),
    ]);
    assert.equal(other.code, 2, other.stderr);
    const line = lines(other.stderr).find((l) => l.startsWith("--run-id"));
    assert.equal(
      line,
      `--run-id nightly is a run started with another --destination-vault-arn ` +
        `(--destination-vault-arn: "${DR_VAULT_WEST_ARN}" in the checkpoint, ` +
        `"${LOCAL_DR_VAULT_ARN}" now): give this copy another --run-id, or resume that run ` +
        `with its own flags`,
    );
    assert.equal(otherJson.code, 2, otherJson.stderr);
    const failure = JSON.parse(otherJson.stdout);
    assert.equal(failure.error.name, "UsageError");
    assert.match(
      failure.error.message,
      /^--run-id nightly is a run started with another --delete-after-days \(/,
    );
    assert.equal(emulator.jobs().filter((j) => !j.ParentJobId).length, 2, "no copy started again");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  // The file the resume advice names, in the working directory, never goes into git.
  for (
    const file of ["copy-vault-nightly.checkpoint.json", "copy-vault-nightly.checkpoint.json.tmp"]
  ) {
    const ignored = await new Deno.Command("git", { args: ["check-ignore", "-q", file], cwd: ROOT })
      .output();
    assert.equal(ignored.code, 0, `${file} is ignored by git`);
  }
});

/** `args` without `--endpoint URL`. */
function withoutEndpoint(args: string[]): string[] {
  return args.filter((a, i) => a !== "--endpoint" && args[i - 1] !== "--endpoint");
}

Deno.test("copy and copy-vault: an empty --idempotency-token, a Region AWS does not list and a recovery point of another Region are usage errors naming the flag, also in a dry run", async () => {
  await using emulator = await startEmulator({ ...vaultSeed(2), jobDurationMs: 20 });
  const [emptyToken, blankToken, emptyJson, otherRegion, typo, vaultTypo, envTypo] = await Promise
    .all([
      task("copy", copyArgs(emulator, "--idempotency-token", "", "--dry-run")),
      task("copy", copyArgs(emulator, "--idempotency-token", "  ", "--dry-run")),
      task("copy", copyArgs(emulator, "--idempotency-token", "", "--json")),
      task("copy", copyArgs(emulator, "--region", "us-west-2", "--dry-run")),
      task("copy", copyArgs(emulator, "--region", "us-est-1", "--dry-run")),
      task("copy-vault", copyVaultArgs(emulator, "--region", "us-est-1", "--dry-run")),
      task("copy-vault", copyVaultArgs(emulator, "--dry-run"), { ...ENV, AWS_REGION: "useast1" }),
    ]);
  const expected: [Run, RegExp][] = [
    [emptyToken, /^--idempotency-token must not be empty or white space: give it a value$/],
    [blankToken, /^--idempotency-token must not be empty or white space: /],
    [emptyJson, /^--idempotency-token must not be empty or white space: /],
    [
      otherRegion,
      /^--recovery-point-arn is in us-east-1, but --region is us-west-2: StartCopyJob is called in the Region of the source recovery point; give --region us-east-1$/,
    ],
    [
      typo,
      /^--region 'us-est-1' must be an AWS Region this release lists; did you mean "us-east-1"\?$/,
    ],
    [
      vaultTypo,
      /^--region 'us-est-1' must be an AWS Region this release lists; did you mean "us-east-1"\?$/,
    ],
    [
      envTypo,
      /^AWS_REGION 'useast1' must be an AWS Region this release lists; did you mean "us-east-1"\?$/,
    ],
  ];
  expected.forEach(([run, line], i) => {
    assert.equal(run.code, 2, `${i}: ${run.stderr}`);
    assert.match(lines(run.stderr)[0], line, `${i}: ${run.stderr}`);
  });
  assert.doesNotMatch(emptyToken.stdout, /generated/, "no dry run printed");
  const failure = JSON.parse(emptyJson.stdout);
  assert.equal(failure.error.name, "UsageError");
  assert.equal(emulator.requests.length, 0, "nothing sent");
});

Deno.test("copy and copy-vault: AWS_ENDPOINT_URL_BACKUP, then AWS_ENDPOINT_URL, as the AWS CLI reads them; --endpoint wins; the same rules as --endpoint", async () => {
  await using emulator = await startEmulator({ ...vaultSeed(2), jobDurationMs: 20 });
  const closed = "http://127.0.0.1:9"; // the discard port: nothing answers there
  const dryRun = withoutEndpoint(copyArgs(emulator, "--dry-run", "--json"));
  const [serviceVar, generalVar, flagWins, ignored, insecure, vault] = await Promise.all([
    task("copy", dryRun, {
      ...ENV,
      AWS_ENDPOINT_URL_BACKUP: emulator.url,
      AWS_ENDPOINT_URL: closed,
    }),
    task("copy", dryRun, { ...ENV, AWS_ENDPOINT_URL: emulator.url }),
    task("copy", [...dryRun, "--endpoint", emulator.url], {
      ...ENV,
      AWS_ENDPOINT_URL_BACKUP: closed,
    }),
    task("copy", dryRun, {
      ...ENV,
      AWS_ENDPOINT_URL_BACKUP: emulator.url,
      AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true",
    }),
    task("copy", dryRun, { ...ENV, AWS_ENDPOINT_URL_BACKUP: "http://backup.example" }),
    // A real run, from the variable alone.
    task("copy-vault", withoutEndpoint(copyVaultArgs(emulator, "--json")), {
      ...ENV,
      AWS_ENDPOINT_URL_BACKUP: emulator.url,
    }),
  ]);
  const url = (run: Run) => new URL(JSON.parse(run.stdout).url).origin;
  for (const run of [serviceVar, generalVar, flagWins]) {
    assert.equal(run.code, 0, run.stderr);
    assert.equal(url(run), emulator.url);
  }
  assert.equal(ignored.code, 0, ignored.stderr);
  assert.equal(url(ignored), "https://backup.us-east-1.amazonaws.com");
  assert.equal(insecure.code, 2, insecure.stderr);
  assert.match(lines(insecure.stderr)[0], /^AWS_ENDPOINT_URL_BACKUP .*http:/);
  assert.match(lines(insecure.stderr)[0], /BACKUP_EDGE_ALLOW_INSECURE_ENDPOINT=1/);
  assert.equal(vault.code, 0, vault.stderr);
  assert.equal(JSON.parse(vault.stdout).totals.completed, 2);
  assert.equal(emulator.jobs().filter((j) => !j.ParentJobId).length, 2);
});

Deno.test('copy and copy-vault: an empty or blank value of any flag is a usage error naming it (--checkpoint "" ran without one); an unknown flag names the flag it probably meant', async () => {
  await using emulator = await startEmulator({ ...vaultSeed(2), jobDurationMs: 20 });
  const blank = (flag: string) => `--${flag} must not be empty or white space: give it a value`;
  const cases: [name: string, args: string[], line: string][] = [
    [
      "copy-vault",
      copyVaultArgs(emulator, "--run-id", "ck1", "--checkpoint", ""),
      blank("checkpoint"),
    ],
    ["copy-vault", copyVaultArgs(emulator, "--checkpoint= "), blank("checkpoint")],
    ["copy-vault", copyVaultArgs(emulator, "--created-after", " "), blank("created-after")],
    ["copy-vault", copyVaultArgs(emulator, "--resource-type", ""), blank("resource-type")],
    [
      "copy-vault",
      [...withoutEndpoint(copyVaultArgs(emulator)), "--endpoint", ""],
      blank("endpoint"),
    ],
    ["copy", copyArgs(emulator, "--region", " ", "--dry-run"), blank("region")],
    [
      "copy",
      copyArgs(emulator, "--delete-after-days", "", "--dry-run"),
      blank("delete-after-days"),
    ],
    [
      "copy-vault",
      copyVaultArgs(emulator, "--dryrun"),
      "Unknown option '--dryrun'; did you mean --dry-run?",
    ],
    [
      "copy",
      ["--recovery-pont-arn", "x"],
      "Unknown option '--recovery-pont-arn'; did you mean --recovery-point-arn?",
    ],
    ["copy", ["--colour"], "Unknown option '--colour'"],
  ];
  const [json, ...runs] = await Promise.all([
    task("copy-vault", copyVaultArgs(emulator, "--checkpoint", "", "--json")),
    ...cases.map(([name, args]) => task(name, args)),
  ]);
  runs.forEach((run, i) => {
    assert.equal(run.code, 2, `${i}: ${run.stderr}`);
    assert.equal(lines(run.stderr)[0], cases[i][2], `${i}`);
  });
  assert.equal(json.code, 2);
  const failure = JSON.parse(json.stdout);
  assert.equal(failure.error.name, "UsageError");
  assert.equal(failure.error.message, blank("checkpoint"));
  assert.equal(emulator.requests.length, 0, "nothing sent");
});
