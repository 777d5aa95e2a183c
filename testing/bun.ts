/**
 * Finds a Bun binary for the cross-runtime tests: `BUN_BIN`, then
 * `.cache/tools/node_modules/.bin/bun` (as `.ci/run` installs it with `npm install --no-save
 * --prefix .cache/tools bun@1.3.14`), then `PATH`.
 *
 * @module
 */

const REPO = new URL("../", import.meta.url);

async function isExecutable(path: string): Promise<boolean> {
  try {
    const info = await Deno.stat(path);
    return info.isFile && (info.mode === null || (info.mode & 0o111) !== 0);
  } catch {
    return false;
  }
}

/** The Bun binary to use (`path`), or why there is none (`reason`). */
export async function findBun(): Promise<{ path?: string; reason: string }> {
  const fromEnv = Deno.env.get("BUN_BIN");
  if (fromEnv) {
    return (await isExecutable(fromEnv))
      ? { path: fromEnv, reason: "BUN_BIN" }
      : { reason: `BUN_BIN=${fromEnv} is not an executable file` };
  }
  const local = decodeURIComponent(new URL(".cache/tools/node_modules/.bin/bun", REPO).pathname);
  if (await isExecutable(local)) return { path: local, reason: local };
  for (const dir of (Deno.env.get("PATH") ?? "").split(":").filter(Boolean)) {
    if (await isExecutable(`${dir}/bun`)) return { path: `${dir}/bun`, reason: "PATH" };
  }
  return {
    reason: "no bun binary (set BUN_BIN, or run `npm install --no-save --prefix .cache/tools " +
      "bun@1.3.14`)",
  };
}
