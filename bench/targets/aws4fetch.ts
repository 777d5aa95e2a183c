/**
 * The reference as `deno task bench` calls it: StartCopyJob by hand on aws4fetch, exactly as
 * testing/workers/aws4fetch_worker.ts does it.
 *
 * @module
 */

export { clientFor, startCopyJob } from "../../testing/workers/aws4fetch_worker.ts";
