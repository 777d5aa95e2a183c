/**
 * Cross-checks `runtime/serde.ts` against the AWS SDK's own implementation
 * (`@smithy/smithy-client` 4.15.2 and the `@smithy/core` 3.41.0 it re-exports), on hand-picked
 * edge cases and on a seeded pseudo-random sample. Where this runtime is deliberately stricter
 * than the reference, the test names the case and asserts both sides.
 */

import assert from "node:assert/strict";
import {
  _parseEpochTimestamp,
  _parseRfc3339DateTimeWithOffset,
  _parseRfc7231DateTime,
  dateToUtcString,
  extendedEncodeURIComponent,
  generateIdempotencyToken,
  limitedParseDouble,
  parseEpochTimestamp,
  parseRfc3339DateTimeWithOffset,
  parseRfc7231DateTime,
  serializeDateTime,
  serializeFloat as refSerializeFloat,
} from "@smithy/smithy-client";
// @smithy/core is where @smithy/smithy-client 4.15.2 keeps these helpers.
import * as core from "@smithy/core/serde";
import { escapeUri } from "@smithy/core/protocols";
import {
  encodeLabel,
  encodeQuery,
  fromBase64,
  fromDateTime,
  fromEpochSeconds,
  fromHttpDate,
  parseFloatValue,
  serializeFloat,
  toBase64,
  toDateTime,
  toEpochSeconds,
  toHttpDate,
  uuidV4,
} from "./serde.ts";

// ---------------------------------------------------------------- helpers

/** mulberry32: small, fast, deterministic. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const N = 3000;
const MIN_MS = Date.UTC(1, 0, 1) - 1; // just before 0001-01-01
const MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const pad = (n: number, w = 2) => String(n).padStart(w, "0");

function randInt(r: () => number, lo: number, hi: number): number {
  return lo + Math.floor(r() * (hi - lo + 1));
}

/** Random instants across years 1–9999; a third of them on whole seconds. */
function randomDates(seed: number, n = N): Date[] {
  const r = prng(seed);
  return Array.from({ length: n }, (_, i) => {
    let ms = randInt(r, MIN_MS + 1, MAX_MS);
    if (i % 3 == 0) ms -= ((ms % 1000) + 1000) % 1000;
    return new Date(ms);
  });
}

/** Calls fn with the reference's "Expected number but observed string" warnings muted. */
function quiet<T>(fn: () => T): T {
  const warn = console.warn;
  console.warn = () => {};
  try {
    return fn();
  } finally {
    console.warn = warn;
  }
}

function outcome<T>(fn: () => T): { ok: true; v: T } | { ok: false; e: unknown } {
  try {
    return { ok: true, v: quiet(fn) };
  } catch (e) {
    return { ok: false, e };
  }
}

const HAND_DATES = [
  0,
  1,
  -1,
  999,
  1000,
  -1000,
  -1001,
  1700000000123,
  1700000000000,
  Date.UTC(1969, 11, 31, 23, 59, 59, 999),
  Date.UTC(1970, 0, 1, 0, 0, 0, 1),
  Date.UTC(2000, 1, 29, 12, 0, 0, 500),
  Date.UTC(2016, 11, 31, 23, 59, 59, 999), // second before a leap second
  Date.UTC(2017, 0, 1),
  Date.UTC(9999, 11, 31, 23, 59, 59, 999),
  Date.UTC(1000, 0, 1),
  -62135596800000, // 0001-01-01T00:00:00Z
  253402300799000, // 9999-12-31T23:59:59Z
].map((ms) => new Date(ms));

// ---------------------------------------------------------------- epoch seconds

Deno.test("toEpochSeconds matches the reference serializers (getTime() / 1000)", () => {
  assert.equal(toEpochSeconds(new Date(1700000000123)), 1700000000.123);
  assert.equal(toEpochSeconds(new Date(-1)), -0.001);
  assert.equal(toEpochSeconds(new Date(0)), 0);
  for (const d of [...HAND_DATES, ...randomDates(1)]) {
    const s = toEpochSeconds(d);
    // The reference (ToStringShapeSerializer / JsonShapeSerializer) writes getTime() / 1000;
    // its parser must read our number back to the same instant.
    assert.equal(s, d.getTime() / 1000);
    assert.equal(parseEpochTimestamp(s)!.getTime(), d.getTime());
    assert.equal(_parseEpochTimestamp(String(s))?.getTime() ?? NaN, d.getTime(), String(s));
  }
});

