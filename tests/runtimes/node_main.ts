/**
 * Node and Bun entry: `node smoke.mjs <emulator URL>` prints the smoke result as one JSON line.
 * No Node APIs are imported; the arguments are read from the `process` global at run time.
 *
 * @module
 */

import { runSmoke } from "./smoke.ts";

const proc = (globalThis as unknown as { process: { argv: string[]; exitCode?: number } })
  .process;
const endpoint = proc.argv[2];
if (!endpoint) {
  console.error("usage: node smoke.mjs <endpoint>");
  proc.exitCode = 2;
} else {
  try {
    console.log(JSON.stringify(await runSmoke(endpoint)));
  } catch (error) {
    console.error(error);
    proc.exitCode = 1;
  }
}
