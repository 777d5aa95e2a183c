/**
 * Generated code is the same on every machine and locale: the comparisons in `order.ts`, and
 * `deno task codegen --check` (and the loader's operation order) under Turkish and Swedish
 * locales, which Deno's `localeCompare` follows through `LC_ALL`.
 */

import assert from "node:assert/strict";
import { loadService } from "./loader.ts";
import { byName, compareCodeUnits, compareNames } from "./order.ts";
import { withModels } from "../testing/third_party.ts";

const ROOT = new URL("../", import.meta.url);
const LOCALES = ["tr_TR.UTF-8", "sv_SE.UTF-8"];

/** Operation names whose order differs between Turkish collation and the root collation. */
const OPERATIONS = ["Listings", "ListBackupJobSummaries", "ListItems", "ListBackupJobs"];

/** A restJson1-shaped model with one service and the {@linkcode OPERATIONS}. */
const MODEL = {
  smithy: "2.0",
  shapes: {
    "example#Service": {
      type: "service",
      version: "2020-01-01",
      operations: OPERATIONS.map((name) => ({ target: `example#${name}` })),
    },
    ...Object.fromEntries(OPERATIONS.map((name, i) => [`example#${name}`, {
      type: "operation",
      traits: { "smithy.api#http": { method: "GET", uri: `/${i}` } },
    }])),
  },
};

async function run(args: string[], locale: string): Promise<{ code: number; out: string }> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT.pathname,
    env: { LC_ALL: locale, LANG: locale },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code, out: decode(stdout) + decode(stderr) };
}

Deno.test("compareCodeUnits and byName order by UTF-16 code units", () => {
  assert.deepEqual(["b", "B", "a", "_", "A", "é"].sort(compareCodeUnits), [
    "A",
    "B",
    "_",
    "a",
    "b",
    "é",
  ]);
  const shapes = [{ name: "b" }, { name: "Z" }, { name: "a" }];
  assert.deepEqual(shapes.sort(byName).map((s) => s.name), ["Z", "a", "b"]);
});

Deno.test("compareNames: case-folded code units, then code units", () => {
  assert.deepEqual([...OPERATIONS].sort(compareNames), [
    "ListBackupJobs",
    "ListBackupJobSummaries",
    "Listings",
    "ListItems",
  ]);
  assert.deepEqual(["b", "B", "a", "A"].sort(compareNames), ["A", "a", "B", "b"]);
});

for (const locale of LOCALES) {
  Deno.test(`${locale}: the locale reaches Deno's collation (this test can fail)`, async () => {
    const { code, out } = await run(
      ["eval", "console.log(new Intl.Collator().resolvedOptions().locale)"],
      locale,
    );
    assert.equal(code, 0, out);
    assert.equal(out.trim(), locale.slice(0, 5).replace("_", "-"));
  });

  Deno.test(`${locale}: the loader orders operations as in any other locale`, async () => {
    const script = `import { loadService } from ${
      JSON.stringify(new URL("loader.ts", import.meta.url).href)
    };
      const service = loadService(${JSON.stringify(JSON.stringify(MODEL))});
      console.log(JSON.stringify(service.operations.map((op) => op.name)));`;
    const { code, out } = await run(["eval", script], locale);
    assert.equal(code, 0, out);
    const here = loadService(JSON.stringify(MODEL)).operations.map((op) => op.name);
    assert.deepEqual(JSON.parse(out), here);
  });

  withModels.test(`${locale}: deno task codegen --check passes`, async () => {
    const { code, out } = await run(["task", "codegen", "--check"], locale);
    assert.equal(code, 0, out);
    assert.match(out, /generated\/ matches the model/);
  });
}

Deno.test("tr_TR collation would reorder these operations (why the loader avoids it)", async () => {
  const script = `console.log(JSON.stringify(${
    JSON.stringify(OPERATIONS)
  }.sort((a, b) => a.localeCompare(b))));`;
  const turkish = JSON.parse((await run(["eval", script], "tr_TR.UTF-8")).out);
  const root = JSON.parse((await run(["eval", script], "C.UTF-8")).out);
  assert.notDeepEqual(turkish, root);
  assert.deepEqual(root, [...OPERATIONS].sort(compareNames));
});
