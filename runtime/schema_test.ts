/**
 * The validation walk's rules that the Backup model does not exercise (headers, greedy labels,
 * narrow numbers, documents, deep nesting), and `__proto__` keys in the JSON walks.
 */

import assert from "node:assert/strict";
import type { ValidationIssue } from "./errors.ts";
import {
  checkAll,
  checkGreedyLabel,
  checkHeader,
  checkHostLabel,
  checkLabel,
  checkPrefixHeaders,
} from "./http_binding_checks.ts";
import { isPlainObject } from "./plain_objects.ts";
import type { Schema, StructureSchema } from "./schema.ts";
import { list, map } from "./schema_collections.ts";
import { fromJson, toJson, WireValueError } from "./schema_json.ts";
import {
  BLOB,
  blob,
  BOOLEAN,
  BYTE,
  DOCUMENT,
  DOUBLE,
  FLOAT,
  INTEGER,
  integer,
  LONG,
  SHORT,
  STRING,
  string,
  TIMESTAMP,
  timestamp,
} from "./schema_scalars.ts";
import { structure } from "./schema_structures.ts";
import { inputIssues, validate } from "./schema_validation.ts";
import { fromDateTime } from "./serde.ts";
import { withProtoAccessor } from "../testing/proto_accessor.ts";

function issuesOf(schema: Schema, value: unknown): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  validate(schema, value, "V", issues);
  return issues;
}
const messages = (schema: Schema, value: unknown) => issuesOf(schema, value).map((i) => i.message);

Deno.test("numbers: each Smithy type's width; NaN and ±Infinity stay valid floats", () => {
  for (
    const [schema, lo, hi] of [[BYTE, -128, 127], [SHORT, -32768, 32767], [
      INTEGER,
      -(2 ** 31),
      2 ** 31 - 1,
    ]] as const
  ) {
    assert.deepEqual(messages(schema, lo), []);
    assert.deepEqual(messages(schema, hi), []);
    const bits = schema.bits;
    for (const out of [lo - 1, hi + 1]) {
      const a = bits === 8 ? "an" : "a";
      assert.deepEqual(messages(schema, out), [
        `must be ${a} ${bits}-bit integer (${lo} to ${hi})`,
      ]);
    }
  }
  assert.deepEqual(messages(LONG, Number.MAX_SAFE_INTEGER), []);
  assert.deepEqual(messages(LONG, 1e300), [
    "must be a safe integer (from -(2^53 - 1) to 2^53 - 1)",
  ]);
  assert.deepEqual(messages(LONG, 0.5), ["must be an integer"]);
  assert.deepEqual(messages(LONG, "1"), ["must be an integer"]);
  for (const special of [NaN, Infinity, -Infinity]) {
    assert.deepEqual(messages(FLOAT, special), []);
    assert.deepEqual(messages(DOUBLE, special), []);
    assert.equal(toJson(DOUBLE, special), String(special));
  }
  assert.deepEqual(messages(FLOAT, 3.4028234663852886e38), []);
  assert.deepEqual(messages(FLOAT, -1e39), ["must fit a 32-bit float (or be NaN or ±Infinity)"]);
  assert.deepEqual(messages(DOUBLE, 1e300), []);
  assert.deepEqual(messages(structure({}), undefined), [
    "must be a plain object, not undefined",
  ]);
  assert.deepEqual(messages(integer({ bits: 32, min: 1, max: 10 }), 11), ["must be <= 10"]);
});

Deno.test("timestamps: valid Dates in the years 0 to 9999", () => {
  assert.deepEqual(messages(TIMESTAMP, new Date("9999-12-31T23:59:59Z")), []);
  assert.deepEqual(messages(TIMESTAMP, new Date("0000-01-01T00:00:00Z")), []);
  for (const bad of [new Date(NaN), new Date("+010000-01-01T00:00:00Z"), new Date(-1e15), 0]) {
    assert.deepEqual(messages(TIMESTAMP, bad), ["must be a valid Date in the years 0 to 9999"]);
  }
});

const CHECKS = { label: checkLabel, header: checkHeader, prefixHeaders: checkPrefixHeaders };
const bound = (http: keyof typeof CHECKS, schema: Schema = STRING): StructureSchema =>
  structure({ M: { schema, http, check: CHECKS[http] } });

