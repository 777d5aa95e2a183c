/**
 * The rule the `@idempotencyToken` trait adds to a member's schema (`MemberSchema.check`), kept
 * in its own module so that only bundles with such a member carry it.
 *
 * @module
 */

import type { ValidationIssue } from "./errors.ts";

/**
 * An `@idempotencyToken` member given explicitly must say something: a token that is empty or
 * only white space is refused. Absent (`undefined`/`null`) it is filled with a fresh token; an
 * empty string is what an unset variable gives (`--idempotency-token "$TOKEN"`,
 * `token: env.TOKEN ?? ""`), and the service treats it as one more token — the same on every
 * call — so it answers a new request with an older one's result and nothing new is done
 * (Smithy: the token "uniquely identifies the request", https://smithy.io/2.0/spec/behavior-traits.html#idempotencytoken-trait).
 * White space alone counts as empty: no token generator makes it, a template of unset variables
 * does (`"${a} ${b}"`), and it repeats from call to call the same way. Wrong types were reported
 * by the member's schema and are skipped here.
 */
export function checkIdempotencyToken(v: unknown, path: string, issues: ValidationIssue[]): void {
  if (typeof v === "string" && v.trim() === "") {
    issues.push({
      path,
      message: `must not be empty${v ? " or white space" : ""}: leave it out for a fresh token ` +
        `per call, or pass one that names this request (an empty token is the same on every ` +
        `call, so the service may answer with an earlier request's result)`,
    });
  }
}
