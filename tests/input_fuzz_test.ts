// Input fuzzing across every operation of the model, from a printed seed (FUZZ_SEED replays
// another): valid inputs are generated from generated/schemas.ts, then
// - mutated to break one rule at a known path (wrong types, required members, @length,
//   @range, @pattern with control characters, Smithy number widths, dot labels, huge and
//   lone-surrogate strings, Maps, class instances, inherited members, `__proto__`): each call
//   must reject with a ValidationError naming that path, and nothing may reach fetch;
// - sent as they are: each must reach fetch once, and what the serializer wrote must parse back
//   to the input (labels from the path, query parameters, JSON body), with the wire names and
//   URI templates taken from the model's IR.

import assert from "node:assert/strict";
import type { Operation, Service, StructureShape } from "../codegen/ir.ts";
import { loadService } from "../codegen/loader.ts";
import { loadModelSource } from "../codegen/model_source.ts";
import * as operations from "../generated/operations.ts";
import * as schemas from "../generated/schemas.ts";
import { BackupClient, ValidationError } from "../mod.ts";
import type { ScalarSchema, Schema, StructureSchema } from "../runtime/schema.ts";
import {
  DELETE,
  type Mutation,
  mutationsOf,
  put,
  Random,
  replaceAt,
  resolve,
  type Site,
  validValue,
} from "./support/schema_values.ts";
import { withProtoAccessor } from "../testing/proto_accessor.ts";

const SEED = Number(Deno.env.get("FUZZ_SEED") ?? 20261129);
const BASES_PER_OPERATION = 4;
const MUTATIONS_PER_BASE = 12;
const VALID_PER_OPERATION = 8;
console.log(`input fuzz: seed ${SEED} (FUZZ_SEED=<n> replays another)`);

type OperationFn = (client: BackupClient, input: unknown) => Promise<unknown>;

/** Every operation function with the schema of its input, in name order. */
const OPERATIONS = Object.entries(operations as unknown as Record<string, OperationFn>)
  .filter(([, fn]) => typeof fn === "function")
  .map(([name, fn]) => {
    const op = name[0].toUpperCase() + name.slice(1);
    const schema = (schemas as Record<string, unknown>)[`${op}InputSchema`] as
      | StructureSchema
      | undefined;
    return { op, fn, schema };
  })
  .filter((o): o is { op: string; fn: OperationFn; schema: StructureSchema } => !!o.schema)
  .sort((a, b) => a.op < b.op ? -1 : 1);

/** A client whose fetch counts the requests it gets and answers `{}`. */
function countingClient() {
  const requests: Request[] = [];
  const client = new BackupClient({
    region: "us-east-1",
    credentials: { accessKeyId: "AKIDFUZZ", secretAccessKey: "fuzz" },
    maxAttempts: 1,
    fetch: (request: Request) => {
      requests.push(request);
      return Promise.resolve(
        new Response("{}", { headers: { "content-type": "application/json" } }),
      );
    },
  });
  return { client, requests };
}

/** A valid input of `schema` and the sites it is made of, or undefined after 20 tries. */
function validInput(random: Random, schema: Schema) {
  for (let tries = 0; tries < 20; tries++) {
    const sites: Site[] = [];
    const input = validValue(random, schema, sites, { optional: 0.6 });
    if (input !== undefined) return { input, sites };
  }
  return undefined;
}

