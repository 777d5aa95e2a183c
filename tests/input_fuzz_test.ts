// Input fuzzing from a printed seed (FUZZ_SEED replays another), over every operation of the
// AWS Backup model and of the official restJson1 protocol-test model (which has what Backup
// lacks: headers, greedy labels, documents, unions, narrow numbers, floats). Valid inputs are
// generated from the runtime schemas, then
// - mutated to break one rule at a known path (wrong types, required members, @length,
//   @range, @pattern with control characters, Smithy number widths, dot labels, huge and
//   lone-surrogate strings, Maps, class instances, inherited members, `__proto__`, CR/LF in
//   headers, keys the model does not name, list items that are getters, Array subclasses whose
//   `map` answers other items): each call must reject with a ValidationError naming
//   that path, and nothing may reach fetch;
// - sent as they are: each must reach fetch once, and what the serializer wrote must parse back
//   to the input (labels from the path, query parameters, headers, JSON body), with the wire
//   names, URI templates and timestamp formats taken from the model's IR.

import assert from "node:assert/strict";
import { clientClassName } from "../codegen/emit/names.ts";
import type { Operation, Service, StructureShape } from "../codegen/ir.ts";
import { loadService } from "../codegen/loader.ts";
import { loadModelSource, SHARED_SETTING } from "../codegen/model_source.ts";
import { MODELS_UNAVAILABLE } from "../testing/third_party.ts";
import { httpLocation, timestampFormatOf, type WireLocation } from "../codegen/shape_index.ts";
import * as backupOperations from "../generated/operations.ts";
import * as backupSchemas from "../generated/schemas.ts";
import { BackupClient } from "../mod.ts";
import type { ScalarSchema, Schema, StructureSchema } from "../runtime/schema.ts";
import { generateInto } from "../testing/generate_into.ts";
import { withProtoAccessor } from "../testing/proto_accessor.ts";
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

const SEED = Number(Deno.env.get("FUZZ_SEED") ?? 20261129);
const BASES_PER_OPERATION = 4;
const MUTATIONS_PER_BASE = 12;
const VALID_PER_OPERATION = 8;
console.log(`input fuzz: seed ${SEED} (FUZZ_SEED=<n> replays another)`);

type OperationFn = (client: unknown, input: unknown) => Promise<unknown>;

/** One operation to fuzz: its function and the schema of its input. */
interface FuzzOperation {
  op: string;
  fn: OperationFn;
  schema: StructureSchema;
}

/** A generated client to fuzz, with the model's IR when it is available. */
interface Target {
  name: string;
  operations: FuzzOperation[];
  /** A client whose fetch records each request and answers `{}`. */
  client: (requests: Request[]) => unknown;
  service?: Service;
}

/**
 * Every operation function with an input schema, in name order; the schema named after the
 * input shape in the IR, else `<Operation>InputSchema`.
 */
function operationsOf(operations: object, schemas: object, service?: Service): FuzzOperation[] {
  const inputShape = (op: string) => {
    const input = service?.operations.find((o) => o.name === op)?.input;
    return input ? service!.shapes.get(input)!.name : `${op}Input`;
  };
  return Object.entries(operations as Record<string, OperationFn>)
    .filter(([, fn]) => typeof fn === "function")
    .map(([name, fn]) => {
      const op = name[0].toUpperCase() + name.slice(1);
      const schema = (schemas as Record<string, StructureSchema>)[`${inputShape(op)}Schema`];
      return { op, fn, schema };
    })
    .filter((o) => o.schema !== undefined)
    .sort((a, b) => a.op < b.op ? -1 : 1);
}

const recordingFetch = (requests: Request[]) => (url: string, init: RequestInit) => {
  requests.push(new Request(url, init));
  return Promise.resolve(new Response("{}", { headers: { "content-type": "application/json" } }));
};
const CREDENTIALS = { accessKeyId: "AKIDFUZZ", secretAccessKey: "fuzz" };

