// Turns a protocol test's `params` (Smithy's test notation: epoch-second timestamps, UTF-8
// string blobs, "NaN"/"Infinity"/"-Infinity" floats, `null` for "unset") into the typed values
// a generated client takes and returns, by walking the IR from a shape.

import type { Service } from "../../codegen/ir.ts";

const SPECIAL_FLOATS: Record<string, number> = {
  NaN: NaN,
  Infinity: Infinity,
  "-Infinity": -Infinity,
};

/**
 * The typed form of `value`, a member of shape `target`: structures and unions drop `null`
 * members, dense lists and maps drop `null` items (sparse ones keep them), timestamps become
 * `Date`s, blobs `Uint8Array`s, special floats numbers; documents are left untouched.
 */
export function typedParams(service: Service, target: string, value: unknown, path = ""): unknown {
  const shape = service.shapes.get(target);
  if (!shape) throw new Error(`${path || "params"}: shape ${target} is not in the service`);
  const where = path || shape.name;
  if (value === null || value === undefined) return value;
  switch (shape.kind) {
    case "structure":
    case "union": {
      if (typeof value !== "object" || Array.isArray(value)) {
        throw new Error(`${where}: expected an object for ${shape.id}`);
      }
      const out: Record<string, unknown> = {};
      for (const [name, v] of Object.entries(value)) {
        const member = shape.members.find((m) => m.name === name);
        if (!member) throw new Error(`${where}: ${shape.id} has no member ${name}`);
        if (v === null) continue;
        out[name] = typedParams(service, member.target, v, path ? `${path}.${name}` : name);
      }
      return out;
    }
    case "list": {
      if (!Array.isArray(value)) throw new Error(`${where}: expected an array for ${shape.id}`);
      return value.flatMap((item, i) =>
        item === null
          ? (shape.sparse ? [null] : [])
          : [typedParams(service, shape.member.target, item, `${where}[${i}]`)]
      );
    }
    case "map": {
      if (typeof value !== "object" || Array.isArray(value)) {
        throw new Error(`${where}: expected an object for ${shape.id}`);
      }
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        if (v === null) {
          if (shape.sparse) out[k] = null;
          continue;
        }
        out[k] = typedParams(service, shape.value.target, v, `${where}[${JSON.stringify(k)}]`);
      }
      return out;
    }
    case "timestamp":
      if (typeof value !== "number") throw new Error(`${where}: expected epoch seconds`);
      return new Date(Math.round(value * 1000));
    case "blob":
      if (typeof value !== "string") throw new Error(`${where}: expected a UTF-8 string blob`);
      return new TextEncoder().encode(value);
    case "float":
    case "double":
      if (typeof value === "string") {
        if (!(value in SPECIAL_FLOATS)) throw new Error(`${where}: bad float ${value}`);
        return SPECIAL_FLOATS[value];
      }
      return value;
    default:
      return value;
  }
}

/**
 * A client's output as plain data to compare with {@linkcode typedParams}: `$metadata` and
 * members whose value is `undefined` (unset) are dropped, byte views become plain
 * `Uint8Array`s. Lists keep their order.
 */
export function plainOutput(value: unknown, top = true): unknown {
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Date) return value;
  if (ArrayBuffer.isView(value)) {
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength).slice();
  }
  if (Array.isArray(value)) return value.map((v) => plainOutput(v, false));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined || (top && k === "$metadata")) continue;
    out[k] = plainOutput(v, false);
  }
  return out;
}
