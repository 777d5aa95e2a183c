/**
 * eventBridgeHandler served by Deno.serve (and node:http through toNodeListener), with the
 * emulator as both AWS Backup and EventBridge: backups complete, their events arrive twice, ten
 * times at once, late; one copy job per (recovery point, destination). The connection's secret:
 * 401 without it, nothing sent, never in an answer or a log. Statuses as EventBridge retries
 * them: throttling 429, 5xx and lost answers 503 (then one job after the retry), refused 422, bad
 * events 400 (not retried), the time budget 503.
 */

import assert from "node:assert/strict";
import { createServer } from "node:http";
import {
  type CopyRule,
  eventBridgeHandler,
  type EventBridgeHandlerOptions,
  type HandlerLogRecord,
  toNodeListener,
  ValidationError,
  WrongRegionError,
} from "../mod.ts";
import {
  DEFAULT_VAULT_NAME,
  DEMO_IAM_ROLE_ARN,
  DR_VAULT_WEST_ARN,
  type Emulator,
  RECOVERY_POINT_OK_ARN,
  startEmulator,
} from "../emulator/mod.ts";
import {
  assertOneCopyEach,
  backUp,
  backupJobCompleted,
  clientOf,
  completedBackupsTo,
} from "./support/backup_events.ts";

const SECRET = "s3cr3t-api-key-0123456789abcdef";
const KEY_HEADER = "x-backup-edge-key";
const KEY = { name: KEY_HEADER, value: SECRET };
const RULES: CopyRule[] = [{
  name: "to-west",
  sourceBackupVaults: [DEFAULT_VAULT_NAME],
  destinationBackupVaultArn: DR_VAULT_WEST_ARN,
  iamRoleArn: DEMO_IAM_ROLE_ARN,
}];

/** Serves a handler on 127.0.0.1; its log records are kept as JSON text. */
function serve(emulator: Emulator, options: Partial<EventBridgeHandlerOptions> = {}) {
  const logs: HandlerLogRecord[] = [];
  const handler = eventBridgeHandler({
    client: clientOf(emulator),
    rules: RULES,
    authorization: { apiKey: { name: KEY_HEADER, value: SECRET } },
    log: (record) => logs.push(record),
    ...options,
  });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handler);
  return {
    url: `http://127.0.0.1:${server.addr.port}/`,
    logs,
    handler,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
}

Deno.test("backups complete, each event arrives twice: one copy each", async () => {
  await using emulator = await startEmulator({ jobDurationMs: 300, events: true });
  await using served = serve(emulator);
  emulator.setEventDelivery(completedBackupsTo(served.url, KEY, { times: 2 }));
  const points = await backUp(emulator, 3);
  await emulator.settled();
  assertOneCopyEach(emulator, points);
  const completed = emulator.deliveries.filter((d) => d.state === "COMPLETED");
  assert.equal(completed.length, 6);
  assert.ok(completed.every((d) => d.status === 200), JSON.stringify(completed));
  assertOutcomes(served.logs, points, 2);
});

/** Per recovery point: the first delivery started the copy, the others found it. */
function assertOutcomes(logs: HandlerLogRecord[], points: string[], times: number): void {
  for (const point of points) {
    const outcomes = logs.filter((l) => l.recoveryPointArn === point).map((l) =>
      l.copies?.[0].outcome
    );
    assert.equal(outcomes.length, times, point);
    assert.equal(outcomes[0], "started", outcomes.join());
    assert.ok(
      outcomes.slice(1).every((o) => o === "in-progress" || o === "existing"),
      outcomes.join(),
    );
  }
}

