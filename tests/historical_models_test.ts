// Every pinned revision of the AWS Backup model: a client is generated from each of the 24 and
// all of them are type-checked in one `deno check`; what changed for StartCopyJob callers across
// the revisions is checked, in the IR and in the generated code, against EXPECTED below. When
// BACKUP_EDGE_SHARED is set, EXPECTED is itself checked against the models' README table
// (2022-04-04 … 2025-08-21) and index.json's `startCopyJob` entry (2026-04-08). The models come
// from BACKUP_EDGE_SHARED, .cache/models/ or their pinned URLs; without any, the tests are skipped
// with the reason printed.

import assert from "node:assert/strict";
import type { Service, StructureShape } from "../codegen/ir.ts";
import { loadService } from "../codegen/loader.ts";
import { loadModelSource, MODEL_PINS, SHARED_SETTING } from "../codegen/model_source.ts";
import { type GeneratedClient, generateInto } from "../testing/generate_into.ts";
import { withModels } from "../testing/third_party.ts";

const REPO = new URL("../", import.meta.url);
const NS = "com.amazonaws.backup#";

/** What StartCopyJob callers see in one revision. */
interface Row {
  date: string;
  smithy: string;
  operations: number;
  lifecycle: string[];
  output: string[];
  tokenAutoFilled: boolean;
}

const LIFECYCLE_2022 = ["MoveToColdStorageAfterDays", "DeleteAfterDays"];
const LIFECYCLE_2023_11 = [...LIFECYCLE_2022, "OptInToArchiveForSupportedResources"];
const LIFECYCLE_2026 = [...LIFECYCLE_2023_11, "DeleteAfterEvent"];
const OUTPUT_2022 = ["CopyJobId", "CreationDate"];
const OUTPUT_2022_12 = [...OUTPUT_2022, "IsParent"];

/** Expected StartCopyJob facts of every pinned revision, oldest first. */
const EXPECTED: Row[] = ([
  ["2022-04-04", "1.0", 66, LIFECYCLE_2022, OUTPUT_2022, false],
  ["2022-06-02", "1.0", 66, LIFECYCLE_2022, OUTPUT_2022, false],
  ["2022-07-14", "1.0", 66, LIFECYCLE_2022, OUTPUT_2022, false],
  ["2022-10-13", "2.0", 66, LIFECYCLE_2022, OUTPUT_2022, false],
  ["2022-11-03", "2.0", 66, LIFECYCLE_2022, OUTPUT_2022, false],
  ["2022-12-15", "2.0", 72, LIFECYCLE_2022, OUTPUT_2022_12, false],
  ["2023-01-27", "2.0", 72, LIFECYCLE_2022, OUTPUT_2022_12, false],
  ["2023-02-09", "2.0", 72, LIFECYCLE_2022, OUTPUT_2022_12, false],
  ["2023-04-06", "2.0", 72, LIFECYCLE_2022, OUTPUT_2022_12, false],
  ["2023-05-25", "2.0", 72, LIFECYCLE_2022, OUTPUT_2022_12, false],
  ["2023-08-11", "2.0", 74, LIFECYCLE_2022, OUTPUT_2022_12, false],
  ["2023-08-24", "2.0", 74, LIFECYCLE_2022, OUTPUT_2022_12, false],
  ["2023-08-31", "2.0", 74, LIFECYCLE_2022, OUTPUT_2022_12, false],
  ["2023-10-26", "2.0", 74, LIFECYCLE_2022, OUTPUT_2022_12, false],
  ["2023-11-14", "2.0", 77, LIFECYCLE_2022, OUTPUT_2022_12, false],
  ["2023-11-27", "2.0", 91, LIFECYCLE_2023_11, OUTPUT_2022_12, false],
  ["2023-12-06", "2.0", 91, LIFECYCLE_2023_11, OUTPUT_2022_12, false],
  ["2024-03-15", "2.0", 91, LIFECYCLE_2023_11, OUTPUT_2022_12, false],
  ["2024-08-30", "2.0", 91, LIFECYCLE_2023_11, OUTPUT_2022_12, false],
  ["2024-12-18", "2.0", 94, LIFECYCLE_2023_11, OUTPUT_2022_12, false],
  ["2025-06-02", "2.0", 94, LIFECYCLE_2023_11, OUTPUT_2022_12, false],
  ["2025-06-17", "2.0", 99, LIFECYCLE_2023_11, OUTPUT_2022_12, true],
  ["2025-08-21", "2.0", 99, LIFECYCLE_2023_11, OUTPUT_2022_12, true],
  ["2026-04-08", "2.0", 108, LIFECYCLE_2026, OUTPUT_2022_12, true],
] as const).map(([date, smithy, operations, lifecycle, output, tokenAutoFilled]) => ({
  date,
  smithy,
  operations,
  lifecycle: [...lifecycle],
  output: [...output],
  tokenAutoFilled,
}));

/** The last revision the shared README's table covers; later ones are in index.json only. */
const README_TABLE_ENDS = "2025-08-21";

const SHARED = Deno.env.get(SHARED_SETTING)?.replace(/\/$/, "");