Deno.test("fromEpochSeconds matches parseEpochTimestamp on numbers", () => {
  const r = prng(2);
  const values = [
    0,
    -0,
    1,
    -1,
    1.0005,
    1.0015,
    -1.0005,
    0.0005,
    0.0004999,
    1700000000.123,
    1700000000.1235,
    -62135596800,
    253402300799.999,
    8.64e12, // Date's upper limit
    -8.64e12,
    Number.MIN_VALUE,
  ];
  for (let i = 0; i < N; i++) {
    values.push((r() - 0.5) * 2 * 253402300799, Math.round((r() - 0.5) * 4e12) / 1e3);
  }
  for (const v of values) {
    assert.equal(fromEpochSeconds(v).getTime(), parseEpochTimestamp(v)!.getTime(), String(v));
    assert.equal(fromEpochSeconds(v).getTime(), _parseEpochTimestamp(v)!.getTime(), String(v));
  }
});

Deno.test("fromEpochSeconds matches the references on numeric strings", () => {
  const r = prng(3);
  const strings = ["0", "-0", "1", "1.5", "1.0005", "-1.0005", "1700000000.123", "1e3", "1E-3"];
  strings.push("1.5e2", "-2.5E+1", "0.001", "-.5", ".5", "01", "00.5", "123456789012");
  for (let i = 0; i < N; i++) {
    const int = String(randInt(r, 0, 1e11));
    const frac = String(randInt(r, 0, 1e6)).padStart(randInt(r, 1, 9), "0");
    const sign = r() < 0.3 ? "-" : "";
    const form = i % 4;
    strings.push(
      form == 0
        ? sign + int
        : form == 1
        ? `${sign}${int}.${frac}`
        : form == 2
        ? `${sign}${int.slice(0, 3)}.${frac}e${randInt(r, -3, 8)}`
        : `${sign}.${frac}`,
    );
  }
  let checked = 0;
  for (const s of strings) {
    const a = outcome(() => parseEpochTimestamp(s));
    const b = outcome(() => _parseEpochTimestamp(s));
    const ours = fromEpochSeconds(s).getTime();
    // Every string either reference accepts, we accept, with the same result.
    if (a.ok) assert.equal(ours, a.v!.getTime(), s), checked++;
    if (b.ok) assert.equal(ours, b.v!.getTime(), s), checked++;
    assert.ok(a.ok || b.ok, `neither reference accepts ${s}`);
  }
  assert.ok(checked > N);
});

Deno.test("fromEpochSeconds rejects what both references reject", () => {
  const bad = [
    "",
    " ",
    " 1",
    "1 ",
    "+1",
    "1.",
    "abc",
    "1a",
    "0x10",
    "NaN",
    "Infinity",
    "-Infinity",
    "1,5",
    "--1",
    "1e",
    "١٢",
  ];
  for (const s of bad) {
    assert.throws(() => fromEpochSeconds(s), TypeError, s);
    assert.ok(!outcome(() => parseEpochTimestamp(s)).ok, s);
    assert.ok(!outcome(() => _parseEpochTimestamp(s)).ok, s);
  }
  for (const v of [NaN, Infinity, -Infinity]) {
    assert.throws(() => fromEpochSeconds(v), TypeError);
    assert.throws(() => parseEpochTimestamp(v), TypeError);
  }
  // Stricter than the reference, which returns an Invalid Date here.
  assert.throws(() => fromEpochSeconds(1e20), TypeError);
  assert.ok(Number.isNaN(parseEpochTimestamp(1e20)!.getTime()));
  // Not a number or string at all: no string coercion (`[1700000000]` reads as "1700000000").
  assert.throws(() => fromEpochSeconds(null as unknown as number), TypeError);
  for (const v of [[1700000000], ["1700000000"], { valueOf: () => 1 }, true]) {
    assert.throws(() => fromEpochSeconds(v as never), TypeError, String(v));
  }
  assert.throws(
    () => fromEpochSeconds([1700000000] as never),
    new TypeError("Invalid timestamp: an array"),
  );
});

