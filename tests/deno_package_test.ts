/**
 * The Deno side of publishing: every exported symbol is documented (`deno doc --lint mod.ts`
 * reports nothing), `deno publish --dry-run` ships exactly the module and its docs without a
 * warning; on a fresh machine `deno task demo` downloads only what the demo imports and `deno task
 * pack` only what the npm build needs.
 */

import assert from "node:assert/strict";
import {
  checkoutCopy,
  npmRegistryUnavailable,
  repoPath,
  run,
  tempDir,
} from "../testing/npm_package.ts";
import denoJson from "../deno.json" with { type: "json" };

const REPO = repoPath("");

Deno.test("deno doc --lint mod.ts reports 0 problems", async () => {
  const result = await run(Deno.execPath(), ["doc", "--lint", "mod.ts"], { cwd: REPO });
  const output = result.stdout + result.stderr;
  assert.equal(result.code, 0, output);
  assert.doesNotMatch(output, /error\[|warning/i, output);
});

/** Files under `dir` (repository-relative), recursively, tests left out. */
async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(repoPath(dir))) {
    const path = `${dir}${entry.name}`;
    if (entry.isDirectory) out.push(...await filesUnder(`${path}/`));
    else if (!entry.name.endsWith("_test.ts")) out.push(path);
  }
  return out;
}

Deno.test("deno publish --dry-run ships mod.ts, aws_sdk.ts, runtime/, generated/, waiters/, jobs/ and the docs, cleanly", async () => {
  const result = await run(Deno.execPath(), ["publish", "--dry-run", "--allow-dirty"], {
    cwd: REPO,
    timeoutMs: 300_000,
  });
  const output = result.stdout + result.stderr;
  assert.equal(result.code, 0, output);
  assert.match(output, /Success Dry run complete/);
  assert.doesNotMatch(output, /warning/i, output);
  const shipped = [...output.matchAll(/file:\/\/\S+/g)]
    .map(([url]) => decodeURIComponent(new URL(url).pathname).slice(REPO.length)).sort();
  const expected = [
    "mod.ts",
    "aws_sdk.ts",
    "deno.json",
    "README.md",
    "LICENSE",
    "CHANGELOG.md",
    ...await filesUnder("docs/"),
    ...await filesUnder("runtime/"),
    ...await filesUnder("generated/"),
    ...await filesUnder("waiters/"),
    ...await filesUnder("jobs/"),
  ].sort();
  assert.deepEqual(shipped, expected);
});

const unavailable = await npmRegistryUnavailable();
const TEST_ONLY = ["workerd", "playwright-core", "sharp", "ts-morph", "miniflare", "typescript"];

Deno.test({
  name: `deno task demo on a fresh machine downloads none of ${TEST_ONLY.join(", ")}` +
    (unavailable ? ` (SKIP: ${unavailable})` : ""),
  ignore: unavailable !== undefined,
  fn: async () => {
    // A checkout without node_modules/, and an empty DENO_DIR: a fresh machine.
    const checkout = await checkoutCopy("backup-edge-checkout-");
    const denoDir = await tempDir("backup-edge-deno-dir-");
    const result = await run(Deno.execPath(), ["task", "demo"], {
      cwd: checkout,
      env: { DENO_DIR: denoDir },
      timeoutMs: 300_000,
    });
    const output = result.stdout + result.stderr;
    assert.equal(result.code, 0, output);
    assert.match(result.stdout, /"State": "COMPLETED"/);
    assert.doesNotMatch(output, /approve-scripts|warning/i);
    await assert.rejects(Deno.stat(`${checkout}/node_modules`), Deno.errors.NotFound);
    const downloaded = (await run("find", [denoDir, "-name", "package.json", "-path", "*/npm/*"], {
      cwd: denoDir,
    })).stdout;
    for (const name of TEST_ONLY) {
      assert.doesNotMatch(downloaded, new RegExp(`/${name}/\\d`), `the demo downloaded ${name}`);
    }
    // The signer's one dependency, which the demo does use.
    assert.match(downloaded, /\/aws4fetch\/1\.0\.20\//);
    const size = (await run("du", ["-sh", denoDir], { cwd: denoDir })).stdout.split("\t")[0];
    console.log(`fresh DENO_DIR after deno task demo: ${size}`);
  },
});

Deno.test({
  name: "deno task pack on a fresh machine writes dist/backup-edge-<version>.tgz, downloading " +
    "only TypeScript, Node's types and aws4fetch" + (unavailable ? ` (SKIP: ${unavailable})` : ""),
  ignore: unavailable !== undefined,
  fn: async () => {
    const checkout = await checkoutCopy("backup-edge-checkout-");
    const denoDir = await tempDir("backup-edge-deno-dir-");
    const result = await run(Deno.execPath(), ["task", "pack"], {
      cwd: checkout,
      env: { DENO_DIR: denoDir },
      timeoutMs: 300_000,
    });
    const output = result.stdout + result.stderr;
    assert.equal(result.code, 0, output);
    const tarball = `dist/backup-edge-${denoJson.version}.tgz`;
    assert.match(result.stdout, new RegExp(`^${tarball.replaceAll(".", "\\.")}$`, "m"));
    const listed = await run("tar", ["-tzf", tarball], { cwd: checkout });
    assert.match(listed.stdout, /^package\/package\.json$/m);
    assert.match(listed.stdout, /^package\/mod\.js$/m);
    // The test tools stay out: no node_modules/ at the root, only build/'s packages.
    await assert.rejects(Deno.stat(`${checkout}/node_modules`), Deno.errors.NotFound);
    const downloaded = (await run("find", [denoDir, "-name", "package.json", "-path", "*/npm/*"], {
      cwd: denoDir,
    })).stdout;
    const names = new Set(
      [...downloaded.matchAll(/\/npm\/[^/]+\/((?:@[^/]+\/)?[^/]+)\/\d[^/]*\/package\.json$/gm)]
        .map((m) => m[1]),
    );
    // @types/node (and its undici-types) for the `./checkpoint-file` export, which uses node:fs.
    assert.deepEqual([...names].sort(), ["@types/node", "aws4fetch", "typescript", "undici-types"]);
  },
});