Deno.test("10 deliveries at once, then one after the copy finished: one copy", async () => {
  await using emulator = await startEmulator({ jobDurationMs: 300, events: true });
  await using served = serve(emulator);
  emulator.setEventDelivery(completedBackupsTo(served.url, KEY, { times: 10, concurrent: true }));
  const [point] = await backUp(emulator, 1);
  await emulator.settled();
  assertOneCopyEach(emulator, [point]);
  assert.equal(emulator.deliveries.length, 10);
  assert.ok(emulator.deliveries.every((d) => d.status === 200));

  // Late: the same event again once the copy job COMPLETED.
  const event = emulator.events.find((e) => e.resources[0] === point)!;
  const response = await fetch(served.url, {
    method: "POST",
    headers: { [KEY_HEADER]: SECRET },
    body: JSON.stringify(event),
  });
  const body = await response.json();
  assert.equal(response.status, 200);
  assert.equal(body.copies[0].outcome, "existing");
  assert.equal(body.copies[0].state, "COMPLETED");
  assertOneCopyEach(emulator, [point]);
});

Deno.test("deliveries one after another, the last one late: one copy", async () => {
  await using emulator = await startEmulator({ jobDurationMs: 200, events: true });
  await using served = serve(emulator);
  emulator.setEventDelivery(completedBackupsTo(served.url, KEY, { times: 3, lateMs: 150 }));
  const points = await backUp(emulator, 2);
  await emulator.settled();
  assertOneCopyEach(emulator, points);
  assertOutcomes(served.logs, points, 3);
  // The third delivery came 300 ms after the first, once the 200 ms copy job had COMPLETED.
  for (const point of points) {
    const last = served.logs.filter((l) => l.recoveryPointArn === point).at(-1)!;
    assert.equal(last.copies?.[0].outcome, "existing");
  }
});

Deno.test("no or a wrong secret: 401, nothing sent to AWS, the secret in no answer and no log", async () => {
  await using emulator = await startEmulator({ jobDurationMs: 200, events: true });
  await using served = serve(emulator);
  const lines: string[] = [];
  const console_log = console.log;
  console.log = (...args: unknown[]) => lines.push(args.join(" "));
  try {
    // Default logging (console.log) too.
    await using loud = serve(emulator, { log: undefined });
    const attempts: Record<string, string>[] = [
      {},
      { [KEY_HEADER]: "wrong-key-0123456789abcdef" },
      { authorization: SECRET },
    ];
    for (const headers of attempts) {
      const response = await fetch(loud.url, {
        method: "POST",
        headers,
        body: JSON.stringify(backupJobCompleted(RECOVERY_POINT_OK_ARN)),
      });
      const text = await response.text();
      assert.equal(response.status, 401);
      assert.ok(!text.includes(SECRET));
    }
    const ok = await fetch(loud.url, {
      method: "POST",
      headers: { [KEY_HEADER]: SECRET },
      body: JSON.stringify(backupJobCompleted(RECOVERY_POINT_OK_ARN)),
    });
    assert.equal(ok.status, 200);
    assert.ok(!(await ok.text()).includes(SECRET));
  } finally {
    console.log = console_log;
  }
  assert.equal(lines.length, 4);
  assert.deepEqual(lines.map((l) => JSON.parse(l).status), [401, 401, 401, 200]);
  assert.ok(lines.every((l) => !l.includes(SECRET)), lines.join("\n"));
  assert.equal(emulator.jobs().length, 1);
  const calls = emulator.requests.length;

  // EventBridge retries a 401: every attempt is refused the same way, nothing started.
  emulator.setEventDelivery(completedBackupsTo(served.url, KEY, {
    authorization: { apiKey: { name: KEY_HEADER, value: "not-the-right-key-012345" } },
    maxAttempts: 3,
    retryDelayMs: 10,
  }));
  await backUp(emulator, 1);
  await emulator.settled();
  assert.deepEqual(emulator.deliveries.map((d) => [d.status, d.retryable]), [
    [401, true],
    [401, true],
    [401, true],
  ]);
  assert.equal(emulator.jobs().length, 1);
  assert.equal(emulator.requests.length, calls + 1, "only the test's StartBackupJob");
  assert.ok(served.logs.every((l) => !JSON.stringify(l).includes(SECRET)));
});

