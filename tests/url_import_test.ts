/**
 * Deno, importing the module by URL: the repository is served over HTTP with the `Content-Type`
 * docs/deno.md tells a host to send for `.ts` files (`application/typescript`), and a child
 * `deno run --no-config` (outside the repository, so no deno.json import map, no node_modules)
 * imports `http://127.0.0.1:PORT/…/mod.ts` (the runtime has no dependencies to resolve). The
 * child starts and describes a copy job on the emulator. Served as `text/javascript`, the same
 * files fail to load. And the README's command for a checkout: a program at its root importing
 * `./mod.ts`, run with `--no-config`.
 */

import assert from "node:assert/strict";
import { checkoutCopy } from "../testing/npm_package.ts";
import { docsShowing, readDocs } from "../testing/docs.ts";
import {
  DEFAULT_VAULT_NAME,
  DEMO_CREDENTIALS,
  DEMO_IAM_ROLE_ARN,
  DEMO_REGION,
  DR_VAULT_WEST_ARN,
  RECOVERY_POINT_OK_ARN,
  startEmulator,
} from "../emulator/mod.ts";

const REPO_ROOT = decodeURIComponent(new URL("../", import.meta.url).pathname).replace(/\/$/, "");
const TIMEOUT_MS = 45_000;

/** What docs/deno.md tells a host to send for `.ts` files. */
const TYPESCRIPT = "application/typescript";

const CONTENT_TYPES: Record<string, string> = {
  ".ts": `${TYPESCRIPT}; charset=utf-8`,
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
};

/**
 * Serves the repository's source files under `/<prefix>/`: only the extensions above, no dot
 * files or directories (.git), no node_modules, nothing outside the repository (`..`, encoded
 * slashes and symlinks pointing out are refused). The random prefix keeps Deno's remote module
 * cache from answering for a previous run that had the same port.
 */
function serveRepository(typescriptContentType = CONTENT_TYPES[".ts"]) {
  const prefix = `/repo-${crypto.randomUUID()}/`;
  const served: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const notFound = () => new Response("not found", { status: 404 });
    if (req.method !== "GET" && req.method !== "HEAD") {
      return new Response("method not allowed", { status: 405 });
    }
    const { pathname } = new URL(req.url);
    if (!pathname.startsWith(prefix)) return notFound();
    let relative: string;
    try {
      relative = decodeURIComponent(pathname.slice(prefix.length));
    } catch {
      return notFound();
    }
    const segments = relative.split("/");
    const extension = relative.match(/\.[a-z]+$/)?.[0] ?? "";
    if (
      /[\\\0]/.test(relative) || !(extension in CONTENT_TYPES) ||
      segments.some((s) => s === "" || s.startsWith(".") || s === "node_modules")
    ) {
      return notFound();
    }
    let file: string;
    try {
      file = await Deno.realPath(`${REPO_ROOT}/${relative}`);
      if (!file.startsWith(`${REPO_ROOT}/`) || !(await Deno.stat(file)).isFile) return notFound();
    } catch {
      return notFound();
    }
    served.push(relative);
    const body = req.method === "HEAD" ? null : await Deno.readFile(file);
    const type = extension === ".ts" ? typescriptContentType : CONTENT_TYPES[extension];
    return new Response(body, { headers: { "content-type": type } });
  });
  const base = `http://127.0.0.1:${server.addr.port}${prefix}`;
  return { base, port: server.addr.port, served, shutdown: () => server.shutdown() };
}

/** The consumer's script: nothing but a URL import, the demo fixtures and `Deno.args`. */
function consumerScript(moduleUrl: string): string {
  const input = {
    RecoveryPointArn: RECOVERY_POINT_OK_ARN,
    SourceBackupVaultName: DEFAULT_VAULT_NAME,
    DestinationBackupVaultArn: DR_VAULT_WEST_ARN,
    IamRoleArn: DEMO_IAM_ROLE_ARN,
  };
  const credentials = {
    accessKeyId: DEMO_CREDENTIALS.accessKeyId,
    secretAccessKey: DEMO_CREDENTIALS.secretAccessKey,
  };
  return `import { BackupClient, describeCopyJob, startCopyJob } from ${JSON.stringify(moduleUrl)};

const client = new BackupClient({
  region: ${JSON.stringify(DEMO_REGION)},
  endpoint: Deno.args[0],
  credentials: ${JSON.stringify(credentials)},
  maxAttempts: 1,
});
const started = await startCopyJob(client, ${JSON.stringify(input)});
const described = await describeCopyJob(client, { CopyJobId: started.CopyJobId! });
console.log(JSON.stringify({
  CopyJobId: started.CopyJobId,
  isDate: started.CreationDate instanceof Date,
  CreationDateIso: started.CreationDate?.toISOString(),
  describedState: described.CopyJob?.State,
  describedCopyJobId: described.CopyJob?.CopyJobId,
}));
`;
}

