/**
 * What changes for callers between two revisions of a model: operations, members, required
 * members, enum values, auto-filled idempotency tokens, defaults, member types, HTTP bindings,
 * constraints and endpoint rules. Reads only the IR, so Smithy 1.0 and 2.0 spellings of the same
 * thing compare equal.
 *
 * Shapes are matched by name: a renamed shape is one removed and one added. Shapes reached only
 * through added (or removed) operations are covered by that operation's line.
 *
 * @module
 */

import { createHash } from "node:crypto";
import type { Constraints, Member, Operation, Service, Shape } from "./ir.ts";
import { localName } from "./loader.ts";
import { compareCodeUnits as compare } from "./order.ts";
import { childMembers, isRequiredForClient as isRequired, reachableShapes } from "./shape_index.ts";

/** The kinds of change, in report order. */
export const CHANGE_KINDS = [
  "operation-added",
  "operation-removed",
  "shape-added",
  "shape-removed",
  "member-added",
  "member-removed",
  "member-required",
  "member-optional",
  "type-changed",
  "enum-value-added",
  "enum-value-removed",
  "idempotency-token-added",
  "idempotency-token-removed",
  "default-added",
  "default-removed",
  "default-changed",
  "http-binding-changed",
  "constraint-changed",
  "endpoint-parameter-added",
  "endpoint-parameter-removed",
  "endpoint-rules-changed",
] as const;

/** One kind of change; each has its own heading in the report. */
export type ChangeKind = typeof CHANGE_KINDS[number];

/** One change a caller sees. */
export interface ModelChange {
  kind: ChangeKind;
  /** An operation, a shape, a `Shape.Member` path, an enum value or an endpoint parameter. */
  subject: string;
  /** What it was and became, or what it is (`Boolean`, `length 1..50 → 1..100`). */
  detail?: string;
}

const HEADINGS: Record<ChangeKind, [sign: string, heading: string]> = {
  "operation-added": ["+", "Operations added"],
  "operation-removed": ["-", "Operations removed"],
  "shape-added": ["+", "Shapes added"],
  "shape-removed": ["-", "Shapes removed"],
  "member-added": ["+", "Members added"],
  "member-removed": ["-", "Members removed"],
  "member-required": ["!", "Members now required"],
  "member-optional": ["?", "Members now optional"],
  "type-changed": ["~", "Types changed"],
  "enum-value-added": ["+", "Enum values added"],
  "enum-value-removed": ["-", "Enum values removed"],
  "idempotency-token-added": ["+", "Auto-filled idempotency tokens added"],
  "idempotency-token-removed": ["-", "Auto-filled idempotency tokens removed"],
  "default-added": ["+", "Defaults added"],
  "default-removed": ["-", "Defaults removed"],
  "default-changed": ["~", "Defaults changed"],
  "http-binding-changed": ["~", "HTTP bindings changed"],
  "constraint-changed": ["~", "Constraints changed"],
  "endpoint-parameter-added": ["+", "Endpoint parameters added"],
  "endpoint-parameter-removed": ["-", "Endpoint parameters removed"],
  "endpoint-rules-changed": ["~", "Endpoint rules changed"],
};

/** Lists the changes from `older` to `newer`, sorted by kind, subject and detail. */
export function diffServices(older: Service, newer: Service): ModelChange[] {
  const changes: ModelChange[] = [];
  const add = (kind: ChangeKind, subject: string, detail?: string) =>
    changes.push(detail === undefined ? { kind, subject } : { kind, subject, detail });
  diffOperations(older, newer, add);
  diffShapes(older, newer, add);
  diffEndpointRules(older.endpointRuleSet, newer.endpointRuleSet, add);
  const order = new Map<ChangeKind, number>(CHANGE_KINDS.map((kind, i) => [kind, i]));
  return changes.sort((a, b) =>
    order.get(a.kind)! - order.get(b.kind)! || compare(a.subject, b.subject) ||
    compare(a.detail ?? "", b.detail ?? "")
  );
}

