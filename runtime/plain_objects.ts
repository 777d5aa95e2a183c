/**
 * Plain objects, as the schemas and serializers take them: what counts as one, reading and
 * setting own members (never inherited ones, and `__proto__` as a plain key), and what any
 * other value is, for a message.
 *
 * @module
 */

import type { ValidationIssue } from "./errors.ts";

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

/**
 * Is `v` a plain array: made by a literal, `Array.from`, `JSON.parse`, `structuredClone` (of any
 * realm), not an instance of an `Array` subclass (whose methods could answer something else
 * than its items) nor an array inheriting from another array? (`Array.prototype` is itself an
 * array, and inherits from an object that inherits from nothing.)
 */
export function isPlainArray(v: unknown): v is unknown[] {
  if (!Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return Array.isArray(proto) && Object.getPrototypeOf(Object.getPrototypeOf(proto)) === null;
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

/**
 * What `v` is, for a message: "an array", "a Map", "an instance of Foo", "an array of class
 * Foo" (an `Array` subclass), "a number".
 */
export function describe(v: unknown): string {
  if (v == null) return String(v);
  if (isPlainArray(v)) return "an array";
  if (Array.isArray(v)) {
    const name = className(v);
    return Array.isArray(Object.getPrototypeOf(v)) || !name
      ? "an array inheriting from another object"
      : `an array of class ${name}`;
  }
  if (typeof v !== "object") return `a ${typeof v}`;
  if (isPlainObject(v)) return "a plain object";
  const name = className(v);
  if (name && name !== "Object") {
    return /^(Map|Set|Date|Uint8Array)$/.test(name) ? `a ${name}` : `an instance of ${name}`;
  }
  return "an object inheriting from another object";
}

function className(v: object): string | undefined {
  const name = (v as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === "string" && name ? name : undefined;
}

/**
 * An issue when `value` is not an object with the methods `names` (own or inherited, as a
 * binding's are): what a store checks of the database it is given, when it is made rather than
 * mid-run, e.g. `namespace must be a Workers KV namespace such as env.COPY_STATE, not a plain
 * object without the methods get, put, list`.
 *
 * @param path the argument's name, e.g. `namespace`
 * @param what what it must be, e.g. `a Workers KV namespace such as env.COPY_STATE`
 */
export function methodIssues(
  path: string,
  value: unknown,
  what: string,
  names: readonly string[],
): ValidationIssue[] {
  const missing = names.filter((name) =>
    typeof (value as Record<string, unknown>)?.[name] !== "function"
  );
  if (!missing.length) return [];
  const object = typeof value === "object" && value !== null || typeof value === "function";
  return [{
    path,
    message: `must be ${what}, not ${describe(value)}${
      object ? ` without the method${missing.length > 1 ? "s" : ""} ${missing.join(", ")}` : ""
    }`,
  }];
}
