/**
 * The Deno KV checkpoint store and the Deno Deploy example, on a real Deno KV (SQLite) in child
 * processes run with `--unstable-kv` / `--unstable-cron`, as Deno 2.9.6 needs: a copy run killed
 * with SIGKILL mid-run and run again starts exactly one copy job per recovery point; the store
 * reads a run of 10,000 back in 21 round trips; the example registers its cron and its handler
 * copies a vault.
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { denoOwnEnv, freePort } from "../testing/recipes.ts";
import {
  DEMO_CREDENTIALS,
  DEMO_IAM_ROLE_ARN,
  DEMO_REGION,
  DR_VAULT_WEST_ARN,
  startEmulator,
} from "../emulator/mod.ts";
import { FAST, SOURCE_VAULT, vaultSeed } from "./support/copy_vault_fixtures.ts";
import { BackupClient, listRecoveryPointsByBackupVault } from "../mod.ts";
import { docsShowing, readDocs, section } from "../testing/docs.ts";

const REPO = new URL("../", import.meta.url);
const CHILD = fileURLToPath(new URL("./runtimes/deno_kv_copy.ts", import.meta.url));
const EXAMPLE_DIR = fileURLToPath(new URL("../examples/deno-deploy/", import.meta.url));
const decoder = new TextDecoder();

/** A fresh directory under tests/.out for one test's KV files. */
async function scratch(): Promise<string> {
  const dir = fileURLToPath(new URL(`tests/.out/deno-kv-${crypto.randomUUID()}/`, REPO));
  await Deno.mkdir(dir, { recursive: true });
  return dir;
}

/** A child Deno with Deno KV enabled. */
function child(args: string[], options: Deno.CommandOptions = {}): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--unstable-kv", "--allow-all", ...args],
    cwd: fileURLToPath(REPO),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    ...options,
  });
}

/** Lines of a child's stdout as they come. */
async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let buffered = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    buffered += chunk;
    let newline;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      yield buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
    }
  }
  if (buffered) yield buffered;
}

Deno.test("the Deno KV store is its own export, outside mod.ts's module graph", async () => {
  const denoJson = JSON.parse(await Deno.readTextFile(new URL("deno.json", REPO)));
  assert.equal(denoJson.exports["./checkpoint-deno-kv"], "./jobs/checkpoint_deno_kv.ts");
  const info = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "mod.ts"],
    cwd: fileURLToPath(REPO),
    stdout: "piped",
  }).output();
  const modules: string[] = JSON.parse(decoder.decode(info.stdout)).modules.map((
    m: { specifier: string },
  ) => m.specifier);
  assert.ok(modules.some((m) => m.endsWith("/jobs/checkpoint_kv.ts")), "control: Workers KV is in");
  assert.ok(!modules.some((m) => m.endsWith("/jobs/checkpoint_deno_kv.ts")));
});

