/**
 * `npx -y deno@2.9.6 task demo` exactly as the README shows it: the single copy, then the seeded
 * vault copied with progress, one copy failing, and the report.
 */

import assert from "node:assert/strict";

Deno.test("deno task demo: one copy job, then a whole vault with progress and a report", async () => {
  const output = await new Deno.Command("npx", {
    args: ["-y", "deno@2.9.6", "task", "demo"],
    cwd: new URL("../", import.meta.url).pathname,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(output.stdout);
  const stderr = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 0, stderr);
  assert.match(stdout, /Final job:\n\{[\s\S]*"State": "COMPLETED"/);
  // Piped, each poll is a line of its own (a terminal gets one line rewritten with \r).
  assert.match(stdout, /^ {2}poll 1: \w+ +after \d+\.\d s$/m);
  assert.doesNotMatch(stdout, /\r/);
  assert.match(stdout, /Copying vault prod \(6 recovery points\)/);
  assert.match(
    stderr,
    /^started .*prod-0001-orders job [0-9A-F-]{36} \(started\)$/m,
  );
  assert.match(
    stderr,
    /^failed .*prod-0004-shared-home FAILED job .*: Access denied/m,
  );
  assert.match(
    stdout,
    /^SKIPPED +prod-0000-old-logs +S3 +STATUS: status EXPIRED cannot be copied$/m,
  );
  assert.match(
    stdout,
    /Run demo-nightly: 6 found, 5 selected, 1 skipped; 4 completed \(0 already copied\), 0 partial, 1 failed, 0 unfinished\./,
  );
  assert.match(stdout, /copy-vault exit code 1/);
});
