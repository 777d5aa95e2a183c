// Nothing at test time downloads from anywhere but the npm registry. The test helper that reads
// third-party data (testing/third_party.ts) forbids model downloads for the test process and the
// processes it starts; every test that reads a model or runs codegen goes through it; and on a
// machine without the shared folder, the model tests skip with the reason printed — naming
// BACKUP_EDGE_SHARED — without trying any download, and nothing fails.

import assert from "node:assert/strict";
import {
  download,
  findPin,
  LATEST_MODEL_DATE,
  ModelUnavailableError,
  OFFLINE_SETTING,
} from "../codegen/model_source.ts";
import { MODELS_UNAVAILABLE } from "../testing/third_party.ts";

const REPO = new URL("../", import.meta.url);
const decoder = new TextDecoder();

Deno.test("the test helpers forbid model downloads: nothing is fetched from another machine", async () => {
  assert.equal(Deno.env.get(OFFLINE_SETTING), "1", "set by importing testing/third_party.ts");
  const real = globalThis.fetch;
  const fetched: string[] = [];
  globalThis.fetch = ((input: string | URL | Request, init?: RequestInit) => {
    fetched.push(String(input instanceof Request ? input.url : input));
    return real(input, init);
  }) as typeof fetch;
  try {
    await assert.rejects(
      download(findPin(LATEST_MODEL_DATE).url),
      (e) =>
        e instanceof ModelUnavailableError &&
        /^Not downloading https:\/\/\S+: BACKUP_EDGE_OFFLINE=1 \(set BACKUP_EDGE_SHARED /.test(
          e.message,
        ),
    );
    assert.deepEqual(fetched, [], "refused before any fetch");
    // This machine is not a download: a model served on loopback (as update_model_test does).
    await using server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      () => new Response("{}"),
    );
    const local = `http://127.0.0.1:${server.addr.port}/model.json`;
    assert.equal(decoder.decode(await download(local)), "{}");
    assert.deepEqual(fetched, [local]);
  } finally {
    globalThis.fetch = real;
  }
  if (MODELS_UNAVAILABLE) assert.match(MODELS_UNAVAILABLE, /BACKUP_EDGE_SHARED/);
});

/** Test and helper modules (tests/, testing/, codegen/, runtime/, jobs/, waiters/). */
async function* testModules(): AsyncGenerator<[string, string]> {
  for (const dir of ["tests", "testing", "codegen", "runtime", "jobs", "waiters"]) {
    const pending = [new URL(`${dir}/`, REPO)];
    while (pending.length) {
      const folder = pending.pop()!;
      for await (const entry of Deno.readDir(folder)) {
        if (entry.name.startsWith(".")) continue;
        const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), folder);
        if (entry.isDirectory) pending.push(url);
        else if (
          /\.ts$/.test(entry.name) &&
          (dir === "testing" || dir === "tests" || entry.name.endsWith("_test.ts"))
        ) {
          yield [url.href.slice(REPO.href.length), await Deno.readTextFile(url)];
        }
      }
    }
  }
}

Deno.test("every test that reads a model or runs codegen goes through testing/third_party.ts", async () => {
  const reads = /import \{[^}]*\b(loadModelSource|download)\b[^}]*\} from "[^"]*model_source\.ts"/;
  const runs = /["'](codegen|model:update)["']/;
  const unguarded: string[] = [];
  let checked = 0;
  for await (const [path, text] of testModules()) {
    if (path === "testing/third_party.ts" || !(reads.test(text) || runs.test(text))) continue;
    checked++;
    const guarded = /from "[^"]*testing\/third_party\.ts"/.test(text) ||
      /BACKUP_EDGE_OFFLINE: "1"/.test(text);
    if (!guarded) unguarded.push(path);
  }
  assert.ok(checked >= 8, `${checked} modules read models or run codegen`);
  assert.deepEqual(unguarded, []);
});

Deno.test("without BACKUP_EDGE_SHARED, as a new user runs them: model tests skip naming it, no download tried", async () => {
  const cached = await Deno.stat(new URL(`.cache/models/backup-${LATEST_MODEL_DATE}.json`, REPO))
    .then(() => true, () => false);
  // A fresh environment (no BACKUP_EDGE_OFFLINE either), and no network beyond this machine: a
  // download tried would fail as "Requires net access", which the output would show.
  const keep = ["HOME", "PATH", "DENO_DIR", "XDG_CACHE_HOME"];
  const env: Record<string, string> = { NO_COLOR: "1" };
  for (const name of keep) {
    const value = Deno.env.get(name);
    if (value !== undefined) env[name] = value;
  }
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "test",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-run",
      "--allow-sys",
      "--allow-net=127.0.0.1,localhost",
      "--no-check",
      "tests/historical_models_test.ts",
      "tests/paginators_test.ts",
      "codegen/diff_test.ts",
    ],
    cwd: REPO.pathname,
    clearEnv: true,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const out = decoder.decode(stdout) + decoder.decode(stderr);
  assert.equal(code, 0, out);
  assert.match(out, /\| 0 failed/);
  assert.doesNotMatch(out, /Could not download|Requires net access|NotCapable/);
  assert.match(out, /skipped "the shared README table agrees[^"]*": BACKUP_EDGE_SHARED is not set/);
  if (cached) {
    console.log(`  .cache/models/ holds ${LATEST_MODEL_DATE}: the model tests ran from it`);
    return;
  }
  const reason = "the AWS Backup models are unavailable: BACKUP_EDGE_SHARED is not set, and " +
    `.cache/models/ has no backup-${LATEST_MODEL_DATE}.json (tests never download; set ` +
    "BACKUP_EDGE_SHARED to the folder holding models/backup/)";
  for (
    const name of [
      "a client generated from every revision",
      "one paginator per @paginated operation",
      "every revision against itself is empty",
    ]
  ) {
    assert.ok(
      out.split("\n").some((line) => line.startsWith(`skipped "${name}`) && line.endsWith(reason)),
      `${name}: ${out}`,
    );
  }
});
