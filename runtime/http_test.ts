/**
 * Header lists as `setHeader` writes them and `readHeaderList` reads them back; the requests
 * `restJsonRequest` and `jsonBodyRequest` build from an input schema.
 */

import assert from "node:assert/strict";
import { jsonBodyRequest, readHeaderList, restJsonRequest, setHeader } from "./http.ts";
import { INTEGER, list, STRING, structure, timestamp } from "./schema.ts";

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