Deno.test("labels: a label is not `.` or `..`; a greedy label holds no such segment", () => {
  const label = bound("label");
  const dots = `must not be "." or ".." (a URL parser would remove that path segment)`;
  for (const bad of [".", ".."]) {
    assert.deepEqual(issuesOf(label, { M: bad }), [{ path: "V.M", message: dots }], bad);
  }
  // `/` and `%` are percent-encoded in a label: these are ordinary segments (`.%2Fx`, `%252e`).
  for (const good of ["./x", "../", "./*", "a/..", "...", ".a", "a.", "%2e", ".%2E", "%2e%2e"]) {
    assert.deepEqual(issuesOf(label, { M: good }), [], good);
  }
  const greedy = structure({ M: { schema: STRING, http: "label", check: checkGreedyLabel } });
  const segment = `must not hold a "." or ".." path segment (a URL parser would remove it)`;
  for (const bad of [".", "..", "a/../b", "./a", "a/.", "a/b/..", "../"]) {
    assert.deepEqual(issuesOf(greedy, { M: bad }), [{ path: "V.M", message: segment }], bad);
  }
  for (const good of ["...", ".a/b.", "a/.../b", "%2e%2e/%2E", "a//b", "/a", "a/"]) {
    assert.deepEqual(issuesOf(greedy, { M: good }), [], good);
  }
  for (const empty of [label, greedy]) {
    assert.deepEqual(messages(empty, { M: "" }), ["must not be empty (it is part of the URI)"]);
  }
});

Deno.test("headers: visible ASCII, inner spaces and tabs, no surrounding white space", () => {
  const header = bound("header");
  const listed = bound("header", list(STRING));
  const rule = "must be visible ASCII, spaces and tabs, without leading or trailing white space " +
    "(it is an HTTP header value)";
  for (const bad of ["a\r\nb", "a\nb", "a\0b", " a", "a\t", "é", "\u2028"]) {
    assert.deepEqual(messages(header, { M: bad }), [rule], JSON.stringify(bad));
    assert.deepEqual(messages(listed, { M: ["ok", bad] }), [rule], JSON.stringify(bad));
  }
  for (const good of ["", "a", "a b\tc", '"quoted, comma"', "~!#"]) {
    assert.deepEqual(messages(header, { M: good }), [], good);
  }
  // A JSON @mediaType header travels base64-encoded: no check, any text may go.
  const base64 = structure({ M: { schema: STRING, http: "header" } });
  assert.deepEqual(messages(base64, { M: ' {\n  "é": 1\n} ' }), []);
  const prefix = bound("prefixHeaders", map({ value: STRING }));
  assert.deepEqual(issuesOf(prefix, { M: { "a b": "x", ok: "y\n" } }), [
    { path: 'V.M["a b"]', message: "key must be an HTTP header name token" },
    { path: 'V.M["ok"]', message: rule },
  ]);
});

Deno.test("documents are JSON data, nested at most MAX_DEPTH deep", () => {
  assert.deepEqual(messages(DOCUMENT, { a: [1, "x", null, true, { b: {} }] }), []);
  assert.deepEqual(issuesOf(DOCUMENT, { a: [1, NaN] }), [
    { path: 'V["a"][1]', message: "must be a finite number (a document is JSON data)" },
  ]);
  assert.deepEqual(issuesOf(DOCUMENT, { a: 1n }), [{
    path: 'V["a"]',
    message:
      "must be JSON data (null, boolean, number, string, array or plain object), not a bigint",
  }]);
  assert.deepEqual(messages(DOCUMENT, new Map()).length, 1);
  // As in JSON.stringify: an undefined member is absent, an undefined item is null.
  assert.deepEqual(messages(DOCUMENT, { a: undefined, b: [undefined] }), []);
  assert.deepEqual(messages(DOCUMENT, "\udfff"), [
    "must be well-formed Unicode (lone surrogate at index 0)",
  ]);
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  const [issue] = issuesOf(DOCUMENT, cyclic);
  assert.equal(issue.message, "is nested more than 100 levels deep (is it cyclic?)");
  assert.match(issue.path, /^V(\["self"\]){101}$/);
});

Deno.test("recursive shapes: a cyclic input is an issue, not a stack overflow", () => {
  const node: StructureSchema = structure({
    Next: { schema: () => node },
    Name: { schema: STRING },
  });
  const cyclic: Record<string, unknown> = { Name: "a" };
  cyclic.Next = cyclic;
  const issues = issuesOf(node, cyclic);
  assert.equal(issues.length, 1);
  assert.equal(issues[0].message, "is nested more than 100 levels deep (is it cyclic?)");
  // Deep but finite nesting within the limit is fine.
  let deep: Record<string, unknown> = { Name: "leaf" };
  for (let i = 0; i < 99; i++) deep = { Next: deep };
  assert.deepEqual(issuesOf(node, deep), []);
});

