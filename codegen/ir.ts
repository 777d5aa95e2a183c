/**
 * The intermediate representation every emitter reads: one service, its operations and the
 * shapes they reach, with Smithy 1.0 and 2.0 differences already normalised away.
 *
 * @module
 */

/** What a scalar's values are at run time: one TypeScript type and one shared runtime schema each. */
export type ScalarFamily =
  | "string"
  | "boolean"
  | "integer"
  | "float"
  | "timestamp"
  | "blob"
  | "document";

/**
 * Every scalar kind, named as in Smithy 2.0: the family its values belong to, and whether
 * Smithy 1.0 treats it as a primitive (a `smithy.api#Primitive…` prelude shape, and a zero value
 * for unboxed members).
 */
export const SCALAR_KINDS = {
  string: { family: "string", primitive: false },
  boolean: { family: "boolean", primitive: true },
  byte: { family: "integer", primitive: true },
  short: { family: "integer", primitive: true },
  integer: { family: "integer", primitive: true },
  long: { family: "integer", primitive: true },
  float: { family: "float", primitive: true },
  double: { family: "float", primitive: true },
  bigInteger: { family: "integer", primitive: false },
  bigDecimal: { family: "float", primitive: false },
  timestamp: { family: "timestamp", primitive: false },
  blob: { family: "blob", primitive: false },
  document: { family: "document", primitive: false },
} as const satisfies Record<string, { family: ScalarFamily; primitive: boolean }>;

/** Scalar kinds, named as in Smithy 2.0. */
export type ScalarKind = keyof typeof SCALAR_KINDS;

/** Is a Smithy shape type one of the {@linkcode SCALAR_KINDS}? */
export function isScalarKind(type: string): type is ScalarKind {
  return Object.hasOwn(SCALAR_KINDS, type);
}

/** Constraint traits, merged from the target shape and the member (the member wins). */
export interface Constraints {
  length?: { min?: number; max?: number };
  range?: { min?: number; max?: number };
  pattern?: string;
}

/** Fields every shape has. */
interface ShapeBase {
  /** Absolute shape id, e.g. `com.amazonaws.backup#Lifecycle`. */
  id: string;
  /** Local name, unique within the service closure, e.g. `Lifecycle`. */
  name: string;
  /** Plain-text documentation, already converted from HTML. */
  doc?: string;
  constraints: Constraints;
  sensitive: boolean;
  /** `@timestampFormat` on the shape. */
  timestampFormat?: TimestampFormat;
  /** `@mediaType` on the shape. */
  mediaType?: string;
}

/** Smithy's three timestamp wire formats. */
export type TimestampFormat = "epoch-seconds" | "date-time" | "http-date";

/** A scalar: string, number, boolean, timestamp, blob or document. */
export interface ScalarShape extends ShapeBase {
  kind: ScalarKind;
}

/** A string or int enum; `values` keeps model order. */
export interface EnumShape extends ShapeBase {
  kind: "enum" | "intEnum";
  values: { name: string; value: string | number; doc?: string }[];
}

/** A list (and Smithy 1.0 set). */
export interface ListShape extends ShapeBase {
  kind: "list";
  member: Member;
  sparse: boolean;
}

/** A map with string keys. */
export interface MapShape extends ShapeBase {
  kind: "map";
  key: Member;
  value: Member;
  sparse: boolean;
}

/** A structure or union; errors are structures with `error` set. */
export interface StructureShape extends ShapeBase {
  kind: "structure" | "union";
  members: Member[];
  /** `@error` fault, when the structure is an error. */
  error?: "client" | "server";
  /** `@httpError` status code. */
  httpError?: number;
  /** `@retryable` on an error. */
  retryable?: { throttling: boolean };
}

/** Any shape the emitters see. */
export type Shape = ScalarShape | EnumShape | ListShape | MapShape | StructureShape;

/** HTTP binding of a member (restJson1). Absent fields mean "not bound that way". */
export interface HttpBinding {
  label?: boolean;
  query?: string;
  queryParams?: boolean;
  header?: string;
  prefixHeaders?: string;
  payload?: boolean;
  responseCode?: boolean;
  hostLabel?: boolean;
}

/** A member of a structure, union, list or map. */
export interface Member {
  name: string;
  /** Target shape id. */
  target: string;
  doc?: string;
  required: boolean;
  /** `@default` value, when the member has one (Smithy 1.0 unboxed primitives get zero). */
  default?: unknown;
  /** `@clientOptional`: never treat as required on the client. */
  clientOptional: boolean;
  jsonName?: string;
  timestampFormat?: TimestampFormat;
  idempotencyToken: boolean;
  http: HttpBinding;
  /** Constraints of the member itself, to be merged over the target's. */
  constraints: Constraints;
  deprecated: boolean;
}

/** Pagination settings of an operation, service defaults applied. */
export interface Pagination {
  inputToken: string;
  outputToken: string;
  items?: string;
  pageSize?: string;
}

/** One operation. */
export interface Operation {
  id: string;
  name: string;
  doc?: string;
  /** Input structure id, or undefined for `smithy.api#Unit`. */
  input?: string;
  output?: string;
  errors: string[];
  http: { method: string; uri: string; code: number };
  idempotent: boolean;
  readonly: boolean;
  paginated?: Pagination;
  /** `@endpoint(hostPrefix)`. */
  hostPrefix?: string;
  /** `@requestCompression` encodings. */
  requestCompression?: string[];
  httpChecksumRequired: boolean;
  deprecated: boolean;
}

/** The whole service, as the emitters see it. */
export interface Service {
  id: string;
  name: string;
  /** `aws.api#service` sdkId, e.g. `Backup`. */
  sdkId: string;
  version: string;
  doc?: string;
  signingName: string;
  endpointPrefix: string;
  /** Operations, sorted by name. */
  operations: Operation[];
  /** Every shape reachable from the operations, by id. */
  shapes: Map<string, Shape>;
  /** Service-level errors, added to every operation. */
  errors: string[];
  endpointRuleSet?: unknown;
  endpointTests?: unknown;
  /** The model's Smithy version, `1.0` or `2.0`. */
  smithyVersion: string;
}
