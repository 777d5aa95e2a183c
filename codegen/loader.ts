/**
 * Reads a Smithy JSON AST model (1.0 or 2.0) and builds the {@linkcode Service} IR of one
 * service: its operations and the closure of shapes they reach.
 *
 * Smithy 1.0 and 2.0 differ in how enums, nullability and defaults are written; the loader
 * normalises both to the 2.0 meaning, so emitters never look at the model's version.
 *
 * @module
 */

import { docsToText } from "./docs.ts";
import {
  type Constraints,
  type HttpBinding,
  isScalarKind,
  type Member,
  type Operation,
  type Pagination,
  SCALAR_KINDS,
  type ScalarKind,
  type Service,
  type Shape,
  type TimestampFormat,
} from "./ir.ts";
import { compareNames } from "./order.ts";
import { reachableShapes } from "./shape_index.ts";

/** A shape as written in the JSON AST. */
interface AstShape {
  type: string;
  traits?: Record<string, unknown>;
  members?: Record<string, AstMember>;
  member?: AstMember;
  key?: AstMember;
  value?: AstMember;
  mixins?: { target: string }[];
  input?: { target: string };
  output?: { target: string };
  errors?: { target: string }[];
  operations?: { target: string }[];
  resources?: { target: string }[];
  collectionOperations?: { target: string }[];
  version?: string;
  [lifecycle: string]: unknown;
}

interface AstMember {
  target: string;
  traits?: Record<string, unknown>;
}

interface AstModel {
  smithy: string;
  shapes: Record<string, AstShape>;
}

/** Smithy 1.0 primitives: numbers and booleans, which have zero values. */
const PRIMITIVES = (Object.keys(SCALAR_KINDS) as ScalarKind[])
  .filter((kind) => SCALAR_KINDS[kind].primitive);

/** Prelude shapes, as Smithy 2.0 defines them. */
const PRELUDE: Record<string, AstShape> = (() => {
  const prelude: Record<string, AstShape> = {};
  for (const type of Object.keys(SCALAR_KINDS)) {
    const name = type[0].toUpperCase() + type.slice(1);
    prelude[`smithy.api#${name}`] = { type };
  }
  for (const type of PRIMITIVES) {
    const name = type[0].toUpperCase() + type.slice(1);
    prelude[`smithy.api#Primitive${name}`] = {
      type,
      traits: { "smithy.api#default": type === "boolean" ? false : 0 },
    };
  }
  prelude["smithy.api#Unit"] = {
    type: "structure",
    members: {},
    traits: { "smithy.api#unitType": {} },
  };
  return prelude;
})();

/** Names a generated TypeScript identifier may not take. */
const RESERVED_NAMES = new Set([
  "Array",
  "Boolean",
  "Date",
  "Error",
  "JSON",
  "Map",
  "Math",
  "Number",
  "Object",
  "Promise",
  "Record",
  "RegExp",
  "Set",
  "String",
  "Symbol",
  "Uint8Array",
]);

/** What {@linkcode loadService} accepts besides the model. */
export interface LoadOptions {
  /** Service shape id; defaults to the model's only service. */
  service?: string;
}

