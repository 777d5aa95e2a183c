/**
 * Cloudflare Workers entry of the safety probes:
 *
 * - `GET /redirects?endpoint=<url>&endpoint=…` answers the outcomes of calls to redirecting
 *   endpoints;
 * - `GET /shared?endpoint=<url>&timeoutMs=<ms>` makes one call with the client kept at module
 *   scope, whose credentials provider never answers its first call.
 *
 * @module
 */

import { callSharedClient, probeRedirects } from "./safety_probe.ts";

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/redirects") {
      return Response.json(await probeRedirects(url.searchParams.getAll("endpoint")));
    }
    if (url.pathname === "/shared") {
      const timeoutMs = Number(url.searchParams.get("timeoutMs")) || undefined;
      return Response.json(await callSharedClient(url.searchParams.get("endpoint")!, timeoutMs));
    }
    return new Response("not found", { status: 404 });
  },
};
