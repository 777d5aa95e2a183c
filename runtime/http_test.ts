/** Header lists as `setHeader` writes them and `readHeaderList` reads them back. */

import assert from "node:assert/strict";
import { readHeaderList, setHeader } from "./http.ts";

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