/** The IR of the model generated/ was made from, or why it is not available. */
async function backupIR(): Promise<Service | string> {
  const stamp = /sha256 ([0-9a-f]{64})/.exec(
    await Deno.readTextFile(new URL("../generated/schemas.ts", import.meta.url)),
  )![1];
  if (MODELS_UNAVAILABLE) return MODELS_UNAVAILABLE;
  try {
    const source = await loadModelSource();
    assert.equal(source.sha256, stamp, "generated/ comes from the newest pinned model");
    return loadService(source.text);
  } catch (e) {
    if (e instanceof assert.AssertionError) throw e;
    return (e as Error).message;
  }
}

/** A client generated from the restJson1 protocol-test model, or why there is none. */
async function protocolTarget(): Promise<Target | string> {
  const shared = Deno.env.get(SHARED_SETTING);
  if (!shared) return `${SHARED_SETTING} is not set`;
  const text = await Deno.readTextFile(`${shared}/protocol-tests/restjson1.json`);
  const service = loadService(text, { service: "aws.protocoltests.restjson#RestJson" });
  const { root } = await generateInto("fuzz-restjson1", text);
  const load = (file: string) => import(new URL(`generated/${file}`, root).href);
  const [operations, schemas, client] = await Promise.all(
    ["operations.ts", "schemas.ts", "client.ts"].map(load),
  );
  const Client = client[clientClassName(service)];
  return {
    name: "restJson1 protocol model",
    operations: operationsOf(operations, schemas, service),
    client: (requests) =>
      new Client({
        region: "us-west-2",
        credentials: CREDENTIALS,
        endpoint: "https://example.com",
        maxAttempts: 1,
        fetch: recordingFetch(requests),
      }),
    service,
  };
}

