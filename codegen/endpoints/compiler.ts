/**
 * Compiles a parsed endpoint rule set into straight-line TypeScript (`generated/endpoints.ts`:
 * nested `if` blocks, no interpreter).
 *
 * The simple standard-library functions (`booleanEquals`, `stringEquals`, `isSet`, `not`,
 * `getAttr`, `coalesce`, `ite`) become operators; the others become calls into
 * `runtime/endpoint_functions.ts`, imported one by one so a bundle keeps only those the rule set
 * uses.
 *
 * @module
 */

import { propertyName } from "../emit/names.ts";
import { SourceFile } from "../emit/source_file.ts";
import { ATTRIBUTES, RUNTIME_FUNCTIONS, type ValueType } from "./library.ts";
import {
  type EndpointSpec,
  type Expr,
  type FnCall,
  isRecord,
  isRef,
  type Param,
  type Rule,
  type RuleSet,
} from "./rule_set.ts";

/** Message of the error thrown when a tree's rules are exhausted. */
export const NO_MATCH_MESSAGE = "No endpoint rule matched";

/** A compiled expression. */
interface Value {
  code: string;
  shape: ValueType;
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
  shape: ValueType;
  optional: boolean;
}
type Scope = Map<string, Variable>;

/** Where the generated module finds the runtime, and what its documentation says of its rules. */
export interface CompilerOptions {
  /** Base the generated code imports the runtime from, ending in `/`. */
  runtime: string;
  /** The endpoint prefix, when the rule set is the fallback for a model without one. */
  fallbackPrefix?: string;
  /** How many `smithy.rules#endpointTests` cases the model has. */
  testCount: number;
}

/** The text of `generated/endpoints.ts` for a parsed rule set (unformatted). */
export function compileRuleSet(ruleSet: RuleSet, options: CompilerOptions): string {
  return new Compiler(ruleSet, options).emit();
}

class Compiler {
  private readonly out: string[] = [];
  private readonly idents = new Set<string>();
  private readonly paramIdents = new Map<string, string>();
  /** How often each name is referenced by the emitted code: `ref:<ident>`, `fn:<name>`, … */
  private uses = new Map<string, number>();

  constructor(
    private readonly ruleSet: RuleSet,
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

    const file = new SourceFile();
    const w = file.writer;
    file.moduleDoc(this.moduleDoc());
    const functions = `${this.options.runtime}endpoint_functions.ts`;
    const endpoint = file.useType(functions, "Endpoint");
    for (const { name } of Object.values(RUNTIME_FUNCTIONS)) {
      if (this.used(`fn:${name}`)) file.use(functions, name);
    }
    if (this.used("EndpointError")) file.use(`${this.options.runtime}errors.ts`, "EndpointError");
    if (this.used("fn:partition")) file.use("./partitions.ts", "PARTITIONS");
    w.writeLine(`export type { ${endpoint} };`).blankLine();
    this.paramsInterface(file);
    w.blankLine();
    file.doc("Resolves the endpoint of a request from the endpoint parameters.", [
      "@param params the endpoint parameters; parameters with defaults may be left out",
      "@returns the endpoint URL, with any headers and properties the matching rule sets",
      "@throws {EndpointError} with the rule's message when the rules reject the parameters",
    ]);
    const params = prologue.length ? "params" : "_params";
    w.writeLine(`export function resolveEndpoint(${params}: EndpointParams): ${endpoint} {`);
    for (const line of [...prologue, ...body]) w.writeLine(line);
    w.writeLine("}");
    return file.toString();
  }

  private moduleDoc(): string {
    if (this.options.fallbackPrefix !== undefined) {
      return [
        "Endpoint resolution. The model has no `smithy.rules#endpointRuleSet`, so this follows the",
        `standard AWS regional rules for the endpoint prefix \`${this.options.fallbackPrefix}\`:`,
        "`https://{prefix}[-fips].{Region}.{dnsSuffix | dualStackDnsSuffix}`, or a custom endpoint.",
      ].join("\n");
    }
    const lines = [
      "Endpoint resolution compiled from the model's `smithy.rules#endpointRuleSet`",
      `(rules engine ${this.ruleSet.version}).`,
    ];
    if (this.options.testCount > 0) {
      lines.push(
        `The model's ${this.options.testCount} \`smithy.rules#endpointTests\` cases are run ` +
          "against it by backup-edge's tests.",
      );
    }
    return lines.join("\n");
  }

  private paramsInterface(file: SourceFile): void {
    const w = file.writer;
    file.doc("Endpoint parameters: one member per parameter of the endpoint rule set.");
    w.write("export interface EndpointParams ").inlineBlock(() => {
      for (const p of this.ruleSet.parameters) {
        const notes: string[] = [];
        if (p.builtIn) notes.push(`Built-in \`${p.builtIn}\`.`);
        if (p.default !== undefined) notes.push(`Defaults to \`${JSON.stringify(p.default)}\`.`);
        else if (p.required) notes.push("Required.");
        const extra = notes.length ? [notes.join(" ")] : [];
        if (p.deprecated) {
          const { message, since } = p.deprecated;
          const text = [message, since && `(since ${since})`].filter(Boolean).join(" ");
          extra.push(`@deprecated ${text || "Deprecated."}`);
        }
        file.doc(p.documentation, extra);
        // Optional members take an explicit undefined (read as absent: defaults still apply), so
        // `Endpoint: config.endpoint` type-checks under exactOptionalPropertyTypes too.
        const optional = !p.required || p.default !== undefined;
        const type = tsType(p.type) + (optional ? " | undefined" : "");
        w.writeLine(`${propertyName(p.name)}${optional ? "?" : ""}: ${type};`);
      }
    });
  }

  /** Reads the used parameters, applying defaults and checking required ones. */
  private prologue(): string[] {
    const used = this.ruleSet.parameters.filter((p) =>
      this.used(`ref:${this.paramIdents.get(p.name)}`)
    );
    if (used.length === 0) return [];
    const bindings = used.map((p) => {
      const ident = this.paramIdents.get(p.name)!;
      const key = propertyName(p.name);
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
        `${propertyName(name)}: [${
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
        `${propertyName(k)}: ${this.literal(v, scope)}`
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

function tsType(type: Param["type"]): string {
  return type === "stringArray" ? "string[]" : type;
}
