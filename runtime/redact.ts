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
 *    characters (what a truncated echo leaves), raw, percent-encoded (either hex case), with
 *    JSON's `\/` escape, or base64-encoded. This applies to values of at least 16 characters:
 *    AWS secret keys have 40 and session tokens hundreds, while a shorter value (LocalStack's
 *    `test`) is a test value that also spells ordinary words, so it is hidden only by rule 1.
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
    this.#forms = secrets.flatMap((s) =>
      typeof s === "string" && s.length >= MIN_SECRET_LENGTH ? encodings(s) : []
    );
  }

  /** `text` with every secret (see the module's rules) replaced by `[hidden]`. */
  text(text: string): string {
    const named = text.replace(NAMED, (_, name, separator) => name + separator + HIDDEN);
    if (!this.#forms.length) return named;
    // Marks every run of MIN_SECRET_LENGTH or more characters of a secret (in any of its forms):
    // a block of it found, then extended both ways as far as the text follows the secret.
    const secret = new Uint8Array(named.length);
    for (const form of this.#forms) {
      for (let b = 0; b + BLOCK <= form.length; b += BLOCK) {
        const block = form.slice(b, b + BLOCK);
        for (let at = named.indexOf(block); at >= 0; at = named.indexOf(block, at + 1)) {
          let start = at;
          let end = at + BLOCK;
          let i = b;
          let j = b + BLOCK;
          while (i > 0 && start > 0 && named[start - 1] === form[i - 1]) start--, i--;
          while (j < form.length && end < named.length && named[end] === form[j]) end++, j++;
          if (end - start >= MIN_SECRET_LENGTH) secret.fill(1, start, end);
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
 * The forms a secret may take in what is sent back: itself, percent-encoded (upper- and
 * lower-case hex), JSON-escaped (`\/`), and base64 at each of the three byte alignments it can
 * have inside a longer encoded text (without the edge characters that depend on its
 * neighbours).
 */
function encodings(secret: string): string[] {
  const percent = encodeURIComponent(secret);
  const bytes = new TextEncoder().encode(secret);
  const base64 = [0, 1, 2].map((offset) => {
    const padded = new Uint8Array(offset + bytes.length);
    padded.set(bytes, offset);
    const text = btoa(String.fromCharCode(...padded)).replace(/=+$/, "");
    return text.slice(offset ? 4 : 0, -4);
  });
  const forms = [
    secret,
    percent,
    percent.replace(/%[0-9A-F]{2}/g, (s) => s.toLowerCase()),
    secret.replaceAll("/", "\\/"),
    ...base64,
  ];
  return [...new Set(forms)].filter((form) => form.length >= MIN_SECRET_LENGTH);
}
