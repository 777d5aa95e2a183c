// Every pinned revision of the AWS Backup model: a client is generated from each of the 23 and
// all of them are type-checked in one `deno check`; then what changed for StartCopyJob callers
// across the revisions is checked, in the IR and in the generated code, against the table in
// the models' README. Needs BACKUP_EDGE_SHARED (the folder holding models/).

import assert from "node:assert/strict";
import type { Service, StructureShape } from "../codegen/ir.ts";
import { loadService } from "../codegen/loader.ts";
import { loadModelSource, MODEL_PINS, SHARED_SETTING } from "../codegen/model_source.ts";
import { type GeneratedClient, generateInto } from "../testing/generate_into.ts";

const REPO = new URL("../", import.meta.url);
const NS = "com.amazonaws.backup#";

/** One row of the README table "How StartCopyJob changed across the revisions". */
interface Row {
  date: string;
  smithy: string;
  operations: number;
  lifecycle: string[];
  output: string[];
  tokenAutoFilled: boolean;
}

async function readmeTable(): Promise<Row[]> {
  const shared = Deno.env.get(SHARED_SETTING);
  if (!shared) throw new Error(`Set ${SHARED_SETTING} to the folder holding models/`);
  const readme = await Deno.readTextFile(`${shared.replace(/\/$/, "")}/models/README.md`);
  const list = (cell: string) => cell.split(",").map((s) => s.trim());
  return readme.split("\n").filter((line) => /^\| \d{4}-\d{2}-\d{2} \|/.test(line)).map((line) => {
    const [date, smithy, operations, lifecycle, output, token] = line.split("|").slice(1, 7)
      .map((cell) => cell.trim());
    assert.match(token, /^(no|yes \(@idempotencyToken\))$/, line);
    return {
      date,
      smithy,
      operations: Number(operations),
      lifecycle: list(lifecycle),
      output: list(output),
      tokenAutoFilled: token.startsWith("yes"),
    };
  });
}

const revisions = new Map<string, Promise<{ text: string; service: Service }>>();
function revision(date: string): Promise<{ text: string; service: Service }> {
  if (!revisions.has(date)) {
    revisions.set(
      date,
      loadModelSource(date).then(({ text }) => ({ text, service: loadService(text) })),
    );
  }
  return revisions.get(date)!;
}

function structure(service: Service, name: string): StructureShape {
  const shape = service.shapes.get(NS + name);
  assert.ok(shape?.kind === "structure", `${name} is a structure`);
  return shape;
}

Deno.test("the README table lists every pinned revision", async () => {
  const table = await readmeTable();
  assert.deepEqual(
    table.map((r) => [r.date, r.smithy]),
    MODEL_PINS.map((p) => [p.date, p.smithy]),
  );
  assert.equal(table.length, 23);
  assert.equal(table[0].operations, 66);
  assert.equal(table.at(-1)!.operations, 99);
});

Deno.test("StartCopyJob across revisions, in the IR, matches the README table", async () => {
  const table = await readmeTable();
  for (const row of table) {
    const { service } = await revision(row.date);
    const at = `revision ${row.date}`;
    assert.equal(service.smithyVersion, row.smithy, at);
    assert.equal(service.operations.length, row.operations, at);
    assert.deepEqual(structure(service, "Lifecycle").members.map((m) => m.name), row.lifecycle, at);
    assert.deepEqual(
      structure(service, "StartCopyJobOutput").members.map((m) => m.name),
      row.output,
      at,
    );
    const token = structure(service, "StartCopyJobInput").members
      .find((m) => m.name === "IdempotencyToken");
    assert.ok(token, at);
    assert.equal(token.idempotencyToken, row.tokenAutoFilled, at);
  }
  // The three changes arrive where the README says.
  const first = (has: (row: Row) => boolean) => table.find(has)?.date;
  assert.equal(
    first((r) => r.lifecycle.includes("OptInToArchiveForSupportedResources")),
    "2023-11-27",
  );
  assert.equal(first((r) => r.output.includes("IsParent")), "2022-12-15");
  assert.equal(first((r) => r.tokenAutoFilled), "2025-06-17");
});

