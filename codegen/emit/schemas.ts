/**
 * Emits `schemas.ts`: one schema constant per shape that needs one, made by the runtime's
 * factories (`structure`, `list`, `string`, …; marked pure, so a bundler drops the unused). The
 * runtime validates, serializes and deserializes by walking these, so a bundle carries only the
 * schemas its operations reach, and only the walks of the kinds those use.
 *
 * @module
 */

import type { Constraints, Member, Service, Shape, TimestampFormat } from "../ir.ts";
import {
  childMembers,
  httpLocation,
  isBase64Header,
  isRequiredForClient,
  numberBits,
  scalarFamily,
  ShapeIndex,
  timestampFormatOf,
} from "../shape_index.ts";
import { MODULES, propertyName, schemaName } from "./names.ts";
import {
  kindModule,
  needsOwnSchema,
  pure,
  scalarSchemaType,
  SCHEMA_MODULES,
  schemaReference,
  TIMESTAMP_CODECS,
} from "./references.ts";
import { SourceFile } from "./source_file.ts";

/** A regular expression literal for a Smithy (ECMA-262) pattern. */
export function regexLiteral(pattern: string): string {
  let out = "";
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      out += c + (pattern[++i] ?? "");
      continue;
    }
    if (c === "[") inClass = true;
    if (c === "]") inClass = false;
    if (c === "/" && !inClass) out += "\\/";
    else if (c === "\n") out += "\\n";
    else out += c;
  }
  return `/${out}/`;
}

/** `{ a: 1, b: 2 }`, or nothing when there are no fields. */
const objectLiteral = (fields: string[]) => fields.length ? `{ ${fields.join(", ")} }` : "";

/**
 * A scalar schema made by its type's factory (`string`, `integer`, …) with its constraints, and
 * the wire codecs of a timestamp format other than the factory's epoch seconds.
 */
function scalarSchema(
  file: SourceFile,
  shape: Shape,
  constraints: Constraints,
  format: TimestampFormat,
): string {
  const fields: string[] = [];
  const bits = numberBits(shape);
  if (bits) fields.push(`bits: ${bits}`);
  if (constraints.length?.min !== undefined) fields.push(`minLength: ${constraints.length.min}`);
  if (constraints.length?.max !== undefined) fields.push(`maxLength: ${constraints.length.max}`);
  if (constraints.range?.min !== undefined) fields.push(`min: ${constraints.range.min}`);
  if (constraints.range?.max !== undefined) fields.push(`max: ${constraints.range.max}`);
  if (constraints.pattern) fields.push(`pattern: ${regexLiteral(constraints.pattern)}`);
  if (shape.kind === "timestamp" && format !== "epoch-seconds") {
    const serde = MODULES.runtime("serde");
    const [write, read] = TIMESTAMP_CODECS[format];
    fields.push(`write: ${file.use(serde, write)}`, `read: ${file.use(serde, read)}`);
  }
  const factory = file.use(SCHEMA_MODULES.scalars, scalarSchemaType(shape));
  return pure(`${factory}(${objectLiteral(fields)})`);
}

