/**
 * Emits `types.ts`: a TypeScript type for every structure, union, enum, list and map the
 * operations reach, documented from the model.
 *
 * @module
 */

import type { Member, Service } from "../ir.ts";
import { isNamedType, ShapeIndex } from "../shape_index.ts";
import { memberDoc, shapeDoc } from "./fallback_docs.ts";
import { propertyName } from "./names.ts";
import { typeRef } from "./references.ts";
import { SourceFile } from "./source_file.ts";

/** Emits `types.ts`. */
export function emitTypes(service: Service): string {
  const file = new SourceFile();
  const w = file.writer;
  const index = ShapeIndex.of(service);
  const shapes = index.shapesByName.filter(isNamedType);
  for (const shape of shapes) {
    if (shape.kind === "structure" && shape.error) continue; // errors are classes in errors.ts
    file.doc(
      shapeDoc(service, shape),
      shape.sensitive ? ["Holds sensitive data: do not log it."] : [],
    );
    switch (shape.kind) {
      case "structure":
        if (!shape.members.length) {
          w.writeLine(`export type ${shape.name} = Record<never, never>;`);
          break;
        }
        w.write(`export interface ${shape.name} `).inlineBlock(() => {
          for (const m of shape.members) {
            file.doc(memberDoc(service, m, shape.name), [
              ...memberNotes(service, m),
              ...(m.deprecated ? ["@deprecated"] : []),
            ]);
            // An optional member also takes an explicit `undefined` (absent, as in the AWS SDK
            // v3), so callers compiling with `exactOptionalPropertyTypes` can pass `x ?? undefined`.
            const type = typeRef(service, m.target);
            w.writeLine(
              index.isAlwaysPresent(m, shape)
                ? `${propertyName(m.name)}: ${type};`
                : `${propertyName(m.name)}?: ${type} | undefined;`,
            );
          }
        });
        w.newLine();
        break;
      case "union":
        w.writeLine(`export type ${shape.name} =`);
        w.indent(() => {
          for (const m of shape.members) {
            w.writeLine(`| { ${propertyName(m.name)}: ${typeRef(service, m.target)} }`);
          }
          w.writeLine(`| { $unknown: [string, unknown] };`);
        });
        break;
      case "enum":
      case "intEnum": {
        const open = `(${shape.kind === "enum" ? "string" : "number"} & Record<never, never>)`;
        const values = shape.values.map((v) => JSON.stringify(v.value));
        // The open member keeps values added by newer service versions assignable.
        w.writeLine(`export type ${shape.name} = ${[...values, open].join(" | ")};`);
        break;
      }
      case "list": {
        const item = typeRef(service, shape.member.target);
        w.writeLine(`export type ${shape.name} = ${shape.sparse ? `(${item} | null)` : item}[];`);
        break;
      }
      case "map": {
        const value = typeRef(service, shape.value.target);
        w.writeLine(
          `export type ${shape.name} = Record<string, ${
            shape.sparse ? `${value} | null` : value
          }>;`,
        );
        break;
      }
    }
    w.blankLineIfLastNot();
  }
  return file.toString();
}

/** What a reader should know about a member beyond its documentation: rules and defaults. */
function memberNotes(service: Service, member: Member): string[] {
  const target = service.shapes.get(member.target);
  const c = { ...target?.constraints, ...member.constraints };
  const rules: string[] = [];
  const bounds = (what: string, b: { min?: number; max?: number }) =>
    b.min !== undefined && b.max !== undefined
      ? `${what} ${b.min} to ${b.max}`
      : b.min !== undefined
      ? `${what} at least ${b.min}`
      : `${what} at most ${b.max}`;
  if (c.length) rules.push(bounds("length", c.length));
  if (c.range) rules.push(bounds("value", c.range));
  if (c.pattern) rules.push(`pattern \`${c.pattern}\``);
  const notes = rules.length ? [`Constraints: ${rules.join("; ")}.`] : [];
  if (member.default !== undefined) notes.push(`Default: \`${JSON.stringify(member.default)}\`.`);
  if (member.idempotencyToken) notes.push("Filled with a random UUID v4 when unset.");
  return notes;
}
