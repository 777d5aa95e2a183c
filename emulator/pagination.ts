/**
 * Opaque `NextToken`s, as AWS Backup's list operations send: a cursor (the sort key of the last
 * item sent) bound to the filters of the request, so a token is refused with other filters.
 *
 * @module
 */

import { ApiError } from "./wire.ts";

/** Where the next page starts: after the item with this sort key. */
export interface PageCursor {
  /** Sort key, first part: the item's creation time, epoch ms (lists are newest first). */
  createdMs: number;
  /** Sort key, second part: the item's insertion order. */
  seq: number;
}

/** An item with its sort key. */
export interface Keyed<T> extends PageCursor {
  item: T;
}

/** One page and the token of the next, if any. */
export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/**
 * Sorts newest first, skips what `nextToken` says was sent, keeps items matching the filter,
 * and cuts a page of `maxResults`.
 *
 * @throws {ApiError} `InvalidParameterValueException` for a token that is malformed or was
 * issued for other filters.
 */
export function paginate<T>(
  keyed: Keyed<T>[],
  matches: (item: T) => boolean,
  request: { nextToken?: string; maxResults: number; filters: unknown },
): Page<T> {
  const filters = fingerprint(request.filters);
  let candidates = [...keyed].sort((a, b) => b.createdMs - a.createdMs || b.seq - a.seq);
  if (request.nextToken !== undefined) {
    const cursor = decodeToken(request.nextToken);
    if (!cursor || cursor.filters !== filters) {
      throw new ApiError("InvalidParameterValueException", "The specified NextToken is invalid.", {
        context: "nextToken",
      });
    }
    candidates = candidates.filter((k) =>
      k.createdMs < cursor.createdMs || (k.createdMs === cursor.createdMs && k.seq < cursor.seq)
    );
  }
  const matching = candidates.filter((k) => matches(k.item));
  const page = matching.slice(0, request.maxResults);
  const last = page[page.length - 1];
  return {
    items: page.map((k) => k.item),
    ...(matching.length > request.maxResults && last
      ? { nextToken: encodeToken({ createdMs: last.createdMs, seq: last.seq, filters }) }
      : {}),
  };
}

/** A short hash of the filters, so a token is only accepted with the same filters. */
function fingerprint(filters: unknown): string {
  const text = JSON.stringify(
    Object.entries(filters as Record<string, unknown>).sort(([a], [b]) => a < b ? -1 : 1),
  );
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  }
  return hash.toString(36);
}

function encodeToken(cursor: PageCursor & { filters: string }): string {
  const json = JSON.stringify({ v: 1, c: cursor.createdMs, s: cursor.seq, f: cursor.filters });
  return btoa(json).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function decodeToken(token: string): (PageCursor & { filters: string }) | undefined {
  try {
    const json = atob(token.replace(/-/g, "+").replace(/_/g, "/"));
    const value: unknown = JSON.parse(json);
    if (typeof value !== "object" || value === null) return undefined;
    const { v, c, s, f } = value as Record<string, unknown>;
    if (v !== 1 || typeof c !== "number" || typeof s !== "number" || typeof f !== "string") {
      return undefined;
    }
    return { createdMs: c, seq: s, filters: f };
  } catch {
    return undefined;
  }
}
