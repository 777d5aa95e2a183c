/**
 * The npm package as the packaging tests use it: built and packed by `build/npm.ts` (as `deno task
 * pack` does), and installed from the tarball into fresh temporary projects, the way a user
 * installs it. The test tools (TypeScript 5 and 7, publint, attw, wrangler, esbuild) come from the
 * npm registry into `.cache/npm-tools/`, and every npm download goes through `.cache/npm-cache/`,
 * so a rerun downloads nothing. A tarball is reused while the sources it is built from are
 * unchanged.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { sha256Hex } from "../codegen/model_source.ts";
import { packageSources, packNpm } from "../build/npm.ts";

const REPO = new URL("../", import.meta.url);
const CACHE = fileURLToPath(new URL(".cache/", REPO));
/** The npm cache every install here shares (git-ignored). */
export const NPM_CACHE: string = `${CACHE}npm-cache`;
/** Where the pinned test tools are installed (git-ignored). */
export const TOOLS_DIR: string = `${CACHE}npm-tools`;

/**
 * The test tools, pinned (an `npm:` alias installs a second version under another name).
 * wrangler 4.85.0 is the newest that runs on Node 20; TypeScript 5.9.3 is the last 5.x and 7.0.2
 * (the native port) what `npm install typescript` gives today.
 */
export const TOOLS: Readonly<Record<string, string>> = {
  "typescript": "5.9.3",
  "typescript7": "npm:typescript@7.0.2",
  "publint": "0.3.25",
  "@arethetypeswrong/cli": "0.18.5",
  "wrangler": "4.85.0",
  "esbuild": "0.27.3",
};

/** A packed package ready to install. */
export interface PackedPackage {
  /** Absolute path of `backup-edge-<version>.tgz`. */
  tarball: string;
  /** The unpacked build it was packed from (`package.json` at its root). */
  dir: string;
}

/** Why the npm registry cannot be used, or undefined when it answers. */
export async function npmRegistryUnavailable(): Promise<string | undefined> {
  const registry = Deno.env.get("npm_config_registry") ?? "https://registry.npmjs.org/";
  const url = new URL("aws4fetch", registry.endsWith("/") ? registry : `${registry}/`);
  try {
    const response = await fetch(url, {
      headers: { accept: "application/vnd.npm.install-v1+json" },
      signal: AbortSignal.timeout(10_000),
    });
    await response.body?.cancel();
    return response.ok ? undefined : `npm registry ${url} answered ${response.status}`;
  } catch (error) {
    return `npm registry ${url} unreachable (${error instanceof Error ? error.message : error})`;
  }
}