Deno.test("Deno KV store: records by run, 10,000 listed in 21 round trips, limits", async () => {
  const dir = await scratch();
  const output = await child([CHILD, "store", `${dir}store.kv`]).output();
  assert.ok(output.success, decoder.decode(output.stderr));
  const found = JSON.parse(decoder.decode(output.stdout));
  assert.equal(found.absent, true);
  assert.equal(found.roundTrip.state, "COMPLETED", "the second put replaced the first");
  assert.equal(found.roundTrip.copyJobId, "job-0");
  // Another run's records are not listed; a new process sees what the first wrote.
  assert.deepEqual(found.runA, ["arn:aws:backup:us-east-1:111122223333:recovery-point:rp-0"]);
  // Every record of the run, each once, in list calls of 500 (Deno KV's largest batch): 20 full
  // pages and the empty one that says there are no more.
  assert.equal(found.bigListed, 10_000);
  assert.equal(found.bigDistinct, 10_000);
  assert.equal(found.bigListCalls, 21);
  // A status message past 64 KiB is cut to fit, and says so.
  assert.ok(found.truncated.bytes <= 65_536 - 1024, `${found.truncated.bytes} bytes`);
  assert.ok(found.truncated.end.endsWith("… [truncated]"), found.truncated.end);
  assert.equal(found.truncated.start, "ééé");
  assert.equal(found.prefixed?.copyJobId, "job-3", "the prefix option places the keys");
  assert.match(found.keyTooLong, /^CheckpointError: Deno KV: cannot write .*2048/);
  assert.match(found.malformed, /^CheckpointError: Malformed checkpoint record at \["backup-edge"/);
  assert.equal(
    found.notAwaited,
    "ValidationError: Invalid DenoKvCheckpointStore arguments: kv must be a Deno KV database " +
      "(the awaited result of openKv()), not an instance of Promise without the methods get, " +
      "set, list",
  );
});

Deno.test("Deno KV: a copy run killed with SIGKILL resumes from KV, one copy job per point", async () => {
  const points = 24;
  // Jobs take long enough that the kill finds several in flight.
  await using emulator = await startEmulator({
    ...vaultSeed(points),
    jobDurationMs: 1500,
    maxConcurrentJobs: 8,
  });
  const kvPath = `${await scratch()}copy.kv`;
  const config = JSON.stringify({
    endpoint: emulator.url,
    kvPath,
    options: { ...FAST, runId: "nightly-2026-03-02", concurrency: 6 },
  });

  // Run 1: killed once 4 copy jobs are recorded in KV.
  const first = child([CHILD, "copy", config]).spawn();
  const recorded: string[] = [];
  for await (const line of lines(first.stdout)) {
    if (line.startsWith("started ")) recorded.push(line.slice("started ".length));
    if (recorded.length === 4) break;
  }
  first.kill("SIGKILL");
  const killed = await first.status;
  await first.stderr.cancel();
  assert.equal(killed.signal, "SIGKILL");
  const startedBeforeKill = emulator.jobs().length;
  assert.ok(startedBeforeKill >= 4 && startedBeforeKill < points, `${startedBeforeKill} jobs`);

  // Run 2, a new process on the same KV file and runId: finishes the run.
  const second = await runToReport(config);
  assert.equal(second.totals.completed, points, JSON.stringify(second.totals));
  assert.equal(second.ok, true);
  assert.equal(second.entries.length, points);
  const origin = new Map<string, string>(
    second.entries.map((e: { recoveryPointArn: string; origin: string }) => [
      e.recoveryPointArn,
      e.origin,
    ]),
  );
  // What run 1 recorded is resumed from KV, not found again or started again.
  for (const arn of recorded) assert.equal(origin.get(arn), "resumed", arn);
  const jobs = emulator.jobs();
  assert.equal(jobs.length, points, "exactly one copy job per recovery point");
  assert.equal(new Set(jobs.map((j) => j.SourceRecoveryPointArn)).size, points);
  assert.ok(emulator.requests.every((r) => r.signatureValid));
  // Listing the run back is one page (24 < 500); every recovery point was written to KV.
  assert.equal(second.kvCalls.list, 1);
  assert.equal(second.kvCalls.get, 0, "no read per recovery point");

  // Run 3: everything ended, read from one KV list call; nothing written, nothing started.
  const third = await runToReport(config);
  assert.equal(third.totals.completed, points);
  assert.ok(third.entries.every((e: { origin: string }) => e.origin === "resumed"));
  assert.deepEqual(third.kvCalls, { get: 0, set: 0, list: 1 });
  assert.equal(emulator.jobs().length, points);
});

/** Runs the `copy` child to its end and returns its report. */
async function runToReport(config: string) {
  const output = await child([CHILD, "copy", config]).output();
  assert.ok(output.success, decoder.decode(output.stderr));
  const line = decoder.decode(output.stdout).split("\n").find((l) => l.startsWith("report "));
  assert.ok(line, "the child printed a report");
  return JSON.parse(line.slice("report ".length));
}

/**
 * A child Deno with the example's deno.json: it enables KV and cron, and maps the package to this
 * checkout.
 */
function exampleChild(args: string[], env: Record<string, string> = {}): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--config",
      `${EXAMPLE_DIR}deno.json`,
      "--allow-all",
      ...args,
    ],
    cwd: EXAMPLE_DIR,
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
}

