/**
 * What the generator tells the runtime about an operation (`generated/operations.ts` emits one
 * per operation): its input and output schemas or codecs, its modeled errors, whether it is safe
 * to send again, and what its request needs before signing.
 *
 * @module
 */

import type { Client } from "./client.ts";
import type { ServiceException, ServiceExceptionOptions } from "./errors.ts";
import type { HttpRequest, HttpResponse, SerializeContext } from "./http.ts";
import type { Schema } from "./schema.ts";

/**
 * A modeled error: its wire name (the shape's name), its class, the schema of its members, and
 * a reader of header-bound members. One per error shape (`generated/error_specs.ts`), shared by
 * the operations naming it and the service's table (`ServiceInfo.errors`).
 */
export type ErrorSpec = [
  string,
  new (options: ServiceExceptionOptions & Record<string, unknown>) => ServiceException,
  Schema,
  ((response: HttpResponse) => Record<string, unknown>)?,
];

/** Everything the runtime needs to know about one operation; emitted by the generator. */
export interface OperationSpec<I, O> {
  name: string;
  /** Schema of the input, checked before anything is sent. Absent: the operation has no input. */
  input?: Schema;
  serialize(input: I, context: SerializeContext): HttpRequest;
  /**
   * Schema of an output that is the JSON body alone; else `deserialize` reads the output.
   * Neither: the output has no members (`{}`).
   */
  output?: Schema;
  deserialize?(response: HttpResponse): O;
  /** The errors the operation's model lists (the service's others: `ServiceInfo.errors`). */
  errors: ErrorSpec[];
  /**
   * Safe to send again after it may have reached the service: `@readonly`, `@idempotent`, a
   * GET or HEAD, or with an `@idempotencyToken` member (filled once per call). @default false
   */
  retrySafe?: boolean;
  /** `@requestCompression`: compresses the body (in place) before the first attempt. */
  compress?: (client: Client, request: HttpRequest) => Promise<void>;
  /** `@httpChecksumRequired`: adds the body's checksum header, after any compression. */
  checksum?: (request: HttpRequest) => Promise<void>;
}
