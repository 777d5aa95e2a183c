/**
 * Shape schemas and the three walks over them: validation before sending, JSON serialization
 * of request bodies and JSON deserialization of responses.
 *
 * The generator emits one schema constant per modeled shape (`generated/schemas.ts`); a
 * bundle holds only the schemas its operations reach, and this one small interpreter.
 *
 * @module
 */

import { closestKey } from "./unknown_keys.ts";
import type { ValidationIssue } from "./errors.ts";
import { fromBase64, fromEpochSeconds, parseFloatValue, serializeFloat } from "./serde.ts";
import { toBase64, toEpochSeconds } from "./serde.ts";

/**
 * The three walks over the schemas of one kind. Each schema carries its kind's (`walks`), so a
 * bundle holds the code of only the kinds its schemas use: a Worker whose shapes have no list,
 * map, union, blob, float or document leaves those walks out.
 */
export interface Walks<S> {
  /** Appends the issues of `value` (the depth limit is checked before). */
  validate(s: S, value: unknown, path: string, issues: ValidationIssue[], depth: number): void;
  /** The JSON form of a value that is not `null` or `undefined`. */
  toJson(s: S, value: unknown): unknown;
  /** The typed form of a JSON value that is not `null`. */
  fromJson(s: S, json: unknown): unknown;
}

/** A scalar: no children, maybe constraints. */
export interface ScalarSchema {
  type: "string" | "integer" | "float" | "boolean" | "timestamp" | "blob" | "document";
  /** Length bounds (strings: code points, blobs: bytes). */
  minLength?: number;
  maxLength?: number;
  /** Numeric range bounds (`@range`). */
  min?: number;
  max?: number;
  /**
   * Width of a Smithy number: `byte` 8, `short` 16, `integer`/`intEnum` 32 (integers in
   * two's complement range), `float` 32 (finite values must fit an IEEE 754 single). Absent:
   * `long`/`bigInteger` (any safe integer) and `double`/`bigDecimal`.
   */
  bits?: 8 | 16 | 32;
  pattern?: RegExp;
  /**
   * Wire form of the value (timestamps, blobs, special floats): the codec travels with the
   * schema, so a bundle holds only the codecs its shapes use.
   */
  write?: (value: never) => unknown;
  /** Typed form of a wire value; the inverse of `write`. */
  read?: (wire: never) => unknown;
  /** The walks of this scalar's type. */
  walks: Walks<ScalarSchema>;
}

/** A list; `sparse` lists keep `null` items. */
export interface ListSchema {
  type: "list";
  member: Schema;
  minLength?: number;
  maxLength?: number;
  sparse?: true;
  /** The walks of lists. */
  walks: Walks<ListSchema>;
}

/** A map with string keys. */
export interface MapSchema {
  type: "map";
  key?: Schema;
  value: Schema;
  minLength?: number;
  maxLength?: number;
  sparse?: true;
  /** The walks of maps. */
  walks: Walks<MapSchema>;
}

/** Where a member travels when it is not in the JSON body. */
export type HttpLocation =
  | "label"
  | "query"
  | "queryParams"
  | "header"
  | "prefixHeaders"
  | "payload"
  | "responseCode";

/** A member of a structure or union. */
export interface MemberSchema {
  schema: Schema;
  required?: true;
  /** `@default` value, filled on output when the member is absent. */
  default?: unknown;
  /** Key in JSON, when `@jsonName` renames the member. */
  jsonName?: string;
  /** HTTP binding; bound members are not part of the JSON body. */
  http?: HttpLocation;
  /**
   * `@hostLabel`: also part of the host name, so it must be a valid host label (checked by
   * {@linkcode checkHostLabel}, the member's `check`; this flag tells test generators).
   */
  hostLabel?: true;
  /** The parameter name of an `@httpQuery` member, for serializers that read it from here. */
  httpName?: string;
  /** `@idempotencyToken`: filled with a fresh token, once per call, when absent. */
  idempotencyToken?: true;
  /**
   * Rules the member's HTTP binding adds: {@linkcode checkLabel} (or
   * {@linkcode checkGreedyLabel}), {@linkcode checkHeader},
   * {@linkcode checkPrefixHeaders} or {@linkcode checkHostLabel} (both rules of a member with
   * two: {@linkcode checkAll}). Like codecs they travel with the schema, so a bundle holds
   * only the rules its operations use. (A JSON `@mediaType` header travels base64 and has none.)
   */
  check?: MemberCheck;
}

/** A rule a member's binding adds: appends an issue at `path` when `value` breaks it. */
export type MemberCheck = (value: unknown, path: string, issues: ValidationIssue[]) => void;

