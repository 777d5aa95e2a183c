/**
 * The error of a non-2xx response, whatever its body: the modeled class its error type names,
 * else the service's base exception; members that do not fit left out (`$droppedMembers`), a
 * body that is not a JSON object kept as a bounded excerpt without secrets (`$bodyExcerpt`),
 * a note on a redirect not followed or a signature the service did not see.
 *
 * @module
 */

import { type Answer, type Call, messageOf, redactorOf } from "./call.ts";
import {
  errorCode,
  type ServiceException,
  type ServiceExceptionOptions,
  type ValidationIssue,
} from "./errors.ts";
import { type HttpResponse, parseJsonBody } from "./http.ts";
import type { Redactor } from "./redact.ts";
import type { ErrorSpec } from "./operation_spec.ts";
import { resolve, type Schema } from "./schema.ts";
import { fromJson, WireValueError } from "./schema_json.ts";

/** Error codes that say the request arrived without (all of) its signature. */
const UNSIGNED_CODES: ReadonlySet<string> = new Set([
  "MissingAuthenticationToken",
  "MissingAuthenticationTokenException",
  "IncompleteSignatureException",
]);

/** How much of an unreadable body is decoded, and how much of it an error keeps. */
const EXCERPT_BYTES = 4096;

const EXCERPT_CHARS = 512;

const UTF8 = new TextDecoder();

/**
 * The error of a non-2xx response, always a {@linkcode ServiceException}, whatever its body:
 * the modeled class when the error type (restJson1: `X-Amzn-Errortype`, else the body's `code`,
 * else `__type`) names one of the operation's errors or, after them, one the service defines
 * (`ServiceInfo.errors`, as the AWS SDK v3 registers every error of the service); else the
 * service's base exception named by the type, or by the status when there is none (as the AWS
 * SDK v3 does), holding the body's members. A modeled member that does not fit is left out and
 * listed in `$droppedMembers`; a body that is not a JSON object is kept, bounded and without
 * secrets, in `$bodyExcerpt`. A browser's opaque redirect (status 0) is named `OpaqueRedirect`.
 */
export function serviceError<I, O>(call: Call<I, O>, response: Answer): ServiceException {
  const { client, operation, metadata } = call;
  const { status, headers } = response;
  let body: Record<string, unknown> = {};
  let problem = response.broken === undefined ? undefined : `broke off (${response.broken})`;
  if (!problem) {
    try {
      body = parseJsonBody(response);
    } catch (e) {
      problem = e instanceof SyntaxError ? "is not JSON" : "is not a JSON object";
    }
  }
  const type = headers.get("x-amzn-errortype") || textOf(body.code) || textOf(body.__type);
  const code = type ? errorCode(type) : "";
  const $bodyExcerpt = problem && response.body.length
    ? excerptOf(response.body, redactorOf(call))
    : undefined;
  // A browser's answer to a redirect with `redirect: "manual"`: status 0, no headers, no body.
  const what = status ? `HTTP ${status}${code ? "" : " with no error type"}` : OPAQUE_REDIRECT;
  let message = textOf(body.message) ?? textOf(body.Message) ?? textOf(body.errorMessage) ??
    `${operation.name}: ${what}${redirectNote(call, response)}${
      problem ? `; the body ${problem}${$bodyExcerpt ? `: ${shorten($bodyExcerpt)}` : ""}` : ""
    }`;
  if (client.customFetch && UNSIGNED_CODES.has(code)) {
    message += " (the service saw no complete signature: the client's custom fetch is called " +
      "as fetch(url, init) and must send init's method, headers and body, e.g. " +
      "(url, init) => fetch(url, init))";
  }
  const common = { message, $metadata: { ...metadata }, ...($bodyExcerpt ? { $bodyExcerpt } : {}) };
  const named = ([name]: readonly unknown[]) => name === code;
  // The service's entries are ErrorSpecs (ServiceInfo types them loosely, keeping its public
  // type free of the runtime's schema types).
  const modeled = code
    ? operation.errors.find(named) ?? client.service.errors?.find(named) as ErrorSpec | undefined
    : undefined;
  if (!modeled) {
    const error = new client.service.exception({
      ...common,
      name: code || (status ? String(status) : "OpaqueRedirect"),
      // A redirect (3xx or opaque) is the client's: its endpoint is not the API.
      $fault: status >= 500 ? "server" : "client",
    });
    return withBodyMembers(error, body);
  }
  const [, ErrorClass, schema, readHeaders] = modeled;
  const dropped: ValidationIssue[] = [];
  let fromHeaders: Record<string, unknown> | undefined;
  try {
    fromHeaders = readHeaders?.(response);
  } catch (e) {
    dropped.push({ path: "(headers)", message: messageOf(e) });
  }
  const members = fittingMembers(schema, body, dropped);
  return new ErrorClass(
    {
      ...members,
      ...fromHeaders,
      ...common,
      ...(dropped.length ? { $droppedMembers: dropped } : {}),
    } as ServiceExceptionOptions & Record<string, unknown>,
  );
}

