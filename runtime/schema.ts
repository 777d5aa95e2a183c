/**
 * The schema types: one schema per modeled shape, each carrying the walks of its kind
 * (`Walks`). The generator emits one schema constant per shape (`generated/schemas.ts`) with the
 * kinds' makers (`schema_scalars.ts`, `schema_collections.ts`, `schema_structures.ts`); the walks
 * over them are validation (`schema_validation.ts`) and JSON both ways (`schema_json.ts`). A
 * bundle holds only the schemas its operations reach and the code of the kinds they use.
 *
 * @module
 */

import type { ValidationIssue } from "./errors.ts";

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
   * `checkHostLabel`, the member's `check`; this flag tells test generators).
   */
  hostLabel?: true;
  /** The parameter name of an `@httpQuery` member, for serializers that read it from here. */
  httpName?: string;
  /**
   * `@idempotencyToken`: filled with a fresh token, once per call, when absent (an explicit
   * empty one is refused by its `check`, `checkIdempotencyToken`).
   */
  idempotencyToken?: true;
  /**
   * Rules the member's HTTP binding adds (http_binding_checks.ts): `checkLabel` (or
   * `checkGreedyLabel`), `checkHeader`, `checkPrefixHeaders` or `checkHostLabel` (both rules of
   * a member with two: `checkAll`); or `@idempotencyToken`'s, `checkIdempotencyToken`
   * (idempotency_token_check.ts). Like codecs they travel with the schema, so a bundle holds
   * only the rules its operations use. (A JSON `@mediaType` header travels base64 and has none.)
   */
  check?: MemberCheck;
}

/** A rule a member's binding adds: appends an issue at `path` when `value` breaks it. */
export type MemberCheck = (value: unknown, path: string, issues: ValidationIssue[]) => void;

/** A structure or union, made by `structure` or `union` (schema_structures.ts). */
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
