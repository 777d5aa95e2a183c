/**
 * Pagination: follow an operation's continuation token page by page, as the model's
 * `@paginated` trait describes.
 *
 * @module
 */

import { PaginationError } from "./errors.ts";
import type { CallOptions } from "./call_options.ts";

/** Options of a generated `paginate…` function. */
export interface PaginatorOptions extends CallOptions {
  /** Items per page, sent as the operation's page-size member (e.g. `MaxResults`). */
  pageSize?: number | undefined;
  /** Time budget of each page's call in milliseconds (see `CallOptions.timeoutMs`). */
  timeoutMs?: number | undefined;
}

/** Pages as an async iterable, and `items()` for the items of every page in order. */
export interface Paginator<Page, Item> extends AsyncIterable<Page> {
  /** Iterates the items of every page, fetching pages as needed. */
  items(): AsyncIterable<Item>;
}

/** Where the tokens, items and page size live; dotted paths reach into nested members. */
export interface Pagination {
  inputToken: string;
  outputToken: string;
  items?: string;
  pageSize?: string;
}

const at = (value: unknown, path: string): unknown =>
  path.split(".").reduce((v, key) => (v as Record<string, unknown> | undefined)?.[key], value);

/**
 * Pages through `call` starting from `input`. Ends when a page has no continuation token;
 * a token seen before raises {@linkcode PaginationError}.
 */
export function paginate<I, O, Item>(
  call: (input: I, options?: CallOptions) => Promise<O>,
  input: I,
  pagination: Pagination,
  options: PaginatorOptions = {},
): Paginator<O, Item> {
  async function* pages(): AsyncGenerator<O> {
    const seen = new Set<unknown>();
    let token = at(input, pagination.inputToken);
    for (;;) {
      const request = { ...input, [pagination.inputToken]: token } as I;
      if (pagination.pageSize && options.pageSize !== undefined) {
        (request as Record<string, unknown>)[pagination.pageSize] = options.pageSize;
      }
      const page = await call(request, { signal: options.signal, timeoutMs: options.timeoutMs });
      yield page;
      if (token !== undefined) seen.add(token);
      token = at(page, pagination.outputToken);
      if (token === undefined || token === null || token === "") return;
      if (seen.has(token)) {
        throw new PaginationError(`The service repeated continuation token ${String(token)}`);
      }
    }
  }
  return {
    [Symbol.asyncIterator]: pages,
    async *items() {
      for await (const page of pages()) {
        yield* ((pagination.items ? at(page, pagination.items) : undefined) ?? []) as Item[];
      }
    },
  };
}