Deno.test("map keys: checked by the key schema, issues start with `key`", () => {
  const keyed = map({ key: string({ pattern: /^[a-z]+$/ }), value: STRING });
  assert.deepEqual(issuesOf(keyed, { ok: "1", "No!": "2", ["\ud800"]: "3" }), [
    { path: 'V["No!"]', message: "key must match /^[a-z]+$/" },
    {
      path: 'V["\\ud800"]',
      message: "key must be well-formed Unicode (lone surrogate at index 0)",
    },
  ]);
});

Deno.test("blobs given as strings must be well-formed; lengths count code points", () => {
  assert.deepEqual(messages(blob(), "a\ud800"), [
    "must be well-formed Unicode (lone surrogate at index 1)",
  ]);
  const two = string({ maxLength: 2 });
  assert.deepEqual(messages(two, "\ud83d\ude80\ud83d\ude80"), []);
  assert.deepEqual(messages(two, "abc"), ["length must be <= 2"]);
  assert.deepEqual(messages(two, "x".repeat(1e6)), ["length must be <= 2"]);
});

Deno.test("`__proto__` map keys survive toJson and fromJson; plain objects recognised", () =>
  withProtoAccessor(() => {
    const strings = map({ value: STRING });
    const parsed = JSON.parse('{"__proto__": "p", "k": "v"}');
    assert.equal(JSON.stringify(toJson(strings, parsed)), '{"__proto__":"p","k":"v"}');
    const read = fromJson(strings, parsed) as Record<string, unknown>;
    assert.ok(Object.hasOwn(read, "__proto__"));
    assert.equal(Object.getPrototypeOf(read), Object.prototype);
    assert.deepEqual(Object.keys(read), ["__proto__", "k"]);
    assert.ok(isPlainObject({}) && isPlainObject(Object.create(null)) && isPlainObject(parsed));
    assert.ok(isPlainObject(structuredClone({ a: 1 })));
    for (const not of [[], new Map(), new Date(), new Uint8Array(), Object.create({}), null, "s"]) {
      assert.ok(!isPlainObject(not), String(not));
    }
  }));

Deno.test("inputIssues: every problem of an input, paths from the top, empty when valid", () => {
  const schema = structure({
    Name: { schema: STRING, required: true },
    Count: { schema: integer({ max: 3 }) },
  });
  assert.deepEqual(inputIssues(schema, { Count: 4 }), [
    { path: "Name", message: "is required" },
    { path: "Count", message: "must be <= 3" },
  ]);
  assert.deepEqual(inputIssues(schema, { Name: "n" }), []);
  assert.deepEqual(inputIssues(schema, []), [
    { path: "", message: "must be a plain object, not an array" },
  ]);
});

Deno.test("host labels: checked by the member's rule; two rules run in order", () => {
  const host = structure({ H: { schema: STRING, hostLabel: true, check: checkHostLabel } });
  assert.deepEqual(issuesOf(host, { H: "ok-1" }), []);
  for (const bad of ["", "-a", "a_b", "a.b", "x".repeat(64)]) {
    assert.deepEqual(issuesOf(host, { H: bad }), [
      { path: "V.H", message: "must be a valid host label" },
    ], bad);
  }
  // A wrong type is the type's issue alone.
  assert.deepEqual(messages(host, { H: 1 }), ["must be a string"]);
  const both = structure({ H: { schema: STRING, check: checkAll(checkLabel, checkHostLabel) } });
  assert.deepEqual(messages(both, { H: "" }), [
    "must not be empty (it is part of the URI)",
    "must be a valid host label",
  ]);
});

