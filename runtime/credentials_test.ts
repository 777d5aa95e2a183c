// Credentials from an environment-like object (a Worker's env, process.env or Deno.env), and the
// cache of a client's credentials: shared provider calls that are safe to abandon.

import assert from "node:assert/strict";
import * as emulator from "../emulator/mod.ts";
import { BackupClient, startCopyJob } from "../mod.ts";
import { CredentialCache, credentialsFromEnv } from "./credentials.ts";
import { ValidationError } from "./errors.ts";

Deno.test("credentialsFromEnv reads the AWS_* names from a record or a get() environment", () => {
  const env = {
    AWS_ACCESS_KEY_ID: "AKID",
    AWS_SECRET_ACCESS_KEY: "secret",
    AWS_SESSION_TOKEN: "token",
    AWS_CREDENTIAL_EXPIRATION: "2030-01-01T00:00:00Z",
  };
  const expected = {
    accessKeyId: "AKID",
    secretAccessKey: "secret",
    sessionToken: "token",
    expiration: new Date("2030-01-01T00:00:00Z"),
  };
  assert.deepEqual(credentialsFromEnv(env), expected);
  const map = new Map(Object.entries(env));
  assert.deepEqual(credentialsFromEnv({ get: (name: string) => map.get(name) }), expected);
  assert.deepEqual(
    credentialsFromEnv({ AWS_ACCESS_KEY_ID: "AKID", AWS_SECRET_ACCESS_KEY: "secret" }),
    { accessKeyId: "AKID", secretAccessKey: "secret" },
  );
  // A Worker's Env is usually an interface, which has no index signature: it type-checks too.
  interface WorkerEnv {
    AWS_ACCESS_KEY_ID: string;
    AWS_SECRET_ACCESS_KEY: string;
  }
  const workerEnv: WorkerEnv = { AWS_ACCESS_KEY_ID: "AKID", AWS_SECRET_ACCESS_KEY: "secret" };
  assert.equal(credentialsFromEnv(workerEnv).accessKeyId, "AKID");
});

Deno.test("credentialsFromEnv names the missing or bad variable, never a value", () => {
  assert.throws(
    () => credentialsFromEnv({ AWS_ACCESS_KEY_ID: "AKID" }),
    (e: ValidationError) =>
      e instanceof ValidationError &&
      e.issues.map((i) => i.path).join() === "AWS_SECRET_ACCESS_KEY" &&
      /AWS_SECRET_ACCESS_KEY must be set/.test(e.message),
  );
  assert.throws(
    () =>
      credentialsFromEnv({
        AWS_ACCESS_KEY_ID: "AKID",
        AWS_SECRET_ACCESS_KEY: "SECRET\nVALUE",
        AWS_CREDENTIAL_EXPIRATION: "tomorrow",
      }),
    (e: ValidationError) =>
      e.issues.map((i) => i.path).join() === "AWS_SECRET_ACCESS_KEY,AWS_CREDENTIAL_EXPIRATION" &&
      !e.message.includes("VALUE"),
  );
});

Deno.test("credentialsFromEnv refuses what is not an environment, naming env", () => {
  for (const env of [undefined, null, "AWS_ACCESS_KEY_ID=AKID", 5, {}, { ctx: {} }, { get: 1 }]) {
    assert.throws(
      () => credentialsFromEnv(env as never),
      (e: ValidationError) =>
        e instanceof ValidationError && e.issues.length === 1 && e.issues[0].path === "env" &&
        /^must be an environment with the AWS_\* variables/.test(e.issues[0].message),
      String(env),
    );
  }
  // A get() environment with nothing set is an environment: the variable is named.
  assert.throws(
    () => credentialsFromEnv({ get: () => undefined }),
    /AWS_ACCESS_KEY_ID must be set/,
  );
});

const KEYS = { accessKeyId: "AKID", secretAccessKey: "secret" };
const expiringKeys = () => ({ ...KEYS, expiration: new Date(Date.now() + 3600_000) });

Deno.test("a provider call abandoned by its caller does not hold the next call: the provider is asked again", async () => {
  let calls = 0;
  // The first provider call never answers (a stuck STS request, or one of a Worker request
  // that ended); later ones answer at once.
  const cache = new CredentialCache(() => {
    calls++;
    return calls === 1 ? new Promise(() => {}) : Promise.resolve(expiringKeys());
  });
  await assert.rejects(cache.get(AbortSignal.timeout(20)), (e: Error) => e.name === "TimeoutError");
  const fresh = await cache.get(AbortSignal.timeout(2000));
  assert.equal(fresh.accessKeyId, "AKID");
  assert.equal(calls, 2);
});

