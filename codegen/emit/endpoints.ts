/**
 * Compiles a service's `smithy.rules#endpointRuleSet` into straight-line TypeScript
 * (`generated/endpoints.ts`: nested `if` blocks, no interpreter) and the AWS partition table
 * into a compact constant (`generated/partitions.ts`).
 *
 * The simple standard-library functions (`booleanEquals`, `stringEquals`, `isSet`, `not`,
 * `getAttr`, `coalesce`, `ite`) become operators; the others become calls into
 * `runtime/endpoint_functions.ts`, imported one by one so a bundle keeps only those the rule set
 * uses. Models without a rule set get an equivalent of the standard AWS regional rule set built
 * from `aws.api#service.endpointPrefix`.
 *
 * @module
 */

import { createRequire } from "node:module";

/** What {@linkcode emitEndpoints} compiles. */
export interface EmitEndpointsInput {
  /** The `smithy.rules#endpointRuleSet` trait value; absent for old models. */
  ruleSet?: unknown;
  /** The `smithy.rules#endpointTests` trait value, if any (only counted in the docs). */
  tests?: unknown;
  /** `aws.api#service.endpointPrefix`, used when there is no rule set. */
  endpointPrefix: string;
  /** What {@linkcode loadPartitionsData} returned, or a raw partitions document. */
  partitions: unknown;
  /**
   * Base the generated code imports the runtime from, ending in `/`. Defaults to
   * `../runtime/`; tests pass an absolute `file:` URL to compile into a temporary folder.
   */
  runtimeImport?: string;
}

/** The text of the two generated files. */
export interface EmittedEndpoints {
  /** `generated/endpoints.ts`: `EndpointParams` and `resolveEndpoint`. */
  endpoints: string;
  /** `generated/partitions.ts`: the `PARTITIONS` table `aws.partition` reads. */
  partitions: string;
}

/** Partition data and the package it came from. */
export interface PartitionsSource {
  /** The partitions document (`{ partitions: [...], version }`). */
  data: unknown;
  /** Where it came from, e.g. `@aws-sdk/util-endpoints@3.996.55 (@aws-sdk/core@3.981.1)`. */
  source: string;
}

/** Message of the error thrown when a tree's rules are exhausted. */
export const NO_MATCH_MESSAGE = "No endpoint rule matched";

/**
 * Emits `generated/endpoints.ts` and `generated/partitions.ts` for a rule set (or, without one,
 * for the standard AWS regional rules over `endpointPrefix`). Pure and deterministic.
 */
export function emitEndpoints(input: EmitEndpointsInput): EmittedEndpoints {
  const runtime = input.runtimeImport ?? "../runtime/";
  const fallback = input.ruleSet === undefined;
  const ruleSet = parseRuleSet(fallback ? fallbackRuleSet(input.endpointPrefix) : input.ruleSet);
  const testCount = countTests(input.tests);
  return {
    endpoints: new Compiler(ruleSet, runtime, {
      fallbackPrefix: fallback ? input.endpointPrefix : undefined,
      testCount,
    }).emit(),
    partitions: emitPartitions(input.partitions, runtime),
  };
}

/**
 * Reads the partition table shipped with `@aws-sdk/util-endpoints` (the package keeps it in its
 * `@aws-sdk/core` dependency) from `node_modules`, installing the package on first use.
 */
export async function loadPartitionsData(): Promise<PartitionsSource> {
  // Importing makes Deno install the package into node_modules (nodeModulesDir "auto").
  await import("@aws-sdk/util-endpoints");
  const entry = import.meta.resolve("@aws-sdk/util-endpoints");
  if (!entry.startsWith("file:")) {
    throw new Error(
      `@aws-sdk/util-endpoints resolved to ${entry}, expected a file in node_modules`,
    );
  }
  const require = createRequire(entry);
  const ownPackage = require.resolve("@aws-sdk/util-endpoints/package.json");
  const own = JSON.parse(await Deno.readTextFile(ownPackage)) as { version: string };
  const packages = [{ dir: ownPackage.replace(/package\.json$/, ""), label: "" }];
  try {
    const corePackage = require.resolve("@aws-sdk/core/package.json");
    const core = JSON.parse(await Deno.readTextFile(corePackage)) as { version: string };
    packages.push({
      dir: corePackage.replace(/package\.json$/, ""),
      label: ` (@aws-sdk/core@${core.version})`,
    });
  } catch {
    // Older versions keep the table in util-endpoints itself.
  }
  const candidates = [
    "dist-es/submodules/client/util-endpoints/lib/aws/partitions.js",
    "dist-cjs/lib/aws/partitions.json",
    "dist-es/lib/aws/partitions.json",
  ];
  for (const { dir, label } of packages) {
    for (const file of candidates) {
      let text: string;
      try {
        text = await Deno.readTextFile(dir + file);
      } catch {
        continue;
      }
      const data = JSON.parse(
        file.endsWith(".js") ? text.slice(text.indexOf("{"), text.lastIndexOf("}") + 1) : text,
      );
      return { data, source: `@aws-sdk/util-endpoints@${own.version}${label}` };
    }
  }
  throw new Error(`No partitions table found in @aws-sdk/util-endpoints@${own.version}`);
}

