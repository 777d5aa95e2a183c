/**
 * The collection kinds: lists and maps (string keys), `@sparse` or not, and their walks.
 *
 * @module
 */

import { describe, isPlainArray, isPlainObject, putMember } from "./plain_objects.ts";
import type { ListFields, ListSchema, MapFields, MapSchema, Schema, Walks } from "./schema.ts";
import { expectJson, fromJson, rethrowWithin, toJson, WireValueError } from "./schema_json.ts";
import {
  checkKey,
  checkLength,
  child,
  issue,
  itemAt,
  NOT_DATA,
  notData,
} from "./schema_validation.ts";

const LIST_WALKS: Walks<ListSchema> = {
  // What is validated is what is sent: a plain array (no subclass whose methods could answer
  // other items), read by index (a hole is a missing item), items that are data, not getters.
  validate(s, value, path, issues, depth) {
    if (!isPlainArray(value)) {
      return issue(issues, path, `must be a plain array, not ${describe(value)}`);
    }
    checkLength(s, value.length, path, issues);
    for (let i = 0; i < value.length; i++) {
      const itemPath = `${path}[${i}]`;
      const item = itemAt(value, i, itemPath, issues);
      if (item !== NOT_DATA) child(s.member, item, itemPath, s.sparse, issues, depth);
    }
  },
  // By index, as validated: no method of the caller's array (an own `map`) is called.
  toJson(s, value) {
    const list = value as unknown[];
    const out: unknown[] = [];
    for (let i = 0; i < list.length; i++) out.push(toJson(s.member, list[i]));
    return out;
  },
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