/** A structure or union, made by {@linkcode structure} or {@linkcode union}. */
export interface StructureSchema {
  type: "structure" | "union";
  members: Record<string, MemberSchema>;
  /** The members in order, as `[name, member]`; computed once, when the schema is made. */
  memberList: [string, MemberSchema][];
  /**
   * The members in the JSON body (not bound to HTTP), as `[name, member, JSON key]`; computed
   * once, when the schema is made.
   */
  bodyMembers: [string, MemberSchema, string][];
  /** The walks of structures, or of unions. */
  walks: Walks<StructureSchema>;
}

/** Any schema; a function stands for a schema defined later (recursive shapes). */
export type Schema = ScalarSchema | ListSchema | MapSchema | StructureSchema | (() => Schema);

/** What a scalar schema may say beyond its type. */
export type ScalarFields = Omit<ScalarSchema, "type" | "walks">;
/** What a list schema says beyond its member. */
export type ListFields = Pick<ListSchema, "minLength" | "maxLength" | "sparse">;
/** What a map schema says. */
export type MapFields = Omit<MapSchema, "type" | "walks">;

/** A schema that is not a function standing for one. */
export type Resolved = Exclude<Schema, () => Schema>;
/** The schema a function stands for (recursive shapes), or the schema itself. */
export const resolve = (schema: Schema): Resolved =>
  typeof schema === "function" ? resolve(schema()) : schema;
const at = (path: string, name: string) => path ? `${path}.${name}` : name;
const issue = (issues: ValidationIssue[], path: string, message: string) =>
  void issues.push({ path, message });

/**
 * Is `v` a plain object: made by a literal, `JSON.parse`, `Object.create(null)` or
 * `structuredClone` (of any realm)? Arrays, `Map`s, `Date`s, class instances and objects that
 * inherit from another object are not.
 */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

const enumerable = Object.prototype.propertyIsEnumerable;

/**
 * The value of an own enumerable property, else undefined: what validation and serialization
 * both read, so inherited and non-enumerable properties count as absent in both.
 */
export function ownMember(object: object, key: string): unknown {
  return enumerable.call(object, key) ? (object as Record<string, unknown>)[key] : undefined;
}

/** Sets `key` as an own property, also when it is `__proto__` (which `=` would not create). */
export function putMember(object: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(object, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else object[key] = value;
}

/** Objects nested deeper than this are refused (this also stops cyclic input). */
export const MAX_DEPTH = 100;

const LONE_SURROGATE = /\p{Surrogate}/u;
/** Header values `Headers` keeps as they are: visible ASCII, inner spaces and tabs. */
const HEADER_VALUE = /^(?:[\x21-\x7e](?:[\t\x20-\x7e]*[\x21-\x7e])?)?$/;
/** RFC 9110 `token`: what may follow a `@httpPrefixHeaders` prefix in a header name. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~\w-]*$/;
const HOST_LABEL = /^[a-z\d]([a-z\d-]{0,61}[a-z\d])?$/i;
const DOT_SEGMENT = /^\.\.?$/;

/** Code points in a well-formed string, without building an array. */
function codePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) n--;
  }
  return n;
}

/** What `v` is, for a message: "an array", "a Map", "an instance of Foo", "a number". */
export function describe(v: unknown): string {
  if (v == null) return String(v);
  if (Array.isArray(v)) return "an array";
  if (typeof v !== "object") return `a ${typeof v}`;
  if (isPlainObject(v)) return "a plain object";
  const name = (v as { constructor?: { name?: unknown } }).constructor?.name;
  if (typeof name === "string" && name && name !== "Object") {
    return /^(Map|Set|Date|Uint8Array)$/.test(name) ? `a ${name}` : `an instance of ${name}`;
  }
  return "an object inheriting from another object";
}

/**
 * Checks `value` against `schema`, appending one issue per problem to `issues` (never throws).
 *
 * What is checked (README, "Validation"): types (structures and maps are plain objects whose
 * own enumerable data properties are the members or entries, as in serialization: a key the
 * model does not name is an issue, with the member it probably meant; so is a member that is
 * non-enumerable or a getter; inherited properties and symbol keys count as absent), required
 * members (`undefined` and `null` are absent), `@length` in code points (blobs: bytes),
 * `@range`, `@pattern`, the width of each Smithy number type, well-formed Unicode (no lone
 * surrogates) in every string and map key, valid `Date`s within years 0–9999, JSON-only
 * documents, nesting at most {@linkcode MAX_DEPTH} deep, and the rules of HTTP bindings:
 * a URI label is not empty, `.` or `..` (greedy labels: hold no such segment), a header value is
 * visible ASCII without surrounding white space, a `@hostLabel` is a valid host label.
 *
 * @param path where `value` is, e.g. `Lifecycle` (`""` for an operation's input)
 * @param depth how deeply `value` is nested; `0` at the top
 *
 * @example
 * ```ts
 * import { string, validate } from "./schema.ts";
 * const issues: { path: string; message: string }[] = [];
 * validate(string({ maxLength: 3 }), "toolong", "Name", issues);
 * console.assert(issues[0].message === "length must be <= 3");
 * ```
 */
