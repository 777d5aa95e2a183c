/**
 * examples/vault-workflow/ as a user builds it — the package installed from its `npm pack`
 * tarball, type-checked against the runtime's own types (`wrangler types`), bundled by wrangler
 * — run in workerd by Miniflare with Workflows persisted to a directory: the Cron Trigger starts
 * the nightly run against the emulator, the Worker runtime is torn down mid-run and started
 * again on the same directory, and the run resumes — no page listed again, no StartCopyJob sent
 * again but for steps in flight at the teardown — and finishes with exactly one copy job per
 * selected recovery point (none for a point older than the run's lookback, whose copy job is
 * older than ListCopyJobs lists) and a complete report, read page by page through the
 * authenticated status route; the next night's trigger starts nothing while the run goes on. The
 * example type-checks with TypeScript 5.9 and 7, strict and `--exactOptionalPropertyTypes`; a
 * STATUS_TOKEN shorter than 32 characters lets nobody in. The StartCopyJob-only Worker holds none
 * of it. Needs the npm registry (for the tools and aws4fetch); skipped, saying why, without it.
 */

import assert from "node:assert/strict";
import { Miniflare } from "miniflare";
import {
  DEMO_CREDENTIALS,
  DEMO_IAM_ROLE_ARN,
  DEMO_REGION,
  DR_VAULT_WEST_ARN,
  type Emulator,
  startEmulator,
} from "../emulator/mod.ts";
import { bundle } from "../testing/bundle.ts";
import {
  copyDir,
  ensureTools,
  npmInstall,
  npmRegistryUnavailable,
  packedPackage,
  repoPath,
  runOk,
  tempDir,
  toolBin,
  typescriptCompilers,
} from "../testing/npm_package.ts";
import { pointArn, SOURCE_VAULT, vaultSeed } from "./support/copy_vault_fixtures.ts";
import type { CopyReport, WorkflowCopyStatus } from "../mod.ts";
import denoJson from "../deno.json" with { type: "json" };
import { docsShowing, readDocs } from "../testing/docs.ts";

const unavailable = await npmRegistryUnavailable();
if (unavailable) console.log(`SKIP vault-workflow example tests: ${unavailable}`);

const test = (name: string, fn: () => Promise<void>) =>
  Deno.test({
    name: unavailable ? `${name} (SKIP: ${unavailable})` : name,
    ignore: unavailable !== undefined,
    fn,
  });

const EXAMPLE = "examples/vault-workflow";
const STATUS_TOKEN = "status-token-that-must-never-be-echoed-0123456789";
const NIGHT = new Date("2026-12-07T03:00:00Z");
const RUN_ID = "nightly-2026-12-07";
/** A marker only the Workflow part of the module contains (the batch params' tag). */
const WORKFLOW_MARKER = "backupEdgeBatch";

/** The example, built once for the tests of this file. */
let built: Promise<{ project: string; out: string; toml: string }> | undefined;

/** The example, installed from the tarball, type-checked and bundled; answers the bundle's dir. */
function builtExample(): Promise<{ project: string; out: string; toml: string }> {
  return built ??= buildExample();
}

