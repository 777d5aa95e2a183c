/**
 * Request compression for `@requestCompression(encodings: ["gzip"])` operations; only their
 * bundles carry it.
 *
 * @module
 */

import type { Client } from "./client.ts";
import type { HttpRequest } from "./http.ts";

/** Gzips the body when it is at least the client's threshold, appending to Content-Encoding. */
export async function gzipBody(client: Client, request: HttpRequest): Promise<void> {
  const body = typeof request.body === "string"
    ? new TextEncoder().encode(request.body)
    : request.body;
  if (!body || client.disableRequestCompression) return;
  if (body.length < client.requestMinCompressionSizeBytes) return;
  const stream = new Blob([body as BlobPart]).stream().pipeThrough(new CompressionStream("gzip"));
  request.body = new Uint8Array(await new Response(stream).arrayBuffer());
  const encoding = request.headers["content-encoding"];
  request.headers["content-encoding"] = encoding ? `${encoding}, gzip` : "gzip";
}
