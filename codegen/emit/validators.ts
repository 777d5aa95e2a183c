/**
 * Emits `validators.ts`: one validator per operation input, checking required members,
 * types and `@length`/`@range`/`@pattern` everywhere in the input. Operations check their input
 * the same way (by its schema) before anything is sent; these are for callers who want to
 * check an input on its own.
 *
 * @module
 */

import type { Service } from "../ir.ts";
import { MODULES, operationNames, schemaName } from "./names.ts";
import { SCHEMA_MODULES } from "./references.ts";
import { SourceFile } from "./source_file.ts";

/** Emits `validators.ts`. */
export function emitValidators(service: Service): string {
  const file = new SourceFile();
  const w = file.writer;
  for (const op of service.operations) {
    if (!op.input) continue;
    const input = service.shapes.get(op.input)!;
    const names = operationNames(op.name);
    file.doc(
      `Checks a ${op.name} input against the model and returns every problem found, each ` +
        "with the path of the member at fault; an empty list means the input may be sent.",
    );
    const issue = file.useType(MODULES.runtime("errors"), "ValidationIssue");
    const type = file.useType(MODULES.types, input.name);
    w.write(`export function ${names.validate}(input: ${type}): ${issue}[]`).block(() => {
      const schema = file.use(MODULES.schemas, schemaName(input));
      w.writeLine(
        `return ${file.use(SCHEMA_MODULES.validation, "inputIssues")}(${schema}, input);`,
      );
    });
    w.blankLine();
  }
  return file.toString();
}