const IR = await backupIR();
const IR_SERVICE = typeof IR === "string" ? undefined : IR;
const TARGETS: (Target | string)[] = [
  {
    name: "AWS Backup",
    operations: operationsOf(backupOperations, backupSchemas, IR_SERVICE),
    client: (requests) =>
      new BackupClient({
        region: "us-east-1",
        credentials: CREDENTIALS,
        maxAttempts: 1,
        fetch: recordingFetch(requests),
      }),
    service: IR_SERVICE,
  },
  await protocolTarget(),
];
if (typeof IR === "string") console.log(`input fuzz: AWS Backup round trip skipped: ${IR}`);
if (typeof TARGETS[1] === "string") {
  console.log(`input fuzz: restJson1 protocol model skipped: ${TARGETS[1]}`);
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
  (path !== "" && issuePath.startsWith(path) && /^[.[]/.test(issuePath.slice(path.length)));

/** A ValidationError of any copy of the runtime (the protocol client imports it by a link). */
const isValidationError = (e: unknown): e is { issues: { path: string; message: string }[] } =>
  e instanceof Error && e.name === "ValidationError" && Array.isArray((e as never)["issues"]);

for (const [index, target] of TARGETS.entries()) {
  if (typeof target === "string") {
    Deno.test({ name: "fuzz: restJson1 protocol model (skipped)", ignore: true, fn() {} });
    continue;
  }
  Deno.test(`fuzz (${target.name}): invalid inputs are ValidationErrors naming the path, nothing sent`, () =>
    fuzzInvalid(target, new Random(SEED + 2 * index)));
  Deno.test({
    // Without the model's IR, valid inputs are still sent, but not read back (reason printed).
    name: `fuzz (${target.name}): valid inputs are sent once each and parse back to the input`,
    // With `Object.prototype.__proto__` as in Node and browsers, where `__proto__` map keys bite.
    fn: () => withProtoAccessor(() => sendValid(target, new Random(SEED + 2 * index + 1))),
  });
}

async function fuzzInvalid(target: Target, random: Random): Promise<void> {
  const requests: Request[] = [];
  const client = target.client(requests);
  const failures: string[] = [];
  const kinds = new Map<string, number>();
  let calls = 0;
  for (const { op, fn, schema } of target.operations) {
    for (let b = 0; b < BASES_PER_OPERATION; b++) {
      const base = validInput(random, schema);
      if (!base) {
        failures.push(`${op}: no valid input could be generated`);
        break;
      }
      const all: Mutation[] = base.sites.flatMap((site) => mutationsOf(random, site));
      all.push({
        kind: "inherited input",
        keys: [],
        make: () => Object.create(base.input as object),
        path: "",
      });
      for (let m = 0; m < MUTATIONS_PER_BASE && all.length; m++) {
        const mutation = all.splice(random.int(0, all.length - 1), 1)[0];
        const input = replaceAt(base.input, mutation.keys, mutation.make());
        if (input === DELETE) continue;
        calls++;
        kinds.set(mutation.kind, (kinds.get(mutation.kind) ?? 0) + 1);
        const sentBefore = requests.length;
        const outcome = await fn(client, input).then(() => undefined, (e) => e);
        const what = `${op} ${mutation.kind} at "${mutation.path}"`;
        if (!isValidationError(outcome)) {
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
    `input fuzz (${target.name}): ${calls} invalid inputs over ${target.operations.length} ` +
      `operations; ${failures.length} failures\n  ${summary.join(", ")}`,
  );
  assert.deepEqual(failures.slice(0, 20), [], `seed ${SEED}`);
  assert.equal(requests.length, 0);
  assert.ok(calls >= target.operations.length * 20, `only ${calls} invalid inputs`);
  const expected = [
    "lone surrogate",
    "wrong type (structure)",
    "required member removed",
    "inherited input",
    "misspelled member",
    "unknown member",
    "getter item",
    "Array subclass",
  ];
  if (target.name === "AWS Backup") {
    expected.push("dot label", "dot-dot label", "huge", "wrong type (map)", "lone surrogate key");
    assert.ok([...kinds.keys()].some((k) => k.startsWith("control character")));
  } else {
    expected.push(
      "header with CR/LF",
      "beyond its bits",
      "wrong type (document)",
      "two union members",
    );
  }
  for (const kind of expected) assert.ok(kinds.has(kind), `the fuzz never tried: ${kind}`);
}

async function sendValid(target: Target, random: Random): Promise<void> {
  const service = target.service;
  const requests: Request[] = [];
  const client = target.client(requests);
  const failures: string[] = [];
  let calls = 0;
  let checked = 0;
  for (const { op, fn, schema } of target.operations) {
    const operation = service?.operations.find((o) => o.name === op);
    const shape = operation && service!.shapes.get(operation.input!) as StructureShape;
    for (let v = 0; v < VALID_PER_OPERATION; v++) {
      const generated = validInput(random, schema);
      if (!generated) continue;
      const { input } = generated;
      calls++;
      const before = requests.length;
      // A response the operation cannot read is not this test's concern: only what was sent.
      const outcome = await fn(client, input).then(() => undefined, (e) => e);
      if (isValidationError(outcome)) {
        failures.push(`${op}: a valid input was rejected: ${JSON.stringify(outcome.issues)}`);
        continue;
      }
      if (requests.length !== before + 1) {
        failures.push(`${op}: ${requests.length - before} requests for one call (${outcome})`);
        continue;
      }
      if (!service || !operation || !shape || !readable(shape)) continue;
      checked++;
      try {
        await checkWire(
          service,
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
    `input fuzz (${target.name}): ${calls} valid inputs sent, ${checked} read back from the ` +
      `wire; ${failures.length} failures`,
  );
  assert.deepEqual(failures.slice(0, 10), [], `seed ${SEED}`);
  assert.ok(
    calls >= target.operations.length * VALID_PER_OPERATION * 0.9,
    `only ${calls} valid inputs`,
  );
}

/** Can checkWire read this input back? Payloads, prefix headers and query maps it does not. */
const readable = (shape: StructureShape) =>
  !shape.members.some((m) => m.http.payload || m.http.prefixHeaders || m.http.queryParams);

/** Asserts that `request` carries exactly `input`, read back with the model's HTTP bindings. */
async function checkWire(
  service: Service,
  operation: Operation,
  shape: StructureShape,
  schema: StructureSchema,
  input: Record<string, unknown>,
  request: Request,
): Promise<void> {
  const url = new URL(request.url);
  assert.equal(request.method, operation.http.method);
  const [pathTemplate, literalQuery] = operation.http.uri.split("?");
  /** A member's value as text in a location, timestamps in the location's format. */
  const text = (name: string, location: WireLocation) => (value: unknown) => {
    if (!(value instanceof Date)) return String(value);
    const member = shape.members.find((m) => m.name === name)!;
    let target = service.shapes.get(member.target)!;
    if (target.kind === "list") target = service.shapes.get(target.member.target)!;
    switch (timestampFormatOf(target, location, member)) {
      case "epoch-seconds":
        return String(value.getTime() / 1000);
      case "http-date":
        return value.toUTCString();
      default:
        return value.toISOString().replace(".000Z", "Z");
    }
  };
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
    assert.equal(decodeURIComponent(match[i + 1]), text(name, "label")(input[name]), name);
  });
  // Query: every pair, decoded; the template's literal pairs first.
  const pairs = url.search.slice(1).split("&").filter(Boolean).map((pair) => {
    const eq = pair.includes("=") ? pair.indexOf("=") : pair.length;
    return [decodeURIComponent(pair.slice(0, eq)), decodeURIComponent(pair.slice(eq + 1))];
  });
  for (const literal of (literalQuery ?? "").split("&").filter(Boolean)) {
    const at = pairs.findIndex(([k]) => k === literal.split("=")[0]);
    assert.ok(at >= 0, `literal query ${literal}`);
    pairs.splice(at, 1);
  }
  const asList = (v: unknown) => v == null ? [] : Array.isArray(v) ? v : [v];
  for (const member of shape.members.filter((m) => m.http.query !== undefined)) {
    const actual = pairs.filter(([k]) => k === member.http.query).map(([, v]) => v);
    if (member.idempotencyToken && input[member.name] == null) {
      assert.match(actual.join(), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-/);
      continue;
    }
    const expected = asList(input[member.name]).map(text(member.name, "query"));
    assert.deepEqual(actual, expected, `query ${member.http.query}`);
  }
  const bound = new Set(shape.members.map((m) => m.http.query));
  assert.deepEqual(pairs.filter(([k]) => !bound.has(k)), [], "unexpected query parameters");
  // Headers: list items joined with ", " (the generator makes no items that need quotes).
  for (const member of shape.members.filter((m) => m.http.header !== undefined)) {
    const name = member.http.header!;
    let actual = request.headers.get(name);
    const target = service.shapes.get(member.target)!;
    if (actual !== null && target.mediaType === "application/json") actual = atobText(actual);
    // An empty list is an empty header, as in the AWS SDKs; an empty item is quoted.
    const value = input[member.name];
    const items = asList(value).map(text(member.name, "header"));
    const expected = value == null
      ? null
      : Array.isArray(value)
      ? items.map((item) => item || '""').join(", ")
      : items[0];
    assert.equal(actual, expected, `header ${name}`);
  }
  // Body: the JSON of the unbound members, read back by the schema.
  let body = new Uint8Array(await request.arrayBuffer());
  if (request.headers.get("content-encoding") === "gzip") {
    const inflated = new Blob([body]).stream().pipeThrough(new DecompressionStream("gzip"));
    body = new Uint8Array(await new Response(inflated).arrayBuffer());
  }
  const bodyMembers = shape.members.filter((m) => !httpLocation(m));
  if (!bodyMembers.length) return assert.equal(body.length, 0);
  const json = JSON.parse(new TextDecoder().decode(body));
  const expected: Record<string, unknown> = {};
  const actual = fromWire(schema, json) as Record<string, unknown>;
  for (const member of bodyMembers) {
    if (input[member.name] != null) expected[member.name] = withoutUndefined(input[member.name]);
    else if (member.idempotencyToken) {
      assert.match(String(actual[member.name]), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-/);
      delete actual[member.name];
    }
  }
  assert.deepStrictEqual(actual, expected);
  const keys = bodyMembers.filter((m) => m.name in actual || m.idempotencyToken)
    .map((m) => m.jsonName ?? m.name);
  assert.deepEqual(Object.keys(json).filter((k) => !keys.includes(k)), [], "unexpected keys");
}

/** A value with its explicitly `undefined` members left out, as the wire carries it. */
function withoutUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutUndefined);
  if (
    value === null || typeof value !== "object" || Object.getPrototypeOf(value) !== Object.prototype
  ) {
    return value; // Dates, Uint8Arrays, scalars
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v !== undefined) put(out, key, withoutUndefined(v));
  }
  return out;
}

/** Base64 of UTF-8 text, decoded. */
const atobText = (b64: string) =>
  new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));

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