/** Does an issue name the path, or a place inside it? */
const names = (issuePath: string, path: string) =>
  issuePath === path ||
  (issuePath.startsWith(path) && /^[.[]/.test(issuePath.slice(path.length)) && path !== "") ||
  (path === "" && issuePath === "");

Deno.test("fuzz: invalid inputs are ValidationErrors naming the path, and nothing is sent", async () => {
  const random = new Random(SEED);
  const { client, requests } = countingClient();
  const failures: string[] = [];
  const kinds = new Map<string, number>();
  let calls = 0;
  for (const { op, fn, schema } of OPERATIONS) {
    for (let b = 0; b < BASES_PER_OPERATION; b++) {
      const base = validInput(random, schema);
      if (!base) {
        failures.push(`${op}: no valid input could be generated`);
        break;
      }
      const all: Mutation[] = base.sites.flatMap((site) => mutationsOf(random, site));
      // Inherited input and a non-plain input are mutations of the root.
      all.push({
        kind: "inherited input",
        keys: [],
        make: () => Object.create(base.input as object),
        path: "",
      });
      for (let m = 0; m < MUTATIONS_PER_BASE && all.length; m++) {
        const mutation = all.splice(random.int(0, all.length - 1), 1)[0];
        const replacement = mutation.make();
        const input = replaceAt(base.input, mutation.keys, replacement);
        if (input === DELETE) continue;
        calls++;
        kinds.set(mutation.kind, (kinds.get(mutation.kind) ?? 0) + 1);
        const sentBefore = requests.length;
        const outcome = await fn(client, input).then(() => undefined, (e) => e);
        const what = `${op} ${mutation.kind} at "${mutation.path}"`;
        if (!(outcome instanceof ValidationError)) {
          failures.push(`${what}: ${outcome === undefined ? "resolved" : String(outcome)}`);
        } else if (!outcome.issues.some((i) => names(i.path, mutation.path))) {
          failures.push(`${what}: issues name ${JSON.stringify(outcome.issues).slice(0, 300)}`);
        }
        if (requests.length !== sentBefore) failures.push(`${what}: a request was sent`);
      }
    }
  }
  const summary = [...kinds].sort(([a], [b]) => a < b ? -1 : 1).map(([k, n]) => `${k} ${n}`);
  console.log(
    `input fuzz: ${calls} invalid inputs over ${OPERATIONS.length} operations; ` +
      `${failures.length} failures\n  ${summary.join(", ")}`,
  );
  assert.deepEqual(failures.slice(0, 20), [], `seed ${SEED}`);
  assert.equal(requests.length, 0);
  assert.ok(calls >= 2000, `only ${calls} invalid inputs`);
  for (
    const kind of [
      "dot label",
      "dot-dot label",
      "lone surrogate",
      "huge",
      "wrong type (structure)",
      "wrong type (map)",
      "wrong type (integer)",
      "required member removed",
      "inherited input",
      "lone surrogate key",
    ]
  ) {
    assert.ok(kinds.has(kind), `the fuzz never tried: ${kind}`);
  }
  assert.ok([...kinds.keys()].some((k) => k.startsWith("control character")));
});

/** The model generated/ was made from, or why it is not available. */
async function modelIR(): Promise<Service | string> {
  const stamp = /sha256 ([0-9a-f]{64})/.exec(
    await Deno.readTextFile(new URL("../generated/schemas.ts", import.meta.url)),
  )![1];
  try {
    const source = await loadModelSource();
    assert.equal(source.sha256, stamp, "generated/ comes from the newest pinned model");
    return loadService(source.text);
  } catch (e) {
    if (e instanceof assert.AssertionError) throw e;
    return (e as Error).message;
  }
}

const IR = await modelIR();
if (typeof IR === "string") {
  console.log(`input fuzz round trip skipped: the model is not available (${IR})`);
}

Deno.test({
  name: "fuzz: valid inputs are sent once each and parse back to the input",
  ignore: typeof IR === "string",
  // With `Object.prototype.__proto__` as in Node and browsers, where `__proto__` map keys bite.
  fn: () => withProtoAccessor(sendValidInputs),
});

async function sendValidInputs() {
  const service = IR as Service;
  const random = new Random(SEED + 1);
  const { client, requests } = countingClient();
  const failures: string[] = [];
  let calls = 0;
  for (const { op, fn, schema } of OPERATIONS) {
    const operation = service.operations.find((o) => o.name === op)!;
    const shape = service.shapes.get(operation.input!) as StructureShape;
    for (let v = 0; v < VALID_PER_OPERATION; v++) {
      const generated = validInput(random, schema);
      if (!generated) continue;
      const { input } = generated;
      calls++;
      const before = requests.length;
      const outcome = await fn(client, input).then(() => undefined, (e) => e);
      if (outcome) {
        failures.push(`${op}: a valid input failed: ${outcome}`);
        continue;
      }
      if (requests.length !== before + 1) {
        failures.push(`${op}: ${requests.length - before} requests for one call`);
        continue;
      }
      try {
        await checkWire(
          operation,
          shape,
          schema,
          input as Record<string, unknown>,
          requests[before],
        );
      } catch (e) {
        failures.push(
          `${op} (input ${JSON.stringify(input).slice(0, 200)}): ${(e as Error).message}`,
        );
      }
    }
  }
  console.log(
    `input fuzz: ${calls} valid inputs sent and read back; ${failures.length} failures`,
  );
  assert.deepEqual(failures.slice(0, 10), [], `seed ${SEED}`);
  assert.ok(calls >= OPERATIONS.length * VALID_PER_OPERATION * 0.9, `only ${calls} valid inputs`);
}

/** Asserts that `request` carries exactly `input`, read back with the model's HTTP bindings. */
async function checkWire(
  operation: Operation,
  shape: StructureShape,
  schema: StructureSchema,
  input: Record<string, unknown>,
  request: Request,
): Promise<void> {
  const url = new URL(request.url);
  assert.equal(request.method, operation.http.method);
  const [pathTemplate, literalQuery] = operation.http.uri.split("?");
  // Labels: match the path against the URI template, decode each capture.
  const labels: string[] = [];
  const pattern = pathTemplate.split(/(\{[^}]+\})/).map((part) => {
    const m = /^\{([^}+]+)(\+?)\}$/.exec(part);
    if (!m) return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    labels.push(m[1]);
    return m[2] ? "(.+)" : "([^/]+)";
  }).join("");
  const match = new RegExp(`^${pattern}$`).exec(url.pathname);
  assert.ok(match, `path ${url.pathname} does not match ${pathTemplate}`);
  labels.forEach((name, i) => {
    assert.equal(wireText(input[name]), decodeURIComponent(match[i + 1]), `label ${name}`);
  });
  // Query: every pair, decoded; the template's literal pairs first.
  const pairs = url.search.slice(1).split("&").filter(Boolean).map((pair) => {
    const eq = pair.includes("=") ? pair.indexOf("=") : pair.length;
    return [decodeURIComponent(pair.slice(0, eq)), decodeURIComponent(pair.slice(eq + 1))];
  });
  for (const literal of (literalQuery ?? "").split("&").filter(Boolean)) {
    const [key] = literal.split("=");
    const at = pairs.findIndex(([k]) => k === key);
    assert.ok(at >= 0, `literal query ${literal}`);
    pairs.splice(at, 1);
  }
  for (const member of shape.members.filter((m) => m.http.query !== undefined)) {
    const value = input[member.name];
    const expected = value === undefined ? [] : (Array.isArray(value) ? value : [value]);
    const actual = pairs.filter(([k]) => k === member.http.query).map(([, v]) => v);
    assert.deepEqual(actual, expected.map(wireText), `query ${member.http.query}`);
  }
  const bound = new Set(shape.members.map((m) => m.http.query).filter(Boolean));
  assert.deepEqual(pairs.filter(([k]) => !bound.has(k)), [], "unexpected query parameters");
  for (const member of shape.members.filter((m) => m.http.header !== undefined)) {
    const value = input[member.name];
    const expected = value === undefined
      ? null
      : (Array.isArray(value) ? value : [value]).map(wireText).join(", ");
    assert.equal(
      request.headers.get(member.http.header!),
      expected,
      `header ${member.http.header}`,
    );
  }
  assert.ok(
    !shape.members.some((m) => m.http.payload || m.http.prefixHeaders || m.http.queryParams),
    "payload, prefix-header and query-map members are not read back here (the model has none)",
  );
  // Body: the JSON of the unbound members, read back by the schema.
  const text = await request.text();
  const bodyMembers = shape.members.filter((m) => Object.keys(m.http).length === 0);
  if (!bodyMembers.length) return assert.equal(text, "");
  const body = JSON.parse(text);
  const expected: Record<string, unknown> = {};
  const actual = fromWire(schema, body) as Record<string, unknown>;
  for (const member of bodyMembers) {
    if (input[member.name] !== undefined) expected[member.name] = input[member.name];
    else if (member.idempotencyToken) {
      assert.match(String(actual[member.name]), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-/);
      delete actual[member.name];
    }
  }
  assert.deepStrictEqual(actual, expected);
  const keys = bodyMembers.filter((m) => m.name in actual || m.idempotencyToken)
    .map((m) => m.jsonName ?? m.name);
  assert.deepEqual(Object.keys(body).filter((k) => !keys.includes(k)), [], "unexpected body keys");
}

