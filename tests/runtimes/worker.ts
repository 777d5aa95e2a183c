/**
 * Cloudflare Workers entry: `GET /?endpoint=<emulator URL>` runs the smoke run and answers its
 * result as JSON (status 500 with the error text when it throws). The endpoint may also come
 * from an `EMULATOR_URL` text binding.
 *
 * @module
 */

import { runSmoke } from "./smoke.ts";

interface Env {
  EMULATOR_URL?: string;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const endpoint = new URL(request.url).searchParams.get("endpoint") ?? env.EMULATOR_URL;
    if (!endpoint) return new Response("missing ?endpoint=", { status: 400 });
    try {
      return Response.json(await runSmoke(endpoint));
    } catch (error) {
      const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      return new Response(text, { status: 500 });
    }
  },
};
