// A user's mistakes with the standalone emulator are caught and named, never passed over: every
// member of a seed file is checked (unknown keys, types, resource types, cross-references), and
// every flag's value against the range it has a meaning in. The CLI runs as users run it:
// `deno task emulator -- …` in a subprocess.

import assert from "node:assert/strict";
import { parseSeed, SeedError } from "../emulator/mod.ts";
import { ROOT } from "./support/cli.ts";

const VAULT = "arn:aws:backup:us-east-1:111122223333:backup-vault:prod";
const WEST_VAULT = "arn:aws:backup:us-west-2:111122223333:backup-vault:prod";
const POINT = "arn:aws:backup:us-east-1:111122223333:recovery-point:1";

/** A valid seed's one recovery point, with `member` merged in (`undefined` removes one). */
function seedWith(member: Record<string, unknown>, root: Record<string, unknown> = {}): string {
  const point: Record<string, unknown> = {
    arn: POINT,
    backupVaultName: "prod",
    resourceArn: "arn:aws:ec2:us-east-1:111122223333:volume/vol-1",
    resourceType: "EBS",
    ...member,
  };
  return JSON.stringify({ vaults: [VAULT, WEST_VAULT], recoveryPoints: [point], ...root });
}

/** The SeedError `text` raises: its path and message. */
function seedError(text: string, file?: string): { path: string; message: string } {
  try {
    parseSeed(text, file);
  } catch (e) {
    assert.ok(e instanceof SeedError, String(e));
    return { path: e.path, message: e.message };
  }
  assert.fail(`accepted: ${text}`);
}

Deno.test("seed: a valid seed is accepted (control)", () => {
  const seed = parseSeed(seedWith({
    outcome: "FAILED",
    creationDate: "2026-03-02T01:00:00+01:00",
    automaticCopies: [{ destinationBackupVaultArn: WEST_VAULT }],
  }));
  assert.equal(seed.recoveryPoints[0].outcome, "FAILED");
  assert.equal(seed.recoveryPoints[0].creationDateMs, Date.UTC(2026, 2, 2, 0));
});

Deno.test("seed: an unknown key anywhere is an error naming its path and the key it probably meant", () => {
  for (
    const [text, path, message] of [
      [seedWith({ outcom: "FAILED" }), "recoveryPoints[0].outcom", /did you mean "outcome"\?$/],
      [seedWith({}, { recoveryPoint: [] }), "recoveryPoint", /did you mean "recoveryPoints"\?$/],
      [
        seedWith({ automaticCopies: [{ destinationBackupVaultArn: WEST_VAULT, vaultType: "X" }] }),
        "recoveryPoints[0].automaticCopies[0].vaultType",
        /is unknown/,
      ],
      [
        seedWith({ creationDateMs: 1 }),
        "recoveryPoints[0].creationDateMs",
        /is unknown: a seed gives "creationDate", an ISO 8601 string$/,
      ],
      [seedWith({ colour: "red" }), "recoveryPoints[0].colour", /colour is unknown$/],
    ] as const
  ) {
    const error = seedError(text);
    assert.equal(error.path, path);
    assert.match(error.message, message);
  }
});

