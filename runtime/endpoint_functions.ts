/**
 * The run-time half of endpoint resolution: the functions a compiled endpoint rule set
 * (`generated/endpoints.ts`) calls, from the Smithy rules engine standard library and the AWS
 * library. The simple ones (`booleanEquals`, `stringEquals`, `isSet`, `not`, `getAttr`,
 * `coalesce`, `ite`) are compiled inline and have no counterpart here.
 *
 * Every export stands alone and the module has no side effects, so a bundler keeps only the
 * functions a rule set uses. Fetch-only: no Node built-ins, no environment access.
 *
 * @module
 */

/** A resolved endpoint. */
export interface Endpoint {
  /** Where to send the request: scheme, host, optional port and base path. */
  url: string;
  /** Transport headers the rule set asks to add to the request. */
  headers?: Record<string, string[]>;
  /** Extra endpoint properties, e.g. `authSchemes` with signing overrides. */
  properties?: Record<string, unknown>;
}

/** What `aws.partition` returns for a region. */
export interface Partition {
  /** Partition name, e.g. `aws-cn`. */
  name: string;
  /** Default DNS suffix, e.g. `amazonaws.com`. */
  dnsSuffix: string;
  /** DNS suffix of dual-stack (IPv4 + IPv6) endpoints, e.g. `api.aws`. */
  dualStackDnsSuffix: string;
  /** Whether the partition has FIPS endpoints. */
  supportsFIPS: boolean;
  /** Whether the partition has dual-stack endpoints. */
  supportsDualStack: boolean;
  /** Region that global endpoints of the partition live in. */
  implicitGlobalRegion: string;
}

/**
 * One partition in the compact form `generated/partitions.ts` uses: its outputs, the pattern of
 * its region names, the regions it lists (space-separated), and the regions that need an
 * explicit entry (with any per-region overrides).
 */
export type PartitionData = readonly [
  name: string,
  dnsSuffix: string,
  dualStackDnsSuffix: string,
  supportsFIPS: boolean,
  supportsDualStack: boolean,
  implicitGlobalRegion: string,
  regionRegex: RegExp,
  listedRegions: string,
  regions?: Readonly<Record<string, Partial<Partition>>>,
];

/**
 * `aws.partition`: the partition of a region. An exact region entry wins, then the first
 * partition whose region pattern matches, then the `aws` partition.
 */
export function partition(data: readonly PartitionData[], region: string): Partition {
  for (const p of data) {
    if (p[8] && Object.hasOwn(p[8], region)) return partitionOf(p, p[8][region]);
  }
  return partitionOf(
    data.find((p) => p[6].test(region)) ?? data.find((p) => p[0] === "aws") ?? data[0],
  );
}

/** The `aws.partition` result for a partition entry, with any per-region overrides. */
function partitionOf(p: PartitionData, overrides?: Partial<Partition>): Partition {
  return {
    name: p[0],
    dnsSuffix: p[1],
    dualStackDnsSuffix: p[2],
    supportsFIPS: p[3],
    supportsDualStack: p[4],
    implicitGlobalRegion: p[5],
    ...overrides,
  };
}

/** What `parseURL` returns. */
export interface Url {
  /** `http` or `https`. */
  scheme: string;
  /** Host and port as written (no user info). */
  authority: string;
  /** The path as written; empty when the URL has none. */
  path: string;
  /** The path, always starting and ending with `/`. */
  normalizedPath: string;
  /** Whether the host is an IPv4 or IPv6 address. */
  isIp: boolean;
}

/** `parseURL`: splits an `http(s)` URL; `undefined` when it is not one or has a query. */
export function parseURL(value: string): Url | undefined {
  const m = /^(https?):\/\/(?:[^/?#@]*@)?(\[[\da-f:.]+\]|[^/?#:@[\]]+)(:\d+)?(\/[^?#]*)?$/i.exec(
    value,
  );
  if (!m) return;
  const host = m[2];
  const path = m[4] ?? "";
  return {
    scheme: m[1].toLowerCase(),
    authority: host + (m[3] ?? ""),
    path,
    normalizedPath: path.endsWith("/") ? path : path + "/",
    isIp: host[0] === "[" ||
      /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(?!$)|$)){4}$/.test(host),
  };
}

/**
 * `isValidHostLabel`: whether a value is an RFC 1123 host label (letters, digits and inner
 * hyphens, 1–63 characters), or with `allowSubDomains` dot-separated such labels.
 */
export function isValidHostLabel(value: string, allowSubDomains: boolean): boolean {
  return (allowSubDomains ? value.split(".") : [value]).every((label) =>
    /^[a-z\d]([a-z\d-]{0,61}[a-z\d])?$/i.test(label)
  );
}

/**
 * `substring`: characters `start` (inclusive) to `stop` (exclusive), counted from the end when
 * `reverse`; `undefined` when the value is too short or not ASCII.
 */
export function substring(
  value: string,
  start: number,
  stop: number,
  reverse: boolean,
): string | undefined {
  const n = value.length;
  if (start >= stop || n < stop || /[\u0080-\uffff]/.test(value)) return;
  return reverse ? value.slice(n - stop, n - start) : value.slice(start, stop);
}

/** `uriEncode`: RFC 3986 percent-encoding of everything but `A-Z a-z 0-9 - _ . ~`. */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase(),
  );
}

/**
 * `split`: the parts of a value between occurrences of a delimiter; with `limit` > 0 at most
 * `limit` parts, the last holding the rest.
 */
export function split(value: string, delimiter: string, limit: number): string[] {
  const parts = value.split(delimiter);
  return limit > 0 && parts.length > limit
    ? [...parts.slice(0, limit - 1), parts.slice(limit - 1).join(delimiter)]
    : parts;
}

/** What `aws.parseArn` returns. */
export interface Arn {
  /** Partition, e.g. `aws`. */
  partition: string;
  /** Service namespace, e.g. `s3`. */
  service: string;
  /** Region; empty for global resources. */
  region: string;
  /** Account id; empty for resources without one. */
  accountId: string;
  /** The resource part split on `:` and `/`. */
  resourceId: string[];
}

/** `aws.parseArn`: splits an ARN; `undefined` when it is not one. */
export function parseArn(value: string): Arn | undefined {
  const [arn, partition, service, region, accountId, ...rest] = value.split(":");
  const resource = rest.join(":");
  if (arn !== "arn" || !partition || !service || !resource) return;
  return { partition, service, region, accountId, resourceId: resource.split(/[:/]/) };
}

/**
 * `aws.isVirtualHostableS3Bucket`: whether a bucket name can be used as a host name label (or,
 * with `allowSubDomains`, dotted labels): 3–63 characters, lower case, not an IP address.
 */
export function isVirtualHostableS3Bucket(value: string, allowSubDomains: boolean): boolean {
  return value.length > 2 && value.length < 64 && value === value.toLowerCase() &&
    !/^(\d+\.){3}\d+$/.test(value) && isValidHostLabel(value, allowSubDomains);
}