/** Parses a model's JSON text (or already-parsed AST) into the IR. */
export function loadService(model: string | unknown, options: LoadOptions = {}): Service {
  const ast = (typeof model === "string" ? JSON.parse(model) : model) as AstModel;
  if (!ast || typeof ast !== "object" || !ast.shapes || typeof ast.smithy !== "string") {
    throw new Error("Not a Smithy JSON AST model: expected top-level `smithy` and `shapes`");
  }
  if (!/^[12]\.\d+$/.test(ast.smithy)) throw new Error(`Unsupported Smithy version ${ast.smithy}`);
  const v1 = ast.smithy.startsWith("1.");
  const shapes = applyTraits({ ...PRELUDE, ...ast.shapes });

  const serviceIds = Object.keys(shapes).filter((id) => shapes[id].type === "service");
  const serviceId = options.service ?? (serviceIds.length === 1 ? serviceIds[0] : undefined);
  if (!serviceId || shapes[serviceId]?.type !== "service") {
    throw new Error(
      `Choose the service to generate (--service): ${serviceIds.join(", ") || "none in model"}`,
    );
  }
  const serviceShape = shapes[serviceId];
  const serviceTraits = serviceShape.traits ?? {};
  const get = (id: string): AstShape => {
    const shape = shapes[id];
    if (!shape) throw new Error(`Shape ${id} is referenced but not defined`);
    return flattenMixins(id, shape, shapes);
  };

  const irShapes = new Map<string, Shape>();
  const names = new Map<string, string>();
  const shapeOf = (id: string): Shape | undefined => {
    if (id === "smithy.api#Unit") return undefined;
    if (!irShapes.has(id)) irShapes.set(id, toShape(id, get(id), v1, get, names));
    return irShapes.get(id);
  };

  const servicePagination = serviceTraits["smithy.api#paginated"] as
    | Partial<Pagination>
    | undefined;
  const operations = collectOperations(serviceShape, get).map((id) =>
    toOperation(id, get(id), servicePagination)
  );
  const serviceErrors = (serviceShape.errors ?? []).map((e) => e.target);
  reachableShapes(
    [...operations.flatMap((op) => [op.input, op.output, ...op.errors]), ...serviceErrors],
    shapeOf,
  );
  operations.sort((a, b) => compareNames(a.name, b.name));

  const awsService = (serviceTraits["aws.api#service"] ?? {}) as Record<string, string>;
  const sigv4 = (serviceTraits["aws.auth#sigv4"] ?? {}) as Record<string, string>;
  const name = localName(serviceId);
  return {
    id: serviceId,
    name,
    sdkId: awsService.sdkId ?? name,
    version: serviceShape.version ?? "",
    doc: docOf(serviceTraits),
    signingName: sigv4.name ?? awsService.endpointPrefix ?? name.toLowerCase(),
    endpointPrefix: awsService.endpointPrefix ?? sigv4.name ?? name.toLowerCase(),
    operations,
    shapes: irShapes,
    errors: serviceErrors,
    endpointRuleSet: serviceTraits["smithy.rules#endpointRuleSet"],
    endpointTests: serviceTraits["smithy.rules#endpointTests"],
    smithyVersion: ast.smithy,
  };
}

/** Applies `apply` statements, which add traits to shapes and members defined elsewhere. */
function applyTraits(shapes: Record<string, AstShape>): Record<string, AstShape> {
  const out: Record<string, AstShape> = {};
  for (const [id, shape] of Object.entries(shapes)) if (shape.type !== "apply") out[id] = shape;
  for (const [id, shape] of Object.entries(shapes)) {
    if (shape.type !== "apply") continue;
    const [shapeId, memberName] = id.split("$");
    const target = out[shapeId];
    if (!target) throw new Error(`apply targets unknown shape ${shapeId}`);
    const copy: AstShape = { ...target, members: { ...target.members } };
    if (memberName) {
      const member = copy.members![memberName];
      copy.members![memberName] = { ...member, traits: { ...member.traits, ...shape.traits } };
    } else {
      copy.traits = { ...copy.traits, ...shape.traits };
    }
    out[shapeId] = copy;
  }
  return out;
}

/** Smithy 2.0 mixins: members and (non-local) traits of mixins come first. */
function flattenMixins(
  id: string,
  shape: AstShape,
  shapes: Record<string, AstShape>,
): AstShape {
  if (!shape.mixins?.length) return shape;
  let members: Record<string, AstMember> = {};
  let traits: Record<string, unknown> = {};
  for (const { target } of shape.mixins) {
    const mixin = shapes[target];
    if (!mixin) throw new Error(`${id} uses unknown mixin ${target}`);
    const flat = flattenMixins(target, mixin, shapes);
    members = { ...members, ...flat.members };
    const inherited = { ...flat.traits };
    delete inherited["smithy.api#mixin"];
    traits = { ...traits, ...inherited };
  }
  const merged: Record<string, AstMember> = { ...members };
  for (const [name, member] of Object.entries(shape.members ?? {})) {
    merged[name] = { ...member, traits: { ...members[name]?.traits, ...member.traits } };
  }
  return { ...shape, members: merged, traits: { ...traits, ...shape.traits } };
}