/** The settings of the example against `endpoint`. */
function deploySettings(endpoint: string): Record<string, string> {
  return {
    AWS_REGION: DEMO_REGION,
    AWS_ACCESS_KEY_ID: DEMO_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: DEMO_CREDENTIALS.secretAccessKey,
    SOURCE_VAULT,
    DESTINATION_VAULT_ARN: DR_VAULT_WEST_ARN,
    IAM_ROLE_ARN: DEMO_IAM_ROLE_ARN,
    BACKUP_ENDPOINT: endpoint,
  };
}

Deno.test("Deno Deploy example: the docs' command, from a checkout, with only Node and npm", async () => {
  // The docs show the example as it is, and the command to run it locally.
  const [docs, source] = await Promise.all([
    readDocs(),
    Deno.readTextFile(`${EXAMPLE_DIR}main.ts`),
  ]);
  assert.ok(
    docsShowing(docs, "```ts\n" + source + "```").length > 0,
    "README.md or docs/*.md shows examples/deno-deploy/main.ts",
  );
  const recipe = section(docs, "Deno Deploy").text;
  assert.match(recipe, /^cd examples\/deno-deploy$/m);
  const printed = /^npx -y deno@2\.9\.6 (run .*main\.ts --now)$/m.exec(recipe)?.[1];
  assert.ok(printed, "the docs print the command");
  const emulatorArgs = /^npx -y deno@2\.9\.6 task emulator -- (.*)$/m.exec(recipe)![1].split(" ");
  // The settings the recipe exports (continuation lines joined).
  const exported = /^export ([A-Z_]+=(?:.*\\\n)*.*)$/m.exec(recipe)![1].replaceAll("\\\n", " ");
  const settings = Object.fromEntries(
    exported.trim().split(/\s+/).map((pair) => pair.split(/=(.*)/s).slice(0, 2)),
  );
  // `npx -y deno@2.9.6` is this very binary (the tests run under it): no download needed here.
  const args = printed.split(" ");
  const command = (argv: string[], env: Record<string, string>) =>
    new Deno.Command(Deno.execPath(), {
      args: argv,
      cwd: EXAMPLE_DIR,
      // Only what Deno needs to find its cache: none of the app's settings leak in from here.
      clearEnv: true,
      env: { ...denoOwnEnv(), NO_COLOR: "1", ...env },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    });
  // Type-checked against this checkout, which its deno.json maps the package to (no JSR).
  const check = await new Deno.Command(Deno.execPath(), {
    args: ["check", "main.ts"],
    cwd: EXAMPLE_DIR,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(check.success, decoder.decode(check.stderr));

  // Unconfigured, without --now: it registers its cron and stays up, and says what to set.
  const waiting = command(args.filter((arg) => arg !== "--now"), {}).spawn();
  const ended = await Promise.race([
    waiting.status.then(() => true),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), 3000)),
  ]);
  if (!ended) waiting.kill("SIGTERM");
  const [status, stderr] = await Promise.all([
    waiting.status,
    new Response(waiting.stderr).text(),
    waiting.stdout.cancel(),
  ]);
  assert.equal(ended, false, `the example exited (${status.code}): ${stderr}`);
  const logged = JSON.parse(stderr.split("\n").find((line) => line.startsWith("{"))!);
  assert.equal(logged.error, "NotConfigured");
  assert.deepEqual(logged.missing, Object.keys(settings).filter((k) => k !== "BACKUP_ENDPOINT"));

  // A typo for --now is refused with the usage, not ignored while the cron waits.
  const typing = command(args.map((arg) => arg === "--now" ? "--nwo" : arg), {}).spawn();
  // A bound, not a measurement: an example that ignores it would wait for the cron forever.
  const bound = setTimeout(() => typing.kill("SIGTERM"), 20_000);
  const [typo, typoErr] = await Promise.all([
    typing.status,
    new Response(typing.stderr).text(),
    typing.stdout.cancel(),
  ]);
  clearTimeout(bound);
  assert.equal(typo.code, 2, typoErr);
  assert.equal(typoErr.trim().split("\n").length, 1, typoErr);
  assert.match(typoErr, /^Unknown argument --nwo; usage: main\.ts \[--now\]/);

  // The recipe as printed: the emulator backing up, then one run at once, exit 0.
  const port = String(freePort());
  const emulator = new Deno.Command(Deno.execPath(), {
    args: ["task", "emulator", "--", ...emulatorArgs.map((a) => a === "8080" ? port : a)],
    cwd: fileURLToPath(REPO),
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  try {
    const endpoint = settings.BACKUP_ENDPOINT.replace("8080", port);
    const client = new BackupClient({
      region: settings.AWS_REGION,
      endpoint,
      credentials: { ...DEMO_CREDENTIALS },
    });
    // A bound, not a measurement: until the first backup's recovery point is COMPLETED.
    for (const deadline = Date.now() + 30_000;;) {
      const points = await listRecoveryPointsByBackupVault(client, {
        BackupVaultName: settings.SOURCE_VAULT,
        ByCreatedAfter: new Date(Date.now() - 3600_000),
      }).catch(() => undefined);
      if (points?.RecoveryPoints?.some((p) => p.Status === "COMPLETED")) break;
      assert.ok(Date.now() < deadline, "the emulator's backup did not complete");
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const now = await command(args, { ...settings, BACKUP_ENDPOINT: endpoint }).output();
    assert.equal(now.code, 0, decoder.decode(now.stdout) + decoder.decode(now.stderr));
    const report = JSON.parse(decoder.decode(now.stdout).trim().split("\n").pop()!);
    assert.equal(report.ok, true);
    assert.ok(report.totals.completed >= 1, JSON.stringify(report));
    // A malformed setting: the same line naming its variable (not the library's option), exit 1,
    // no stack: a Region the client takes (the aws partition's pattern) that no partition
    // lists, a user's ARN as the role, the source vault itself as the destination.
    const [, account] = /:(\d{12}):/.exec(settings.DESTINATION_VAULT_ARN)!;
    const sourceVaultArn =
      `arn:aws:backup:${settings.AWS_REGION}:${account}:backup-vault:${settings.SOURCE_VAULT}`;
    const malformed: [Record<string, string>, string, RegExp][] = [
      [{ AWS_REGION: "us east 1" }, "AWS_REGION", /AWS_REGION must be an AWS Region this release/],
      [
        { AWS_REGION: "us-est-1" },
        "AWS_REGION",
        /AWS_REGION must be an AWS Region this release lists; did you mean \\"us-east-1\\"\?/,
      ],
      [
        { IAM_ROLE_ARN: "arn:aws:iam::111122223333:user/bob" },
        "IAM_ROLE_ARN",
        /IAM_ROLE_ARN must be an IAM role ARN/,
      ],
      [
        { DESTINATION_VAULT_ARN: sourceVaultArn },
        "DESTINATION_VAULT_ARN",
        /DESTINATION_VAULT_ARN is the source vault itself/,
      ],
      // Well-formed, but AWS has no such vault (ResourceNotFoundException listing it).
      [{ SOURCE_VAULT: "Defualt" }, "SOURCE_VAULT", /SOURCE_VAULT names no backup vault in /],
    ];
    for (const [change, name, message] of malformed) {
      const bad = await command(args, { ...settings, BACKUP_ENDPOINT: endpoint, ...change })
        .output();
      const stderr = decoder.decode(bad.stderr);
      assert.equal(bad.code, 1, stderr);
      assert.equal(stderr.trim().split("\n").length, 1, stderr);
      const logged = JSON.parse(stderr);
      assert.deepEqual([logged.error, logged.missing, logged.invalid], [
        "NotConfigured",
        [],
        [name],
      ]);
      assert.match(stderr, message);
      assert.doesNotMatch(stderr, /\b(region|iamRoleArn|destinationBackupVaultArn)\b/);
    }
    // Tonight's run started with another destination: not resumed into this one, one line.
    const moved = await command(args, {
      ...settings,
      BACKUP_ENDPOINT: endpoint,
      DESTINATION_VAULT_ARN: settings.DESTINATION_VAULT_ARN.replace(
        /:backup-vault:.*$/,
        ":backup-vault:dr-vault",
      )
        .replace(/:backup:[^:]+:/, `:backup:${settings.AWS_REGION}:`),
    }).output();
    const movedErr = decoder.decode(moved.stderr);
    assert.equal(moved.code, 1, movedErr);
    assert.deepEqual(JSON.parse(movedErr), {
      error: "RunTargetMismatch",
      runId: report.runId,
      options: ["destinationBackupVaultArn"],
    });
  } finally {
    emulator.kill("SIGTERM");
    await emulator.status;
    await emulator.stdout.cancel();
  }
});

Deno.test("Deno Deploy example: the nightly handler copies, and resumes from Deno KV", async () => {
  const points = 3;
  // Points created on 2026-03-01; the night of 2026-03-02 looks two days back.
  await using emulator = await startEmulator({ ...vaultSeed(points), jobDurationMs: 200 });
  const kvPath = `${await scratch()}deploy.kv`;
  const night = (now: string) =>
    exampleChild([
      fileURLToPath(new URL("./runtimes/deno_deploy_night.ts", import.meta.url)),
      kvPath,
      now,
    ], { ...deploySettings(emulator.url), AWS_SESSION_TOKEN: "" }).output().then((output) => {
      assert.ok(output.success, decoder.decode(output.stderr));
      return JSON.parse(decoder.decode(output.stdout));
    });

  const first = await night("2026-03-02T01:00:00Z");
  assert.equal(first.runId, "nightly-2026-03-02");
  assert.equal(first.totals.completed, points, JSON.stringify(first.totals));
  assert.equal(emulator.jobs().length, points);
  // The next invocation of the same night reads every ended copy from KV.
  const again = await night("2026-03-02T01:10:00Z");
  assert.equal(again.runId, "nightly-2026-03-02");
  assert.ok(again.entries.every((e: { origin: string }) => e.origin === "resumed"));
  // The next night is a new run: the copies exist already (ListCopyJobs), none is made again.
  const nextNight = await night("2026-03-03T01:00:00Z");
  assert.equal(nextNight.runId, "nightly-2026-03-03");
  assert.ok(nextNight.entries.every((e: { origin: string }) => e.origin === "existing"));
  assert.equal(emulator.jobs().length, points);

  // A setting left out: a NotConfiguredError naming it, no secret in the output, nothing sent.
  emulator.clearRequests();
  const unset = await exampleChild([
    fileURLToPath(new URL("./runtimes/deno_deploy_night.ts", import.meta.url)),
    kvPath,
    "2026-03-04T01:00:00Z",
  ], {
    AWS_REGION: DEMO_REGION,
    AWS_ACCESS_KEY_ID: DEMO_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: DEMO_CREDENTIALS.secretAccessKey,
    SOURCE_VAULT,
    IAM_ROLE_ARN: DEMO_IAM_ROLE_ARN,
    BACKUP_ENDPOINT: emulator.url,
  }).output();
  const stderr = decoder.decode(unset.stderr);
  assert.equal(unset.success, false);
  assert.match(stderr, /NotConfiguredError: Not configured: set DESTINATION_VAULT_ARN \(/);
  assert.ok(!stderr.includes(DEMO_CREDENTIALS.secretAccessKey));
  assert.equal(emulator.requests.length, 0);
});
