/**
 * How generated code refers to a shape defined elsewhere: its TypeScript type, its schema (a
 * generated constant or a shared runtime scalar) and the runtime codecs of its wire format. Every
 * emitter reads these, so a shape is referred to the same way in every generated file.
 *
 * @module
 */

import type { ScalarFamily, Service, Shape, TimestampFormat } from "../ir.ts";
import {
  DEFAULT_TIMESTAMP_FORMATS,
  isNamedType,
  numberBits,
  scalarFamily,
  timestampFormatOf,
} from "../shape_index.ts";
import { MODULES, schemaName } from "./names.ts";
import type { SourceFile } from "./source_file.ts";

/** The runtime modules of the schema language, by what generated code takes from each. */
export const SCHEMA_MODULES = {
  /** The schema types: `ScalarSchema`, `ListSchema`, `MapSchema`, `StructureSchema`. */
  types: MODULES.runtime("schema"),
  /** The shared scalar schemas (`STRING`, `INTEGER`, …) and their makers (`string`, …). */
  scalars: MODULES.runtime("schema_scalars"),
  /** `list` and `map`. */
  collections: MODULES.runtime("schema_collections"),
  /** `structure`, `union` and `NO_INPUT`. */
  structures: MODULES.runtime("schema_structures"),
  /** The rules of HTTP bindings: `checkLabel`, `checkHeader`, … and `checkAll`. */
  bindingChecks: MODULES.runtime("http_binding_checks"),
  /** The rule of `@idempotencyToken` members: `checkIdempotencyToken`. */
  tokenCheck: MODULES.runtime("idempotency_token_check"),
  /** `inputIssues`. */
  validation: MODULES.runtime("schema_validation"),
  /** `toJson` and `fromJson`. */
  json: MODULES.runtime("schema_json"),
};

/** The runtime module of the maker of a list, map, structure or union schema. */
export const kindModule = (kind: "list" | "map" | "structure" | "union"): string =>
  kind === "list" || kind === "map" ? SCHEMA_MODULES.collections : SCHEMA_MODULES.structures;

/** The TypeScript type of each scalar family. */
const TYPESCRIPT_TYPES: Record<ScalarFamily, string> = {
  string: "string",
  boolean: "boolean",
  integer: "number",
  float: "number",
  timestamp: "Date",
  blob: "Uint8Array",
  document: "unknown",
};

/**
 * The TypeScript type of a member's target, as written in types.ts and errors.ts: a named type's
 * name, or an inline primitive. Undefined or `smithy.api#Unit` is `Record<string, never>`.
 */
export function typeRef(service: Service, target: string | undefined): string {
  const shape = target === undefined ? undefined : service.shapes.get(target);
  if (!shape) return "Record<string, never>"; // smithy.api#Unit
  if (isNamedType(shape)) return shape.name;
  return TYPESCRIPT_TYPES[scalarFamily(shape)!];
}

/** The TypeScript type of `target` from another generated file: {@linkcode typeRef}, imported. */
export function typeReference(
  file: SourceFile,
  service: Service,
  target: string | undefined,
): string {
  const shape = target === undefined ? undefined : service.shapes.get(target);
  return shape && isNamedType(shape)
    ? file.useType(MODULES.types, shape.name)
    : typeRef(service, target);
}

/** The runtime schema type of a scalar or enum (`string`, `integer`, …). */
export function scalarSchemaType(shape: Shape): ScalarFamily {
  return scalarFamily(shape)!;
}

/**
 * The shared runtime schema of an unconstrained scalar or enum: `STRING`, `BOOLEAN`, …; numbers
 * by width ({@linkcode numberBits}): `BYTE`, `SHORT`, `INTEGER`, `LONG`, `FLOAT`, `DOUBLE`.
 */
function sharedScalarSchema(shape: Shape): string {
  const type = scalarSchemaType(shape);
  const bits = numberBits(shape);
  if (type === "integer") {
    return bits === 8 ? "BYTE" : bits === 16 ? "SHORT" : bits ? "INTEGER" : "LONG";
  }
  if (type === "float") return bits ? "FLOAT" : "DOUBLE";
  return type.toUpperCase();
}

/**
 * Does the shape need a schema constant of its own, or is the shared runtime scalar of its family
 * (`STRING`, `INTEGER`, …) enough? Constraints, or a timestamp format other than the body's
 * default, need their own.
 */
export function needsOwnSchema(shape: Shape): boolean {
  if (!scalarFamily(shape)) return true;
  const c = shape.constraints;
  return !!(c.length || c.range || c.pattern ||
    timestampFormatOf(shape, "body") !== DEFAULT_TIMESTAMP_FORMATS.body);
}

/**
 * The expression naming the schema of `target` from another generated file (or, with
 * `module` "", from schemas.ts itself): a shared runtime scalar or a generated constant.
 */
export function schemaReference(
  file: SourceFile,
  service: Service,
  target: string,
  module = MODULES.schemas,
): string {
  const shape = service.shapes.get(target);
  if (!shape) return file.use(SCHEMA_MODULES.scalars, "STRING"); // smithy.api#Unit
  if (!needsOwnSchema(shape)) return file.use(SCHEMA_MODULES.scalars, sharedScalarSchema(shape));
  return module ? file.use(module, schemaName(shape)) : schemaName(shape);
}

/**
 * A call made once, when the module loads, that bundlers may drop when its result is unused
 * (the runtime's schema and serializer factories have no side effects).
 */
export const pure = (call: string): string => `/* @__PURE__ */ ${call}`;

/** The runtime codec functions of each timestamp format: [write, read]. */
export const TIMESTAMP_CODECS: Record<TimestampFormat, [string, string]> = {
  "epoch-seconds": ["toEpochSeconds", "fromEpochSeconds"],
  "date-time": ["toDateTime", "fromDateTime"],
  "http-date": ["toHttpDate", "fromHttpDate"],
};
