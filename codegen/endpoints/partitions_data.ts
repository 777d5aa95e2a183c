/**
 * Finds the AWS partition table of the installed `@aws-sdk/util-endpoints` package.
 *
 * @module
 */

import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

/** Partition data and the package it came from. */
export interface PartitionsSource {
  /** The partitions document (`{ partitions: [...], version }`). */
  data: unknown;
  /** Where it came from, e.g. `@aws-sdk/util-endpoints@3.996.55 (@aws-sdk/core@3.981.1)`. */
  source: string;
}

/** Where `@aws-sdk/core` keeps the table, as an ES module around one object literal. */
const TABLE = "dist-es/submodules/client/util-endpoints/lib/aws/partitions.js";

/**
 * Reads the partition table shipped with `@aws-sdk/util-endpoints` from `node_modules`,
 * installing the package on first use. The package keeps the table in its `@aws-sdk/core`
 * dependency, which is read where the package manager links it, beside the package: never a
 * hoisted copy of another version, so the generated `partitions.ts` cannot change with what else
 * is installed.
 *
 * @throws {Error} when `@aws-sdk/core` or its table is not where the pinned version keeps it
 *   (for example while another `deno` process is still installing `node_modules`)
 */
export async function loadPartitionsData(): Promise<PartitionsSource> {
  // Importing makes Deno install the package into node_modules (nodeModulesDir "auto").
  await import("@aws-sdk/util-endpoints");
  const entry = import.meta.resolve("@aws-sdk/util-endpoints");
  if (!entry.startsWith("file:")) {
    throw new Error(
      `@aws-sdk/util-endpoints resolved to ${entry}, expected a file in node_modules`,
    );
  }
  const ownPackage = pathToFileURL(
    createRequire(entry).resolve("@aws-sdk/util-endpoints/package.json"),
  );
  const own = await readJson<{ version: string }>(ownPackage);
  const coreDir = new URL("../core/", ownPackage);
  let core: { version: string };
  let text: string;
  try {
    core = await readJson(new URL("package.json", coreDir));
    text = await Deno.readTextFile(new URL(TABLE, coreDir));
  } catch (cause) {
    throw new Error(
      `@aws-sdk/util-endpoints@${own.version} keeps its partition table in @aws-sdk/core, ` +
        `which is not installed beside it with ${TABLE} (${coreDir.pathname}). ` +
        "Let any running `deno install` finish, then run again.",
      { cause },
    );
  }
  const data = JSON.parse(text.slice(text.indexOf("{"), text.lastIndexOf("}") + 1));
  return { data, source: `@aws-sdk/util-endpoints@${own.version} (@aws-sdk/core@${core.version})` };
}

async function readJson<T>(url: URL): Promise<T> {
  return JSON.parse(await Deno.readTextFile(url)) as T;
}
