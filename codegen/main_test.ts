// `deno task codegen` as users run it, offline: one-line errors with exit 2, `--out` anywhere
// writes a client that type-checks there, and rewriting generated/ finishes (saying why there is
// no change report) when the model the current files came from cannot be found or downloaded.
// Needs no third-party data.

import assert from "node:assert/strict";
import { invocationPath, runtimeImportFor } from "./main.ts";
import { copyCheckout, denoTask } from "../testing/checkout_copy.ts";
import { typeCheck } from "../testing/generate_into.ts";
import { tinyModel } from "../testing/tiny_model.ts";

const REPO = new URL("../", import.meta.url);

/** Environment of a machine without the shared folder and without network. */
const OFFLINE = { BACKUP_EDGE_SHARED: "", BACKUP_EDGE_OFFLINE: "1" };

Deno.test("codegen errors are one line on stderr and exit 2", async () => {
  const dir = await Deno.makeTempDir({ prefix: "codegen-errors-" });
  try {
    const write = async (name: string, text: string) => {
      await Deno.writeTextFile(`${dir}/${name}`, text);
      return `${dir}/${name}`;
    };
    const notRestJson = tinyModel({ traits: { "aws.protocols#awsJson1_0": {} } });
    const cases: [string[], RegExp][] = [
      [["--model", `${dir}/missing.json`], /^error: Model file \S+missing\.json does not exist$/],
      [["--model", await write("bad.json", '{"smithy": ')], /^error: \S+bad\.json is not JSON \(/],
      [
        ["--model", await write("html.json", '"<html>"')],
        /^error: \S+html\.json is not a Smithy JSON AST model/,
      ],
      [
        ["--model", await write("json10.json", JSON.stringify(notRestJson))],
        /^error: \S+json10\.json: service example\.tiny#Tiny does not use restJson1 /,
      ],
      [
        ["--model", await write("tiny.json", JSON.stringify(tinyModel())), "--service", "a#B"],
        /^error: \S+tiny\.json is not the same service: it defines example\.tiny#Tiny, not a#B$/,
      ],
      [
        ["--model", `${dir}/tiny.json`, "--operations", "Nope"],
        /^error: Unknown operations: Nope$/,
      ],
      [["--no-such-option"], /^error: Unknown option '--no-such-option'/],
      [["--diff", `${dir}/bad.json`, `${dir}/tiny.json`], /^error: \S+bad\.json is not JSON \(/],
      [["--model", "1999-01-01"], /^error: No pinned model revision 1999-01-01; known: 2022-04-04/],
    ];
    for (const [args, pattern] of cases) {
      const run = await denoTask(REPO, ["codegen", ...args, "--out", `${dir}/out`], OFFLINE);
      assert.equal(run.code, 2, `${args.join(" ")}: ${run.stdout}${run.stderr}`);
      assert.match(run.stderr.trimEnd(), pattern);
      assert.equal(run.stderr.trimEnd().split("\n").length, 1, run.stderr);
    }
    await assert.rejects(Deno.stat(`${dir}/out`), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--out anywhere writes a client that imports this checkout's runtime and type-checks", async () => {
  const dir = await Deno.makeTempDir({ prefix: "codegen-out-" });
  try {
    const model = `${dir}/tiny.json`;
    await Deno.writeTextFile(model, JSON.stringify(tinyModel()));
    const out = `${dir}/deep/client`;
    const run = await denoTask(REPO, ["codegen", "--model", model, "--out", out], OFFLINE);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const runtime = runtimeImportFor(new URL(`file://${out}/`));
    assert.ok(runtime.endsWith("/runtime/") && runtime.startsWith("../"), runtime);
    const client = await Deno.readTextFile(`${out}/client.ts`);
    assert.match(client, new RegExp(`from "${runtime.replaceAll(".", "\\.")}client\\.ts"`));
    assert.doesNotMatch(client, /"\.\.\/runtime\//);
    const files = [...Deno.readDirSync(out)].map((e) => new URL(`file://${out}/${e.name}`));
    const check = await typeCheck(files);
    assert.ok(check.ok, check.output);
    assert.equal(runtimeImportFor(new URL("generated/", REPO)), "../runtime/");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("rewriting generated/ offline finishes and says why there is no change report", async () => {
  const root = await copyCheckout("codegen-offline-");
  try {
    const model = new URL("tiny.json", root).pathname;
    await Deno.writeTextFile(model, JSON.stringify(tinyModel()));
    const run = await denoTask(root, ["codegen", "--model", model], OFFLINE);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /^Generated 13 files from \S+tiny\.json/m);
    assert.match(
      run.stdout,
      /^No change report: the model the files came from \(\d{4}-\d{2}-\d{2}\) is not available: Not downloading https:\/\/\S+: BACKUP_EDGE_OFFLINE=1 /m,
    );
    const types = await Deno.readTextFile(new URL("generated/types.ts", root));
    assert.match(types, /of example\.tiny#Tiny/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("paths on the command line are relative to where deno task was run (INIT_CWD)", () => {
  const before = Deno.env.get("INIT_CWD");
  try {
    Deno.env.set("INIT_CWD", "/home/user/project/sub");
    assert.equal(invocationPath("../model.json"), "/home/user/project/model.json");
    assert.equal(invocationPath("out"), "/home/user/project/sub/out");
    assert.equal(invocationPath("/abs/model.json"), "/abs/model.json");
    assert.equal(invocationPath("2025-08-21"), "2025-08-21");
    assert.equal(invocationPath("https://example.com/m.json"), "https://example.com/m.json");
  } finally {
    if (before === undefined) Deno.env.delete("INIT_CWD");
    else Deno.env.set("INIT_CWD", before);
  }
});