Deno.test("calls waiting on a provider call whose caller gives up ask the provider themselves", async () => {
  let calls = 0;
  const cache = new CredentialCache(() => {
    calls++;
    return calls === 1 ? new Promise(() => {}) : Promise.resolve(expiringKeys());
  });
  const first = cache.get(AbortSignal.timeout(30));
  const waiting = [cache.get(), cache.get(AbortSignal.timeout(2000))];
  await assert.rejects(first);
  const got = await Promise.all(waiting);
  assert.deepEqual(got.map((c) => c.accessKeyId), ["AKID", "AKID"]);
  assert.equal(calls, 2, "one new provider call for both waiting calls");
});

Deno.test("concurrent calls share one provider call: its answer or its error", async () => {
  let calls = 0;
  const answers = [
    () => Promise.resolve(expiringKeys()),
    () => Promise.reject(new Error("sts down")),
  ];
  const cache = new CredentialCache(() => answers[calls++]());
  const got = await Promise.all([cache.get(), cache.get(), cache.get()]);
  assert.ok(got.every((c) => c === got[0]));
  assert.equal(calls, 1);
  cache.invalidate();
  const failed = await Promise.allSettled([cache.get(), cache.get()]);
  assert.deepEqual(failed.map((r) => r.status === "rejected" && String(r.reason)), [
    "Error: sts down",
    "Error: sts down",
  ]);
  assert.equal(calls, 2);
});

Deno.test("invalidate(used) keeps credentials another call refreshed meanwhile", async () => {
  let calls = 0;
  const cache = new CredentialCache(() => {
    calls++;
    return Promise.resolve({ ...expiringKeys(), accessKeyId: `AKID${calls}` });
  });
  const old = await cache.get();
  cache.invalidate(old);
  const fresh = await cache.get();
  cache.invalidate(old); // a late expired-token error about the old credentials
  assert.equal((await cache.get()).accessKeyId, fresh.accessKeyId);
  assert.equal(calls, 2);
});

Deno.test("a provider call left behind without an abort holds a waiting call at most half of its budget", async () => {
  let calls = 0;
  // The first provider call never answers and its caller never aborts (a Worker request that
  // died): only PROVIDER_WAIT_MS (5 s) would free the calls that wait for it.
  const cache = new CredentialCache(() => {
    calls++;
    return calls === 1 ? new Promise(() => {}) : Promise.resolve(expiringKeys());
  });
  void cache.get();
  const started = Date.now();
  const budget = 1000;
  const fresh = await cache.get(AbortSignal.timeout(budget), started + budget);
  const waited = Date.now() - started;
  assert.equal(fresh.accessKeyId, "AKID");
  assert.equal(calls, 2, "a provider call of its own");
  assert.ok(waited >= budget / 2 - 20 && waited < budget, `${waited} ms`);
  // Without a budget, a call joins the provider call the last one started (which answered).
  assert.equal(await cache.get(), fresh);
});

Deno.test("over real HTTP: a call with timeoutMs 1000 after a provider call left behind is signed with fresh credentials", async () => {
  await using local = await emulator.startEmulator();
  let calls = 0;
  const client = new BackupClient({
    region: emulator.DEMO_REGION,
    endpoint: local.url,
    credentials: () =>
      ++calls === 1 ? new Promise(() => {}) : Promise.resolve({
        ...emulator.DEMO_CREDENTIALS,
        expiration: new Date(Date.now() + 3600_000),
      }),
  });
  const input = {
    RecoveryPointArn: emulator.RECOVERY_POINT_OK_ARN,
    SourceBackupVaultName: emulator.DEFAULT_VAULT_NAME,
    DestinationBackupVaultArn: emulator.DR_VAULT_WEST_ARN,
    IamRoleArn: emulator.DEMO_IAM_ROLE_ARN,
  };
  // Left behind, never aborted: the call of a Worker request that died.
  void startCopyJob(client, input);
  const output = await startCopyJob(client, input, { timeoutMs: 1000 });
  assert.equal(typeof output.CopyJobId, "string");
  assert.equal(calls, 2, "the provider asked again");
  assert.equal(local.requests.length, 1);
  assert.equal(local.requests[0].signatureValid, true, local.requests[0].authError);
});