Deno.test('fromJson refuses JSON of the wrong type, naming the path: members, [index], ["key"]', () => {
  const tagged = structure({
    Tags: { schema: map({ value: list(structure({ Size: { schema: LONG } })) }) },
    Data: { schema: BLOB },
  });
  const problem = (json: unknown) => {
    try {
      fromJson(tagged, json);
    } catch (e) {
      assert.ok(e instanceof WireValueError, String(e));
      return e.message;
    }
    assert.fail("no error");
  };
  assert.equal(
    problem({ Tags: { "a.b": [{ Size: 1 }, { Size: "2" }] } }),
    'Tags["a.b"][1].Size: expected a number, got a string',
  );
  assert.equal(problem({ Tags: { a: {} } }), 'Tags["a"]: expected an array, got a plain object');
  assert.equal(problem({ Tags: [] }), "Tags: expected an object, got an array");
  assert.equal(problem({ Data: 1234 }), "Data: Invalid base64");
  assert.equal(problem("x"), "expected an object, got a string");
  // Absent and null members stay absent; well-typed values read as before.
  assert.deepEqual(fromJson(tagged, { Tags: { a: [null, { Size: 3 }] }, Data: null }), {
    Tags: { a: [{ Size: 3 }] },
  });
});

/** What fromJson throws for `json`, as `path: problem`; fails when it reads the value. */
function wireProblem(schema: Schema, json: unknown): string {
  try {
    fromJson(schema, json);
  } catch (e) {
    assert.ok(e instanceof WireValueError, String(e));
    return e.message;
  }
  assert.fail(`read ${JSON.stringify(json)}`);
}

Deno.test("output integers: integral, finite, within the Smithy type's width; longs are safe", () => {
  const cases: [Schema, number[], number[], string][] = [
    [BYTE, [-128, 127, 0], [-129, 128], "an 8-bit integer (-128 to 127)"],
    [SHORT, [-32768, 32767], [-32769, 32768], "a 16-bit integer (-32768 to 32767)"],
    [
      INTEGER,
      [-(2 ** 31), 2 ** 31 - 1],
      [-(2 ** 31) - 1, 2 ** 31],
      "a 32-bit integer (-2147483648 to 2147483647)",
    ],
    [
      LONG,
      [Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 40],
      [2 ** 53, -(2 ** 53), 1e300],
      "a safe integer (from -(2^53 - 1) to 2^53 - 1)",
    ],
  ];
  for (const [schema, good, bad, fit] of cases) {
    const member = structure({ N: { schema } });
    for (const n of good) assert.deepEqual(fromJson(member, JSON.parse(`{"N":${n}}`)), { N: n });
    for (const n of bad) {
      assert.equal(wireProblem(member, { N: n }), `N: expected ${fit}, got ${n}`);
    }
    // 1.5 is not an integer, 1e400 parses to Infinity: neither is an integer of any width.
    assert.equal(wireProblem(member, JSON.parse('{"N":1.5}')), "N: expected an integer, got 1.5");
    assert.equal(
      wireProblem(member, JSON.parse('{"N":1e400}')),
      "N: expected an integer, got Infinity",
    );
    assert.equal(wireProblem(member, { N: "1" }), "N: expected a number, got a string");
  }
  assert.equal(
    wireProblem(structure({ N: { schema: BYTE } }), { N: 128 }),
    "N: expected an 8-bit integer (-128 to 127), got 128",
  );
  assert.equal(
    wireProblem(structure({ N: { schema: LONG } }), JSON.parse('{"N":9007199254740993}')),
    "N: expected a safe integer (from -(2^53 - 1) to 2^53 - 1), got 9007199254740992",
  );
  // `@range` is an input rule: a service may answer beyond it.
  assert.equal(fromJson(integer({ bits: 32, max: 10 }), 11), 11);
});

Deno.test("output floats: finite numbers or the special strings; a float fits 32 bits", () => {
  const f = structure({ F: { schema: FLOAT }, D: { schema: DOUBLE } });
  assert.deepEqual(fromJson(f, { F: "NaN", D: "-Infinity" }), { F: NaN, D: -Infinity });
  assert.deepEqual(fromJson(f, { F: 3.4028235e38, D: 1e300 }), { F: 3.4028235e38, D: 1e300 });
  assert.equal(wireProblem(f, { F: 1e39 }), "F: expected a 32-bit float, got 1e+39");
  for (const member of ["F", "D"]) {
    assert.match(
      wireProblem(f, JSON.parse(`{"${member}":1e400}`)),
      new RegExp(`^${member}: Expected a finite number .*, got Infinity$`),
    );
    assert.match(wireProblem(f, { [member]: ["NaN"] }), /got an array$/);
    assert.match(wireProblem(f, { [member]: "nan" }), /got "nan"$/);
    assert.match(wireProblem(f, { [member]: true }), /got a value of type boolean$/);
  }
});

