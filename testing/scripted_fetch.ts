/**
 * A `fetch` that answers from a script, for the call pipeline's unit tests: every request it is
 * given is recorded, each answer is a function of the request, and one more request than
 * scripted rejects.
 *
 * @module
 */

import { BackupClient, type ClientConfig } from "../mod.ts";

/** One scripted answer. */
export type Answer = (request: Request) => Response | Promise<Response>;

/** A fetch answering from a script; it records every request it was given. */
export function scripted(...answers: Answer[]): {
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  requests: Request[];
} {
  const requests: Request[] = [];
  const fetch = (url: string, init: RequestInit) => {
    const request = new Request(url, init);
    requests.push(request);
    const answer = answers.shift();
    if (!answer) return Promise.reject(new Error("unexpected extra request"));
    return Promise.resolve().then(() => answer(request));
  };
  return { fetch, requests };
}

/** Statuses whose responses have no body (a `Response` refuses one). */
const NULL_BODY = [204, 205, 304];

/**
 * An answer with this status, body (none for 204, 205 and 304) and headers (and
 * `x-amzn-requestid: req`).
 */
export const json =
  (status: number, body: string, headers: Record<string, string> = {}): Answer => () =>
    new Response(NULL_BODY.includes(status) ? null : body, {
      status,
      headers: { "x-amzn-requestid": "req", ...headers },
    });

/** An answer that throws `e` as fetch would. */
export const fail = (e: unknown): Answer => () => {
  throw e;
};

/** Credentials of the scripted tests. */
export const credentials = { accessKeyId: "AKIDTEST", secretAccessKey: "secret/TEST+key" };

/**
 * A client of `fetch` whose retries do not wait (the standard strategy is tested on its own);
 * `extra` overrides any option.
 */
export function scriptedClient(
  fetch: ClientConfig["fetch"],
  extra: Partial<ClientConfig> = {},
): BackupClient {
  const retryStrategy = { retryDelay: () => 0, recordSuccess() {} };
  return new BackupClient({ region: "us-east-1", credentials, fetch, retryStrategy, ...extra });
}