Deno.test("Basic, bearer token, token check and two keys at once (rotation)", async () => {
  await using emulator = await startEmulator({ jobDurationMs: 200 });
  const event = JSON.stringify(backupJobCompleted(RECOVERY_POINT_OK_ARN, {
    detail: { state: "RUNNING" },
  }));
  const post = (handler: (r: Request) => Promise<Response>, headers: Record<string, string>) =>
    handler(new Request("http://handler.test/", { method: "POST", headers, body: event }))
      .then((r) => r.status);
  const base = { client: clientOf(emulator), rules: RULES, log: false as const };
  const basic = eventBridgeHandler({
    ...base,
    authorization: { basic: { username: "eventbridge", password: "pässwörd-0123456789" } },
  });
  const header = `Basic ${
    btoa(String.fromCharCode(...new TextEncoder().encode("eventbridge:pässwörd-0123456789")))
  }`;
  assert.equal(await post(basic, { authorization: header }), 200);
  assert.equal(await post(basic, { authorization: `Basic ${btoa("eventbridge:wrong")}` }), 401);

  const bearer = eventBridgeHandler({
    ...base,
    authorization: { bearerToken: "oauth-access-token-0123" },
  });
  assert.equal(await post(bearer, { authorization: "Bearer oauth-access-token-0123" }), 200);
  assert.equal(await post(bearer, { authorization: "Bearer oauth-access-token-0124" }), 401);

  const verified = eventBridgeHandler({
    ...base,
    authorization: {
      verifyBearerToken: (token) => {
        if (token === "boom") throw new Error("issuer unreachable");
        return token.startsWith("valid.");
      },
    },
  });
  assert.equal(await post(verified, { authorization: "Bearer valid.jwt" }), 200);
  assert.equal(await post(verified, { authorization: "Bearer forged.jwt" }), 401);
  assert.equal(await post(verified, { authorization: "Bearer boom" }), 401);
  assert.equal(await post(verified, {}), 401);

  const rotating = eventBridgeHandler({
    ...base,
    authorization: [
      { apiKey: { name: KEY_HEADER, value: "old-key-0123456789abcdef" } },
      { apiKey: { name: KEY_HEADER, value: "new-key-0123456789abcdef" } },
    ],
  });
  assert.equal(await post(rotating, { [KEY_HEADER]: "old-key-0123456789abcdef" }), 200);
  assert.equal(await post(rotating, { [KEY_HEADER]: "new-key-0123456789abcdef" }), 200);
  assert.equal(await post(rotating, { [KEY_HEADER]: "new-key-0123456789abcdeX" }), 401);
  assert.equal(emulator.requests.length, 0, "a RUNNING backup needs no call");
});

Deno.test("answers EventBridge does not retry: 400 bad event or JSON, 405, 413, 422 refused copy", async () => {
  await using emulator = await startEmulator({ jobDurationMs: 200, events: true });
  await using served = serve(emulator, { maxBodyBytes: 4096, client: clientOf(emulator, 1) });
  const post = async (body: string, init: RequestInit = {}) => {
    const response = await fetch(served.url, {
      method: "POST",
      headers: { [KEY_HEADER]: SECRET },
      body,
      ...init,
    });
    return { status: response.status, json: await response.json() };
  };
  const invalid = await post(
    JSON.stringify({ ...backupJobCompleted(RECOVERY_POINT_OK_ARN), id: 5 }),
  );
  assert.equal(invalid.status, 400);
  assert.equal(invalid.json.error, "ValidationError");
  assert.deepEqual(invalid.json.issues.map((i: { path: string }) => i.path), ["event.id"]);
  assert.equal((await post("{not json")).status, 400);
  assert.equal((await post("x".repeat(5000))).status, 413);
  const get = await fetch(served.url, { headers: { [KEY_HEADER]: SECRET } });
  assert.equal(get.status, 405);
  await get.body?.cancel();
  assert.equal(emulator.requests.length, 0);

  emulator.injectFaults({ status: 403, errorType: "AccessDeniedException" });
  const denied = await post(JSON.stringify(backupJobCompleted(RECOVERY_POINT_OK_ARN)));
  assert.equal(denied.status, 422);
  assert.equal(denied.json.copies[0].error.name, "AccessDeniedException");
  assert.equal(denied.json.copies[0].error.retryable, false);

  // Through the emulator's delivery, a broken event: its 400 is attempted once, not retried.
  emulator.setEventDelivery(completedBackupsTo(served.url, KEY, {
    fetch: (request) =>
      fetch(request.url, { method: "POST", headers: request.headers, body: '{"version":"0"}' }),
  }));
  await backUp(emulator, 1);
  await emulator.settled();
  assert.deepEqual(emulator.deliveries.map((d) => [d.status, d.attempt, d.retryable]), [[
    400,
    1,
    false,
  ]]);
});