Deno.test("fromDateTime and fromHttpDate refuse values that are not strings (no coercion)", () => {
  for (const v of [["2024-01-02T03:04:05Z"], { toString: () => "2024-01-02T03:04:05Z" }, 1]) {
    assert.throws(() => fromDateTime(v as never), TypeError, String(v));
  }
  for (const v of [["Tue, 02 Jan 2024 03:04:05 GMT"], 1700000000]) {
    assert.throws(() => fromHttpDate(v as never), TypeError, String(v));
  }
  assert.throws(
    () => fromDateTime({} as never),
    new TypeError("Invalid timestamp: a value of type object"),
  );
});

// ---------------------------------------------------------------- date-time

Deno.test("toDateTime matches serializeDateTime (.000 dropped, other milliseconds kept)", () => {
  assert.equal(toDateTime(new Date(Date.UTC(2024, 0, 2, 3, 4, 5))), "2024-01-02T03:04:05Z");
  assert.equal(
    toDateTime(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 120))),
    "2024-01-02T03:04:05.120Z",
  );
  assert.equal(toDateTime(new Date(0)), "1970-01-01T00:00:00Z");
  assert.equal(toDateTime(new Date(-1)), "1969-12-31T23:59:59.999Z");
  for (const d of [...HAND_DATES, ...randomDates(4)]) {
    assert.equal(toDateTime(d), serializeDateTime(d));
    assert.equal(_parseRfc3339DateTimeWithOffset(toDateTime(d))!.getTime(), d.getTime());
  }
  assert.throws(() => toDateTime(new Date(NaN)), RangeError);
});