export function validate(
  schema: Schema,
  value: unknown,
  path: string,
  issues: ValidationIssue[],
  depth = 0,
): void {
  const s = resolve(schema);
  if (depth > MAX_DEPTH && typeof value === "object" && value !== null) {
    return issue(issues, path, `is nested more than ${MAX_DEPTH} levels deep (is it cyclic?)`);
  }
  (s.walks as Walks<Resolved>).validate(s, value, path, issues, depth);
}

/** `@length` of a string, blob, list or map whose length is `n`. */
function checkLength(
  s: { minLength?: number; maxLength?: number },
  n: number,
  path: string,
  issues: ValidationIssue[],
) {
  if (n < s.minLength!) issue(issues, path, `length must be >= ${s.minLength}`);
  if (n > s.maxLength!) issue(issues, path, `length must be <= ${s.maxLength}`);
}

/**
 * Every problem of an operation's input, each with the path of the member at fault (see
 * {@linkcode validate}); an empty list means the input may be sent.
 *
 * @example
 * ```ts
 * import { inputIssues, STRING, structure } from "./schema.ts";
 * const schema = structure({ Name: { schema: STRING, required: true } });
 * console.assert(inputIssues(schema, {})[0].path === "Name");
 * ```
 */
export function inputIssues(schema: Schema, input: unknown): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  validate(schema, input, "", issues);
  return issues;
}

/** A map key's issues, at the entry's path, each message starting with "key". */
function checkKey(
  schema: Schema | undefined,
  key: string,
  path: string,
  issues: ValidationIssue[],
) {
  const found: ValidationIssue[] = [];
  if (schema) validate(schema, key, path, found);
  else wellFormed(key, (message) => void found.push({ path, message }));
  for (const issue of found) issues.push({ path, message: `key ${issue.message}` });
}

function range(s: ScalarSchema, value: number, path: string, issues: ValidationIssue[]) {
  if (value < s.min!) issue(issues, path, `must be >= ${s.min}`);
  if (value > s.max!) issue(issues, path, `must be <= ${s.max}`);
}

/** False (after reporting it) when `s` holds a lone surrogate, which UTF-8 cannot carry. */
function wellFormed(s: string, fail: (message: string) => void): boolean {
  const i = s.search(LONE_SURROGATE);
  if (i < 0) return true;
  fail(`must be well-formed Unicode (lone surrogate at index ${i})`);
  return false;
}

/**
 * A non-greedy URI label's rules: not empty, and not exactly `.` or `..`. The label is one path
 * segment with every character but `A-Za-z0-9-._~` percent-encoded (`/` and `%` too), so the only
 * values a WHATWG URL parser would treat as a dot segment and remove, sending the request to
 * another resource, are `.` and `..` themselves: `./x` travels as `.%2Fx`, `%2e` as `%252e`,
 * both ordinary segments (URL Standard, "single-dot URL path segment", "double-dot URL path
 * segment"). Values of the wrong type were reported already and are skipped.
 */
export function checkLabel(v: unknown, path: string, issues: ValidationIssue[]): void {
  if (v === "") issues.push({ path, message: EMPTY_LABEL });
  else if (v === "." || v === "..") {
    issues.push({
      path,
      message: `must not be "." or ".." (a URL parser would remove that path segment)`,
    });
  }
}

/**
 * A greedy URI label's (`{Name+}`) rules: not empty, and no `.` or `..` among the path segments
 * its `/` separate (they travel unencoded, so a parser would remove those segments; any other
 * segment, `%2e` included, is sent as it is: see {@linkcode checkLabel}).
 */
export function checkGreedyLabel(v: unknown, path: string, issues: ValidationIssue[]): void {
  if (v === "") issues.push({ path, message: EMPTY_LABEL });
  else if (typeof v === "string" && v.split("/").some((segment) => DOT_SEGMENT.test(segment))) {
    issues.push({
      path,
      message: `must not hold a "." or ".." path segment (a URL parser would remove it)`,
    });
  }
}

