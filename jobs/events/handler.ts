/**
 * `eventBridgeHandler`: a `(request: Request) => Promise<Response>` for an EventBridge API
 * destination, for Cloudflare Workers, `Deno.serve`, Bun, and Node through `toNodeListener`.
 *
 * Its answers follow what EventBridge does with them (EventBridge User Guide, "API destinations",
 * "API destination error codes"): 401, 407, 409, 429 and 5xx answers are retried (by default for
 * 24 hours, up to 185 times, then the event goes to the rule target's dead-letter queue, if it has
 * one); other 4xx answers are not retried; a request that takes more than 5 seconds is timed out
 * and retried. So:
 *
 * | answer | when | EventBridge |
 * | --- | --- | --- |
 * | 200 | copies started or found, or the event asks for none (`ignored`) | done |
 * | 400 | not JSON, or not an EventBridge event (`ValidationError`) | not retried |
 * | 401 | no valid authorization (nothing else is read) | retried |
 * | 405, 413 | not POST; a body over `maxBodyBytes` | not retried |
 * | 422 | a copy was refused for good (access denied, `WrongRegionError`, a client function's `ValidationError`) | not retried |
 * | 429 | throttling or `LimitExceededException`, of AWS Backup or of the client function (with `Retry-After`) | retried |
 * | 503 | a 5xx, network failure or timeout of AWS, a client function that failed, or the time budget ran out | retried |
 * | 500 | anything unexpected | retried |
 *
 * A retry is safe: it derives the same token and finds the copy the first attempt made.
 *
 * @module
 */

import { ValidationError } from "../../runtime/errors.ts";
import {
  authorizationIssues,
  type ConnectionAuthorization,
  isAuthorized,
} from "./authorization.ts";
import { type BackupClients, isBackupClient } from "./clients.ts";
import {
  checkEventCopyOptions,
  copyOnBackupEvent,
  type CopyOnBackupEventResult,
} from "./copy_on_event.ts";
import type { RuleCopyOutcome } from "./ensure_copy.ts";
import type { IgnoreCode } from "./event.ts";
import type { CopyRule } from "./rules.ts";

/** Options of {@linkcode eventBridgeHandler}. */
export interface EventBridgeHandlerOptions {
  /** A client, or a function giving the client of an account and Region (see `copyOnBackupEvent`). */
  client: BackupClients;
  /** What to copy where. Destinations, roles and lifecycles come from here only, never from a request. */
  rules: readonly CopyRule[];
  /** What the EventBridge connection sends; several to rotate a secret without downtime. */
  authorization: ConnectionAuthorization | readonly ConnectionAuthorization[];
  /** As in `copyOnBackupEvent`. */
  copyKey?: string | undefined;
  /** As in `copyOnBackupEvent`. @default 3 */
  maxFailedCopies?: number | undefined;
  /**
   * Time budget of one request in milliseconds: AWS calls still running then are aborted and the
   * answer is 503 (retried). EventBridge waits 5 seconds for an answer. @default 4000
   */
  timeoutMs?: number | undefined;
  /** Largest body read; EventBridge events are at most 256 KB. @default 262144 */
  maxBodyBytes?: number | undefined;
  /**
   * Called once per request with what happened (no header, no body, no secret).
   * @default one JSON line per request on `console.log`; `false` logs nothing
   */
  log?: ((record: HandlerLogRecord) => void) | false | undefined;
}

/** What the handler logs about one request. */
export interface HandlerLogRecord {
  /** The status answered. */
  status: number;
  /** Milliseconds from the request to the answer. */
  durationMs: number;
  /** The event's id, once read. */
  eventId?: string;
  /** Its `detail-type`. */
  detailType?: string;
  /** The recovery point it was about. */
  recoveryPointArn?: string;
  /** Why nothing was to be done. */
  ignored?: IgnoreCode;
  /** Per rule: outcome and job. */
  copies?: { rule: string; outcome: RuleCopyOutcome; copyJobId?: string; error?: string }[];
  /** The error answered, as `Name: message` (never a secret). */
  error?: string;
}

/** Default of {@linkcode EventBridgeHandlerOptions.timeoutMs}. */
export const DEFAULT_HANDLER_TIMEOUT_MS = 4000;
/** Default of {@linkcode EventBridgeHandlerOptions.maxBodyBytes}: 256 KiB. */
export const DEFAULT_MAX_BODY_BYTES = 262_144;

const OPTION_KEYS = [
  "client",
  "rules",
  "authorization",
  "copyKey",
  "maxFailedCopies",
  "timeoutMs",
  "maxBodyBytes",
  "log",
] as const;

/**
 * Makes the request handler of an EventBridge API destination: it checks the connection's
 * authorization (401 without it, before reading anything), reads the event, runs
 * `copyOnBackupEvent` within `timeoutMs`, and answers in JSON with what was done — statuses as the
 * module documentation says, so that EventBridge retries what may succeed later and nothing else.
 *
 * @throws {ValidationError} bad options (rules, authorization, numbers), naming the option.
 *
 * @example Deno
 * ```ts ignore
 * const handler = eventBridgeHandler({
 *   client,
 *   rules: [{ sourceBackupVaults: ["Default"], destinationBackupVaultArn, iamRoleArn }],
 *   authorization: { apiKey: { name: "x-backup-edge-key", value: Deno.env.get("EVENTBRIDGE_API_KEY")! } },
 * });
 * Deno.serve(handler);
 * ```
 */
