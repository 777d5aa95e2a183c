/**
 * SigV4 signing: signatures checked independently (the emulator's `@smithy/signature-v4`
 * verifier), the signing key against AWS's published derivation example, and the key cache:
 * derived once per secret, day, Region and service, never reused across them.
 */

import assert from "node:assert/strict";
import { formatAmzDate, verifySigV4 } from "../emulator/sigv4.ts";
import { type Credentials, SigningKeyCache, type SigningParams, signRequest } from "./signer.ts";

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

/**
 * A signing-key cache that records each key it hands out, so a test can tell one derivation
 * (the same key object every time) from many.
 */
class RecordingKeyCache extends SigningKeyCache {
  handedOut: Uint8Array[] = [];
  override key(secret: string, date: string, region: string, service: string): Uint8Array {
    const key = super.key(secret, date, region, service);
    this.handedOut.push(key);
    return key;
  }
  get distinct(): number {
    return new Set(this.handedOut).size;
  }
}

Deno.test("signed requests verify independently, with and without a session token", async () => {
  for (
    const credentials of [
      { accessKeyId: "AKIDSIGNER", secretAccessKey: "secret/one" },
      { accessKeyId: "ASIASIGNER", secretAccessKey: "secret/two", sessionToken: "token==" },
    ]
  ) {
    const request = signRequest(params(credentials));
    assert.equal(request.headers.get("x-amz-security-token"), credentials.sessionToken ?? null);
    await assertVerifies(request, credentials);
  }
});

Deno.test("the signing key matches AWS's derivation example", () => {
  // AWS Signature Version 4 docs, "Examples of how to derive a signing key": secret
  // wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, 20150830, us-east-1, iam.
  const key = new SigningKeyCache().key(
    "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    "20150830",
    "us-east-1",
    "iam",
  );
  assert.equal(
    [...key].map((b) => b.toString(16).padStart(2, "0")).join(""),
    "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9",
  );
});

Deno.test("requests signed with one cache derive the key once", async () => {
  const credentials = { accessKeyId: "AKIDCACHE", secretAccessKey: "secret/cache" };
  const keys = new RecordingKeyCache();
  const requests = [1, 2, 3].map(() => signRequest({ ...params(credentials), keys }));
  assert.equal(keys.handedOut.length, 3);
  assert.equal(keys.distinct, 1, "one key object for the three requests");
  for (const request of requests) await assertVerifies(request, credentials);
});

Deno.test("the key cache follows a new secret, day, Region or service", async () => {
  const keys = new SigningKeyCache();
  const base = ["secret/a", "20260408", "us-east-1", "backup"] as const;
  const first = keys.key(...base);
  assert.equal(keys.key(...base), first, "same scope: same key");
  for (const i of [0, 1, 2, 3]) {
    const changed = [...base] as [string, string, string, string];
    changed[i] += "x";
    const other = keys.key(...changed);
    assert.notDeepEqual(other, first, `scope part ${i} changed`);
    assert.deepEqual(keys.key(...base), first, `back to the first scope after part ${i}`);
  }
  // And through signRequest: another day, another Region, still valid signatures.
  const credentials = { accessKeyId: "AKIDDAYS", secretAccessKey: "secret/days" };
  for (
    const [datetime, region] of [[NOW, "us-east-1"], [NOW + 86_400_000, "us-east-1"], [
      NOW + 86_400_000,
      "eu-west-1",
    ]] as const
  ) {
    const request = signRequest(
      params(credentials, { datetime: formatAmzDate(datetime), region }),
    );
    await assertVerifies(request, credentials, region);
  }
});

Deno.test("the Authorization header is aws4fetch's, byte for byte, on awkward requests", async () => {
  const { AwsV4Signer } = await import("aws4fetch");
  const credentials = {
    accessKeyId: "AKIDDIFF",
    secretAccessKey: "secret/diff",
    sessionToken: "t",
  };
  const cases: Partial<SigningParams>[] = [
    { method: "GET", url: "https://backup.us-east-1.amazonaws.com/backup-jobs/", body: undefined },
    {
      method: "GET",
      url: "https://backup.eu-west-1.amazonaws.com/copy-jobs/?maxResults=10&ByState=" +
        "COMPLETED&b=%20x%2By&a=%2A%21%27%28%29&a=0&empty=&%C3%A9t%C3%A9=%E2%9C%93",
      body: undefined,
    },
    {
      method: "put",
      url: "http://127.0.0.1:8080/base//backup-vaults/my%20vault%2Fname/recovery-points/" +
        "arn%3Aaws%3Abackup%3Aus-east-1%3A1%3Arecovery-point%3Ax",
      headers: { "content-type": "application/json", "x-amz-meta-a": "  two  spaces  " },
    },
    { body: new Uint8Array([0, 1, 2, 255]), headers: { "content-md5": "AAAA==" } },
    { url: "https://prefix.backup.us-east-1.amazonaws.com/tags/arn%3Aaws%3Ax?tagKeys=a&tagKeys=b" },
  ];
  for (const overrides of cases) {
    const p = params(credentials, overrides);
    const ours = signRequest(p);
    const reference = await new AwsV4Signer({
      ...p,
      ...credentials,
      body: p.body as BodyInit | undefined,
    }).sign();
    assert.equal(
      ours.headers.get("authorization"),
      reference.headers.get("authorization"),
      p.url,
    );
    assert.equal(ours.headers.get("x-amz-date"), reference.headers.get("x-amz-date"));
    await assertVerifies(ours, credentials, p.region);
  }
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
  assert.equal(keys.handedOut.length, 4, "every call signs with the client's cache");
  assert.equal(keys.distinct, 1, "derived once for the client's four calls");
  assert.notEqual(newClient().signingKeys, newClient().signingKeys, "each client has its own");
});
