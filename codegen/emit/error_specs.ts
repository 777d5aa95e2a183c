/**
 * Emits `error_specs.ts`: how each error the service defines is read from a response (wire name,
 * class, schema, header reader), shared by the operations that list it, and the service's whole
 * table, which the client hands to the runtime for errors an operation does not list.
 *
 * @module
 */

import type { Service } from "../ir.ts";
import { ShapeIndex } from "../shape_index.ts";
import { errorHeadersReader, errorSpecName, MODULES, schemaName } from "./names.ts";
import { SourceFile } from "./source_file.ts";

/** The constant listing every error of the service. */
export const SERVICE_ERRORS = "SERVICE_ERRORS";

/** Emits `error_specs.ts`. */
export function emitErrorSpecs(service: Service): string {
  const file = new SourceFile();
  const w = file.writer;
  const errorSpec = file.useType(MODULES.runtime("operation_spec"), "ErrorSpec");
  const shapes = ShapeIndex.of(service).errorShapes;
  for (const shape of shapes) {
    const entry = [
      JSON.stringify(shape.name),
      file.use(MODULES.errors, shape.name),
      file.use(MODULES.schemas, schemaName(shape)),
    ];
    const reader = errorHeadersReader(shape);
    if (reader) entry.push(file.use(MODULES.deserializers, reader));
    file.doc(`How a \`${shape.name}\` response becomes its error: wire name, class, schema.`);
    w.writeLine(`export const ${errorSpecName(shape)}: ${errorSpec} = [${entry.join(", ")}];`);
    w.blankLine();
  }
  file.doc(
    `Every error ${service.sdkId} defines, by wire name: what an error type names when the ` +
      "operation's own list does not (an operation may answer an error its model does not list).",
  );
  const names = shapes.map(errorSpecName);
  w.writeLine(`export const ${SERVICE_ERRORS}: readonly ${errorSpec}[] = [${names.join(", ")}];`);
  return file.toString();
}