Deno.test("passing failures: throttling 429, 5xx and a lost answer 503; EventBridge's retry makes one job", async () => {
  await using emulator = await startEmulator({ jobDurationMs: 300, events: true });
  // No client retries: every AWS failure reaches the handler's answer.
  await using served = serve(emulator, { client: clientOf(emulator, 1) });
  emulator.setEventDelivery(
    completedBackupsTo(served.url, KEY, { maxAttempts: 5, retryDelayMs: 20 }),
  );
  const [point] = await backUp(emulator, 1);
  // The backup completes after 300 ms; then: DescribeRecoveryPoint throttled, then 503, and
  // (DescribeRecoveryPoint and ListCopyJobs answered) StartCopyJob's answer lost after the job
  // was made.
  await new Promise((resolve) => setTimeout(resolve, 150));
  emulator.injectFaults(
    { status: 400, errorType: "ThrottlingException" },
    { status: 503, errorType: "ServiceUnavailableException" },
    { delayMs: 0 },
    { delayMs: 0 },
    { reset: true, afterCommit: true },
  );
  await emulator.settled();
  const attempts = emulator.deliveries.filter((d) => d.state === "COMPLETED");
  assert.deepEqual(attempts.map((d) => d.status), [429, 503, 503, 200]);
  assert.deepEqual(served.logs.map((l) => l.status), [429, 503, 503, 200]);
  assert.equal(served.logs[3].copies?.[0].outcome, "in-progress");
  assertOneCopyEach(emulator, [point]);

  // LimitExceededException (the account's concurrent copy jobs) is throttling: 429 + Retry-After.
  emulator.injectFaults({ delayMs: 0 }, { delayMs: 0 }, {
    status: 400,
    errorType: "LimitExceededException",
  });
  const limited = await fetch(served.url, {
    method: "POST",
    headers: { [KEY_HEADER]: SECRET },
    body: JSON.stringify(backupJobCompleted(RECOVERY_POINT_OK_ARN)),
  });
  await limited.body?.cancel();
  assert.equal(limited.status, 429);
  assert.equal(limited.headers.get("retry-after"), "10");
});

