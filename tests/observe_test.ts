// The client's `observe` option over real HTTP against the emulator with injected faults: the
// events are exactly what happened (attempts, statuses, request ids, delays and why), none holds
// a credential, and an observer that throws or rejects changes nothing about the call.

import assert from "node:assert/strict";
import {
  BackupClient,
  buildSignedRequest,
  type CallObserverEvent,
  type ClientConfig,
  type RetryStrategy,
  startCopyJob,
  type StartCopyJobInput,
  ValidationError,
} from "../mod.ts";
import { BackupClient as SdkBackupClient, StartCopyJobCommand } from "../aws_sdk.ts";
import {
  DEFAULT_VAULT_NAME,
  DEMO_IAM_ROLE_ARN,
  DEMO_REGION,
  DEMO_SESSION_CREDENTIALS,
  DR_VAULT_WEST_ARN,
  type Emulator,
  RECOVERY_POINT_OK_ARN,
  startEmulator,
} from "../emulator/mod.ts";

const input: StartCopyJobInput = {
  RecoveryPointArn: RECOVERY_POINT_OK_ARN,
  SourceBackupVaultName: DEFAULT_VAULT_NAME,
  DestinationBackupVaultArn: DR_VAULT_WEST_ARN,
  IamRoleArn: DEMO_IAM_ROLE_ARN,
};

/** Retries after 10 ms × the attempt number, so every delay in the events is known. */
const fixedDelays: RetryStrategy = {
  retryDelay: (failure) => 10 * failure.attempts,
  recordSuccess() {},
};

function observed(emulator: Emulator, config: Partial<ClientConfig> = {}) {
  const events: CallObserverEvent[] = [];
  const client = new BackupClient({
    region: DEMO_REGION,
    endpoint: emulator.url,
    credentials: { ...DEMO_SESSION_CREDENTIALS },
    retryStrategy: fixedDelays,
    observe: (event) => void events.push(event),
    ...config,
  });
  return { client, events };
}

/** The events without their durations (checked apart: numbers >= 0). */
function withoutDurations(events: CallObserverEvent[]): Record<string, unknown>[] {
  return events.map(({ durationMs, ...rest }) => {
    assert.ok(typeof durationMs === "number" && durationMs >= 0, String(durationMs));
    return JSON.parse(JSON.stringify(rest));
  });
}

/** An attempt's error and retry, absent keys left out. */
const outcome = ({ error, retry }: Record<string, unknown>) =>
  JSON.parse(JSON.stringify({ error, retry }));

function assertNoSecret(events: CallObserverEvent[]) {
  const text = JSON.stringify(events);
  for (const secret of Object.values(DEMO_SESSION_CREDENTIALS)) {
    assert.ok(!text.includes(secret), `an event holds a credential: ${text}`);
  }
}

Deno.test("observe: throttling, 503 and a reset, then success: one event per attempt, then the call", async () => {
  await using emulator = await startEmulator();
  const { client, events } = observed(emulator, { maxAttempts: 4 });
  emulator.injectFaults(
    { status: 429, errorType: "ThrottlingException" },
    { status: 503, errorType: "ServiceUnavailableException" },
    { reset: true },
  );
  const output = await startCopyJob(client, input);
  const ids = emulator.requests.map((r) => r.requestId);
  const invocationId = emulator.requests[0].headers["amz-sdk-invocation-id"];
  assert.equal(ids.length, 4);
  const common = { operation: "StartCopyJob", invocationId };
  const attempt = { type: "attempt", ...common, maxAttempts: 4 };
  assert.deepEqual(withoutDurations(events), [
    {
      ...attempt,
      attempt: 1,
      httpStatusCode: 429,
      requestId: ids[0],
      error: "ThrottlingException",
      retry: { delayMs: 10, reason: "throttling" },
    },
    {
      ...attempt,
      attempt: 2,
      httpStatusCode: 503,
      requestId: ids[1],
      error: "ServiceUnavailableException",
      retry: { delayMs: 20, reason: "transient" },
    },
    // The reset answers 200 and breaks the body off: the answer is lost on the way.
    {
      ...attempt,
      attempt: 3,
      httpStatusCode: 200,
      requestId: ids[2],
      error: "DeserializationError",
      retry: { delayMs: 30, reason: "network" },
    },
    { ...attempt, attempt: 4, httpStatusCode: 200, requestId: ids[3] },
    {
      type: "call",
      ...common,
      attempts: 4,
      totalRetryDelay: 60,
      httpStatusCode: 200,
      requestId: ids[3],
    },
  ]);
  assert.equal(output.$metadata.attempts, 4);
  assert.equal(output.$metadata.requestId, ids[3]);
  // One invocation id per call, the one sent on every attempt.
  for (const request of emulator.requests) {
    assert.equal(request.headers["amz-sdk-invocation-id"], invocationId);
  }
  // An attempt's duration is within the call's.
  const call = events.at(-1)!;
  for (const event of events.slice(0, -1)) assert.ok(event.durationMs <= call.durationMs);
  assertNoSecret(events);
});

