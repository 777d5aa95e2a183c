/**
 * How the CLIs end in failure: the exit code, a message for people on stderr and, with `--json`,
 * `{ "ok": false, "error": { "name", "message", … } }` on stdout — built from a fixed list of
 * fields known to hold no secret (never `cause`, never an error's other properties). And what
 * keeps secrets out of everything a CLI prints: {@linkcode redactingIo} cuts the secret access
 * key and the session token out of every write (a service's message may quote a request: AWS's
 * `InvalidSignatureException` says "The Canonical String for this request should have been …",
 * `x-amz-security-token:…` included, as in amzn/selling-partner-api-models#1900).
 *
 * @module
 */

import {
  CallError,
  CopyJobFailedError,
  CopyRunRefusedError,
  ServiceException,
  ValidationError,
  WaiterTimeoutError,
} from "../mod.ts";
import { refusedCopies } from "../jobs/errors.ts";
import { UsageError } from "./args.ts";
import type { CliIo } from "./io.ts";

/** Exit status: everything asked for was done. */
export const EXIT_OK = 0;
/** Exit status: AWS refused, a copy failed or did not end, or the run could not start. */
export const EXIT_FAILED = 1;
/** Exit status: bad usage (unknown flag, bad value, missing setting). */
export const EXIT_USAGE = 2;
/** Exit status after SIGINT (Ctrl-C): 128 + 2, as shells report it. */
export const EXIT_INTERRUPTED = 130;

/** The reason a run is aborted with on SIGINT (Ctrl-C). */
export class Interrupted extends Error {
  override name = "Interrupted";
}

/**
 * Secrets below this length are not cut out of messages: replacing every occurrence of a
 * LocalStack-style `test` would garble ordinary words, and so short a value protects nothing.
 * Real secret access keys have 40 characters, session tokens hundreds.
 */
const MIN_REDACTED_LENGTH = 8;

/** The values the CLI must never print: the secret access key and the session token. */
export function secretsOf(env: Record<string, string>): string[] {
  return [env.AWS_SECRET_ACCESS_KEY, env.AWS_SESSION_TOKEN].filter((s): s is string =>
    typeof s === "string" && s.length >= MIN_REDACTED_LENGTH
  );
}

/** `text` with every occurrence of a secret replaced by `[hidden]`. */
export function redact(text: string, secrets: readonly string[]): string {
  return secrets.reduce((t, secret) => t.split(secret).join("[hidden]"), text);
}

/** `io` with `secrets` cut out of everything written to stdout and stderr. */
export function redactingIo(io: CliIo, secrets: readonly string[]): CliIo {
  if (!secrets.length) return io;
  return {
    ...io,
    out: (text) => io.out(redact(text, secrets)),
    err: (text) => io.err(redact(text, secrets)),
  };
}

/**
 * An error as JSON: `name` and `message`, and what each kind of error says for itself —
 * `issues` (validation), `operation` and `$metadata` (a call: HTTP status, request id,
 * attempts), `$fault` (the service's answer), `job` (a copy job that failed or did not end).
 */
export function errorJson(e: unknown): Record<string, unknown> {
  const error = e instanceof Error ? e : new Error(String(e));
  const json: Record<string, unknown> = { name: error.name, message: error.message };
  if (error instanceof ValidationError) {
    json.issues = error.issues.map((i) => ({ path: i.path, message: i.message }));
  }
  if (error instanceof CallError) json.operation = error.operation;
  if (error instanceof ServiceException) json.$fault = error.$fault;
  if (error instanceof CallError || error instanceof ServiceException) {
    json.$metadata = { ...error.$metadata };
  }
  if (error instanceof CopyJobFailedError || error instanceof WaiterTimeoutError) {
    if (error.job) json.job = JSON.parse(JSON.stringify(error.job));
  }
  if (error instanceof CopyRunRefusedError) {
    json.reason = { name: error.reason.name, message: error.reason.message };
    json.recoveryPointArns = [...error.recoveryPointArns];
  }
  return json;
}

/** What `reportFailure` needs to know about the command. */
export interface FailureContext {
  /** Whether `--json` was given: the failure is JSON on stdout too. */
  json: boolean;
  /** The command's usage, printed after a usage error. */
  usage: string;
}

/**
 * Prints a failure — a {@linkcode UsageError} with the usage, a {@linkcode CopyRunRefusedError}
 * with its one reason and the refused recovery points, anything else as `Name: message` — on
 * stderr (and as JSON on stdout with `--json`), and returns the exit code: 2 for bad usage,
 * else 1. Pass an `io` from {@linkcode redactingIo}.
 */
export function reportFailure(e: unknown, io: CliIo, context: FailureContext): number {
  const json = errorJson(e);
  if (e instanceof UsageError) {
    io.err(`${json.message}\n${context.usage}\n`);
  } else if (e instanceof CopyRunRefusedError) {
    io.err(refusedText(e));
  } else {
    io.err(`${json.name}: ${json.message}\n`);
  }
  if (context.json) io.out(`${JSON.stringify({ ok: false, error: json }, null, 2)}\n`);
  return e instanceof UsageError ? EXIT_USAGE : EXIT_FAILED;
}

/**
 * A {@linkcode CopyRunRefusedError} for people: the one reason, the recovery points it was given
 * for, and that nothing was copied.
 */
function refusedText(e: CopyRunRefusedError): string {
  return `${e.name}: StartCopyJob refused ${refusedCopies(e.recoveryPointArns.length)}, ` +
    `so the run stopped; nothing was copied. The reason:\n` +
    `  ${e.reason.name}: ${e.reason.message}\n` +
    `Refused: ${e.recoveryPointArns.join(", ")}\n` +
    `Fix the cause (e.g. the IAM role, the destination vault or its access policy) and run ` +
    `again.\n`;
}