/** Days in month m (1–12) of year y, proleptic Gregorian. */
function daysIn(y: number, m: number): number {
  const leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
  return m == 2 ? (leap ? 29 : 28) : [31, 0, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
}

/** Random valid RFC 3339 strings, years 100–9999 (see the years 0–99 test for the rest). */
function randomRfc3339(seed: number, n = N): string[] {
  const r = prng(seed);
  return Array.from({ length: n }, () => {
    const y = randInt(r, 100, 9999);
    const mo = randInt(r, 1, 12);
    const d = randInt(r, 1, daysIn(y, mo));
    const sec = r() < 0.02 ? 60 : randInt(r, 0, 59);
    const fd = randInt(r, 0, 9);
    const frac = fd ? "." + Array.from({ length: fd }, () => randInt(r, 0, 9)).join("") : "";
    const off = r() < 0.4
      ? (r() < 0.8 ? "Z" : "z")
      : `${r() < 0.5 ? "+" : "-"}${pad(randInt(r, 0, 23))}:${pad(randInt(r, 0, 59))}`;
    const t = r() < 0.9 ? "T" : "t";
    return `${pad(y, 4)}-${pad(mo)}-${pad(d)}${t}${pad(randInt(r, 0, 23))}:${
      pad(randInt(r, 0, 59))
    }:${pad(sec)}${frac}${off}`;
  });
}

Deno.test("fromDateTime matches _parseRfc3339DateTimeWithOffset on valid strings", () => {
  const hand = [
    "1970-01-01T00:00:00Z",
    "1969-12-31T23:59:59.999Z",
    "2024-01-02T03:04:05Z",
    "2024-01-02T03:04:05.1Z",
    "2024-01-02T03:04:05.123456789Z",
    "2024-01-02T03:04:05.0005Z", // rounds to .001
    "2024-01-02T03:04:05.0004999Z",
    "2024-01-02T03:04:05.9995Z", // rounds up into the next second
    "2024-01-02t03:04:05z",
    "2024-01-02T03:04:05+01:00",
    "2024-01-02T03:04:05-01:30",
    "2024-01-02T03:04:05.5+23:59",
    "2024-01-02T03:04:05-00:00",
    "2015-06-30T23:59:60Z", // leap second: rolls over into the next minute, like the reference
    "2024-02-29T00:00:00Z",
    "0100-01-01T00:00:00Z",
    "9999-12-31T23:59:59.999Z",
    "9999-12-31T23:59:59-23:59", // past 9999 in UTC
  ];
  for (const s of [...hand, ...randomRfc3339(5)]) {
    const ref = _parseRfc3339DateTimeWithOffset(s)!.getTime();
    assert.equal(fromDateTime(s).getTime(), ref, s);
  }
  assert.equal(fromDateTime("2015-06-30T23:59:60Z").toISOString(), "2015-07-01T00:00:00.000Z");
  assert.equal(fromDateTime("2024-01-02T03:04:05+01:00").toISOString(), "2024-01-02T02:04:05.000Z");
});

Deno.test("fromDateTime agrees with the legacy parser where it handles the value exactly", () => {
  // parseRfc3339DateTimeWithOffset truncates sub-millisecond digits; compare up to 3 digits.
  for (const s of randomRfc3339(6)) {
    if (/\.\d{4}/.test(s)) continue;
    const legacy = parseRfc3339DateTimeWithOffset(s)!.getTime();
    assert.ok(Math.abs(fromDateTime(s).getTime() - legacy) <= 1, s);
  }
});

Deno.test("fromDateTime keeps years 0000–0099 literal, like the reference", () => {
  const r = prng(7);
  for (let i = 0; i < 500; i++) {
    const y = randInt(r, 0, 99);
    const mo = randInt(r, 1, 12);
    const s = `${pad(y, 4)}-${pad(mo)}-${pad(randInt(r, 1, daysIn(y, mo)))}T${
      pad(randInt(r, 0, 23))
    }:${pad(randInt(r, 0, 59))}:${pad(randInt(r, 0, 59))}.${randInt(r, 0, 999)}Z`;
    const ours = fromDateTime(s);
    assert.equal(ours.getTime(), _parseRfc3339DateTimeWithOffset(s)!.getTime(), s);
    assert.equal(ours.getUTCFullYear(), y);
  }
});

const BAD_DATE_TIMES = [
  "",
  "garbage",
  "2024-01-02",
  "2024-01-02T03:04:05",
  "2024-01-02T03:04Z",
  "2024-01-02 03:04:05Z",
  " 2024-01-02T03:04:05Z",
  "2024-01-02T03:04:05Z ",
  "2024-01-02T03:04:05.Z",
  "2024-01-02T03:04:05,1Z",
  "2024-1-02T03:04:05Z",
  "24-01-02T03:04:05Z",
  "+002024-01-02T03:04:05Z",
  "2024-01-02T03:04:05+0100",
  "2024-01-02T03:04:05+01",
  "2024-01-02T03:04:05UTC",
  "2024-00-02T03:04:05Z",
  "2024-13-02T03:04:05Z",
  "2024-01-00T03:04:05Z",
  "2024-01-32T03:04:05Z",
  "2024-01-02T24:00:00Z",
  "2024-01-02T03:60:05Z",
  "2024-01-02T03:04:61Z",
  "２０２４-01-02T03:04:05Z",
];

Deno.test("fromDateTime rejects garbage that the reference rejects", () => {
  for (const s of BAD_DATE_TIMES) {
    assert.throws(() => fromDateTime(s), TypeError, s);
    assert.ok(!outcome(() => _parseRfc3339DateTimeWithOffset(s)).ok, s);
  }
});

Deno.test("fromDateTime is stricter than the reference on impossible days and offsets", () => {
  // The schema parser rolls Feb 30 over into March; the legacy parser rejects it, as we do.
  for (const s of ["2023-02-29T00:00:00Z", "2024-02-30T00:00:00Z", "2024-04-31T00:00:00Z"]) {
    assert.throws(() => fromDateTime(s), TypeError, s);
    assert.throws(() => parseRfc3339DateTimeWithOffset(s), TypeError, s);
    assert.ok(outcome(() => _parseRfc3339DateTimeWithOffset(s)).ok);
  }
  // Offsets past ±23:59 are not RFC 3339; both references accept them.
  for (const s of ["2024-01-02T03:04:05+24:00", "2024-01-02T03:04:05-01:60"]) {
    assert.throws(() => fromDateTime(s), TypeError, s);
    assert.ok(outcome(() => _parseRfc3339DateTimeWithOffset(s)).ok);
  }
});

Deno.test("fromDateTime on mutated strings: rejects whatever the reference rejects", () => {
  const r = prng(8);
  const alphabet = "0123456789-:.TZtz+ ,x\u00e9";
  let rejected = 0;
  for (const base of randomRfc3339(9, N)) {
    const i = randInt(r, 0, base.length - 1);
    const c = alphabet[randInt(r, 0, alphabet.length - 1)];
    const op = randInt(r, 0, 2);
    const s = op == 0
      ? base.slice(0, i) + c + base.slice(i + 1)
      : op == 1
      ? base.slice(0, i) + c + base.slice(i)
      : base.slice(0, i) + base.slice(i + 1);
    const ref = outcome(() => _parseRfc3339DateTimeWithOffset(s));
    const ours = outcome(() => fromDateTime(s));
    if (!ref.ok) {
      assert.ok(!ours.ok, `accepted ${s}`);
      assert.ok(ours.e instanceof TypeError);
      rejected++;
    } else if (ours.ok) {
      assert.equal(ours.v.getTime(), ref.v!.getTime(), s);
    } else {
      // Only the documented stricter cases may differ.
      const m = /^(\d{4})-(\d\d)-(\d\d).*?(?:[+-](\d\d):(\d\d))?$/.exec(s)!;
      assert.ok(+m[3] > daysIn(+m[1], +m[2]) || +m[4] > 23 || +m[5] > 59, `rejected ${s}`);
    }
  }
  assert.ok(rejected > N / 3, `only ${rejected} mutations were invalid`);
});

Deno.test("a leap second at year end rolls into the next year (the schema parser's bug)", () => {
  // _parseRfc3339DateTimeWithOffset / _parseRfc7231DateTime call setUTCFullYear(2016) after
  // Date.UTC rolled over to 2017, landing on 2016-01-01. The legacy parsers get it right.
  const iso = "2016-12-31T23:59:60Z";
  const http = "Sat, 31 Dec 2016 23:59:60 GMT";
  const want = Date.UTC(2017, 0, 1);
  assert.equal(fromDateTime(iso).getTime(), want);
  assert.equal(parseRfc3339DateTimeWithOffset(iso)!.getTime(), want);
  assert.equal(_parseRfc3339DateTimeWithOffset(iso)!.getTime(), Date.UTC(2016, 0, 1));
  assert.equal(fromHttpDate(http).getTime(), want);
  assert.equal(parseRfc7231DateTime(http)!.getTime(), want);
  assert.equal(_parseRfc7231DateTime(http)!.getTime(), Date.UTC(2016, 0, 1));
});

// ---------------------------------------------------------------- http-date

Deno.test("toHttpDate matches dateToUtcString for years 1000–9999", () => {
  assert.equal(toHttpDate(new Date(0)), "Thu, 01 Jan 1970 00:00:00 GMT");
  assert.equal(
    toHttpDate(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 999))),
    "Tue, 02 Jan 2024 03:04:05 GMT",
  );
  for (const d of [...HAND_DATES, ...randomDates(10)]) {
    if (d.getUTCFullYear() < 1000) continue;
    assert.equal(toHttpDate(d), dateToUtcString(d));
  }
  // Below year 1000 IMF-fixdate needs a 4-digit year; the reference prints "999".
  const d = new Date(Date.UTC(999, 0, 1));
  assert.equal(toHttpDate(d), "Tue, 01 Jan 0999 00:00:00 GMT");
  assert.equal(dateToUtcString(d), "Tue, 01 Jan 999 00:00:00 GMT");
});

