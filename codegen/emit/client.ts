/**
 * Emits `client.ts`: the service's client class, which ties the runtime client to the
 * service's signing name, endpoint rules, base exception and errors.
 *
 * @module
 */

import type { Service } from "../ir.ts";
import { endpointRuleSet } from "../endpoints/rule_set.ts";
import { clientClassName, MODULES, serviceExceptionName } from "./names.ts";
import { SERVICE_ERRORS } from "./error_specs.ts";
import { SourceFile } from "./source_file.ts";

/** Client configuration fields that feed AWS endpoint built-ins. */
const BUILT_INS: Record<string, string> = {
  "AWS::Region": "config.region",
  "AWS::UseFIPS": "config.useFipsEndpoint",
  "AWS::UseDualStack": "config.useDualstackEndpoint",
  "SDK::Endpoint": "config.endpoint",
};

/** Emits `client.ts`. */
export function emitClient(service: Service): string {
  const file = new SourceFile();
  const w = file.writer;
  const name = clientClassName(service);
  // The parameters of the rule set endpoints.ts compiles (the fallback one for old models).
  const { parameters } = endpointRuleSet(service.endpointRuleSet, service.endpointPrefix);
  const params = parameters
    .filter((p) => p.builtIn && BUILT_INS[p.builtIn])
    .map((p) => `${p.name}: ${BUILT_INS[p.builtIn!]}`);
  const runtimeClient = MODULES.runtime("client");
  file.doc(service.doc, [
    `Client for ${service.sdkId} (API version ${service.version}). Pass it to the operation ` +
    "functions; it holds configuration and credentials, nothing per call.",
  ]);
  w.write(`export class ${name} extends ${file.use(runtimeClient, "Client")}`).block(() => {
    file.doc("Checks the configuration and resolves the endpoint from the model's rules, once.", [
      "@param config Region, credentials and optional endpoint, fetch, retry settings.",
      "@throws {ValidationError} when a configuration field is invalid.",
      "@throws {EndpointError} when the endpoint rules reject the configuration.",
    ]);
    w.write(`constructor(config: ${file.useType(runtimeClient, "ClientConfig")})`).block(() => {
      w.write("super(config,").block(() => {
        w.writeLine(`signingName: "${service.signingName}",`);
        const resolve = file.use(MODULES.endpoints, "resolveEndpoint");
        w.writeLine(`resolveEndpoint: (config) => ${resolve}({ ${params.join(", ")} }),`);
        // What a Region is checked against when the endpoint comes from the rules.
        w.writeLine(`partitions: ${file.use(MODULES.partitions, "PARTITIONS")},`);
        w.writeLine(`exception: ${file.use(MODULES.errors, serviceExceptionName(service))},`);
        // Every error of the service, so an error an operation does not list keeps its class.
        w.writeLine(`errors: ${file.use(MODULES.errorSpecs, SERVICE_ERRORS)},`);
      });
      w.write(");");
    });
  });
  return file.toString();
}
