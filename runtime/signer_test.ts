/**
 * SigV4 signing through aws4fetch: signatures checked independently (the emulator's
 * `@smithy/signature-v4` verifier), the cached signing key against AWS's published derivation
 * example, and the per-client key cache: derived once per secret, day, Region and service, never
 * reused across them, one key kept.
 */

import assert from "node:assert/strict";
import { formatAmzDate, verifySigV4 } from "../emulator/sigv4.ts";
import {
  type Credentials,
  SigningKeyCache,
  type SigningParams,
  signRequest as sign,
} from "./signer.ts";

/** Signs, and builds the `Request` fetch would build from the URL and init. */
async function signRequest(params: SigningParams): Promise<Request> {
  const { url, init } = await sign(params);
  return new Request(url, init);
}

const NOW = Date.UTC(2026, 3, 8, 12, 0, 0);

/** One signing-key cache per credentials object, as one client per credentials. */
const keysOf = new Map<Credentials, SigningKeyCache>();

function params(credentials: Credentials, overrides: Partial<SigningParams> = {}): SigningParams {
  if (!keysOf.has(credentials)) keysOf.set(credentials, new SigningKeyCache());
  return {
    keys: keysOf.get(credentials)!,
    method: "PUT",
    url: "https://backup.us-east-1.amazonaws.com/copy-jobs?b=2&a=1",
    headers: { "content-type": "application/json", "x-amz-user-agent": "bench" },
    body: '{"RecoveryPointArn":"arn:aws:backup:us-east-1:111122223333:recovery-point:1"}',
    credentials,
    service: "backup",
    region: "us-east-1",
    datetime: formatAmzDate(NOW),
    ...overrides,
  };
}

/** Verifies a signed request with the emulator's independent verifier. */
async function assertVerifies(request: Request, credentials: Credentials, region = "us-east-1") {
  const url = new URL(request.url);
  const headers = new Headers(request.headers);
  headers.set("host", url.host); // as fetch sends it
  const result = await verifySigV4({
    method: request.method,
    path: url.pathname,
    search: url.search.slice(1),
    headers,
    body: new Uint8Array(await request.arrayBuffer()),
  }, {
    credentials: [credentials],
    region,
    service: "backup",
    nowMs: Date.parse(
      request.headers.get("x-amz-date")!.replace(
        /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/,
        "$1-$2-$3T$4:$5:$6Z",
      ),
    ),
    maxSkewMs: 60_000,
  });
  assert.ok(result.valid, result.valid ? "" : result.error.message);
}

/** A signing-key cache that records derivations (aws4fetch stores each key it derives). */
class RecordingKeyCache extends SigningKeyCache {
  derived: { scope: string; key: ArrayBuffer }[] = [];
  override set(scope: string, key: ArrayBuffer): this {
    this.derived.push({ scope, key });
    return super.set(scope, key);
  }
}

const hex = (key: ArrayBuffer) =>
  [...new Uint8Array(key)].map((b) => b.toString(16).padStart(2, "0")).join("");

Deno.test("signed requests verify independently, with and without a session token", async () => {
  for (
    const credentials of [
      { accessKeyId: "AKIDSIGNER", secretAccessKey: "secret/one" },
      { accessKeyId: "ASIASIGNER", secretAccessKey: "secret/two", sessionToken: "token==" },
    ]
  ) {
    const request = await signRequest(params(credentials));
    assert.equal(request.headers.get("x-amz-security-token"), credentials.sessionToken ?? null);
    await assertVerifies(request, credentials);
  }
});

Deno.test("the cached signing key matches AWS's derivation example", async () => {
  // AWS Signature Version 4 docs, "Examples of how to derive a signing key": secret
  // wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, 20150830, us-east-1, iam.
  const keys = new RecordingKeyCache();
  await signRequest(params(
    { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" },
    { keys, datetime: "20150830T123600Z", service: "iam" },
  ));
  assert.equal(keys.derived.length, 1);
  assert.equal(
    hex(keys.get(keys.derived[0].scope)!),
    "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9",
  );
});

Deno.test("requests signed with one cache derive the key once", async () => {
  const credentials = { accessKeyId: "AKIDCACHE", secretAccessKey: "secret/cache" };
  const keys = new RecordingKeyCache();
  const requests = [];
  for (const _ of [1, 2, 3]) requests.push(await signRequest({ ...params(credentials), keys }));
  assert.equal(keys.derived.length, 1, "one derivation for the three requests");
  for (const request of requests) await assertVerifies(request, credentials);
});

Deno.test("the key cache follows a new secret, day, Region or service and keeps one key", async () => {
  const keys = new RecordingKeyCache();
  const credentials = { accessKeyId: "AKIDDAYS", secretAccessKey: "secret/days" };
  const scopes: [Credentials, number, string, string][] = [
    [credentials, NOW, "us-east-1", "backup"],
    [{ ...credentials, secretAccessKey: "secret/rotated" }, NOW, "us-east-1", "backup"],
    [credentials, NOW + 86_400_000, "us-east-1", "backup"],
    [credentials, NOW, "eu-west-1", "backup"],
    [credentials, NOW, "us-east-1", "iam"],
  ];
  for (const [i, [creds, time, region, service]] of scopes.entries()) {
    const request = await signRequest(
      params(creds, { keys, datetime: formatAmzDate(time), region, service }),
    );
    assert.equal(keys.derived.length, i + 1, `scope ${i}: a new key`);
    const latest = keys.derived[i];
    assert.equal(keys.get(latest.scope), latest.key, "the latest key is kept");
    if (i) assert.equal(keys.get(keys.derived[i - 1].scope), undefined, "only the latest");
    if (service === "backup") await assertVerifies(request, creds, region);
  }
});

Deno.test("the cache shows neither key nor scope (the scope holds the secret)", async () => {
  const keys = new SigningKeyCache();
  const secret = "secret/never-shown";
  await signRequest(params({ accessKeyId: "AKIDHIDE", secretAccessKey: secret }, { keys }));
  const shown = [
    Deno.inspect(keys, { showHidden: true, depth: 10 }),
    JSON.stringify(keys),
    String(Object.entries(keys)),
  ].join("\n");
  assert.ok(!shown.includes(secret), shown);
});

Deno.test("a client derives its signing key once for all its calls; each client has its own", async () => {
  const { BackupClient, startCopyJob } = await import("../mod.ts");
  const answer = () =>
    Promise.resolve(Response.json({ CopyJobId: "job", CreationDate: 1, IsParent: false }));
  const newClient = () =>
    new BackupClient({
      region: "us-east-1",
      credentials: { accessKeyId: "AKIDCLIENT", secretAccessKey: "secret/client" },
      fetch: answer,
    });
  const input = {
    RecoveryPointArn: "arn:aws:backup:us-east-1:111122223333:recovery-point:1",
    SourceBackupVaultName: "Default",
    DestinationBackupVaultArn: "arn:aws:backup:us-west-2:111122223333:backup-vault:dr",
    IamRoleArn: "arn:aws:iam::111122223333:role/backup",
  };
  const client = newClient();
  const keys = new RecordingKeyCache();
  // The client's own cache, replaced by a recording one.
  Object.defineProperty(client, "signingKeys", { value: keys });
  await startCopyJob(client, input);
  await Promise.all([1, 2, 3].map(() => startCopyJob(client, input)));
  assert.equal(keys.derived.length, 1, "derived once for the client's four calls");
  assert.notEqual(newClient().signingKeys, newClient().signingKeys, "each client has its own");
});