Deno.test("fromHttpDate matches both reference parsers on IMF-fixdates", () => {
  const r = prng(11);
  const inputs = [
    "Thu, 01 Jan 1970 00:00:00 GMT",
    "Wed, 31 Dec 1969 23:59:59 GMT",
    "Tue, 29 Apr 2014 18:30:38 GMT",
    "Tue, 29 Apr 2014 18:30:38.123 GMT",
    "Tue, 29 Apr 2014 18:30:38.1235 GMT",
    "Tue, 30 Jun 2015 23:59:60 GMT",
    "Fri, 31 Dec 9999 23:59:59 GMT",
    "Mon, 01 Jan 1000 00:00:00 GMT",
  ];
  for (const d of randomDates(12)) {
    if (d.getUTCFullYear() < 1000) continue;
    const s = dateToUtcString(d);
    inputs.push(r() < 0.2 ? s.replace(" GMT", `.${randInt(r, 0, 999)} GMT`) : s);
  }
  for (const s of inputs) {
    const ours = fromHttpDate(s).getTime();
    assert.equal(ours, _parseRfc7231DateTime(s)!.getTime(), s);
    if (!/\.\d{4}/.test(s)) assert.equal(ours, parseRfc7231DateTime(s)!.getTime(), s);
  }
  for (const d of randomDates(13)) {
    if (d.getUTCFullYear() >= 1000) {
      assert.equal(fromHttpDate(toHttpDate(d)).getTime(), Math.floor(d.getTime() / 1000) * 1000);
    }
  }
});