Deno.test("observe: an attempt past requestTimeoutMs is retried as a timeout, with no status", async () => {
  await using emulator = await startEmulator();
  const { client, events } = observed(emulator, { requestTimeoutMs: 200 });
  emulator.injectFaults({ delayMs: 1000 });
  await startCopyJob(client, input);
  const [first, second, call] = withoutDurations(events);
  assert.deepEqual(first, {
    type: "attempt",
    operation: "StartCopyJob",
    invocationId: call.invocationId,
    attempt: 1,
    maxAttempts: 3,
    error: "RequestTimeoutError",
    retry: { delayMs: 10, reason: "timeout" },
  });
  assert.equal(second.httpStatusCode, 200);
  assert.equal(second.error, undefined);
  assert.equal(call.attempts, 2);
  assert.ok(events[0].durationMs >= 150, String(events[0].durationMs));
});

Deno.test("observe: a corrected clock and refreshed credentials are retried at once, and say so", async () => {
  // The server's clock is 30 minutes ahead: the first signature is refused as expired.
  await using skewed = await startEmulator({ now: () => Date.now() + 30 * 60_000 });
  const clock = observed(skewed);
  await startCopyJob(clock.client, input);
  assert.deepEqual(withoutDurations(clock.events).map(outcome), [
    { error: "InvalidSignatureException", retry: { delayMs: 0, reason: "clock-skew" } },
    {},
    {},
  ]);
  assert.equal(clock.events[0].httpStatusCode, 403);

  await using emulator = await startEmulator();
  let provided = 0;
  const expired = observed(emulator, {
    credentials: () => {
      provided++;
      return Promise.resolve({
        ...DEMO_SESSION_CREDENTIALS,
        expiration: new Date(Date.now() + 3600_000),
      });
    },
  });
  emulator.injectFaults({ status: 400, errorType: "ExpiredTokenException" });
  await startCopyJob(expired.client, input);
  assert.equal(provided, 2);
  assert.deepEqual(withoutDurations(expired.events).map(outcome), [
    { error: "ExpiredTokenException", retry: { delayMs: 0, reason: "expired-credentials" } },
    {},
    {},
  ]);
  assertNoSecret([...clock.events, ...expired.events]);
});

Deno.test("observe: a failed call's last attempt has no retry, and the call event names the error", async () => {
  await using emulator = await startEmulator();
  const { client, events } = observed(emulator, { maxAttempts: 2 });
  emulator.injectFaults(
    { status: 503, errorType: "ServiceUnavailableException" },
    { status: 503, errorType: "ServiceUnavailableException" },
  );
  const e = await startCopyJob(client, input).catch((e) => e);
  assert.equal(e.name, "ServiceUnavailableException");
  const [first, last, call] = withoutDurations(events);
  assert.deepEqual(first.retry, { delayMs: 10, reason: "transient" });
  assert.equal(last.error, "ServiceUnavailableException");
  assert.equal(last.retry, undefined);
  assert.deepEqual(
    { ...call, invocationId: undefined },
    {
      type: "call",
      operation: "StartCopyJob",
      attempts: 2,
      totalRetryDelay: 10,
      httpStatusCode: 503,
      requestId: emulator.requests[1].requestId,
      error: "ServiceUnavailableException",
      invocationId: undefined,
    },
  );
  assertNoSecret(events);
});

Deno.test("observe: invalid input is one call event with no attempt; a dry run is none", async () => {
  await using emulator = await startEmulator();
  const { client, events } = observed(emulator);
  const e = await startCopyJob(client, { ...input, IamRoleArn: undefined as never }).catch((e) =>
    e
  );
  assert.ok(e instanceof ValidationError);
  assert.deepEqual(
    withoutDurations(events).map(({ type, attempts, error }) => ({ type, attempts, error })),
    [
      { type: "call", attempts: 0, error: "ValidationError" },
    ],
  );
  events.length = 0;
  await buildSignedRequest(client, startCopyJob, input);
  assert.deepEqual(events, []);
  assert.equal(emulator.requests.length, 0);
});

