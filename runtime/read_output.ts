/**
 * The output of a 2xx response: read by the operation's deserializer or its output schema;
 * anything that does not parse or fit is a `DeserializationError` naming the field.
 *
 * @module
 */

import { type Call, callError, messageOf } from "./call.ts";
import { DeserializationError } from "./errors.ts";
import { type HttpResponse, parseJsonBody } from "./http.ts";
import { fromJson, WireValueError } from "./schema_json.ts";

/** The output of a 2xx response; any failure to parse it is a {@linkcode DeserializationError}. */
export function readOutput<I, O>(call: Call<I, O>, response: HttpResponse): O {
  try {
    const { output, deserialize } = call.operation;
    if (deserialize) return deserialize(response);
    return (output ? fromJson(output, parseJsonBody(response)) : {}) as O;
  } catch (e) {
    throw parseFailure(call, response, e);
  }
}

function parseFailure<I, O>(
  call: Call<I, O>,
  response: HttpResponse,
  cause: unknown,
): DeserializationError {
  // Not JSON, or not an object: unparseable; JSON whose members have the wrong types: a misfit.
  const problem = cause instanceof WireValueError ? "does not fit the model" : "unparseable";
  return callError(
    DeserializationError,
    call.operation.name,
    call.metadata,
    `HTTP ${response.status} body ${problem}: ${messageOf(cause)}`,
    { cause, incomplete: cause instanceof SyntaxError },
  );
}