const EMPTY_LABEL = "must not be empty (it is part of the URI)";

/** A `@hostLabel`'s rule: the value is a valid host label (wrong types were reported). */
export function checkHostLabel(v: unknown, path: string, issues: ValidationIssue[]): void {
  if (typeof v === "string" && !HOST_LABEL.test(v)) {
    issues.push({ path, message: "must be a valid host label" });
  }
}

/** The rules of a member with more than one, in order. */
export const checkAll = (...checks: MemberCheck[]): MemberCheck => (v, path, issues) => {
  for (const check of checks) check(v, path, issues);
};

/**
 * A header value's rules (each item of a list): visible ASCII, inner spaces and tabs, no
 * surrounding white space; `Headers` would reject or trim anything else.
 */
export function checkHeader(v: unknown, path: string, issues: ValidationIssue[]): void {
  for (const item of Array.isArray(v) ? v : [v]) {
    if (typeof item === "string" && !HEADER_VALUE.test(item)) {
      return void issues.push({
        path,
        message: "must be visible ASCII, spaces and tabs, without leading or trailing white " +
          "space (it is an HTTP header value)",
      });
    }
  }
}

/** A `@httpPrefixHeaders` map's rules: keys are header-name tokens, values header values. */
export function checkPrefixHeaders(v: unknown, path: string, issues: ValidationIssue[]): void {
  if (!isPlainObject(v)) return;
  for (const key of Object.keys(v)) {
    const itemPath = `${path}[${JSON.stringify(key)}]`;
    if (!HEADER_NAME.test(key)) {
      issues.push({ path: itemPath, message: "key must be an HTTP header name token" });
    }
    checkHeader(v[key], itemPath, issues);
  }
}

/** A document must be JSON data: null, booleans, finite numbers, strings, arrays, plain objects. */
function validateDocument(value: unknown, path: string, issues: ValidationIssue[], depth: number) {
  const fail = (message: string) => void issues.push({ path, message });
  if (value === null || typeof value === "boolean") return;
  if (typeof value === "number") {
    if (!isFinite(value)) fail("must be a finite number (a document is JSON data)");
    return;
  }
  if (typeof value === "string") return void wellFormed(value, fail);
  if (depth > MAX_DEPTH) {
    return fail(`is nested more than ${MAX_DEPTH} levels deep (is it cyclic?)`);
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      validateDocument(value[i] ?? null, `${path}[${i}]`, issues, depth + 1);
    }
    return;
  }
  if (!isPlainObject(value)) {
    return fail(
      `must be JSON data (null, boolean, number, string, array or plain object), not ${
        describe(value)
      }`,
    );
  }
  for (const key of Object.keys(value)) {
    // As in JSON.stringify, an undefined member is absent.
    if (value[key] === undefined) continue;
    const itemPath = `${path}[${JSON.stringify(key)}]`;
    checkKey(undefined, key, itemPath, issues);
    validateDocument(value[key], itemPath, issues, depth + 1);
  }
}

function child(
  schema: Schema,
  v: unknown,
  path: string,
  sparse: unknown,
  issues: ValidationIssue[],
  depth: number,
) {
  if (v != null) validate(schema, v, path, issues, depth + 1);
  else if (!sparse) issues.push({ path, message: "must not be null" });
}

/**
 * Converts a typed value to its JSON form: timestamps to epoch seconds (or the schema's
 * format), blobs to base64, special floats to strings, members renamed by `@jsonName`.
 * Members bound to HTTP locations and unmodeled properties are left out; like
 * {@linkcode validate}, it reads only own enumerable properties.
 */
export function toJson(schema: Schema, value: unknown): unknown {
  const s = resolve(schema);
  return value == null ? value : (s.walks as Walks<Resolved>).toJson(s, value);
}

/**
 * Converts a JSON value to its typed form: the inverse of {@linkcode toJson}. Unknown fields
 * are ignored, absent members with a `@default` get it, a union with an unknown member
 * becomes `{ $unknown: [name, value] }`.
 */
export function fromJson(schema: Schema, json: unknown): unknown {
  const s = resolve(schema);
  return json == null ? undefined : (s.walks as Walks<Resolved>).fromJson(s, json);
}

// The walks of each kind, and the functions that make schemas of that kind.

/**
 * A response value that does not fit its schema, at `path` (member names, `[index]`,
 * `["key"]`): what {@linkcode fromJson} throws, so that the caller's error names the field.
 */
