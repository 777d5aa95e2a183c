/**
 * Validation before sending: the walk that checks a value against its schema (each kind adds
 * its own rules, see `Walks.validate`), and the checks the kinds share.
 *
 * @module
 */

import type { ValidationIssue } from "./errors.ts";
import { resolve, type Resolved, type Schema, type Walks } from "./schema.ts";

/** The path of member `name` of the value at `path` (`""` at the top). */
export const at = (path: string, name: string): string => path ? `${path}.${name}` : name;

/** Appends an issue; returns nothing, so that a walk can `return issue(…)`. */
export const issue = (issues: ValidationIssue[], path: string, message: string): void =>
  void issues.push({ path, message });

/** Objects nested deeper than this are refused (this also stops cyclic input). */
export const MAX_DEPTH = 100;

const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * Checks `value` against `schema`, appending one issue per problem to `issues` (never throws).
 *
 * What is checked (docs/api.md, "Validation"): types (structures and maps are plain objects whose
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
 * import { string } from "./schema_scalars.ts";
 * import { validate } from "./schema_validation.ts";
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
export function checkLength(
  s: { minLength?: number; maxLength?: number },
  n: number,
  path: string,
  issues: ValidationIssue[],
): void {
  if (n < s.minLength!) issue(issues, path, `length must be >= ${s.minLength}`);
  if (n > s.maxLength!) issue(issues, path, `length must be <= ${s.maxLength}`);
}

/**
 * Every problem of an operation's input, each with the path of the member at fault (see
 * {@linkcode validate}); an empty list means the input may be sent.
 *
 * @example
 * ```ts
 * import { STRING } from "./schema_scalars.ts";
 * import { structure } from "./schema_structures.ts";
 * import { inputIssues } from "./schema_validation.ts";
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
export function checkKey(
  schema: Schema | undefined,
  key: string,
  path: string,
  issues: ValidationIssue[],
): void {
  const found: ValidationIssue[] = [];
  if (schema) validate(schema, key, path, found);
  else wellFormed(key, (message) => void found.push({ path, message }));
  for (const issue of found) issues.push({ path, message: `key ${issue.message}` });
}

/** False (after reporting it) when `s` holds a lone surrogate, which UTF-8 cannot carry. */
export function wellFormed(s: string, fail: (message: string) => void): boolean {
  const i = s.search(LONE_SURROGATE);
  if (i < 0) return true;
  fail(`must be well-formed Unicode (lone surrogate at index ${i})`);
  return false;
}

/** Validates a list item or map value one level deeper; `null` only where `sparse`. */
export function child(
  schema: Schema,
  v: unknown,
  path: string,
  sparse: unknown,
  issues: ValidationIssue[],
  depth: number,
): void {
  if (v != null) validate(schema, v, path, issues, depth + 1);
  else if (!sparse) issues.push({ path, message: "must not be null" });
}

/**
 * Why an own property cannot be a member or map entry, else undefined: serializers copy own
 * enumerable properties (a non-enumerable one would be validated and dropped) and read each
 * again (a getter could answer something else the second time).
 */
export function notData(property: PropertyDescriptor): string | undefined {
  if (!property.enumerable) {
    return "must be enumerable (a non-enumerable property is not sent)";
  }
  return accessor(property);
}

/**
 * Why a property that is read again to be sent cannot be: it is a getter (or setter), which
 * could answer something else the second time, else undefined.
 */
export function accessor(property: PropertyDescriptor | undefined): string | undefined {
  if (property?.get || property?.set) {
    return "must be a data property, not a getter (it would be read twice)";
  }
}

/**
 * The item of a list or document array at `i` (undefined for a hole) when it is data; else the
 * issue is reported and `NOT_DATA` returned. Serializers read items by index, as this does.
 */
export function itemAt(
  array: unknown[],
  i: number,
  path: string,
  issues: ValidationIssue[],
): unknown {
  const property = Object.getOwnPropertyDescriptor(array, i);
  const problem = accessor(property);
  if (!problem) return property?.value;
  issue(issues, path, problem);
  return NOT_DATA;
}

/** What {@linkcode itemAt} answers for an item that is not data (already reported). */
export const NOT_DATA: unique symbol = Symbol("not data");
