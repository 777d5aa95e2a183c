// The 2026 standard retry mode's numbers, server hints, the retry quota, one backoff formula,
// and waiting that gives way to a signal.

import assert from "node:assert/strict";
import {
  backoffDelay,
  RETRY_MODES,
  retryAfterMs,
  type RetryFailure,
  retryKind,
  retryReason,
  sleep,
  StandardRetryStrategy,
} from "./retry.ts";
import * as errors from "./errors.ts";
import * as mod from "../mod.ts";

/** Runs `fn` with `Math.random` returning `value`. */
function withRandom<T>(value: number, fn: () => T): T {
  const random = Math.random;
  Math.random = () => value;
  try {
    return fn();
  } finally {
    Math.random = random;
  }
}

const failure = (extra: Partial<RetryFailure> = {}): RetryFailure => ({
  error: new Error("x"),
  kind: "transient",
  attempts: 1,
  maxAttempts: 3,
  remainingMs: Infinity,
  ...extra,
});

Deno.test("standard mode: transient base 50 ms, throttling base 1 s, doubling, cap 20 s", () => {
  const strategy = new StandardRetryStrategy();
  const top = 0.999999;
  withRandom(top, () => {
    assert.equal(strategy.retryDelay(failure()), 49);
    assert.equal(strategy.retryDelay(failure({ attempts: 2 })), 99);
    assert.equal(strategy.retryDelay(failure({ kind: "throttling" })), 999);
    assert.equal(strategy.retryDelay(failure({ kind: "throttling", attempts: 3 })), 3999);
    assert.equal(strategy.retryDelay(failure({ kind: "throttling", attempts: 10 })), 19999);
  });
  withRandom(0, () => assert.equal(strategy.retryDelay(failure({ kind: "throttling" })), 0));
  assert.equal(RETRY_MODES.standard.quota, 500);
  const old = new StandardRetryStrategy(RETRY_MODES["pre-2026"]);
  withRandom(top, () => assert.equal(old.retryDelay(failure()), 99));
});

Deno.test("server hints are clamped to [backoff, backoff + 5 s] and to the deadline", () => {
  const strategy = new StandardRetryStrategy();
  withRandom(0.5, () => {
    // backoff for a first transient retry: floor(0.5 × 50) = 25 ms
    assert.equal(strategy.retryDelay(failure({ retryAfterMs: 3000 })), 3000);
    assert.equal(strategy.retryDelay(failure({ retryAfterMs: 1 })), 25);
    assert.equal(strategy.retryDelay(failure({ retryAfterMs: 3600_000 })), 5025);
    const before = strategy.tokens;
    assert.equal(
      strategy.retryDelay(failure({ retryAfterMs: 3000, remainingMs: 2000 })),
      undefined,
    );
    assert.equal(strategy.tokens, before, "a declined retry takes no tokens");
  });
});

Deno.test("retry quota: 500 tokens, transient retry 14, throttling 5, success refunds", () => {
  const strategy = new StandardRetryStrategy();
  let transient = 0;
  while (strategy.retryDelay(failure()) !== undefined) transient++;
  assert.equal(transient, Math.floor(500 / 14));
  assert.equal(strategy.tokens, 500 - 35 * 14);
  // 10 tokens left: too few for a transient retry, enough for two throttling ones.
  assert.notEqual(strategy.retryDelay(failure({ kind: "throttling" })), undefined);
  assert.notEqual(strategy.retryDelay(failure({ kind: "throttling" })), undefined);
  assert.equal(strategy.retryDelay(failure({ kind: "throttling" })), undefined);
  assert.equal(strategy.tokens, 0);
  const left = strategy.tokens;
  strategy.recordSuccess(failure());
  assert.equal(strategy.tokens, left + 14);
  strategy.recordSuccess();
  assert.equal(strategy.tokens, left + 15);
  for (let i = 0; i < 100; i++) strategy.recordSuccess(failure());
  assert.equal(strategy.tokens, 500, "never above the quota");
});

Deno.test("retry-after hints: x-amz-retry-after ms, Retry-After seconds or HTTP date", () => {
  const now = Date.UTC(2026, 0, 1);
  const at = (h: Record<string, string>) => retryAfterMs(new Headers(h), now);
  assert.equal(at({ "x-amz-retry-after": "1500" }), 1500);
  assert.equal(at({ "x-amz-retry-after": "1500", "retry-after": "9" }), 1500);
  assert.equal(at({ "retry-after": "2" }), 2000);
  assert.equal(at({ "retry-after": new Date(now + 7000).toUTCString() }), 7000);
  assert.equal(at({ "retry-after": new Date(now - 7000).toUTCString() }), 0);
  assert.equal(at({ "retry-after": "soon" }), undefined);
  assert.equal(at({ "x-amz-retry-after": "-5" }), undefined);
  assert.equal(at({}), undefined);
});