/** Renders changes as plain text, one heading per kind. */
export function formatReport(
  changes: ModelChange[],
  labels: { older: string; newer: string },
): string {
  const title = `Model changes ${labels.older} → ${labels.newer}`;
  if (!changes.length) return `${title}\n\nNo changes that callers see.\n`;
  const lines = [`${title} (${changes.length} change${changes.length === 1 ? "" : "s"})`];
  for (const kind of CHANGE_KINDS) {
    const group = changes.filter((c) => c.kind === kind);
    if (!group.length) continue;
    const [sign, heading] = HEADINGS[kind];
    lines.push("", `${heading} (${group.length})`);
    for (const c of group) {
      const listed = kind.endsWith("-added") || kind.endsWith("-removed");
      const detail = c.detail === undefined ? "" : listed ? ` (${c.detail})` : `: ${c.detail}`;
      lines.push(`  ${sign} ${c.subject}${detail}`);
    }
  }
  return lines.join("\n") + "\n";
}

type Add = (kind: ChangeKind, subject: string, detail?: string) => void;

// --- Operations -------------------------------------------------------------------------------

function diffOperations(older: Service, newer: Service, add: Add): void {
  const before = new Map(older.operations.map((op) => [op.name, op]));
  const after = new Map(newer.operations.map((op) => [op.name, op]));
  for (const name of after.keys()) if (!before.has(name)) add("operation-added", name);
  for (const name of before.keys()) if (!after.has(name)) add("operation-removed", name);
  for (const [name, op] of after) {
    const old = before.get(name);
    if (!old) continue;
    const [a, b] = [describeHttp(old), describeHttp(op)];
    if (a !== b) add("http-binding-changed", name, `${a} → ${b}`);
    for (const [io, x, y] of [["input", old.input, op.input], ["output", old.output, op.output]]) {
      const [from, to] = [x ? localName(x) : "Unit", y ? localName(y) : "Unit"];
      if (from !== to) add("type-changed", `${name} ${io}`, `${from} → ${to}`);
    }
  }
}

function describeHttp(op: Operation): string {
  const host = op.hostPrefix ? ` host ${op.hostPrefix}` : "";
  return `${op.http.method} ${op.http.uri} ${op.http.code}${host}`;
}

// --- Shapes and members -----------------------------------------------------------------------

/** Shape ids reachable from the operations named in `names` (and the service errors). */
function closureOf(service: Service, names: Set<string>): Set<string> {
  const roots = service.operations.filter((op) => names.has(op.name))
    .flatMap((op) => [op.input, op.output, ...op.errors]);
  return reachableShapes([...roots, ...service.errors], (id) => service.shapes.get(id));
}

/** Shapes by local name. */
function byName(service: Service): Map<string, Shape> {
  return new Map([...service.shapes.values()].map((s) => [localName(s.id), s]));
}

function diffShapes(older: Service, newer: Service, add: Add): void {
  const before = byName(older);
  const after = byName(newer);
  const common = new Set(
    older.operations.filter((op) => newer.operations.some((o) => o.name === op.name))
      .map((op) => op.name),
  );
  // A shape only reached through an added or removed operation is that operation's news.
  const reachedBefore = new Set([...closureOf(older, common)].map(localName));
  const reachedAfter = new Set([...closureOf(newer, common)].map(localName));
  const prelude = (shape: Shape) => shape.id.startsWith("smithy.api#");
  for (const [name, shape] of after) {
    if (!before.has(name) && reachedAfter.has(name) && !prelude(shape)) {
      add("shape-added", name, shape.kind);
    }
  }
  for (const [name, shape] of before) {
    if (!after.has(name) && reachedBefore.has(name) && !prelude(shape)) {
      add("shape-removed", name, shape.kind);
    }
  }
  for (const [name, shape] of after) {
    const old = before.get(name);
    if (old) diffShape(name, old, shape, { older, newer, before, after }, add);
  }
}

interface Context {
  older: Service;
  newer: Service;
  before: Map<string, Shape>;
  after: Map<string, Shape>;
}

