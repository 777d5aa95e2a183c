/**
 * Emits `serializers.ts`: for each operation whose request the runtime cannot build from the
 * input schema alone (see `isSchemaRequest`), the restJson1 request: `@http` method and URI
 * with `@httpLabel`s, `@httpQuery`/`@httpQueryParams`, `@httpHeader`/`@httpPrefixHeaders`,
 * `@endpoint` host prefix, and the body: an `@httpPayload` member or the JSON of the unbound
 * members.
 *
 * @module
 */

import type { Member, Operation, Service, Shape, StructureShape, TimestampFormat } from "../ir.ts";
import {
  DEFAULT_TIMESTAMP_FORMATS,
  httpLocation,
  isBase64Header,
  timestampFormatOf,
  valueShape,
  type WireLocation,
} from "../shape_index.ts";
import { MODULES, operationNames, schemaName } from "./names.ts";
import { SCHEMA_MODULES, schemaReference, TIMESTAMP_CODECS, typeReference } from "./references.ts";
import { SourceFile } from "./source_file.ts";

/**
 * Can the runtime's `restJsonRequest` build the operation's request from its input schema?
 * Yes when the input travels only as JSON body members, URI labels (not timestamps) and query
 * parameters (timestamps only in the query's default format, which `addQuery` writes), and
 * there is no host prefix; then no serializer is emitted.
 */
export function isSchemaRequest(service: Service, op: Operation): boolean {
  const input = op.input ? service.shapes.get(op.input) as StructureShape : undefined;
  const members = input?.members ?? [];
  checkLabels(op, members);
  return !op.hostPrefix && members.every((m) => {
    const location = httpLocation(m);
    if (location === undefined) return true;
    if (location === "query") return customTimestampFormat(service, m, location) === undefined;
    return location === "label" && valueShape(service, m)?.kind !== "timestamp";
  });
}

/**
 * The runtime serializer factory for an operation {@linkcode isSchemaRequest} accepts:
 * `jsonBodyRequest` when the input has JSON body members only (a bundle of such operations
 * leaves the label and query code out), else `restJsonRequest`.
 */
export function schemaRequestFactory(service: Service, op: Operation): string {
  const input = op.input ? service.shapes.get(op.input) as StructureShape : undefined;
  const members = input?.members ?? [];
  return members.length && members.every((m) => !httpLocation(m))
    ? "jsonBodyRequest"
    : "restJsonRequest";
}

/** Every `{Label}` of the URI names an `@httpLabel` member. */
function checkLabels(op: Operation, members: Member[]): void {
  for (const [, name] of op.http.uri.matchAll(/\{([^}+]+)\+?\}/g)) {
    if (!members.some((m) => m.name === name && m.http.label)) {
      throw new Error(`${op.name}: URI label {${name}} has no @httpLabel member`);
    }
  }
}

/** Emits `serializers.ts`: code for the requests `restJsonRequest` cannot build. */
export function emitSerializers(service: Service): string {
  const file = new SourceFile();
  for (const op of service.operations) {
    if (!isSchemaRequest(service, op)) emitSerializer(file, service, op);
  }
  return file.toString();
}

function emitSerializer(file: SourceFile, service: Service, op: Operation): void {
  const w = file.writer;
  const http = MODULES.runtime("http");
  const input = op.input ? service.shapes.get(op.input) as StructureShape : undefined;
  const members = input?.members ?? [];
  const target = (m: Member) => service.shapes.get(m.target)!;
  const names = operationNames(op.name);
  const inputType = typeReference(file, service, op.input);
  const tokens = members.filter((m) => m.idempotencyToken);
  const payload = members.find((m) => m.http.payload);
  const bodyMembers = members.filter((m) => !httpLocation(m));

  file.doc(`Builds the HTTP request of ${op.name}: \`${op.http.method} ${op.http.uri}\`.`);
  const inputName = members.length ? "input" : "_input";
  const contextName = tokens.length ? "context" : "_context";
  const request = file.useType(http, "HttpRequest");
  const context = file.useType(http, "SerializeContext");
  w.write(`export function ${names.serialize}(${inputName}: ${inputType}, `)
    .write(`${contextName}: ${context}): ${request}`).block(() => {
      if (members.some((m) => httpLocation(m) || m.idempotencyToken)) {
        // Members are read as `input.Name` from here on: from a copy of the own enumerable
        // properties, so inherited and non-enumerable ones stay absent, as in validation.
        w.writeLine(`input = ${file.use(http, "ownMembers")}(input);`);
      }
      for (const m of tokens) {
        // Filled here, once per call: every retry of the call reuses the same token.
        w.writeLine(`input.${m.name} ??= context.idempotencyToken();`);
      }
      w.writeLine(`const query: [string, string][] = [];`);
      for (const m of members.filter((m) => m.http.query !== undefined)) {
        const args = [`query`, JSON.stringify(m.http.query), `input.${m.name}`];
        const codec = timestampCodec(file, service, m, "query");
        if (codec) args.push(codec);
        w.writeLine(`${file.use(http, "addQuery")}(${args.join(", ")});`);
      }
      for (const m of members.filter((m) => m.http.queryParams)) {
        w.writeLine(`${file.use(http, "addQueryParams")}(query, input.${m.name});`);
      }

      const contentType = defaultContentType(service, payload, bodyMembers);
      w.writeLine(`const headers: Record<string, string> = ${contentType};`);
      for (const m of members.filter((m) => m.http.header !== undefined)) {
        const name = JSON.stringify(m.http.header!.toLowerCase());
        let value = `input.${m.name}`;
        if (isBase64Header(target(m))) {
          value = `${file.use(http, "toBase64Text")}(${value})`;
        }
        const args = ["headers", name, value];
        const codec = timestampCodec(file, service, m, "header");
        if (codec) args.push(codec);
        w.writeLine(`${file.use(http, "setHeader")}(${args.join(", ")});`);
      }
      for (const m of members.filter((m) => m.http.prefixHeaders !== undefined)) {
        const prefix = JSON.stringify(m.http.prefixHeaders);
        w.writeLine(`${file.use(http, "setPrefixHeaders")}(headers, ${prefix}, input.${m.name});`);
      }

      w.write("return").block(() => {
        w.writeLine(`method: "${op.http.method}",`);
        w.writeLine(`path: ${pathExpression(file, service, op, members)},`);
        w.writeLine("query,");
        w.writeLine("headers,");
        const body = bodyExpression(file, service, input, payload, bodyMembers);
        if (body) w.writeLine(`body: ${body},`);
        if (op.hostPrefix) w.writeLine(`hostPrefix: ${template(op.hostPrefix, () => true)},`);
      });
      w.write(";");
    });
  w.blankLine();
}

