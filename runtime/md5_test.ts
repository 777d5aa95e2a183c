// runtime/md5.ts against node:crypto's MD5 over lengths around every padding boundary.

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { contentMd5, md5 } from "./md5.ts";

const hex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

Deno.test("md5 matches node:crypto on every length from 0 to 200 and a large input", () => {
  for (const length of [...Array(201).keys(), 4096, 100_003]) {
    const data = Uint8Array.from({ length }, (_, i) => (i * 131 + length) & 255);
    assert.equal(hex(md5(data)), createHash("md5").update(data).digest("hex"), `length ${length}`);
  }
});

Deno.test("contentMd5 sets base64 Content-MD5 of the body", async () => {
  const request = { method: "POST", path: "/", query: [], headers: {}, body: '{"foo":"bar"}' } as {
    method: string;
    path: string;
    query: [string, string][];
    headers: Record<string, string>;
    body: string;
  };
  await contentMd5(request);
  assert.equal(
    request.headers["content-md5"],
    createHash("md5").update('{"foo":"bar"}').digest("base64"),
  );
});
