/**
 * Seeded random values for runtime schemas (`generated/schemas.ts`): valid ones that respect
 * every rule validation checks, and mutations of them that break exactly one rule at a known
 * path. Used by the input fuzz test.
 */

import type {
  ListSchema,
  MapSchema,
  MemberSchema,
  ScalarSchema,
  Schema,
} from "../../runtime/schema.ts";

type Resolved = Exclude<Schema, () => Schema>;
export const resolve = (schema: Schema): Resolved =>
  typeof schema === "function" ? resolve(schema()) : schema;

/** A small seeded PRNG (mulberry32): the same seed gives the same inputs on any machine. */
export class Random {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }
  /** A float in [0, 1). */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
}

/** Characters strings are made of: ASCII, URI and JSON specials, non-ASCII, a surrogate pair. */
const ALPHABET = [
  ..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
  ..." -_.~/:%?&=+#@!$'()*,;[]\"\\`^{}|<>",
  "é",
  "ß",
  "中",
  "\u00a0",
  "\ud83d\ude80",
];
/** Header text: visible ASCII without `,` and `"` (which list items would quote). */
const HEADER_ALPHABET = ALPHABET.filter((c) => /^[\x21-\x7e]$/.test(c) && !/[,"]/.test(c));
const HOST_LABEL_ALPHABET = [..."abcdefghijklmnopqrstuvwxyz0123456789-"];
/** Label text near dot segments: `./x`, `..%2e`, `a/../b`, `\..`. */
const DOT_ALPHABET = [".", ".", ".", "/", "/", "%", "2", "e", "E", "a", "\\", "*"];

/** Is the member a greedy label (`{Name+}`), whose `/` separate path segments? */
export const isGreedyLabel = (member?: MemberSchema): boolean =>
  member?.http === "label" && member.check?.name === "checkGreedyLabel";

/** Sets an own property, also `__proto__`, as `JSON.parse` would. */
export function put(object: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(object, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** Where a generated value sits in the input, for mutations. */
export interface Site {
  /** Validation path, e.g. `Lifecycle.DeleteAfterDays`, `Tags["team"]`, `Rules[0]`. */
  path: string;
  /** Keys from the root to the value. */
  keys: (string | number)[];
  schema: Resolved;
  /** The member this value is, when it is a structure member. */
  member?: MemberSchema;
  /** The member whose HTTP binding applies: the value's own, or that of its list or map. */
  binding?: MemberSchema;
  value: unknown;
}

/** Options the fuzz test may vary. */
export interface ValueOptions {
  /** Probability that an optional member is set. */
  optional: number;
}

/**
 * A random valid value of `schema`. Every structure member, list item and map entry made is
 * recorded in `sites` for later mutation. Returns undefined when a pattern cannot be satisfied.
 */
export function validValue(
  random: Random,
  schema: Schema,
  sites: Site[],
  options: ValueOptions,
  at: Omit<Site, "schema" | "value"> = { path: "", keys: [] },
  depth = 0,
): unknown {
  const s = resolve(schema);
  const value = make();
  sites.push({ ...at, schema: s, value });
  return value;

  function make(): unknown {
    switch (s.type) {
      case "string":
        return validString(random, s, at.member ?? at.binding);
      case "integer": {
        const limit = s.bits ? 2 ** (s.bits - 1) : 2 ** 53;
        const lo = Math.max(s.min ?? -Infinity, -limit + (s.bits ? 0 : 1));
        const hi = Math.min(s.max ?? Infinity, limit - 1);
        if (random.chance(0.3)) return random.pick([lo, hi]);
        const span = random.pick([10, 1000, 2 ** 31, 2 ** 53]);
        return Math.max(lo, Math.min(hi, random.int(-span, span)));
      }
      case "float": {
        if (random.chance(0.15)) return random.pick([NaN, Infinity, -Infinity]);
        const n = (random.next() - 0.5) * 10 ** random.int(-5, 30);
        const v = s.bits === 32 ? Math.fround(n) : n;
        return Math.max(s.min ?? -Infinity, Math.min(s.max ?? Infinity, v));
      }
      case "boolean":
        return random.chance(0.5);
      case "timestamp": {
        // From 1970 to 2100, to the millisecond; HTTP dates (IMF-fixdate) carry whole seconds.
        const ms = s.write?.name === "toHttpDate" ? 0 : random.int(0, 999);
        return new Date(random.int(0, 4102444800) * 1000 + ms);
      }
      case "blob": {
        const n = random.int(s.minLength ?? 0, Math.min(s.maxLength ?? 40, 40));
        return Uint8Array.from({ length: n }, () => random.int(0, 255));
      }
      case "document":
        // Not null: a null item of a list or map that is not @sparse is an absent one.
        return randomDocument(random, 3) ?? {};
      case "list":
        return Array.from(
          { length: count(s) },
          (_, i) =>
            validValue(random, s.member, sites, options, {
              path: `${at.path}[${i}]`,
              keys: [...at.keys, i],
              binding: at.member ?? at.binding,
            }, depth + 1),
        );
      case "map": {
        const out: Record<string, unknown> = {};
        const wanted = count(s);
        for (let tries = 0; Object.keys(out).length < wanted && tries < wanted * 5; tries++) {
          const key = s.key
            ? validString(random, resolve(s.key) as ScalarSchema)
            : at.member?.http === "prefixHeaders"
            ? randomText(random, random.int(1, 8), HOST_LABEL_ALPHABET)
            : random.chance(0.1)
            ? "__proto__"
            : randomText(random, random.int(1, 8));
          if (typeof key !== "string" || Object.hasOwn(out, key)) continue;
          put(
            out,
            key,
            validValue(random, s.value, sites, options, {
              path: `${at.path}[${JSON.stringify(key)}]`,
              keys: [...at.keys, key],
              binding: at.member ?? at.binding,
            }, depth + 1),
          );
        }
        return Object.keys(out).length >= (s.minLength ?? 0) ? out : undefined;
      }
      default: {
        const out: Record<string, unknown> = {};
        const names = Object.keys(s.members);
        const chosen = s.type === "union"
          ? [random.pick(names)]
          : names.filter((n) =>
            s.members[n].required || (depth < 6 && random.chance(options.optional))
          );
        for (const name of chosen) {
          const member = s.members[name];
          const v = validValue(random, member.schema, sites, options, {
            path: at.path ? `${at.path}.${name}` : name,
            keys: [...at.keys, name],
            member,
          }, depth + 1);
          if (v !== undefined) out[name] = v;
          else if (member.required || s.type === "union") return undefined;
        }
        // An explicit `undefined` is an absent member (`exactOptionalPropertyTypes` callers
        // write `x ?? undefined`), and so is `null`: validated as absent, never sent. (Only
        // at the top, where the HTTP bindings are: deeper, a `null` would need the schema to
        // tell it from a document's.)
        for (const name of names) {
          if (!Object.hasOwn(out, name) && !s.members[name].required && random.chance(0.1)) {
            out[name] = depth === 0 && random.chance(0.5) ? null : undefined;
          }
        }
        return out;
      }
    }
  }

  function count(c: ListSchema | MapSchema): number {
    const min = c.minLength ?? 0;
    return random.int(min, Math.max(min, Math.min(c.maxLength ?? 3, depth > 3 ? min : 3)));
  }
}

/** Random text of `n` code points from `alphabet`. */
function randomText(random: Random, n: number, alphabet = ALPHABET): string {
  let s = "";
  for (let i = 0; i < n; i++) s += random.pick(alphabet);
  return s;
}

const codePoints = (s: string) => [...s].length;

/** A string that passes the schema and the member's binding, or undefined if none was found. */
function validString(random: Random, s: ScalarSchema, member?: MemberSchema): string | undefined {
  const alphabet = member?.hostLabel
    ? HOST_LABEL_ALPHABET
    : member?.http === "header" || member?.http === "prefixHeaders"
    ? HEADER_ALPHABET
    : member?.http === "label" && random.chance(0.3)
    ? DOT_ALPHABET
    : ALPHABET;
  const min = s.minLength ?? 0;
  const max = s.maxLength ?? (random.chance(0.01) ? 100_000 : 12);
  for (let tries = 0; tries < 50; tries++) {
    let text = s.pattern
      ? fromPattern(random, s.pattern, alphabet)
      : randomText(random, random.int(min, Math.min(max, min + 20)), alphabet);
    if (text === undefined) return undefined;
    if (s.pattern && !s.pattern.source.startsWith("^")) {
      text = randomText(random, random.int(0, 3), alphabet) + text;
    }
    const n = codePoints(text);
    if (n < min || n > max || (s.pattern && !s.pattern.test(text))) continue;
    // A label is not empty, "." or ".."; a greedy one holds no such segment.
    if (member?.http === "label" && (text === "" || text === "." || text === "..")) continue;
    if (isGreedyLabel(member) && /(^|\/)\.\.?(\/|$)/.test(text)) continue;
    if (member?.hostLabel && !/^[a-z\d]([a-z\d-]{0,61}[a-z\d])?$/i.test(text)) continue;
    if (/header/i.test(member?.http ?? "") && /^\s|\s$/.test(text)) continue;
    // An idempotency token given is not empty or white space (checkIdempotencyToken).
    if (member?.idempotencyToken && text.trim() === "") continue;
    return text;
  }
  return undefined;
}

/**
 * A string matching `pattern`, for the patterns models use: a sequence of atoms (a character,
 * an escape, a class) each with an optional quantifier, optionally anchored. Groups and
 * alternation are not supported (undefined).
 */
function fromPattern(random: Random, pattern: RegExp, alphabet: string[]): string | undefined {
  const source = pattern.source.replace(/^\^/, "").replace(/\$$/, "");
  const atoms: string[] = source.match(/\[(?:\\.|[^\]\\])*\]|\\.|[^[\\]/g) ?? [];
  // One group around the whole pattern holding alternatives, `^(\*|[a-z]{2,50})$`: pick one.
  const inner = atoms.slice(1, -1);
  if (atoms[0] === "(" && atoms.at(-1) === ")" && !inner.some((a) => a === "(" || a === ")")) {
    const alternatives = inner.join("\u0000").split("\u0000|\u0000").map((a) =>
      a.replaceAll("\u0000", "")
    );
    const alternative = random.pick(alternatives).replace(/^\?:/, "");
    return fromPattern(random, new RegExp(`^${alternative}$`, pattern.flags), alphabet);
  }
  let out = "";
  for (let i = 0; i < atoms.length; i++) {
    const atom = atoms[i];
    if (/^[(|)]$/.test(atom)) return undefined;
    if (/^[*+?{]$/.test(atom)) continue; // quantifiers are read with their atom below
    let min = 1;
    let max = 1;
    const next = atoms[i + 1];
    if (next === "*" || next === "+" || next === "?") {
      [min, max] = next === "*" ? [0, 6] : next === "+" ? [1, 6] : [0, 1];
    } else if (next === "{") {
      const close = atoms.indexOf("}", i + 1);
      const [lo, hi] = atoms.slice(i + 2, close).join("").split(",");
      min = +lo;
      max = hi === undefined ? min : hi === "" ? min + 6 : +hi;
      i = close;
    }
    const match = new RegExp(`^(?:${atom})$`, pattern.flags);
    const chars = [...alphabet, "\t", "\n"].filter((c) => match.test(c));
    if (!chars.length) return undefined;
    const n = random.int(min, Math.min(max, min + 12));
    for (let k = 0; k < n; k++) out += random.pick(chars);
  }
  return out;
}

function randomDocument(random: Random, depth: number): unknown {
  switch (random.int(0, depth > 0 ? 6 : 4)) {
    case 0:
      return null;
    case 1:
      return random.chance(0.5);
    case 2:
      return random.int(-1e6, 1e6) / random.pick([1, 8]);
    case 3:
    case 4:
      return randomText(random, random.int(0, 6));
    case 5:
      return Array.from({ length: random.int(0, 3) }, () => randomDocument(random, depth - 1));
    default: {
      const out: Record<string, unknown> = {};
      for (let i = random.int(0, 3); i > 0; i--) {
        put(out, randomText(random, random.int(0, 4)), randomDocument(random, depth - 1));
      }
      return out;
    }
  }
}

/** A mutation: the new value at a site's keys (or deletion), and the path validation must name. */
export interface Mutation {
  kind: string;
  keys: (string | number)[];
  /** Makes the replacement (only for the mutations used); `DELETE` removes the member. */
  make: () => unknown;
  path: string;
}

export const DELETE = Symbol("delete");

class NotPlain {
  Member = 1;
}

/**
 * An array whose `map` answers items of its own: validated by index, it would send what its
 * `map` says (an unknown member injected) if the serializer called it.
 */
class SneakyArray extends Array {
  override map<U>(): U[] {
    return [{ Injected: "not validated" }] as U[];
  }
}

/**
 * `items` with the first item a getter that answers it the first time and something else the
 * next (what validation saw would not be what is sent).
 */
function withGetterItem(items: unknown[]): unknown[] {
  const copy = [...items];
  let reads = 0;
  Object.defineProperty(copy, 0, {
    get: () => reads++ ? { Injected: "after validation" } : items[0],
    enumerable: true,
    configurable: true,
  });
  return copy;
}

/** Every mutation of a site that validation must reject, with the path it must name. */
export function mutationsOf(random: Random, site: Site): Mutation[] {
  const { schema: s, member, keys, path, value } = site;
  const out: Mutation[] = [];
  const add = (kind: string, v: unknown, at = path) =>
    out.push({ kind, keys, make: () => v, path: at });
  const addLazy = (kind: string, make: () => unknown, at = path) =>
    out.push({ kind, keys, make, path: at });
  if (member?.required) add("required member removed", DELETE);
  if (member?.required) add("required member null", null);
  // A wrong type for each kind.
  const wrong: Record<string, () => unknown[]> = {
    string: () => [42, true, ["x"], { toString: () => "x" }],
    integer: () => ["1", 1.5, NaN, Infinity, 1e300, 2 ** 63, -(2 ** 63), 10n],
    float: () => ["1.5", true, 10n],
    boolean: () => ["true", 0, 1],
    timestamp: () => [new Date(NaN), new Date("+010000-01-01T00:00:00Z"), 1700000000, "2024-01-01"],
    blob: () => [42, [1, 2], new ArrayBuffer(2)],
    document: () => [
      10n,
      () => 1,
      Symbol("s"),
      NaN,
      new Map(),
      { a: [new Date()] },
      // What JSON.stringify would call or read again: an array's own toJSON, a getter.
      Object.assign([1], { toJSON: () => "not validated" }),
      Object.defineProperty({}, "a", { get: () => 1, enumerable: true }),
      Object.setPrototypeOf([1], SneakyArray.prototype),
    ],
    list: () => ["a", new Set([1]), { 0: "a", length: 1 }],
    map: () => [new Map([["a", "b"]]), ["a"], "a", new NotPlain()],
    structure: () => [
      new Map(),
      ["a"],
      new NotPlain(),
      Object.create(value as object ?? {}),
      { __proto__: value },
      "s",
    ],
    union: () => [new Map(), ["a"], Object.create(value as object ?? {})],
  };
  for (const v of wrong[s.type]?.() ?? []) add(`wrong type (${s.type})`, v);
  switch (s.type) {
    case "string": {
      const text = value as string;
      const i = random.int(0, text.length);
      add(
        "lone surrogate",
        text.slice(0, i) + random.pick(["\ud800", "\udfff", "\udbff"]) + text.slice(i),
      );
      if (s.maxLength !== undefined) {
        add("too long", "a".repeat(s.maxLength + 1));
        const size = random.pick([100_000, 1_000_000]);
        addLazy("huge", () => "x".repeat(Math.max(size, s.maxLength! + 1)));
      }
      if (s.minLength) add("too short", "b".repeat(s.minLength - 1));
      if (s.pattern) {
        for (const control of ["\n", "\r", "\0", "\u0007", "\u001b", "\u007f", "\u2028"]) {
          const broken = text.slice(0, i) + control + text.slice(i);
          if (!s.pattern.test(broken)) add(`control character forbidden by ${s.pattern}`, broken);
        }
      }
      if (member?.http === "label") {
        add("dot label", ".");
        add("dot-dot label", "..");
        add("empty label", "");
        if (isGreedyLabel(member)) add("dot segment in a greedy label", `${text}/../x`);
      }
      if (member?.http === "header" && member.check) {
        add("header with CR/LF", `${text}\r\nx-injected: 1`);
      }
      break;
    }
    case "integer":
      if (s.bits) add("beyond its bits", 2 ** (s.bits - 1));
      if (s.min !== undefined) add("below @range", s.min - 1);
      if (s.max !== undefined) add("above @range", s.max + 1);
      break;
    case "float":
      if (s.bits === 32) add("beyond a 32-bit float", 1e300);
      if (s.min !== undefined && s.min > -Number.MAX_VALUE) add("below @range", s.min - 1);
      if (s.max !== undefined && s.max < Number.MAX_VALUE) add("above @range", s.max + 1);
      break;
    case "list": {
      const items = value as unknown[];
      if (!s.sparse) add("null item", [...items, null], `${path}[${items.length}]`);
      if (items.length) addLazy("getter item", () => withGetterItem(items), `${path}[0]`);
      addLazy("Array subclass", () => Object.setPrototypeOf([...items], SneakyArray.prototype));
      if (s.maxLength !== undefined) {
        add("too many items", Array(s.maxLength + 1).fill(items[0] ?? null), path);
      }
      break;
    }
    case "map": {
      const map = value as Record<string, unknown>;
      const withKey = (key: string, v: unknown) => {
        const copy = copyObject(map);
        put(copy, key, v);
        return copy;
      };
      const first = Object.keys(map)[0];
      if (first !== undefined && !s.sparse) {
        add("null map value", withKey(first, null), `${path}[${JSON.stringify(first)}]`);
      }
      add("lone surrogate key", withKey("k\ud800", map[first]), `${path}["k\\ud800"]`);
      break;
    }
    case "structure": {
      // A key the model does not name: a misspelled member, or a foreign one.
      const names = Object.keys(s.members);
      const withKey = (key: string) => {
        const copy = copyObject(value as Record<string, unknown>);
        put(copy, key, random.chance(0.2) ? undefined : 1);
        return copy;
      };
      // As issues name keys (runtime/unknown_keys.ts's keyPath): `a.b`, or `a["x y"]`.
      const at = (key: string) =>
        !/^[A-Za-z_$][\w$]*$/.test(key)
          ? `${path}[${JSON.stringify(key)}]`
          : path
          ? `${path}.${key}`
          : key;
      const name = names.length ? random.pick(names) : "";
      const cut = random.int(0, Math.max(0, name.length - 1));
      const misspelled = name.slice(0, cut) + name.slice(cut + 1);
      if (misspelled && !names.includes(misspelled)) {
        add("misspelled member", withKey(misspelled), at(misspelled));
      }
      const foreign = random.pick(["abortSignal", "maxRetries", "$unknown", "__proto__", "x y"]);
      if (!names.includes(foreign)) add("unknown member", withKey(foreign), at(foreign));
      break;
    }
    case "union": {
      const set = Object.keys(value as object)[0];
      const other = Object.keys(s.members).find((n) => n !== set);
      if (other) add("two union members", { ...(value as object), [other]: 1 });
      add("no union member", {});
      break;
    }
  }
  return out;
}

/** A shallow copy that keeps own `__proto__` keys as keys. */
export function copyObject(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(o)) put(out, key, o[key]);
  return out;
}

/** `root` with the value at `keys` replaced (or deleted), copying only the containers on the way. */
export function replaceAt(root: unknown, keys: (string | number)[], value: unknown): unknown {
  if (!keys.length) return value;
  const [key, ...rest] = keys;
  if (Array.isArray(root)) {
    const copy = root.slice();
    copy[key as number] = replaceAt(root[key as number], rest, value);
    return copy;
  }
  const copy = copyObject(root as Record<string, unknown>);
  const inner = replaceAt((root as Record<string, unknown>)[key], rest, value);
  if (inner === DELETE) delete copy[key];
  else put(copy, key as string, inner);
  return copy;
}
