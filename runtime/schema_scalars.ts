/**
 * The scalar kinds: strings, numbers by width, booleans, timestamps, blobs and documents — the
 * shared schema of each (`STRING`, `INTEGER`, …), makers of constrained ones (`string(…)`, …),
 * and their walks (a codec travels with the schema).
 *
 * @module
 */

import { describe, isPlainArray, isPlainObject } from "./plain_objects.ts";
import type { ScalarFields, ScalarSchema, Walks } from "./schema.ts";
import { expectJson, WireValueError } from "./schema_json.ts";
import {
  accessor,
  checkKey,
  checkLength,
  issue,
  itemAt,
  MAX_DEPTH,
  NOT_DATA,
  wellFormed,
} from "./schema_validation.ts";
import {
  fromBase64,
  fromEpochSeconds,
  parseFloatValue,
  serializeFloat,
  toBase64,
  toEpochSeconds,
} from "./serde.ts";
import type { ValidationIssue } from "./errors.ts";

/** Code points in a well-formed string, without building an array. */
function codePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) n--;
  }
  return n;
}

function range(s: ScalarSchema, value: number, path: string, issues: ValidationIssue[]) {
  if (value < s.min!) issue(issues, path, `must be >= ${s.min}`);
  if (value > s.max!) issue(issues, path, `must be <= ${s.max}`);
}

/** An own key of an array that is one of its items. */
const ARRAY_INDEX = /^(?:0|[1-9]\d*)$/;

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
  // JSON.stringify sends a document as it is: it reads arrays by index and objects by their own
  // enumerable keys, and calls a `toJSON` it finds, so what it would read again (a getter) or
  // call (an array's own `toJSON`, a subclass's) is refused.
  if (Array.isArray(value)) {
    if (!isPlainArray(value)) return fail(`must be a plain array, not ${describe(value)}`);
    for (const key of Object.keys(value)) {
      if (!ARRAY_INDEX.test(key)) {
        issues.push({ path: `${path}[${JSON.stringify(key)}]`, message: "is not an array item" });
      }
    }
    for (let i = 0; i < value.length; i++) {
      const itemPath = `${path}[${i}]`;
      const item = itemAt(value, i, itemPath, issues);
      if (item !== NOT_DATA) validateDocument(item ?? null, itemPath, issues, depth + 1);
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
    const itemPath = `${path}[${JSON.stringify(key)}]`;
    const property = Object.getOwnPropertyDescriptor(value, key);
    const problem = accessor(property);
    if (problem) {
      issues.push({ path: itemPath, message: problem });
      continue;
    }
    // As in JSON.stringify, an undefined member is absent.
    if (property!.value === undefined) continue;
    checkKey(undefined, key, itemPath, issues);
    validateDocument(property!.value, itemPath, issues, depth + 1);
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
