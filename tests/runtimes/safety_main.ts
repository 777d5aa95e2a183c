/**
 * Node and Bun entry: `node safety.mjs <endpoint>…` calls each (redirecting) endpoint and prints
 * the outcomes as one JSON line. No Node APIs are imported.
 *
 * @module
 */

import { probeRedirects } from "./safety_probe.ts";

const proc = (globalThis as unknown as { process: { argv: string[] } }).process;
console.log(JSON.stringify(await probeRedirects(proc.argv.slice(2))));