/**
 * An error the model does not define keeps the members of its body, as the AWS SDK v3's does
 * (`decorateServiceException`): each key that is not already a property of the error (`name`,
 * `message`, `toString`, `__proto__`, …) and does not start with `$` (the runtime's fields).
 */
function withBodyMembers(error: ServiceException, body: Record<string, unknown>): ServiceException {
  for (const key of Object.keys(body)) {
    if (key[0] !== "$" && !(key in error)) {
      (error as unknown as Record<string, unknown>)[key] = body[key];
    }
  }
  return error;
}

/**
 * The members of a modeled error's body that fit its schema: a member that does not is left
 * out (also its `@default`) and listed in `dropped`, so the error keeps its class.
 */
function fittingMembers(
  schema: Schema,
  body: Record<string, unknown>,
  dropped: ValidationIssue[],
): Record<string, unknown> {
  let json = body;
  const left: string[] = [];
  for (;;) {
    try {
      const members = fromJson(schema, json) as Record<string, unknown>;
      for (const name of left) delete members[name];
      return members;
    } catch (e) {
      // The first path segment names the member (fromJson reports member names).
      const name = e instanceof WireValueError ? /^[^.[]+/.exec(e.path)?.[0] : undefined;
      const key = name && jsonKeyOf(schema, name);
      dropped.push({
        path: e instanceof WireValueError && e.path ? e.path : "(body)",
        message: e instanceof WireValueError ? e.problem : messageOf(e),
      });
      if (!key || !Object.hasOwn(json, key)) return {};
      json = { ...json };
      delete json[key];
      left.push(name);
    }
  }
}

/** The JSON key of a structure member (`@jsonName` renames it). */

function jsonKeyOf(schema: Schema, name: string): string | undefined {
  const s = resolve(schema);
  return "bodyMembers" in s ? s.bodyMembers.find(([n]) => n === name)?.[2] : undefined;
}

function textOf(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * The start of a body for a person to read: secrets hidden before it is cut (so no part of one
 * is left at the cut), at most {@linkcode EXCERPT_CHARS} characters, control and bidirectional
 * formatting characters replaced so it cannot drive a terminal.
 */
function excerptOf(body: Uint8Array, redactor: Redactor): string {
  return redactor.text(UTF8.decode(body.subarray(0, EXCERPT_BYTES))).slice(0, EXCERPT_CHARS)
    .replace(UNPRINTABLE, "\ufffd");
}

// deno-lint-ignore no-control-regex -- control characters are what it finds
const UNPRINTABLE = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** An excerpt on one line, for a message. */
function shorten(excerpt: string): string {
  const line = excerpt.replace(/\s+/g, " ").trim();
  return line.length > 100 ? `${line.slice(0, 100)}…` : line;
}

/**
 * What a browser's fetch answers for a redirect when told not to follow it (Fetch Standard,
 * "opaque-redirect filtered response": type `opaqueredirect`, status 0, no headers, no body;
 * web-platform-tests fetch/api/redirect/redirect-mode.any.js checks status 0 and the type).
 */
const OPAQUE_REDIRECT = "an opaque redirect (the browser hides its status and Location)";

/** Says that a redirect (3xx, or a browser's opaque one: status 0) was not followed, and where to. */
function redirectNote<I, O>(call: Call<I, O>, response: HttpResponse): string {
  const { status, headers } = response;
  if (status > 0 && (status < 300 || status >= 400)) return "";
  let where = "";
  try {
    const location = headers.get("location");
    if (location) where = ` to ${new URL(location, call.url).origin}`;
  } catch {
    // A Location that is not a URL: say nothing about where.
  }
  return `; redirect${where} not followed (AWS does not redirect its APIs: check the endpoint)`;
}