/**
 * Type-checks many files in one `deno check`. `--no-config`: deno.json excludes `tests/.out/`,
 * and `deno check` silently skips excluded files, even when named; the generated code and the
 * runtime need no import map.
 */
async function typeCheckAll(files: URL[]): Promise<{ ok: boolean; output: string }> {
  const { success, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["check", "--no-config", "--quiet", ...files.map((f) => f.pathname)],
    cwd: REPO.pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { ok: success, output: decode(stdout) + decode(stderr) };
}

/** The text of `export <kind> <name>` up to the next top-level `export`. */
function declaration(text: string, head: string): string {
  const start = text.indexOf(head);
  assert.ok(start >= 0, `${head} is generated`);
  const end = text.indexOf("\nexport ", start + head.length);
  return text.slice(start, end < 0 ? undefined : end);
}

const lowerCamel = (name: string) => name[0].toLowerCase() + name.slice(1);
const TOKEN_FILL = /input\.IdempotencyToken\s*\?\?=\s*context\.idempotencyToken\(\)/;

Deno.test({
  name: "a client generated from every revision type-checks and shows the README's changes",
  fn: async () => {
    const table = await readmeTable();
    const started = performance.now();
    const clients: ({ row: Row } & GeneratedClient)[] = [];
    for (const row of table) {
      const { text } = await revision(row.date);
      clients.push({ row, ...await generateInto(`historical-${row.date}`, text) });
    }
    const generatedMs = performance.now() - started;

    // The check must really check: a type error in tests/.out/ is found.
    const canary = new URL("canary.ts", clients[0].root);
    await Deno.writeTextFile(canary, 'export const n: number = "not a number";\n');
    const broken = await typeCheckAll([canary]);
    assert.ok(!broken.ok && broken.output.includes("TS2322"), broken.output);
    await Deno.remove(canary);

    const checkStarted = performance.now();
    const roots = clients.flatMap(({ generated, files }) =>
      [...files.keys()].map((name) => new URL(name, generated))
    );
    const check = await typeCheckAll(roots);
    const checkMs = performance.now() - checkStarted;
    assert.ok(check.ok, check.output);
    console.log(
      `  ${clients.length} clients (${roots.length} files): generated in ` +
        `${(generatedMs / 1000).toFixed(1)} s, type-checked in ${(checkMs / 1000).toFixed(1)} s`,
    );

    for (const { row, files } of clients) {
      const at = `revision ${row.date}`;
      const types = files.get("types.ts")!;
      const output = declaration(types, "export interface StartCopyJobOutput ");
      const lifecycle = declaration(types, "export interface Lifecycle ");
      assert.equal(/\bIsParent\b/.test(output), row.output.includes("IsParent"), at);
      assert.equal(
        /\bOptInToArchiveForSupportedResources\b/.test(lifecycle),
        row.lifecycle.includes("OptInToArchiveForSupportedResources"),
        at,
      );
      const serializer = declaration(
        files.get("serializers.ts")!,
        "export function serializeStartCopyJobRequest(",
      );
      assert.equal(TOKEN_FILL.test(serializer), row.tokenAutoFilled, at);
      const operations = files.get("operations.ts")!;
      const { service } = await revision(row.date);
      const exported = service.operations.filter((op) =>
        operations.includes(`export function ${lowerCamel(op.name)}(`)
      );
      assert.equal(exported.length, row.operations, at);
    }
    // The cases the README calls out, spelled out.
    const files = (date: string) => clients.find((c) => c.row.date === date)!.files;
    assert.doesNotMatch(
      declaration(files("2022-04-04").get("types.ts")!, "export interface StartCopyJobOutput "),
      /IsParent/,
    );
    assert.match(
      declaration(files("2022-12-15").get("types.ts")!, "export interface StartCopyJobOutput "),
      /IsParent: boolean;/,
    );
    const serializer = (date: string) =>
      declaration(
        files(date).get("serializers.ts")!,
        "export function serializeStartCopyJobRequest(",
      );
    assert.match(serializer("2025-06-17"), TOKEN_FILL);
    assert.doesNotMatch(serializer("2025-06-02"), /idempotencyToken\(\)/);

    await Promise.all(clients.map(({ root }) => Deno.remove(root, { recursive: true })));
  },
});