Deno.test("fromHttpDate rejects non-IMF-fixdate input", () => {
  const bad = [
    "",
    "Tue, 29 Apr 2014 18:30:38",
    "Tue, 29 Apr 2014 18:30:38 UTC",
    "Tue, 29 Apr 2014 18:30:38 +0000",
    "Tue 29 Apr 2014 18:30:38 GMT",
    "Tue, 29 April 2014 18:30:38 GMT",
    "Tue, 29 apr 2014 18:30:38 GMT",
    "Tue, 32 Apr 2014 18:30:38 GMT",
    "Tue, 31 Apr 2014 18:30:38 GMT",
    "Tue, 29 Apr 2014 24:30:38 GMT",
    "Tue, 29 Apr 2014 18:60:38 GMT",
    "Tue, 29 Apr 14 18:30:38 GMT",
    "2014-04-29T18:30:38Z",
    // Obsolete forms: the reference accepts them, Smithy's http-date is IMF-fixdate only.
    "Tuesday, 29-Apr-14 18:30:38 GMT",
    "Tue Apr 29 18:30:38 2014",
    // Lax forms the reference accepts.
    "Tue, 9 Apr 2014 18:30:38 GMT",
    "Tue, 29 Apr 2014 8:30:38 GMT",
  ];
  for (const s of bad) assert.throws(() => fromHttpDate(s), TypeError, s);
});

// ---------------------------------------------------------------- URI escaping

const SPECIALS = [
  "",
  "abc",
  "a b",
  "a/b",
  "/a//b/",
  "a+b",
  "100%",
  "%2F",
  "*",
  "'",
  "!'()*",
  "~-._",
  "a&b=c",
  "?#[]@",
  ":;,$",
  "é",
  "日本語",
  "😀",
  "a😀/b😀",
  "\u0000\u001f\u007f",
  "\t\n",
  "ẞß",
];

function randomStrings(seed: number, n = N): string[] {
  const r = prng(seed);
  const pool = [
    ..."ABCXYZabcxyz0189-._~!'()*/+%& =?#[]@:;,$\"<>\\^`{|}",
    "é",
    "日",
    "😀",
    "\u0000",
    "\u00a0",
    "\uffff",
    "𝔘",
  ];
  return Array.from({ length: n }, () => {
    let s = "";
    for (let i = randInt(r, 0, 24); i > 0; i--) {
      s += r() < 0.05
        ? String.fromCodePoint(randInt(r, 0x20, 0x2fff))
        : pool[randInt(r, 0, pool.length - 1)];
    }
    return s;
  });
}

