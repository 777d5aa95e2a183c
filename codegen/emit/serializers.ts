/**
 * Emits `serializers.ts`: for each operation, the restJson1 request: `@http` method and URI
 * with `@httpLabel`s, `@httpQuery` parameters, and the JSON body of unbound members.
 *
 * @module
 */

import type { Member, Operation, Service, StructureShape } from "../ir.ts";
import { MODULES, operationNames, schemaName } from "./names.ts";
import { httpLocation, TIMESTAMP_CODECS } from "./schemas.ts";
import { SourceFile } from "./source_file.ts";

/** Emits `serializers.ts`. */
export function emitSerializers(service: Service): string {
  const file = new SourceFile("request serializers");
  for (const op of service.operations) emitSerializer(file, service, op);
  return file.toString();
}

function emitSerializer(file: SourceFile, service: Service, op: Operation): void {
  const w = file.writer;
  const input = op.input ? service.shapes.get(op.input) as StructureShape : undefined;
  const members = input?.members ?? [];
  const unsupported = members.find((m) =>
    m.http.header !== undefined || m.http.prefixHeaders !== undefined || m.http.payload ||
    m.http.queryParams || m.http.hostLabel
  );
  if (unsupported) {
    throw new Error(
      `${op.name}.${unsupported.name}: HTTP binding ${JSON.stringify(unsupported.http)} ` +
        "is not supported by this generator yet",
    );
  }
  const names = operationNames(op.name);
  const inputType = input ? file.useType(MODULES.types, input.name) : "Record<string, never>";
  const request = file.useType(MODULES.runtime("http"), "HttpRequest");
  const context = file.useType(MODULES.runtime("http"), "SerializeContext");
  const tokens = members.filter((m) => m.idempotencyToken);
  const query = members.filter((m) => m.http.query !== undefined);
  const body = members.filter((m) => !httpLocation(m));
  file.doc(`Builds the HTTP request of ${op.name}: \`${op.http.method} ${op.http.uri}\`.`);
  const inputName = members.length ? "input" : "_input";
  const contextName = tokens.length ? "context" : "_context";
  w.write(
    `export function ${names.serialize}(${inputName}: ${inputType}, ${contextName}: ${context}): ${request}`,
  ).block(() => {
    if (tokens.length) {
      // Filled here, once per call: every retry of the call reuses the same token.
      const fills = tokens.map((m) => `${m.name}: input.${m.name} ?? context.idempotencyToken()`);
      w.writeLine(`input = { ...input, ${fills.join(", ")} };`);
    }
    w.writeLine(`const query: [string, string][] = [];`);
    for (const m of query) {
      const format = m.timestampFormat ?? service.shapes.get(m.target)?.timestampFormat;
      const args = [`query`, JSON.stringify(m.http.query), `input.${m.name}`];
      if (format && format !== "date-time") {
        args.push(file.use(MODULES.runtime("serde"), TIMESTAMP_CODECS[format][0]));
      }
      w.writeLine(`${file.use(MODULES.runtime("http"), "addQuery")}(${args.join(", ")});`);
    }
    w.write("return").block(() => {
      w.writeLine(`method: "${op.http.method}",`);
      w.writeLine(`path: ${pathExpression(file, service, op, members)},`);
      w.writeLine("query,");
      if (body.length) {
        w.writeLine(`headers: { "content-type": "application/json" },`);
        const toJson = file.use(MODULES.runtime("schema"), "toJson");
        const schema = file.use(MODULES.schemas, schemaName(input!));
        w.writeLine(`body: JSON.stringify(${toJson}(${schema}, input)),`);
      } else {
        w.writeLine("headers: {},");
      }
    });
    w.write(";");
  });
  w.blankLine();
}

/** The path as a template literal with encoded labels; a literal query stays in it. */
function pathExpression(file: SourceFile, service: Service, op: Operation, members: Member[]) {
  const parts = op.http.uri.split(/(\{[^}]+\})/);
  if (parts.length === 1) return JSON.stringify(op.http.uri);
  const out = parts.map((part) => {
    const match = /^\{([^}+]+)(\+?)\}$/.exec(part);
    if (!match) return part.replace(/[`$\\]/g, "\\$&");
    const member = members.find((m) => m.name === match[1] && m.http.label);
    if (!member) throw new Error(`${op.name}: URI label {${match[1]}} has no @httpLabel member`);
    const encode = file.use(MODULES.runtime("serde"), "encodeLabel");
    const greedy = match[2] ? ", true" : "";
    return `\${${encode}(${labelValue(file, service, member)}${greedy})}`;
  });
  return `\`${out.join("")}\``;
}

/** A label member's value as a string: timestamps as date-time unless the model says otherwise. */
function labelValue(file: SourceFile, service: Service, member: Member): string {
  const target = service.shapes.get(member.target);
  const value = `input.${member.name}`;
  if (target?.kind === "timestamp") {
    const format = member.timestampFormat ?? target.timestampFormat ?? "date-time";
    const write = file.use(MODULES.runtime("serde"), TIMESTAMP_CODECS[format][0]);
    return `String(${write}(${value}))`;
  }
  return target?.kind === "string" || target?.kind === "enum" ? value : `String(${value})`;
}