Deno.test("the time budget: AWS slower than timeoutMs gives a 503 before AWS answers, and the retry one job", async () => {
  await using emulator = await startEmulator({ jobDurationMs: 500 });
  await using served = serve(emulator, { timeoutMs: 300 });
  // DescribeRecoveryPoint and ListCopyJobs answer at once; StartCopyJob takes 2 s.
  emulator.injectFaults({ delayMs: 0 }, { delayMs: 0 }, { delayMs: 2000 });
  const event = JSON.stringify(backupJobCompleted(RECOVERY_POINT_OK_ARN));
  const slow = await fetch(served.url, {
    method: "POST",
    headers: { [KEY_HEADER]: SECRET },
    body: event,
  });
  const body = await slow.json();
  // (Routed only once the delay ends: found by its path, PUT /copy-jobs.)
  const start = () => emulator.requests.find((r) => r.method === "PUT" && r.path === "/copy-jobs");
  // Not a clock reading: the answer came while the emulator was still holding StartCopyJob back
  // (its log entry has no status until it answers), so the budget cut the call short.
  assert.equal(slow.status, 503);
  assert.equal(body.error, "TimeBudgetExceeded");
  assert.equal(body.message, "no answer within 300 ms");
  assert.ok(start(), "StartCopyJob was sent");
  assert.equal(start()!.status, undefined, "answered before AWS did");
  // The job was made after all (the answer came too late): once AWS has answered, the retry
  // finds it.
  while (start()!.status === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
  const retry = await fetch(served.url, {
    method: "POST",
    headers: { [KEY_HEADER]: SECRET },
    body: event,
  });
  assert.equal(retry.status, 200);
  assert.equal((await retry.json()).copies[0].outcome, "in-progress");
  assert.equal(emulator.jobs().length, 1);
});

Deno.test("a client function that throws: retried (503, or 429 throttled) unless a mistake (422); nothing sent", async () => {
  await using emulator = await startEmulator({ jobDurationMs: 200 });
  const event = JSON.stringify(backupJobCompleted(RECOVERY_POINT_OK_ARN));
  const answer = async (client: EventBridgeHandlerOptions["client"]) => {
    const handler = eventBridgeHandler({
      client,
      rules: RULES,
      authorization: { apiKey: KEY },
      log: false,
    });
    const response = await handler(
      new Request("http://handler.test/", {
        method: "POST",
        headers: { [KEY_HEADER]: SECRET },
        body: event,
      }),
    );
    const body = await response.json();
    return [response.status, body.copies?.[0]?.error?.name, body.copies?.[0]?.error?.retryable];
  };
  const throwing = (error: unknown) => () => {
    throw error;
  };
  // STS throttled while assuming the account's role (the AWS SDK's error name).
  const throttled = Object.assign(new Error("Rate exceeded"), { name: "Throttling" });
  assert.deepEqual(await answer(throwing(throttled)), [429, "Throttling", true]);
  // STS or a secret store unreachable, or anything else that may pass.
  assert.deepEqual(await answer(throwing(new TypeError("fetch failed"))), [503, "TypeError", true]);
  assert.deepEqual(
    await answer(() => Promise.reject(new Error("connect ECONNREFUSED"))),
    [503, "Error", true],
  );
  // Mistakes no retry fixes: 422, to the dead-letter queue at once.
  const invalid = new ValidationError("client function", [{ path: "region", message: "x" }]);
  assert.deepEqual(await answer(throwing(invalid)), [422, "ValidationError", false]);
  assert.deepEqual(
    await answer(throwing(new WrongRegionError("no client for eu-west-1"))),
    [422, "WrongRegionError", false],
  );
  assert.deepEqual(await answer(() => undefined as never), [422, "ValidationError", false]);
  assert.equal(emulator.requests.length, 0, "nothing sent");
  // Once the function gives a client again, EventBridge's retry copies.
  let calls = 0;
  const flaky = () => {
    if (calls++ === 0) throw new Error("STS unreachable");
    return clientOf(emulator);
  };
  assert.deepEqual(await answer(flaky), [503, "Error", true]);
  assert.deepEqual(await answer(flaky), [200, undefined, undefined]);
  assert.equal(emulator.jobs().length, 1);
});

Deno.test("bad handler options: ValidationError naming the option, never the secret", () => {
  const make = (options: Partial<EventBridgeHandlerOptions>) => () =>
    eventBridgeHandler({
      client: () => {
        throw new Error("not called");
      },
      rules: RULES,
      authorization: { apiKey: { name: KEY_HEADER, value: SECRET } },
      ...options,
    } as EventBridgeHandlerOptions);
  const check = (
    options: Partial<EventBridgeHandlerOptions> & Record<string, unknown>,
    path: string,
  ) => {
    assert.throws(make(options), (error: unknown) => {
      assert.ok(error instanceof ValidationError);
      assert.ok(error.issues.some((i) => i.path === path), error.message);
      assert.ok(!error.message.includes("short-secret"));
      return true;
    });
  };
  check(
    { authorization: { apiKey: { name: KEY_HEADER, value: "short-secret" } } },
    "authorization.apiKey.value",
  );
  check(
    { authorization: { apiKey: { name: "bad header", value: SECRET } } },
    "authorization.apiKey.name",
  );
  check({ authorization: { oauth: "x" } as never }, "authorization.oauth");
  check({ authorization: [] }, "authorization");
  check({ timeoutMs: 0 }, "timeoutMs");
  check(
    { rules: [{ ...RULES[0], destinationBackupVaultArn: "nope" }] },
    "rules[0].destinationBackupVaultArn",
  );
  check({ timeout: 5 } as never, "timeout");
  // The AWS SDK v3's logger is the handler's log; members a kind of authorization does not have
  // would be ignored (only the key is named, never a value).
  assert.throws(make({ logger: console } as never), (e: Error) =>
    e.message ===
      'Invalid eventBridgeHandler options: logger is unknown: AWS SDK v3\'s logger is "log" here');
  check(
    { authorization: { apiKey: { name: KEY_HEADER, value: SECRET, in: "header" } } as never },
    "authorization.apiKey.in",
  );
  check(
    {
      authorization: {
        basic: { username: "eb", password: SECRET, realm: "short-secret" },
      } as never,
    },
    "authorization.basic.realm",
  );
  assert.throws(make({ authorization: { apikey: { name: KEY_HEADER, value: SECRET } } } as never), {
    message:
      'Invalid eventBridgeHandler options: authorization.apikey is unknown; did you mean "apiKey"?',
  });
  check({ client: "client" as never }, "client");
});

Deno.test("toNodeListener: the handler behind node:http", async () => {
  await using emulator = await startEmulator({ jobDurationMs: 200 });
  const handler = eventBridgeHandler({
    client: clientOf(emulator),
    rules: RULES,
    authorization: { apiKey: { name: KEY_HEADER, value: SECRET } },
    log: false,
  });
  const server = createServer(toNodeListener(handler));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  try {
    const body = JSON.stringify(backupJobCompleted(RECOVERY_POINT_OK_ARN));
    const denied = await fetch(`http://127.0.0.1:${port}/`, { method: "POST", body });
    assert.equal(denied.status, 401);
    await denied.body?.cancel();
    const ok = await fetch(`http://127.0.0.1:${port}/events`, {
      method: "POST",
      headers: { [KEY_HEADER]: SECRET, "content-type": "application/json" },
      body,
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get("content-type"), "application/json");
    assert.equal((await ok.json()).copies[0].outcome, "started");
    assert.equal(emulator.jobs().length, 1);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

Deno.test("toNodeListener: a handler that is not a function is refused; a handler's exception is a 500 and one logged line", async () => {
  assert.throws(() => toNodeListener(5 as never), {
    name: "ValidationError",
    message: /Invalid toNodeListener arguments: handler must be a function .*not number/,
  });
  const logged: unknown[][] = [];
  const error = console.error;
  console.error = (...args: unknown[]) => logged.push(args);
  const server = createServer(toNodeListener(() => {
    throw new TypeError("Cannot read properties of undefined (reading 'rules')");
  }));
  try {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    const answer = await fetch(`http://127.0.0.1:${port}/events?key=${SECRET}`, {
      method: "POST",
      headers: { [KEY_HEADER]: SECRET },
      body: "{}",
    });
    assert.equal(answer.status, 500);
    assert.deepEqual(await answer.json(), { error: "InternalError" });
  } finally {
    console.error = error;
    await new Promise((resolve) => server.close(resolve));
  }
  assert.equal(logged.length, 1);
  assert.deepEqual(JSON.parse(String(logged[0][0])), {
    status: 500,
    error: "TypeError: Cannot read properties of undefined (reading 'rules')",
  });
  assert.ok(!JSON.stringify(logged).includes(SECRET), "no secret in the log");
});
