/**
 * One operation call as its attempts share it (`Call`), what an attempt got back (`Answer`), and
 * how errors about it are made: named after the operation, with what is known of the exchange,
 * without the call's secrets.
 *
 * @module
 */

import type { Client } from "./client.ts";
import type { Credentials } from "./credentials.ts";
import type { CallError, CallErrorOptions, ResponseMetadata } from "./errors.ts";
import type { HttpRequest, HttpResponse } from "./http.ts";
import type { OperationSpec } from "./operation_spec.ts";
import { Redactor } from "./redact.ts";

/** What every attempt of a call shares. */
export interface Call<I, O> {
  client: Client;
  operation: OperationSpec<I, O>;
  request: HttpRequest;
  url: string;
  invocationId: string;
  metadata: ResponseMetadata;
  /** The credentials of the latest attempt: the secrets its errors must not show. */
  credentials?: Credentials;
  /** The client's clock offset the latest attempt was signed with. */
  signedOffsetMs: number;
  /** Fresh credentials were fetched after an expired-token error: not twice per call. */
  refreshed: boolean;
}

/** A response whose body has been read, or whose body broke off (only for a non-2xx status). */
export interface Answer extends HttpResponse {
  /** Why the body could not be read; `body` is then empty. */
  broken?: string;
}

/** `error` without the secrets of the call's credentials (see `redact.ts`), in place. */
export function secure<I, O, E extends Error>(call: Call<I, O>, error: E): E {
  return redactorOf(call).scrub(error);
}

/** Hides the secret access key and session token the call used (see `redact.ts`). */
export function redactorOf<I, O>(call: Call<I, O>): Redactor {
  return new Redactor([call.credentials?.secretAccessKey, call.credentials?.sessionToken]);
}

/**
 * A runtime error about a call, `operation: detail`, with a copy of what is known about the
 * exchange so far.
 */
export function callError<E extends CallError>(
  ErrorClass: new (message: string, options: CallErrorOptions & { incomplete?: boolean }) => E,
  operation: string,
  metadata: ResponseMetadata,
  detail: string,
  options?: { cause: unknown; incomplete?: boolean },
): E {
  return new ErrorClass(`${operation}: ${detail}`, {
    operation,
    $metadata: { ...metadata },
    ...options,
  });
}

/**
 * An error's message, with its cause's when that says more: Node and Bun report a refused
 * connection as `fetch failed` whose cause is `connect ECONNREFUSED 127.0.0.1:8080`.
 */
export function messageOf(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = e.cause instanceof Error ? e.cause.message : undefined;
  return cause && cause !== e.message ? `${e.message} (${cause})` : e.message;
}
