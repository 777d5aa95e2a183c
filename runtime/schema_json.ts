/**
 * The JSON walks: a typed value to its JSON form (request bodies) and back (response bodies),
 * each kind's way (see `Walks`); a response value that does not fit is a `WireValueError` naming
 * where.
 *
 * @module
 */

import { describe } from "./plain_objects.ts";
import { resolve, type Resolved, type Schema, type Walks } from "./schema.ts";

/**
 * Converts a typed value to its JSON form: timestamps to epoch seconds (or the schema's
 * format), blobs to base64, special floats to strings, members renamed by `@jsonName`.
 * Members bound to HTTP locations and unmodeled properties are left out; like
 * `validate`, it reads only own enumerable properties.
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
export function expectJson(json: unknown, type: string, expected: string): void {
  if (typeof json !== type || (type === "object" && Array.isArray(json))) {
    throw new WireValueError(`expected ${expected}, got ${describe(json)}`);
  }
}
