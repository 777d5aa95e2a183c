/**
 * How model names become TypeScript names, in one place so every emitter agrees.
 *
 * @module
 */

import type { Service, Shape, StructureShape } from "../ir.ts";
import { isHeaderBound } from "../shape_index.ts";

/** `StartCopyJob` → `startCopyJob`; `GetBackupVaultARN` keeps its acronym: `getBackupVaultARN`. */
export function operationFunctionName(operation: string): string {
  return operation[0].toLowerCase() + operation.slice(1);
}

/** `Rest Json Protocol` → `RestJsonProtocol`. */
export function pascalCase(text: string): string {
  return text.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1))
    .join("");
}

/** The client class, e.g. `BackupClient`. */
export function clientClassName(service: Service): string {
  return `${pascalCase(service.sdkId)}Client`;
}

/** The base class of the service's errors, e.g. `BackupServiceException`. */
export function serviceExceptionName(service: Service): string {
  return `${pascalCase(service.sdkId)}ServiceException`;
}

/** The schema constant of a shape, e.g. `LifecycleSchema`. */
export function schemaName(shape: Shape): string {
  return `${shape.name}Schema`;
}

/** A member name as an object key: quoted when it is not an identifier. */
export function propertyName(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name);
}

/** The function reading an error's header-bound members; undefined when it has none. */
export function errorHeadersReader(shape: StructureShape): string | undefined {
  return shape.members.some(isHeaderBound) ? `read${shape.name}Headers` : undefined;
}

/** The constant describing a modeled error to the runtime, e.g. `ConflictExceptionErrorSpec`. */
export function errorSpecName(shape: Shape): string {
  return `${shape.name}ErrorSpec`;
}

/** Per-operation generated names. */
export function operationNames(operation: string) {
  return {
    fn: operationFunctionName(operation),
    spec: `${operation}Operation`,
    validate: `validate${operation}Input`,
    serialize: `serialize${operation}Request`,
    deserialize: `deserialize${operation}Response`,
  };
}

/** Relative module paths from one generated file to another and to the runtime. */
export const MODULES = {
  types: "./types.ts",
  schemas: "./schemas.ts",
  validators: "./validators.ts",
  serializers: "./serializers.ts",
  deserializers: "./deserializers.ts",
  errors: "./errors.ts",
  errorSpecs: "./error_specs.ts",
  client: "./client.ts",
  operations: "./operations.ts",
  endpoints: "./endpoints.ts",
  partitions: "./partitions.ts",
  runtime: (file: string) => `../runtime/${file}.ts`,
};
