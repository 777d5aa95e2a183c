/**
 * The protocol-neutral HTTP request and response that generated serializers build and
 * generated deserializers read, and the small helpers they call.
 *
 * @module
 */

import { describe } from "./plain_objects.ts";
import type { ScalarSchema, StructureSchema } from "./schema.ts";
import { fromJson, rethrowWithin, toJson, WireValueError } from "./schema_json.ts";
import { encodeLabel, fromBase64, toBase64, toDateTime, toHttpDate } from "./serde.ts";

/** UTF-8 decoding without `stream` keeps no state between calls: one decoder serves all. */
const UTF8 = new TextDecoder();

/** A request before endpoint resolution and signing. */
export interface HttpRequest {
  method: string;
  /** Path with labels already percent-encoded, starting with `/`. */
  path: string;
  /** Query pairs, unencoded, in order; a key may repeat. */
  query: [string, string][];
  /** Header names in lower case. */
  headers: Record<string, string>;
  body?: string | Uint8Array;
  /** `@endpoint(hostPrefix)` with labels filled in, prepended to the endpoint host. */
  hostPrefix?: string;
}

/** A response whose body has been read completely. */
export interface HttpResponse {
  status: number;
  headers: Headers;
  body: Uint8Array;
}

/** What a serializer may need from the client. */
export interface SerializeContext {
  /** Makes idempotency tokens (UUID v4 unless the client says otherwise). */
  idempotencyToken(): string;
}

/**
 * A copy of an input's own enumerable properties on a null prototype: serializers read
 * members from it, so inherited ones (even from a polluted `Object.prototype`) and
 * non-enumerable ones stay absent, as they are for validation.
 */
export function ownMembers<T extends object>(input: T): T {
  return Object.assign(Object.create(null), input);
}

/**
 * The serializer of a restJson1 request whose input travels only as JSON body members,
 * `@httpLabel`s of `uri` (not timestamps) and `@httpQuery` parameters (timestamps only as
 * date-time, the query's default), read from the input's schema; the generator emits code of
 * its own for any other request (headers, payloads, host prefixes, other timestamps). `@idempotencyToken` members are
 * filled when absent; labels are percent-encoded (`{Name+}` keeps its `/`).
 *
 * @param method the `@http` method
 * @param uri the `@http` URI, e.g. `/backup-vaults/{BackupVaultName}` (a literal query stays)
 * @param schema the input's schema; absent when the operation has no input
 *
 * @example
 * ```ts
 * import { restJsonRequest } from "./http.ts";
 * import { STRING } from "./schema_scalars.ts";
 * import { structure } from "./schema_structures.ts";
 * const serialize = restJsonRequest("GET", "/vaults/{Name}", structure({
 *   Name: { schema: STRING, http: "label" },
 *   Max: { schema: STRING, http: "query", httpName: "max" },
 * }));
 * const request = serialize({ Name: "a b", Max: "5" }, { idempotencyToken: () => "t" });
 * console.assert(request.path === "/vaults/a%20b" && request.query[0][0] === "max");
 * ```
 */
export function restJsonRequest(
  method: string,
  uri: string,
  schema?: StructureSchema,
): (input: object, context: SerializeContext) => HttpRequest {
  // Split once, not per call: literal text at 0, 3, 6, …; each label's name and "+" (greedy)
  // between.
  const parts = uri.split(/\{([^}+]+)(\+?)\}/);
  return (input, context) => {
    // Members are read from a copy of the own enumerable properties, so inherited and
    // non-enumerable ones stay absent, as in validation.
    const own = ownMembers(input) as Record<string, unknown>;
    fillTokens(schema, own, context);
    const query: [string, string][] = [];
    for (const [name, member] of schema?.memberList ?? []) {
      if (member.http === "query") addQuery(query, member.httpName!, own[name] as QueryValue);
    }
    let path = parts[0];
    for (let i = 1; i < parts.length; i += 3) {
      path += encodeLabel(String(own[parts[i]]), parts[i + 1] === "+") + parts[i + 2];
    }
    return schema?.bodyMembers.length
      ? jsonBody(method, path, query, schema, own)
      : { method, path, query, headers: {} };
  };
}

