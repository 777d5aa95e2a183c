// The waiter's abort path (an onProgress that aborts ends the wait at once), its deadline (a
// poll that never answers ends at maxWaitMs) and its options.

import assert from "node:assert/strict";
import { BackupClient } from "../generated/client.ts";
import { ValidationError } from "../runtime/errors.ts";
import { WaiterTimeoutError, waitForCopyJob } from "./wait_for_copy_job.ts";

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

Deno.test("waitForCopyJob: maxWaitMs bounds the whole wait, also a poll that never answers", async () => {
  let polls = 0;
  // The first poll answers RUNNING; the second never answers (and ignores its signal).
  const fetch = () => {
    polls++;
    return polls === 1
      ? Promise.resolve(
        new Response(JSON.stringify({ CopyJob: { CopyJobId: "j", State: "RUNNING" } })),
      )
      : new Promise<Response>(() => {});
  };
  const client = new BackupClient({
    region: "us-east-1",
    credentials: { accessKeyId: "AKID", secretAccessKey: "s" },
    fetch,
  });
  const started = Date.now();
  const e = await waitForCopyJob(client, { CopyJobId: "j" }, {
    maxWaitMs: 300,
    minDelayMs: 50,
    maxDelayMs: 50,
  }).catch((e) => e);
  const elapsed = Date.now() - started;
  assert.ok(e instanceof WaiterTimeoutError, String(e));
  assert.equal(e.job?.State, "RUNNING", "the last job seen");
  assert.equal(polls, 2);
  assert.ok(elapsed < 1500, `ended ${elapsed} ms after a 300 ms maxWaitMs`);
  // And a sleep longer than what is left is cut short too.
  const sleepy = waitForCopyJob(client, { CopyJobId: "j" }, { maxWaitMs: 100, minDelayMs: 60_000 });
  polls = 0;
  const t0 = Date.now();
  await assert.rejects(sleepy, WaiterTimeoutError);
  assert.ok(Date.now() - t0 < 1500);
});

Deno.test("waitForCopyJob: unknown or out-of-range options are refused before any poll", async () => {
  let polls = 0;
  const client = new BackupClient({
    region: "us-east-1",
    credentials: { accessKeyId: "AKID", secretAccessKey: "s" },
    fetch: () => (polls++, Promise.reject(new Error("no"))),
  });
  for (
    const [options, path, message] of [
      [{ maxWait: 5 }, "maxWait", 'is unknown; did you mean "maxWaitMs"?'],
      [{ maxWaitMs: 0 }, "maxWaitMs"],
      [{ minDelayMs: -1 }, "minDelayMs"],
      [
        { minDelayMs: 0, maxDelayMs: 0 },
        "minDelayMs",
        "must be a number of milliseconds from 50 to 2147483647",
      ],
      [{ minDelayMs: "5000" }, "minDelayMs"],
      [
        { minDelayMs: 5000, maxDelayMs: 100 },
        "minDelayMs",
        "minDelayMs 5000 is more than maxDelayMs 100; minDelayMs must not exceed maxDelayMs",
      ],
      [
        { maxDelayMs: 1000 },
        "maxDelayMs",
        "minDelayMs 5000 (the default) is more than maxDelayMs 1000; minDelayMs must not exceed maxDelayMs",
      ],
      [{ onProgress: "log" }, "onProgress", "must be a function, not a string"],
      [{ signal: {} }, "signal"],
      [{ signal: true }, "signal"],
      [null, "options"],
      [
        { abortSignal: AbortSignal.abort() },
        "abortSignal",
        'is unknown: AWS SDK v3\'s abortSignal is "signal" here',
      ],
    ] as const
  ) {
    const e = await waitForCopyJob(client, { CopyJobId: "j" }, options as never).catch((e) => e);
    assert.ok(e instanceof ValidationError, String(e));
    assert.equal(e.issues[0].path, path);
    if (message) assert.equal(e.issues[0].message, message);
  }
  assert.equal(polls, 0);
});
