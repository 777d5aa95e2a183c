// The test command on a machine without the shared folder and without network: tests that need
// the third-party models skip with the reason printed, and nothing fails. Runs two of them the
// way the README's test command does, with BACKUP_EDGE_SHARED unset and downloads forbidden.

import assert from "node:assert/strict";
import { LATEST_MODEL_DATE } from "../codegen/model_source.ts";

const REPO = new URL("../", import.meta.url);

Deno.test("offline without BACKUP_EDGE_SHARED: model tests skip with a reason, none fail", async () => {
  const cached = await Deno.stat(new URL(`.cache/models/backup-${LATEST_MODEL_DATE}.json`, REPO))
    .then(() => true, () => false);
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "test",
      "--allow-all",
      "--no-check",
      "tests/historical_models_test.ts",
      "tests/paginators_test.ts",
    ],
    cwd: REPO.pathname,
    env: { BACKUP_EDGE_SHARED: "", BACKUP_EDGE_OFFLINE: "1", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const out = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
  assert.equal(code, 0, out);
  assert.match(out, /\| 0 failed/);
  assert.match(out, /skipped "the shared README table agrees[^"]*": BACKUP_EDGE_SHARED is not set/);
  if (cached) {
    console.log(`  .cache/models/ holds ${LATEST_MODEL_DATE}: the model tests ran offline`);
    return;
  }
  assert.match(
    out,
    /skipped "a client generated from every revision[^"]*": the AWS Backup models are unavailable: Not downloading https:\/\/\S+: BACKUP_EDGE_OFFLINE=1/,
  );
  assert.match(out, /skipped "one paginator per @paginated operation[^"]*": the AWS Backup models/);
  assert.match(out, /\| \d+ passed \| 0 failed \| 5 ignored/);
});
