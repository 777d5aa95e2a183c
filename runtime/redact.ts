/**
 * Keeps secrets out of errors: the secret access key and the session token, in whatever the
 * service or the platform sends back (an `InvalidSignatureException` quotes the canonical
 * request it expected, whose headers hold `x-amz-security-token:<token>`; a proxy page or a
 * platform error may echo a header), without garbling the rest of the text. The access key id
 * is an identifier AWS prints itself: it stays.
 *
 * Two rules, each replacing what it finds with `[hidden]`:
 *
 * 1. **Where a credential is named**: the value after `x-amz-security-token`, `SecretAccessKey`,
 *    `SessionToken`, `SecurityToken` and their spellings (`X-Amz-Security-Token=`,
 *    `aws_secret_access_key`, `"sessionToken": "…"`, any case), followed by `:` or `=`, whatever
 *    the value is and however short.
 * 2. **Anywhere**: the secret key or token of the call, and any run of 16 or more of its
 *    characters (what a truncated echo leaves), raw or base64-encoded (also URL-safe), in any
 *    letter case, once the text's encodings are undone where they could hide it: white space
 *    and line breaks inside it (a token wrapped every 10 characters), percent-encoding (either
 *    hex case, also twice: `%252F`), JSON escapes (`\/`, `\u002f`, `\n`), HTML character
 *    references (`&#x2F;`, `&#47;`, `&sol;`, `&amp;#47;`), up to three layers deep. The
 *    replacement covers exactly the characters that spelled the run, so the rest of the text
 *    stays as it was. This applies to values of at least 16 characters: AWS secret keys have 40
 *    and session tokens hundreds, while a shorter value (LocalStack's `test`) is a test value
 *    that also spells ordinary words, so it is hidden only by rule 1.
 *
 * What it cannot see: a fragment shorter than 16 characters, or pieces of one joined by
 * anything but white space; an encoding it does not undo (hex, base32, base64 of a piece of
 * fewer than about 16 characters or of an already encoded secret, compression, encryption).
 *
 * @module
 */

/** What a secret is replaced with. */
export const HIDDEN = "[hidden]";

/**
 * Shortest secret hidden wherever it appears, and shortest fragment of one that is: shorter
 * ones could be ordinary text.
 */
export const MIN_SECRET_LENGTH = 16;

/** A credential's name, then `:` or `=` (quotes and spaces around), then its value. */
const NAMED =
  /((?:x-amz-)?security[-_]?token|(?:aws[-_]?)?secret[-_]?access[-_]?key|(?:aws[-_]?)?session[-_]?token)(["']?[ \t]*[:=][ \t]*["']?)((?:\\\/|[^\s"'&,;<>\\])+)/gi;

// Fragments are found through blocks of this length taken at fixed places of a secret: a run of
// 2 × BLOCK − 1 characters of the secret always holds a whole block.
const BLOCK = 8;

/** Hides secrets in text and errors; built per failure, never on a successful call. */
export class Redactor {
  readonly #forms: string[];

