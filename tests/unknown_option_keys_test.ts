/**
 * Nothing a caller passes is silently ignored, also where options are small: the copy's
 * idempotency token and the checkpoint stores refuse keys they do not know (a misspelt `retryOf`
 * would give a retry the failed copy's token, a misspelt `prefix` would write a run's records
 * where the next invocation does not look). Client config, call, paginator, job, event and
 * Workflow options, credentials and inputs are tested where they live.
 */

import assert from "node:assert/strict";
import {
  copyIdempotencyToken,
  deriveIdempotencyToken,
  KvCheckpointStore,
  type KvNamespaceLike,
  ValidationError,
} from "../mod.ts";
import { DenoKvCheckpointStore, type DenoKvLike } from "../jobs/checkpoint_deno_kv.ts";

const RP = "arn:aws:ec2:us-east-1::snapshot/snap-0123";
const DR = "arn:aws:backup:us-west-2:111122223333:backup-vault:dr";

Deno.test("copyIdempotencyToken: an unknown or mistyped option rejects; a retry never gets the first copy's token", async () => {
  const first = await copyIdempotencyToken(RP, DR);
  await assert.rejects(
    copyIdempotencyToken(RP, DR, { retryof: "JOB-1" } as never),
    (e: unknown) =>
      e instanceof ValidationError &&
      e.message ===
        'Invalid copyIdempotencyToken options: retryof is unknown; did you mean "retryOf"?',
  );
  await assert.rejects(
    copyIdempotencyToken(RP, DR, { retryOf: 42 } as never),
    /Invalid copyIdempotencyToken options: retryOf must be a string/,
  );
  await assert.rejects(copyIdempotencyToken(RP, DR, null as never), ValidationError);
  const retry = await copyIdempotencyToken(RP, DR, { retryOf: "JOB-1", copyKey: undefined });
  assert.notEqual(retry, first);
});

Deno.test("copyIdempotencyToken, deriveIdempotencyToken: a missing or malformed ARN rejects naming it, never a fixed token", async () => {
  const issuesOf = async (token: Promise<string>) => {
    const e = await token.then(() => undefined, (e) => e);
    assert.ok(e instanceof ValidationError, `expected a ValidationError, got ${e}`);
    return e.issues.map((i) => i.path);
  };
  const both = ["recoveryPointArn", "destinationBackupVaultArn"];
  assert.deepEqual(
    await issuesOf(copyIdempotencyToken(undefined as never, undefined as never)),
    both,
  );
  assert.deepEqual(await issuesOf(copyIdempotencyToken("", "")), both);
  assert.deepEqual(await issuesOf(copyIdempotencyToken(undefined as never, DR)), [both[0]]);
  assert.deepEqual(await issuesOf(copyIdempotencyToken(RP, "dr")), [both[1]]);
  assert.deepEqual(await issuesOf(copyIdempotencyToken("snap-0123", DR)), [both[0]]);
  assert.deepEqual(await issuesOf(deriveIdempotencyToken(undefined as never, RP, DR)), ["runId"]);
  assert.deepEqual(await issuesOf(deriveIdempotencyToken(" ", RP, DR)), ["runId"]);
  assert.deepEqual(
    await issuesOf((deriveIdempotencyToken as () => Promise<string>)()),
    ["runId", ...both],
  );
});

Deno.test("checkpoint stores: an unknown option is a ValidationError when the store is made", () => {
  const kv = { get() {}, put() {}, list() {} } as unknown as KvNamespaceLike;
  assert.throws(
    () => new KvCheckpointStore(kv, { prefx: "nightly/" } as never),
    (e: unknown) =>
      e instanceof ValidationError &&
      e.message === 'Invalid KvCheckpointStore options: prefx is unknown; did you mean "prefix"?',
  );
  assert.throws(
    () => new KvCheckpointStore(kv, { prefix: ["nightly"] } as never),
    /prefix must be a string/,
  );
  new KvCheckpointStore(kv, { prefix: "nightly/" });
  new KvCheckpointStore(kv, { prefix: undefined });
  const denoKv = { get() {}, set() {}, list() {} } as unknown as DenoKvLike;
  assert.throws(
    () => new DenoKvCheckpointStore(denoKv, { prefx: ["nightly"] } as never),
    (e: unknown) =>
      e instanceof ValidationError &&
      e.message ===
        'Invalid DenoKvCheckpointStore options: prefx is unknown; did you mean "prefix"?',
  );
  assert.throws(
    () => new DenoKvCheckpointStore(denoKv, { prefix: "nightly" } as never),
    /prefix must be an array of key parts/,
  );
  new DenoKvCheckpointStore(denoKv, { prefix: ["nightly"] });
});
