/**
 * The npm package, installed from its `npm pack` tarball the way the README says: validated by
 * publint and attw; `examples/node/` and `examples/browser/` installed through their own
 * `package.json` (which names `dist/backup-edge-<version>.tgz`), the Node example run under Node
 * and Bun against the local emulator (whose SigV4 check must pass), the browser example built;
 * the README's TypeScript, the Worker examples' and a strict consumer compiled by TypeScript 5.9
 * and 7 with `--strict --exactOptionalPropertyTypes` (as `tsc --init` writes it, and under
 * `bundler` resolution with the package's declarations checked) — the README's excerpts of
 * example files checked through those files, each type-checked by a test, and the Deno example
 * by `deno check`. `examples/worker/` has its own test
 * (worker_example_test.ts). Needs the npm registry (for the tools and aws4fetch); skipped, saying
 * why, without it.
 */

import assert from "node:assert/strict";
import {
  DEFAULT_VAULT_ARN,
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
  ensureTools,
  freshProject,
  installExample,
  npmRegistryUnavailable,
  type PackedPackage,
  packedPackage,
  repoPath,
  run,
  runOk,
  toolBin,
  typescriptCompilers,
} from "../testing/npm_package.ts";
import { docsSnippets, type Snippet, TYPE_CHECKED_EXAMPLES } from "../testing/readme_snippets.ts";
import { docsShowing, readDocs } from "../testing/docs.ts";
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
/** One fresh project with the tarball installed, for the TypeScript checks. */
function consumerProject(): Promise<string> {
  return consumer ??= prepared().then((packed) => freshProject(packed));
}

