/**
 * Child process of the Deno Deploy example test: one invocation of the example's cron handler,
 * `copyTonight`, on the Deno KV file `KV_PATH` for the night of `NOW` (ISO 8601); prints the
 * report as JSON. Importing the example registers its cron (run with `--unstable-cron`), which
 * keeps a process alive: it exits when done.
 *
 * @module
 */

import { copyTonight } from "../../examples/deno-deploy/main.ts";

const [kvPath, now] = Deno.args;
const kv = await Deno.openKv(kvPath);
const report = await copyTonight(kv, new Date(now));
kv.close();
console.log(JSON.stringify(report));
Deno.exit(0);