function diffShape(name: string, old: Shape, shape: Shape, ctx: Context, add: Add): void {
  if (old.kind !== shape.kind) add("type-changed", name, `${old.kind} → ${shape.kind}`);
  diffConstraints(name, old.constraints, shape.constraints, add);
  if ((old.kind === "enum" || old.kind === "intEnum") && old.kind === shape.kind) {
    const before = new Set(old.values.map((v) => v.value));
    const after = new Set(shape.values.map((v) => v.value));
    for (const v of after) if (!before.has(v)) add("enum-value-added", `${name}.${v}`);
    for (const v of before) if (!after.has(v)) add("enum-value-removed", `${name}.${v}`);
  }
  const structure = shape.kind === "structure" || shape.kind === "union";
  const oldMembers = new Map(childMembers(old).map((m) => [m.name, m]));
  const members = new Map(childMembers(shape).map((m) => [m.name, m]));
  for (const [memberName, m] of members) {
    const path = `${name}.${memberName}`;
    const was = oldMembers.get(memberName);
    if (was) diffMember(path, was, m, ctx, add, structure);
    else if (structure) {
      add("member-added", path, describeMember(m));
      if (m.idempotencyToken) add("idempotency-token-added", path);
    }
  }
  if (!structure) return;
  for (const [memberName, m] of oldMembers) {
    if (members.has(memberName)) continue;
    const path = `${name}.${memberName}`;
    add("member-removed", path, describeMember(m));
    if (m.idempotencyToken) add("idempotency-token-removed", path);
  }
}

function describeMember(m: Member): string {
  const flags = [
    isRequired(m) ? "required" : "",
    m.idempotencyToken ? "idempotency token" : "",
    m.default !== undefined ? `default ${JSON.stringify(m.default)}` : "",
  ];
  return [typeName(m.target), ...flags].filter(Boolean).join(", ");
}

