/**
 * Emits `deserializers.ts`: for each operation whose output is not just the JSON body, the
 * typed output read from a successful response: the JSON body (timestamps to `Date`,
 * `@default`s filled, unknown fields ignored) or an `@httpPayload`, plus `@httpHeader`,
 * `@httpPrefixHeaders` and `@httpResponseCode` members; and, for errors with members bound to
 * headers, a reader of those. Outputs read from the JSON body alone need no code: the runtime
 * reads them by their schema (see `isJsonBodyOutput`).
 *
 * @module
 */

import type { Member, Service, StructureShape } from "../ir.ts";
import {
  httpLocation,
  isHeaderBound,
  ShapeIndex,
  timestampFormatOf,
  valueShape,
} from "../shape_index.ts";
import { errorHeadersReader, MODULES, operationNames, schemaName } from "./names.ts";
import { SCHEMA_MODULES, schemaReference, TIMESTAMP_CODECS, typeReference } from "./references.ts";
import { SourceFile } from "./source_file.ts";

/**
 * Is the whole output the JSON body (it has members, none bound to the HTTP response)? Then the
 * operation names the output's schema and the runtime reads it; no deserializer is emitted.
 */
export function isJsonBodyOutput(output: StructureShape): boolean {
  return output.members.length > 0 && !output.members.some(isResponseBound);
}

const isResponseBound = (m: Member) => isHeaderBound(m) || m.http.responseCode || m.http.payload;

/** Emits `deserializers.ts`. */
export function emitDeserializers(service: Service): string {
  const file = new SourceFile();
  const w = file.writer;
  const http = MODULES.runtime("http");
  for (const op of service.operations) {
    const output = op.output ? service.shapes.get(op.output) as StructureShape : undefined;
    // Outputs without members, or read from the JSON body by their schema, need no code.
    if (!output?.members.length || isJsonBodyOutput(output)) continue;
    const names = operationNames(op.name);
    const response = file.useType(http, "HttpResponse");
    const type = typeReference(file, service, op.output);
    file.doc(`Reads the output of ${op.name} from a successful response.`);
    w.write(`export function ${names.deserialize}(response: ${response}): ${type}`).block(() => {
      const members = output.members;
      const payload = members.find((m) => m.http.payload);
      const fromJson = file.use(SCHEMA_MODULES.json, "fromJson");
      const parse = () => file.use(http, "parseJsonBody");
      if (payload) {
        w.writeLine("const output: Record<string, unknown> = {};");
        w.writeLine(
          `${file.use(http, "assignDefined")}(output, "${payload.name}", ${
            payloadValue(file, service, payload)
          });`,
        );
      } else if (members.some((m) => !httpLocation(m))) {
        const schema = file.use(MODULES.schemas, schemaName(output));
        w.writeLine(
          `const output = ${fromJson}(${schema}, ${parse()}(response)) as Record<string, unknown>;`,
        );
      } else {
        w.writeLine("const output: Record<string, unknown> = {};");
      }
      writeBoundMembers(file, service, members, "output");
      // Assembled member by member, so the checker cannot follow: the schema guarantees it.
      w.writeLine(`return output as unknown as ${type};`);
    });
    w.blankLine();
  }
  for (const shape of ShapeIndex.of(service).errorShapes) {
    const reader = errorHeadersReader(shape);
    if (!reader) continue;
    const response = file.useType(http, "HttpResponse");
    file.doc(`Reads the members of ${shape.name} that travel in headers.`);
    w.write(`export function ${reader}(response: ${response}): Record<string, unknown>`).block(
      () => {
        w.writeLine("const members: Record<string, unknown> = {};");
        writeBoundMembers(file, service, shape.members, "members");
        w.writeLine("return members;");
      },
    );
    w.blankLine();
  }
  return file.toString();
}

/** Assigns header, prefix-header and status-code members onto `target`. */
function writeBoundMembers(file: SourceFile, service: Service, members: Member[], target: string) {
  const w = file.writer;
  const http = MODULES.runtime("http");
  const assign = (m: Member, value: string) =>
    w.writeLine(`${file.use(http, "assignDefined")}(${target}, "${m.name}", ${value});`);
  for (const m of members) {
    if (m.http.header !== undefined) {
      // A header that does not parse is an error naming the member.
      w.writeLine(
        `${file.use(http, "readMember")}(${target}, "${m.name}", () => ${
          headerValue(file, service, m)
        });`,
      );
    } else if (m.http.prefixHeaders !== undefined) {
      assign(
        m,
        `${file.use(http, "readPrefixHeaders")}(response, ${JSON.stringify(m.http.prefixHeaders)})`,
      );
    } else if (m.http.responseCode) assign(m, "response.status");
  }
}

/** The expression reading a `@httpPayload` member. */
function payloadValue(file: SourceFile, service: Service, member: Member): string {
  const http = MODULES.runtime("http");
  const shape = service.shapes.get(member.target)!;
  switch (shape.kind) {
    case "blob":
      return `${file.use(http, "bodyBytes")}(response)`;
    case "string":
    case "enum":
      return `${file.use(http, "bodyText")}(response)`;
    default: {
      const fromJson = file.use(SCHEMA_MODULES.json, "fromJson");
      const text = `${file.use(http, "bodyText")}(response)`;
      const schema = schemaReference(file, service, member.target);
      return `${fromJson}(${schema}, JSON.parse(${text} ?? "null"))`;
    }
  }
}

/** The expression reading a `@httpHeader` member, parsed to its type. */
function headerValue(file: SourceFile, service: Service, member: Member): string {
  const http = MODULES.runtime("http");
  const name = JSON.stringify(member.http.header!.toLowerCase());
  const target = service.shapes.get(member.target)!;
  const item = valueShape(service, member)!;
  let parse: string | undefined;
  let httpDates = false;
  switch (item.kind) {
    case "boolean":
      parse = file.use(http, "parseBooleanHeader");
      break;
    case "timestamp": {
      const format = timestampFormatOf(item, "header", member);
      httpDates = format === "http-date";
      const read = file.use(MODULES.runtime("serde"), TIMESTAMP_CODECS[format][1]);
      parse = read;
      break;
    }
    case "string":
      if (item.mediaType === "application/json") parse = file.use(http, "fromBase64Text");
      break;
    case "enum":
    case "document":
    case "blob":
      break;
    default: // byte … double, intEnum: checked as the JSON body's numbers are
      parse = `${file.use(http, "numberHeader")}(${schemaReference(file, service, item.id)})`;
  }
  if (target.kind === "list") {
    const args = ["response", name, parse ?? "undefined"];
    if (httpDates) args.push("true");
    return `${file.use(http, "readHeaderList")}(${args.join(", ")})`;
  }
  return `${file.use(http, "readHeader")}(${["response", name, parse].filter(Boolean).join(", ")})`;
}
