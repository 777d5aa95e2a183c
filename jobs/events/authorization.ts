/**
 * The authorization an EventBridge connection sends with every API destination request, and
 * its check in constant time.
 *
 * An EventBridge connection (EventBridge User Guide, "Connections for API destinations") holds
 * one of: an API key, sent as a header of the name you choose; Basic credentials, sent as
 * `Authorization: Basic base64(username:password)`; or OAuth client credentials, which
 * EventBridge exchanges at your authorization endpoint for an access token it sends as
 * `Authorization: Bearer <token>`. The receiving end can only compare what arrives: a key, a
 * Basic header, a token it knows — or ask your own code whether a token is valid (e.g. a JWT
 * your authorization server signed).
 *
 * @module
 */

import type { ValidationIssue } from "../../runtime/errors.ts";
import { unknownKeyIssues } from "../../runtime/unknown_keys.ts";

/** What the EventBridge connection sends, as the handler checks it. */
export type ConnectionAuthorization =
  /** API key authorization: the header `name` carries `value`. */
  | { apiKey: { name: string; value: string } }
  /** Basic authorization with these credentials. */
  | { basic: { username: string; password: string } }
  /** OAuth, when your authorization endpoint issues this fixed access token. */
  | { bearerToken: string }
  /** OAuth: your code says whether an access token is valid (throwing means no). */
  | { verifyBearerToken: (token: string) => boolean | Promise<boolean> };

/** Shortest secret accepted: an API key value, a Basic password or a bearer token. */
export const MIN_SECRET_LENGTH = 16;

/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** The kinds of {@linkcode ConnectionAuthorization}. */
const KINDS = ["apiKey", "basic", "bearerToken", "verifyBearerToken"];

/**
 * Problems with the authorizations; never quotes a secret. A key none of them has
 * (`apiKey: { name, value, in: "header" }`, `{ apikey }`) is one: it would be ignored.
 *
 * @param path how the authorization is named, e.g. `authorization`.
 */
export function authorizationIssues(value: unknown, path = "authorization"): ValidationIssue[] {
  const list = Array.isArray(value) ? value : [value];
  if (!list.length) return [{ path, message: "must name at least one authorization" }];
  return list.flatMap((auth, i) =>
    oneAuthorizationIssues(auth, Array.isArray(value) ? `${path}[${i}]` : path)
  );
}

function oneAuthorizationIssues(auth: unknown, at: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const secret = (v: unknown, p: string) => {
    if (typeof v !== "string" || v.length < MIN_SECRET_LENGTH) {
      issues.push({
        path: p,
        message: `must be a string of at least ${MIN_SECRET_LENGTH} characters`,
      });
    }
  };
  const kinds = typeof auth === "object" && auth !== null ? Object.keys(auth) : [];
  if (kinds.length !== 1) {
    return [{
      path: at,
      message: "must be one of { apiKey: { name, value } }, { basic: { username, password } }, " +
        "{ bearerToken }, { verifyBearerToken }",
    }];
  }
  const a = auth as Record<string, Record<string, unknown>>;
  // Members of the kind's object that would be ignored: only the keys are named, never a value.
  const members = (kind: string, known: string[]) => {
    const value = a[kind];
    if (typeof value === "object" && value !== null) {
      issues.push(...unknownKeyIssues(value, known, `${at}.${kind}`));
    }
  };
  switch (kinds[0]) {
    case "apiKey":
      if (typeof a.apiKey?.name !== "string" || !HEADER_NAME.test(a.apiKey.name)) {
        issues.push({ path: `${at}.apiKey.name`, message: "must be an HTTP header name" });
      }
      secret(a.apiKey?.value, `${at}.apiKey.value`);
      members("apiKey", ["name", "value"]);
      break;
    case "basic":
      if (
        typeof a.basic?.username !== "string" || a.basic.username.includes(":") || !a.basic.username
      ) {
        issues.push({
          path: `${at}.basic.username`,
          message: "must be a non-empty string without ':'",
        });
      }
      secret(a.basic?.password, `${at}.basic.password`);
      members("basic", ["username", "password"]);
      break;
    case "bearerToken":
      secret(a.bearerToken, `${at}.bearerToken`);
      break;
    case "verifyBearerToken":
      if (typeof a.verifyBearerToken !== "function") {
        issues.push({ path: `${at}.verifyBearerToken`, message: "must be a function" });
      }
      break;
    default:
      // A slip gets its "did you mean"; any other key the list of kinds.
      issues.push(
        ...unknownKeyIssues(a, KINDS, at).map(({ path, message }) => ({
          path,
          message: message === "is unknown"
            ? `is unknown: the kinds of authorization are ${KINDS.join(", ")}`
            : message,
        })),
      );
  }
  return issues;
}

/**
 * Whether the request carries one of the authorizations. Secrets are compared as SHA-256
 * digests, byte by byte without stopping early, so the time taken says nothing about how much
 * of a guess was right; every authorization is checked, whichever matches.
 */
export async function isAuthorized(
  request: Request,
  authorizations: readonly ConnectionAuthorization[],
): Promise<boolean> {
  const header = request.headers.get("authorization") ?? "";
  const results = await Promise.all(authorizations.map(async (auth) => {
    if ("apiKey" in auth) {
      return await sameSecret(request.headers.get(auth.apiKey.name) ?? "", auth.apiKey.value);
    }
    if ("basic" in auth) {
      const expected = `Basic ${base64(`${auth.basic.username}:${auth.basic.password}`)}`;
      return await sameSecret(header, expected);
    }
    const token = /^Bearer +(\S+)$/i.exec(header)?.[1] ?? "";
    if ("bearerToken" in auth) return await sameSecret(token, auth.bearerToken);
    if (!token) return false;
    try {
      return (await auth.verifyBearerToken(token)) === true;
    } catch {
      return false;
    }
  }));
  return results.includes(true);
}

async function sameSecret(given: string, expected: string): Promise<boolean> {
  const encoder = new TextEncoder();
  const [a, b] = await Promise.all(
    [given, expected].map(async (s) =>
      new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(s)))
    ),
  );
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i] ^ b[i];
  return difference === 0 && given.length > 0;
}

/** Base64 of the UTF-8 bytes of `text`. */
function base64(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}