/** A member's target as callers see it: `PrimitiveBoolean` is `Boolean` with a default. */
function typeName(target: string): string {
  return localName(target.replace(/^smithy\.api#Primitive/, "smithy.api#"));
}

function diffMember(
  path: string,
  was: Member,
  m: Member,
  ctx: Context,
  add: Add,
  structure: boolean,
): void {
  if (structure && isRequired(was) !== isRequired(m)) {
    add(isRequired(m) ? "member-required" : "member-optional", path);
  }
  const [fromType, toType] = [typeName(was.target), typeName(m.target)];
  const retargeted = fromType !== toType;
  if (retargeted) {
    const [from, to] = [ctx.before.get(fromType), ctx.after.get(toType)];
    const kinds = from && to && from.kind !== to.kind;
    add(
      "type-changed",
      path,
      kinds ? `${fromType} (${from.kind}) → ${toType} (${to.kind})` : `${fromType} → ${toType}`,
    );
  }
  if (was.idempotencyToken !== m.idempotencyToken) {
    add(m.idempotencyToken ? "idempotency-token-added" : "idempotency-token-removed", path);
  }
  const [fromDefault, toDefault] = [was.default, m.default].map((d) =>
    d === undefined ? undefined : JSON.stringify(d)
  );
  if (fromDefault === undefined && toDefault !== undefined) add("default-added", path, toDefault);
  else if (fromDefault !== undefined && toDefault === undefined) {
    add("default-removed", path, fromDefault);
  } else if (fromDefault !== toDefault) {
    add("default-changed", path, `${fromDefault} → ${toDefault}`);
  }
  if (structure) {
    const [a, b] = [describeBinding(was), describeBinding(m)];
    if (a !== b) add("http-binding-changed", path, `${a} → ${b}`);
  }
  // A change of the target's own constraints is reported once, on the target; a member reports
  // its own constraints, and the effective ones when it targets another shape.
  if (retargeted) {
    const from = ctx.older.shapes.get(was.target)?.constraints ?? {};
    const to = ctx.newer.shapes.get(m.target)?.constraints ?? {};
    diffConstraints(path, { ...from, ...was.constraints }, { ...to, ...m.constraints }, add);
  } else {
    diffConstraints(path, was.constraints, m.constraints, add);
  }
}

/** Where a member travels on the wire. */
function describeBinding(m: Member): string {
  const h = m.http;
  const parts: string[] = [];
  if (h.label) parts.push("label");
  if (h.query !== undefined) parts.push(`query "${h.query}"`);
  if (h.queryParams) parts.push("query params");
  if (h.header !== undefined) parts.push(`header "${h.header}"`);
  if (h.prefixHeaders !== undefined) parts.push(`prefix headers "${h.prefixHeaders}"`);
  if (h.payload) parts.push("payload");
  if (h.responseCode) parts.push("response code");
  if (!parts.length) parts.push(`body "${m.jsonName ?? m.name}"`);
  if (h.hostLabel) parts.push("host label");
  return parts.join(", ");
}

function diffConstraints(subject: string, a: Constraints, b: Constraints, add: Add): void {
  const range = (r?: { min?: number; max?: number }) =>
    r ? `${r.min ?? ""}..${r.max ?? ""}` : "none";
  const pattern = (p?: string) => p === undefined ? "none" : JSON.stringify(p);
  for (const key of ["length", "range"] as const) {
    const [from, to] = [range(a[key]), range(b[key])];
    if (from !== to) add("constraint-changed", subject, `${key} ${from} → ${to}`);
  }
  const [from, to] = [pattern(a.pattern), pattern(b.pattern)];
  if (from !== to) add("constraint-changed", subject, `pattern ${from} → ${to}`);
}

// --- Endpoint rules ---------------------------------------------------------------------------

interface RuleSetLike {
  parameters?: Record<string, unknown>;
  rules?: unknown[];
}

function diffEndpointRules(a: unknown, b: unknown, add: Add): void {
  const [older, newer] = [a, b].map((r) => withoutDocs(r ?? null)) as (RuleSetLike | null)[];
  if (canonical(typesInLowerCase(older)) === canonical(typesInLowerCase(newer))) return;
  const before = older?.parameters ?? {};
  const after = newer?.parameters ?? {};
  for (const name of Object.keys(after).sort()) {
    if (!(name in before)) add("endpoint-parameter-added", name, describeParameter(after[name]));
    else if (
      canonical(typesInLowerCase({ parameters: { p: before[name] } })) !==
        canonical(typesInLowerCase({ parameters: { p: after[name] } }))
    ) {
      add(
        "endpoint-rules-changed",
        `parameter ${name}`,
        `${describeParameter(before[name])} → ${describeParameter(after[name])}`,
      );
    }
  }
  for (const name of Object.keys(before).sort()) {
    if (!(name in after)) add("endpoint-parameter-removed", name, describeParameter(before[name]));
  }
  const [from, to] = [older, newer].map(describeRules);
  if (from !== to) add("endpoint-rules-changed", "rules", `${from} → ${to}`);
}

/**
 * A copy with parameter type names in lower case, for comparing: models from 2026 spell `String`
 * as `string`, which resolves alike.
 */
function typesInLowerCase(ruleSet: RuleSetLike | null): RuleSetLike | null {
  if (!ruleSet?.parameters) return ruleSet;
  const parameters = Object.fromEntries(
    Object.entries(ruleSet.parameters).map(([name, p]) => {
      const param = p as Record<string, unknown> | null;
      return [
        name,
        typeof param?.type === "string" ? { ...param, type: param.type.toLowerCase() } : p,
      ];
    }),
  );
  return { ...ruleSet, parameters };
}

function describeParameter(p: unknown): string {
  const param = (p ?? {}) as Record<string, unknown>;
  return [
    String(param.type ?? "?"),
    param.required ? "required" : "",
    param.builtIn ? `builtIn ${param.builtIn}` : "",
    param.default !== undefined ? `default ${JSON.stringify(param.default)}` : "",
  ].filter(Boolean).join(", ");
}

function describeRules(ruleSet: RuleSetLike | null): string {
  if (!ruleSet) return "none";
  let rules = 0;
  let conditions = 0;
  const walk = (list: unknown): void => {
    if (!Array.isArray(list)) return;
    for (const rule of list as { conditions?: unknown[]; rules?: unknown[] }[]) {
      rules++;
      conditions += rule.conditions?.length ?? 0;
      walk(rule.rules);
    }
  };
  walk(ruleSet.rules);
  const hash = createHash("sha256").update(canonical(ruleSet.rules ?? [])).digest("hex");
  return `${rules} rules, ${conditions} conditions, sha256 ${hash.slice(0, 12)}`;
}

/** A copy without `documentation` fields, which do not change how endpoints resolve. */
function withoutDocs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutDocs);
  if (!value || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).filter(([k]) => k !== "documentation").map((
      [k, v],
    ) => [k, withoutDocs(v)]),
  );
}

/** JSON with sorted keys. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (!value || typeof value !== "object") return JSON.stringify(value) ?? "null";
  const entries = Object.entries(value).sort(([a], [b]) => compare(a, b));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
}