/**
 * The serializer of a restJson1 request whose whole input is the JSON body (`@idempotencyToken`
 * members filled when absent): {@linkcode restJsonRequest} without labels and query, so a
 * bundle whose requests are all like this leaves that code out.
 */
export function jsonBodyRequest(
  method: string,
  path: string,
  schema: StructureSchema,
): (input: object, context: SerializeContext) => HttpRequest {
  return (input, context) => {
    const own = ownMembers(input) as Record<string, unknown>;
    fillTokens(schema, own, context);
    return jsonBody(method, path, [], schema, own);
  };
}

/**
 * Fills absent `@idempotencyToken` members of the input's copy: here, once per call, so every
 * retry of the call reuses the same token.
 */
function fillTokens(
  schema: StructureSchema | undefined,
  own: Record<string, unknown>,
  context: SerializeContext,
): void {
  for (const [name, member] of schema?.memberList ?? []) {
    if (member.idempotencyToken) own[name] ??= context.idempotencyToken();
  }
}

function jsonBody(
  method: string,
  path: string,
  query: [string, string][],
  schema: StructureSchema,
  own: Record<string, unknown>,
): HttpRequest {
  const headers = { "content-type": "application/json" };
  return { method, path, query, headers, body: JSON.stringify(toJson(schema, own)) };
}

/** Scalars that can travel in a query string or header. */
type QueryValue = string | number | boolean | Date;

/**
 * Appends a `@httpQuery` member: lists repeat the key, timestamps are written by `timestamp`
 * (default date-time), absent values are skipped.
 */
export function addQuery(
  query: [string, string][],
  key: string,
  value: QueryValue | QueryValue[] | undefined,
  timestamp: (date: Date) => string | number = toDateTime,
): void {
  if (value == null) return;
  // By index, as validation read the items (not the array's iterator, which may be its own).
  const items = Array.isArray(value) ? value : [value];
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    query.push([key, String(item instanceof Date ? timestamp(item) : item)]);
  }
}

/**
 * Parses a JSON response body; an empty body is `{}`.
 *
 * @throws {SyntaxError} the body is not JSON
 * @throws {TypeError} the body is JSON but not an object (`null`, an array, a string, …)
 */
export function parseJsonBody(response: HttpResponse): Record<string, unknown> {
  const text = UTF8.decode(response.body);
  const value: unknown = text.trim() ? JSON.parse(text) : {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(`Expected a JSON object, got ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

/** Scalars (or lists of them) that can travel in a header. */
type HeaderValue = string | number | boolean | Date;

/**
 * Sets a `@httpHeader` member: timestamps are written by `timestamp` (default http-date),
 * list items are joined with `, ` and quoted when they hold a comma or a quote, or are empty
 * (which `Headers` would otherwise trim away at the end of the list).
 */
export function setHeader(
  headers: Record<string, string>,
  name: string,
  value: HeaderValue | HeaderValue[] | undefined,
  timestamp: (date: Date) => string | number = toHttpDate,
): void {
  if (value == null) return;
  const text = (item: HeaderValue) => String(item instanceof Date ? timestamp(item) : item);
  if (!Array.isArray(value)) {
    headers[name] = text(value);
    return;
  }
  // By index, as validation read the items (not the array's own `map`, if it has one).
  const items: string[] = [];
  for (let i = 0; i < value.length; i++) {
    const item = value[i];
    const s = text(item);
    items.push(
      typeof item === "string" && (s === "" || /[",]/.test(s))
        ? `"${s.replace(/["\\]/g, "\\$&")}"`
        : s,
    );
  }
  headers[name] = items.join(", ");
}

/** Sets every entry of a `@httpPrefixHeaders` map as `prefix + key`. */
export function setPrefixHeaders(
  headers: Record<string, string>,
  prefix: string,
  map: Record<string, string> | undefined,
): void {
  for (const [key, value] of Object.entries(map ?? {})) {
    headers[(prefix + key).toLowerCase()] = value;
  }
}

/** Appends a `@httpQueryParams` map; keys already bound by `@httpQuery` members win. */
export function addQueryParams(
  query: [string, string][],
  map: Record<string, string | string[]> | undefined,
): void {
  const bound = new Set(query.map(([key]) => key));
  for (const [key, value] of Object.entries(map ?? {})) {
    if (!bound.has(key)) addQuery(query, key, value);
  }
}

