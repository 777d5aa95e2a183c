/**
 * The `smithy.rules#endpointRuleSet` trait as the compiler reads it: its types, and a parser that
 * checks a trait value and names the path of anything it cannot use.
 *
 * @module
 */

import { fallbackRuleSet } from "./fallback_rule_set.ts";

/**
 * The rule set endpoints resolve by: the model's `smithy.rules#endpointRuleSet` trait value, or,
 * when it is absent, the {@linkcode fallbackRuleSet} of the endpoint prefix.
 */
export function endpointRuleSet(trait: unknown, endpointPrefix: string): RuleSet {
  return parseRuleSet(trait === undefined ? fallbackRuleSet(endpointPrefix) : trait);
}

/** An expression: a literal or template string, a boolean, a number, a list, a reference or a call. */
export type Expr = string | boolean | number | Expr[] | Ref | FnCall;
/** A reference to a parameter or an assigned variable. */
export interface Ref {
  ref: string;
}
/** A call of a standard-library function. */
export interface FnCall {
  fn: string;
  argv: Expr[];
}
/** A rule's condition: a call, whose result may be assigned to a variable. */
export interface Condition extends FnCall {
  assign?: string;
}
/** An endpoint, error or tree rule. */
export type Rule =
  | { type: "endpoint"; conditions: Condition[]; endpoint: EndpointSpec }
  | { type: "error"; conditions: Condition[]; error: Expr }
  | { type: "tree"; conditions: Condition[]; rules: Rule[] };
/** What an endpoint rule resolves to. */
export interface EndpointSpec {
  url: Expr;
  headers: Record<string, Expr[]>;
  properties: Record<string, unknown>;
}
/** A rule set parameter. */
export interface Param {
  name: string;
  type: "string" | "boolean" | "stringArray";
  builtIn?: string;
  required: boolean;
  default?: string | boolean | string[];
  documentation?: string;
  deprecated?: { message?: string; since?: string };
}
/** A parsed rule set: its parameters in model order, and its rules. */
export interface RuleSet {
  version: string;
  parameters: Param[];
  rules: Rule[];
}

/** Is the value a plain object (not null, not an array)? */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function invalid(path: string, message: string): never {
  throw new Error(`Invalid endpoint rule set at ${path}: ${message}`);
}

/**
 * Parses a `smithy.rules#endpointRuleSet` trait value.
 *
 * @throws {Error} naming the path of the first part it cannot compile
 */
export function parseRuleSet(raw: unknown): RuleSet {
  if (!isRecord(raw)) invalid("$", "not an object");
  const params = raw.parameters ?? {};
  if (!isRecord(params)) invalid("$.parameters", "not an object");
  const parameters = Object.entries(params).map(([name, p]): Param => {
    const path = `$.parameters.${name}`;
    if (!isRecord(p)) invalid(path, "not an object");
    const type = String(p.type).toLowerCase();
    const normalized = type === "string"
      ? "string"
      : type === "boolean"
      ? "boolean"
      : type === "stringarray"
      ? "stringArray"
      : invalid(path, `unsupported type ${p.type}`);
    const def = p.default;
    if (
      def !== undefined &&
      !(normalized === "string" && typeof def === "string") &&
      !(normalized === "boolean" && typeof def === "boolean") &&
      !(normalized === "stringArray" && Array.isArray(def) &&
        def.every((d) => typeof d === "string"))
    ) invalid(path, "default does not match the type");
    const deprecated = isRecord(p.deprecated)
      ? {
        message: typeof p.deprecated.message === "string" ? p.deprecated.message : undefined,
        since: typeof p.deprecated.since === "string" ? p.deprecated.since : undefined,
      }
      : undefined;
    return {
      name,
      type: normalized,
      builtIn: typeof p.builtIn === "string" ? p.builtIn : undefined,
      required: p.required === true,
      default: def as Param["default"],
      documentation: typeof p.documentation === "string" ? p.documentation : undefined,
      deprecated,
    };
  });
  if (!Array.isArray(raw.rules) || raw.rules.length === 0) invalid("$.rules", "no rules");
  return {
    version: String(raw.version ?? "1.0"),
    parameters,
    rules: raw.rules.map((r, i) => parseRule(r, `$.rules[${i}]`)),
  };
}

function parseRule(raw: unknown, path: string): Rule {
  if (!isRecord(raw)) invalid(path, "not an object");
  const conds = raw.conditions ?? [];
  if (!Array.isArray(conds)) invalid(`${path}.conditions`, "not an array");
  const conditions = conds.map((c, i): Condition => {
    const at = `${path}.conditions[${i}]`;
    const call = parseExpr(c, at);
    if (typeof call !== "object" || Array.isArray(call) || !("fn" in call)) {
      invalid(at, "not a function call");
    }
    const assign = (c as Record<string, unknown>).assign;
    if (assign !== undefined && typeof assign !== "string") invalid(at, "assign is not a string");
    return { ...call, assign };
  });
  switch (raw.type) {
    case "endpoint": {
      const e = raw.endpoint;
      if (!isRecord(e)) invalid(`${path}.endpoint`, "not an object");
      const headers: Record<string, Expr[]> = {};
      if (e.headers !== undefined) {
        if (!isRecord(e.headers)) invalid(`${path}.endpoint.headers`, "not an object");
        for (const [name, values] of Object.entries(e.headers)) {
          const at = `${path}.endpoint.headers.${name}`;
          if (!Array.isArray(values)) invalid(at, "not an array");
          headers[name] = values.map((v, i) => parseExpr(v, `${at}[${i}]`));
        }
      }
      if (e.properties !== undefined && !isRecord(e.properties)) {
        invalid(`${path}.endpoint.properties`, "not an object");
      }
      return {
        type: "endpoint",
        conditions,
        endpoint: {
          url: parseExpr(e.url, `${path}.endpoint.url`),
          headers,
          properties: (e.properties ?? {}) as Record<string, unknown>,
        },
      };
    }
    case "error":
      return { type: "error", conditions, error: parseExpr(raw.error, `${path}.error`) };
    case "tree":
      if (!Array.isArray(raw.rules) || raw.rules.length === 0) invalid(path, "tree without rules");
      return {
        type: "tree",
        conditions,
        rules: raw.rules.map((r, i) => parseRule(r, `${path}.rules[${i}]`)),
      };
    default:
      return invalid(path, `unknown rule type ${raw.type}`);
  }
}

function parseExpr(raw: unknown, path: string): Expr {
  if (typeof raw === "string" || typeof raw === "boolean" || typeof raw === "number") return raw;
  if (Array.isArray(raw)) return raw.map((v, i) => parseExpr(v, `${path}[${i}]`));
  if (isRecord(raw)) {
    if (typeof raw.ref === "string") return { ref: raw.ref };
    if (typeof raw.fn === "string") {
      if (!Array.isArray(raw.argv)) invalid(path, "argv is not an array");
      return { fn: raw.fn, argv: raw.argv.map((v, i) => parseExpr(v, `${path}.argv[${i}]`)) };
    }
  }
  return invalid(path, `unsupported expression ${JSON.stringify(raw)}`);
}

/** How many cases a `smithy.rules#endpointTests` trait value holds. */
export function countEndpointTests(tests: unknown): number {
  return isRecord(tests) && Array.isArray(tests.testCases) ? tests.testCases.length : 0;
}

/** Is the expression a reference? */
export function isRef(e: unknown): e is Ref {
  return isRecord(e) && typeof e.ref === "string";
}
