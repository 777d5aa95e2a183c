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

/** Counts WebCrypto HMAC key imports and signatures while `run` runs. */
async function countCrypto(run: () => Promise<unknown>) {
  const subtle = crypto.subtle;
  const importKey = subtle.importKey, sign = subtle.sign;
  const counts = { importKey: 0, sign: 0 };
  // deno-lint-ignore no-explicit-any
  const spy = subtle as any;
  spy.importKey = (
    ...args: unknown[]
  ) => (counts.importKey++, importKey.apply(subtle, args as never));
  spy.sign = (...args: unknown[]) => (counts.sign++, sign.apply(subtle, args as never));
  try {
    await run();
  } finally {
    delete spy.importKey;
    delete spy.sign;
  }
  assert.equal(subtle.importKey, importKey, "spy removed");
  return counts;
}

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

Deno.test("the signing key matches AWS's derivation example", async () => {
  // AWS Signature Version 4 docs, "Examples of how to derive a signing key": secret
  // wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, 20150830, us-east-1, iam.
  const expected = "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9";
  const key = await new SigningKeyCache().key(
    "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    "20150830",
    "us-east-1",
    "iam",
  );
  const reference = await crypto.subtle.importKey(
    "raw",
    Uint8Array.from(expected.match(/../g)!, (h) => parseInt(h, 16)),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const data = new TextEncoder().encode("string to sign");
  assert.deepEqual(
    new Uint8Array(await crypto.subtle.sign("HMAC", key, data)),
    new Uint8Array(await crypto.subtle.sign("HMAC", reference, data)),
  );
});

Deno.test("a client's second request derives no key: one HMAC, no key import", async () => {
  const credentials = { accessKeyId: "AKIDCACHE", secretAccessKey: "secret/cache" };
  const first = await countCrypto(() => signRequest(params(credentials)));
  assert.deepEqual(first, { importKey: 5, sign: 5 }, "four derivation HMACs, then the signature");
  let second!: Request;
  const counts = await countCrypto(async () => second = await signRequest(params(credentials)));
  assert.deepEqual(counts, { importKey: 0, sign: 1 });
  await assertVerifies(second, credentials);
});

Deno.test("the key cache follows a new secret, day, Region or service", async () => {
  const keys = new SigningKeyCache();
  const base = ["secret/a", "20260408", "us-east-1", "backup"] as const;
  const first = await keys.key(...base);
  assert.equal(await keys.key(...base), first, "same scope: same key");
  for (const i of [0, 1, 2, 3]) {
    const changed = [...base] as [string, string, string, string];
    changed[i] += "x";
    const other = await keys.key(...changed);
    assert.notEqual(other, first, `scope part ${i} changed`);
    assert.notEqual(await keys.key(...base), other, `back to the first scope after part ${i}`);
  }
  // And through signRequest: another day, another Region, still valid signatures.
  const credentials = { accessKeyId: "AKIDDAYS", secretAccessKey: "secret/days" };
  for (
    const [datetime, region] of [[NOW, "us-east-1"], [NOW + 86_400_000, "us-east-1"], [
      NOW + 86_400_000,
      "eu-west-1",
    ]] as const
  ) {
    const request = await signRequest(
      params(credentials, { datetime: formatAmzDate(datetime), region }),
    );
    await assertVerifies(request, credentials, region);
  }
});

Deno.test("concurrent requests share one key derivation", async () => {
  const credentials = { accessKeyId: "AKIDCONCURRENT", secretAccessKey: "secret/c" };
  const counts = await countCrypto(() =>
    Promise.all([1, 2, 3].map(() => signRequest(params(credentials))))
  );
  assert.deepEqual(counts, { importKey: 5, sign: 7 }, "one derivation, three signatures");
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
    const ours = await signRequest(p);
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
  assert.deepEqual(await countCrypto(() => startCopyJob(client, input)), {
    importKey: 5,
    sign: 5,
  });
  assert.deepEqual(
    await countCrypto(() => Promise.all([1, 2, 3].map(() => startCopyJob(client, input)))),
    { importKey: 0, sign: 3 },
    "later calls of the same client: one HMAC each",
  );
  assert.deepEqual(await countCrypto(() => startCopyJob(newClient(), input)), {
    importKey: 5,
    sign: 5,
  }, "another client derives its own key");
});
