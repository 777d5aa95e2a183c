/**
 * Writes the AWS partition table as a compact constant (`generated/partitions.ts`), the data
 * `aws.partition` reads.
 *
 * @module
 */

import { SourceFile } from "../emit/source_file.ts";
import { isRecord } from "./rule_set.ts";

/** Output fields `aws.partition` returns, in the order of the `PartitionData` tuple. */
const PARTITION_FIELDS = [
  "name",
  "dnsSuffix",
  "dualStackDnsSuffix",
  "supportsFIPS",
  "supportsDualStack",
  "implicitGlobalRegion",
] as const;

interface RawPartition {
  id: string;
  outputs: Record<(typeof PARTITION_FIELDS)[number], string | boolean>;
  regex: RegExp;
  regionRegex: string;
  regions: [string, Record<string, unknown>][];
}

/**
 * The text of `generated/partitions.ts` (unformatted).
 *
 * @param input a partitions document (`{ partitions: [...], version }`), or one with the package
 *   it came from (`{ data, source }`)
 * @param runtime base the generated code imports the runtime from, ending in `/`
 */
export function emitPartitions(input: unknown, runtime: string): string {
  const source = isRecord(input) && "data" in input && typeof input.source === "string"
    ? input.source
    : undefined;
  const data = source !== undefined && isRecord(input) ? input.data : input;
  if (!isRecord(data) || !Array.isArray(data.partitions)) {
    throw new Error("Partition data has no partitions array");
  }
  const partitions: RawPartition[] = data.partitions.map((p, i) => {
    if (!isRecord(p) || !isRecord(p.outputs) || typeof p.regionRegex !== "string") {
      throw new Error(`Partition ${i} is malformed`);
    }
    const outputs = p.outputs;
    for (const field of PARTITION_FIELDS) {
      const flag = field.startsWith("supports");
      if (flag ? typeof outputs[field] !== "boolean" : typeof outputs[field] !== "string") {
        throw new Error(`Partition ${p.id ?? i} has no ${flag ? "boolean" : "string"} ${field}`);
      }
    }
    return {
      id: String(p.id ?? outputs.name),
      outputs: outputs as RawPartition["outputs"],
      regex: new RegExp(p.regionRegex),
      regionRegex: p.regionRegex,
      regions: Object.entries(isRecord(p.regions) ? p.regions : {}).map((
        [r, v],
      ) => [r, isRecord(v) ? v : {}]),
    };
  });
  const fallback = partitions.find((p) => p.id === "aws") ?? partitions[0];

  // An explicit region entry is only kept when the region pattern lookup would give another
  // partition, or when it overrides outputs: the lookup result is the same for every input.
  const seen = new Set<string>();
  // Every region each partition lists (the first time it is listed): what a client checks a
  // Region against, with the pattern, and suggests from.
  const listed = partitions.map(() => [] as string[]);
  const explicit = partitions.map((p, i) => {
    const kept: [string, Record<string, string | boolean>][] = [];
    for (const [region, values] of p.regions) {
      if (seen.has(region)) continue; // a later entry for the same region is never reached
      seen.add(region);
      listed[i].push(region);
      const overrides: Record<string, string | boolean> = {};
      for (const field of PARTITION_FIELDS) {
        const v = values[field];
        if ((typeof v === "string" || typeof v === "boolean") && v !== p.outputs[field]) {
          overrides[field] = v;
        }
      }
      const byPattern = partitions.find((q) => q.regex.test(region)) ?? fallback;
      if (byPattern !== p || Object.keys(overrides).length) kept.push([region, overrides]);
    }
    return kept;
  });

  const rows = partitions.map((p, i) => {
    const items = PARTITION_FIELDS.map((f) => JSON.stringify(p.outputs[f]));
    items.push(`/${p.regionRegex.replace(/\\?\//g, "\\/")}/`);
    // One string, not an array: the fewest bytes in a bundle (split when a Region is refused).
    items.push(JSON.stringify(listed[i].join(" ")));
    if (explicit[i].length) {
      const entries = explicit[i].map(([r, o]) =>
        `${JSON.stringify(r)}: {${
          Object.entries(o).map(([k, v]) => ` ${k}: ${JSON.stringify(v)}`).join(",")
        }${Object.keys(o).length ? " " : ""}}`
      );
      items.push(`{ ${entries.join(", ")} }`);
    }
    return `  [${items.join(", ")}],`;
  });
  const version = typeof data.version === "string" ? ` (partitions version ${data.version})` : "";
  const file = new SourceFile();
  file.moduleDoc([
    `AWS partitions for \`aws.partition\`, from ${source ?? "the AWS partitions table"}${version}.`,
    "",
    "Regions are matched by pattern; only regions the patterns would place in another partition",
    "(such as `aws-cn-global`) get an entry of their own, which gives the same answer for every",
    "region. Each partition's listed regions are kept as names: a client refuses a Region that",
    "no partition lists or matches, and suggests the closest listed one.",
  ].join("\n"));
  const partitionData = file.useType(`${runtime}endpoint_functions.ts`, "PartitionData");
  file.doc([
    "The partitions in lookup order. Each entry: name, DNS suffix, dual-stack DNS suffix, FIPS",
    "support, dual-stack support, implicit global region, region pattern, listed regions",
    "(space-separated), explicit region entries.",
  ].join("\n"));
  file.writer.writeLine(`export const PARTITIONS: readonly ${partitionData}[] = [`);
  for (const row of rows) file.writer.writeLine(row);
  file.writer.writeLine("];");
  return file.toString();
}
