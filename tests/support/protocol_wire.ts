// Sees a `Request` as it goes on the wire, and checks it against an `httpRequestTests` case.
//
// A `Request` object is not quite the wire: fetch adds `Content-Length` (which a `Request`
// cannot carry) when it sends it. So the captured request is sent, by Deno's own fetch,
// through a Unix-socket "proxy" to a local server, which answers with what it received:
// method, absolute URL as sent, headers and body bytes. Nothing leaves the machine.

import { isDeepStrictEqual } from "node:util";
import type { HttpRequestTestCase } from "./protocol_cases.ts";

/** A request as the server received it. */
export interface WireRequest {
  method: string;
  /** The absolute request target as sent, e.g. `https://example.com/path?a=b`. */
  url: string;
  headers: Headers;
  body: Uint8Array;
}

/** A local recorder of wire requests; {@linkcode WireRecorder.close} when done. */
export interface WireRecorder {
  send(request: Request): Promise<WireRequest>;
  close(): Promise<void>;
}

/** Starts the recorder on a Unix socket in a new temporary folder. */
export async function startWireRecorder(): Promise<WireRecorder> {
  const dir = await Deno.makeTempDir({ prefix: "wire-" });
  const path = `${dir}/wire.sock`;
  const server = Deno.serve({ path, onListen() {} }, async (request) => {
    const body = new Uint8Array(await request.arrayBuffer());
    return Response.json({
      method: request.method,
      url: request.url,
      headers: [...request.headers],
      body: [...body],
    });
  });
  server.unref();
  const client = Deno.createHttpClient({ proxy: { transport: "unix", path } });
  return {
    async send(request) {
      const response = await fetch(request, { client });
      const seen = await response.json();
      return { ...seen, headers: new Headers(seen.headers), body: new Uint8Array(seen.body) };
    },
    async close() {
      client.close();
      await server.shutdown();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** Splits an absolute URL as sent into host, raw path and raw query pairs (not decoded). */
export function splitTarget(url: string): { host: string; path: string; query: string[] } {
  const afterScheme = url.indexOf("://") + 3;
  const pathStart = url.indexOf("/", afterScheme);
  const host = url.slice(afterScheme, pathStart < 0 ? undefined : pathStart);
  const rest = pathStart < 0 ? "/" : url.slice(pathStart);
  const q = rest.indexOf("?");
  const path = q < 0 ? rest : rest.slice(0, q);
  const search = q < 0 ? "" : rest.slice(q + 1);
  return { host, path, query: search ? search.split("&") : [] };
}

const show = (v: unknown) => JSON.stringify(v);
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const queryKey = (pair: string) => {
  const key = pair.split("=")[0];
  try {
    return decodeURIComponent(key);
  } catch {
    return key;
  }
};

/**
 * Every way `wire` differs from the case, as readable lines (expected vs actual); empty when it
 * matches. Rules as the suite's README gives them.
 */
export function requestProblems(
  wire: WireRequest,
  c: HttpRequestTestCase,
): string[] {
  const problems: string[] = [];
  const { host, path, query } = splitTarget(wire.url);
  if (wire.method !== c.method) problems.push(`method: expected ${c.method}, got ${wire.method}`);
  if (path !== c.uri) problems.push(`path: expected ${show(c.uri)}, got ${show(path)}`);

  const expected = [...c.queryParams ?? []];
  const unexpected: string[] = [];
  for (const pair of query) {
    const i = expected.indexOf(pair);
    if (i >= 0) expected.splice(i, 1);
    else unexpected.push(pair);
  }
  if (expected.length || unexpected.length) {
    problems.push(
      `query: missing ${show(expected)}, unexpected ${show(unexpected)} ` +
        `(expected ${show(c.queryParams ?? [])}, got ${show(query)})`,
    );
  }
  const keys = query.map(queryKey);
  for (const key of c.forbidQueryParams ?? []) {
    if (keys.includes(key)) problems.push(`query: forbidden key ${show(key)} is present`);
  }
  for (const key of c.requireQueryParams ?? []) {
    if (!keys.includes(key)) problems.push(`query: required key ${show(key)} is absent`);
  }

  for (const [name, value] of Object.entries(c.headers ?? {})) {
    const actual = wire.headers.get(name);
    if (actual === null) problems.push(`header ${name}: expected ${show(value)}, absent`);
    else if (actual !== value) {
      problems.push(`header ${name}: expected ${show(value)}, got ${show(actual)}`);
    }
  }
  for (const name of c.forbidHeaders ?? []) {
    const actual = wire.headers.get(name);
    if (actual !== null) problems.push(`header ${name}: forbidden, got ${show(actual)}`);
  }
  for (const name of c.requireHeaders ?? []) {
    if (!wire.headers.has(name)) problems.push(`header ${name}: required, absent`);
  }

  if (c.body !== undefined) {
    if (c.bodyMediaType === "application/json") {
      const actualText = text(wire.body);
      let actual: unknown;
      try {
        actual = JSON.parse(actualText);
      } catch {
        problems.push(`body: expected JSON ${compactJson(c.body)}, got ${show(actualText)}`);
      }
      const want = JSON.parse(c.body);
      if (actual !== undefined && !isDeepStrictEqual(actual, want)) {
        problems.push(`body: expected JSON ${show(want)}, got ${show(actual)}`);
      }
    } else {
      const want = new TextEncoder().encode(c.body);
      if (!isDeepStrictEqual(wire.body, want)) {
        problems.push(`body: expected bytes ${show(c.body)}, got ${show(text(wire.body))}`);
      }
    }
  }
  if (c.resolvedHost !== undefined && host !== c.resolvedHost) {
    problems.push(`host: expected ${show(c.resolvedHost)}, got ${show(host)}`);
  }
  return problems;
}

function compactJson(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body));
  } catch {
    return show(body);
  }
}