Deno.test("seed: types and values are checked: resource types as AWS Backup spells them, ARNs, dates with a zone", () => {
  for (
    const [member, path, message] of [
      [
        { resourceType: "EBSS" },
        "recoveryPoints[0].resourceType",
        /EBSS; did you mean "EBS"\?$/,
      ],
      [{ resourceType: "Tape" }, "recoveryPoints[0].resourceType", /one of Aurora, .*, got Tape/],
      [{ arn: "p1" }, "recoveryPoints[0].arn", /not a recovery point ARN/],
      [{ resourceArn: "vol-1" }, "recoveryPoints[0].resourceArn", /not an ARN/],
      [{ backupVaultName: "a b" }, "recoveryPoints[0].backupVaultName", /not a backup vault name/],
      [{ outcome: "failed" }, "recoveryPoints[0].outcome", /one of COMPLETED, FAILED, PARTIAL/],
      [{ backupSizeInBytes: "5" }, "recoveryPoints[0].backupSizeInBytes", /got a string$/],
      [{ statusMessage: 5 }, "recoveryPoints[0].statusMessage", /non-empty string, got 5$/],
      // Without a zone, Date.parse reads local time: a different instant on each machine.
      [{ creationDate: "2026-03-02T01:00:00" }, "recoveryPoints[0].creationDate", /ISO 8601/],
      [{ creationDate: "March 2, 2026" }, "recoveryPoints[0].creationDate", /ISO 8601/],
      // A day the calendar has not, which Date.parse would roll over to March 2 or 3.
      [{ creationDate: "2026-02-30" }, "recoveryPoints[0].creationDate", /ISO 8601/],
      [
        { moveToColdStorageAt: "2026-02-31T10:00:00Z" },
        "recoveryPoints[0].moveToColdStorageAt",
        /ISO 8601/,
      ],
      [{ sourceBackupVaultArn: "prod" }, "recoveryPoints[0].sourceBackupVaultArn", /vault ARN/],
    ] as const
  ) {
    const error = seedError(seedWith(member));
    assert.equal(error.path, path, JSON.stringify(member));
    assert.match(error.message, message);
  }
  assert.equal(seedError(seedWith({}, { vaults: [VAULT, VAULT] })).path, "vaults[1]");
  // Vault ARNs whose name AWS Backup would not allow (empty, a space, one character).
  for (const name of ["", "my vault!", "a"]) {
    const error = seedError(seedWith({}, { vaults: [VAULT, VAULT.replace(/[^:]+$/, name)] }));
    assert.equal(error.path, "vaults[1]", name);
    assert.match(error.message, /names no backup vault AWS Backup allows/);
  }
});

Deno.test("seed: what a member names exists: its vault (in its Region and account), its parent, a copy's destination", () => {
  const other = (n: number) => ({
    arn: `${POINT}-${n}`,
    backupVaultName: "prod",
    resourceArn: "arn:aws:ec2:us-east-1:111122223333:volume/vol-1",
    resourceType: "EBS",
  });
  for (
    const [text, path, message] of [
      [
        seedWith({ backupVaultName: "prd" }),
        "recoveryPoints[0].backupVaultName",
        /names no vault of "vaults" in us-east-1, account 111122223333 .*: prd; did you mean "prod"\?$/,
      ],
      // A vault of that name in another Region is not the point's vault.
      [
        seedWith({}, { vaults: [WEST_VAULT] }),
        "recoveryPoints[0].backupVaultName",
        /names no vault of "vaults" in us-east-1/,
      ],
      [
        seedWith({ automaticCopies: [{ destinationBackupVaultArn: VAULT.replace("prod", "dr") }] }),
        "recoveryPoints[0].automaticCopies[0].destinationBackupVaultArn",
        /is not a vault of "vaults"/,
      ],
      [
        seedWith({ parentRecoveryPointArn: `${POINT}-gone` }),
        "recoveryPoints[0].parentRecoveryPointArn",
        /names no other recovery point of the seed/,
      ],
      [
        seedWith({ parentRecoveryPointArn: POINT }),
        "recoveryPoints[0].parentRecoveryPointArn",
        /names no other recovery point/,
      ],
      [
        JSON.stringify({ vaults: [VAULT], recoveryPoints: [other(1), other(1)] }),
        "recoveryPoints[1].arn",
        /is recoveryPoints\[0\]\.arn again/,
      ],
    ] as const
  ) {
    const error = seedError(text);
    assert.equal(error.path, path, text);
    assert.match(error.message, message);
  }
  // A composite's members in its vault pass (control).
  const parent = parseSeed(JSON.stringify({
    vaults: [VAULT],
    recoveryPoints: [other(1), { ...other(2), parentRecoveryPointArn: `${POINT}-1` }],
  }));
  assert.equal(parent.recoveryPoints[1].parentRecoveryPointArn, `${POINT}-1`);
});

