/**
 * The event examples as users run them, against the emulator sending AWS Backup events:
 * `examples/event-worker/` from the packed tarball, bundled by wrangler 4.85.0 and run in workerd
 * (Miniflare) — events delivered twice, ten at once, late, a third of them lost and made up by
 * the Cron Trigger's sweep: exactly one copy job per (recovery point, destination) in the
 * emulator's records; 401 without the connection's key. `examples/node/event_server.mjs` under
 * Node from the tarball, and `examples/deno/event_server.ts` under Deno, the same way: by the
 * command its header prints, in a copy of the checkout as a fresh clone has it (no node_modules/).
 * A malformed setting (a Region typo, a bad PORT) and a port in use are one line naming the
 * variable. The docs show the example files verbatim.
 */

import assert from "node:assert/strict";
import { Miniflare } from "miniflare";
import type { Readable } from "node:stream";
import {
  DEFAULT_VAULT_NAME,
  DEMO_CREDENTIALS,
  DEMO_IAM_ROLE_ARN,
  DEMO_REGION,
  DR_VAULT_WEST_ARN,
  type Emulator,
  type EventDeliveryOptions,
  startEmulator,
} from "../emulator/mod.ts";
import { BackupClient, listCopyJobs, parseCopyRules } from "../mod.ts";
import {
  checkoutCopy,
  copyDir,
  ensureTools,
  freshProject,
  npmInstall,
  npmRegistryUnavailable,
  type PackedPackage,
  packedPackage,
  repoPath,
  run,
  runOk,
  tempDir,
  toolBin,
} from "../testing/npm_package.ts";
import { assertOneCopyEach, backUp, completedBackupsTo } from "./support/backup_events.ts";
import denoJson from "../deno.json" with { type: "json" };
import { docsShowing, readDocs, section } from "../testing/docs.ts";

const unavailable = await npmRegistryUnavailable();
if (unavailable) console.log(`SKIP event worker package tests: ${unavailable}`);
const packageTest = (name: string, fn: () => Promise<void>) =>
  Deno.test({
    name: unavailable ? `${name} (SKIP: ${unavailable})` : name,
    ignore: unavailable !== undefined,
    fn,
  });

let ready: Promise<PackedPackage> | undefined;
function prepared(): Promise<PackedPackage> {
  return ready ??= Promise.all([packedPackage(), ensureTools()]).then((
    [packed],
  ) => packed);
}

const API_KEY = "event-worker-test-key-0123456789";
const KEY_HEADER = "x-backup-edge-key";
const RULES = JSON.stringify([{
  name: "default-to-west",
  sourceBackupVaults: [DEFAULT_VAULT_NAME],
  destinationBackupVaultArn: DR_VAULT_WEST_ARN,
  iamRoleArn: DEMO_IAM_ROLE_ARN,
}]);
const JOB_MS = 300;

/** An emulator with no seeded recovery points, emitting events. */
function eventEmulator(): Promise<Emulator> {
  return startEmulator({
    jobDurationMs: JOB_MS,
    events: true,
    recoveryPoints: [],
  });
}
/** Delivers the events of `count` new backups as `more` says, and waits for all of it. */
async function round(
  emulator: Emulator,
  url: string,
  count: number,
  more: Partial<EventDeliveryOptions> = {},
): Promise<string[]> {
  emulator.setEventDelivery(
    completedBackupsTo(url, { name: KEY_HEADER, value: API_KEY }, more),
  );
  const points = await backUp(emulator, count);
  await emulator.settled();
  return points;
}

let installed: Promise<string> | undefined;
/** examples/event-worker/ copied and installed from this checkout's tarball (once per file). */
function eventWorkerProject(): Promise<string> {
  return installed ??= (async () => {
    const packed = await prepared();
    const project = await tempDir("backup-edge-event-worker-");
    await copyDir(repoPath("examples/event-worker"), project);
    const manifest = JSON.parse(
      await Deno.readTextFile(`${project}/package.json`),
    );
    assert.equal(manifest.devDependencies.wrangler, "4.85.0");
    assert.equal(
      manifest.dependencies["backup-edge"],
      `file:../../dist/backup-edge-${denoJson.version}.tgz`,
    );
    // The tarball of this checkout stands in for dist/; wrangler comes from the shared tools.
    delete manifest.dependencies["backup-edge"];
    delete manifest.devDependencies;
    await Deno.writeTextFile(
      `${project}/package.json`,
      JSON.stringify(manifest, null, 2),
    );
    await npmInstall(project, [packed.tarball]);
    return project;
  })();
}