let nodeExample: Promise<string> | undefined;
/** `examples/node/` after `npm install`, for Node and Bun. */
function nodeExampleProject(): Promise<string> {
  return nodeExample ??= prepared().then((packed) => installExample(packed, "node"));
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
  const guides = (await readDocs()).map((doc) => doc.path).filter((p) => p.startsWith("docs/"));
  assert.ok(guides.length > 0);
  for (const doc of ["README.md", ...guides, "LICENSE", "CHANGELOG.md", "package.json"]) {
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

test("the examples install the tarball deno task pack writes, through their own package.json", async () => {
  const packed = await prepared();
  const tarball = `dist/backup-edge-${denoJson.version}.tgz`;
  assert.equal(packed.tarball.split("/").pop(), tarball.split("/").pop());
  for (const name of ["worker", "node", "browser"]) {
    const manifest = JSON.parse(await Deno.readTextFile(repoPath(`examples/${name}/package.json`)));
    assert.equal(manifest.dependencies["backup-edge"], `file:../../${tarball}`, name);
  }
  const installed = JSON.parse(
    await Deno.readTextFile(`${await nodeExampleProject()}/node_modules/backup-edge/package.json`),
  );
  assert.equal(installed.version, denoJson.version);
});

test("examples/browser/: npm install, then npm run build bundles copy_jobs.js", async () => {
  const dir = await installExample(await prepared(), "browser");
  await runOk("npm", ["run", "build", "--silent"], { cwd: dir });
  const code = await Deno.readTextFile(`${dir}/dist/copy_jobs.js`);
  assert.ok(code.includes("ListCopyJobs"), "the bundle calls ListCopyJobs");
  assert.ok(!code.includes("StartCopyJob"), "and holds no other operation");
  assert.doesNotMatch(code, /\bfrom\s*["']node:|\brequire\(/, "no Node APIs");
});

/** Runs examples/node/copy.mjs with `runtime` in the installed example against an emulator. */
async function runNodeExample(runtime: string): Promise<void> {
  const project = await nodeExampleProject();
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

  // Unset or malformed settings are named by their environment variables (not the client's
  // options or the model's fields), never a value, and nothing is sent.
  const project = await nodeExampleProject();
  const secret = "a-secret-that-must-not-be-printed";
  const settings = {
    AWS_REGION: DEMO_REGION,
    AWS_ACCESS_KEY_ID: DEMO_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: secret,
    RECOVERY_POINT_ARN: RECOVERY_POINT_OK_ARN,
    SOURCE_VAULT: DEFAULT_VAULT_NAME,
    DESTINATION_VAULT_ARN: DR_VAULT_WEST_ARN,
    IAM_ROLE_ARN: DEMO_IAM_ROLE_ARN,
    BACKUP_ENDPOINT: "http://127.0.0.1:9",
  };
  for (
    const [changes, expected] of [
      [
        { AWS_ACCESS_KEY_ID: "", RECOVERY_POINT_ARN: "", IAM_ROLE_ARN: "" },
        "NotConfigured: set AWS_ACCESS_KEY_ID, RECOVERY_POINT_ARN, IAM_ROLE_ARN " +
        "(environment variables)",
      ],
      [
        { AWS_REGION: "us east 1", BACKUP_ENDPOINT: "localhost:8080" },
        /^NotConfigured: fix AWS_REGION must be an AWS Region this release lists; did you mean "us-east-1"\?; BACKUP_ENDPOINT must be an absolute http: or https: URL/,
      ],
      // A Region the client takes (it matches the aws partition's pattern), no partition lists.
      [
        { AWS_REGION: "us-est-1" },
        'NotConfigured: fix AWS_REGION must be an AWS Region this release lists; did you mean "us-east-1"? (environment variables)',
      ],
      // The recovery point's own vault as the destination.
      [
        { DESTINATION_VAULT_ARN: DEFAULT_VAULT_ARN },
        "NotConfigured: fix DESTINATION_VAULT_ARN is the recovery point's own vault (SOURCE_VAULT, " +
        "in its account and Region): a recovery point is never copied into the vault it is in " +
        "(environment variables)",
      ],
    ] as const
  ) {
    const failed = await run("node", ["copy.mjs"], {
      cwd: project,
      env: { ...settings, ...changes },
    });
    const output = failed.stdout + failed.stderr;
    assert.equal(failed.code, 1, output);
    const line = failed.stderr.trim();
    if (typeof expected === "string") assert.equal(line, expected);
    else assert.match(line, expected);
    assert.doesNotMatch(line, /\b(region|endpoint|RecoveryPointArn|IamRoleArn)\b/);
    assert.ok(!output.includes(secret), "the secret stays out of output");
  }
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

/**
 * Compiler configurations of a consumer: what `tsc --init` of that version writes (TypeScript 5.9
 * and 7 both turn on `strict`, `exactOptionalPropertyTypes`, `noUncheckedIndexedAccess` and
 * `verbatimModuleSyntax`, with `nodenext` resolution), and `bundler` resolution with the
 * package's own declarations checked too (`skipLibCheck: false`).
 */
async function tsconfigs(
  project: string,
  tsc: string,
  version: string,
  files: string[],
): Promise<Record<string, string>> {
  const initDir = `${project}/init-${version}`;
  await Deno.mkdir(initDir, { recursive: true });
  await runOk(tsc, ["--init"], { cwd: initDir });
  const written = await Deno.readTextFile(`${initDir}/tsconfig.json`);
  assert.match(written, /^\s*"exactOptionalPropertyTypes": true,/m, `tsc ${version} --init`);
  const configs = {
    [`init-${version}`]: { extends: `./init-${version}/tsconfig.json`, files },
    [`bundler-${version}`]: {
      compilerOptions: {
        strict: true,
        exactOptionalPropertyTypes: true,
        target: "ES2022",
        lib: ["ES2022", "DOM", "DOM.Iterable"],
        module: "ESNext",
        moduleResolution: "Bundler",
        types: [],
        // Our declarations are checked too, not only their use.
        skipLibCheck: false,
      },
      files,
    },
  };
  for (const [name, config] of Object.entries(configs)) {
    await Deno.writeTextFile(`${project}/tsconfig.${name}.json`, JSON.stringify(config, null, 2));
  }
  return Object.fromEntries(Object.keys(configs).map((name) => [name, `tsconfig.${name}.json`]));
}

/** The example files this test's compile includes, by their name in TYPE_CHECKED_EXAMPLES. */
const TSC_EXAMPLES = examplesCheckedHere("TSC_EXAMPLES");
/** The Deno example files `deno check` type-checks here (they import the checkout). */
const DENO_CHECKED_EXAMPLES = examplesCheckedHere("DENO_CHECKED_EXAMPLES");

function examplesCheckedHere(check: string): string[] {
  return Object.entries(TYPE_CHECKED_EXAMPLES)
    .filter(([, by]) => by.test === "tests/npm_package_test.ts" && by.check === check)
    .map(([path]) => path);
}

/** The ts blocks of README.md and docs/*.md, the excerpts of example files marked (`excerptOf`). */
async function readmeBlocks(): Promise<Snippet[]> {
  const examples: Record<string, string> = {};
  for (const path of Object.keys(TYPE_CHECKED_EXAMPLES)) {
    examples[path] = await Deno.readTextFile(repoPath(path));
  }
  return docsSnippets(await readDocs(), Object.keys(await import("../mod.ts")), examples);
}

test("npm package types: the TypeScript of README.md and docs/*.md, the examples and a consumer compile with TypeScript 5.9 and 7, --strict --exactOptionalPropertyTypes; type errors reported", async () => {
  const project = await consumerProject();
  const blocks = await readmeBlocks();
  const snippets = blocks.filter((block) => !block.excerptOf);
  assert.ok(snippets.length >= 8, `the docs' ts blocks: ${snippets.length}`);
  for (const doc of ["README.md", "docs/api.md", "docs/vault-copy.md", "docs/events.md"]) {
    assert.ok(snippets.some((snippet) => snippet.doc === doc), `${doc}'s ts blocks compile`);
  }
  for (const { name, excerptOf } of blocks.filter((block) => block.excerptOf)) {
    const { test, how } = TYPE_CHECKED_EXAMPLES[excerptOf!];
    console.log(`${name}: excerpt of ${excerptOf}, type-checked by ${test} (${how})`);
  }
  const files: Record<string, string> = {
    "consumer.ts": CONSUMER_TS,
    "type_error.ts": TYPE_ERROR_TS,
    ...Object.fromEntries(
      await Promise.all(
        TSC_EXAMPLES.map(async (path) => [
          path.replace(/^examples\//, "").replaceAll("/", "-"),
          await Deno.readTextFile(repoPath(path)),
        ]),
      ),
    ),
    ...Object.fromEntries(snippets.map((snippet) => [snippet.name, snippet.source])),
  };
  for (const [name, source] of Object.entries(files)) {
    await Deno.writeTextFile(`${project}/${name}`, source);
  }
  // An error in a block of the docs, told by the doc and the line it is on.
  const docOf = new Map(snippets.map((snippet) => [snippet.name, snippet.doc]));
  const readmeLine = (line: string) =>
    line.replace(
      /^(\S+-L(\d+)\.ts)\((\d+),/,
      (_, name, fence, row) => `${docOf.get(name)} line ${Number(fence) + Number(row)} (${_}`,
    );
  const failures: string[] = [];
  for (const [version, tsc] of Object.entries(typescriptCompilers())) {
    const configs = await tsconfigs(project, tsc, version, Object.keys(files));
    await Promise.all(
      Object.entries(configs).map(async ([mode, config]) => {
        const result = await run(tsc, [
          "--noEmit",
          "--strict",
          "--exactOptionalPropertyTypes",
          "-p",
          config,
          "--pretty",
          "false",
        ], { cwd: project });
        const errors = result.stdout.split("\n").filter((l) => /error TS\d+/.test(l));
        // Exactly the deliberate error; tsc 5 exits 2 then, tsc 7 exits 1: either way, not 0.
        if (
          errors.length !== 1 || result.code === 0 ||
          !/^type_error\.ts\(5,3\): error TS2322: Type 'number' is not assignable to type 'string'/
            .test(errors[0])
        ) {
          failures.push(
            `${mode} (exit ${result.code}), ${errors.length} errors for the 1 deliberate one:\n` +
              `${errors.map(readmeLine).join("\n")}\n${result.stderr}`,
          );
          return;
        }
        console.log(`TypeScript ${version}, ${mode}: ${Object.keys(files).length - 1} files clean`);
      }),
    );
  }
  // Every compiler and configuration reports, before the test fails.
  assert.deepEqual(failures, []);
});

Deno.test("the docs' excerpts of example files: each occurs verbatim in its file, which a test type-checks", async () => {
  const excerpts = (await readmeBlocks()).filter((block) => block.excerptOf);
  const shown = new Set(excerpts.map((block) => block.excerptOf));
  // Each checked file is shown (the list has no stale entry) — and so is skipped in the compile.
  assert.deepEqual([...shown].sort(), Object.keys(TYPE_CHECKED_EXAMPLES).sort());
  for (const { name, source, excerptOf } of excerpts) {
    const file = await Deno.readTextFile(repoPath(excerptOf!));
    // A part, under a first line naming the file; or the whole file.
    const header = `// ${excerptOf}\n`;
    if (source.startsWith(header)) assert.ok(file.includes(source.slice(header.length)), name);
    else assert.equal(source, file, name);
    const { test, check } = TYPE_CHECKED_EXAMPLES[excerptOf!];
    const testSource = await Deno.readTextFile(repoPath(test));
    assert.ok(testSource.includes(check), `${test} type-checks ${excerptOf} (${check})`);
  }
});

Deno.test("the Deno examples the docs show type-check: deno check, strict", async () => {
  assert.ok(DENO_CHECKED_EXAMPLES.length > 0);
  for (const path of DENO_CHECKED_EXAMPLES) {
    // As users run it: from the checkout, with its deno.json (Deno's default: strict).
    const result = await run(Deno.execPath(), ["check", "--unstable-cron", path], {
      cwd: repoPath("."),
      timeoutMs: 180_000,
    });
    assert.equal(result.code, 0, `deno check ${path}:\n${result.stdout}${result.stderr}`);
  }
});

Deno.test("the docs show the example files the tests run, verbatim", async () => {
  const docs = await readDocs();
  const examples = {
    "examples/node/copy.mjs": "js",
    "examples/worker/src/index.ts": "ts",
    "examples/worker/wrangler.toml": "toml",
    "examples/browser/copy_jobs.js": "js",
  };
  for (const [path, lang] of Object.entries(examples)) {
    const content = await Deno.readTextFile(repoPath(path));
    const shownIn = docsShowing(docs, "```" + lang + "\n" + content + "```");
    assert.ok(shownIn.length > 0, `README.md or docs/*.md shows ${path}`);
  }
});

/** A `deno` command as printed for a user, not through `npx -y deno@2.9.6`. */
const BARE_DENO =
  /(?<![\w@./-])deno (?:task|run|add|test|check|fmt|lint|info|publish|doc|bundle|install|compile|serve|cache|eval|x)\b/;

Deno.test("commands for users need only Node and npm: no bare `deno …` in the commands of README.md and docs/*.md, their prose for users, the demo's output or the examples", async () => {
  const docs = await readDocs();
  const found: string[] = [];
  const check = (where: string, text: string) => {
    text.split("\n").forEach((line, i) => {
      if (BARE_DENO.test(line)) found.push(`${where}:${i + 1}: ${line.trim()}`);
    });
  };
  for (const { path, text } of docs) {
    for (const match of text.matchAll(/^```(?:sh|bash|shell)\n([\s\S]*?)^```$/gm)) {
      check(`${path} sh block at line ${text.slice(0, match.index).split("\n").length}`, match[1]);
    }
  }
  // Every line of the docs for users — the README (Try it, Install, Use it) and the guides —
  // but docs/development.md, which names the tools the build runs (`deno info`, `deno fmt`).
  const forUsers = docs.filter(({ path }) => path !== "docs/development.md");
  assert.ok(forUsers[0].text.includes("## Try it") && forUsers[0].text.includes("## Use it"));
  for (const guide of ["docs/deno.md", "docs/npm.md", "docs/workers.md", "docs/browsers.md"]) {
    assert.ok(forUsers.some(({ path }) => path === guide), `the install guide ${guide}`);
  }
  for (const { path, text } of forUsers) {
    check(path, text);
    assert.doesNotMatch(text, /example\.com/, `no stand-in host in ${path}`);
  }
  for await (const entry of Deno.readDir(repoPath("demo"))) {
    if (!entry.name.endsWith(".ts")) continue;
    // What the demo prints: its code, without comments.
    const code = (await Deno.readTextFile(repoPath(`demo/${entry.name}`)))
      .replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, "");
    check(`demo/${entry.name}`, code);
  }
  const listed = await runOk("git", ["ls-files", "--cached", "--others", "--exclude-standard"], {
    cwd: repoPath("examples"),
  });
  for (const path of listed.split("\n").filter(Boolean)) {
    check(`examples/${path}`, await Deno.readTextFile(repoPath(`examples/${path}`)));
  }
  assert.deepEqual(found, []);
});