/** Reads a `@httpHeader` member; `parse` turns the text into the member's type. */
export function readHeader<T = string>(
  response: HttpResponse,
  name: string,
  parse: (text: string) => T = (text) => text as T,
): T | undefined {
  const text = response.headers.get(name);
  return text === null ? undefined : parse(text);
}

/**
 * Reads a list `@httpHeader`: items split at commas outside quotes (http-dates, which hold a
 * comma themselves, split after `GMT`), quoted items unquoted.
 */
export function readHeaderList<T = string>(
  response: HttpResponse,
  name: string,
  parse: (text: string) => T = (text) => text as T,
  httpDates = false,
): T[] | undefined {
  const text = response.headers.get(name);
  if (text === null) return undefined;
  const items = httpDates ? text.split(/(?<=GMT)\s*,\s*/) : text.match(/"(?:[^"\\]|\\.)*"|[^,]+/g);
  return (items ?? []).map((item) => {
    const trimmed = item.trim();
    const unquoted = /^".*"$/.test(trimmed)
      ? trimmed.slice(1, -1).replace(/\\(.)/g, "$1")
      : trimmed;
    return parse(unquoted);
  });
}

/** Reads a `@httpPrefixHeaders` map: every header starting with `prefix`, prefix removed. */
export function readPrefixHeaders(
  response: HttpResponse,
  prefix: string,
): Record<string, string> {
  const map: Record<string, string> = {};
  const lower = prefix.toLowerCase();
  response.headers.forEach((value, name) => {
    if (name.startsWith(lower)) map[name.slice(lower.length)] = value;
  });
  return map;
}

/** A JSON number's text: what a numeric header holds (special floats aside). */
const NUMBER_TEXT = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:e[+-]?\d+)?$/i;

/**
 * The reader of a numeric `@httpHeader` of `schema`'s type: the text is a number (or, for a
 * float, `NaN`, `Infinity`, `-Infinity`) checked as the JSON body's would be, so `1.5` is not an
 * `integer`, `128` not a `byte`, `1e400` not a `double`, and `""` or `12abc` nothing at all.
 *
 * @throws {TypeError} the text is not a value of the schema's type: a {@linkcode WireValueError},
 *   or the float codec's TypeError ({@linkcode readMember} names the member in either case)
 */
export const numberHeader = (schema: ScalarSchema): (text: string) => number => (text) => {
  const special = schema.type === "float" && /^(NaN|-?Infinity)$/.test(text);
  if (!special && !NUMBER_TEXT.test(text)) {
    throw new WireValueError(`expected a number, got ${JSON.stringify(text)}`);
  }
  return fromJson(schema, special ? text : Number(text)) as number;
};

/**
 * Sets the member `key` of `target` to what `read` returns, when defined; what `read` throws
 * (a header that does not parse) becomes a {@linkcode WireValueError} naming the member.
 */
export function readMember(
  target: Record<string, unknown>,
  key: string,
  read: () => unknown,
): void {
  let value: unknown;
  try {
    value = read();
  } catch (e) {
    rethrowWithin(e, key);
  }
  if (value !== undefined) target[key] = value;
}

/** `"true"` / `"false"` from a header. */
export function parseBooleanHeader(text: string): boolean {
  if (text !== "true" && text !== "false") throw new TypeError(`Not a boolean: ${text}`);
  return text === "true";
}

/** A `@mediaType` string from a header, where it travels as base64. */
export function fromBase64Text(text: string): string {
  return UTF8.decode(fromBase64(text));
}

/**
 * The text of a `@mediaType` string for a header: base64 of its UTF-8 bytes; undefined when
 * absent (`undefined` or `null`, as validation counts it).
 */
export function toBase64Text(text: string | null | undefined): string | undefined {
  return text == null ? undefined : toBase64(text);
}

/** Sets `key` on `target` only when `value` is defined, so absent members stay absent. */
export function assignDefined(target: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== undefined) target[key] = value;
}

/** A payload's text, or undefined when the body is empty. */
export function bodyText(response: HttpResponse): string | undefined {
  return response.body.length ? UTF8.decode(response.body) : undefined;
}

/** A blob payload, or undefined when the body is empty. */
export function bodyBytes(response: HttpResponse): Uint8Array | undefined {
  return response.body.length ? response.body : undefined;
}