export function eventBridgeHandler(
  options: EventBridgeHandlerOptions,
): (request: Request) => Promise<Response> {
  checkHandlerOptions(options);
  const authorizations =
    (Array.isArray(options.authorization)
      ? options.authorization
      : [options.authorization]) as readonly ConnectionAuthorization[];
  const timeoutMs = options.timeoutMs ?? DEFAULT_HANDLER_TIMEOUT_MS;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const log = options.log === false
    ? undefined
    : options.log ?? ((record: HandlerLogRecord) => console.log(JSON.stringify(record)));
  return async (request) => {
    const started = Date.now();
    const record: Omit<HandlerLogRecord, "status" | "durationMs"> = {};
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      log?.({ status, durationMs: Date.now() - started, ...record });
      return Response.json(body, { status, headers });
    };
    if (!(await isAuthorized(request, authorizations))) {
      await request.body?.cancel().catch(() => {});
      return answer(401, { error: "Unauthorized" });
    }
    if (request.method !== "POST") {
      await request.body?.cancel().catch(() => {});
      record.error = `MethodNotAllowed: ${request.method}`;
      return answer(405, { error: "MethodNotAllowed", message: "POST the event" }, {
        allow: "POST",
      });
    }
    const text = await readText(request, maxBodyBytes);
    if (text === undefined) {
      record.error = `PayloadTooLarge: over ${maxBodyBytes} bytes`;
      return answer(413, { error: "PayloadTooLarge", message: `at most ${maxBodyBytes} bytes` });
    }
    let event: unknown;
    try {
      event = JSON.parse(text);
    } catch {
      record.error = "InvalidJson: the body is not JSON";
      return answer(400, { error: "InvalidJson", message: "The body is not JSON" });
    }
    const budget = new AbortController();
    const timer = setTimeout(
      () => budget.abort(new BudgetExceeded(`no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    let result: CopyOnBackupEventResult;
    try {
      result = await copyOnBackupEvent(options.client, event, {
        rules: options.rules,
        copyKey: options.copyKey,
        maxFailedCopies: options.maxFailedCopies,
        signal: budget.signal,
      });
    } catch (error) {
      if (error instanceof ValidationError) {
        record.error = `${error.name}: ${error.message}`;
        return answer(400, { error: error.name, message: error.message, issues: error.issues });
      }
      if (error instanceof BudgetExceeded) {
        record.error = `${error.name}: ${error.message}`;
        return answer(503, { error: error.name, message: error.message });
      }
      record.error = `${error instanceof Error ? error.name : "Error"}: ${
        error instanceof Error ? error.message : String(error)
      }`;
      return answer(500, { error: "InternalError", message: "The event could not be handled" });
    } finally {
      clearTimeout(timer);
    }
    record.eventId = result.eventId;
    record.detailType = result.detailType;
    if (result.recoveryPoint?.recoveryPointArn) {
      record.recoveryPointArn = result.recoveryPoint.recoveryPointArn;
    }
    if (result.ignored) record.ignored = result.ignored.code;
    if (result.copies.length) {
      record.copies = result.copies.map((c) => ({
        rule: c.rule,
        outcome: c.outcome,
        ...(c.copyJobId ? { copyJobId: c.copyJobId } : {}),
        ...(c.error ? { error: `${c.error.name}: ${c.error.message}` } : {}),
      }));
    }
    const failures = result.copies.flatMap((c) => c.error ? [c.error] : []);
    const retryable = failures.filter((f) => f.retryable);
    const status = retryable.length
      ? (retryable.every((f) => f.throttling) ? 429 : 503)
      : failures.length
      ? 422
      : 200;
    return answer(status, responseBody(result), status === 429 ? { "retry-after": "10" } : {});
  };
}

/** The time budget ran out. */
class BudgetExceeded extends Error {
  override name = "TimeBudgetExceeded";
}

function responseBody(result: CopyOnBackupEventResult): unknown {
  return {
    eventId: result.eventId,
    detailType: result.detailType,
    ...(result.recoveryPoint?.recoveryPointArn
      ? { recoveryPointArn: result.recoveryPoint.recoveryPointArn }
      : {}),
    ...(result.ignored ? { ignored: result.ignored } : {}),
    copies: result.copies,
    skippedRules: result.skippedRules,
  };
}

/** The body as text, or `undefined` when it is longer than `limit` bytes (reading stops there). */
async function readText(request: Request, limit: number): Promise<string | undefined> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > limit) {
    await request.body?.cancel().catch(() => {});
    return undefined;
  }
  if (!request.body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

function checkHandlerOptions(options: EventBridgeHandlerOptions): void {
  if (isBackupClient(options)) {
    // eventBridgeHandler(client, options): its one argument is the options, the client in them.
    throw new ValidationError("eventBridgeHandler call", [{
      path: "arguments",
      message: "are one object, the options, with the client in it: call " +
        "eventBridgeHandler({ client, rules, authorization })",
    }]);
  }
  checkEventCopyOptions("eventBridgeHandler", options?.client, options, OPTION_KEYS, () => {
    const issues = authorizationIssues(options.authorization);
    const number = (key: "timeoutMs" | "maxBodyBytes", min: number, max: number) => {
      const v = options[key];
      if (v !== undefined && !(Number.isSafeInteger(v) && v >= min && v <= max)) {
        issues.push({ path: key, message: `must be an integer from ${min} to ${max}` });
      }
    };
    number("timeoutMs", 1, 300_000);
    number("maxBodyBytes", 1, 64 * 1024 * 1024);
    if (options.log !== undefined && options.log !== false && typeof options.log !== "function") {
      issues.push({ path: "log", message: "must be a function or false" });
    }
    return issues;
  });
}