Deno.test("encodeLabel matches extendedEncodeURIComponent / resolvedPath", () => {
  assert.equal(encodeLabel("a b/c*'!"), "a%20b%2Fc%2A%27%21");
  assert.equal(encodeLabel("a b/c*'!", true), "a%20b/c%2A%27%21");
  assert.equal(encodeLabel("~-._AZaz09"), "~-._AZaz09");
  assert.equal(encodeLabel("😀"), "%F0%9F%98%80");
  for (const s of [...SPECIALS, ...randomStrings(14)]) {
    assert.equal(encodeLabel(s), extendedEncodeURIComponent(s), s);
    // resolvedPath's greedy form: split on "/", encode each segment, join.
    assert.equal(encodeLabel(s, true), s.split("/").map(extendedEncodeURIComponent).join("/"), s);
    assert.match(encodeLabel(s), /^(?:[A-Za-z0-9\-._~]|%[0-9A-F]{2})*$/);
  }
});

Deno.test("encodeQuery matches escapeUri (buildQueryString)", () => {
  assert.equal(encodeQuery("a b+c=d&e"), "a%20b%2Bc%3Dd%26e");
  for (const s of [...SPECIALS, ...randomStrings(15)]) {
    assert.equal(encodeQuery(s), escapeUri(s), s);
  }
});

Deno.test("encoders throw on lone surrogates, like the reference", () => {
  for (const s of ["\ud800", "a\udc00b"]) {
    assert.throws(() => encodeQuery(s), URIError);
    assert.throws(() => encodeLabel(s, true), URIError);
    assert.throws(() => escapeUri(s), URIError);
  }
});

// ---------------------------------------------------------------- uuid

const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

Deno.test("uuidV4 has the reference's shape", () => {
  const seen = new Set<string>();
  for (let i = 0; i < 1000; i++) {
    const u = uuidV4();
    assert.match(u, UUID4);
    seen.add(u);
  }
  assert.equal(seen.size, 1000);
  assert.match(generateIdempotencyToken(), UUID4);
});

Deno.test("uuidV4 falls back to getRandomValues without randomUUID", () => {
  const c = crypto as { randomUUID?: unknown; getRandomValues: unknown };
  Object.defineProperty(c, "randomUUID", { value: undefined, configurable: true });
  Object.defineProperty(c, "getRandomValues", {
    value: (a: Uint8Array) => (a.forEach((_, i) => (a[i] = i * 17)), a),
    configurable: true,
  });
  try {
    // Bytes 00 11 22 … ff; version nibble 4 in byte 6, variant 10xx in byte 8.
    assert.equal(uuidV4(), "00112233-4455-4677-8899-aabbccddeeff");
    Object.defineProperty(c, "getRandomValues", {
      value: (a: Uint8Array) => a.fill(255),
      configurable: true,
    });
    assert.equal(uuidV4(), "ffffffff-ffff-4fff-bfff-ffffffffffff");
  } finally {
    delete c.randomUUID;
    delete (c as { getRandomValues?: unknown }).getRandomValues;
  }
  assert.equal(typeof crypto.randomUUID, "function");
  assert.match(uuidV4(), UUID4);
});

// ---------------------------------------------------------------- base64

function randomBytes(r: () => number, n: number): Uint8Array {
  return Uint8Array.from({ length: n }, () => randInt(r, 0, 255));
}