Deno.test("seed: a file that is not a seed names the file and what a seed is, never quoting it", () => {
  const notJson = seedError("SECRET_KEY=hunter2\n", "dev.vars");
  assert.equal(notJson.path, "$");
  assert.match(
    notJson.message,
    /^Invalid emulator seed dev\.vars: the file is not JSON; expected a JSON object \{"vaults": /,
  );
  assert.ok(!notJson.message.includes("hunter2"), notJson.message);
  assert.match(
    seedError("[1]", "a.json").message,
    /^Invalid emulator seed a\.json: the file is an array; expected a JSON object/,
  );
  assert.match(
    seedError("{}").message,
    /^Invalid emulator seed: vaults must be an array, got nothing$/,
  );
});

/**
 * `deno task emulator -- ARGS`, which must refuse to start: its exit code and first line on
 * stderr. If it starts instead (its banner shows), it is stopped with SIGINT and the code is
 * `"started"`, so that a mistake let through fails the test rather than hanging it.
 */
async function refused(args: string[]): Promise<{ code: number | "started"; line: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["task", "emulator", "--", ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  let stdout = "";
  let started = false;
  for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
    stdout += chunk;
    if (!started && stdout.includes("Press Ctrl-C")) {
      started = true;
      child.kill("SIGINT");
    }
  }
  const { code } = await child.status;
  const lines = (await stderr).split("\n").filter((l) => l && !/\bTask\b.*emulator/.test(l));
  return { code: started ? "started" : code, line: lines[0] ?? `(stdout: ${stdout})` };
}

Deno.test("deno task emulator: a seed's mistake, a flag without its value or out of its range, is one line naming it, exit 2", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/seed.json`;
    await Deno.writeTextFile(file, seedWith({ outcom: "FAILED" }));
    const cases: [string[], RegExp][] = [
      [
        ["--seed", file],
        new RegExp(
          `^Invalid emulator seed ${file}: recoveryPoints\\[0\\]\\.outcom is unknown; did you mean "outcome"\\?$`,
        ),
      ],
      [
        ["--seed", "README.md"],
        /^Invalid emulator seed README\.md: the file is not JSON; expected a JSON object/,
      ],
      [["--port"], /^--port needs a value: an integer from 0 to 65535$/],
      [["--port", "--cors"], /^--port needs a value: an integer from 0 to 65535$/],
      [["--seed"], /^--seed needs a value: a JSON file$/],
      [["--events-to"], /^--events-to needs a value: an http or https URL$/],
      [["--port", "65536"], /^--port needs an integer from 0 to 65535, got 65536$/],
      [
        ["--max-concurrent-copies-per-vault", "0"],
        /^--max-concurrent-copies-per-vault needs an integer of at least 1, got 0$/,
      ],
      [
        ["--max-concurrent-jobs=0"],
        /^--max-concurrent-jobs needs an integer of at least 1, got 0$/,
      ],
      [["--job-duration-ms", "1e3"], /^--job-duration-ms needs an integer from 0 to 2147483647/],
      // setTimeout fires a longer wait at once: backups would start without pause.
      [
        ["--backup-every", "3000000000"],
        /^--backup-every needs an integer from 1 to 2147483647, got 3000000000$/,
      ],
    ];
    for (const [args, message] of cases) {
      const result = await refused(args);
      assert.equal(result.code, 2, `${args.join(" ")}: ${result.line}`);
      assert.match(result.line, message);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task emulator: a blank value is a missing one, and an unknown flag names the flag it probably meant, exit 2", async () => {
  const cases: [string[], string][] = [
    // Was taken as a file named " ", then as "no such file".
    [["--seed", "  "], "--seed needs a value: a JSON file"],
    [["--seed= "], "--seed needs a value: a JSON file"],
    // Was Number(" ") = 0: a drop rate of 0 accepted from a blank value.
    [["--events-drop-rate", " "], "--events-drop-rate needs a value: a number from 0 to 1"],
    [["--events-to", "\t"], "--events-to needs a value: an http or https URL"],
    [["--prot", "0"], "Unknown option --prot; did you mean --port?"],
    [["--events-tmes", "2"], "Unknown option --events-tmes; did you mean --events-times?"],
    [["--cros"], "Unknown option --cros; did you mean --cors?"],
    [["--colour"], "Unknown option --colour"],
  ];
  const results = await Promise.all(cases.map(([args]) => refused(args)));
  results.forEach((result, i) => {
    assert.equal(result.code, 2, `${cases[i][0].join(" ")}: ${result.line}`);
    assert.equal(result.line, cases[i][1]);
  });
});
