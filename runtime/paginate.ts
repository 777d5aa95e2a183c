/**
 * Pagination: follow an operation's continuation token page by page, as the model's
 * `@paginated` trait describes.
 *
 * @module
 */

import { PaginationError, ValidationError, type ValidationIssue } from "./errors.ts";
import type { CallOptions } from "./call_options.ts";
import { checkClient, Client } from "./client.ts";
import { describe } from "./plain_objects.ts";
import { unknownKeyIssues } from "./unknown_keys.ts";

/**
 * Options of a generated `paginate…` function. Any other key is a {@linkcode ValidationError}
 * naming it (with ours for an AWS SDK v3 name: `startingToken` is the input's token member), and
 * nothing is sent.
 */
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

const PAGINATOR_OPTION_KEYS: ReadonlySet<string> = new Set(["signal", "timeoutMs", "pageSize"]);

/**
 * Issues with paginator options: not an object, a key it does not know, a page size the
 * operation has no member for. `signal` and `timeoutMs` are checked by each page's call.
 */
function paginatorOptionIssues(options: unknown, pagination: Pagination): ValidationIssue[] {
  if (typeof options !== "object" || options === null) {
    return [{ path: "options", message: `must be an object, not ${describe(options)}` }];
  }
  const keys = Object.keys(options);
  const token = pagination.inputToken;
  // The hints are made only for a key to report: pages of a valid call build nothing.
  const issues = keys.every((key) => PAGINATOR_OPTION_KEYS.has(key))
    ? []
    : unknownKeyIssues(options, PAGINATOR_OPTION_KEYS, "", {
      startingToken: `AWS SDK v3's startingToken is the input's ${token} here: ` +
        `paginate…(client, { ...input, ${token}: token })`,
      stopOnSameToken: "AWS SDK v3's stopOnSameToken is always on here: a repeated " +
        "continuation token ends the pages with PaginationError",
    });
  if ((options as PaginatorOptions).pageSize !== undefined && !pagination.pageSize) {
    issues.push({ path: "pageSize", message: "is not supported: the operation has no page size" });
  }
  return issues;
}

/**
 * Pages through `call` starting from `input`. Ends when a page has no continuation token;
 * a token seen before raises {@linkcode PaginationError}.
 *
 * @param call the operation function, e.g. `listCopyJobs`
 * @throws {ValidationError} at once, `client` is not a client (the AWS SDK v3's
 *   `paginateX({ client }, input)` gets a hint) or an option is unknown (`pagesize`, the AWS
 *   SDK v3's `startingToken`); nothing is sent
 */
export function paginate<C extends Client, I, O, Item>(
  call: (client: C, input: I, options?: CallOptions) => Promise<O>,
  client: C,
  input: I,
  pagination: Pagination,
  options: PaginatorOptions = {},
): Paginator<O, Item> {
  checkClient(
    client,
    "paginator call",
    (client as { client?: unknown } | undefined)?.client instanceof Client
      ? "; paginate…(client, input, options) here: the SDK's paginate…({ client }, input) is " +
        "in backup-edge/aws-sdk"
      : "",
  );
  const issues = paginatorOptionIssues(options, pagination);
  if (issues.length) throw new ValidationError("paginator options", issues);
  async function* pages(): AsyncGenerator<O> {
    const seen = new Set<unknown>();
    let token = at(input, pagination.inputToken);
    for (;;) {
      const request = { ...input, [pagination.inputToken]: token } as I;
      if (pagination.pageSize && options.pageSize !== undefined) {
        (request as Record<string, unknown>)[pagination.pageSize] = options.pageSize;
      }
      const page = await call(client, request, {
        signal: options.signal,
        timeoutMs: options.timeoutMs,
      });
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
