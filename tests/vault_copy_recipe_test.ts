/**
 * docs/vault-copy.md's "Verify locally, against the emulator", run as printed: the emulator from
 * its command (a free port for the 8080 it prints), the variables it exports and nothing else from
 * this environment, then the copy and `copy-vault --verify --read-destination`, each exit 0, the
 * verification reading the destination vault and finding the copy. Deno 2.9.6 (the binary running
 * the tests) stands in for `npx -y deno@2.9.6`.
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { readDocs, section } from "../testing/docs.ts";
import { denoOwnEnv, exportedVariables, freePort, shellCommands } from "../testing/recipes.ts";

const REPO = fileURLToPath(new URL("../", import.meta.url));
const NPX_DENO = "npx -y deno@2.9.6 ";
const decoder = new TextDecoder();

Deno.test("docs/vault-copy.md: the local copy-vault --verify --read-destination recipe runs as printed", async () => {
  const recipe = section(await readDocs(), "Verify locally, against the emulator").text;
  const commands = shellCommands(recipe);
  assert.equal(commands.length, 4, commands.join("\n"));
  const [emulatorLine, exportLine, copyLine, verifyLine] = commands;
  assert.match(emulatorLine, /^npx -y deno@2\.9\.6 task emulator -- .*--port 8080/);
  assert.match(exportLine, /^export /);
  assert.match(copyLine, /^npx -y deno@2\.9\.6 task copy-vault -- /);
  assert.match(verifyLine, /^npx -y deno@2\.9\.6 task copy-vault -- --verify --read-destination /);
  const port = String(freePort());
  const argv = (line: string) => {
    assert.ok(line.startsWith(NPX_DENO), line);
    return line.slice(NPX_DENO.length).split(" ").map((arg) => arg.replace(/\b8080\b/, port));
  };
  const env = { ...denoOwnEnv(), NO_COLOR: "1", ...exportedVariables(exportLine) };

  const emulator = new Deno.Command(Deno.execPath(), {
    args: argv(emulatorLine),
    cwd: REPO,
    clearEnv: true,
    env: denoOwnEnv(),
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const lines = emulator.stdout.pipeThrough(new TextDecoderStream()).getReader();
  try {
    // A bound, not a measurement: until the emulator says it listens.
    let banner = "";
    const deadline = setTimeout(() => emulator.kill("SIGTERM"), 30_000);
    while (!banner.includes(`listening on http://127.0.0.1:${port}`)) {
      const { done, value } = await lines.read();
      assert.ok(!done, `the emulator did not start:\n${banner}`);
      banner += value;
    }
    clearTimeout(deadline);
    const runs = [];
    for (const line of [copyLine, verifyLine]) {
      const output = await new Deno.Command(Deno.execPath(), {
        args: argv(line),
        cwd: REPO,
        clearEnv: true,
        env,
        stdin: "null",
      }).output();
      const [stdout, stderr] = [decoder.decode(output.stdout), decoder.decode(output.stderr)];
      assert.equal(output.code, 0, `${line}\n${stdout}\n${stderr}`);
      runs.push({ stdout, stderr });
    }
    const [copy, verify] = runs;
    assert.match(copy.stdout, /^COMPLETED +\S+ +DynamoDB /m);
    assert.match(verify.stdout, /^COMPLETED +\S+ +DynamoDB +\S+ +copied by job /m);
    assert.match(
      verify.stdout,
      /^OK: every selected recovery point \(1\) has a completed copy\.$/m,
    );
    // --read-destination: the destination vault is read, not only the copy jobs.
    assert.match(verify.stderr, /^listed .*\(copy jobs and the destination vault\)$/m);
  } finally {
    emulator.kill("SIGTERM");
    await emulator.status;
    await lines.cancel();
  }
});
