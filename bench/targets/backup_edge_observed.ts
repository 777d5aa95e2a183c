/**
 * backup-edge with a no-op `observe`: the client of `backup_edge.ts` (the one-operation
 * Worker's), observed by a function that does nothing. Every attempt and call then makes its
 * event, reads the clock and calls the observer: `deno task bench` sets this against the same
 * client without it, the cost of observing when used.
 *
 * @module
 */

import { BackupClient } from "../../mod.ts";
import { clientConfig, type Env } from "../../testing/workers/start_copy_job_worker.ts";

export { startCopyJob } from "../../mod.ts";

/** `start_copy_job_worker.ts`'s client, with `observe: () => {}`. */
export function clientFor(env: Env): BackupClient {
  return new BackupClient({ ...clientConfig(env), observe: () => {} });
}
