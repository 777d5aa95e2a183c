/**
 * backup-edge as `deno task bench` calls it: the public `startCopyJob`, with the client the
 * one-operation Worker builds. Bundled on its own, like a user's code.
 *
 * @module
 */

export { startCopyJob } from "../../mod.ts";
export { clientFor } from "../../testing/workers/start_copy_job_worker.ts";