/** Runs a command and returns its output; throws with stdout and stderr when it fails. */
export async function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: Record<string, string>; timeoutMs?: number } = { cwd: CACHE },
): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = await new Deno.Command(command, {
    args,
    cwd: options.cwd,
    env: { NO_COLOR: "1", ...options.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(options.timeoutMs ?? 120_000),
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** Like {@linkcode run}, failing unless the command exits 0. */
export async function runOk(
  command: string,
  args: string[],
  options: { cwd: string; env?: Record<string, string>; timeoutMs?: number },
): Promise<string> {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} (in ${options.cwd}) exited ${result.code}:\n` +
        result.stdout + result.stderr,
    );
  }
  return result.stdout;
}

const NPM_FLAGS = ["--no-audit", "--no-fund", "--loglevel=error", "--prefer-offline"];

/** `npm install` with the shared cache. */
export function npmInstall(cwd: string, specs: string[]): Promise<string> {
  return runOk("npm", ["install", ...NPM_FLAGS, "--cache", NPM_CACHE, ...specs], {
    cwd,
    timeoutMs: 300_000,
  });
}

/** Path of a tool's binary in {@linkcode TOOLS_DIR}. */
export function toolBin(name: string): string {
  return `${TOOLS_DIR}/node_modules/.bin/${name}`;
}

/** The TypeScript compilers the consumer tests use: version → path of its `tsc`. */
export function typescriptCompilers(): Record<string, string> {
  const compilers: Record<string, string> = {};
  for (const name of ["typescript", "typescript7"]) {
    compilers[TOOLS[name].replace(/^npm:.+@/, "")] = `${TOOLS_DIR}/node_modules/${name}/bin/tsc`;
  }
  return compilers;
}

/**
 * Holds a lock (a directory under `.cache/`) while `fn` runs, so test files running in parallel
 * build and install once. A lock older than 10 minutes is taken as abandoned.
 */
async function withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const lock = `${CACHE}${name}.lock`;
  await Deno.mkdir(CACHE, { recursive: true });
  for (let waited = 0;; waited += 250) {
    try {
      await Deno.mkdir(lock);
      break;
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
      const age = Date.now() - ((await Deno.stat(lock).catch(() => null))?.mtime?.getTime() ?? 0);
      if (age > 600_000) await Deno.remove(lock, { recursive: true }).catch(() => {});
      if (waited > 600_000) throw new Error(`${lock} still held after 10 minutes`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    return await fn();
  } finally {
    await Deno.remove(lock, { recursive: true }).catch(() => {});
  }
}

/** Installs the pinned tools into {@linkcode TOOLS_DIR} unless they are there already. */
export function ensureTools(): Promise<void> {
  return withLock("npm-tools", async () => {
    const missing: string[] = [];
    for (const [name, version] of Object.entries(TOOLS)) {
      try {
        const manifest = JSON.parse(
          await Deno.readTextFile(`${TOOLS_DIR}/node_modules/${name}/package.json`),
        );
        if (manifest.version !== version.replace(/^npm:.+@/, "")) {
          missing.push(`${name}@${version}`);
        }
      } catch {
        missing.push(`${name}@${version}`);
      }
    }
    if (!missing.length) return;
    await Deno.mkdir(TOOLS_DIR, { recursive: true });
    await Deno.writeTextFile(`${TOOLS_DIR}/package.json`, '{ "private": true }\n');
    await npmInstall(TOOLS_DIR, Object.entries(TOOLS).map(([n, v]) => `${n}@${v}`));
  });
}

/**
 * Builds and packs the package (once per content of its sources) and returns the tarball.
 * Lives in `.cache/npm-pack/<sha256 of the sources>/`.
 */
export function packedPackage(): Promise<PackedPackage> {
  return withLock("npm-pack", async () => {
    const sources = await packageSources();
    const hash = await sha256Hex(sources);
    const root = `${CACHE}npm-pack/${hash}`;
    const dir = `${root}/package`;
    const done = `${root}/tarball`;
    const existing = await Deno.readTextFile(done).catch(() => undefined);
    if (existing) return { tarball: existing, dir };
    // Tarballs of older sources are never used again.
    await Deno.remove(`${CACHE}npm-pack`, { recursive: true }).catch(() => {});
    const tarball = await packNpm(root, dir);
    await Deno.writeTextFile(done, tarball);
    return { tarball, dir };
  });
}

const tempDirs: string[] = [];
globalThis.addEventListener("unload", () => {
  for (const dir of tempDirs) {
    try {
      Deno.removeSync(dir, { recursive: true });
    } catch { /* already gone */ }
  }
});

/** A temporary directory, removed when the process ends. */
export async function tempDir(prefix: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix });
  tempDirs.push(dir);
  return dir;
}

/** Makes a fresh temporary project with `package.json` and the tarball installed. */
export async function freshProject(
  packed: PackedPackage,
  manifest: Record<string, unknown> = { name: "consumer", private: true, type: "module" },
): Promise<string> {
  const dir = await tempDir("backup-edge-consumer-");
  await Deno.writeTextFile(`${dir}/package.json`, JSON.stringify(manifest, null, 2));
  await npmInstall(dir, [packed.tarball]);
  return dir;
}

/** Copies a directory tree (files and folders only). */
export async function copyDir(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    if (entry.isDirectory) await copyDir(`${from}/${entry.name}`, `${to}/${entry.name}`);
    else if (entry.isFile) await Deno.copyFile(`${from}/${entry.name}`, `${to}/${entry.name}`);
  }
}

/**
 * Copies what git tracks or would track (nothing it ignores) under `from` (repository-relative)
 * into `to`, but the paths `skip` names.
 */
async function copyTracked(from: string, to: string, skip = (_path: string) => false) {
  const listed = await runOk("git", ["ls-files", "--cached", "--others", "--exclude-standard"], {
    cwd: repoPath(from),
  });
  for (const path of listed.split("\n").filter(Boolean)) {
    if (skip(path)) continue;
    const target = `${to}/${path}`;
    await Deno.mkdir(target.replace(/\/[^/]+$/, ""), { recursive: true });
    await Deno.copyFile(repoPath(`${from}${path}`), target).catch((error) => {
      if (!(error instanceof Deno.errors.NotFound)) throw error; // deleted, not yet committed
    });
  }
}

/**
 * A copy of the checkout as a new user has it: no `node_modules/`, `.cache/`, `dist/` or anything
 * else git ignores, and without `tests/` and `bench/`.
 */
export async function checkoutCopy(prefix: string): Promise<string> {
  const checkout = await tempDir(prefix);
  await copyTracked("", checkout, (path) => path.startsWith("tests/") || path.startsWith("bench/"));
  return checkout;
}

/**
 * `examples/<name>` installed as the README says, in a temporary folder laid out like the
 * checkout: the example's files in `examples/<name>/`, the tarball where `deno task pack` writes
 * it (`dist/backup-edge-<version>.tgz`), then `npm install` in the example, which installs the
 * package through the example's own `package.json`.
 *
 * @returns the example's folder.
 */
export async function installExample(packed: PackedPackage, name: string): Promise<string> {
  const root = await tempDir(`backup-edge-example-${name}-`);
  const dir = `${root}/examples/${name}`;
  await copyTracked(`examples/${name}/`, dir);
  await Deno.mkdir(`${root}/dist`);
  await Deno.copyFile(packed.tarball, `${root}/dist/${packed.tarball.split("/").pop()}`);
  await npmInstall(dir, []);
  return dir;
}

/** Absolute path of a repository-relative path. */
export function repoPath(path: string): string {
  return fileURLToPath(new URL(path, REPO));
}