/** Emits `schemas.ts`. */
export function emitSchemas(service: Service): string {
  const file = new SourceFile();
  const w = file.writer;
  const defined = new Set<string>();
  const visiting = new Set<string>();
  /** The first shape emitted with each schema text. */
  const byBody = new Map<string, Shape>();
  /** The constant a shape with the same schema as an earlier one's refers to. */
  const canonical = new Map<string, string>();

  /** The expression that refers to the schema of `target`, defining it first if needed. */
  const ref = (target: string): string => {
    const shape = service.shapes.get(target);
    if (!shape || !needsOwnSchema(shape)) return schemaReference(file, service, target, "");
    if (visiting.has(target)) return `() => ${schemaName(shape)}`; // recursive shape
    define(shape);
    return canonical.get(target) ?? schemaName(shape);
  };

  /** The schema of a member: its target's, or an inline one when the member adds traits. */
  const memberSchema = (member: Member): string => {
    const target = service.shapes.get(member.target);
    const c = member.constraints;
    const own = c.length || c.range || c.pattern || member.timestampFormat;
    if (!target || !own || !scalarFamily(target)) return ref(member.target);
    const merged = { ...target.constraints, ...c };
    return scalarSchema(file, target, merged, timestampFormatOf(target, "body", member));
  };

  // Greedy labels (`{Name+}` in an operation's URI) keep their `/`, so they have other rules.
  const greedy = new Set<Member>();
  for (const op of service.operations) {
    const input = op.input ? service.shapes.get(op.input) : undefined;
    for (const [, name] of op.http.uri.matchAll(/\{([^}]+)\+\}/g)) {
      const member = input && childMembers(input).find((m) => m.name === name);
      if (member) greedy.add(member);
    }
  }

  const memberEntry = (member: Member): string => {
    const fields = [`schema: ${memberSchema(member)}`];
    if (isRequiredForClient(member)) fields.push("required: true");
    if (member.default !== undefined) fields.push(`default: ${JSON.stringify(member.default)}`);
    if (member.jsonName) fields.push(`jsonName: ${JSON.stringify(member.jsonName)}`);
    const http = httpLocation(member);
    if (http) fields.push(`http: "${http}"`);
    if (member.http.hostLabel) fields.push("hostLabel: true");
    if (member.http.query !== undefined) {
      fields.push(`httpName: ${JSON.stringify(member.http.query)}`);
    }
    if (member.idempotencyToken) fields.push("idempotencyToken: true");
    const checks = [
      ...bindingChecks(service, member, greedy.has(member))
        .map((name) => file.use(SCHEMA_MODULES.bindingChecks, name)),
      // An explicit token that is empty is sent as is (only an absent one is filled): refused.
      ...(member.idempotencyToken
        ? [file.use(SCHEMA_MODULES.tokenCheck, "checkIdempotencyToken")]
        : []),
    ];
    if (checks.length === 1) fields.push(`check: ${checks[0]}`);
    if (checks.length > 1) {
      fields.push(
        `check: ${
          pure(`${file.use(SCHEMA_MODULES.bindingChecks, "checkAll")}(${checks.join(", ")})`)
        }`,
      );
    }
    return `{ ${fields.join(", ")} }`;
  };

  const define = (shape: Shape): void => {
    if (defined.has(shape.id)) return;
    visiting.add(shape.id);
    // Children first, so references are plain names wherever the shape graph allows.
    for (const m of childMembers(shape)) ref(m.target);
    const body = schemaBody(shape);
    visiting.delete(shape.id);
    defined.add(shape.id);
    const typeName = schemaTypeName(shape);
    // A shape whose schema reads exactly as an earlier one's (the many exceptions with the same
    // members, say) shares that constant, so a bundle carries the table once.
    const same = byBody.get(body);
    if (same) {
      // Exported under a second name, not copied into a second constant: a bundler then
      // resolves both names to one binding.
      canonical.set(shape.id, schemaName(same));
      file.doc(`Schema of \`${shape.name}\`: the same as \`${same.name}\`'s.`);
      w.writeLine(`export { ${schemaName(same)} as ${schemaName(shape)} };`);
    } else {
      byBody.set(body, shape);
      file.doc(`Schema of \`${shape.name}\`.`);
      w.writeLine(
        `export const ${schemaName(shape)}: ${
          file.useType(SCHEMA_MODULES.types, typeName)
        } = ${body};`,
      );
    }
    w.blankLine();
  };

  const schemaBody = (shape: Shape): string => {
    switch (shape.kind) {
      case "list":
      case "map": {
        const fields: string[] = [];
        if (shape.kind === "map") {
          if (needsOwnSchema(service.shapes.get(shape.key.target)!)) {
            fields.push(`key: ${memberSchema(shape.key)}`);
          }
          fields.push(`value: ${memberSchema(shape.value)}`);
        }
        if (shape.constraints.length?.min !== undefined) {
          fields.push(`minLength: ${shape.constraints.length.min}`);
        }
        if (shape.constraints.length?.max !== undefined) {
          fields.push(`maxLength: ${shape.constraints.length.max}`);
        }
        if (shape.sparse) fields.push("sparse: true");
        const factory = file.use(kindModule(shape.kind), shape.kind);
        const args = shape.kind === "list"
          ? [memberSchema(shape.member), objectLiteral(fields)].filter(Boolean).join(", ")
          : objectLiteral(fields);
        return pure(`${factory}(${args})`);
      }
      case "structure":
      case "union": {
        const members = shape.members.map((m) => `  ${propertyName(m.name)}: ${memberEntry(m)},\n`);
        const factory = file.use(kindModule(shape.kind), shape.kind);
        return pure(`${factory}({${members.length ? "\n" : ""}${members.join("")}})`);
      }
      default:
        return scalarSchema(file, shape, shape.constraints, timestampFormatOf(shape, "body"));
    }
  };

  for (const shape of ShapeIndex.of(service).shapesByName) {
    if (needsOwnSchema(shape)) define(shape);
  }
  return file.toString();
}

/**
 * The runtime functions that check the rules a member's HTTP bindings add, in order (a JSON
 * `@mediaType` header travels base64, so any text may go; a `@hostLabel` must be a host label).
 */
function bindingChecks(service: Service, member: Member, greedy: boolean): string[] {
  const checks: string[] = [];
  if (member.http.label) checks.push(greedy ? "checkGreedyLabel" : "checkLabel");
  if (member.http.prefixHeaders !== undefined) checks.push("checkPrefixHeaders");
  if (member.http.header !== undefined && !isBase64Header(service.shapes.get(member.target))) {
    checks.push("checkHeader");
  }
  if (member.http.hostLabel) checks.push("checkHostLabel");
  return checks;
}

function schemaTypeName(shape: Shape): string {
  switch (shape.kind) {
    case "list":
      return "ListSchema";
    case "map":
      return "MapSchema";
    case "structure":
    case "union":
      return "StructureSchema";
    default:
      return "ScalarSchema";
  }
}