  /** @param secrets the secret access keys and session tokens to hide */
  constructor(secrets: readonly (string | undefined)[]) {
    // Each form as the text's decoded view would show it.
    this.#forms = secrets.flatMap((s) =>
      typeof s === "string" && s.length >= MIN_SECRET_LENGTH
        ? encodings(s).map((form) => decoded(form).chars)
        : []
    ).filter((form) => form.length >= MIN_SECRET_LENGTH);
  }

  /** `text` with every secret (see the module's rules) replaced by `[hidden]`. */
  text(text: string): string {
    const named = text.replace(NAMED, (_, name, separator) => name + separator + HIDDEN);
    if (!this.#forms.length) return named;
    // Searched in the text's decoded view; each character of the view knows the characters of
    // the text it came from, and those are what is marked.
    const view = decoded(named);
    const { chars } = view;
    // Marks every run of MIN_SECRET_LENGTH or more characters of a secret (in any of its forms):
    // a block of it found, then extended both ways as far as the text follows the secret.
    const secret = new Uint8Array(named.length);
    for (const form of this.#forms) {
      for (let b = 0; b + BLOCK <= form.length; b += BLOCK) {
        const block = form.slice(b, b + BLOCK);
        for (let at = chars.indexOf(block); at >= 0; at = chars.indexOf(block, at + 1)) {
          let start = at;
          let end = at + BLOCK;
          let i = b;
          let j = b + BLOCK;
          while (i > 0 && start > 0 && chars[start - 1] === form[i - 1]) start--, i--;
          while (j < form.length && end < chars.length && chars[end] === form[j]) end++, j++;
          if (end - start >= MIN_SECRET_LENGTH) secret.fill(1, view.from[start], view.to[end - 1]);
        }
      }
    }
    // Each run of marked characters (overlapping finds included) becomes one [hidden].
    return named.replace(/[^]/g, (c, i) => secret[i] ? secret[i - 1] ? "" : HIDDEN : c);
  }

  /**
   * `value` without secrets: the same value when it holds none, else a copy (strings, arrays,
   * plain objects and errors, to a depth of 20). An error's copy keeps its name, message,
   * stack, own properties and cause, each without secrets: a safe `cause` to keep.
   */
  value(value: unknown, depth = 0): unknown {
    if (typeof value === "string") return this.text(value);
    if (typeof value !== "object" || value === null || depth > 20) return value;
    if (value instanceof Error) return this.#errorCopy(value, depth);
    const array = Array.isArray(value);
    const proto = Object.getPrototypeOf(value);
    if (!array && proto !== null && proto !== Object.prototype) return value;
    let copy: Record<string, unknown> | undefined;
    for (const [key, item] of Object.entries(value)) {
      const clean = this.value(item, depth + 1);
      if (clean !== item) (copy ??= array ? [...value] as never : { ...value })[key] = clean;
    }
    return copy ?? value;
  }

  /**
   * Removes secrets from an error of ours in place — message, stack, own properties (a modeled
   * error's members, a kept body) — and replaces its cause by a safe copy when it holds one.
   */
  scrub<E extends Error>(error: E): E {
    for (const [key, clean] of this.#changes(error, 0)) define(error, key, clean);
    return error;
  }

  /**
   * The parts of `error` that hold a secret — message, stack, cause and own enumerable
   * properties — each without it; empty when it holds none.
   */
  #changes(error: Error, depth: number): Map<string, unknown> {
    const changes = new Map<string, unknown>();
    for (const key of [...ERROR_PARTS, ...Object.keys(error)]) {
      const item = read(error, key);
      const clean = this.value(item, depth + 1);
      if (clean !== item) changes.set(key, clean);
    }
    return changes;
  }

  #errorCopy(error: Error, depth: number): Error {
    const changes = this.#changes(error, depth);
    if (!changes.size) return error;
    const clean = (key: string) => changes.has(key) ? changes.get(key) : read(error, key);
    // A copy of the built-in class it is (a TypeError stays a TypeError), not of a host class
    // whose getters would refuse an object they did not make (DOMException).
    const Builtin = BUILTIN_ERRORS.find((E) => Object.getPrototypeOf(error) === E.prototype) ??
      Error;
    const copy = new Builtin();
    for (const key of [...ERROR_PARTS, "name"]) {
      const value = clean(key);
      if (value !== undefined && value !== read(copy, key)) define(copy, key, value);
    }
    for (const key of Object.keys(error)) {
      (copy as unknown as Record<string, unknown>)[key] = clean(key);
    }
    return copy;
  }
}

const BUILTIN_ERRORS = [TypeError, RangeError, SyntaxError, ReferenceError, URIError, EvalError];

/** What an error holds besides its own enumerable properties (own, non-enumerable). */
const ERROR_PARTS = ["message", "stack", "cause"];

