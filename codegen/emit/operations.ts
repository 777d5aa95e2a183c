/**
 * Emits `operations.ts`: one tree-shakable function per operation, named as the operation in
 * lowerCamelCase, plus the operation's description for the runtime.
 *
 * @module
 */

import type { Service, StructureShape } from "../ir.ts";
import { isRequiredForClient } from "../shape_index.ts";
import { isJsonBodyOutput } from "./deserializers.ts";
import { clientClassName, errorSpecName, MODULES, operationNames, schemaName } from "./names.ts";
import { pure, SCHEMA_MODULES, typeReference } from "./references.ts";
import { isSchemaRequest, schemaRequestFactory } from "./serializers.ts";
import { SourceFile } from "./source_file.ts";

/** Emits `operations.ts`. */
export function emitOperations(service: Service): string {
  const file = new SourceFile();
  const w = file.writer;
  const send = MODULES.runtime("send");
  const operationSpec = MODULES.runtime("operation_spec");
  const client = file.useType(MODULES.client, clientClassName(service));
  for (const op of service.operations) {
    const names = operationNames(op.name);
    const input = op.input ? service.shapes.get(op.input) as StructureShape : undefined;
    const output = op.output ? service.shapes.get(op.output) as StructureShape : undefined;
    const inputType = typeReference(file, service, op.input);
    const outputType = typeReference(file, service, op.output);
    const spec = file.useType(operationSpec, "OperationSpec");
    w.write(`const ${names.spec}: ${spec}<${inputType}, ${outputType}> =`).block(() => {
      w.writeLine(`name: "${op.name}",`);
      // Without input, an empty structure: a key passed is refused, not ignored.
      const inputSchema = input
        ? file.use(MODULES.schemas, schemaName(input))
        : file.use(SCHEMA_MODULES.structures, "NO_INPUT");
      w.writeLine(`input: ${inputSchema},`);
      if (isSchemaRequest(service, op)) {
        const args = [JSON.stringify(op.http.method), JSON.stringify(op.http.uri)];
        if (input) args.push(file.use(MODULES.schemas, schemaName(input)));
        const request = file.use(MODULES.runtime("http"), schemaRequestFactory(service, op));
        w.writeLine(`serialize: ${pure(`${request}(${args.join(", ")})`)},`);
      } else {
        w.writeLine(`serialize: ${file.use(MODULES.serializers, names.serialize)},`);
      }
      if (output && isJsonBodyOutput(output)) {
        w.writeLine(`output: ${file.use(MODULES.schemas, schemaName(output))},`);
      } else if (output?.members.length) {
        w.writeLine(`deserialize: ${file.use(MODULES.deserializers, names.deserialize)},`);
      }
      // Safe to send again after a lost answer: the model says so, the method is safe
      // (GET and HEAD, RFC 9110 §9.2.1; the model does not mark every List… @readonly), or a
      // token makes it so.
      const retrySafe = op.readonly || op.idempotent || ["GET", "HEAD"].includes(op.http.method) ||
        !!input?.members.some((m) => m.idempotencyToken);
      w.writeLine(`retrySafe: ${retrySafe},`);
      // One description per modeled error (error_specs.ts), shared by every operation naming it.
      const errors = [...op.errors, ...service.errors]
        .map((id) => file.use(MODULES.errorSpecs, errorSpecName(service.shapes.get(id)!)));
      w.writeLine(`errors: [${errors.join(", ")}],`);
      if (op.requestCompression?.includes("gzip")) {
        w.writeLine(`compress: ${file.use(MODULES.runtime("compress"), "gzipBody")},`);
      }
      if (op.httpChecksumRequired) {
        w.writeLine(`checksum: ${file.use(MODULES.runtime("md5"), "contentMd5")},`);
      }
    });
    w.write(";").newLine().blankLine();

    const errors = [...op.errors, ...service.errors].map((id) => service.shapes.get(id)!.name);
    const extra = [
      `\`${op.http.method} ${op.http.uri}\`${op.idempotent ? " (idempotent)" : ""}.`,
      errors.length ? `Modeled errors: ${errors.map((e) => `\`${e}\``).join(", ")}.` : "",
      "@param client the configured client",
      "@param input the operation's input; checked against the model before anything is sent",
      "@param options `signal` aborts the call, including sleeps between retries",
      "@returns the output, with `$metadata` about the HTTP exchange",
    ].filter(Boolean);
    file.doc(op.doc, op.deprecated ? [...extra, "@deprecated"] : extra);
    const required = input?.members.some(isRequiredForClient);
    const inputParam = required ? `input: ${inputType}` : `input: ${inputType} = {}`;
    const callOptions = file.useType(MODULES.runtime("call_options"), "CallOptions");
    const withMetadata = file.useType(send, "WithMetadata");
    w.write(
      `export function ${names.fn}(client: ${client}, ${inputParam}, options?: ${callOptions}): `,
    )
      .write(`Promise<${withMetadata}<${outputType}>>`).block(() => {
        w.writeLine(`return ${file.use(send, "send")}(client, ${names.spec}, input, options);`);
      });
    w.blankLine();
  }
  return file.toString();
}
