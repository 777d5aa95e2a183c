/**
 * What the loader, the emitters and the model diff know about shapes, in one place: the walk
 * over a shape's children, what a member means for a client (required, where it travels, its
 * timestamp format), which shapes get named types, and per-service facts computed once and
 * shared ({@linkcode ShapeIndex}, after smithy-typescript's knowledge indexes).
 *
 * Reads only the IR; knows nothing of the TypeScript that emitters write.
 *
 * @module
 */

import {
  type Member,
  SCALAR_KINDS,
  type ScalarFamily,
  type Service,
  type Shape,
  type StructureShape,
  type TimestampFormat,
} from "./ir.ts";
import { byName } from "./order.ts";

/**
 * Members of a shape that point at other shapes: structure and union members, a list's
 * `member`, a map's `key` and `value`.
 */
export function childMembers(shape: Shape): Member[] {
  switch (shape.kind) {
    case "list":
      return [shape.member];
    case "map":
      return [shape.key, shape.value];
    case "structure":
    case "union":
      return shape.members;
    default:
      return [];
  }
}

/**
 * Ids of the shapes reachable from `roots` through {@linkcode childMembers}, depth first in
 * discovery order. `shapeOf` gives the shape of an id, or undefined to stop there (an id
 * outside the closure, or `smithy.api#Unit`).
 */
export function reachableShapes(
  roots: Iterable<string | undefined>,
  shapeOf: (id: string) => Shape | undefined,
): Set<string> {
  const seen = new Set<string>();
  const visit = (id: string | undefined): void => {
    if (id === undefined || seen.has(id)) return;
    const shape = shapeOf(id);
    if (!shape) return;
    seen.add(id);
    for (const member of childMembers(shape)) visit(member.target);
  };
  for (const id of roots) visit(id);
  return seen;
}

/** Is the member required of callers? `@clientOptional` (Smithy 2.0) overrides `@required`. */
export function isRequiredForClient(member: Member): boolean {
  return member.required && !member.clientOptional;
}

/** The family of a scalar or enum's values; undefined for lists, maps, structures and unions. */
export function scalarFamily(shape: Shape): ScalarFamily | undefined {
  if (shape.kind === "enum") return "string";
  if (shape.kind === "intEnum") return "integer";
  return Object.hasOwn(SCALAR_KINDS, shape.kind)
    ? SCALAR_KINDS[shape.kind as keyof typeof SCALAR_KINDS].family
    : undefined;
}

/** Does a shape get its own named type (rather than an inline primitive)? */
export function isNamedType(shape: Shape): boolean {
  return ["structure", "union", "enum", "intEnum", "list", "map"].includes(shape.kind);
}

/** Where a value travels in a restJson1 message. */
export type WireLocation = "body" | "header" | "query" | "label";

/**
 * The timestamp format of each location when no `@timestampFormat` applies (Smithy's
 * `@timestampFormat` trait: `http-date` in headers, `date-time` in query strings and labels;
 * restJson1: `epoch-seconds` in JSON bodies).
 */
export const DEFAULT_TIMESTAMP_FORMATS: Record<WireLocation, TimestampFormat> = {
  body: "epoch-seconds",
  header: "http-date",
  query: "date-time",
  label: "date-time",
};

/**
 * The format a timestamp travels in: the member's `@timestampFormat`, else the target shape's,
 * else the location's default.
 */
export function timestampFormatOf(
  target: Shape,
  location: WireLocation,
  member?: Member,
): TimestampFormat {
  return member?.timestampFormat ?? target.timestampFormat ?? DEFAULT_TIMESTAMP_FORMATS[location];
}

/** The runtime's name for a member's HTTP binding, if it has one (else it travels in the body). */
export function httpLocation(member: Member): string | undefined {
  const h = member.http;
  if (h.label) return "label";
  if (h.query !== undefined) return "query";
  if (h.queryParams) return "queryParams";
  if (h.header !== undefined) return "header";
  if (h.prefixHeaders !== undefined) return "prefixHeaders";
  if (h.payload) return "payload";
  if (h.responseCode) return "responseCode";
  return undefined;
}

/**
 * The width the runtime checks a number shape against: `byte` 8, `short` 16, `integer` and
 * `intEnum` 32 (two's complement), `float` 32 (IEEE 754 single); undefined for `long` and
 * `bigInteger` (checked as safe integers), `double` and `bigDecimal`, and every other shape.
 */
export function numberBits(shape: Shape): 8 | 16 | 32 | undefined {
  return ({ byte: 8, short: 16, integer: 32, intEnum: 32, float: 32 } as const)[
    shape.kind as "byte"
  ];
}

/** Does a header member of this shape travel base64-encoded (a JSON `@mediaType` string)? */
export function isBase64Header(shape: Shape | undefined): boolean {
  return shape?.kind === "string" && shape.mediaType === "application/json";
}

/**
 * The shape of each value a header or query member carries: its target, or a list target's
 * member (a list travels as repeated or comma-separated values).
 */
export function valueShape(service: Service, member: Member): Shape | undefined {
  const target = service.shapes.get(member.target);
  return target?.kind === "list" ? service.shapes.get(target.member.target) : target;
}

/** Is the member bound to a header (`@httpHeader` or `@httpPrefixHeaders`)? */
export function isHeaderBound(member: Member): boolean {
  return member.http.header !== undefined || member.http.prefixHeaders !== undefined;
}

const INDEXES = new WeakMap<Service, ShapeIndex>();

/** Facts about one service's shapes, computed once per {@linkcode Service} and shared. */
export class ShapeIndex {
  /** Shapes reachable from operation inputs. */
  readonly inputShapes: Set<string>;
  /** Every shape, sorted by generated name: the order generated files list them in. */
  readonly shapesByName: Shape[];
  /** Every error shape the service can answer with, sorted by name. */
  readonly errorShapes: StructureShape[];

  /** The index of `service`, computed on first use (the IR is not changed after loading). */
  static of(service: Service): ShapeIndex {
    let index = INDEXES.get(service);
    if (!index) INDEXES.set(service, index = new ShapeIndex(service));
    return index;
  }

  private constructor(service: Service) {
    this.inputShapes = reachableShapes(
      service.operations.map((op) => op.input),
      (id) => service.shapes.get(id),
    );
    this.shapesByName = [...service.shapes.values()].sort(byName);
    this.errorShapes = this.shapesByName
      .filter((s): s is StructureShape => s.kind === "structure" && !!s.error);
  }

  /**
   * Is the member always present in a value of the structure's type? Required members are;
   * members with a `@default` are in outputs (the deserializer fills them), not in inputs.
   */
  isAlwaysPresent(member: Member, shape: StructureShape): boolean {
    if (isRequiredForClient(member)) return true;
    return member.default !== undefined && !this.inputShapes.has(shape.id);
  }
}
