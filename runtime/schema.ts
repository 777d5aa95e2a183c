/**
 * Shape schemas and the three walks over them: validation before sending, JSON serialization
 * of request bodies and JSON deserialization of responses.
 *
 * The generator emits one schema constant per modeled shape (`generated/schemas.ts`); a
 * bundle holds only the schemas its operations reach, and this one small interpreter.
 *
 * @module
 */

import type { ValidationIssue } from "./errors.ts";
import { fromBase64, fromEpochSeconds, parseFloatValue, serializeFloat } from "./serde.ts";
import { toBase64, toEpochSeconds } from "./serde.ts";

/** A scalar: no children, maybe constraints. */
export interface ScalarSchema {
  type: "string" | "integer" | "float" | "boolean" | "timestamp" | "blob" | "document";
  /** Length bounds (strings: code points, blobs: bytes). */
  minLength?: number;
  maxLength?: number;
  /** Numeric range bounds. */
  min?: number;
  max?: number;
  pattern?: RegExp;
  /**
   * Wire form of the value (timestamps, blobs, special floats): the codec travels with the
   * schema, so a bundle holds only the codecs its shapes use.
   */
  write?: (value: never) => unknown;
  /** Typed form of a wire value; the inverse of `write`. */
  read?: (wire: never) => unknown;
}

/** A list; `sparse` lists keep `null` items. */
export interface ListSchema {
  type: "list";
  member: Schema;
  minLength?: number;
  maxLength?: number;
  sparse?: true;
}

/** A map with string keys. */
export interface MapSchema {
  type: "map";
  key?: Schema;
  value: Schema;
  minLength?: number;
  maxLength?: number;
  sparse?: true;
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
  /** `@hostLabel`: also part of the host name, so it must be a valid host label. */
  hostLabel?: true;
}

/** A structure or union. */
export interface StructureSchema {
  type: "structure" | "union";
  members: Record<string, MemberSchema>;
}

/** Any schema; a function stands for a schema defined later (recursive shapes). */
export type Schema = ScalarSchema | ListSchema | MapSchema | StructureSchema | (() => Schema);

/** Plain strings and enums. */
export const STRING: ScalarSchema = { type: "string" };
/** Integers of any width and int enums. */
export const INTEGER: ScalarSchema = { type: "integer" };
/** Floats and doubles (NaN and the infinities travel as strings). */
export const FLOAT: ScalarSchema = { type: "float", write: serializeFloat, read: parseFloatValue };
/** Booleans. */
export const BOOLEAN: ScalarSchema = { type: "boolean" };
/** Timestamps, as epoch seconds: the JSON body's default format. */
export const TIMESTAMP: ScalarSchema = {
  type: "timestamp",
  write: toEpochSeconds,
  read: fromEpochSeconds,
};
/** Binary data, base64 in JSON. */
export const BLOB: ScalarSchema = { type: "blob", write: toBase64, read: fromBase64 };
/** Untyped JSON documents. */
export const DOCUMENT: ScalarSchema = { type: "document" };

type Resolved = Exclude<Schema, () => Schema>;
const resolve = (schema: Schema): Resolved =>
  typeof schema === "function" ? resolve(schema()) : schema;
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date) &&
  !(v instanceof Uint8Array);
const at = (path: string, name: string) => path ? `${path}.${name}` : name;

/**
 * Checks `value` against `schema`, appending one issue per problem to `issues` (never throws).
 *
 * @example
 * ```ts
 * import { validate } from "./schema.ts";
 * const issues: { path: string; message: string }[] = [];
 * validate({ type: "string", maxLength: 3 }, "toolong", "Name", issues);
 * console.assert(issues[0].message === "length must be <= 3");
 * ```
 */
