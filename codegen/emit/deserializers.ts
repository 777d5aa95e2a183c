/**
 * Emits `deserializers.ts`: for each operation, the typed output read from the response's
 * JSON body (timestamps to `Date`, `@default`s filled, unknown fields ignored).
 *
 * @module
 */

import type { Service, StructureShape } from "../ir.ts";
import { MODULES, operationNames, schemaName } from "./names.ts";
import { httpLocation } from "./schemas.ts";
import { SourceFile } from "./source_file.ts";

/** Emits `deserializers.ts`. */
export function emitDeserializers(service: Service): string {
  const file = new SourceFile("response deserializers");
  const w = file.writer;
  for (const op of service.operations) {
    const output = op.output ? service.shapes.get(op.output) as StructureShape : undefined;
    const bound = output?.members.find((m) => httpLocation(m));
    if (bound) {
      throw new Error(
        `${op.name} output member ${bound.name}: HTTP binding ${JSON.stringify(bound.http)} ` +
          "is not supported by this generator yet",
      );
    }
    const names = operationNames(op.name);
    const response = file.useType(MODULES.runtime("http"), "HttpResponse");
    const type = output ? file.useType(MODULES.types, output.name) : "Record<string, never>";
    file.doc(`Reads the output of ${op.name} from a successful response.`);
    const param = output ? "response" : "_response";
    w.write(`export function ${names.deserialize}(${param}: ${response}): ${type}`).block(() => {
      if (!output) return void w.writeLine("return {};");
      const fromJson = file.use(MODULES.runtime("schema"), "fromJson");
      const parse = file.use(MODULES.runtime("http"), "parseJsonBody");
      const schema = file.use(MODULES.schemas, schemaName(output));
      w.writeLine(`return ${fromJson}(${schema}, ${parse}(response)) as ${type};`);
    });
    w.blankLine();
  }
  return file.toString();
}