/** A property read that survives throwing getters. */
function read(object: object, key: string): unknown {
  try {
    return (object as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** Sets an own, non-enumerable property (as `message`, `stack` and `cause` are). */
function define(object: object, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, writable: true, configurable: true });
}

/**
 * The forms a secret may take in what is sent back, besides the encodings {@linkcode decoded}
 * undoes: itself, and base64 (standard and URL-safe) at each of the three byte alignments it
 * can have inside a longer encoded text (without the edge characters that depend on its
 * neighbours).
 */
function encodings(secret: string): string[] {
  const bytes = new TextEncoder().encode(secret);
  const base64 = [0, 1, 2].map((offset) => {
    const padded = new Uint8Array(offset + bytes.length);
    padded.set(bytes, offset);
    const text = btoa(String.fromCharCode(...padded)).replace(/=+$/, "");
    return text.slice(offset ? 4 : 0, -4);
  });
  const urlSafe = base64.map((form) => form.replace(/\+/g, "-").replace(/\//g, "_"));
  return [...new Set([secret, ...base64, ...urlSafe])];
}

/**
 * A text as a secret's characters could stand in it, for searching: ASCII letters in lower
 * case, and where each character came from (`from[k]` … `to[k]`, end excluded).
 */
interface DecodedView {
  chars: string;
  from: number[];
  to: number[];
}

/**
 * One encoded character, or white space, at the start (sticky): `%2F` and JSON's `\u002f`
 * (ASCII: what secrets are made of), HTML's `&#47;` and `&#x2F;` and the named references of the
 * characters secrets hold or that encode them again (`&sol;`, `&plus;`, `&equals;`, `&amp;`),
 * JSON's `\/`, `\\`, `\"`, then white space and JSON's `\n`, `\r`, `\t`, which are left out.
 */
const ENCODED =
  /(?:%|\\u00)([0-7][0-9a-f])|&#(x?)([0-9a-f]{1,6});|&(sol|plus|equals|amp);|\\([/\\"])|\s|\\[nrt]/iy;

const NAMED_REFERENCES: Record<string, string> = { sol: "/", plus: "+", equals: "=", amp: "&" };

/**
 * How many times encodings are undone: a secret percent-encoded twice (`%252F`), or escaped
 * for HTML after JSON, is found; each layer is one pass.
 */
const DECODING_PASSES = 3;

/**
 * The view of `text` the secrets are searched in: its encodings undone (see
 * {@linkcode ENCODED}) up to {@linkcode DECODING_PASSES} times, white space left out, ASCII
 * letters lower-cased; each character mapped to the characters of `text` it came from.
 */
function decoded(text: string): DecodedView {
  let view: DecodedView = { chars: text, from: [], to: [] };
  for (let i = 0; i < text.length; i++) view.from.push(i), view.to.push(i + 1);
  for (let pass = 0; pass < DECODING_PASSES; pass++) {
    const { chars, from, to } = view;
    const next: DecodedView = { chars: "", from: [], to: [] };
    for (let i = 0; i < chars.length;) {
      ENCODED.lastIndex = i;
      const m = ENCODED.exec(chars);
      const end = m ? ENCODED.lastIndex : i + 1;
      const code = m?.[1] ?? m?.[3];
      // One code unit or none (white space); a reference beyond U+FFFF is cut to one unit, as
      // secrets are ASCII, so that each unit keeps its place.
      const c = !m
        ? chars[i]
        : code
        ? String.fromCharCode(parseInt(code, m[2] === "" ? 10 : 16))
        : (m[4] && NAMED_REFERENCES[m[4].toLowerCase()]) ?? m[5];
      if (c) {
        next.chars += c;
        next.from.push(from[i]);
        next.to.push(to[end - 1]);
      }
      i = end;
    }
    if (next.chars === chars) break;
    view = next;
  }
  return { ...view, chars: view.chars.replace(/[A-Z]+/g, (s) => s.toLowerCase()) };
}
