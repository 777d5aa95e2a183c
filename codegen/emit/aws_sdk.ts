/**
 * Emits `aws_sdk.ts`: the AWS SDK for JavaScript v3 face of the client — a client class with
 * `send(command, { abortSignal })`, one `<Operation>Command` class per operation and one
 * `paginate<Operation>({ client }, input)` per `@paginated` operation, each over the operation
 * functions of `operations.ts`.
 *
 * @module
 */

import type { Service, StructureShape } from "../ir.ts";
import { isRequiredForClient } from "../shape_index.ts";
import { clientClassName, MODULES, operationFunctionName } from "./names.ts";
import { typeReference } from "./references.ts";
import { SourceFile } from "./source_file.ts";

/** Emits `aws_sdk.ts`. */
export function emitAwsSdk(service: Service): string {
  const file = new SourceFile();
  const w = file.writer;
  const name = clientClassName(service);
  const runtime = MODULES.runtime("aws_sdk");
  const base = file.use(MODULES.client, `${name} as ${name}Base`).split(" as ")[1];
  const withMetadata = file.useType(MODULES.runtime("send"), "WithMetadata");
  const command = file.use(runtime, "SdkCommand");

  file.doc(`${name} as the AWS SDK for JavaScript v3 has it: \`send(command, options)\`.`, [
    `Configuration takes the SDK's names where they mean the same (see \`SdkClientConfig\`); ` +
    "an SDK option with no equivalent is a `ValidationError` naming it.",
  ]);
  w.write(`export class ${name} extends ${base}`).block(() => {
    file.doc("The SDK's `client.config`, as far as it maps: `await client.config.region()`.");
    w.writeLine(`readonly config: ${file.useType(runtime, "SdkResolvedConfig")};`);
    w.blankLine();
    file.doc("Maps the SDK's configuration, checks it and resolves the endpoint, once.", [
      "@throws {ValidationError} an unknown or unsupported option, naming it.",
      "@throws {EndpointError} when the endpoint rules reject the configuration.",
    ]);
    w.write(`constructor(config: ${file.useType(runtime, "SdkClientConfig")})`).block(() => {
      w.writeLine(`super(${file.use(runtime, "fromSdkConfig")}(config));`);
      w.writeLine(`this.config = ${file.use(runtime, "sdkResolvedConfig")}(this, config);`);
    });
    w.blankLine();
    file.doc(
      "Not supported: every method throws a `ValidationError` naming `middlewareStack`.",
    );
    w.write(`get middlewareStack(): ${file.useType(runtime, "SdkMiddlewareStack")}`).block(() =>
      w.writeLine(`return ${file.use(runtime, "middlewareStack")}();`)
    );
    w.blankLine();
    file.doc("Sends a command: its operation, with `abortSignal` and `requestTimeout`.");
    w.write(`send<I, O>(command: ${command}<${name}, I, O>, options?: `)
      .write(`${file.useType(runtime, "SdkSendOptions")}): Promise<${withMetadata}<O>>`)
      .block(() =>
        w.writeLine(`return ${file.use(runtime, "sendCommand")}(this, command, options);`)
      );
    w.blankLine();
    file.doc("Nothing to release: the client holds no sockets or timers (the SDK's API).");
    w.writeLine("destroy(): void {}");
  });
  w.blankLine();

  for (const op of service.operations) {
    const input = typeReference(file, service, op.input);
    const output = typeReference(file, service, op.output);
    const required = op.input &&
      (service.shapes.get(op.input) as StructureShape).members.some(isRequiredForClient);
    file.doc(`Input of {@linkcode ${op.name}Command}.`);
    w.writeLine(`export type ${op.name}CommandInput = ${input};`);
    file.doc(`Output of {@linkcode ${op.name}Command}, with \`$metadata\`.`);
    w.writeLine(`export type ${op.name}CommandOutput = ${withMetadata}<${output}>;`);
    file.doc(`${op.name} as a command: \`client.send(new ${op.name}Command(input))\`.`);
    w.write(`export class ${op.name}Command extends ${command}<${name}, `)
      .write(`${op.name}CommandInput, ${output}>`).block(() => {
        file.doc(`Holds the input of a ${op.name} call, made by \`client.send(command)\`.`, [
          `@param input the ${op.name} input; checked against the model when sent`,
        ]);
        w.write(`constructor(input: ${op.name}CommandInput${required ? "" : " = {}"})`)
          .block(() => {
            w.writeLine(
              `super(input, ${file.use(MODULES.operations, operationFunctionName(op.name))});`,
            );
          });
      });
    w.blankLine();
  }

  for (const op of service.operations) {
    const p = op.paginated;
    // The SDK's paginators set top-level members only; nested token paths get none here.
    if (!p || [p.inputToken, p.outputToken, p.pageSize ?? ""].some((path) => path.includes("."))) {
      continue;
    }
    const config = file.useType(runtime, "SdkPaginationConfiguration");
    const output = typeReference(file, service, op.output);
    file.doc(`Pages of ${op.name} as the SDK's \`paginate${op.name}\` yields them.`, [
      `\`pageSize\` is sent as \`${p.pageSize ?? "(no page-size member)"}\`; the input is not ` +
      "modified.",
    ]);
    w.write(`export function paginate${op.name}(config: ${config}<${name}>, `)
      .write(`input: ${op.name}CommandInput = {} as ${op.name}CommandInput): `)
      .write(`AsyncGenerator<${withMetadata}<${output}>, undefined, unknown>`).block(() => {
        const tokens = [`input: "${p.inputToken}"`, `output: "${p.outputToken}"`];
        if (p.pageSize) tokens.push(`pageSize: "${p.pageSize}"`);
        w.writeLine(
          `return ${file.use(runtime, "sdkPaginate")}(config, input, ${op.name}Command, { ${
            tokens.join(", ")
          } });`,
        );
      });
    w.blankLine();
  }
  return file.toString();
}