Deno.test("output timestamps: an array or object is refused, not coerced to text", () => {
  const t = structure({
    T: { schema: TIMESTAMP },
    D: { schema: timestamp({ read: fromDateTime }) },
  });
  assert.deepEqual(fromJson(t, { T: 1700000000.5, D: "2024-01-02T03:04:05Z" }), {
    T: new Date(1700000000500),
    D: new Date("2024-01-02T03:04:05Z"),
  });
  assert.equal(wireProblem(t, { T: [1700000000] }), "T: Invalid timestamp: an array");
  assert.equal(wireProblem(t, { T: ["1700000000"] }), "T: Invalid timestamp: an array");
  assert.equal(wireProblem(t, { T: {} }), "T: Invalid timestamp: a value of type object");
  assert.equal(wireProblem(t, { T: true }), "T: Invalid timestamp: a value of type boolean");
  assert.equal(wireProblem(t, JSON.parse('{"T":1e400}')), "T: Invalid timestamp: Infinity");
  assert.equal(
    wireProblem(t, { D: ["2024-01-02T03:04:05Z"] }),
    "D: Invalid timestamp: an array",
  );
});

Deno.test("output strings, booleans and blobs: exactly their JSON type", () => {
  const s = structure({ S: { schema: STRING }, B: { schema: BOOLEAN }, X: { schema: BLOB } });
  assert.equal(wireProblem(s, { S: ["a"] }), "S: expected a string, got an array");
  assert.equal(wireProblem(s, { B: "true" }), "B: expected a boolean, got a string");
  assert.equal(wireProblem(s, { B: 1 }), "B: expected a boolean, got a number");
  assert.equal(wireProblem(s, { X: ["AAAA"] }), "X: Invalid base64");
});

Deno.test("lists: what is validated is what is sent — plain arrays, items that are data, read by index", () => {
  const schema = list(structure({ Name: { schema: STRING } }));
  const getter = "must be a data property, not a getter (it would be read twice)";
  // A getter item: validation and the serializer would each read it.
  const items = [{ Name: "a" }, { Name: "b" }];
  Object.defineProperty(items, 1, { get: () => ({ Name: "b" }), enumerable: true });
  assert.deepEqual(issuesOf(schema, items), [{ path: "V[1]", message: getter }]);
  // An Array subclass, whatever it overrides; an array inheriting from another array.
  class Items extends Array {}
  const subclass = Object.setPrototypeOf([{ Name: "a" }], Items.prototype);
  assert.deepEqual(messages(schema, subclass), [
    "must be a plain array, not an array of class Items",
  ]);
  assert.deepEqual(messages(schema, Object.setPrototypeOf([{ Name: "a" }], [])), [
    "must be a plain array, not an array inheriting from another object",
  ]);
  // A plain array with methods of its own: valid, and sent by index, as validated.
  const own = Object.assign([{ Name: "a" }], {
    map: () => [{ Injected: 1 }],
    [Symbol.iterator]: function* () {
      yield { Injected: 1 };
    },
  });
  assert.deepEqual(messages(schema, own), []);
  assert.deepEqual(toJson(schema, own), [{ Name: "a" }]);
  // A hole is a missing item (not skipped); other realms' arrays are plain.
  assert.deepEqual(issuesOf(schema, [, { Name: "a" }]), [
    { path: "V[0]", message: "must not be null" },
  ]);
  assert.deepEqual(messages(schema, structuredClone([{ Name: "a" }])), []);
});

Deno.test("documents: nothing JSON.stringify would call or read again — own toJSON, getters, subclasses", () => {
  const getter = "must be a data property, not a getter (it would be read twice)";
  assert.deepEqual(issuesOf(DOCUMENT, { a: Object.assign([1], { toJSON: () => 2 }) }), [
    { path: 'V["a"]["toJSON"]', message: "is not an array item" },
  ]);
  assert.deepEqual(
    issuesOf(DOCUMENT, [Object.defineProperty({}, "b", { get: () => 1, enumerable: true })]),
    [{ path: 'V[0]["b"]', message: getter }],
  );
  const items = [1];
  Object.defineProperty(items, 0, { get: () => 1, enumerable: true });
  assert.deepEqual(issuesOf(DOCUMENT, items), [{ path: "V[0]", message: getter }]);
  class Items extends Array {}
  assert.deepEqual(messages(DOCUMENT, Object.setPrototypeOf([1], Items.prototype)), [
    "must be a plain array, not an array of class Items",
  ]);
});