async function buildExample(): Promise<{ project: string; out: string; toml: string }> {
  const [packed] = await Promise.all([packedPackage(), ensureTools()]);
  const project = await tempDir("backup-edge-vault-workflow-");
  await copyDir(repoPath(EXAMPLE), project);
  for (const generated of ["node_modules", "dist", ".wrangler", "worker-configuration.d.ts"]) {
    await Deno.remove(`${project}/${generated}`, { recursive: true }).catch(() => {});
  }
  // The example depends on the tarball `deno task pack` writes beside the repository's dist/;
  // here the tarball of this run stands in, and wrangler comes from the shared tools folder.
  const manifest = JSON.parse(await Deno.readTextFile(`${project}/package.json`));
  assert.equal(
    manifest.dependencies["backup-edge"],
    `file:../../dist/backup-edge-${denoJson.version}.tgz`,
  );
  assert.equal(manifest.devDependencies.wrangler, "4.85.0");
  delete manifest.dependencies["backup-edge"];
  delete manifest.devDependencies;
  await Deno.writeTextFile(`${project}/package.json`, JSON.stringify(manifest, null, 2));
  await npmInstall(project, [packed.tarball]);

  const toml = await Deno.readTextFile(`${project}/wrangler.toml`);
  assert.doesNotMatch(toml.replace(/#.*$/gm, ""), /nodejs_compat|compatibility_flags/);
  const wranglerEnv = { WRANGLER_SEND_METRICS: "false", CI: "1", HOME: project };
  // The runtime's own declarations (WorkflowEntrypoint, WorkflowStep, Workflow): the library's
  // structural types must accept what Cloudflare hands `run`, without a cast.
  await runOk(toolBin("wrangler"), ["types"], { cwd: project, env: wranglerEnv });
  await Deno.writeTextFile(
    `${project}/tsconfig.json`,
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: "ES2022",
        module: "ESNext",
        moduleResolution: "Bundler",
        lib: ["ES2022"],
        types: [],
        skipLibCheck: true,
      },
      files: ["worker-configuration.d.ts", "src/index.ts"],
    }),
  );
  // TypeScript 5.9 and 7 (the native port, what `npm install typescript` gives), with
  // `exactOptionalPropertyTypes` as `tsc --init` writes it: what a user copying the example has.
  for (const tsc of Object.values(typescriptCompilers())) {
    await runOk(tsc, ["-p", "tsconfig.json", "--exactOptionalPropertyTypes", "--pretty", "false"], {
      cwd: project,
    });
  }
  await runOk(toolBin("wrangler"), ["deploy", "--dry-run", "--outdir", "out"], {
    cwd: project,
    env: wranglerEnv,
    timeoutMs: 120_000,
  });
  return { project, out: `${project}/out`, toml };
}

/**
 * Miniflare running the bundle with the Workflow persisted in `persist`; `bindings` replace the
 * test's own, `only` all of them.
 */
function miniflare(
  out: string,
  toml: string,
  persist: string,
  emulator: Emulator,
  bindings: Record<string, string> = {},
  only?: Record<string, string>,
): Miniflare {
  const compatibilityDate = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(toml)![1];
  return new Miniflare({
    modules: true,
    scriptPath: `${out}/index.js`,
    modulesRoot: out,
    compatibilityDate,
    compatibilityFlags: [],
    workflows: { VAULT_COPY: { name: "vault-copy", className: "VaultCopy" } },
    workflowsPersist: persist,
    bindings: only ?? {
      AWS_REGION: DEMO_REGION,
      AWS_ACCESS_KEY_ID: DEMO_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: DEMO_CREDENTIALS.secretAccessKey,
      STATUS_TOKEN,
      SOURCE_VAULT,
      DESTINATION_VAULT_ARN: DR_VAULT_WEST_ARN,
      IAM_ROLE_ARN: DEMO_IAM_ROLE_ARN,
      BACKUP_ENDPOINT: emulator.url,
      BATCH_SIZE: "4",
      CONCURRENCY: "2",
      PARALLEL_BATCHES: "2",
      POLL_INTERVAL_MS: "200",
      MAX_POLL_INTERVAL_MS: "400",
      LOOKBACK_DAYS: "7",
      REPORT_PAGE_BATCHES: "2",
      ...bindings,
    },
  });
}

interface WorkflowHandle {
  status(): Promise<{ status: string }>;
  sendEvent(event: { type: string; payload: unknown }): Promise<void>;
}

/**
 * What the platform does after a restart and Miniflare's local engine does not: wake every
 * instance that had not ended. The local engine keeps its sleep and retry timers in memory
 * (`scheduler.wait`; its `handleNextAlarm` sets no Durable Object alarm), so a new runtime leaves
 * a persisted `running` instance alone until something calls `Engine.init`: `create` with the
 * same id (what the Cron Trigger sends again) or `sendEvent`, which replays `run` from the
 * persisted steps with the instance's own params. Workflows in production resumes instances
 * itself.
 */
