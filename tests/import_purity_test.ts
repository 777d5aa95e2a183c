// Importing mod.ts and building a client touch no environment, file or network: a child Deno
// with no permissions at all (and prompts off, so any access throws) imports and uses it.

import assert from "node:assert/strict";

const OUT = new URL(".out/", import.meta.url);
const MOD = new URL("../mod.ts", import.meta.url).href;

/** Runs `body` (after importing mod.ts as `m`) in a child Deno without permissions. */
async function runWithoutPermissions(body: string) {
  await Deno.mkdir(OUT, { recursive: true });
  const script = new URL(`purity-${crypto.randomUUID()}.ts`, OUT);
  await Deno.writeTextFile(script, `const m = await import(${JSON.stringify(MOD)});\n${body}\n`);
  try {
    const { success, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-prompt", script.pathname],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const decode = (b: Uint8Array) => new TextDecoder().decode(b);
    return { success, stdout: decode(stdout), stderr: decode(stderr) };
  } finally {
    await Deno.remove(script);
  }
}

Deno.test("mod.ts imports and builds a client with no permissions", async () => {
  const run = await runWithoutPermissions(`
    const client = new m.BackupClient({
      region: "eu-central-1",
      credentials: { accessKeyId: "AKID", secretAccessKey: "SECRET" },
    });
    const issues = m.validateStartCopyJobInput({});
    console.log(JSON.stringify({ endpoint: client.endpoint, issues: issues.length }));
  `);
  assert.ok(run.success, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout), {
    endpoint: "https://backup.eu-central-1.amazonaws.com",
    issues: 4,
  });
});

Deno.test("the permission-less child does fail on environment access (control)", async () => {
  const run = await runWithoutPermissions(`console.log(Deno.env.get("HOME"));`);
  assert.equal(run.success, false);
  assert.match(run.stderr, /NotCapable|PermissionDenied|Requires env access/);
});
