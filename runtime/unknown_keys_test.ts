// The "did you mean" rule shared by every unknown-key check: client config, call and paginator
// options, credentials, inputs, job, event and Workflow options, copy rules, checkpoint stores.

import assert from "node:assert/strict";
import { closestKey, keyPath, unknownKeyIssues } from "./unknown_keys.ts";

const KNOWN = new Set(["Lifecycle", "RecoveryPointArn", "IdempotencyToken", "concurrency"]);

Deno.test("unknownKeyIssues names each unknown key, the key it probably meant, or the hint", () => {
  assert.deepEqual(
    unknownKeyIssues(
      { Lifecyle: {}, RecoveryPointArn: "a", concurency: 2, zzz: 1, maxRetries: 1 },
      KNOWN,
      "input",
      { maxRetries: "attempts are maxAttempts here" },
    ),
    [
      { path: "input.Lifecyle", message: 'is unknown; did you mean "Lifecycle"?' },
      { path: "input.concurency", message: 'is unknown; did you mean "concurrency"?' },
      { path: "input.zzz", message: "is unknown" },
      { path: "input.maxRetries", message: "is unknown: attempts are maxAttempts here" },
    ],
  );
  assert.deepEqual(unknownKeyIssues({ Lifecycle: 1 }, KNOWN), []);
  // Only own enumerable string keys; symbols and inherited ones are not the caller's members.
  const inherited = Object.create({ Lifecyle: 1 });
  inherited[Symbol("s")] = 1;
  assert.deepEqual(unknownKeyIssues(inherited, KNOWN), []);
  // A key named like an Object.prototype member is not a hint lookup.
  assert.deepEqual(unknownKeyIssues({ toString: 1 }, KNOWN, "", {}), [
    { path: "toString", message: "is unknown" },
  ]);
  // A list of keys works as a set does.
  assert.deepEqual(unknownKeyIssues({ Lifecyle: 1 }, [...KNOWN], "rules[0]"), [
    { path: "rules[0].Lifecyle", message: 'is unknown; did you mean "Lifecycle"?' },
  ]);
});

Deno.test("AWS SDK v3 names get ours wherever the options have it, without being asked", () => {
  const sdk = { abortSignal: 1, logger: 1 };
  assert.deepEqual(unknownKeyIssues(sdk, ["signal", "observe"]), [
    { path: "abortSignal", message: 'is unknown: AWS SDK v3\'s abortSignal is "signal" here' },
    { path: "logger", message: 'is unknown: AWS SDK v3\'s logger is "observe" here' },
  ]);
  assert.deepEqual(unknownKeyIssues({ logger: 1 }, new Set(["log", "rules"])), [
    { path: "logger", message: 'is unknown: AWS SDK v3\'s logger is "log" here' },
  ]);
  // Options without the counterpart: the ordinary rule (no hint pointing nowhere).
  assert.deepEqual(unknownKeyIssues(sdk, ["batchSize"]), [
    { path: "abortSignal", message: "is unknown" },
    { path: "logger", message: "is unknown" },
  ]);
  // The caller's own hint wins.
  assert.deepEqual(unknownKeyIssues({ logger: 1 }, ["observe"], "", { logger: "use observe" }), [
    { path: "logger", message: "is unknown: use observe" },
  ]);
});

Deno.test("closestKey: slips within about 40 % of the length, case ignored, swaps count once", () => {
  assert.equal(closestKey("lifecycle", KNOWN), "Lifecycle");
  assert.equal(closestKey("IdempotencyTokne", KNOWN), "IdempotencyToken");
  assert.equal(closestKey("RecoveryPoint", KNOWN), "RecoveryPointArn", "3 edits of 13");
  assert.equal(closestKey("Recovery", KNOWN), undefined, "8 shorter: too far");
  assert.equal(closestKey("Lifespan", KNOWN), undefined, "5 edits of 8: too far");
  assert.equal(closestKey("x", KNOWN), undefined);
  assert.equal(closestKey("timeout", ["timeoutMs", "signal"]), "timeoutMs");
});

Deno.test("keyPath quotes keys that are not identifiers", () => {
  assert.equal(keyPath("", "a"), "a");
  assert.equal(keyPath("Tags", "team"), "Tags.team");
  assert.equal(keyPath("Tags", "a b"), 'Tags["a b"]');
  assert.equal(keyPath("", "1x"), '["1x"]');
});