function collectOperations(service: AstShape, get: (id: string) => AstShape): string[] {
  const found = new Set<string>();
  const walkResource = (resource: AstShape): void => {
    for (const key of ["create", "put", "read", "update", "delete", "list"]) {
      const ref = resource[key] as { target: string } | undefined;
      if (ref) found.add(ref.target);
    }
    for (const ref of [...(resource.operations ?? []), ...(resource.collectionOperations ?? [])]) {
      found.add(ref.target);
    }
    for (const ref of resource.resources ?? []) walkResource(get(ref.target));
  };
  walkResource(service);
  return [...found];
}

function toOperation(
  id: string,
  shape: AstShape,
  servicePagination: Partial<Pagination> | undefined,
): Operation {
  const traits = shape.traits ?? {};
  const http = traits["smithy.api#http"] as Operation["http"] | undefined;
  if (!http) throw new Error(`Operation ${id} has no @http trait; restJson1 needs one`);
  const paginated = traits["smithy.api#paginated"] as Partial<Pagination> | undefined;
  const merged = paginated ? { ...servicePagination, ...paginated } : undefined;
  const endpoint = traits["smithy.api#endpoint"] as { hostPrefix: string } | undefined;
  const compression = traits["smithy.api#requestCompression"] as
    | { encodings: string[] }
    | undefined;
  const target = (ref?: { target: string }) =>
    ref && ref.target !== "smithy.api#Unit" ? ref.target : undefined;
  return {
    id,
    name: localName(id),
    doc: docOf(traits),
    input: target(shape.input),
    output: target(shape.output),
    errors: (shape.errors ?? []).map((e) => e.target),
    http: { method: http.method, uri: http.uri, code: http.code ?? 200 },
    idempotent: "smithy.api#idempotent" in traits,
    readonly: "smithy.api#readonly" in traits,
    paginated: merged?.inputToken && merged.outputToken ? merged as Pagination : undefined,
    hostPrefix: endpoint?.hostPrefix,
    requestCompression: compression?.encodings,
    httpChecksumRequired: "smithy.api#httpChecksumRequired" in traits,
    deprecated: "smithy.api#deprecated" in traits,
  };
}

function toShape(
  id: string,
  ast: AstShape,
  v1: boolean,
  get: (id: string) => AstShape,
  names: Map<string, string>,
): Shape {
  const traits = ast.traits ?? {};
  const base = {
    id,
    name: uniqueName(id, names),
    doc: docOf(traits),
    constraints: constraintsOf(traits),
    sensitive: "smithy.api#sensitive" in traits,
    timestampFormat: traits["smithy.api#timestampFormat"] as TimestampFormat | undefined,
    mediaType: traits["smithy.api#mediaType"] as string | undefined,
  };
  const member = (name: string, m: AstMember) => toMember(name, m, v1, get);
  switch (ast.type) {
    case "string": {
      const legacyEnum = traits["smithy.api#enum"] as
        | { value: string; name?: string; documentation?: string }[]
        | undefined;
      if (!legacyEnum) return { ...base, kind: "string" };
      return {
        ...base,
        kind: "enum",
        values: legacyEnum.map((e) => ({
          name: e.name ?? e.value,
          value: e.value,
          doc: e.documentation ? docsToText(e.documentation) : undefined,
        })),
      };
    }
    case "set":
    case "list":
      return {
        ...base,
        kind: "list",
        member: member("member", ast.member!),
        sparse: "smithy.api#sparse" in traits,
      };
    case "map":
      return {
        ...base,
        kind: "map",
        key: member("key", ast.key!),
        value: member("value", ast.value!),
        sparse: "smithy.api#sparse" in traits,
      };
    case "structure":
    case "union": {
      const retryable = traits["smithy.api#retryable"] as { throttling?: boolean } | undefined;
      return {
        ...base,
        kind: ast.type,
        members: Object.entries(ast.members ?? {}).map(([name, m]) => member(name, m)),
        error: traits["smithy.api#error"] as "client" | "server" | undefined,
        httpError: traits["smithy.api#httpError"] as number | undefined,
        retryable: retryable ? { throttling: retryable.throttling ?? false } : undefined,
      };
    }
    case "enum":
    case "intEnum":
      return {
        ...base,
        kind: ast.type,
        values: Object.entries(ast.members ?? {}).map(([name, m]) => ({
          name,
          value: (m.traits?.["smithy.api#enumValue"] ?? name) as string | number,
          doc: docOf(m.traits ?? {}),
        })),
      };
    default:
      if (isScalarKind(ast.type)) return { ...base, kind: ast.type };
      throw new Error(`Shape ${id} has unsupported type ${ast.type}`);
  }
}

