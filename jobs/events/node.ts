/**
 * `toNodeListener`: serves a Fetch handler (`(request: Request) => Promise<Response>`, such as
 * `eventBridgeHandler`'s) from Node's `http.createServer`. Node ≥ 20 has `Request` and `Response`
 * but no Fetch-style server; this is the few lines between the two, typed structurally so that
 * the module needs no `node:` import and no Node types.
 *
 * @module
 */

import { ValidationError } from "../../runtime/errors.ts";

/** The part of Node's `http.IncomingMessage` the listener reads. */
export interface NodeIncomingMessage extends AsyncIterable<Uint8Array | string> {
  /** `GET`, `POST`, … */
  method?: string | undefined;
  /** The path and query, e.g. `/events?x=1`. */
  url?: string | undefined;
  /** Headers, names in lower case. */
  headers: Record<string, string | string[] | undefined>;
}

/** The part of Node's `http.ServerResponse` the listener writes. */
export interface NodeServerResponse {
  /** The status to send. */
  statusCode: number;
  /** Sets a response header. */
  setHeader(name: string, value: string): unknown;
  /** Sends the body and ends the response. */
  end(body?: Uint8Array): unknown;
}

/**
 * A `(req, res)` listener for `http.createServer` that passes each request to `handler` as a
 * `Request` (the body streamed, not buffered) and writes its `Response`. A handler that throws
 * gives a 500 without details; the error's name and message are logged as one JSON line on
 * `console.error` (`{"status":500,"error":"TypeError: …"}`, as `eventBridgeHandler` logs its
 * records), never the request.
 *
 * @throws {ValidationError} `handler` is not a function.
 *
 * @example Node 20
 * ```js ignore
 * import { createServer } from "node:http";
 * import { eventBridgeHandler, toNodeListener } from "backup-edge";
 *
 * createServer(toNodeListener(eventBridgeHandler({ client, rules, authorization }))).listen(8080);
 * ```
 */
export function toNodeListener(
  handler: (request: Request) => Promise<Response>,
): (req: NodeIncomingMessage, res: NodeServerResponse) => Promise<void> {
  if (typeof handler !== "function") {
    throw new ValidationError("toNodeListener arguments", [{
      path: "handler",
      message: "must be a function (request: Request) => Promise<Response>, such as " +
        `eventBridgeHandler's, not ${handler === null ? "null" : typeof handler}`,
    }]);
  }
  return async (req, res) => {
    let response: Response;
    try {
      response = await handler(toRequest(req));
    } catch (error) {
      // The answer says nothing; the log says what broke, for whoever runs the server.
      const { name, message } = error instanceof Error
        ? error
        : { name: "Error", message: String(error) };
      console.error(JSON.stringify({ status: 500, error: `${name}: ${message}` }));
      response = Response.json({ error: "InternalError" }, { status: 500 });
    }
    res.statusCode = response.status;
    response.headers.forEach((value, name) => res.setHeader(name, value));
    res.end(new Uint8Array(await response.arrayBuffer()));
  };
}

function toRequest(req: NodeIncomingMessage): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const method = req.method ?? "GET";
  const url = new URL(req.url ?? "/", `http://${headers.get("host") ?? "localhost"}`);
  if (method === "GET" || method === "HEAD") return new Request(url, { method, headers });
  const encoder = new TextEncoder();
  const chunks = req[Symbol.asyncIterator]();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await chunks.next();
      if (done) controller.close();
      else controller.enqueue(typeof value === "string" ? encoder.encode(value) : value);
    },
    async cancel() {
      await chunks.return?.();
    },
  });
  // `duplex: "half"` is what Node's fetch asks of a streamed request body.
  return new Request(url, { method, headers, body, duplex: "half" } as RequestInit);
}