export class WireValueError extends TypeError {
  /** Always `WireValueError`. */
  override name = "WireValueError";
  /** What is wrong, e.g. `expected a string, got a number`. */
  declare readonly problem: string;
  /** Where, e.g. `CopyJob.BackupSizeInBytes`; `""` at the top. */
  declare readonly path: string;

  /**
   * @param problem what is wrong
   * @param path where
   */
  constructor(problem: string, path = "") {
    super(path ? `${path}: ${problem}` : problem);
    this.problem = problem;
    this.path = path;
  }
}

/**
 * Rethrows what reading a child threw, as a {@linkcode WireValueError} one level deeper
 * (`segment`: a member name, `[index]` or `["key"]`).
 */
export function rethrowWithin(e: unknown, segment: string): never {
  // A codec's TypeError becomes the problem itself: its message says all it knows.
  if (!(e instanceof WireValueError)) {
    throw new WireValueError(e instanceof Error ? e.message : String(e), segment);
  }
  const dot = e.path && !e.path.startsWith("[") ? "." : "";
  throw new WireValueError(e.problem, segment + dot + e.path);
}

/** Throws unless a JSON value is of the `expected` JSON type. */
function expectJson(json: unknown, type: string, expected: string): void {
  if (typeof json !== type || (type === "object" && Array.isArray(json))) {
    throw new WireValueError(`expected ${expected}, got ${describe(json)}`);
  }
}

/** Scalars travel as they are unless their schema has a codec. */
const writeScalar = (s: ScalarSchema, value: unknown) => s.write ? s.write(value as never) : value;
const readScalar = (s: ScalarSchema, json: unknown) => s.read ? s.read(json as never) : json;

/**
 * The walks of a scalar type: its own rules, the shared codec handling. Without a codec, a
 * JSON value of another type than `json` (`typeof`) is refused on reading; `check` then refuses
 * a value of the right JSON type that the Smithy type cannot hold.
 */
const scalarWalks = (
  validate: Walks<ScalarSchema>["validate"],
  json?: [type: string, expected: string],
  check?: (s: ScalarSchema, value: never) => void,
): Walks<ScalarSchema> => ({
  validate,
  toJson: writeScalar,
  fromJson: json
    ? (s, value) => {
      if (!s.read) expectJson(value, ...json);
      const read = readScalar(s, value);
      check?.(s, read as never);
      return read;
    }
    : readScalar,
});

const STRING_WALKS = /* @__PURE__ */ scalarWalks((s, value, path, issues) => {
  if (typeof value !== "string") return issue(issues, path, "must be a string");
  if (!wellFormed(value, (message) => issue(issues, path, message))) return;
  if (s.minLength !== undefined || s.maxLength !== undefined) {
    checkLength(s, codePoints(value), path, issues);
  }
  if (s.pattern && !s.pattern.test(value)) issue(issues, path, `must match ${s.pattern}`);
}, ["string", "a string"]);

/**
 * What values of an integer schema are, when the number `value` is not one; else undefined.
 * `byte`, `short`, `integer` by their width; `long`/`bigInteger` (no `bits`) are safe integers,
 * in input and output alike: a larger number is not carried exactly by a JavaScript number
 * (`JSON.parse` has already rounded it), so it is refused rather than changed silently.
 */
function integerFit(s: ScalarSchema, value: number): string | undefined {
  if (!Number.isInteger(value)) return "an integer";
  if (s.bits) {
    const limit = 2 ** (s.bits - 1);
    if (value < -limit || value >= limit) {
      return `${s.bits === 8 ? "an" : "a"} ${s.bits}-bit integer (${-limit} to ${limit - 1})`;
    }
  } else if (!Number.isSafeInteger(value)) {
    return "a safe integer (from -(2^53 - 1) to 2^53 - 1)";
  }
}

const INTEGER_WALKS = /* @__PURE__ */ scalarWalks(
  (s, value, path, issues) => {
    if (typeof value !== "number") return issue(issues, path, "must be an integer");
    const fit = integerFit(s, value);
    if (fit) return issue(issues, path, `must be ${fit}`);
    range(s, value, path, issues);
  },
  ["number", "a number"],
  // `@range` is not checked on output: a service may widen a range without a new client.
  (s, value: number) => {
    const fit = integerFit(s, value);
    if (fit) throw new WireValueError(`expected ${fit}, got ${value}`);
  },
);

/** Does a number fit a 32-bit float (NaN and ±Infinity do; finite ones must not round to ±∞)? */
const fitsFloat32 = (value: number) => !isFinite(value) || isFinite(Math.fround(value));