export function validate(schema: Schema, value: unknown, path: string, issues: ValidationIssue[]) {
  const s = resolve(schema);
  const fail = (message: string) => issues.push({ path, message });
  const length = (n: number) => {
    if (n < (s as ScalarSchema).minLength!) {
      fail(`length must be >= ${(s as ScalarSchema).minLength}`);
    }
    if (n > (s as ScalarSchema).maxLength!) {
      fail(`length must be <= ${(s as ScalarSchema).maxLength}`);
    }
  };
  switch (s.type) {
    case "string":
      if (typeof value !== "string") return fail("must be a string");
      length([...value].length);
      if (s.pattern && !s.pattern.test(value)) fail(`must match ${s.pattern}`);
      return;
    case "integer":
    case "float":
      if (typeof value !== "number" || (s.type === "integer" && !Number.isInteger(value))) {
        return fail(`must be ${s.type === "integer" ? "an integer" : "a number"}`);
      }
      if (value < s.min!) fail(`must be >= ${s.min}`);
      if (value > s.max!) fail(`must be <= ${s.max}`);
      return;
    case "boolean":
      if (typeof value !== "boolean") fail("must be a boolean");
      return;
    case "timestamp":
      if (!(value instanceof Date) || isNaN(value.getTime())) fail("must be a valid Date");
      return;
    case "blob":
      if (typeof value === "string") return length(new TextEncoder().encode(value).length);
      if (!(value instanceof Uint8Array)) return fail("must be a Uint8Array or a string");
      return length(value.length);
    case "document":
      return;
    case "list":
      if (!Array.isArray(value)) return fail("must be an array");
      length(value.length);
      value.forEach((item, i) => child(s.member, item, `${path}[${i}]`, s.sparse, issues));
      return;
    case "map":
      if (!isObject(value)) return fail("must be an object");
      length(Object.keys(value).length);
      for (const [key, item] of Object.entries(value)) {
        const itemPath = `${path}[${JSON.stringify(key)}]`;
        if (s.key) validate(s.key, key, itemPath, issues);
        child(s.value, item, itemPath, s.sparse, issues);
      }
      return;
    default: {
      if (!isObject(value)) return fail("must be an object");
      let set = 0;
      for (const [name, member] of Object.entries(s.members)) {
        const v = value[name];
        const memberPath = at(path, name);
        if (v == null) {
          if (member.required) issues.push({ path: memberPath, message: "is required" });
          continue;
        }
        set++;
        validate(member.schema, v, memberPath, issues);
        if (member.http === "label" && v === "") {
          issues.push({ path: memberPath, message: "must not be empty (it is part of the URI)" });
        }
        if (member.hostLabel && !/^[a-z\d]([a-z\d-]{0,61}[a-z\d])?$/i.test(v as string)) {
          issues.push({ path: memberPath, message: "must be a valid host label" });
        }
      }
      if (s.type === "union" && set !== 1) fail("must have exactly one member set");
    }
  }
}

function child(
  schema: Schema,
  v: unknown,
  path: string,
  sparse: unknown,
  issues: ValidationIssue[],
) {
  if (v != null) validate(schema, v, path, issues);
  else if (!sparse) issues.push({ path, message: "must not be null" });
}

/**
 * Converts a typed value to its JSON form: timestamps to epoch seconds (or the schema's
 * format), blobs to base64, special floats to strings, members renamed by `@jsonName`.
 * Members bound to HTTP locations and unmodeled properties are left out.
 */
export function toJson(schema: Schema, value: unknown): unknown {
  const s = resolve(schema);
  if (value == null) return value;
  switch (s.type) {
    case "list":
      return (value as unknown[]).map((item) => toJson(s.member, item));
    case "map": {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        if (v != null || s.sparse) out[k] = toJson(s.value, v);
      }
      return out;
    }
    case "structure":
    case "union": {
      const out: Record<string, unknown> = {};
      for (const [name, member] of Object.entries(s.members)) {
        const v = (value as Record<string, unknown>)[name];
        if (v != null && !member.http) out[member.jsonName ?? name] = toJson(member.schema, v);
      }
      return out;
    }
    default:
      return s.write ? s.write(value as never) : value;
  }
}

/**
 * Converts a JSON value to its typed form: the inverse of {@linkcode toJson}. Unknown fields
 * are ignored, absent members with a `@default` get it, a union with an unknown member
 * becomes `{ $unknown: [name, value] }`.
 */
export function fromJson(schema: Schema, json: unknown): unknown {
  const s = resolve(schema);
  if (json == null) return undefined;
  switch (s.type) {
    case "list":
      return (json as unknown[]).flatMap((item) =>
        item == null ? (s.sparse ? [null] : []) : [fromJson(s.member, item)]
      );
    case "map": {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(json as Record<string, unknown>)) {
        if (v != null) out[k] = fromJson(s.value, v);
        else if (s.sparse) out[k] = null;
      }
      return out;
    }
    case "structure":
    case "union": {
      const obj = json as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      const known = new Set<string>();
      for (const [name, member] of Object.entries(s.members)) {
        if (member.http) continue;
        const key = member.jsonName ?? name;
        known.add(key);
        const v = fromJson(member.schema, obj[key]);
        if (v !== undefined) out[name] = v;
        else if (member.default !== undefined) out[name] = fromJson(member.schema, member.default);
      }
      if (s.type === "union" && !Object.keys(out).length) {
        const unknown = Object.keys(obj).find((k) => !known.has(k) && k !== "__type");
        if (unknown) return { $unknown: [unknown, obj[unknown]] };
      }
      return out;
    }
    default:
      return s.read ? s.read(json as never) : json;
  }
}