/** Runs `deno run --no-config --no-lock FLAGS --allow-net=127.0.0.1 SCRIPT ENDPOINT` in `cwd`. */
async function runChild(cwd: string, script: string, endpoint: string, flags: string[]) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-config", "--no-lock", ...flags, "--allow-net=127.0.0.1", script, endpoint],
    cwd,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(TIMEOUT_MS),
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** Removes what the child cached from this one-off origin (it would never be used again). */
async function forgetOrigin(port: number): Promise<void> {
  const info = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "--no-config"],
    stdout: "piped",
    stderr: "null",
  }).output();
  if (!info.success) return;
  const { modulesCache, typescriptCache } = JSON.parse(new TextDecoder().decode(info.stdout));
  for (const dir of [modulesCache, typescriptCache]) {
    if (typeof dir !== "string") continue;
    await Deno.remove(`${dir}/http/127.0.0.1_PORT${port}`, { recursive: true }).catch(() => {});
  }
}

Deno.test("a Deno program outside the repository imports mod.ts by URL and calls the emulator", async () => {
  await using emulator = await startEmulator();
  const repo = serveRepository();
  const workDir = await Deno.makeTempDir({ prefix: "backup-edge-url-import-" });
  try {
    // The file server refuses what it must not serve.
    for (const path of ["..%2fdeno.json", "%2e%2e/deno.json", ".git/HEAD", "deno.lock", "x/"]) {
      const response = await fetch(repo.base + path);
      await response.body?.cancel();
      assert.equal(response.status, 404, path);
    }
    const head = await fetch(repo.base + "mod.ts", { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("content-type"), `${TYPESCRIPT}; charset=utf-8`);
    assert.ok(
      docsShowing(await readDocs(), `\`Content-Type: ${TYPESCRIPT}\``).length > 0,
      "README.md or docs/*.md states the type",
    );
    repo.served.length = 0;

    const script = `${workDir}/consumer.ts`;
    await Deno.writeTextFile(script, consumerScript(`${repo.base}mod.ts`));
    // --check: type-check the consumer against the URL-imported declarations too.
    const { code, stdout, stderr } = await runChild(workDir, script, emulator.url, [
      "--check",
      `--allow-import=127.0.0.1:${repo.port}`,
    ]);
    assert.equal(code, 0, `child deno exited ${code}:\n${stdout}\n${stderr}`);

    const lines = stdout.trim().split("\n");
    const result = JSON.parse(lines[lines.length - 1]);
    const jobs = emulator.jobs();
    assert.equal(jobs.length, 1);
    assert.equal(result.CopyJobId, jobs[0].CopyJobId);
    assert.equal(result.describedCopyJobId, jobs[0].CopyJobId);
    assert.equal(result.isDate, true);
    assert.equal(Date.parse(result.CreationDateIso), Math.round(jobs[0].CreationDate * 1000));
    assert.deepEqual(emulator.requests.map((r) => r.operation), [
      "StartCopyJob",
      "DescribeCopyJob",
    ]);
    for (const request of emulator.requests) {
      assert.equal(request.signatureValid, true, `${request.operation}: ${request.authError}`);
    }

    // The child really loaded the module from the server, signer and all.
    for (const file of ["mod.ts", "runtime/signer.ts", "generated/operations.ts"]) {
      assert.ok(repo.served.includes(file), `the child fetched ${file}`);
    }
  } finally {
    await repo.shutdown();
    await Deno.remove(workDir, { recursive: true });
    await forgetOrigin(repo.port);
  }
});

Deno.test("served as text/javascript, the .ts files fail to load: nothing is called", async () => {
  await using emulator = await startEmulator();
  const repo = serveRepository("text/javascript; charset=utf-8");
  const workDir = await Deno.makeTempDir({ prefix: "backup-edge-url-import-" });
  try {
    const script = `${workDir}/consumer.ts`;
    await Deno.writeTextFile(script, consumerScript(`${repo.base}mod.ts`));
    const { code, stderr } = await runChild(workDir, script, emulator.url, [
      `--allow-import=127.0.0.1:${repo.port}`,
    ]);
    assert.notEqual(code, 0, "JavaScript cannot hold TypeScript's annotations");
    // Parsed as JavaScript: a syntax error at the first TypeScript-only construct of mod.ts.
    assert.match(stderr, /SyntaxError/, stderr);
    assert.match(stderr, new RegExp(repo.base.replaceAll(".", "\\.") + "mod\\.ts:\\d+"), stderr);
    assert.equal(emulator.requests.length, 0);
  } finally {
    await repo.shutdown();
    await Deno.remove(workDir, { recursive: true });
    await forgetOrigin(repo.port);
  }
});

Deno.test("from a checkout: a program at its root imports ./mod.ts and runs with --no-config", async () => {
  await using emulator = await startEmulator();
  const checkout = await checkoutCopy("backup-edge-checkout-");
  await Deno.writeTextFile(`${checkout}/copy.ts`, consumerScript("./mod.ts"));
  const { code, stdout, stderr } = await runChild(checkout, "copy.ts", emulator.url, []);
  assert.equal(code, 0, `${stdout}\n${stderr}`);
  const result = JSON.parse(stdout.trim().split("\n").pop()!);
  assert.equal(result.CopyJobId, emulator.jobs()[0].CopyJobId);
  assert.equal(result.describedState !== undefined, true);
});
