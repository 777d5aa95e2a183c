/**
 * restJson1 serialization primitives: timestamps, URI escaping, idempotency tokens, base64
 * and the float special values. Each is a separate function so that a bundle keeps only the
 * ones it calls. Fetch-runtime APIs only (`crypto`, `btoa`/`atob`, `TextEncoder`).
 *
 * @module
 */

/** A Date as epoch seconds, milliseconds kept as a fraction (`1700000000.123`). */
export function toEpochSeconds(d: Date): number {
  return d.getTime() / 1000;
}

/**
 * Epoch seconds (a number or a numeric string) as a Date, rounded to the millisecond.
 * Throws a TypeError for non-numeric strings, NaN, ±Infinity, out-of-range values and anything
 * that is not a number or a string (an array, an object, a boolean).
 */
export function fromEpochSeconds(v: number | string): Date {
  // Only a real string is text: an array such as `[1700000000]` would pass the test as text.
  const n = typeof v == "number"
    ? v
    : typeof v == "string" && /^-?(\d*\.)?\d+(e[+-]?\d+)?$/i.test(v)
    ? +v
    : NaN;
  const d = new Date(Math.round(n * 1000));
  // The message names the value received, not "Invalid Date".
  if (d.getTime() != d.getTime()) bad(v);
  return d;
}

/** A Date as an RFC 3339 `date-time` in UTC; `.000` is dropped (`2024-01-02T03:04:05Z`). */
export function toDateTime(d: Date): string {
  return d.toISOString().replace(".000Z", "Z");
}

/**
 * An RFC 3339 `date-time` (`Z` or `±hh:mm` offset, optional fractional seconds rounded to the
 * millisecond) as a Date. Throws a TypeError for anything else, also for a value that is not a
 * string.
 */
export function fromDateTime(s: string): Date {
  if (typeof s != "string") bad(s);
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?(?:Z|([+-])(\d\d):(\d\d))$/i
    .exec(s);
  if (!m || +m[9] > 23 || +m[10] > 59) bad(s);
  const d = utc(+m[1], +m[2], +m[3], m[4], m[5], m[6], m[7], s);
  if (m[8]) d.setTime(d.getTime() - +(m[8] + 1) * (+m[9] * 60 + +m[10]) * 6e4);
  return d;
}

/** A Date as an IMF-fixdate (`Tue, 02 Jan 2024 03:04:05 GMT`), Smithy's `http-date`. */
export function toHttpDate(d: Date): string {
  return d.toUTCString();
}

/**
 * An IMF-fixdate (optional fractional seconds allowed) as a Date. Throws a TypeError for
 * anything else, including the obsolete RFC 850 and asctime forms and a value that is not a
 * string.
 */
export function fromHttpDate(s: string): Date {
  if (typeof s != "string") bad(s);
  const m =
    /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d\d) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d\d):(\d\d):(\d\d)(?:\.(\d+))? GMT$/
      .exec(s);
  if (!m) bad(s);
  const month = "JanFebMarAprMayJunJulAugSepOctNovDec".indexOf(m[2]) / 3 + 1;
  return utc(+m[3], month, +m[1], m[4], m[5], m[6], m[7], s);
}

/**
 * Builds a UTC Date from validated calendar fields; years 0–99 stay literal. Always a valid
 * Date: four-digit years and bounded fields (an offset moves it by less than a day).
 */
function utc(
  y: number,
  mo: number,
  day: number,
  h: string,
  mi: string,
  sec: string,
  frac: string | undefined,
  s: string,
): Date {
  const d = new Date(0);
  d.setUTCFullYear(y, mo - 1, day);
  if (mo < 1 || mo > 12 || d.getUTCDate() != day || +h > 23 || +mi > 59 || +sec > 60) bad(s);
  d.setUTCHours(+h, +mi, +sec, frac ? Math.round(+("0." + frac) * 1000) : 0);
  return d;
}

function bad(v: unknown): never {
  throw new TypeError("Invalid timestamp: " + text(v));
}

/** A wire value for a message: strings, numbers and Dates as they are, else what it is. */
function text(v: unknown): string {
  if (typeof v == "string" || typeof v == "number" || v instanceof Date) return String(v);
  return Array.isArray(v) ? "an array" : v === null ? "null" : `a value of type ${typeof v}`;
}

/**
 * Percent-encodes a query key or value per RFC 3986: only `A-Za-z0-9-._~` stay as they are.
 * Throws a URIError on lone surrogates.
 */
export function encodeQuery(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase(),
  );
}

/** Percent-encodes a URI label per RFC 3986; a greedy label keeps its `/` separators. */
export function encodeLabel(value: string, greedy = false): string {
  const e = encodeQuery(value);
  return greedy ? e.replace(/%2F/g, "/") : e;
}

/** A random RFC 4122 version 4 UUID, e.g. for `@idempotencyToken` members. */
export function uuidV4(): string {
  const c = crypto;
  if (c.randomUUID) return c.randomUUID();
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = b[6] & 15 | 64;
  b[8] = b[8] & 63 | 128;
  let s = "";
  for (let i = 0; i < 16; i++) {
    s += (i == 4 || i == 6 || i == 8 || i == 10 ? "-" : "") + (b[i] + 256).toString(16).slice(1);
  }
  return s;
}

/** Standard padded base64 of bytes, or of a string's UTF-8 bytes. */
export function toBase64(bytes: Uint8Array | string): string {
  const b = typeof bytes == "string" ? new TextEncoder().encode(bytes) : bytes;
  let s = "";
  for (let i = 0; i < b.length; i += 4096) {
    s += String.fromCharCode.apply(null, b.subarray(i, i + 4096) as unknown as number[]);
  }
  return btoa(s);
}

/** Decodes standard padded base64; throws a TypeError for anything else. */
export function fromBase64(s: string): Uint8Array {
  if (typeof s != "string" || s.length % 4 || !/^[A-Za-z\d+/]*={0,2}$/.test(s)) {
    throw new TypeError("Invalid base64");
  }
  return Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
}

/** A float for a JSON body: NaN and ±Infinity become `"NaN"`, `"Infinity"`, `"-Infinity"`. */
export function serializeFloat(n: number): number | string {
  return n != n || n == 1 / 0 || n == -1 / 0 ? String(n) : n;
}

/**
 * A float from a JSON body: a finite number, or the strings `"NaN"`, `"Infinity"`,
 * `"-Infinity"` (restJson1 sends the special values as strings, so a JSON number that overflowed
 * to ±Infinity, such as `1e400`, is not one of them). Throws a TypeError for anything else.
 */
export function parseFloatValue(v: unknown): number {
  if (typeof v == "number" && isFinite(v)) return v;
  if (v === "NaN" || v === "Infinity" || v === "-Infinity") return +v;
  throw new TypeError(
    `Expected a finite number or "NaN", "Infinity", "-Infinity", got ${
      typeof v == "string" ? JSON.stringify(v) : text(v)
    }`,
  );
}