/** The content type a request starts with; a `Content-Type` header member may replace it. */
function defaultContentType(
  service: Service,
  payload: Member | undefined,
  bodyMembers: Member[],
): string {
  if (!payload) return bodyMembers.length ? `{ "content-type": "application/json" }` : "{}";
  const shape = service.shapes.get(payload.target)!;
  const type = contentTypeOf(shape);
  // A structure payload is always sent (`{}` when unset); other payloads only when set.
  if (shape.kind === "structure") return `{ "content-type": "${type}" }`;
  // Absent is `undefined` or `null`, as in validation.
  return `input.${payload.name} == null ? {} : { "content-type": "${type}" }`;
}

function contentTypeOf(shape: Shape): string {
  if (shape.mediaType) return shape.mediaType;
  if (shape.kind === "blob") return "application/octet-stream";
  if (shape.kind === "string" || shape.kind === "enum") return "text/plain";
  return "application/json";
}

/** The request body expression, or undefined for no body. */
function bodyExpression(
  file: SourceFile,
  service: Service,
  input: StructureShape | undefined,
  payload: Member | undefined,
  bodyMembers: Member[],
): string | undefined {
  const toJson = () => file.use(SCHEMA_MODULES.json, "toJson");
  if (!payload) {
    if (!bodyMembers.length) return undefined;
    return `JSON.stringify(${toJson()}(${file.use(MODULES.schemas, schemaName(input!))}, input))`;
  }
  const shape = service.shapes.get(payload.target)!;
  const value = `input.${payload.name}`;
  switch (shape.kind) {
    case "structure":
      return `JSON.stringify(${toJson()}(${
        schemaReference(file, service, payload.target)
      }, ${value} ?? {}))`;
    case "union":
    case "document":
      return `${value} == null ? undefined : JSON.stringify(${toJson()}(${
        schemaReference(file, service, payload.target)
      }, ${value}))`;
    default:
      return `${value} ?? undefined`; // blob, string or enum: the raw bytes or text
  }
}

/** The codec argument for a timestamp member whose format is not the location's default. */
function timestampCodec(
  file: SourceFile,
  service: Service,
  member: Member,
  location: WireLocation,
): string | undefined {
  const format = customTimestampFormat(service, member, location);
  return format && file.use(MODULES.runtime("serde"), TIMESTAMP_CODECS[format][0]);
}

/** A timestamp member's format at `location` when it is not the location's default. */
function customTimestampFormat(
  service: Service,
  member: Member,
  location: WireLocation,
): TimestampFormat | undefined {
  const timestamp = valueShape(service, member);
  if (timestamp?.kind !== "timestamp") return undefined;
  const format = timestampFormatOf(timestamp, location, member);
  return format === DEFAULT_TIMESTAMP_FORMATS[location] ? undefined : format;
}

/** A template literal from a pattern with `{Name}` (and greedy `{Name+}`) placeholders. */
function template(pattern: string, fill: (name: string, greedy: boolean) => string | true): string {
  const parts = pattern.split(/(\{[^}]+\})/);
  if (parts.length === 1) return JSON.stringify(pattern);
  const out = parts.map((part) => {
    const match = /^\{([^}+]+)(\+?)\}$/.exec(part);
    if (!match) return part.replace(/[`$\\]/g, "\\$&");
    const value = fill(match[1], !!match[2]);
    return `\${${value === true ? `input.${match[1]}` : value}}`;
  });
  return `\`${out.join("")}\``;
}

/** The path as a template literal with encoded labels; a literal query stays in it. */
function pathExpression(file: SourceFile, service: Service, op: Operation, members: Member[]) {
  return template(op.http.uri, (name, greedy) => {
    const member = members.find((m) => m.name === name && m.http.label)!; // checkLabels
    const encode = file.use(MODULES.runtime("serde"), "encodeLabel");
    return `${encode}(${labelValue(file, service, member)}${greedy ? ", true" : ""})`;
  });
}

/** A label member's value as a string: timestamps as date-time unless the model says otherwise. */
function labelValue(file: SourceFile, service: Service, member: Member): string {
  const target = service.shapes.get(member.target);
  const value = `input.${member.name}`;
  if (target?.kind === "timestamp") {
    const format = timestampFormatOf(target, "label", member);
    const write = file.use(MODULES.runtime("serde"), TIMESTAMP_CODECS[format][0]);
    return `String(${write}(${value}))`;
  }
  return target?.kind === "string" || target?.kind === "enum" ? value : `String(${value})`;
}
