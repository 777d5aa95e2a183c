/**
 * Emits `types.ts`: a TypeScript type for every structure, union, enum, list and map the
 * operations reach, documented from the model.
 *
 * @module
 */

import type { Member, Service, Shape, StructureShape } from "../ir.ts";
import { SourceFile } from "./source_file.ts";

/** Which shapes are reachable from inputs and which from outputs or errors. */
export interface Directions {
  input: Set<string>;
  output: Set<string>;
}

/** Walks the operations once to tell input-side shapes from output-side ones. */
export function directions(service: Service): Directions {
  const input = new Set<string>();
  const output = new Set<string>();
  const walk = (id: string, into: Set<string>) => {
    const shape = service.shapes.get(id);
    if (!shape || into.has(id)) return;
    into.add(id);
    for (const m of childMembers(shape)) walk(m.target, into);
  };
  for (const op of service.operations) {
    if (op.input) walk(op.input, input);
    if (op.output) walk(op.output, output);
    for (const e of op.errors) walk(e, output);
  }
  for (const e of service.errors) walk(e, output);
  return { input, output };
}

/** Members of a shape that point at other shapes. */
export function childMembers(shape: Shape): Member[] {
  switch (shape.kind) {
    case "list":
      return [shape.member];
    case "map":
      return [shape.key, shape.value];
    case "structure":
    case "union":
      return shape.members;
    default:
      return [];
  }
}

/** Does a shape get its own named type (rather than an inline primitive)? */
export function isNamedType(shape: Shape): boolean {
  return ["structure", "union", "enum", "intEnum", "list", "map"].includes(shape.kind);
}

/** The TypeScript type of a member's target, as written where the member is used. */
export function typeRef(service: Service, target: string): string {
  const shape = service.shapes.get(target);
  if (!shape) return "Record<string, never>"; // smithy.api#Unit
  if (isNamedType(shape)) return shape.name;
  switch (shape.kind) {
    case "string":
      return "string";
    case "boolean":
      return "boolean";
    case "timestamp":
      return "Date";
    case "blob":
      return "Uint8Array";
    case "document":
      return "unknown";
    default:
      return "number";
  }
}

/** Is the member always present in a value of this type? */
export function isAlwaysPresent(member: Member, shape: StructureShape, dirs: Directions): boolean {
  if (member.required && !member.clientOptional) return true;
  // Outputs get defaults filled by the deserializer; inputs may leave them out.
  return member.default !== undefined && !dirs.input.has(shape.id);
}

/** Emits `types.ts`. */
export function emitTypes(service: Service): string {
  const file = new SourceFile("shape types");
  const w = file.writer;
  const dirs = directions(service);
  const shapes = [...service.shapes.values()].filter(isNamedType).sort(byName);
  for (const shape of shapes) {
    if (shape.kind === "structure" && shape.error) continue; // errors are classes in errors.ts
    file.doc(shape.doc, shape.sensitive ? ["Holds sensitive data: do not log it."] : []);
    switch (shape.kind) {
      case "structure":
        if (!shape.members.length) {
          w.writeLine(`export type ${shape.name} = Record<never, never>;`);
          break;
        }
        w.write(`export interface ${shape.name} `).inlineBlock(() => {
          for (const m of shape.members) {
            file.doc(m.doc, [...memberNotes(service, m), ...(m.deprecated ? ["@deprecated"] : [])]);
            const optional = isAlwaysPresent(m, shape, dirs) ? "" : "?";
            w.writeLine(`${propertyName(m.name)}${optional}: ${typeRef(service, m.target)};`);
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

/** A member name as an object key: quoted when it is not an identifier. */
export function propertyName(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name);
}

/** Sorts shapes by their generated name, for deterministic output. */
export function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
