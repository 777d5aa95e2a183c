/**
 * `npx -y deno@2.9.6 task demo:events` exactly as the README shows it: a backup completes, its
 * event is delivered twice, one copy job is made; 401 without the key; the sweep finds nothing
 * missing.
 */

import assert from "node:assert/strict";

Deno.test("deno task demo:events: the event arrives twice, one copy is made", async () => {
  const output = await new Deno.Command("npx", {
    args: ["-y", "deno@2.9.6", "task", "demo:events"],
    cwd: new URL("../", import.meta.url).pathname,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(output.stdout);
  const stderr = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 0, stderr);
  assert.match(stdout, /^Backup job [0-9A-F-]{36} started: .*table\/orders → vault Default$/m);
  const [, first] =
    /^ {2}delivery 1: HTTP 200, copy started: copy job ([0-9A-F-]{36})$/m.exec(stdout) ??
      [];
  assert.ok(first, stdout);
  assert.match(
    stdout,
    new RegExp(`^ {2}delivery 2: HTTP 200, copy (in-progress|existing): copy job ${first}$`, "m"),
  );
  assert.doesNotMatch(stdout, /delivery 3/);
  assert.match(stdout, /^The same event without the connection's API key: HTTP 401$/m);
  assert.match(stdout, /^Sweep of the last 3 days: 0 started, 1 already copied$/m);
  assert.match(stdout, /^Copy jobs in the emulator: 1$/m);
  assert.match(stdout, new RegExp(`^ {2}${first} COMPLETED: `, "m"));
  assert.ok(!stdout.includes("demo-connection-key"), "the key is never printed");
});