Deno.test("observe: an abort during a retry's delay ends the call with the abort's name", async () => {
  await using emulator = await startEmulator();
  const { client, events } = observed(emulator, {
    retryStrategy: { retryDelay: () => 10_000, recordSuccess() {} },
  });
  emulator.injectFaults({ status: 503, errorType: "ServiceUnavailableException" });
  const controller = new AbortController();
  const call = startCopyJob(client, input, { signal: controller.signal });
  while (events.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  controller.abort();
  await assert.rejects(call, { name: "AbortError" });
  const [first, end] = withoutDurations(events);
  assert.deepEqual(first.retry, { delayMs: 10_000, reason: "transient" });
  assert.equal(end.type, "call");
  assert.equal(end.error, "AbortError");
  assert.equal(end.attempts, 1);
  assert.equal(end.totalRetryDelay, 0);
});

Deno.test("observe: an observer that throws or rejects does not change the call; reported once", async () => {
  await using emulator = await startEmulator();
  const reported: unknown[][] = [];
  const consoleError = console.error;
  console.error = (...args: unknown[]) => void reported.push(args);
  try {
    const faults = () =>
      emulator.injectFaults(
        { status: 429, errorType: "ThrottlingException" },
        { reset: true },
      );
    const quiet = observed(emulator);
    faults();
    const expected = await startCopyJob(quiet.client, input);

    for (
      const observe of [
        () => {
          throw new Error("observer bug");
        },
        () => Promise.reject(new Error("observer bug")),
      ]
    ) {
      reported.length = 0;
      const { client } = observed(emulator, { observe });
      for (let call = 0; call < 2; call++) {
        faults();
        const output = await startCopyJob(client, input);
        assert.deepEqual(Object.keys(output), Object.keys(expected));
        assert.equal(output.$metadata.attempts, 3);
        assert.equal(output.$metadata.totalRetryDelay, 30);
        assert.equal(output.$metadata.httpStatusCode, 200);
      }
      // A failing call fails the same way.
      const e = await startCopyJob(client, { ...input, IamRoleArn: undefined as never }).catch((
        e,
      ) => e);
      assert.ok(e instanceof ValidationError);
      await new Promise((resolve) => setTimeout(resolve, 0));
      assert.equal(reported.length, 1, "reported once per client");
      assert.match(String(reported[0][0]), /observe threw/);
      assert.match(String(reported[0][1]), /observer bug/);
    }
  } finally {
    console.error = consoleError;
  }
});

Deno.test("observe: the SDK v3 face takes observe, and its logger error names it", async () => {
  await using emulator = await startEmulator();
  const events: CallObserverEvent[] = [];
  const client = new SdkBackupClient({
    region: DEMO_REGION,
    endpoint: emulator.url,
    credentials: { ...DEMO_SESSION_CREDENTIALS },
    observe: (event) => void events.push(event),
  });
  const output = await client.send(new StartCopyJobCommand(input));
  assert.deepEqual(events.map((e) => [e.type, e.requestId]), [
    ["attempt", output.$metadata.requestId],
    ["call", output.$metadata.requestId],
  ]);
  assert.throws(
    () =>
      new SdkBackupClient({
        region: DEMO_REGION,
        credentials: { ...DEMO_SESSION_CREDENTIALS },
        logger: console,
      } as never),
    (e: ValidationError) =>
      e instanceof ValidationError &&
      e.issues[0].message === "is not supported by backup-edge: pass observe instead",
  );
});

/** The event logged in docs/api.md's "Log each event as one JSON line" example, parsed. */
async function documentedEvent(): Promise<Record<string, unknown>> {
  const doc = await Deno.readTextFile(new URL("../docs/api.md", import.meta.url));
  const start = doc.indexOf("observe: (event) => console.log(JSON.stringify(event)),");
  assert.ok(start >= 0, "docs/api.md has no JSON-line example");
  const comment = /\n\}\);\n((?:\/\/.*\n)+)/.exec(doc.slice(start));
  assert.ok(comment, "the example has no logged event after it");
  return JSON.parse(comment[1].replace(/^\/\/ ?/gm, "").replaceAll("\n", ""));
}

Deno.test("observe: docs/api.md's logged event has the keys a real one has, in the order JSON.stringify prints them", async () => {
  await using emulator = await startEmulator();
  const { client, events } = observed(emulator, { maxAttempts: 3 });
  // The documented event: a first attempt answered 503, retried.
  emulator.injectFaults({ status: 503, errorType: "ServiceUnavailableException" });
  await startCopyJob(client, input);
  const real = JSON.parse(JSON.stringify(events[0]));
  const documented = await documentedEvent();
  assert.deepEqual(Object.keys(documented), Object.keys(real));
  assert.deepEqual(Object.keys(documented.retry as object), Object.keys(real.retry));
  for (const key of ["operation", "type", "attempt", "maxAttempts", "httpStatusCode", "error"]) {
    assert.equal(documented[key], real[key], key);
  }
  assert.equal((documented.retry as { reason: string }).reason, real.retry.reason);
});