Deno.test("toBase64 / fromBase64 match @smithy/core's util-base64", () => {
  assert.equal(toBase64(""), "");
  assert.equal(toBase64("f"), "Zg==");
  assert.equal(toBase64("fo"), "Zm8=");
  assert.equal(toBase64("foo"), "Zm9v");
  assert.equal(toBase64("😀é"), "8J+YgMOp");
  assert.equal(toBase64(new Uint8Array([251, 255])), "+/8=");
  const r = prng(16);
  const samples: Uint8Array[] = [new Uint8Array(0), new Uint8Array(1), randomBytes(r, 100_003)];
  for (let i = 0; i < N; i++) samples.push(randomBytes(r, randInt(r, 0, 64)));
  // A view into a larger buffer must encode only its own bytes.
  samples.push(randomBytes(r, 40).subarray(7, 30));
  for (const b of samples) {
    const s = toBase64(b);
    assert.equal(s, core.toBase64(b));
    assert.deepEqual(fromBase64(s), core.fromBase64(s));
    assert.deepEqual(fromBase64(s), Uint8Array.from(b));
  }
  for (const s of [...SPECIALS, ...randomStrings(17, 500)]) {
    assert.equal(toBase64(s), core.toBase64(s), s);
  }
});

Deno.test("fromBase64 rejects what the reference rejects", () => {
  const bad = [
    "A",
    "AB",
    "ABC",
    "AB=",
    "A===",
    "====",
    "AB==A",
    "AB CD",
    "AB-_",
    "AB\n==",
    "Zg=",
    "ÿÿÿÿ",
  ];
  for (const s of bad) {
    assert.throws(() => fromBase64(s), TypeError, s);
    assert.throws(() => core.fromBase64(s), TypeError, s);
  }
  // Non-canonical trailing bits decode like the reference instead of failing.
  assert.deepEqual(fromBase64("Zh=="), core.fromBase64("Zh=="));
});

// ---------------------------------------------------------------- floats

function randomDoubles(seed: number, n = N): number[] {
  const r = prng(seed);
  const view = new DataView(new ArrayBuffer(8));
  return Array.from({ length: n }, () => {
    view.setUint32(0, randInt(r, 0, 0xffffffff));
    view.setUint32(4, randInt(r, 0, 0xffffffff));
    return view.getFloat64(0);
  });
}

const HAND_FLOATS = [0, -0, 1, -1, 0.1, 1e308, -1e-308, 5e-324, NaN, Infinity, -Infinity];

Deno.test("serializeFloat matches the reference serializeFloat", () => {
  assert.equal(serializeFloat(NaN), "NaN");
  assert.equal(serializeFloat(Infinity), "Infinity");
  assert.equal(serializeFloat(-Infinity), "-Infinity");
  assert.equal(serializeFloat(-0), -0);
  for (const n of [...HAND_FLOATS, ...randomDoubles(18)]) {
    assert.equal(serializeFloat(n), refSerializeFloat(n), String(n));
  }
});

Deno.test("parseFloatValue matches limitedParseDouble on finite numbers and the special strings", () => {
  const inputs: unknown[] = [
    ...HAND_FLOATS.filter(Number.isFinite),
    ...randomDoubles(19).filter(Number.isFinite),
    "NaN",
    "Infinity",
    "-Infinity",
  ];
  for (const v of inputs) {
    assert.equal(parseFloatValue(v), limitedParseDouble(v as number), String(v));
  }
  for (const v of HAND_FLOATS) assert.equal(parseFloatValue(serializeFloat(v)), v);
  for (const v of ["1", "1.5", "nan", "inf", "+Infinity", " NaN", "", true, {}, []]) {
    assert.throws(() => parseFloatValue(v), TypeError, String(v));
    assert.throws(() => quiet(() => limitedParseDouble(v as number)), String(v));
  }
  // Stricter than the reference: JSON has no NaN or infinite number, so a number that is one
  // overflowed (`1e400`); and `==` would let `["NaN"]` pass as the string.
  for (const v of [Infinity, -Infinity, NaN, JSON.parse("1e400"), ["NaN"], ["Infinity"]]) {
    assert.throws(() => parseFloatValue(v), TypeError, String(v));
  }
  assert.throws(
    () => parseFloatValue([1]),
    new TypeError('Expected a finite number or "NaN", "Infinity", "-Infinity", got an array'),
  );
  // The reference passes null/undefined through as undefined; a number is required here.
  assert.throws(() => parseFloatValue(null), TypeError);
  assert.equal(limitedParseDouble(null as unknown as number), undefined);
});