const FLOAT_WALKS = /* @__PURE__ */ scalarWalks(
  (s, value, path, issues) => {
    if (typeof value !== "number") return issue(issues, path, "must be a number");
    if (s.bits && !fitsFloat32(value)) {
      return issue(issues, path, "must fit a 32-bit float (or be NaN or ±Infinity)");
    }
    range(s, value, path, issues);
  },
  // The codec reads the wire value (a finite number, or "NaN", "Infinity", "-Infinity").
  ["number", "a number"],
  (s, value: number) => {
    if (s.bits && !fitsFloat32(value)) {
      throw new WireValueError(`expected a 32-bit float, got ${value}`);
    }
  },
);

const BOOLEAN_WALKS = /* @__PURE__ */ scalarWalks((_s, value, path, issues) => {
  if (typeof value !== "boolean") issue(issues, path, "must be a boolean");
}, ["boolean", "a boolean"]);

const TIMESTAMP_WALKS = /* @__PURE__ */ scalarWalks((_s, value, path, issues) => {
  const year = value instanceof Date ? value.getUTCFullYear() : NaN;
  if (!(year >= 0 && year <= 9999)) {
    issue(issues, path, "must be a valid Date in the years 0 to 9999");
  }
});

const BLOB_WALKS = /* @__PURE__ */ scalarWalks((s, value, path, issues) => {
  if (typeof value === "string") {
    if (wellFormed(value, (message) => issue(issues, path, message))) {
      checkLength(s, new TextEncoder().encode(value).length, path, issues);
    }
    return;
  }
  if (!(value instanceof Uint8Array)) {
    return issue(issues, path, "must be a Uint8Array or a string");
  }
  checkLength(s, value.length, path, issues);
});

const DOCUMENT_WALKS = /* @__PURE__ */ scalarWalks((_s, value, path, issues, depth) =>
  validateDocument(value, path, issues, depth)
);

/** Plain strings and enums. */
export const STRING: ScalarSchema = { type: "string", walks: STRING_WALKS };
/** Smithy `byte`: an integer from -128 to 127. */
export const BYTE: ScalarSchema = { type: "integer", bits: 8, walks: INTEGER_WALKS };
/** Smithy `short`: an integer from -32768 to 32767. */
export const SHORT: ScalarSchema = { type: "integer", bits: 16, walks: INTEGER_WALKS };
/** Smithy `integer` and `intEnum`: a 32-bit signed integer. */
export const INTEGER: ScalarSchema = { type: "integer", bits: 32, walks: INTEGER_WALKS };
/**
 * Smithy `long` and `bigInteger`: a safe integer (|n| ≤ 2^53 − 1), the largest a JavaScript
 * number carries exactly.
 */
export const LONG: ScalarSchema = { type: "integer", walks: INTEGER_WALKS };
/** Smithy `float` (NaN and the infinities travel as strings; finite values fit 32 bits). */
export const FLOAT: ScalarSchema = {
  type: "float",
  bits: 32,
  write: serializeFloat,
  read: parseFloatValue,
  walks: FLOAT_WALKS,
};
/** Smithy `double` and `bigDecimal` (NaN and the infinities travel as strings). */
export const DOUBLE: ScalarSchema = {
  type: "float",
  write: serializeFloat,
  read: parseFloatValue,
  walks: FLOAT_WALKS,
};
/** Booleans. */
export const BOOLEAN: ScalarSchema = { type: "boolean", walks: BOOLEAN_WALKS };
/** Timestamps, as epoch seconds: the JSON body's default format. */
export const TIMESTAMP: ScalarSchema = {
  type: "timestamp",
  write: toEpochSeconds,
  read: fromEpochSeconds,
  walks: TIMESTAMP_WALKS,
};
/** Binary data, base64 in JSON. */
export const BLOB: ScalarSchema = {
  type: "blob",
  write: toBase64,
  read: fromBase64,
  walks: BLOB_WALKS,
};
/** Untyped JSON documents: JSON data only. */
export const DOCUMENT: ScalarSchema = { type: "document", walks: DOCUMENT_WALKS };

// Scalar schemas with constraints (or another codec): the shared one of the type, plus fields.

