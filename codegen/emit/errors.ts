/**
 * Emits `errors.ts`: the service's base exception and one class per modeled error shape.
 *
 * @module
 */

import type { Service } from "../ir.ts";
import { ShapeIndex } from "../shape_index.ts";
import { memberDoc } from "./fallback_docs.ts";
import { MODULES, propertyName, serviceExceptionName } from "./names.ts";
import { typeRef } from "./references.ts";
import { SourceFile } from "./source_file.ts";

/** Emits `errors.ts`. */
export function emitErrors(service: Service): string {
  const file = new SourceFile();
  const w = file.writer;
  const base = serviceExceptionName(service);
  const runtimeErrors = MODULES.runtime("errors");
  file.doc(
    `Base class of every ${service.sdkId} error. Errors the model does not name are raised as ` +
      "this class, with the wire error code as `name`.",
  );
  w.writeLine(
    `export class ${base} extends ${file.use(runtimeErrors, "ServiceException")} {}`,
  );
  w.blankLine();
  for (const shape of ShapeIndex.of(service).errorShapes) {
    const status = shape.httpError ? ` HTTP status ${shape.httpError}.` : "";
    file.doc(shape.doc, [`A ${shape.error} error.${status}`]);
    w.write(`export class ${shape.name} extends ${base}`).block(() => {
      for (const m of shape.members) {
        file.doc(memberDoc(service, m, shape.name));
        w.writeLine(`declare ${propertyName(m.name)}?: ${typeRef(service, m.target)};`);
      }
      const memberNames = shape.members.map((m) => JSON.stringify(m.name)).join(" | ");
      const members = memberNames ? `Pick<${shape.name}, ${memberNames}>` : "Record<never, never>";
      const options = file.useType(runtimeErrors, "ModeledErrorOptions");
      file.doc(
        "Builds the error; the deserializer does, from the response.",
        ["@param options response metadata, the service's message and the modeled members."],
      );
      w.write(`constructor(options: ${options}<${members}>)`).block(() => {
        const fields = [`name: "${shape.name}"`, `$fault: "${shape.error}"`];
        if (shape.retryable) {
          fields.push(`$retryable: { throttling: ${shape.retryable.throttling} }`);
        }
        w.writeLine(`super({ ...options, ${fields.join(", ")} });`);
      });
    });
    w.blankLine();
  }
  return file.toString();
}
