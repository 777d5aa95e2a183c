// The waiter's abort path: an onProgress that aborts ends the wait at once.

import assert from "node:assert/strict";
import { BackupClient } from "../generated/client.ts";
import { waitForCopyJob } from "./wait_for_copy_job.ts";

Deno.test("waitForCopyJob: an abort from onProgress ends the wait before any sleep", async () => {
  const fetch = () =>
    Promise.resolve(
      new Response(JSON.stringify({ CopyJob: { CopyJobId: "j", State: "RUNNING" } }), {
        status: 200,
      }),
    );
  const client = new BackupClient({
    region: "us-east-1",
    credentials: { accessKeyId: "AKID", secretAccessKey: "s" },
    fetch,
  });
  const controller = new AbortController();
  let timer!: Promise<string>;
  const waiting = waitForCopyJob(client, { CopyJobId: "j" }, {
    signal: controller.signal,
    minDelayMs: 60_000,
    onProgress: () => {
      controller.abort(new Error("enough"));
      // A macrotask started now runs after every microtask: the wait must have ended first.
      timer = new Promise((resolve) => setTimeout(() => resolve("timer"), 0));
    },
  }).then(() => "resolved", (e: Error) => e.message);
  while (!timer) await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(await Promise.race([waiting, timer]), "enough");
});