/** A string schema (`@length`, `@pattern`): {@linkcode STRING} with `fields`. */
export const string = (fields: ScalarFields = {}): ScalarSchema => ({ ...STRING, ...fields });
/** An integer schema (`bits`, `@range`): {@linkcode LONG} with `fields`. */
export const integer = (fields: ScalarFields = {}): ScalarSchema => ({ ...LONG, ...fields });
/** A float schema (`bits` 32 for `float`, `@range`): {@linkcode DOUBLE} with `fields`. */
export const float = (fields: ScalarFields = {}): ScalarSchema => ({ ...DOUBLE, ...fields });
/** A timestamp schema (another wire format's codec): {@linkcode TIMESTAMP} with `fields`. */
export const timestamp = (fields: ScalarFields = {}): ScalarSchema => ({
  ...TIMESTAMP,
  ...fields,
});
/** A blob schema (`@length` in bytes): {@linkcode BLOB} with `fields`. */
export const blob = (fields: ScalarFields = {}): ScalarSchema => ({ ...BLOB, ...fields });
/** A boolean schema: {@linkcode BOOLEAN} with `fields`. */
export const boolean = (fields: ScalarFields = {}): ScalarSchema => ({ ...BOOLEAN, ...fields });
/** A document schema: {@linkcode DOCUMENT} with `fields`. */
export const document = (fields: ScalarFields = {}): ScalarSchema => ({ ...DOCUMENT, ...fields });

const LIST_WALKS: Walks<ListSchema> = {
  validate(s, value, path, issues, depth) {
    if (!Array.isArray(value)) {
      return issue(issues, path, `must be an array, not ${describe(value)}`);
    }
    checkLength(s, value.length, path, issues);
    // An index loop, not forEach: a hole is a missing item, not a skipped one.
    for (let i = 0; i < value.length; i++) {
      child(s.member, value[i], `${path}[${i}]`, s.sparse, issues, depth);
    }
  },
  toJson: (s, value) => (value as unknown[]).map((item) => toJson(s.member, item)),
  fromJson(s, json) {
    if (!Array.isArray(json)) throw new WireValueError(`expected an array, got ${describe(json)}`);
    const out: unknown[] = [];
    for (let i = 0; i < json.length; i++) {
      const item = json[i];
      if (item == null) {
        if (s.sparse) out.push(null);
        continue;
      }
      try {
        out.push(fromJson(s.member, item));
      } catch (e) {
        rethrowWithin(e, `[${i}]`);
      }
    }
    return out;
  },
};

/** A list schema (`@length`, `@sparse`). */
export const list = (member: Schema, fields: ListFields = {}): ListSchema => ({
  type: "list",
  member,
  ...fields,
  walks: LIST_WALKS,
});

const MAP_WALKS: Walks<MapSchema> = {
  validate(s, value, path, issues, depth) {
    if (!isPlainObject(value)) {
      return issue(issues, path, `must be a plain object, not ${describe(value)}`);
    }
    const keys = Object.keys(value);
    checkLength(s, keys.length, path, issues);
    for (const key of keys) {
      const itemPath = `${path}[${JSON.stringify(key)}]`;
      checkKey(s.key, key, itemPath, issues);
      // Map values are data, any key goes; but a getter would be read again to send.
      const property = Object.getOwnPropertyDescriptor(value, key)!;
      const problem = notData(property);
      if (problem) issue(issues, itemPath, problem);
      else child(s.value, property.value, itemPath, s.sparse, issues, depth);
    }
  },
  toJson(s, value) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as object)) {
      if (v != null || s.sparse) putMember(out, k, toJson(s.value, v));
    }
    return out;
  },
  fromJson(s, json) {
    expectJson(json, "object", "an object");
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(json as Record<string, unknown>)) {
      if (v == null) {
        if (s.sparse) putMember(out, k, null);
        continue;
      }
      try {
        putMember(out, k, fromJson(s.value, v));
      } catch (e) {
        rethrowWithin(e, `[${JSON.stringify(k)}]`);
      }
    }
    return out;
  },
};

/** A map schema: `value`'s schema, maybe the `key`'s (`@length`, `@pattern`), `@sparse`. */
export const map = (fields: MapFields): MapSchema => ({ type: "map", ...fields, walks: MAP_WALKS });

/**
 * Validates the members of a structure or union; returns how many are set. Members are own
 * enumerable data properties, which is what the serializers copy and read, so these are
 * refused: a key the model does not name (with the member it probably meant), and a member
 * made non-enumerable or defined by a getter (`Object.defineProperty`), which would be
 * validated and then dropped, or read again. Symbol keys are not members and are ignored, as in
 * `JSON.stringify`; inherited properties are not the object's and are absent.
 */