/**
 * The rule set used for models without one: the standard AWS regional rules (custom endpoint
 * passthrough; FIPS and dual-stack variants per partition support) for an endpoint prefix.
 */
export function fallbackRuleSet(endpointPrefix: string): unknown {
  const ref = (name: string) => ({ ref: name });
  const isTrue = (value: unknown) => ({ fn: "booleanEquals", argv: [value, true] });
  const attr = (name: string) => ({ fn: "getAttr", argv: [ref("PartitionResult"), name] });
  const endpoint = (url: string) => ({ conditions: [], endpoint: { url }, type: "endpoint" });
  const error = (message: string, conditions: unknown[] = []) => ({
    conditions,
    error: message,
    type: "error",
  });
  const tree = (conditions: unknown[], rules: unknown[]) => ({ conditions, rules, type: "tree" });
  const host = (fips: boolean, dualStack: boolean) =>
    `https://${endpointPrefix}${fips ? "-fips" : ""}.{Region}.{PartitionResult#${
      dualStack ? "dualStackDnsSuffix" : "dnsSuffix"
    }}`;
  const builtIn = (name: string, type: string, documentation: string, required = false) => ({
    builtIn: name,
    required,
    ...(required ? { default: false } : {}),
    documentation,
    type,
  });
  return {
    version: "1.0",
    parameters: {
      Region: builtIn("AWS::Region", "String", "The AWS region used to dispatch the request."),
      UseDualStack: builtIn(
        "AWS::UseDualStack",
        "Boolean",
        "When true, use the dual-stack endpoint. If the partition does not support dual-stack, resolving the endpoint fails.",
        true,
      ),
      UseFIPS: builtIn(
        "AWS::UseFIPS",
        "Boolean",
        "When true, send this request to the FIPS-compliant regional endpoint. If the partition does not support FIPS, resolving the endpoint fails.",
        true,
      ),
      Endpoint: builtIn(
        "SDK::Endpoint",
        "String",
        "Override the endpoint used to send this request",
      ),
    },
    rules: [
      tree([{ fn: "isSet", argv: [ref("Endpoint")] }], [
        error("Invalid Configuration: FIPS and custom endpoint are not supported", [
          isTrue(ref("UseFIPS")),
        ]),
        error("Invalid Configuration: Dualstack and custom endpoint are not supported", [
          isTrue(ref("UseDualStack")),
        ]),
        { conditions: [], endpoint: { url: ref("Endpoint") }, type: "endpoint" },
      ]),
      tree([{ fn: "isSet", argv: [ref("Region")] }], [
        tree([{ fn: "aws.partition", argv: [ref("Region")], assign: "PartitionResult" }], [
          tree([isTrue(ref("UseFIPS")), isTrue(ref("UseDualStack"))], [
            tree([isTrue(attr("supportsFIPS")), isTrue(attr("supportsDualStack"))], [
              endpoint(host(true, true)),
            ]),
            error(
              "FIPS and DualStack are enabled, but this partition does not support one or both",
            ),
          ]),
          tree([isTrue(ref("UseFIPS"))], [
            tree([isTrue(attr("supportsFIPS"))], [endpoint(host(true, false))]),
            error("FIPS is enabled but this partition does not support FIPS"),
          ]),
          tree([isTrue(ref("UseDualStack"))], [
            tree([isTrue(attr("supportsDualStack"))], [endpoint(host(false, true))]),
            error("DualStack is enabled but this partition does not support DualStack"),
          ]),
          endpoint(host(false, false)),
        ]),
      ]),
      error("Invalid Configuration: Missing Region"),
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Rule set model

type Expr = string | boolean | number | Expr[] | Ref | FnCall;
interface Ref {
  ref: string;
}
interface FnCall {
  fn: string;
  argv: Expr[];
}
interface Condition extends FnCall {
  assign?: string;
}
type Rule =
  | { type: "endpoint"; conditions: Condition[]; endpoint: EndpointSpec }
  | { type: "error"; conditions: Condition[]; error: Expr }
  | { type: "tree"; conditions: Condition[]; rules: Rule[] };
interface EndpointSpec {
  url: Expr;
  headers: Record<string, Expr[]>;
  properties: Record<string, unknown>;
}
interface Param {
  name: string;
  type: "string" | "boolean" | "stringArray";
  builtIn?: string;
  required: boolean;
  default?: string | boolean | string[];
  documentation?: string;
  deprecated?: { message?: string; since?: string };
}
interface RuleSet {
  version: string;
  parameters: Param[];
  rules: Rule[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function invalid(path: string, message: string): never {
  throw new Error(`Invalid endpoint rule set at ${path}: ${message}`);
}

function parseRuleSet(raw: unknown): RuleSet {
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

function countTests(tests: unknown): number {
  return isRecord(tests) && Array.isArray(tests.testCases) ? tests.testCases.length : 0;
}

// ---------------------------------------------------------------------------------------------
// Compiler

/** Static type of a compiled expression. */
type Shape =
  | "string"
  | "boolean"
  | "number"
  | "stringArray"
  | "Partition"
  | "Url"
  | "Arn"
  | "array";

/** A compiled expression. */
interface Value {
  code: string;
  shape: Shape;
  /** May be null/undefined at run time. */
  optional: boolean;
  /** Operator precedence of `code` (see the constants below). */
  prec: number;
  /** The value, when known at compile time. */
  literal?: string | boolean | number;
  /** The negated condition, for `not` (e.g. `x == null` for `x != null`). */
  negation?: string;
}

const ATOM = 20; // identifiers, literals, calls, member access
const UNARY = 15; // !x
const EQUALITY = 10; // ===, !=
const AND = 6; // &&
const NULLISH = 4; // ??
const CONDITIONAL = 2; // c ? a : b

/** Attributes `getAttr` can read from the structured values. */
const ATTRIBUTES: Partial<Record<Shape, Record<string, Shape>>> = {
  Partition: {
    name: "string",
    dnsSuffix: "string",
    dualStackDnsSuffix: "string",
    supportsFIPS: "boolean",
    supportsDualStack: "boolean",
    implicitGlobalRegion: "string",
  },
  Url: {
    scheme: "string",
    authority: "string",
    path: "string",
    normalizedPath: "string",
    isIp: "boolean",
  },
  Arn: {
    partition: "string",
    service: "string",
    region: "string",
    accountId: "string",
    resourceId: "stringArray",
  },
};

/** Library functions implemented in `runtime/endpoint_functions.ts`. */
const RUNTIME_FUNCTIONS: Record<
  string,
  { name: string; params: Shape[]; shape: Shape; optional: boolean }
> = {
  isValidHostLabel: {
    name: "isValidHostLabel",
    params: ["string", "boolean"],
    shape: "boolean",
    optional: false,
  },
  parseURL: { name: "parseURL", params: ["string"], shape: "Url", optional: true },
  substring: {
    name: "substring",
    params: ["string", "number", "number", "boolean"],
    shape: "string",
    optional: true,
  },
  uriEncode: { name: "uriEncode", params: ["string"], shape: "string", optional: false },
  split: {
    name: "split",
    params: ["string", "string", "number"],
    shape: "stringArray",
    optional: false,
  },
  "aws.partition": { name: "partition", params: ["string"], shape: "Partition", optional: false },
  "aws.parseArn": { name: "parseArn", params: ["string"], shape: "Arn", optional: true },
  "aws.isVirtualHostableS3Bucket": {
    name: "isVirtualHostableS3Bucket",
    params: ["string", "boolean"],
    shape: "boolean",
    optional: false,
  },
};

const RESERVED = new Set([
  ...Object.values(RUNTIME_FUNCTIONS).map((f) => f.name),
  ..."Endpoint EndpointError EndpointParams PARTITIONS params resolveEndpoint".split(" "),
  ...("arguments await break case catch class const continue debugger default delete do else " +
    "enum eval export extends false finally for function if implements import in instanceof " +
    "interface let new null package private protected public return static super switch this " +
    "throw true try typeof undefined var void while with yield NaN Infinity").split(" "),
]);

interface Variable {
  ident: string;
  shape: Shape;
  optional: boolean;
}
type Scope = Map<string, Variable>;

interface CompilerOptions {
  fallbackPrefix?: string;
  testCount: number;
}

class Compiler {
  private readonly out: string[] = [];
  private readonly idents = new Set<string>();
  private readonly paramIdents = new Map<string, string>();
  /** How often each name is referenced by the emitted code: `ref:<ident>`, `fn:<name>`, … */
  private uses = new Map<string, number>();

  constructor(
    private readonly ruleSet: RuleSet,
    private readonly runtime: string,
    private readonly options: CompilerOptions,
  ) {}

  emit(): string {
    const scope: Scope = new Map();
    for (const p of this.ruleSet.parameters) {
      const ident = this.declare(p.name);
      this.paramIdents.set(p.name, ident);
      scope.set(p.name, { ident, shape: p.type, optional: !p.required });
    }
    this.rules(this.ruleSet.rules, scope, 1);
    const body = this.out.splice(0).filter((line) => line !== DROPPED);
    const prologue = this.prologue();
    const functions = Object.values(RUNTIME_FUNCTIONS).map((f) => f.name)
      .filter((name) => this.used(`fn:${name}`));
    const usesPartitions = this.used("fn:partition");
    const imports = ["type Endpoint", ...functions].sort((a, b) =>
      a.replace(/^type /, "").localeCompare(b.replace(/^type /, ""))
    );
    return [
      ...this.moduleDoc(),
      "",
      `import { ${imports.join(", ")} } from "${this.runtime}endpoint_functions.ts";`,
      ...(this.used("EndpointError")
        ? [`import { EndpointError } from "${this.runtime}errors.ts";`]
        : []),
      ...(usesPartitions ? [`import { PARTITIONS } from "./partitions.ts";`] : []),
      "",
      "export type { Endpoint };",
      "",
      ...this.paramsInterface(),
      "",
      "/**",
      " * Resolves the endpoint of a request from the endpoint parameters.",
      " *",
      " * @param params the endpoint parameters; parameters with defaults may be left out",
      " * @returns the endpoint URL, with any headers and properties the matching rule sets",
      " * @throws {EndpointError} with the rule's message when the rules reject the parameters",
      " */",
      `export function resolveEndpoint(${
        prologue.length ? "params" : "_params"
      }: EndpointParams): Endpoint {`,
      ...prologue,
      ...body,
      "}",
      "",
    ].join("\n");
  }

  private moduleDoc(): string[] {
    const lines = ["/**"];
    if (this.options.fallbackPrefix !== undefined) {
      lines.push(
        " * Endpoint resolution. The model has no `smithy.rules#endpointRuleSet`, so this follows the",
        ` * standard AWS regional rules for the endpoint prefix \`${this.options.fallbackPrefix}\`:`,
        " * `https://{prefix}[-fips].{Region}.{dnsSuffix | dualStackDnsSuffix}`, or a custom endpoint.",
      );
    } else {
      lines.push(
        " * Endpoint resolution compiled from the model's `smithy.rules#endpointRuleSet`",
        ` * (rules engine ${this.ruleSet.version}).`,
      );
      if (this.options.testCount > 0) {
        lines.push(
          ` * The model's ${this.options.testCount} \`smithy.rules#endpointTests\` cases run against it in`,
          " * `tests/endpoints_test.ts`.",
        );
      }
    }
    lines.push(" *", " * @module", " */");
    return lines;
  }

  private paramsInterface(): string[] {
    const lines = [
      "/** Endpoint parameters: one member per parameter of the endpoint rule set. */",
      "export interface EndpointParams {",
    ];
    for (const p of this.ruleSet.parameters) {
      const doc: string[] = p.documentation ? p.documentation.split("\n") : [];
      const notes: string[] = [];
      if (p.builtIn) notes.push(`Built-in \`${p.builtIn}\`.`);
      if (p.default !== undefined) notes.push(`Defaults to \`${JSON.stringify(p.default)}\`.`);
      else if (p.required) notes.push("Required.");
      if (notes.length) doc.push(...(doc.length ? [""] : []), notes.join(" "));
      if (p.deprecated) {
        const { message, since } = p.deprecated;
        const text = [message, since && `(since ${since})`].filter(Boolean).join(" ");
        doc.push(...(doc.length ? [""] : []), `@deprecated ${text || "Deprecated."}`);
      }
      lines.push(...jsdoc(doc, "  "));
      const optional = p.required && p.default === undefined ? "" : "?";
      lines.push(`  ${propertyKey(p.name)}${optional}: ${tsType(p.type)};`);
    }
    lines.push("}");
    return lines;
  }

  /** Reads the used parameters, applying defaults and checking required ones. */
  private prologue(): string[] {
    const used = this.ruleSet.parameters.filter((p) =>
      this.used(`ref:${this.paramIdents.get(p.name)}`)
    );
    if (used.length === 0) return [];
    const bindings = used.map((p) => {
      const ident = this.paramIdents.get(p.name)!;
      const key = propertyKey(p.name);
      const binding = key === ident ? ident : `${key}: ${ident}`;
      return p.default === undefined ? binding : `${binding} = ${JSON.stringify(p.default)}`;
    });
    const lines = [`  const { ${bindings.join(", ")} } = params;`];
    for (const p of used) {
      if (p.required && p.default === undefined) {
        this.use("EndpointError");
        const message = JSON.stringify(`Missing required endpoint parameter ${p.name}`);
        lines.push(
          `  if (${this.paramIdents.get(p.name)} == null) throw new EndpointError(${message});`,
        );
      }
    }
    return lines;
  }

  private use(key: string, n = 1): void {
    this.uses.set(key, (this.uses.get(key) ?? 0) + n);
  }

  private used(key: string): boolean {
    return (this.uses.get(key) ?? 0) > 0;
  }

  /** A fresh identifier for a parameter or assigned variable. */
  private declare(name: string): string {
    let base = name.replace(/[^\w$]/g, "_");
    base = base[0].toLowerCase() + base.slice(1);
    if (/^\d/.test(base)) base = "_" + base;
    let ident = base;
    for (let n = 2; RESERVED.has(ident) || this.idents.has(ident); n++) ident = `${base}${n}`;
    this.idents.add(ident);
    return ident;
  }

  private line(indent: number, text: string): void {
    this.out.push("  ".repeat(indent) + text);
  }

  /** Emits rules in order; a fallthrough past the last one is a "no match" error. */
  private rules(rules: Rule[], scope: Scope, indent: number): void {
    for (const rule of rules) {
      if (this.rule(rule, scope, indent)) return; // always taken: the rest is unreachable
    }
    this.use("EndpointError");
    this.line(indent, `throw new EndpointError(${JSON.stringify(NO_MATCH_MESSAGE)});`);
  }

  /** Emits one rule; true when it is always taken (no condition can fail). */
  private rule(rule: Rule, outer: Scope, indent: number): boolean {
    const scope: Scope = new Map(outer);
    const start = this.out.length;
    const usesBefore = new Map(this.uses);
    // Assignments that always pass: dropped again if nothing reads the variable.
    const droppable: { line: number; ident: string; uses: Map<string, number> }[] = [];
    let depth = 0;
    let pending: string[] = [];
    const open = () => {
      if (pending.length === 0) return;
      this.line(indent + depth, `if (${pending.join(" && ")}) {`);
      depth++;
      pending = [];
    };
    for (const c of rule.conditions) {
      const before = new Map(this.uses);
      const value = this.call(c, scope);
      if (value.literal === false) {
        this.out.length = start; // the rule can never match
        this.uses = usesBefore;
        return false;
      }
      if (c.assign !== undefined) {
        if (scope.has(c.assign)) {
          throw new Error(`Endpoint rule set assigns ${c.assign}, which is already defined`);
        }
        open();
        const ident = this.declare(c.assign);
        this.line(indent + depth, `const ${ident} = ${value.code};`);
        scope.set(c.assign, { ident, shape: value.shape, optional: false });
        const test = truthTest({ ...value, code: ident, prec: ATOM });
        if (test) pending.push(test);
        else droppable.push({ line: this.out.length - 1, ident, uses: delta(before, this.uses) });
      } else {
        if (value.literal === true) continue;
        const test = truthTest(value);
        if (test) pending.push(test);
        // isSet(ref) narrows the reference for the rest of the rule.
        const arg = c.argv[0];
        if (c.fn === "isSet" && isRef(arg) && scope.has(arg.ref)) {
          scope.set(arg.ref, { ...scope.get(arg.ref)!, optional: false });
        }
      }
    }
    open();
    const inner = indent + depth;
    switch (rule.type) {
      case "endpoint":
        this.line(inner, `return ${this.endpoint(rule.endpoint, scope)};`);
        break;
      case "error":
        this.use("EndpointError");
        this.line(
          inner,
          `throw new EndpointError(${this.string(rule.error, scope, "error").code});`,
        );
        break;
      case "tree":
        this.rules(rule.rules, scope, inner);
        break;
    }
    for (let d = depth - 1; d >= 0; d--) this.line(indent + d, "}");
    for (const { line, ident, uses } of droppable.reverse()) {
      if (this.used(`ref:${ident}`)) continue;
      this.out[line] = DROPPED;
      for (const [key, n] of uses) this.use(key, -n);
    }
    return depth === 0;
  }

  private endpoint(e: EndpointSpec, scope: Scope): string {
    const fields = [`url: ${this.string(e.url, scope, "endpoint url").code}`];
    const headers = Object.entries(e.headers);
    if (headers.length) {
      const entries = headers.map(([name, values]) =>
        `${propertyKey(name)}: [${
          values.map((v) => this.string(v, scope, `header ${name}`).code).join(", ")
        }]`
      );
      fields.push(`headers: { ${entries.join(", ")} }`);
    }
    if (Object.keys(e.properties).length) {
      fields.push(`properties: ${this.literal(e.properties, scope)}`);
    }
    return `{ ${fields.join(", ")} }`;
  }

  /** A property value: nested records and arrays of templates, booleans and numbers. */
  private literal(value: unknown, scope: Scope): string {
    if (typeof value === "string") return this.template(value, scope).code;
    if (typeof value === "boolean" || typeof value === "number") return String(value);
    if (Array.isArray(value)) {
      return `[${value.map((v) => this.literal(v, scope)).join(", ")}]`;
    }
    if (isRecord(value)) {
      const entries = Object.entries(value).map(([k, v]) =>
        `${propertyKey(k)}: ${this.literal(v, scope)}`
      );
      return entries.length ? `{ ${entries.join(", ")} }` : "{}";
    }
    throw new Error(`Unsupported endpoint property value ${JSON.stringify(value)}`);
  }

  /** An expression that must yield a string (url, error message, header value). */
  private string(e: Expr, scope: Scope, what: string): Value {
    const v = this.expr(e, scope);
    if (v.shape !== "string") throw new Error(`Endpoint rule set: ${what} is not a string`);
    return v;
  }

  private expr(e: Expr, scope: Scope): Value {
    if (typeof e === "string") return this.template(e, scope);
    if (typeof e === "boolean") {
      return { code: String(e), shape: "boolean", optional: false, prec: ATOM, literal: e };
    }
    if (typeof e === "number") {
      return { code: String(e), shape: "number", optional: false, prec: ATOM, literal: e };
    }
    if (Array.isArray(e)) {
      const items = e.map((v) => this.expr(v, scope));
      const strings = items.every((v) => v.shape === "string");
      return {
        code: `[${items.map((v) => v.code).join(", ")}]`,
        shape: strings ? "stringArray" : "array",
        optional: false,
        prec: ATOM,
      };
    }
    if (isRef(e)) return this.ref(e.ref, scope);
    return this.call(e, scope);
  }

  private ref(name: string, scope: Scope): Value {
    const v = scope.get(name);
    if (!v) throw new Error(`Endpoint rule set references unknown name ${name}`);
    this.use(`ref:${v.ident}`);
    return { code: v.ident, shape: v.shape, optional: v.optional, prec: ATOM };
  }

  /** A template string: `{Name}` and `{Name#path}` are substituted, `{{`/`}}` are braces. */
  private template(text: string, scope: Scope): Value {
    const parts: (string | Value)[] = [];
    let literal = "";
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if ((c === "{" || c === "}") && text[i + 1] === c) {
        literal += c;
        i++;
      } else if (c === "{") {
        const end = text.indexOf("}", i);
        if (end < 0) throw new Error(`Unterminated template in ${JSON.stringify(text)}`);
        const [name, path] = text.slice(i + 1, end).split("#", 2);
        if (literal) parts.push(literal);
        literal = "";
        const base = this.ref(name, scope);
        parts.push(path === undefined ? base : getAttr(base, path));
        i = end;
      } else {
        literal += c;
      }
    }
    if (literal) parts.push(literal);
    if (parts.every((p) => typeof p === "string")) {
      const s = parts.join("");
      return { code: JSON.stringify(s), shape: "string", optional: false, prec: ATOM, literal: s };
    }
    if (
      parts.length === 1 && typeof parts[0] !== "string" && parts[0].shape === "string" &&
      !parts[0].optional
    ) {
      return parts[0];
    }
    const code = parts.map((p) => typeof p === "string" ? escapeTemplate(p) : `\${${p.code}}`).join(
      "",
    );
    return { code: `\`${code}\``, shape: "string", optional: false, prec: ATOM };
  }

  private call(c: FnCall, scope: Scope): Value {
    const { fn, argv } = c;
    const arity = (n: number) => {
      if (argv.length !== n) {
        throw new Error(`Endpoint function ${fn} takes ${n} arguments, got ${argv.length}`);
      }
    };
    const bool = (code: string, prec: number, literal?: boolean, negation?: string): Value => ({
      code,
      shape: "boolean",
      optional: false,
      prec,
      literal,
      negation,
    });
    switch (fn) {
      case "isSet": {
        arity(1);
        const v = this.expr(argv[0], scope);
        const code = wrap(v, EQUALITY + 1);
        return v.optional
          ? bool(`${code} != null`, EQUALITY, undefined, `${code} == null`)
          : bool("true", ATOM, true);
      }
      case "not": {
        arity(1);
        const v = this.expr(argv[0], scope);
        if (typeof v.literal === "boolean") return bool(String(!v.literal), ATOM, !v.literal);
        if (v.negation) return bool(v.negation, EQUALITY, undefined, v.code);
        return bool(`!${wrap(v, UNARY)}`, UNARY, undefined, v.code);
      }
      case "booleanEquals":
      case "stringEquals": {
        arity(2);
        let a = this.expr(argv[0], scope);
        let b = this.expr(argv[1], scope);
        if (a.literal !== undefined && b.literal !== undefined) {
          return bool(String(a.literal === b.literal), ATOM, a.literal === b.literal);
        }
        if (a.literal !== undefined) [a, b] = [b, a];
        if (a.shape === "boolean" && !a.optional && typeof b.literal === "boolean") {
          if (b.literal) return a;
          return bool(
            a.negation ?? `!${wrap(a, UNARY)}`,
            a.negation ? EQUALITY : UNARY,
            undefined,
            a.code,
          );
        }
        const [x, y] = [wrap(a, EQUALITY + 1), wrap(b, EQUALITY + 1)];
        return bool(`${x} === ${y}`, EQUALITY, undefined, `${x} !== ${y}`);
      }
      case "getAttr": {
        arity(2);
        const path = argv[1];
        if (typeof path !== "string") throw new Error("getAttr path must be a string literal");
        return getAttr(this.expr(argv[0], scope), path);
      }
      case "coalesce": {
        if (argv.length < 2) throw new Error("coalesce takes two or more arguments");
        // Arguments after the first one that is always set are never reached.
        const used: Value[] = [];
        for (const a of argv) {
          used.push(this.expr(a, scope));
          if (!used[used.length - 1].optional) break;
        }
        if (used.length === 1) return used[0];
        return {
          code: used.map((v) => wrap(v, UNARY)).join(" ?? "),
          shape: used[0].shape,
          optional: used[used.length - 1].optional,
          prec: NULLISH,
        };
      }
      case "ite": {
        arity(3);
        const [cond, a, b] = argv.map((v) => this.expr(v, scope));
        return {
          code: `${wrap(cond, NULLISH + 1)} ? ${wrap(a, CONDITIONAL + 1)} : ${
            wrap(b, CONDITIONAL + 1)
          }`,
          shape: a.shape,
          optional: a.optional || b.optional,
          prec: CONDITIONAL,
        };
      }
    }
    const f = RUNTIME_FUNCTIONS[fn];
    if (!f) throw new Error(`Unsupported endpoint rule set function ${fn}`);
    arity(f.params.length);
    // A function given an unset value yields an unset value (so its condition fails).
    const guards: string[] = [];
    const args = argv.map((a) => {
      const v = this.expr(a, scope);
      if (!v.optional) return v.code;
      const simple = /^[\w$]+$/.test(v.code);
      guards.push(`${wrap(v, EQUALITY + 1)} != null`);
      return simple ? v.code : `${wrap(v, ATOM)}!`;
    });
    this.use(`fn:${f.name}`);
    if (fn === "aws.partition") args.unshift("PARTITIONS");
    const code = `${f.name}(${args.join(", ")})`;
    if (guards.length === 0) return { code, shape: f.shape, optional: f.optional, prec: ATOM };
    return {
      code: `${guards.join(" && ")} ? ${code} : undefined`,
      shape: f.shape,
      optional: true,
      prec: CONDITIONAL,
    };
  }
}

/** Marks an emitted line that was taken out again. */
const DROPPED = "\u0000";

/** How the use counts grew from `before` to `after`. */
function delta(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  const grown = new Map<string, number>();
  for (const [key, n] of after) {
    const d = n - (before.get(key) ?? 0);
    if (d) grown.set(key, d);
  }
  return grown;
}

function isRef(e: unknown): e is Ref {
  return isRecord(e) && typeof e.ref === "string";
}

function wrap(v: Value, min: number): string {
  return v.prec >= min ? v.code : `(${v.code})`;
}

/** The code that makes a condition pass, or undefined when it always passes. */
function truthTest(v: Value): string | undefined {
  if (v.shape === "boolean") return wrap(v, AND + 1);
  return v.optional ? `${wrap(v, EQUALITY + 1)} != null` : undefined;
}

/** `getAttr(value, "a.b[0]")` as member access; unset along the way makes the result unset. */
function getAttr(base: Value, path: string): Value {
  let { code, shape, optional } = base;
  code = wrap(base, ATOM);
  for (const part of path.split(".")) {
    const m = /^([A-Za-z_$][\w$]*)?((?:\[\d+\])*)$/.exec(part);
    if (!m || (!m[1] && !m[2])) throw new Error(`Invalid getAttr path ${JSON.stringify(path)}`);
    if (m[1]) {
      const attributes = ATTRIBUTES[shape];
      const next = attributes && Object.hasOwn(attributes, m[1]) ? attributes[m[1]] : undefined;
      if (!next) {
        throw new Error(
          `getAttr: ${shape} has no attribute ${m[1]} (path ${JSON.stringify(path)})`,
        );
      }
      code += `${optional ? "?." : "."}${m[1]}`;
      shape = next;
    }
    for (const index of m[2].match(/\d+/g) ?? []) {
      if (shape !== "stringArray") {
        throw new Error(`getAttr: cannot index ${shape} (path ${JSON.stringify(path)})`);
      }
      code += `${optional ? "?.[" : "["}${Number(index)}]`;
      shape = "string";
      optional = true;
    }
  }
  return { code, shape, optional, prec: ATOM };
}

function escapeTemplate(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const code = c.charCodeAt(0);
    if (c === "\\" || c === "`" || (c === "$" && text[i + 1] === "{")) out += `\\${c}`;
    else if (code < 0x20 || code === 0x7f || code === 0x2028 || code === 0x2029) {
      out += `\\u${code.toString(16).padStart(4, "0")}`;
    } else out += c;
  }
  return out;
}

function propertyKey(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name);
}

function tsType(type: Param["type"]): string {
  return type === "stringArray" ? "string[]" : type;
}

function jsdoc(lines: string[], indent: string): string[] {
  if (lines.length === 0) return [];
  const clean = lines.map((l) => l.replace(/\*\//g, "*\\/").trimEnd());
  if (clean.length === 1) return [`${indent}/** ${clean[0]} */`];
  return [
    `${indent}/**`,
    ...clean.map((l) => (l ? `${indent} * ${l}` : `${indent} *`)),
    `${indent} */`,
  ];
}

// ---------------------------------------------------------------------------------------------
// Partitions

/** Output fields `aws.partition` returns, in the order of the `PartitionData` tuple. */
const PARTITION_FIELDS = [
  "name",
  "dnsSuffix",
  "dualStackDnsSuffix",
  "supportsFIPS",
  "supportsDualStack",
  "implicitGlobalRegion",
] as const;

interface RawPartition {
  id: string;
  outputs: Record<(typeof PARTITION_FIELDS)[number], string | boolean>;
  regex: RegExp;
  regionRegex: string;
  regions: [string, Record<string, unknown>][];
}

function emitPartitions(input: unknown, runtime: string): string {
  const source = isRecord(input) && "data" in input && typeof input.source === "string"
    ? input.source
    : undefined;
  const data = source !== undefined && isRecord(input) ? input.data : input;
  if (!isRecord(data) || !Array.isArray(data.partitions)) {
    throw new Error("Partition data has no partitions array");
  }
  const partitions: RawPartition[] = data.partitions.map((p, i) => {
    if (!isRecord(p) || !isRecord(p.outputs) || typeof p.regionRegex !== "string") {
      throw new Error(`Partition ${i} is malformed`);
    }
    const outputs = p.outputs;
    for (const field of PARTITION_FIELDS) {
      const flag = field.startsWith("supports");
      if (flag ? typeof outputs[field] !== "boolean" : typeof outputs[field] !== "string") {
        throw new Error(`Partition ${p.id ?? i} has no ${flag ? "boolean" : "string"} ${field}`);
      }
    }
    return {
      id: String(p.id ?? outputs.name),
      outputs: outputs as RawPartition["outputs"],
      regex: new RegExp(p.regionRegex),
      regionRegex: p.regionRegex,
      regions: Object.entries(isRecord(p.regions) ? p.regions : {}).map((
        [r, v],
      ) => [r, isRecord(v) ? v : {}]),
    };
  });
  const fallback = partitions.find((p) => p.id === "aws") ?? partitions[0];

  // An explicit region entry is only kept when the region pattern lookup would give another
  // partition, or when it overrides outputs: the lookup result is the same for every input.
  const seen = new Set<string>();
  const explicit = partitions.map((p) => {
    const kept: [string, Record<string, string | boolean>][] = [];
    for (const [region, values] of p.regions) {
      if (seen.has(region)) continue; // a later entry for the same region is never reached
      seen.add(region);
      const overrides: Record<string, string | boolean> = {};
      for (const field of PARTITION_FIELDS) {
        const v = values[field];
        if ((typeof v === "string" || typeof v === "boolean") && v !== p.outputs[field]) {
          overrides[field] = v;
        }
      }
      const byPattern = partitions.find((q) => q.regex.test(region)) ?? fallback;
      if (byPattern !== p || Object.keys(overrides).length) kept.push([region, overrides]);
    }
    return kept;
  });

  const rows = partitions.map((p, i) => {
    const items = PARTITION_FIELDS.map((f) => JSON.stringify(p.outputs[f]));
    items.push(`/${p.regionRegex.replace(/\\?\//g, "\\/")}/`);
    if (explicit[i].length) {
      const entries = explicit[i].map(([r, o]) =>
        `${JSON.stringify(r)}: {${
          Object.entries(o).map(([k, v]) => ` ${k}: ${JSON.stringify(v)}`).join(",")
        }${Object.keys(o).length ? " " : ""}}`
      );
      items.push(`{ ${entries.join(", ")} }`);
    }
    return `  [${items.join(", ")}],`;
  });
  const version = typeof data.version === "string" ? ` (partitions version ${data.version})` : "";
  return [
    "/**",
    ` * AWS partitions for \`aws.partition\`, from ${
      source ?? "the AWS partitions table"
    }${version}.`,
    " *",
    " * Regions are matched by pattern; only regions the patterns would place in another partition",
    " * (such as `aws-cn-global`) are listed, which gives the same answer for every region.",
    " *",
    " * @module",
    " */",
    "",
    `import type { PartitionData } from "${runtime}endpoint_functions.ts";`,
    "",
    "/**",
    " * The partitions in lookup order. Each entry: name, DNS suffix, dual-stack DNS suffix, FIPS",
    " * support, dual-stack support, implicit global region, region pattern, explicit regions.",
    " */",
    "export const PARTITIONS: readonly PartitionData[] = [",
    ...rows,
    "];",
    "",
  ].join("\n");
}