/** How a label, query or header value reads as text: timestamps as RFC 3339 date-times. */
function wireText(value: unknown): string {
  return value instanceof Date ? value.toISOString().replace(".000Z", "Z") : String(value);
}

/** A JSON value read back into its typed form by the schema, written independently of serde. */
function fromWire(schema: Schema, json: unknown): unknown {
  const s = resolve(schema);
  switch (s.type) {
    case "structure":
    case "union": {
      const out: Record<string, unknown> = {};
      for (const [name, member] of Object.entries(s.members)) {
        const key = member.jsonName ?? name;
        if (!member.http && Object.hasOwn(json as object, key)) {
          out[name] = fromWire(member.schema, (json as Record<string, unknown>)[key]);
        }
      }
      return out;
    }
    case "list":
      return (json as unknown[]).map((item) => fromWire(s.member, item));
    case "map": {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(json as object)) {
        put(out, key, fromWire(s.value, value));
      }
      return out;
    }
    case "timestamp": {
      const write = (s as ScalarSchema).write?.name;
      return write === "toEpochSeconds"
        ? new Date(Math.round((json as number) * 1000))
        : new Date(json as string);
    }
    case "blob":
      return Uint8Array.from(atob(json as string), (c) => c.charCodeAt(0));
    case "float":
      return typeof json === "string" ? Number(json) : json;
    default:
      return json;
  }
}