function validateMembers(
  s: StructureSchema,
  value: unknown,
  path: string,
  issues: ValidationIssue[],
  depth: number,
): number {
  if (!isPlainObject(value)) {
    issue(issues, path, `must be a plain object, not ${describe(value)}`);
    return -1;
  }
  let set = 0;
  /** Members that are own enumerable properties, whatever their value. */
  let own = 0;
  for (const [name, member] of s.memberList) {
    // One read of the property, for what it is and what it holds (cheaper than two).
    const property = Object.getOwnPropertyDescriptor(value, name);
    let v: unknown;
    if (property) {
      const problem = notData(property);
      if (problem) {
        issue(issues, at(path, name), problem);
        continue;
      }
      own++;
      v = property.value;
    }
    if (v == null) {
      if (member.required) issue(issues, at(path, name), "is required");
      continue;
    }
    set++;
    const memberPath = at(path, name);
    validate(member.schema, v, memberPath, issues, depth + 1);
    member.check?.(v, memberPath, issues);
  }
  // Every own enumerable key is a member unless there are more keys than members found.
  if (Object.keys(value).length !== own) unknownMembers(s, value, path, issues);
  return set;
}

/**
 * Why an own property cannot be a member or map entry, else undefined: serializers copy own
 * enumerable properties (a non-enumerable one would be validated and dropped) and read each
 * again (a getter could answer something else the second time).
 */
function notData(property: PropertyDescriptor): string | undefined {
  if (!property.enumerable) {
    return "must be enumerable (a non-enumerable property is not sent)";
  }
  if (property.get || property.set) {
    return "must be a data property, not a getter (it would be read twice)";
  }
}

/** Reports each own enumerable key of `value` that is not a member of `s`. */
function unknownMembers(
  s: StructureSchema,
  value: Record<string, unknown>,
  path: string,
  issues: ValidationIssue[],
) {
  for (const key of Object.keys(value)) {
    if (Object.hasOwn(s.members, key)) continue;
    const near = closestKey(key, s.memberList.map(([name]) => name));
    issue(
      issues,
      at(path, key),
      `is not a member the model defines${near ? ` (did you mean ${near}?)` : ""}`,
    );
  }
}

function membersToJson(s: StructureSchema, value: unknown): unknown {
  const out: Record<string, unknown> = {};
  for (const [name, member, key] of s.bodyMembers) {
    const v = ownMember(value as object, name);
    if (v != null) putMember(out, key, toJson(member.schema, v));
  }
  return out;
}

function membersFromJson(s: StructureSchema, json: unknown): Record<string, unknown> {
  expectJson(json, "object", "an object");
  const out: Record<string, unknown> = {};
  for (const [name, member, key] of s.bodyMembers) {
    let v: unknown;
    try {
      v = fromJson(member.schema, ownMember(json as object, key));
    } catch (e) {
      rethrowWithin(e, name);
    }
    if (v !== undefined) out[name] = v;
    else if (member.default !== undefined) out[name] = fromJson(member.schema, member.default);
  }
  return out;
}

const STRUCTURE_WALKS: Walks<StructureSchema> = {
  validate: validateMembers,
  toJson: membersToJson,
  fromJson: membersFromJson,
};

const UNION_WALKS: Walks<StructureSchema> = {
  validate(s, value, path, issues, depth) {
    const set = validateMembers(s, value, path, issues, depth);
    if (set >= 0 && set !== 1) issue(issues, path, "must have exactly one member set");
  },
  toJson: membersToJson,
  fromJson(s, json) {
    const out = membersFromJson(s, json);
    if (Object.keys(out).length) return out;
    const obj = json as Record<string, unknown>;
    const unknown = Object.keys(obj).find((k) =>
      k !== "__type" && !s.bodyMembers.some(([, , key]) => key === k)
    );
    return unknown ? { $unknown: [unknown, obj[unknown]] } : out;
  },
};

/** The parts of a structure or union schema computed once: member lists in order. */
const withMembers = (
  type: StructureSchema["type"],
  members: Record<string, MemberSchema>,
  walks: Walks<StructureSchema>,
): StructureSchema => {
  const memberList = Object.entries(members);
  const bodyMembers = memberList.filter(([, m]) => !m.http)
    .map(([name, m]): [string, MemberSchema, string] => [name, m, m.jsonName ?? name]);
  return { type, members, memberList, bodyMembers, walks };
};

/** A structure schema from its members (in the model's order). */
export const structure = (members: Record<string, MemberSchema>): StructureSchema =>
  withMembers("structure", members, STRUCTURE_WALKS);

/**
 * The input of an operation that has none (`smithy.api#Unit`): an empty structure, so a key a
 * caller passes is refused as for any other input instead of being ignored.
 */
export const NO_INPUT: StructureSchema = /* @__PURE__ */ structure({});

/** A union schema from its members: exactly one is set; an unknown one is kept as `$unknown`. */
export const union = (members: Record<string, MemberSchema>): StructureSchema =>
  withMembers("union", members, UNION_WALKS);