/** A test of the shared folder's own description of the models; skipped without it. */
function sharedTest(name: string, fn: (shared: string) => Promise<void>): void {
  if (!SHARED) {
    console.log(`skipped "${name}": ${SHARED_SETTING} is not set`);
    Deno.test({ name: `${name} (skipped: ${SHARED_SETTING} unset)`, ignore: true, fn() {} });
  } else Deno.test(name, () => fn(SHARED));
}

/** The rows of the table "How StartCopyJob changed across the revisions" in models/README.md. */
async function readmeTable(shared: string): Promise<Row[]> {
  const readme = await Deno.readTextFile(`${shared}/models/README.md`);
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

Deno.test("the expectations cover every pinned revision", () => {
  assert.deepEqual(
    EXPECTED.map((r) => [r.date, r.smithy]),
    MODEL_PINS.map((p) => [p.date, p.smithy]),
  );
  assert.equal(EXPECTED.length, 24);
  assert.equal(EXPECTED[0].operations, 66);
  assert.equal(EXPECTED.at(-1)!.operations, 108);
});

sharedTest(
  "the shared README table agrees with the expectations up to 2025-08-21",
  async (shared) => {
    assert.deepEqual(
      await readmeTable(shared),
      EXPECTED.filter((r) => r.date <= README_TABLE_ENDS),
    );
  },
);

sharedTest(
  "index.json's startCopyJob entry of 2026-04-08 agrees with the expectations",
  async (shared) => {
    const index = JSON.parse(await Deno.readTextFile(`${shared}/models/backup/index.json`));
    const entry = index.revisions.find((r: { date: string }) => r.date === "2026-04-08");
    assert.ok(entry, "index.json lists 2026-04-08");
    const pin = MODEL_PINS.find((p) => p.date === "2026-04-08")!;
    assert.equal(entry.sha256, pin.sha256);
    assert.equal(entry.upstream, pin.url);
    const row = EXPECTED.find((r) => r.date === "2026-04-08")!;
    assert.deepEqual(
      {
        date: entry.date,
        smithy: entry.smithy,
        operations: entry.operations,
        lifecycle: entry.startCopyJob.lifecycleMembers,
        output: entry.startCopyJob.outputMembers,
        tokenAutoFilled: entry.startCopyJob.idempotencyTokenAutoFill,
      },
      row,
    );
  },
);

withModels.test("StartCopyJob across revisions, in the IR, matches the expectations", async () => {
  for (const row of EXPECTED) {
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
  // The four changes arrive where expected.
  const first = (has: (row: Row) => boolean) => EXPECTED.find(has)?.date;
  assert.equal(
    first((r) => r.lifecycle.includes("OptInToArchiveForSupportedResources")),
    "2023-11-27",
  );
  assert.equal(first((r) => r.output.includes("IsParent")), "2022-12-15");
  assert.equal(first((r) => r.tokenAutoFilled), "2025-06-17");
  assert.equal(first((r) => r.lifecycle.includes("DeleteAfterEvent")), "2026-04-08");
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
/** StartCopyJob's token is filled when absent: its schema marks the member for the serializer. */
const TOKEN_FILL = /IdempotencyToken: \{[^}]*idempotencyToken: true/;

withModels.test(
  "a client generated from every revision type-checks and shows the expected changes",
  async () => {
    const table = EXPECTED;
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
      for (const member of LIFECYCLE_2026) {
        const declared = new RegExp(`\\b${member}\\?: `).test(lifecycle);
        assert.equal(declared, row.lifecycle.includes(member), `${at}: Lifecycle.${member}`);
      }
      const input = declaration(
        files.get("schemas.ts")!,
        "export const StartCopyJobInputSchema:",
      );
      assert.equal(TOKEN_FILL.test(input), row.tokenAutoFilled, at);
      const operations = files.get("operations.ts")!;
      const { service } = await revision(row.date);
      const exported = service.operations.filter((op) =>
        operations.includes(`export function ${lowerCamel(op.name)}(`)
      );
      assert.equal(exported.length, row.operations, at);
    }
    // The changes, spelled out.
    const files = (date: string) => clients.find((c) => c.row.date === date)!.files;
    assert.doesNotMatch(
      declaration(files("2022-04-04").get("types.ts")!, "export interface StartCopyJobOutput "),
      /IsParent/,
    );
    assert.match(
      declaration(files("2022-12-15").get("types.ts")!, "export interface StartCopyJobOutput "),
      /IsParent: boolean;/,
    );
    const input = (date: string) =>
      declaration(files(date).get("schemas.ts")!, "export const StartCopyJobInputSchema:");
    assert.match(input("2025-06-17"), TOKEN_FILL);
    assert.doesNotMatch(input("2025-06-02"), /idempotencyToken/);

    assert.match(
      declaration(files("2026-04-08").get("types.ts")!, "export interface Lifecycle "),
      /DeleteAfterEvent\?: LifecycleDeleteAfterEvent \| undefined;/,
    );

    await Promise.all(clients.map(({ root }) => Deno.remove(root, { recursive: true })));
  },
);
