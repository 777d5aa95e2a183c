/**
 * The rules a member's HTTP binding adds to its schema (`MemberSchema.check`): URI labels that a
 * URL parser would not rewrite, header names and values `Headers` keeps as they are, host
 * labels. Like codecs they travel with the schema, so a bundle holds only the rules its
 * operations use.
 *
 * @module
 */

import type { ValidationIssue } from "./errors.ts";
import { isPlainObject } from "./plain_objects.ts";
import type { MemberCheck } from "./schema.ts";

/** Header values `Headers` keeps as they are: visible ASCII, inner spaces and tabs. */
const HEADER_VALUE = /^(?:[\x21-\x7e](?:[\t\x20-\x7e]*[\x21-\x7e])?)?$/;

/** RFC 9110 `token`: what may follow a `@httpPrefixHeaders` prefix in a header name. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~\w-]*$/;

const HOST_LABEL = /^[a-z\d]([a-z\d-]{0,61}[a-z\d])?$/i;

const DOT_SEGMENT = /^\.\.?$/;

/**
 * A non-greedy URI label's rules: not empty, and not exactly `.` or `..`. The label is one path
 * segment with every character but `A-Za-z0-9-._~` percent-encoded (`/` and `%` too), so the only
 * values a WHATWG URL parser would treat as a dot segment and remove, sending the request to
 * another resource, are `.` and `..` themselves: `./x` travels as `.%2Fx`, `%2e` as `%252e`,
 * both ordinary segments (URL Standard, "single-dot URL path segment", "double-dot URL path
 * segment"). Values of the wrong type were reported already and are skipped.
 */
export function checkLabel(v: unknown, path: string, issues: ValidationIssue[]): void {
  if (v === "") issues.push({ path, message: EMPTY_LABEL });
  else if (v === "." || v === "..") {
    issues.push({
      path,
      message: `must not be "." or ".." (a URL parser would remove that path segment)`,
    });
  }
}

/**
 * A greedy URI label's (`{Name+}`) rules: not empty, and no `.` or `..` among the path segments
 * its `/` separate (they travel unencoded, so a parser would remove those segments; any other
 * segment, `%2e` included, is sent as it is: see {@linkcode checkLabel}).
 */
export function checkGreedyLabel(v: unknown, path: string, issues: ValidationIssue[]): void {
  if (v === "") issues.push({ path, message: EMPTY_LABEL });
  else if (typeof v === "string" && v.split("/").some((segment) => DOT_SEGMENT.test(segment))) {
    issues.push({
      path,
      message: `must not hold a "." or ".." path segment (a URL parser would remove it)`,
    });
  }
}

const EMPTY_LABEL = "must not be empty (it is part of the URI)";

/** A `@hostLabel`'s rule: the value is a valid host label (wrong types were reported). */
export function checkHostLabel(v: unknown, path: string, issues: ValidationIssue[]): void {
  if (typeof v === "string" && !HOST_LABEL.test(v)) {
    issues.push({ path, message: "must be a valid host label" });
  }
}

/** The rules of a member with more than one, in order. */
export const checkAll = (...checks: MemberCheck[]): MemberCheck => (v, path, issues) => {
  for (const check of checks) check(v, path, issues);
};

/**
 * A header value's rules (each item of a list): visible ASCII, inner spaces and tabs, no
 * surrounding white space; `Headers` would reject or trim anything else.
 */
export function checkHeader(v: unknown, path: string, issues: ValidationIssue[]): void {
  // By index, as the serializer reads the items.
  const items = Array.isArray(v) ? v : [v];
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (typeof item === "string" && !HEADER_VALUE.test(item)) {
      return void issues.push({
        path,
        message: "must be visible ASCII, spaces and tabs, without leading or trailing white " +
          "space (it is an HTTP header value)",
      });
    }
  }
}

/** A `@httpPrefixHeaders` map's rules: keys are header-name tokens, values header values. */
export function checkPrefixHeaders(v: unknown, path: string, issues: ValidationIssue[]): void {
  if (!isPlainObject(v)) return;
  for (const key of Object.keys(v)) {
    const itemPath = `${path}[${JSON.stringify(key)}]`;
    if (!HEADER_NAME.test(key)) {
      issues.push({ path: itemPath, message: "key must be an HTTP header name token" });
    }
    checkHeader(v[key], itemPath, issues);
  }
}
