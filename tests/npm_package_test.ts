/**
 * The npm package, installed from its `npm pack` tarball into fresh projects the way a user
 * installs it: validated by publint and attw; `examples/node/copy.mjs` under Node and Bun;
 * TypeScript consumers under `bundler` and `node16` resolution; `examples/worker/` built by
 * wrangler and run in workerd. Everything runs against the local emulator, whose SigV4 check must
 * pass. Needs the npm registry (for the tools and aws4fetch); skipped, saying why, without it.
 */

import assert from "node:assert/strict";
import { Miniflare } from "miniflare";
import {
  DEFAULT_VAULT_NAME,
  DEMO_CREDENTIALS,
  DEMO_IAM_ROLE_ARN,
  DEMO_REGION,
  DR_VAULT_WEST_ARN,
  type Emulator,
  RECOVERY_POINT_FAILING_ARN,
  RECOVERY_POINT_OK_ARN,
  startEmulator,
} from "../emulator/mod.ts";
import { findBun } from "../testing/bun.ts";
import {
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
import denoJson from "../deno.json" with { type: "json" };

const unavailable = await npmRegistryUnavailable();
if (unavailable) console.log(`SKIP npm package tests: ${unavailable}`);
const bun = await findBun();
if (!bun.path) console.log(`SKIP npm package under bun: ${bun.reason}`);

let ready: Promise<PackedPackage> | undefined;
/** The tarball, with the test tools installed (once per process; cached across runs). */
function prepared(): Promise<PackedPackage> {
  return ready ??= Promise.all([packedPackage(), ensureTools()]).then(([packed]) => packed);
}

let consumer: Promise<string> | undefined;
/** One fresh project with the tarball installed, for Node, Bun and the TypeScript checks. */
function consumerProject(): Promise<string> {
  return consumer ??= prepared().then((packed) => freshProject(packed));
}

const test = (name: string, fn: () => Promise<void>, skip = unavailable) =>
  Deno.test({ name: skip ? `${name} (SKIP: ${skip})` : name, ignore: skip !== undefined, fn });

/** Every file of the tarball, as `npm pack --dry-run --json` lists it. */
async function packedFiles(dir: string): Promise<{ path: string; size: number }[]> {
  const [report] = JSON.parse(await runOk("npm", ["pack", "--dry-run", "--json"], { cwd: dir }));
  return report.files;
}

test("npm package: manifest, one .js and .d.ts per module, publint and attw clean", async () => {
  const packed = await prepared();
  const manifest = JSON.parse(await Deno.readTextFile(`${packed.dir}/package.json`));
  assert.equal(manifest.name, "backup-edge");
  assert.equal(manifest.version, denoJson.version);
  assert.equal(manifest.type, "module");
  assert.equal(manifest.sideEffects, false);
  assert.equal(manifest.license, "Apache-2.0");
  assert.equal(manifest.engines.node, ">=20");
  assert.deepEqual(manifest.exports["."], { types: "./mod.d.ts", default: "./mod.js" });
  // Every export of deno.json is an export of the package; only those other than "." may use
  // node: built-ins (e.g. a file-based store for Node and Bun).
  const nodeAllowed = new Set<string>();
  for (const [key, file] of Object.entries(denoJson.exports)) {
    const base = `./${file.replace(/^\.\//, "").replace(/\.ts$/, "")}`;
    assert.deepEqual(manifest.exports[key], { types: `${base}.d.ts`, default: `${base}.js` }, key);
    if (key !== ".") nodeAllowed.add(`${base.slice(2)}.js`);
  }
  // The same aws4fetch version the runtime imports by full specifier.
  const signer = await Deno.readTextFile(repoPath("runtime/signer.ts"));
  const [, aws4fetch] = /"npm:aws4fetch@([^"]+)"/.exec(signer)!;
  assert.deepEqual(manifest.dependencies, { aws4fetch });
  assert.ok(manifest.repository?.url && manifest.keywords?.length);

  const files = await packedFiles(packed.dir);
  const paths = files.map((f) => f.path);
  for (const doc of ["README.md", "LICENSE", "CHANGELOG.md", "package.json"]) {
    assert.ok(paths.includes(doc), `the tarball has ${doc}`);
  }
  const modules = paths.filter((p) => p.endsWith(".js"));
  assert.ok(modules.includes("mod.js") && modules.includes("runtime/signer.js"));
  assert.ok(modules.some((p) => p.startsWith("generated/")) && modules.length > 10);
  for (const js of modules) {
    assert.ok(paths.includes(js.replace(/\.js$/, ".d.ts")), `${js} has its .d.ts`);
    const code = await Deno.readTextFile(`${packed.dir}/${js}`);
    const imports = [...code.matchAll(/^(?:import|export)\b[^;]*?from\s*"([^"]+)"/gm)]
      .map((m) => m[1]);
    for (const specifier of imports) {
      assert.ok(
        specifier === "aws4fetch" || /^\.\.?\/.*\.js$/.test(specifier) ||
          (nodeAllowed.has(js) && specifier.startsWith("node:")),
        `${js} imports ${specifier}`,
      );
    }
    const withoutComments = code.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
    const forbidden = nodeAllowed.has(js)
      ? /["']npm:|\bDeno\./
      : /["']npm:|\bDeno\.|\bprocess\.|["']node:/;
    assert.doesNotMatch(withoutComments, forbidden, js);
  }
  const tarball = await Deno.stat(packed.tarball);
  console.log(
    `tarball ${tarball.size} B, ${files.length} files, ${
      files.reduce((n, f) => n + f.size, 0)
    } B unpacked`,
  );

  const publint = await runOk(toolBin("publint"), ["run", "--strict", packed.dir], {
    cwd: packed.dir,
  });
  assert.match(publint, /All good/);
  // ESM only (Node ≥ 20), so attw's esm-only profile: CommonJS consumers use import().
  const attw = await runOk(
    toolBin("attw"),
    ["--pack", packed.dir, "--profile", "esm-only", "--format", "table-flipped"],
    { cwd: packed.dir },
  );
  // attw exits 1 on any problem its profile does not ignore (runOk fails then); ESM and
  // bundler resolution must both be green.
  const row = attw.split("\n").find((line) => line.includes(`"backup-edge" `)) ?? "";
  assert.ok(row.includes("🟢 (ESM)") && row.split("🟢").length - 1 >= 2, attw);
});

/** Runs examples/node/copy.mjs with `runtime` in the consumer project against an emulator. */
async function runNodeExample(runtime: string): Promise<void> {
  const project = await consumerProject();
  await Deno.copyFile(repoPath("examples/node/copy.mjs"), `${project}/copy.mjs`);
  await using emulator = await startEmulator({ jobDurationMs: 0 });
  await using failing = await startEmulator({ jobDurationMs: 0 });
  const env = (recoveryPointArn: string, endpoint = emulator.url) => ({
    AWS_REGION: DEMO_REGION,
    AWS_ACCESS_KEY_ID: DEMO_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: DEMO_CREDENTIALS.secretAccessKey,
    BACKUP_ENDPOINT: endpoint,
    RECOVERY_POINT_ARN: recoveryPointArn,
    SOURCE_VAULT: DEFAULT_VAULT_NAME,
    DESTINATION_VAULT_ARN: DR_VAULT_WEST_ARN,
    IAM_ROLE_ARN: DEMO_IAM_ROLE_ARN,
  });
  // A copy job that fails is reported as the typed error, one line, no stack trace.
  const failed = await run(runtime, ["copy.mjs"], {
    cwd: project,
    env: env(RECOVERY_POINT_FAILING_ARN, failing.url),
  });
  assert.equal(failed.code, 1, failed.stdout + failed.stderr);
  assert.match(failed.stderr, /^CopyJobFailedError: Copy job \S+ failed/m);
  assert.doesNotMatch(failed.stderr, /^\s+at /m, "no stack trace");
  const output = await runOk(runtime, ["copy.mjs"], {
    cwd: project,
    timeoutMs: 60_000,
    env: env(RECOVERY_POINT_OK_ARN),
  });
  const result = JSON.parse(output.trim().split("\n").pop()!);
  const [job] = emulator.jobs();
  assert.equal(emulator.jobs().length, 1);
  assert.equal(result.CopyJobId, job.CopyJobId);
  assert.equal(result.State, "COMPLETED");
  const operations = emulator.requests.map((r) => r.operation);
  assert.equal(operations[0], "StartCopyJob");
  assert.ok(operations.slice(1).every((o) => o === "DescribeCopyJob") && operations.length > 1);
  assertSigned(emulator);
}

function assertSigned(emulator: Emulator): void {
  assert.ok(emulator.requests.length > 0);
  for (const request of emulator.requests) {
    assert.equal(request.signatureValid, true, `${request.operation}: ${request.authError}`);
  }
}

test("npm package under Node: examples/node/copy.mjs completes a copy job", async () => {
  const version = await runOk("node", ["--version"], { cwd: "/" });
  console.log(`node ${version.trim()}`);
  await runNodeExample("node");

  // Without an access key id the example reports the typed error, naming the variable only.
  const project = await consumerProject();
  const secret = "a-secret-that-must-not-be-printed";
  const failed = await run("node", ["copy.mjs"], {
    cwd: project,
    env: { AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: secret },
  });
  assert.equal(failed.code, 1, failed.stdout + failed.stderr);
  assert.match(failed.stderr, /^ValidationError: .*AWS_ACCESS_KEY_ID/m);
  assert.ok(!(failed.stdout + failed.stderr).includes(secret), "the secret stays out of output");
});

test(
  "npm package under Bun: examples/node/copy.mjs completes a copy job",
  () => runNodeExample(bun.path!),
  unavailable ?? (bun.path ? undefined : bun.reason),
);

/** A strict consumer of the public types. */
const CONSUMER_TS = `import {
  BackupClient,
  type CopyJob,
  paginateListCopyJobs,
  ResourceNotFoundException,
  startCopyJob,
  type StartCopyJobInput,
  ValidationError,
  VERSION,
  waitForCopyJob,
} from "backup-edge";

const client = new BackupClient({
  region: "us-east-1",
  credentials: async () => ({ accessKeyId: "AKID", secretAccessKey: "secret" }),
});
const input: StartCopyJobInput = {
  RecoveryPointArn: "arn:aws:backup:us-east-1:111122223333:recovery-point:1",
  SourceBackupVaultName: "Default",
  DestinationBackupVaultArn: "arn:aws:backup:us-west-2:111122223333:backup-vault:dr",
  IamRoleArn: "arn:aws:iam::111122223333:role/backup",
  Lifecycle: { DeleteAfterDays: 35 },
};
export async function copy(): Promise<CopyJob | undefined> {
  try {
    const { CopyJobId, CreationDate, $metadata } = await startCopyJob(client, input);
    const created: Date | undefined = CreationDate;
    const status: number | undefined = $metadata.httpStatusCode;
    console.log(VERSION.length, created?.getTime(), status);
    for await (const page of paginateListCopyJobs(client, { ByState: "COMPLETED" })) {
      console.log(page.CopyJobs?.length);
    }
    return await waitForCopyJob(client, { CopyJobId: CopyJobId! }, { maxWaitMs: 60_000 });
  } catch (error) {
    if (error instanceof ValidationError) console.log(error.issues.map((i) => i.path));
    if (error instanceof ResourceNotFoundException) console.log(error.Context, error.$fault);
    return undefined;
  }
}
`;

/** The same call with a number where the model says string: tsc must reject it. */
const TYPE_ERROR_TS = `import { BackupClient, startCopyJob } from "backup-edge";

declare const client: BackupClient;
await startCopyJob(client, {
  RecoveryPointArn: 42,
  SourceBackupVaultName: "Default",
  DestinationBackupVaultArn: "arn:aws:backup:us-west-2:111122223333:backup-vault:dr",
  IamRoleArn: "arn:aws:iam::111122223333:role/backup",
});
`;

test("npm package types: tsc --strict under bundler and node16 resolution, type errors reported", async () => {
  const project = await consumerProject();
  await Deno.writeTextFile(`${project}/consumer.ts`, CONSUMER_TS);
  await Deno.writeTextFile(`${project}/type_error.ts`, TYPE_ERROR_TS);
  await Deno.copyFile(repoPath("examples/worker/src/index.ts"), `${project}/worker.ts`);
  const modes = { bundler: ["ESNext", "Bundler"], node16: ["Node16", "Node16"] };
  await Promise.all(
    Object.entries(modes).map(async ([mode, [module, moduleResolution]]) => {
      const config = `tsconfig.${mode}.json`;
      await Deno.writeTextFile(
        `${project}/${config}`,
        JSON.stringify({
          compilerOptions: {
            strict: true,
            noEmit: true,
            target: "ES2022",
            lib: ["ES2022", "DOM", "DOM.Iterable"],
            module,
            moduleResolution,
            types: [],
            // Our declarations are checked too, not only their use.
            skipLibCheck: false,
            skipDefaultLibCheck: true,
          },
          files: ["consumer.ts", "worker.ts", "type_error.ts"],
        }),
      );
      const result = await run(toolBin("tsc"), [
        "--noEmit",
        "--strict",
        "-p",
        config,
        "--pretty",
        "false",
      ], {
        cwd: project,
      });
      const errors = result.stdout.split("\n").filter((l) => /error TS\d+/.test(l));
      assert.equal(result.code, 2, `${mode}: tsc must fail on type_error.ts\n${result.stdout}`);
      assert.equal(errors.length, 1, `${mode}: exactly the deliberate error\n${result.stdout}`);
      assert.match(
        errors[0],
        /^type_error\.ts\(5,3\): error TS2322: Type 'number' is not assignable to type 'string'/,
      );
      console.log(`${mode}: consumer.ts and worker.ts clean; ${errors[0]}`);
    }),
  );
});

/** Other operations' names and one of their URIs: none may be in a startCopyJob-only bundle. */
const OTHER_OPERATIONS = [
  "ListCopyJobs",
  "DescribeCopyJob",
  "DeleteBackupVault",
  "CreateBackupPlan",
  "ListRecoveryPointsByBackupVault",
  "/backup/plans",
];

test("npm package in a wrangler project: examples/worker/ bundles startCopyJob only and runs in workerd", async () => {
  const packed = await prepared();
  const project = await tempDir("backup-edge-worker-");
  await copyDir(repoPath("examples/worker"), project);
  // The example names the published package and wrangler; here the tarball stands in for the
  // registry's backup-edge, and wrangler 4.85.0 comes from the shared tools folder.
  const manifest = JSON.parse(await Deno.readTextFile(`${project}/package.json`));
  assert.equal(manifest.devDependencies.wrangler, "4.85.0");
  delete manifest.dependencies["backup-edge"];
  delete manifest.devDependencies;
  await Deno.writeTextFile(`${project}/package.json`, JSON.stringify(manifest, null, 2));
  await npmInstall(project, [packed.tarball]);

  const toml = await Deno.readTextFile(`${project}/wrangler.toml`);
  assert.doesNotMatch(toml.replace(/#.*$/gm, ""), /nodejs_compat|compatibility_flags/);
  const compatibilityDate = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(toml)![1];
  await runOk(toolBin("wrangler"), ["deploy", "--dry-run", "--outdir", "out"], {
    cwd: project,
    env: { WRANGLER_SEND_METRICS: "false", CI: "1", HOME: project },
    timeoutMs: 120_000,
  });
  const scriptPath = `${project}/out/index.js`;
  const code = await Deno.readTextFile(scriptPath);
  assert.doesNotMatch(code, /\bfrom\s*["']node:|\brequire\(/, "no Node APIs");
  assert.ok(code.includes("StartCopyJob") && code.includes("/copy-jobs"));
  for (const marker of OTHER_OPERATIONS) {
    assert.ok(!code.includes(marker), `the startCopyJob-only bundle contains ${marker}`);
  }
  const gzip = await new Response(
    new Blob([code]).stream().pipeThrough(new CompressionStream("gzip")),
  ).arrayBuffer();
  console.log(`wrangler bundle: ${code.length} B minified, ${gzip.byteLength} B gzip`);

  await using emulator = await startEmulator();
  const mf = new Miniflare({
    modules: true,
    scriptPath,
    // Module names are taken relative to this folder (the bundle is outside the repository).
    modulesRoot: `${project}/out`,
    compatibilityDate,
    compatibilityFlags: [],
    bindings: {
      AWS_REGION: DEMO_REGION,
      AWS_ACCESS_KEY_ID: DEMO_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: DEMO_CREDENTIALS.secretAccessKey,
      BACKUP_ENDPOINT: emulator.url,
    },
  });
  try {
    const post = async (body: unknown) => {
      const response = await mf.dispatchFetch("http://worker.test/", {
        method: "POST",
        body: JSON.stringify(body),
      });
      return { status: response.status, json: await response.json() as Record<string, unknown> };
    };
    const input = {
      RecoveryPointArn: RECOVERY_POINT_OK_ARN,
      SourceBackupVaultName: DEFAULT_VAULT_NAME,
      DestinationBackupVaultArn: DR_VAULT_WEST_ARN,
      IamRoleArn: DEMO_IAM_ROLE_ARN,
    };
    const created = await post(input);
    assert.equal(created.status, 201, JSON.stringify(created.json));
    assert.equal(created.json.CopyJobId, emulator.jobs()[0].CopyJobId);
    assert.equal(created.json.requestId, emulator.requests[0].requestId);
    assertSigned(emulator);

    const missing = await post({ ...input, SourceBackupVaultName: "no-such-vault" });
    assert.equal(missing.status, 404, JSON.stringify(missing.json));
    assert.equal(missing.json.error, "ResourceNotFoundException");

    const requests = emulator.requests.length;
    const invalid = await post({ SourceBackupVaultName: "Default" });
    assert.equal(invalid.status, 400);
    assert.equal(invalid.json.error, "ValidationError");
    assert.ok((invalid.json.issues as unknown[]).length >= 3, "every missing member named");
    assert.equal(emulator.requests.length, requests, "nothing sent for invalid input");

    const get = await mf.dispatchFetch("http://worker.test/");
    assert.equal(get.status, 405);
    await get.body?.cancel();
  } finally {
    await mf.dispose();
  }
});

Deno.test("README shows the example files the tests run, verbatim", async () => {
  const readme = await Deno.readTextFile(repoPath("README.md"));
  const examples = {
    "examples/node/copy.mjs": "js",
    "examples/worker/src/index.ts": "ts",
    "examples/worker/wrangler.toml": "toml",
    "examples/browser/copy_jobs.js": "js",
  };
  for (const [path, lang] of Object.entries(examples)) {
    const content = await Deno.readTextFile(repoPath(path));
    assert.ok(readme.includes("```" + lang + "\n" + content + "```"), `README shows ${path}`);
  }
});
