/**
 * The rules engine's standard library as the compiler sees it: the static types of values, the
 * attributes `getAttr` reads, and the functions `runtime/endpoint_functions.ts` implements.
 *
 * @module
 */

/** Static type of a compiled expression. */
export type ValueType =
  | "string"
  | "boolean"
  | "number"
  | "stringArray"
  | "Partition"
  | "Url"
  | "Arn"
  | "array";

/** Attributes `getAttr` can read from the structured values. */
export const ATTRIBUTES: Partial<Record<ValueType, Record<string, ValueType>>> = {
  Partition: {
    name: "string",
    dnsSuffix: "string",
    dualStackDnsSuffix: "string",
    supportsFIPS: "boolean",
    supportsDualStack: "boolean",
    implicitGlobalRegion: "string",
  },
  Url: {
    scheme: "string",
    authority: "string",
    path: "string",
    normalizedPath: "string",
    isIp: "boolean",
  },
  Arn: {
    partition: "string",
    service: "string",
    region: "string",
    accountId: "string",
    resourceId: "stringArray",
  },
};

/** Library functions implemented in `runtime/endpoint_functions.ts`. */
export const RUNTIME_FUNCTIONS: Record<
  string,
  { name: string; params: ValueType[]; shape: ValueType; optional: boolean }
> = {
  isValidHostLabel: {
    name: "isValidHostLabel",
    params: ["string", "boolean"],
    shape: "boolean",
    optional: false,
  },
  parseURL: { name: "parseURL", params: ["string"], shape: "Url", optional: true },
  substring: {
    name: "substring",
    params: ["string", "number", "number", "boolean"],
    shape: "string",
    optional: true,
  },
  uriEncode: { name: "uriEncode", params: ["string"], shape: "string", optional: false },
  split: {
    name: "split",
    params: ["string", "string", "number"],
    shape: "stringArray",
    optional: false,
  },
  "aws.partition": { name: "partition", params: ["string"], shape: "Partition", optional: false },
  "aws.parseArn": { name: "parseArn", params: ["string"], shape: "Arn", optional: true },
  "aws.isVirtualHostableS3Bucket": {
    name: "isVirtualHostableS3Bucket",
    params: ["string", "boolean"],
    shape: "boolean",
    optional: false,
  },
};
