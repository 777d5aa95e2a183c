/**
 * Header lists as `setHeader` writes them and `readHeaderList` reads them back; the requests
 * `restJsonRequest` and `jsonBodyRequest` build from an input schema.
 */

import assert from "node:assert/strict";
import {
  jsonBodyRequest,
  numberHeader,
  parseBooleanHeader,
  readHeaderList,
  readMember,
  restJsonRequest,
  setHeader,
  toBase64Text,
} from "./http.ts";
import { list } from "./schema_collections.ts";
import { WireValueError } from "./schema_json.ts";
import { BYTE, DOUBLE, FLOAT, INTEGER, LONG, STRING, timestamp } from "./schema_scalars.ts";
import { structure } from "./schema_structures.ts";

/** Writes `items` as one header through `Headers` (which trims values) and reads them back. */
function roundTrip(items: string[]): string[] | undefined {
  const headers: Record<string, string> = {};
  setHeader(headers, "x-list", items);
  const response = { status: 200, headers: new Headers(headers), body: new Uint8Array() };
  return readHeaderList(response, "x-list");
}

Deno.test("header lists: commas, quotes and empty items survive the round trip", () => {
  for (
    const items of [
      ["a", "b"],
      ["a,b", 'say "hi"', "c\\d"],
      ["a", ""],
      ["", "a"],
      ["a", "", "b"],
      [""],
      [],
    ]
  ) {
    assert.deepEqual(roundTrip(items), items, JSON.stringify(items));
  }
  const headers: Record<string, string> = {};
  setHeader(headers, "x-list", ["a", "", "b,c"]);
  assert.equal(headers["x-list"], 'a, "", "b,c"');
});

const tokens = () => {
  let n = 0;
  return { idempotencyToken: () => `token-${++n}` };
};

Deno.test("restJsonRequest: labels encoded (greedy keep /), query in member order, JSON body", () => {
  const serialize = restJsonRequest(
    "POST",
    "/vaults/{Name}/keys/{Key+}?fixed=1",
    structure({
      Name: { schema: STRING, http: "label" },
      Key: { schema: STRING, http: "label" },
      Tags: { schema: list(STRING), http: "query", httpName: "tag" },
      Max: { schema: INTEGER, http: "query", httpName: "max" },
      Token: { schema: STRING, idempotencyToken: true },
      At: { schema: timestamp() },
      Note: { schema: STRING, jsonName: "note" },
    }),
  );
  const context = tokens();
  const input = { Name: "a b/c", Key: "x/y z", Tags: ["1", "2"], Max: 5, At: new Date(1000) };
  const request = serialize(input, context);
  assert.deepEqual(request, {
    method: "POST",
    path: "/vaults/a%20b%2Fc/keys/x/y%20z?fixed=1",
    query: [["tag", "1"], ["tag", "2"], ["max", "5"]],
    headers: { "content-type": "application/json" },
    body: '{"Token":"token-1","At":1}',
  });
  // The caller's input is not changed; a token the caller gives is kept.
  assert.equal("Token" in input, false);
  assert.equal(
    JSON.parse(serialize({ ...input, Token: "mine" }, context).body as string).Token,
    "mine",
  );
});

Deno.test("restJsonRequest: no body members, no body; inherited properties stay absent", () => {
  const serialize = restJsonRequest(
    "GET",
    "/vaults/{Name}",
    structure({
      Name: { schema: STRING, http: "label" },
      Next: { schema: STRING, http: "query", httpName: "next" },
    }),
  );
  const input = Object.assign(Object.create({ Next: "inherited" }), { Name: "v" });
  assert.deepEqual(serialize(input, tokens()), {
    method: "GET",
    path: "/vaults/v",
    query: [],
    headers: {},
  });
  assert.deepEqual(restJsonRequest("GET", "/settings")({}, tokens()), {
    method: "GET",
    path: "/settings",
    query: [],
    headers: {},
  });
});

Deno.test("jsonBodyRequest: the whole input as JSON, a token filled once per serialization", () => {
  const serialize = jsonBodyRequest(
    "PUT",
    "/copy-jobs",
    structure({
      Arn: { schema: STRING, required: true },
      IdempotencyToken: { schema: STRING, idempotencyToken: true },
    }),
  );
  const context = tokens();
  const request = serialize({ Arn: "a" }, context);
  assert.deepEqual(request, {
    method: "PUT",
    path: "/copy-jobs",
    query: [],
    headers: { "content-type": "application/json" },
    body: '{"Arn":"a","IdempotencyToken":"token-1"}',
  });
  assert.equal(
    serialize({ Arn: "a", IdempotencyToken: "t" }, context).body,
    '{"Arn":"a","IdempotencyToken":"t"}',
  );
});

Deno.test("numberHeader: a numeric header is checked as a JSON number of its Smithy type", () => {
  const problem = (read: (text: string) => number, text: string) => {
    try {
      read(text);
    } catch (e) {
      // A codec's TypeError (special floats) or a WireValueError; readMember names the member.
      assert.ok(e instanceof TypeError, String(e));
      return e.message;
    }
    assert.fail(`read ${text}`);
  };
  const byte = numberHeader(BYTE);
  assert.equal(byte("-128"), -128);
  assert.equal(problem(byte, "128"), "expected an 8-bit integer (-128 to 127), got 128");
  assert.equal(problem(byte, "1.5"), "expected an integer, got 1.5");
  for (const text of ["", " 1", "12abc", "0x10", "NaN", "Infinity", "1,2"]) {
    assert.equal(problem(byte, text), `expected a number, got ${JSON.stringify(text)}`, text);
  }
  assert.equal(
    problem(numberHeader(LONG), "9007199254740993"),
    "expected a safe integer " +
      "(from -(2^53 - 1) to 2^53 - 1), got 9007199254740992",
  );
  const double = numberHeader(DOUBLE);
  assert.equal(double("1.5e3"), 1500);
  assert.ok(Number.isNaN(double("NaN")));
  assert.equal(double("-Infinity"), -Infinity);
  assert.match(problem(double, "1e400"), /^Expected a finite number .*, got Infinity$/);
  assert.equal(problem(numberHeader(FLOAT), "1e39"), "expected a 32-bit float, got 1e+39");
  assert.throws(
    () => readMember({}, "F", () => double("1e400")),
    (e) => e instanceof WireValueError && /^F: Expected a finite number/.test(e.message),
  );
});

Deno.test("readMember: sets a defined value; a failure names the member", () => {
  const target: Record<string, unknown> = {};
  readMember(target, "A", () => 1);
  readMember(target, "B", () => undefined);
  assert.deepEqual(target, { A: 1 });
  assert.throws(
    () => readMember(target, "C", () => numberHeader(INTEGER)("x")),
    (e) => e instanceof WireValueError && e.message === 'C: expected a number, got "x"',
  );
  assert.throws(
    () => readMember(target, "D", () => parseBooleanHeader("yes")),
    (e) => e instanceof WireValueError && e.message === "D: Not a boolean: yes",
  );
});

Deno.test("toBase64Text: an absent @mediaType header (undefined or null) stays absent", () => {
  assert.equal(toBase64Text(undefined), undefined);
  assert.equal(toBase64Text(null), undefined);
  assert.equal(toBase64Text('{"é":1}'), "eyLDqSI6MX0=");
});