async function wake(mf: Miniflare, ids: readonly string[]): Promise<string[]> {
  const env = await mf.getBindings<{ VAULT_COPY: { get(id: string): Promise<WorkflowHandle> } }>();
  const woken: string[] = [];
  for (const id of ids) {
    const instance = await env.VAULT_COPY.get(id).catch(() => undefined);
    if (!instance) continue;
    const { status } = await instance.status();
    if (status === "complete" || status === "errored" || status === "terminated") continue;
    await instance.sendEvent({ type: "wake-after-restart", payload: null });
    woken.push(id);
  }
  return woken;
}

/** Fires the Worker's Cron Trigger for the night of {@linkcode NIGHT} (or `night`). */
async function nightlyTrigger(mf: Miniflare, night = NIGHT): Promise<void> {
  // Miniflare's Fetcher typings do not resolve under Deno; it has `scheduled`.
  const worker = await mf.getWorker() as unknown as {
    scheduled(options: { cron: string; scheduledTime: Date }): Promise<{ outcome: string }>;
  };
  const { outcome } = await worker.scheduled({ cron: "0 3 * * *", scheduledTime: night });
  assert.equal(outcome, "ok");
}

/** The status of an instance, or `undefined` when the Workflow has none with that id. */
async function instanceStatus(mf: Miniflare, id: string): Promise<string | undefined> {
  const env = await mf.getBindings<{ VAULT_COPY: { get(id: string): Promise<WorkflowHandle> } }>();
  const instance = await env.VAULT_COPY.get(id).catch(() => undefined);
  return instance && (await instance.status()).status;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 60_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test("vault-workflow example: torn down mid-run and started again, one copy job per point", async () => {
  const { out, toml } = await builtExample();
  const code = await Deno.readTextFile(`${out}/index.js`);
  assert.doesNotMatch(code, /\bfrom\s*["']node:|\brequire\(/, "no Node APIs");
  assert.ok(code.includes(WORKFLOW_MARKER), "control: the example bundles the Workflow part");

  const points = 12;
  const DAY = 86_400_000;
  // Points 0..11 were backed up in the last two days (the run's lookback is 7); point 12 sixty
  // days ago, and copied then: its copy job is older than ListCopyJobs lists (30 days), so a run
  // selecting it would copy it again — every night.
  const recent = Date.now() - 2 * DAY;
  await using emulator = await startEmulator({
    ...vaultSeed(points + 1, (f, i) => {
      f.creationDateMs = i < points ? recent + i * 3600_000 : Date.now() - 60 * DAY;
      if (i === 6) f.status = "EXPIRED";
      if (i === points) {
        f.automaticCopies = [{
          destinationBackupVaultArn: DR_VAULT_WEST_ARN,
          destinationVaultType: "BACKUP_VAULT",
        }];
      }
    }),
    jobDurationMs: 1_500,
  });
  const old = pointArn(points);
  assert.equal(emulator.jobs().length, 1, "control: the old copy job");
  const persist = await tempDir("backup-edge-workflows-persist-");
  const batchIds = [0, 1, 2].flatMap((b) => [`${RUN_ID}-b${b}`, `${RUN_ID}-b${b}-1`]);

  let mf = miniflare(out, toml, persist, emulator);
  try {
    await nightlyTrigger(mf);
    // Mid-run: some copy jobs exist, not all.
    await until("the first copy jobs", () => {
      const n = emulator.jobs().length - 1;
      return Promise.resolve(n >= 3 ? n : undefined);
    });
  } finally {
    await mf.dispose();
  }
  const before = emulator.jobs().length - 1;
  assert.ok(before < points - 1, `torn down mid-run, with ${before} of ${points - 1} jobs`);
  const atTeardown = emulator.requests.length;
  const listings = (from = 0) =>
    emulator.requests.slice(from).filter((r) =>
      r.operation === "ListRecoveryPointsByBackupVault" &&
      decodeURIComponent(r.path).includes(`/backup-vaults/${SOURCE_VAULT}/`)
    );
  // The run listed its three pages before the teardown, with the lookback as AWS's filter.
  assert.equal(listings().length, 3);
  const createdAfter = Date.parse(listings()[0].query.createdAfter?.[0] ?? "");
  assert.ok(Math.abs(createdAfter - (Date.now() - 7 * DAY)) < 3_600_000, `${createdAfter}`);

  mf = miniflare(out, toml, persist, emulator);
  try {
    const get = (path: string, token?: string) =>
      mf.dispatchFetch(`http://vault.test${path}`, {
        headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      });
    // The status route wants the token; nothing of it, or of the AWS keys, in any answer.
    for (const token of [undefined, "wrong", `${STATUS_TOKEN}x`]) {
      const response = await get(`/runs/${RUN_ID}`, token);
      const body = await response.text();
      assert.equal(response.status, 401, body);
      assert.ok(!body.includes(STATUS_TOKEN) && !body.includes(DEMO_CREDENTIALS.secretAccessKey));
    }
    assert.equal((await get("/runs/../../x", STATUS_TOKEN)).status, 404);
    assert.equal((await get("/runs/nightly-1999-01-01", STATUS_TOKEN)).status, 404);

    // The same night's trigger again: the run exists, so nothing new starts (in Miniflare, create
    // with an existing id replays that instance from its persisted steps: the restart).
    await nightlyTrigger(mf);
    const woken = await wake(mf, batchIds);
    assert.ok(woken.length >= 1, `batch instances woken: ${woken.join()}`);
    // The next night's trigger while this run goes on starts nothing beside it.
    const nextNight = new Date(NIGHT.getTime() + DAY);
    await nightlyTrigger(mf, nextNight);
    assert.equal(await instanceStatus(mf, "nightly-2026-12-08"), undefined, "no second run");

    const report = async (from?: number) => {
      const response = await get(
        `/runs/${RUN_ID}/report${from === undefined ? "" : `?from=${from}`}`,
        STATUS_TOKEN,
      );
      const text = await response.text();
      assert.equal(response.status, 200, text);
      assert.ok(!text.includes(STATUS_TOKEN) && !text.includes(DEMO_CREDENTIALS.secretAccessKey));
      return JSON.parse(text) as WorkflowCopyStatus & { nextPage?: string };
    };
    const status = await until("the run to complete", async () => {
      const answer = await report();
      assert.notEqual(answer.status, "errored", JSON.stringify(answer.error));
      return answer.status === "complete" ? answer : undefined;
    }, 120_000);

    const jobs = emulator.jobs().filter((j) => !j.ParentJobId && j.SourceRecoveryPointArn !== old);
    assert.equal(jobs.length, points - 1, "exactly one copy job per selected point");
    assert.ok(jobs.length > before, "the restarted runtime went on copying");
    assert.equal(new Set(jobs.map((j) => j.SourceRecoveryPointArn)).size, points - 1);
    assert.ok(emulator.requests.every((r) => r.signatureValid), "signed in workerd");
    assert.ok(emulator.requests.some((r) => r.headers["user-agent"]?.includes("backup-edge")));
    // Outside the lookback, the old point is neither listed nor copied again.
    assert.equal(emulator.jobs().filter((j) => j.SourceRecoveryPointArn === old).length, 1);

    // A resume, not a re-run: no page listed again; each point's StartCopyJob sent once, but for
    // a step in flight at the teardown (one per running batch instance, PARALLEL_BATCHES 2),
    // whose result was lost and which the engine ran again (same token: the same job).
    assert.equal(listings(atTeardown).length, 0, "no page listed again after the restart");
    const starts = new Map<string, number>();
    for (const r of emulator.requests.filter((r) => r.operation === "StartCopyJob")) {
      const arn = JSON.parse(r.body).RecoveryPointArn;
      starts.set(arn, (starts.get(arn) ?? 0) + 1);
    }
    assert.equal(starts.size, points - 1);
    const repeated = [...starts].filter(([, n]) => n > 1);
    assert.ok(repeated.every(([, n]) => n === 2) && repeated.length <= 2, JSON.stringify(repeated));

    // The report in pages of REPORT_PAGE_BATCHES (2) batches.
    assert.deepEqual(status.page, { from: 0, to: 2, of: 3, next: 2 });
    assert.equal(status.nextPage, `/runs/${RUN_ID}/report?from=2`);
    const last = await report(2);
    assert.deepEqual(last.page, { from: 2, to: 3, of: 3 });
    assert.equal(last.nextPage, undefined);
    for (const query of ["from=x", "from=", "from=1&from=2", "form=2"]) {
      const refused = await get(`/runs/${RUN_ID}/report?${query}`, STATUS_TOKEN);
      assert.equal(refused.status, 400, query);
      const { error, message } = await refused.json() as { error: string; message: string };
      assert.equal(error, "BadRequest", query);
      assert.match(message, query === "form=2" ? /"form"/ : /from must be/, query);
    }
    const entries = [
      ...status.report!.entries,
      ...last.report!.entries,
    ] as unknown as (CopyReport["entries"][number] & { startedAt?: string })[];
    assert.equal(entries.length, points, "one entry per recovery point");
    const totals = status.run!.totals;
    assert.equal(totals.completed, points - 1, JSON.stringify(totals));
    assert.equal(totals.skipped, 1);
    assert.equal(status.run!.ok, true);
    assert.ok(status.report!.ok && last.report!.ok);
    const byArn = new Map(entries.map((e) => [e.recoveryPointArn, e]));
    assert.equal(byArn.get(pointArn(6))?.skipReason?.code, "STATUS");
    assert.ok(!byArn.has(old));
    for (const job of jobs) {
      assert.equal(byArn.get(job.SourceRecoveryPointArn!)?.copyJobId, job.CopyJobId);
    }
    assert.deepEqual(
      status.run!.batches.map((b) => b.status),
      ["complete", "complete", "complete"],
    );

    // Once it ended, the next night's run starts: its copies exist already, none is made again.
    await nightlyTrigger(mf, nextNight);
    await until("the next night's run", async () => {
      const s = await instanceStatus(mf, "nightly-2026-12-08");
      assert.notEqual(s, "errored");
      return s === "complete" ? s : undefined;
    }, 120_000);
    assert.equal(emulator.jobs().filter((j) => !j.ParentJobId).length, points, "no new copy");

    // Without /report: the status and summary only.
    const summary = await (await get(`/runs/${RUN_ID}`, STATUS_TOKEN)).json() as WorkflowCopyStatus;
    assert.equal(summary.status, "complete");
    assert.equal(summary.report, undefined);
    assert.equal(summary.run?.totals.completed, points - 1);
    assert.equal(summary.page, undefined);
  } finally {
    await mf.dispose();
  }
});

test("vault-workflow example: a STATUS_TOKEN shorter than 32 characters is a configuration error naming it, never its value", async () => {
  const { out, toml } = await builtExample();
  await using emulator = await startEmulator({ ...vaultSeed(1), jobDurationMs: 30 });
  const persist = await tempDir("backup-edge-workflows-persist-");
  const get = (mf: Miniflare, token: string) =>
    mf.dispatchFetch(`http://vault.test/runs/${RUN_ID}`, {
      headers: { authorization: `Bearer ${token}` },
    });
  for (const token of ["", "s3cret-but-short", "x".repeat(31)]) {
    const mf = miniflare(out, toml, persist, emulator, { STATUS_TOKEN: token });
    try {
      // The right token of a short STATUS_TOKEN opens nothing: a guessable token is no lock.
      const response = await get(mf, token);
      const body = await response.json() as {
        error: string;
        message: string;
        missing: string[];
        invalid: string[];
      };
      assert.equal(response.status, 503, JSON.stringify(body));
      assert.equal(body.error, "NotConfigured");
      assert.deepEqual(
        { missing: body.missing, invalid: body.invalid },
        token
          ? { missing: [], invalid: ["STATUS_TOKEN"] }
          : { missing: ["STATUS_TOKEN"], invalid: [] },
      );
      assert.match(
        body.message,
        token
          ? /^Configuration: STATUS_TOKEN is too short: make it 32 characters or more \(vars in wrangler\.toml; secrets: npx wrangler secret put NAME\)$/
          : /^Configuration: STATUS_TOKEN is not set/,
      );
      if (token) assert.ok(!JSON.stringify(body).includes(token), "the value is never shown");
    } finally {
      await mf.dispose();
    }
  }
  // Control: 32 characters are enough — the route goes on to the bearer check.
  const long = "y".repeat(32);
  const mf = miniflare(out, toml, persist, emulator, { STATUS_TOKEN: long });
  try {
    const wrong = await get(mf, "z".repeat(32));
    assert.equal(wrong.status, 401, await wrong.text());
    const right = await get(mf, long);
    const text = await right.text();
    assert.equal(right.status, 404, text);
    assert.equal(JSON.parse(text).error, "NoSuchRun");
  } finally {
    await mf.dispose();
  }
});

test("vault-workflow example: deployed as written, 503 NotConfigured naming every setting to make; the Cron Trigger starts nothing", async () => {
  const { out, toml } = await builtExample();
  await using emulator = await startEmulator({ ...vaultSeed(1), jobDurationMs: 30 });
  const persist = await tempDir("backup-edge-workflows-persist-");
  // wrangler.toml's [vars] and nothing else: no secret, no endpoint, no destination.
  const asWritten = Object.fromEntries(
    [...toml.split(/^\[vars\]$/m)[1].matchAll(/^(\w+) = "([^"]*)"/gm)].map(([, k, v]) => [k, v]),
  );
  assert.equal(asWritten.DESTINATION_VAULT_ARN, "", "control: the vars were read");
  const log: string[] = [];
  const malformed = {
    AWS_REGION: "us east 1",
    AWS_ACCESS_KEY_ID: DEMO_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: DEMO_CREDENTIALS.secretAccessKey,
    STATUS_TOKEN,
    SOURCE_VAULT,
    DESTINATION_VAULT_ARN: "dr",
    IAM_ROLE_ARN: DEMO_IAM_ROLE_ARN,
    LOOKBACK_DAYS: "90",
    BACKUP_ENDPOINT: emulator.url,
  };
  const setups: [Record<string, string>, { missing: string[]; invalid: string[] }][] = [
    [asWritten, {
      missing: [
        "AWS_REGION",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "DESTINATION_VAULT_ARN",
        "IAM_ROLE_ARN",
        "STATUS_TOKEN",
      ],
      invalid: [],
    }],
    [malformed, { missing: [], invalid: ["DESTINATION_VAULT_ARN", "LOOKBACK_DAYS", "AWS_REGION"] }],
    // The right form, listed by no AWS partition: a typo, the rest well-formed.
    [{
      ...malformed,
      AWS_REGION: "us-est-1",
      DESTINATION_VAULT_ARN: DR_VAULT_WEST_ARN,
      LOOKBACK_DAYS: "7",
    }, {
      missing: [],
      invalid: ["AWS_REGION"],
    }],
  ];
  for (const [only, expected] of setups) {
    const mf = miniflare(out, toml, persist, emulator, {}, only);
    try {
      const response = await mf.dispatchFetch(`http://vault.test/runs/${RUN_ID}`, {
        headers: { authorization: `Bearer ${STATUS_TOKEN}` },
      });
      const text = await response.text();
      assert.equal(response.status, 503, text);
      const body = JSON.parse(text);
      assert.equal(body.error, "NotConfigured");
      assert.deepEqual({ missing: body.missing, invalid: body.invalid }, expected);
      assert.ok(!text.includes(STATUS_TOKEN) && !text.includes(DEMO_CREDENTIALS.secretAccessKey));
      log.push(body.message);
      const worker = await mf.getWorker() as unknown as {
        scheduled(options: { cron: string; scheduledTime: Date }): Promise<{ outcome: string }>;
      };
      const { outcome } = await worker.scheduled({ cron: "0 3 * * *", scheduledTime: NIGHT });
      assert.equal(outcome, "exception", "an unconfigured nightly run is a failed Cron run");
      assert.equal(await instanceStatus(mf, RUN_ID), undefined, "no run was started");
    } finally {
      await mf.dispose();
    }
  }
  assert.match(log[1], /DESTINATION_VAULT_ARN must be a backup vault ARN/);
  assert.match(log[1], /LOOKBACK_DAYS must be a whole number from 1 to 25/);
  assert.match(log[1], /AWS_REGION must be a Region name/);
  assert.match(
    log[2],
    /AWS_REGION must be an AWS Region this release lists; did you mean "us-east-1"\?/,
  );
  assert.equal(emulator.requests.length, 0, "nothing reached AWS");
});

Deno.test("vault-workflow: the StartCopyJob-only Worker bundles none of the Workflow part", async () => {
  // Control: a Worker calling the Workflow function, bundled the same way.
  const entry = new URL("./.out/vault_workflow_worker.ts", import.meta.url);
  await Deno.mkdir(new URL("./.out/", import.meta.url), { recursive: true });
  await Deno.writeTextFile(
    entry,
    `import { copyRecoveryPointsInWorkflow } from ${JSON.stringify(repoPath("mod.ts"))};\n` +
      `export default { fetch: () => Response.json(typeof copyRecoveryPointsInWorkflow) };\n`,
  );
  const [startOnly, withWorkflow] = await Promise.all(
    [new URL("../testing/workers/start_copy_job_worker.ts", import.meta.url), entry].map(
      async (url) => await Deno.readTextFile(await bundle(url)),
    ),
  );
  // One marker per module of jobs/workflow/ (a constant left at module level survives
  // tree-shaking unless it is a plain literal: stepsPerInstance once did).
  const markers = [
    WORKFLOW_MARKER, // wire.ts
    "stepsPerInstance", // engine.ts
    "NonRetryableError", // engine.ts
    "maxSubrequestsPerInstance", // options.ts
    "existing copies", // batch.ts
    "StepBudgetExhausted", // run.ts
    "DescribeCopyJob answered no CopyJob", // aws_steps.ts
    "new Proxy", // steps.ts
  ];
  for (const marker of markers) {
    assert.ok(withWorkflow.includes(marker), `control: ${marker} is in the Workflow part`);
    assert.ok(!startOnly.includes(marker), `the StartCopyJob-only Worker has ${marker}`);
  }
});

Deno.test("the docs show the vault-workflow example as it is", async () => {
  const docs = await readDocs();
  const toml = await Deno.readTextFile(repoPath(`${EXAMPLE}/wrangler.toml`));
  assert.ok(
    docsShowing(docs, "```toml\n" + toml + "```").length > 0,
    "README.md or docs/*.md shows wrangler.toml verbatim",
  );
  const source = await Deno.readTextFile(repoPath(`${EXAMPLE}/src/index.ts`));
  const excerpts = docs.flatMap(({ path, text }) =>
    [...text.matchAll(/```ts\n\/\/ examples\/vault-workflow\/src\/index\.ts\n([\s\S]*?)```/g)]
      .map(([, excerpt]) => ({ path, excerpt }))
  );
  assert.ok(excerpts.length > 0, "README.md or docs/*.md shows src/index.ts");
  for (const { path, excerpt } of excerpts) {
    assert.ok(source.includes(excerpt), `${path}'s excerpt is in src/index.ts:\n${excerpt}`);
  }
});
