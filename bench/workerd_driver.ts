/**
 * The Worker `deno task bench` runs in workerd (Miniflare) beside a bundled target, which it
 * imports as `./target.js`: `GET /?mode=warm|fresh&calls=N` makes N calls with the same
 * in-process `fetch` stub as on Node and Deno. A warm client lives as long as the isolate.
 * workerd's clock stands still while a request computes, so the bench times requests from
 * outside.
 *
 * @module
 */

import { caller, type ClientMode, installFetchStub, type Target } from "./harness.ts";

/** Not a literal in `import()`, so the bundler leaves it for workerd to resolve. */
const TARGET_MODULE = "./target.js";

const callers = new Map<string, (calls: number) => Promise<void>>();

export default {
  async fetch(request: Request): Promise<Response> {
    installFetchStub();
    const params = new URL(request.url).searchParams;
    const mode = params.get("mode") as ClientMode;
    if (!callers.has(mode)) {
      callers.set(mode, caller(await import(TARGET_MODULE) as Target, mode));
    }
    await callers.get(mode)!(Number(params.get("calls")));
    return new Response("done");
  },
};
