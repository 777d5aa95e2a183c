// A throwaway copy of this checkout's generator, runtime and generated client (node_modules
// linked), for tests that run `deno task codegen` / `deno task model:update` as users do and
// let them rewrite files.

const REPO = new URL("../", import.meta.url);

/** Copies codegen/, runtime/, generated/, deno.json and deno.lock into a new temporary folder. */
export async function copyCheckout(prefix: string): Promise<URL> {
  const root = new URL(`file://${await Deno.makeTempDir({ prefix })}/`);
  for (const name of ["codegen", "runtime", "generated", "deno.json", "deno.lock"]) {
    const { success, stderr } = await new Deno.Command("cp", {
      args: ["-R", new URL(name, REPO).pathname, root.pathname],
      stderr: "piped",
    }).output();
    if (!success) throw new Error(`copying ${name}: ${new TextDecoder().decode(stderr)}`);
  }
  await Deno.symlink(
    new URL("node_modules", REPO).pathname,
    new URL("node_modules", root).pathname,
  );
  return root;
}

/**
 * Runs `deno task -q ARGS` in `cwd` with extra environment variables; nothing downloaded but
 * npm packages: no model (BACKUP_EDGE_OFFLINE: "1" unless `env` says otherwise; a loopback URL
 * is still fetched), no Deno update check (DENO_NO_UPDATE_CHECK, which asks dl.deno.land).
 */
export async function denoTask(
  cwd: URL,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", ...args],
    cwd: cwd.pathname,
    env: { BACKUP_EDGE_OFFLINE: "1", DENO_NO_UPDATE_CHECK: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code, stdout: decode(stdout), stderr: decode(stderr) };
}