packageTest(
  "examples/event-worker: wrangler bundle in workerd, duplicated, concurrent, late and lost events, cron sweep",
  async () => {
    const project = await eventWorkerProject();

    const toml = await Deno.readTextFile(`${project}/wrangler.toml`);
    assert.doesNotMatch(
      toml.replace(/#.*$/gm, ""),
      /nodejs_compat|compatibility_flags/,
    );
    const cron = /^crons\s*=\s*\["([^"]+)"\]/m.exec(toml)![1];
    const compatibilityDate = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(toml)![1];
    // Shipped unconfigured (no destination anyone would copy to as written); the rules its
    // comment shows are valid as they stand.
    const asWritten = Object.fromEntries(
      [...toml.split(/^\[vars\]$/m)[1].matchAll(/^(\w+) = "([^"]*)"/gm)].map((
        [, k, v],
      ) => [k, v]),
    );
    assert.equal(asWritten.COPY_RULES, "");
    assert.equal(asWritten.AWS_REGION, "");
    const shownRules = /^# .*E\.g\.:\n((?:# {2}.*\n)+)/m.exec(toml)![1].replace(
      /^#/gm,
      "",
    );
    assert.equal(parseCopyRules(shownRules).length, 1);
    await runOk(
      toolBin("wrangler"),
      ["deploy", "--dry-run", "--outdir", "out"],
      {
        cwd: project,
        env: { WRANGLER_SEND_METRICS: "false", CI: "1", HOME: project },
        timeoutMs: 180_000,
      },
    );
    const scriptPath = `${project}/out/index.js`;
    const code = await Deno.readTextFile(scriptPath);
    assert.doesNotMatch(code, /\bfrom\s*["']node:|\brequire\(/, "no Node APIs");
    const gzip = await new Response(
      new Blob([code]).stream().pipeThrough(new CompressionStream("gzip")),
    ).arrayBuffer();
    console.log(
      `event worker bundle: ${code.length} B minified, ${gzip.byteLength} B gzip`,
    );

    await using emulator = await eventEmulator();
    const bindings = {
      AWS_REGION: DEMO_REGION,
      AWS_ACCESS_KEY_ID: DEMO_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: DEMO_CREDENTIALS.secretAccessKey,
      EVENTBRIDGE_API_KEY: API_KEY,
      EVENTBRIDGE_API_KEY_HEADER: KEY_HEADER,
      COPY_RULES: RULES,
      BACKUP_ENDPOINT: emulator.url,
    };
    const log: string[] = [];
    const workerd = (
      overrides: Record<string, string> = {},
      only?: Record<string, string>,
    ) =>
      new Miniflare({
        modules: true,
        scriptPath,
        modulesRoot: `${project}/out`,
        compatibilityDate,
        compatibilityFlags: [],
        bindings: only ?? { ...bindings, ...overrides },
        host: "127.0.0.1",
        port: 0,
        handleRuntimeStdio(stdout: Readable, stderr: Readable) {
          stdout.on("data", (chunk: unknown) => log.push(String(chunk)));
          stderr.on("data", (chunk: unknown) => log.push(String(chunk)));
        },
      });
    const mf = workerd();
    try {
      const url = (await mf.ready).href;
      const points: string[] = [];
      // Each event twice, one delivery after the other.
      points.push(...await round(emulator, url, 2, { times: 2 }));
      // Ten deliveries at once.
      points.push(
        ...await round(emulator, url, 1, { times: 10, concurrent: true }),
      );
      // Again after the copy job finished.
      points.push(
        ...await round(emulator, url, 1, { times: 2, lateMs: JOB_MS + 300 }),
      );
      assertOneCopyEach(emulator, points);
      assert.ok(emulator.deliveries.length >= 16);
      assert.ok(
        emulator.deliveries.every((d) => d.status === 200),
        JSON.stringify(emulator.deliveries),
      );

      // A third of the events lost; the Cron Trigger's sweep makes up for them.
      const lostRound = await round(emulator, url, 6, {
        dropRate: 1 / 3,
        seed: 5,
      });
      const lost = emulator.droppedEvents.map((e) => e.resources[0]);
      assert.ok(lost.length > 0 && lost.length < 6, `${lost.length} lost`);
      assert.equal(emulator.jobs().length, points.length + 6 - lost.length);
      // Miniflare's Fetcher typings do not resolve under Deno; it has workerd's scheduled().
      const worker = await mf.getWorker() as unknown as {
        scheduled(options: { cron: string }): Promise<{ outcome: string }>;
      };
      const swept = await worker.scheduled({ cron });
      assert.equal(swept.outcome, "ok");
      assertOneCopyEach(emulator, [...points, ...lostRound]);
      await worker.scheduled({ cron });
      assertOneCopyEach(emulator, [...points, ...lostRound]);

      // Without the key: 401, EventBridge retries, nothing is started.
      const jobs = emulator.jobs().length;
      const denied = await round(emulator, url, 1, {
        authorization: {
          apiKey: { name: KEY_HEADER, value: "wrong-key-0123456789abcdef" },
        },
        maxAttempts: 2,
        retryDelayMs: 10,
      });
      assert.deepEqual(emulator.deliveries.slice(-2).map((d) => d.status), [
        401,
        401,
      ]);
      assert.equal(emulator.jobs().length, jobs);
      const bare = await fetch(url, {
        method: "POST",
        body: JSON.stringify(emulator.events.at(-1)),
      });
      assert.equal(bare.status, 401);
      assert.ok(!(await bare.text()).includes(API_KEY));
      assert.equal(emulator.jobs().length, jobs);
      // The sweep copies the backup whose event was refused.
      await worker.scheduled({ cron });
      assertOneCopyEach(emulator, [...points, ...lostRound, ...denied]);
      // A sweep that cannot list the vault (AccessDenied: not retried) is a failed Cron run.
      emulator.injectFaults({
        status: 403,
        errorType: "AccessDeniedException",
      });
      const failing = await worker.scheduled({ cron });
      assert.equal(failing.outcome, "exception");
      assert.equal(emulator.pendingFaults, 0, "the sweep met the fault");
    } finally {
      await mf.dispose();
    }

    // Bad configuration: 503 NotConfigured (EventBridge retries while it is fixed), naming the
    // settings, never a value; deployed as written: every setting to make, and the Cron Trigger
    // fails naming them. Nothing reaches AWS.
    const sent = emulator.requests.length;
    const notConfigured = async (
      only: Record<string, string> | undefined,
      overrides: Record<string, string>,
      expected: { missing: string[]; invalid: string[] },
    ) => {
      const mf = workerd(overrides, only);
      try {
        const url = (await mf.ready).href;
        const response = await fetch(url, {
          method: "POST",
          headers: { [KEY_HEADER]: "short" },
          body: "{}",
        });
        const body = await response.json();
        assert.equal(response.status, 503, JSON.stringify(body));
        assert.equal(body.error, "NotConfigured");
        assert.deepEqual(
          { missing: body.missing, invalid: body.invalid },
          expected,
        );
        const worker = await mf.getWorker() as unknown as {
          scheduled(options: { cron: string }): Promise<{ outcome: string }>;
        };
        assert.equal((await worker.scheduled({ cron })).outcome, "exception");
        return body.message as string;
      } finally {
        await mf.dispose();
      }
    };
    const message = await notConfigured(
      undefined,
      {
        EVENTBRIDGE_API_KEY: "short",
        COPY_RULES: "[{",
        AWS_REGION: "us east 1",
      },
      {
        missing: [],
        invalid: ["AWS_REGION", "COPY_RULES", "EVENTBRIDGE_API_KEY"],
      },
    );
    assert.match(message, /AWS_REGION \(region\) must be a Region name/);
    assert.match(message, /EVENTBRIDGE_API_KEY must be 16 characters or more/);
    // A Region of the right form that no AWS partition lists: a typo, named with the Region meant.
    const typo = await notConfigured(undefined, { AWS_REGION: "us-est-1" }, {
      missing: [],
      invalid: ["AWS_REGION"],
    });
    assert.match(
      typo,
      /AWS_REGION \(region\) must be an AWS Region this release lists; did you mean "us-east-1"\?/,
    );
    await notConfigured(asWritten, {}, {
      missing: [
        "AWS_REGION",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "EVENTBRIDGE_API_KEY",
        "COPY_RULES",
      ],
      invalid: [],
    });
    assert.equal(emulator.requests.length, sent, "nothing reached AWS");
    const logged = log.join("");
    assert.match(
      logged,
      /"error":"NotConfigured","missing":\["AWS_REGION","AWS_ACCESS_KEY_ID"/,
    );
    assert.ok(
      !logged.includes(API_KEY) && !logged.includes('short"'),
      "no value is logged",
    );
  },
);

/** A free port on 127.0.0.1 (closed again: the process under test opens it). */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** A process whose output (stdout and stderr) is collected; stopped with SIGINT on dispose. */
function collected(
  command: string,
  args: string[],
  options: Deno.CommandOptions,
) {
  const child = new Deno.Command(command, {
    ...options,
    args,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const chunks: string[] = [];
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      chunks.push(chunk);
    }
  };
  const reading = Promise.all([collect(child.stdout), collect(child.stderr)]);
  return {
    text: () => chunks.join(""),
    /** Waits (a bound, not a measurement) until the output matches `done`. */
    async until(done: (text: string) => boolean, what: string) {
      const deadline = Date.now() + 90_000;
      while (!done(chunks.join(""))) {
        if (Date.now() > deadline) {
          throw new Error(`${what}: not within 90 s\n${chunks.join("")}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async [Symbol.asyncDispose]() {
      child.kill("SIGINT");
      const stopped = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await child.status;
      clearTimeout(stopped);
      await reading;
    },
  };
}

packageTest(
  "the docs' local recipe: wrangler dev with .dev.vars, the emulator's --events-to delivering twice, one copy",
  async () => {
    const project = await eventWorkerProject();
    // The section, in whichever of README.md and docs/*.md holds it.
    const recipe = section(
      await readDocs(),
      "Try it locally: the emulator as AWS Backup and EventBridge",
    ).text;
    assert.match(recipe, /^cp \.dev\.vars\.example \.dev\.vars$/m);
    assert.match(recipe, /^npx wrangler dev --ip 127\.0\.0\.1 --port 8787 /m);
    const key = /^export EVENTBRIDGE_API_KEY=(\S+)$/m.exec(recipe)![1];
    // The emulator's command as printed (continuation lines joined), on free ports.
    const printed = /^npx -y deno@2\.9\.6 task emulator -- ((?:.*\\\n)*.*)$/m.exec(
      recipe,
    )![1];
    const [devPort, emulatorPort] = [freePort(), freePort()];
    const args = printed.replaceAll("\\\n", " ").trim().split(/\s+/).map((
      arg,
    ) =>
      arg.replace("8787", String(devPort)).replace(
        /^8080$/,
        String(emulatorPort),
      )
    );
    assert.ok(
      args.includes("--events-api-key-env") &&
        args.includes("EVENTBRIDGE_API_KEY"),
    );

    // `cp .dev.vars.example .dev.vars`: the key the recipe exports, the emulator on its port.
    const example = await Deno.readTextFile(`${project}/.dev.vars.example`);
    assert.match(example, new RegExp(`^EVENTBRIDGE_API_KEY="${key}"$`, "m"));
    assert.match(example, /^BACKUP_ENDPOINT="http:\/\/127\.0\.0\.1:8080"$/m);
    await Deno.writeTextFile(
      `${project}/.dev.vars`,
      example.replace("127.0.0.1:8080", `127.0.0.1:${emulatorPort}`),
    );
    parseCopyRules(/^COPY_RULES='(.*)'$/m.exec(example)![1]);

    await using dev = collected(
      toolBin("wrangler"),
      ["dev", "--ip", "127.0.0.1", "--port", String(devPort)],
      {
        cwd: project,
        env: {
          WRANGLER_SEND_METRICS: "false",
          CI: "1",
          HOME: project,
          NO_COLOR: "1",
        },
      },
    );
    await dev.until((text) => /Ready on http/.test(text), "wrangler dev");
    await using emulator = collected(Deno.execPath(), [
      "task",
      "emulator",
      "--",
      ...args,
    ], {
      cwd: repoPath("."),
      env: { EVENTBRIDGE_API_KEY: key, NO_COLOR: "1" },
    });
    // The first backup's COMPLETED events, each delivered twice and answered, and its copy job
    // COMPLETED and delivered twice too.
    const answered = (type: string) =>
      new RegExp(`event ${type} COMPLETED \\S+ to \\S+ -> 200 \\(delivery 2`);
    await emulator.until(
      (text) =>
        [
          "Backup Job State Change",
          "Recovery Point State Change",
          "Copy Job State Change",
        ]
          .every((type) => answered(type).test(text)),
      "the emulator's deliveries",
    );
    const log = emulator.text();
    // Counted in the emulator's own records: one copy of the first backup, none twice (a second
    // backup may have begun by now: --backup-every).
    const points = [...log.matchAll(/recovery point (arn:\S+)/g)].map((m) => m[1]);
    const { CopyJobs } = await listCopyJobs(
      new BackupClient({
        region: DEMO_REGION,
        endpoint: `http://127.0.0.1:${emulatorPort}`,
        credentials: { ...DEMO_CREDENTIALS },
      }),
      {},
    );
    const sources = CopyJobs!.map((j) => j.SourceRecoveryPointArn);
    assert.equal(sources.filter((s) => s === points[0]).length, 1, log);
    assert.equal(new Set(sources).size, sources.length, log);
    assert.doesNotMatch(
      log,
      /-> (4|5)\d\d \(delivery/,
      "no delivery was refused",
    );
    assert.ok(
      !log.includes(key) && !dev.text().includes(key),
      "the key is never printed",
    );
  },
);

/** Starts a server process, returns its port once it printed it, and stops it on dispose. */
async function serverProcess(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
) {
  const child = new Deno.Command(command, {
    args,
    cwd,
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let output = "";
  const stderr = new Response(child.stderr).text();
  let port: number | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<{ done: true; value: undefined }>((resolve) => {
    timer = setTimeout(() => resolve({ done: true, value: undefined }), 30_000);
  });
  while (port === undefined) {
    const { done, value } = await Promise.race([lines.read(), timeout]);
    if (done) break;
    output += value;
    port = Number(/listening on (\d+)/.exec(output)?.[1]) || undefined;
  }
  clearTimeout(timer);
  if (port === undefined) {
    child.kill();
    await child.status;
    throw new Error(`${command} printed no port:\n${output}\n${await stderr}`);
  }
  // Keep reading its log (one line per request), so that a full pipe never blocks it.
  const drained = (async () => {
    while (!(await lines.read()).done) { /* discard */ }
  })();
  return {
    url: `http://127.0.0.1:${port}/`,
    async [Symbol.asyncDispose]() {
      child.kill("SIGTERM");
      await child.status;
      await Promise.all([drained, stderr]);
    },
  };
}

async function runServerExample(
  emulator: Emulator,
  url: string,
): Promise<void> {
  const points = [
    ...await round(emulator, url, 2, { times: 2 }),
    ...await round(emulator, url, 1, { times: 10, concurrent: true }),
  ];
  assertOneCopyEach(emulator, points);
  assert.ok(
    emulator.deliveries.every((d) => d.status === 200),
    JSON.stringify(emulator.deliveries),
  );
  const bare = await fetch(url, {
    method: "POST",
    body: JSON.stringify(emulator.events.at(-1)),
  });
  assert.equal(bare.status, 401);
  await bare.body?.cancel();
  assert.equal(emulator.jobs().length, points.length);
}

function serverEnv(emulator: Pick<Emulator, "url">): Record<string, string> {
  return {
    AWS_REGION: DEMO_REGION,
    AWS_ACCESS_KEY_ID: DEMO_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: DEMO_CREDENTIALS.secretAccessKey,
    BACKUP_ENDPOINT: emulator.url,
    COPY_RULES: RULES,
    EVENTBRIDGE_API_KEY: API_KEY,
    PORT: "0",
  };
}

packageTest(
  "examples/node/event_server.mjs: the handler under Node, from the tarball",
  async () => {
    const project = await freshProject(await prepared());
    await Deno.copyFile(
      repoPath("examples/node/event_server.mjs"),
      `${project}/event_server.mjs`,
    );
    await using emulator = await eventEmulator();
    // Malformed settings are named by their variables (not the client's options), never a value.
    const malformed = await run("node", ["event_server.mjs"], {
      cwd: project,
      env: { ...serverEnv(emulator), ...MALFORMED },
    });
    assertNamesMalformed(malformed.code, malformed.stderr);
    await assertPortInUse((env) => run("node", ["event_server.mjs"], { cwd: project, env }));
    await using server = await serverProcess(
      "node",
      ["event_server.mjs"],
      project,
      serverEnv(emulator),
    );
    await runServerExample(emulator, server.url);
  },
);

/**
 * Settings an event server must refuse, naming each variable: a Region the client would take
 * (it matches the aws partition's pattern) but no partition lists, a URL without a scheme, a
 * port that is not a number.
 */
const MALFORMED = { AWS_REGION: "us-est-1", BACKUP_ENDPOINT: "localhost:8080", PORT: "80a" };

function assertNamesMalformed(code: number, stderr: string): void {
  assert.equal(code, 1, stderr);
  const line = stderr.trim().split("\n").pop()!;
  assert.match(
    line,
    /^NotConfigured: fix AWS_REGION must be an AWS Region this release lists; did you mean "us-east-1"\?; PORT must be a port number, 0 to 65535 \(0: any free port\); BACKUP_ENDPOINT must be an absolute http: or https: URL .*\(environment variables\)$/,
  );
  assert.doesNotMatch(line, /\b(region|endpoint)\b|us-est-1|localhost:8080|80a/);
}

/** With PORT out of range, then in use, the server stops with one line naming PORT. */
async function assertPortInUse(
  start: (env: Record<string, string>) => Promise<{ code: number; stderr: string }>,
): Promise<void> {
  const env = serverEnv({ url: "http://127.0.0.1:1" });
  const outOfRange = await start({ ...env, PORT: "65536" });
  assert.equal(outOfRange.code, 1, outOfRange.stderr);
  assert.equal(
    outOfRange.stderr.trim(),
    "NotConfigured: fix PORT must be a port number, 0 to 65535 (0: any free port) " +
      "(environment variables)",
  );
  using busy = Deno.listen({ hostname: "0.0.0.0", port: 0 });
  const port = (busy.addr as Deno.NetAddr).port;
  const inUse = await start({ ...env, PORT: String(port) });
  assert.equal(inUse.code, 1, inUse.stderr);
  assert.equal(inUse.stderr.trim(), `port ${port} is in use (PORT)`);
}

let checkout: Promise<string> | undefined;
/** The command `examples/deno/event_server.ts` prints, run in a checkout as a fresh clone has it. */
async function printedDenoCommand(env: Record<string, string>) {
  const header = await Deno.readTextFile(repoPath("examples/deno/event_server.ts"));
  const printed = /^\/\/ {3}npx -y deno@2\.9\.6 (run .*examples\/deno\/event_server\.ts)$/m.exec(
    header,
  )![1];
  // The tracked files only: no node_modules/, as after `git clone`.
  const cwd = await (checkout ??= checkoutCopy("backup-edge-event-server-"));
  assert.equal(await Deno.stat(`${cwd}/node_modules`).catch(() => undefined), undefined);
  return { command: Deno.execPath(), args: printed.split(" "), cwd, env };
}

/** Runs the printed command to its end, with only `env` (and HOME) in its environment. */
async function runPrinted(env: Record<string, string>) {
  const { command, args, cwd } = await printedDenoCommand(env);
  const output = await new Deno.Command(command, {
    args,
    cwd,
    clearEnv: true,
    env: { HOME: Deno.env.get("HOME") ?? "", NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: output.code, stderr: new TextDecoder().decode(output.stderr) };
}

Deno.test("examples/deno/event_server.ts, as printed, fresh clone: unconfigured or malformed, it names what to set and stops", async () => {
  const unset = await runPrinted({ AWS_ACCESS_KEY_ID: "AKIDEXAMPLE" });
  assert.equal(unset.code, 1, unset.stderr);
  assert.equal(
    unset.stderr.trim().split("\n").pop(),
    "NotConfigured: set AWS_REGION, AWS_SECRET_ACCESS_KEY, COPY_RULES, EVENTBRIDGE_API_KEY " +
      "(environment variables)",
  );
  const malformed = await runPrinted({ ...serverEnv({ url: "" }), ...MALFORMED });
  assertNamesMalformed(malformed.code, malformed.stderr);
  await assertPortInUse(runPrinted);
});

Deno.test("examples/deno/event_server.ts, as printed, fresh clone: the handler on Deno.serve", async () => {
  await using emulator = await eventEmulator();
  const { command, args, cwd, env } = await printedDenoCommand(serverEnv(emulator));
  await using server = await serverProcess(command, args, cwd, env);
  await runServerExample(emulator, server.url);
});

Deno.test("the docs show the event examples verbatim", async () => {
  const docs = await readDocs();
  const examples = {
    "examples/event-worker/src/index.ts": "ts",
    "examples/event-worker/wrangler.toml": "toml",
    "examples/node/event_server.mjs": "js",
    "examples/deno/event_server.ts": "ts",
  };
  for (const [path, lang] of Object.entries(examples)) {
    const content = await Deno.readTextFile(repoPath(path));
    const shownIn = docsShowing(docs, "```" + lang + "\n" + content + "```");
    assert.ok(shownIn.length > 0, `README.md or docs/*.md shows ${path}`);
  }
});