function toMember(
  name: string,
  ast: AstMember,
  v1: boolean,
  get: (id: string) => AstShape,
): Member {
  const traits = ast.traits ?? {};
  const target = get(ast.target);
  const has = (trait: string) => `smithy.api#${trait}` in traits;
  let defaultValue: unknown = traits["smithy.api#default"];
  if (v1 && defaultValue === undefined && PRIMITIVES.includes(target.type as ScalarKind)) {
    // Smithy 1.0: a primitive that is boxed neither on the member nor on its target has a
    // zero value, which 2.0 spells as @default.
    const boxed = has("box") || "smithy.api#box" in (target.traits ?? {}) ||
      (ast.target.startsWith("smithy.api#") && !ast.target.startsWith("smithy.api#Primitive"));
    if (!boxed) defaultValue = target.type === "boolean" ? false : 0;
  }
  if (!v1 && defaultValue === undefined && target.traits?.["smithy.api#default"] !== undefined) {
    // In 2.0 a member targeting a shape with @default must repeat it; tolerate models that don't.
    defaultValue = target.traits["smithy.api#default"];
  }
  if (defaultValue === null) defaultValue = undefined; // @default(null) removes a default
  const http: HttpBinding = {};
  if (has("httpLabel")) http.label = true;
  if (has("httpQuery")) http.query = traits["smithy.api#httpQuery"] as string;
  if (has("httpQueryParams")) http.queryParams = true;
  if (has("httpHeader")) http.header = traits["smithy.api#httpHeader"] as string;
  if (has("httpPrefixHeaders")) {
    http.prefixHeaders = traits["smithy.api#httpPrefixHeaders"] as string;
  }
  if (has("httpPayload")) http.payload = true;
  if (has("httpResponseCode")) http.responseCode = true;
  if (has("hostLabel")) http.hostLabel = true;
  return {
    name,
    target: ast.target,
    doc: docOf(traits),
    required: has("required"),
    default: defaultValue,
    clientOptional: has("clientOptional"),
    jsonName: traits["smithy.api#jsonName"] as string | undefined,
    timestampFormat: traits["smithy.api#timestampFormat"] as TimestampFormat | undefined,
    idempotencyToken: has("idempotencyToken"),
    http,
    constraints: constraintsOf(traits),
    deprecated: has("deprecated"),
  };
}

function constraintsOf(traits: Record<string, unknown>): Constraints {
  const c: Constraints = {};
  if (traits["smithy.api#length"]) c.length = traits["smithy.api#length"] as Constraints["length"];
  if (traits["smithy.api#range"]) c.range = traits["smithy.api#range"] as Constraints["range"];
  if (traits["smithy.api#pattern"]) c.pattern = traits["smithy.api#pattern"] as string;
  return c;
}

function docOf(traits: Record<string, unknown>): string | undefined {
  const html = traits["smithy.api#documentation"];
  if (typeof html !== "string") return undefined;
  return docsToText(html) || undefined;
}

/** The part of a shape id after `#`. */
export function localName(id: string): string {
  return id.slice(id.indexOf("#") + 1);
}

/** A TypeScript-safe name for a shape, unique within the closure. */
function uniqueName(id: string, names: Map<string, string>): string {
  let name = localName(id).replace(/[^A-Za-z0-9_]/g, "_");
  if (RESERVED_NAMES.has(name) || /^[0-9]/.test(name)) name = `${name}Shape`;
  const taken = names.get(name);
  if (taken && taken !== id) {
    throw new Error(`Shapes ${taken} and ${id} would both be named ${name}`);
  }
  names.set(name, id);
  return name;
}