Deno.test("retryReason: throttling and transient lists, network and timeout; unsafe failures are not retried", () => {
  const $metadata = { attempts: 1, totalRetryDelay: 0 };
  const service = (name: string, httpStatusCode: number) => ({
    name,
    $metadata: { ...$metadata, httpStatusCode },
  });
  assert.equal(retryReason(service("LimitExceededException", 400), false), "throttling");
  assert.equal(retryReason(service("Anything", 429), false), "throttling");
  assert.equal(retryReason(service("Anything", 503), false), "transient");
  assert.equal(retryReason(service("RequestTimeoutException", 400), false), "transient");
  assert.equal(retryReason(service("Anything", 501), false), undefined);
  assert.equal(retryReason(service("InvalidParameterValueException", 400), true), undefined);
  const network = new errors.NetworkError("x", { operation: "Op", $metadata });
  assert.equal(retryReason(network, true), "network");
  assert.equal(retryReason(network, false), undefined);
  const timeout = new errors.RequestTimeoutError("x", { operation: "Op", $metadata });
  assert.equal(retryReason(timeout, true), "timeout");
  assert.equal(retryReason(timeout, false), undefined);
  const cut = new errors.DeserializationError("x", {
    operation: "Op",
    $metadata: { ...$metadata, httpStatusCode: 200 },
    incomplete: true,
  });
  assert.equal(retryReason(cut, true), "network");
  assert.equal(retryKind(timeout, true), "transient");
  assert.equal(retryKind(service("Anything", 429), false), "throttling");
  assert.equal(retryKind(timeout, false), undefined);
  assert.equal(retryReason(new TypeError("ours"), true), undefined, "our own TypeErrors");
});

Deno.test("backoffDelay: one formula, full jitter for retries, a floor for waiters", () => {
  withRandom(0, () => {
    assert.equal(backoffDelay(50, 0, 20_000), 0);
    assert.equal(backoffDelay(5000, 3, 60_000, 5000), 5000);
  });
  withRandom(0.999999, () => {
    assert.equal(backoffDelay(5000, 0, 60_000, 5000), 5000);
    assert.equal(backoffDelay(5000, 3, 60_000, 5000), 39999);
    assert.equal(backoffDelay(5000, 10, 60_000, 5000), 59999);
  });
});

Deno.test("sleep rejects at once when its signal has already aborted", async () => {
  let outcome: unknown = "pending";
  sleep(60_000, AbortSignal.abort("gone")).catch((e) => outcome = e);
  await Promise.resolve();
  await Promise.resolve();
  assert.equal(outcome, "gone");
});

Deno.test("the runtime's errors have one home: errors.ts", () => {
  assert.equal(mod.PaginationError, errors.PaginationError);
  for (const E of [errors.NetworkError, errors.DeserializationError, errors.OutcomeUnknownError]) {
    assert.ok(
      new E("m", { operation: "Op", $metadata: { attempts: 1, totalRetryDelay: 0 } }) instanceof
        errors.CallError,
    );
  }
});

Deno.test("StandardRetryStrategy: a left-out number is the standard mode's; an unknown key or a bad number is named", () => {
  const partial = new StandardRetryStrategy({ quota: 20 });
  assert.equal(partial.tokens, 20);
  withRandom(0.999999, () => assert.equal(partial.retryDelay(failure()), 49));
  assert.equal(new StandardRetryStrategy({}).tokens, 500);
  const cases: [unknown, string, RegExp][] = [
    [{ maxAtempts: 3 }, "maxAtempts", /^is unknown/],
    [{ maxAttempts: 3 }, "maxAttempts", /client's maxAttempts/],
    [{ quota: -1 }, "quota", /^must be a finite number ≥ 0$/],
    [{ transientBaseMs: "50" }, "transientBaseMs", /^must be a finite number ≥ 0$/],
    [{ maxBackoffMs: NaN }, "maxBackoffMs", /^must be a finite number ≥ 0$/],
    [null, "", /^must be an object/],
  ];
  for (const [parameters, path, message] of cases) {
    assert.throws(
      () => new StandardRetryStrategy(parameters as never),
      (e: errors.ValidationError) =>
        e instanceof errors.ValidationError && e.issues[0].path === path &&
        message.test(e.issues[0].message) && /^Invalid retry parameters: /.test(e.message),
      String(path),
    );
  }
});
