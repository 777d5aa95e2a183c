/**
 * The protocol-neutral HTTP request and response that generated serializers build and
 * generated deserializers read, and the small helpers they call.
 *
 * @module
 */

import { toDateTime } from "./serde.ts";

/** A request before endpoint resolution and signing. */
export interface HttpRequest {
  method: string;
  /** Path with labels already percent-encoded, starting with `/`. */
  path: string;
  /** Query pairs, unencoded, in order; a key may repeat. */
  query: [string, string][];
  /** Header names in lower case. */
  headers: Record<string, string>;
  body?: string | Uint8Array;
  /** `@endpoint(hostPrefix)` with labels filled in, prepended to the endpoint host. */
  hostPrefix?: string;
}

/** A response whose body has been read completely. */
export interface HttpResponse {
  status: number;
  headers: Headers;
  body: Uint8Array;
}

/** What a serializer may need from the client. */
export interface SerializeContext {
  /** Makes idempotency tokens (UUID v4 unless the client says otherwise). */
  idempotencyToken(): string;
}

/** Scalars that can travel in a query string or header. */
type QueryValue = string | number | boolean | Date;

/**
 * Appends a `@httpQuery` member: lists repeat the key, timestamps are written by `timestamp`
 * (default date-time), absent values are skipped.
 */
export function addQuery(
  query: [string, string][],
  key: string,
  value: QueryValue | QueryValue[] | undefined,
  timestamp: (date: Date) => string | number = toDateTime,
): void {
  if (value == null) return;
  for (const item of Array.isArray(value) ? value : [value]) {
    query.push([key, String(item instanceof Date ? timestamp(item) : item)]);
  }
}

/** Parses a JSON response body; an empty body is `{}`. */
export function parseJsonBody(response: HttpResponse): Record<string, unknown> {
  const text = new TextDecoder().decode(response.body);
  return text.trim() ? JSON.parse(text) : {};
}
