/**
 * The stricter Region check for a Region a person typed (a flag, an environment variable, a
 * Worker's var): one that an AWS partition of this release lists.
 *
 * @module
 */

import { PARTITIONS } from "../generated/partitions.ts";
import { closestKey } from "./unknown_keys.ts";

/** Every Region an AWS partition lists, read on first use (nothing runs at import). */
let listedRegions: readonly string[] | undefined;

/**
 * What is wrong with a Region a person typed, if anything: it must be one an AWS partition of
 * this release lists (the partitions table of the endpoint rules, `generated/partitions.ts`).
 *
 * `BackupClient` is looser, on purpose: with a custom endpoint it takes any host label
 * (LocalStack takes any name), and without one any name matching a partition's pattern, so
 * that a program reaches Regions newer than this release. Typed by a person, such a name
 * (`us-est-1`) is a typo far more often than a new Region, and the client would sign for a
 * Region nothing answers in: the call fails later as a DNS error or an
 * `InvalidSignatureException`. Check configuration with this before making the client; a
 * program that must reach a newer Region skips it (or a newer release lists it).
 *
 * The message names no value (configuration is reported by name), only the closest listed
 * Region when one is close enough to be a slip.
 *
 * @param region the Region's name, e.g. `us-east-1`.
 * @returns `undefined` for a listed Region, else the issue as a sentence to follow the setting's
 *   name: `must be an AWS Region this release lists; did you mean "us-east-1"?`.
 *
 * @example A typo in AWS_REGION, named before anything is sent
 * ```ts
 * import { unlistedRegionIssue } from "@backup-edge/backup-edge";
 *
 * const issue = unlistedRegionIssue("us-est-1");
 * if (issue) console.error(`NotConfigured: fix AWS_REGION ${issue}`);
 * // NotConfigured: fix AWS_REGION must be an AWS Region this release lists; did you mean "us-east-1"?
 * ```
 */
export function unlistedRegionIssue(region: string): string | undefined {
  const listed = listedRegions ??= PARTITIONS.flatMap((p) => p[7].split(" "));
  if (listed.includes(region)) return undefined;
  const close = closestKey(String(region), listed);
  return `must be an AWS Region this release lists${
    close ? `; did you mean "${close}"?` : ", such as us-east-1"
  }`;
}
