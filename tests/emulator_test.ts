/**
 * Tests of the local AWS Backup emulator over real HTTP, with requests signed by aws4fetch
 * and by @smithy/signature-v4, independently of the generated client.
 */

import assert from "node:assert/strict";
import { AwsV4Signer } from "aws4fetch";
import { SignatureV4 } from "@smithy/signature-v4";
import {
  BACKUP_ERROR_TYPE_SUFFIX,
  CORAL_ERROR_TYPE_SUFFIX,
  CROSS_ACCOUNT_VAULT_ARN,
  DEFAULT_VAULT_ARN,
  DEFAULT_VAULT_NAME,
  DEMO_ACCOUNT_ID,
  DEMO_CREDENTIALS,
  DEMO_IAM_ROLE_ARN,
  DEMO_REGION,
  DEMO_SESSION_CREDENTIALS,
  DR_VAULT_ARN,
  DR_VAULT_NAME,
  DR_VAULT_WEST_ARN,
  type Emulator,
  type EmulatorCredential,
  type EmulatorOptions,
  FAILING_STATUS_MESSAGE,
  parseSeed,
  PARTIAL_STATUS_MESSAGE,
  RECOVERY_POINT_FAILING_ARN,
  RECOVERY_POINT_OK_ARN,
  RECOVERY_POINT_PARTIAL_ARN,
  type RecoveryPointFixture,
  SeedError,
  startEmulator,
  WebCryptoSha256,
} from "../emulator/mod.ts";

// ---------------------------------------------------------------------------------------------
// Helpers

type Json = Record<string, unknown>;

/** A request to send, signed with aws4fetch unless `unsigned`. */
interface Call {
  method: "GET" | "PUT" | "POST" | "DELETE";
  /** Path, already percent-encoded. */
  path: string;
  query?: Record<string, string>;
  body?: string;
  /** Body actually sent, when it should differ from the signed one. */
  sendBody?: string;
  credential?: EmulatorCredential;
  /** Credential-scope region. */
  region?: string;
  service?: string;
  /** Signing instant, epoch ms. */
  at?: number;
  headers?: Record<string, string>;
  unsigned?: boolean;
  signal?: AbortSignal;
}

function amzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, "");
}

function urlOf(target: { url: string }, call: Pick<Call, "path" | "query">): string {
  const url = new URL(target.url + call.path);
  for (const [k, v] of Object.entries(call.query ?? {})) url.searchParams.set(k, v);
  return url.toString();
}

async function send(target: { url: string }, call: Call): Promise<Response> {
  const url = urlOf(target, call);
  const headers = new Headers(call.headers);
  if (call.body !== undefined && !headers.has("content-type")) {
    headers.set("content-type", "application/json");
  }
  if (call.unsigned) {
    return await fetch(url, {
      method: call.method,
      headers,
      body: call.sendBody ?? call.body,
      signal: call.signal,
    });
  }
  const credential = call.credential ?? DEMO_CREDENTIALS;
  const signed = await new AwsV4Signer({
    url,
    method: call.method,
    headers,
    body: call.body,
    accessKeyId: credential.accessKeyId,
    secretAccessKey: credential.secretAccessKey,
    sessionToken: credential.sessionToken,
    service: call.service ?? "backup",
    region: call.region ?? DEMO_REGION,
    datetime: call.at === undefined ? undefined : amzDate(call.at),
  }).sign();
  return await fetch(signed.url, {
    method: call.method,
    headers: signed.headers,
    body: call.sendBody ?? call.body,
    signal: call.signal,
  });
}

/** Signs with @smithy/signature-v4 (which also sends x-amz-content-sha256). */
async function sendSmithySigned(
  emulator: Emulator,
  call: Pick<Call, "method" | "path" | "query" | "body" | "credential">,
): Promise<Response> {
  const base = new URL(emulator.url);
  const signer = new SignatureV4({
    service: "backup",
    region: DEMO_REGION,
    credentials: call.credential ?? DEMO_CREDENTIALS,
    sha256: WebCryptoSha256,
  });
  const headers: Record<string, string> = { host: base.host };
  if (call.body !== undefined) headers["content-type"] = "application/json";
  const signed = await signer.sign({
    method: call.method,
    protocol: "http:",
    hostname: base.hostname,
    port: Number(base.port),
    path: call.path,
    query: call.query ?? {},
    headers,
    body: call.body,
  });
  const { host: _host, ...sendHeaders } = signed.headers;
  return await fetch(urlOf(emulator, call), {
    method: call.method,
    headers: sendHeaders,
    body: call.body,
  });
}

function startBody(overrides: Json = {}): Json {
  return {
    RecoveryPointArn: RECOVERY_POINT_OK_ARN,
    SourceBackupVaultName: DEFAULT_VAULT_NAME,
    DestinationBackupVaultArn: DR_VAULT_WEST_ARN,
    IamRoleArn: DEMO_IAM_ROLE_ARN,
    ...overrides,
  };
}

async function startCopyJob(
  emulator: Emulator,
  overrides: Json = {},
  at?: number,
): Promise<{ status: number; body: Json }> {
  const res = await send(emulator, {
    method: "PUT",
    path: "/copy-jobs",
    body: JSON.stringify(startBody(overrides)),
    at,
  });
  return { status: res.status, body: await res.json() };
}

async function describeCopyJob(emulator: Emulator, id: string, at?: number): Promise<Json> {
  const res = await send(emulator, {
    method: "GET",
    path: `/copy-jobs/${encodeURIComponent(id)}`,
    at,
  });
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  return body.CopyJob;
}

async function listCopyJobs(
  emulator: Emulator,
  query: Record<string, string>,
  at?: number,
): Promise<{ status: number; body: Json }> {
  const res = await send(emulator, { method: "GET", path: "/copy-jobs", query, at });
  return { status: res.status, body: await res.json() };
}

/** Asserts an error response: status, X-Amzn-Errortype (and suffix), body style. */
async function assertError(
  res: Response,
  status: number,
  errorType: string,
  suffix?: string,
): Promise<Json> {
  const body = await res.json();
  assert.equal(res.status, status, JSON.stringify(body));
  const header = res.headers.get("x-amzn-errortype") ?? "";
  assert.equal(header.split(":")[0], errorType, header);
  if (suffix !== undefined) assert.equal(header, errorType + suffix);
  assert.match(res.headers.get("x-amzn-requestid") ?? "", /^[0-9a-f-]{36}$/);
  return body;
}

/** Asserts a modeled Backup error with its `{Code, Message, Type, Context}` body. */
async function assertModeledError(
  res: Response,
  errorType: string,
  context?: string,
  status = 400,
): Promise<Json> {
  const body = await assertError(res, status, errorType, BACKUP_ERROR_TYPE_SUFFIX);
  assert.equal(body.Code, errorType);
  assert.equal(typeof body.Message, "string");
  assert.equal(body.Type, status >= 500 ? "Service" : "User");
  if (context !== undefined) assert.equal(body.Context, context);
  return body;
}

/** Runs `fn` with a fresh emulator, always closing it. */
async function withEmulator(
  options: EmulatorOptions,
  fn: (emulator: Emulator) => Promise<void>,
): Promise<void> {
  const emulator = await startEmulator(options);
  try {
    await fn(emulator);
  } finally {
    await emulator.close();
  }
}

/** A controllable clock for `now`. */
function fakeClock(start = Date.now()) {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
    get t() {
      return t;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// StartCopyJob / DescribeCopyJob / ListCopyJobs happy paths

Deno.test("StartCopyJob: a signed request starts a job", async () => {
  await withEmulator({}, async (emulator) => {
    assert.match(emulator.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const before = Date.now();
    const res = await send(emulator, {
      method: "PUT",
      path: "/copy-jobs",
      body: JSON.stringify(startBody({ Lifecycle: { DeleteAfterDays: 35 } })),
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "application/json");
    assert.match(res.headers.get("x-amzn-requestid") ?? "", /^[0-9a-f-]{36}$/);
    const body = await res.json();
    assert.deepEqual(Object.keys(body).sort(), ["CopyJobId", "CreationDate", "IsParent"]);
    assert.equal(typeof body.CopyJobId, "string");
    assert.equal(body.IsParent, false);
    assert.equal(typeof body.CreationDate, "number");
    assert.ok(body.CreationDate * 1000 >= before && body.CreationDate * 1000 <= Date.now());

    assert.equal(emulator.jobs().length, 1);
    assert.equal(emulator.jobs()[0].CopyJobId, body.CopyJobId);
    const [entry] = emulator.requests;
    assert.equal(entry.method, "PUT");
    assert.equal(entry.path, "/copy-jobs");
    assert.equal(entry.operation, "StartCopyJob");
    assert.equal(entry.signatureValid, true);
    assert.equal(entry.status, 200);
    assert.equal(JSON.parse(entry.body).RecoveryPointArn, RECOVERY_POINT_OK_ARN);
    assert.match(entry.headers["authorization"], /^AWS4-HMAC-SHA256 Credential=AKIDEMULATOR/);
  });
});

Deno.test("DescribeCopyJob and ListCopyJobs show the started job with model members", async () => {
  await withEmulator({}, async (emulator) => {
    const { body: started } = await startCopyJob(emulator);
    const job = await describeCopyJob(emulator, started.CopyJobId as string);
    assert.equal(job.CopyJobId, started.CopyJobId);
    assert.equal(job.AccountId, DEMO_ACCOUNT_ID);
    assert.equal(job.SourceBackupVaultArn, DEFAULT_VAULT_ARN);
    assert.equal(job.SourceRecoveryPointArn, RECOVERY_POINT_OK_ARN);
    assert.equal(job.DestinationBackupVaultArn, DR_VAULT_WEST_ARN);
    assert.equal(job.IamRoleArn, DEMO_IAM_ROLE_ARN);
    assert.equal(job.ResourceType, "DynamoDB");
    assert.equal(job.CreationDate, started.CreationDate);
    assert.equal(job.State, "CREATED");
    assert.equal(job.IsParent, false);

    const { status, body } = await listCopyJobs(emulator, {});
    assert.equal(status, 200);
    assert.deepEqual(body, { CopyJobs: [job] });
  });
});

// ---------------------------------------------------------------------------------------------
// SigV4

Deno.test("SigV4: a tampered body is rejected with InvalidSignatureException", async () => {
  await withEmulator({}, async (emulator) => {
    const res = await send(emulator, {
      method: "PUT",
      path: "/copy-jobs",
      body: JSON.stringify(startBody()),
      sendBody: JSON.stringify(startBody({ DestinationBackupVaultArn: CROSS_ACCOUNT_VAULT_ARN })),
    });
    const body = await assertError(res, 403, "InvalidSignatureException", CORAL_ERROR_TYPE_SUFFIX);
    assert.match(
      body.message as string,
      /^The request signature we calculated does not match the signature you provided/,
    );
    assert.equal(emulator.jobs().length, 0);
    assert.equal(emulator.requests[0].signatureValid, false);
    assert.equal(emulator.requests[0].authError, "InvalidSignatureException");
  });
});

Deno.test("SigV4: a wrong secret is rejected with InvalidSignatureException", async () => {
  await withEmulator({}, async (emulator) => {
    const res = await send(emulator, {
      method: "GET",
      path: "/copy-jobs",
      credential: { ...DEMO_CREDENTIALS, secretAccessKey: "not-the-secret" },
    });
    await assertError(res, 403, "InvalidSignatureException");
  });
});

Deno.test("SigV4: a tampered query or path is rejected", async () => {
  await withEmulator({}, async (emulator) => {
    const signed = await new AwsV4Signer({
      url: `${emulator.url}/copy-jobs?maxResults=5`,
      method: "GET",
      accessKeyId: DEMO_CREDENTIALS.accessKeyId,
      secretAccessKey: DEMO_CREDENTIALS.secretAccessKey,
      service: "backup",
      region: DEMO_REGION,
    }).sign();
    const res1 = await fetch(`${emulator.url}/copy-jobs?maxResults=6`, { headers: signed.headers });
    await assertError(res1, 403, "InvalidSignatureException");
    const res2 = await fetch(`${emulator.url}/copy-jobs/x?maxResults=5`, {
      headers: signed.headers,
    });
    await assertError(res2, 403, "InvalidSignatureException");
  });
});

Deno.test("SigV4: an unknown access key is rejected with UnrecognizedClientException", async () => {
  await withEmulator({}, async (emulator) => {
    const res = await send(emulator, {
      method: "GET",
      path: "/copy-jobs",
      credential: { accessKeyId: "AKIDUNKNOWN000000000", secretAccessKey: "x" },
    });
    const body = await assertError(res, 403, "UnrecognizedClientException");
    assert.equal(body.message, "The security token included in the request is invalid.");
  });
});

Deno.test("SigV4: a request without Authorization gets MissingAuthenticationTokenException", async () => {
  await withEmulator({}, async (emulator) => {
    const res = await send(emulator, { method: "GET", path: "/copy-jobs", unsigned: true });
    const body = await assertError(res, 403, "MissingAuthenticationTokenException");
    assert.equal(body.message, "Missing Authentication Token");
    assert.equal(emulator.requests[0].signatureValid, false);
  });
});

Deno.test("SigV4: requests more than 15 minutes off the clock are rejected", async () => {
  const clock = fakeClock();
  await withEmulator({ now: clock.now }, async (emulator) => {
    const old = await send(emulator, {
      method: "GET",
      path: "/copy-jobs",
      at: clock.t - 16 * 60_000,
    });
    const body = await assertError(old, 403, "InvalidSignatureException");
    assert.match(body.message as string, /^Signature expired: \d{8}T\d{6}Z is now earlier than/);

    const future = await send(emulator, {
      method: "GET",
      path: "/copy-jobs",
      at: clock.t + 16 * 60_000,
    });
    const body2 = await assertError(future, 403, "InvalidSignatureException");
    assert.match(body2.message as string, /^Signature not yet current/);

    const slightlyOff = await send(emulator, {
      method: "GET",
      path: "/copy-jobs",
      at: clock.t - 14 * 60_000,
    });
    assert.equal(slightlyOff.status, 200);
    await slightlyOff.body?.cancel();
  });
});

Deno.test("SigV4: the credential scope must name the emulator's region and backup", async () => {
  await withEmulator({}, async (emulator) => {
    const region = await send(emulator, { method: "GET", path: "/copy-jobs", region: "eu-west-1" });
    const body = await assertError(region, 403, "InvalidSignatureException");
    assert.match(body.message as string, /scoped to a valid region, not 'eu-west-1'/);

    const service = await send(emulator, { method: "GET", path: "/copy-jobs", service: "s3" });
    const body2 = await assertError(service, 403, "InvalidSignatureException");
    assert.match(body2.message as string, /scoped to correct service: 'backup'/);
  });
});

Deno.test("SigV4: a session token is required with temporary credentials", async () => {
  await withEmulator({}, async (emulator) => {
    const ok = await send(emulator, {
      method: "GET",
      path: "/copy-jobs",
      credential: DEMO_SESSION_CREDENTIALS,
    });
    assert.equal(ok.status, 200);
    await ok.body?.cancel();

    const { sessionToken: _token, ...withoutToken } = DEMO_SESSION_CREDENTIALS;
    const missing = await send(emulator, {
      method: "GET",
      path: "/copy-jobs",
      credential: withoutToken,
    });
    await assertError(missing, 403, "UnrecognizedClientException");

    const wrong = await send(emulator, {
      method: "GET",
      path: "/copy-jobs",
      credential: { ...DEMO_SESSION_CREDENTIALS, sessionToken: "forged" },
    });
    await assertError(wrong, 403, "UnrecognizedClientException");
  });
});

Deno.test("SigV4: x-amz-content-sha256 must match the body", async () => {
  await withEmulator({}, async (emulator) => {
    const body = JSON.stringify(startBody());
    const wrongHash = "0".repeat(64);
    const res = await send(emulator, {
      method: "PUT",
      path: "/copy-jobs",
      body,
      headers: { "x-amz-content-sha256": wrongHash },
    });
    const err = await assertError(res, 403, "InvalidSignatureException");
    assert.match(err.message as string, /x-amz-content-sha256/);
    assert.equal(emulator.jobs().length, 0);
  });
});

Deno.test("SigV4: requests signed by @smithy/signature-v4 verify", async () => {
  await withEmulator({}, async (emulator) => {
    const start = await sendSmithySigned(emulator, {
      method: "PUT",
      path: "/copy-jobs",
      body: JSON.stringify(startBody()),
    });
    assert.equal(start.status, 200);
    const { CopyJobId } = await start.json();

    const list = await sendSmithySigned(emulator, {
      method: "GET",
      path: "/copy-jobs",
      query: { maxResults: "10", createdAfter: "2020-01-01T00:00:00.000Z", state: "CREATED" },
    });
    assert.equal(list.status, 200);
    assert.equal((await list.json()).CopyJobs[0].CopyJobId, CopyJobId);

    const session = await sendSmithySigned(emulator, {
      method: "GET",
      path: `/copy-jobs/${encodeURIComponent(CopyJobId)}`,
      credential: DEMO_SESSION_CREDENTIALS,
    });
    assert.equal(session.status, 200);
    await session.body?.cancel();
    assert.ok(emulator.requests.every((r) => r.signatureValid));
    assert.ok(emulator.requests[0].headers["x-amz-content-sha256"]);
  });
});

Deno.test("DescribeCopyJob: a label needing encoding verifies and is not found", async () => {
  const label = "job id/with spaces+plus:colon~tilde*star 'quote' ü漢字 %41";
  await withEmulator({}, async (emulator) => {
    const path = `/copy-jobs/${encodeURIComponent(label)}`;
    const viaAws4fetch = await send(emulator, { method: "GET", path });
    const body = await assertModeledError(viaAws4fetch, "ResourceNotFoundException", label);
    assert.match(body.Message as string, /was not found/);

    const viaSmithy = await sendSmithySigned(emulator, { method: "GET", path });
    await assertModeledError(viaSmithy, "ResourceNotFoundException", label);

    for (const entry of emulator.requests) {
      assert.equal(entry.signatureValid, true, entry.authError);
      assert.equal(entry.operation, "DescribeCopyJob");
    }
  });
});

Deno.test("SigV4: a canonical path encoded only once is rejected for labels needing it", async () => {
  await withEmulator({}, async (emulator) => {
    const url = `${emulator.url}/copy-jobs/${encodeURIComponent("a b")}`;
    const sign = (singleEncode: boolean) =>
      new AwsV4Signer({
        url,
        method: "GET",
        accessKeyId: DEMO_CREDENTIALS.accessKeyId,
        secretAccessKey: DEMO_CREDENTIALS.secretAccessKey,
        service: "backup",
        region: DEMO_REGION,
        singleEncode,
      }).sign();
    const wrong = await fetch(url, { headers: (await sign(true)).headers });
    await assertError(wrong, 403, "InvalidSignatureException");
    const right = await fetch(url, { headers: (await sign(false)).headers });
    await assertModeledError(right, "ResourceNotFoundException", "a b");
  });
});

// ---------------------------------------------------------------------------------------------
// Modeled errors

Deno.test("Errors: a missing required member gives MissingParameterValueException", async () => {
  await withEmulator({}, async (emulator) => {
    for (const member of Object.keys(startBody())) {
      const body = startBody();
      delete body[member];
      const res = await send(emulator, {
        method: "PUT",
        path: "/copy-jobs",
        body: JSON.stringify(body),
      });
      const err = await assertModeledError(res, "MissingParameterValueException", member);
      assert.match(err.Message as string, new RegExp(member));
    }
    // An empty body is an empty structure.
    const empty = await send(emulator, { method: "PUT", path: "/copy-jobs", body: "" });
    await assertModeledError(empty, "MissingParameterValueException", "RecoveryPointArn");
    assert.equal(emulator.jobs().length, 0);
  });
});

Deno.test("Errors: malformed input gives InvalidParameterValueException", async () => {
  const cases: [string, string, string | undefined][] = [
    ["malformed JSON", "{not json", undefined],
    ["JSON array body", "[]", undefined],
    ["number where string expected", JSON.stringify(startBody({ IamRoleArn: 42 })), "IamRoleArn"],
    [
      "vault name pattern",
      JSON.stringify(startBody({ SourceBackupVaultName: "bad name!" })),
      "SourceBackupVaultName",
    ],
    [
      "vault name too short",
      JSON.stringify(startBody({ SourceBackupVaultName: "x" })),
      "SourceBackupVaultName",
    ],
    ["not an ARN", JSON.stringify(startBody({ RecoveryPointArn: "rp-1" })), "RecoveryPointArn"],
    [
      "not a role ARN",
      JSON.stringify(startBody({ IamRoleArn: "arn:aws:iam::111122223333:user/bob" })),
      "IamRoleArn",
    ],
    ["Lifecycle not an object", JSON.stringify(startBody({ Lifecycle: "30" })), "Lifecycle"],
    [
      "Lifecycle days not an integer",
      JSON.stringify(startBody({ Lifecycle: { DeleteAfterDays: 1.5 } })),
      "Lifecycle.DeleteAfterDays",
    ],
    [
      "Lifecycle days out of range",
      JSON.stringify(startBody({ Lifecycle: { MoveToColdStorageAfterDays: 0 } })),
      "Lifecycle.MoveToColdStorageAfterDays",
    ],
    [
      "Lifecycle cold storage minimum",
      JSON.stringify(
        startBody({ Lifecycle: { MoveToColdStorageAfterDays: 30, DeleteAfterDays: 60 } }),
      ),
      "Lifecycle.DeleteAfterDays",
    ],
    [
      "Lifecycle opt-in not a boolean",
      JSON.stringify(startBody({ Lifecycle: { OptInToArchiveForSupportedResources: "yes" } })),
      "Lifecycle.OptInToArchiveForSupportedResources",
    ],
  ];
  await withEmulator({}, async (emulator) => {
    for (const [name, body, context] of cases) {
      const res = await send(emulator, { method: "PUT", path: "/copy-jobs", body });
      const err = await assertModeledError(res, "InvalidParameterValueException", context);
      assert.ok(err.Message, name);
    }
    assert.equal(emulator.jobs().length, 0);
    // -1 keeps a copy indefinitely; unknown members are ignored.
    const { status } = await startCopyJob(emulator, {
      Lifecycle: { MoveToColdStorageAfterDays: -1, DeleteAfterDays: -1 },
      UnknownMember: true,
    });
    assert.equal(status, 200);
  });
});

Deno.test("Errors: ListCopyJobs rejects invalid query parameters", async () => {
  const cases: [Record<string, string>, string][] = [
    [{ maxResults: "0" }, "maxResults"],
    [{ maxResults: "1001" }, "maxResults"],
    [{ maxResults: "ten" }, "maxResults"],
    [{ state: "DONE" }, "state"],
    [{ createdAfter: "1704164645" }, "createdAfter"],
    [{ createdBefore: "2024-01-02" }, "createdBefore"],
    [{ completeAfter: "2024-13-02T00:00:00Z" }, "completeAfter"],
    [{ resourceType: "bad type!" }, "resourceType"],
    [{ accountId: "12345" }, "accountId"],
    [{ nextToken: "garbage" }, "nextToken"],
  ];
  await withEmulator({}, async (emulator) => {
    for (const [query, context] of cases) {
      const res = await send(emulator, { method: "GET", path: "/copy-jobs", query });
      await assertModeledError(res, "InvalidParameterValueException", context);
    }
    const ok = await listCopyJobs(emulator, { maxResults: "1000" });
    assert.equal(ok.status, 200);
  });
});

Deno.test("Errors: unknown resources give ResourceNotFoundException", async () => {
  await withEmulator({}, async (emulator) => {
    const unknownRp = `arn:aws:backup:${DEMO_REGION}:${DEMO_ACCOUNT_ID}:recovery-point:nope`;
    const unknownVault = `arn:aws:backup:us-west-2:${DEMO_ACCOUNT_ID}:backup-vault:nope`;
    const cases: [Json, string][] = [
      [{ SourceBackupVaultName: "no-such-vault" }, "no-such-vault"],
      [{ RecoveryPointArn: unknownRp }, unknownRp],
      // The recovery point exists, but in another vault.
      [{ SourceBackupVaultName: DR_VAULT_NAME }, RECOVERY_POINT_OK_ARN],
      [{ DestinationBackupVaultArn: unknownVault }, unknownVault],
    ];
    for (const [overrides, context] of cases) {
      const res = await send(emulator, {
        method: "PUT",
        path: "/copy-jobs",
        body: JSON.stringify(startBody(overrides)),
      });
      await assertModeledError(res, "ResourceNotFoundException", context);
    }
    const describe = await send(emulator, { method: "GET", path: "/copy-jobs/NO-SUCH-JOB" });
    await assertModeledError(describe, "ResourceNotFoundException", "NO-SUCH-JOB");
    assert.equal(emulator.jobs().length, 0);
  });
});

Deno.test("Errors: too many running jobs give LimitExceededException", async () => {
  const clock = fakeClock();
  await withEmulator(
    { now: clock.now, maxConcurrentJobs: 2, jobDurationMs: 1000 },
    async (emulator) => {
      assert.equal((await startCopyJob(emulator, {}, clock.t)).status, 200);
      assert.equal((await startCopyJob(emulator, {}, clock.t)).status, 200);
      const res = await send(emulator, {
        method: "PUT",
        path: "/copy-jobs",
        body: JSON.stringify(startBody()),
        at: clock.t,
      });
      await assertModeledError(res, "LimitExceededException");
      clock.advance(1000); // both finish
      assert.equal((await startCopyJob(emulator, {}, clock.t)).status, 200);
    },
  );
});

Deno.test("Errors: an unknown route gives 404 UnknownOperationException", async () => {
  await withEmulator({}, async (emulator) => {
    for (
      const [method, path] of [
        ["GET", "/backup-plans"],
        ["GET", "/backup-vaults/Default/recovery-points/a/b"],
        ["DELETE", "/copy-jobs"],
        [
          "POST",
          "/copy-jobs",
        ],
        ["GET", "/copy-jobs/a/b"],
        ["GET", "/copy-jobs/"],
      ] as const
    ) {
      const res = await send(emulator, { method, path });
      const body = await assertError(res, 404, "UnknownOperationException", "");
      assert.equal(typeof body.message, "string");
    }
    // Authentication comes first, as on AWS.
    const unsigned = await send(emulator, { method: "GET", path: "/nope", unsigned: true });
    await assertError(unsigned, 403, "MissingAuthenticationTokenException");
  });
});

// ---------------------------------------------------------------------------------------------
// Idempotency

Deno.test("Idempotency: the same token and parameters return the same job", async () => {
  await withEmulator({}, async (emulator) => {
    const first = await startCopyJob(emulator, { IdempotencyToken: "token-1" });
    const second = await startCopyJob(emulator, { IdempotencyToken: "token-1" });
    assert.equal(first.status, 200);
    assert.deepEqual(second, first);
    assert.equal(emulator.jobs().length, 1);

    const other = await startCopyJob(emulator, { IdempotencyToken: "token-2" });
    assert.notEqual(other.body.CopyJobId, first.body.CopyJobId);
    const none1 = await startCopyJob(emulator);
    const none2 = await startCopyJob(emulator);
    assert.notEqual(none1.body.CopyJobId, none2.body.CopyJobId);
    assert.equal(emulator.jobs().length, 4);
  });
});

Deno.test("Idempotency: the same token with other parameters gives InvalidRequestException", async () => {
  await withEmulator({}, async (emulator) => {
    await startCopyJob(emulator, { IdempotencyToken: "token-1" });
    const res = await send(emulator, {
      method: "PUT",
      path: "/copy-jobs",
      body: JSON.stringify(
        startBody({ IdempotencyToken: "token-1", Lifecycle: { DeleteAfterDays: 7 } }),
      ),
    });
    await assertModeledError(res, "InvalidRequestException", "IdempotencyToken");
    assert.equal(emulator.jobs().length, 1);
  });
});

Deno.test("Idempotency: a token is forgotten after 24 hours", async () => {
  const clock = fakeClock();
  await withEmulator({ now: clock.now }, async (emulator) => {
    const first = await startCopyJob(emulator, { IdempotencyToken: "t" }, clock.t);
    clock.advance(23 * 3600_000);
    assert.deepEqual(await startCopyJob(emulator, { IdempotencyToken: "t" }, clock.t), first);
    clock.advance(2 * 3600_000);
    const later = await startCopyJob(emulator, { IdempotencyToken: "t" }, clock.t);
    assert.notEqual(later.body.CopyJobId, first.body.CopyJobId);
    assert.equal(emulator.jobs().length, 2);
  });
});

// ---------------------------------------------------------------------------------------------
// Job states over time

Deno.test("States: CREATED → RUNNING → COMPLETED on the emulator clock", async () => {
  const clock = fakeClock(Date.UTC(2024, 0, 2, 3, 4, 5, 123));
  await withEmulator({ now: clock.now, jobDurationMs: 3000 }, async (emulator) => {
    const { body } = await startCopyJob(emulator, {}, clock.t);
    assert.equal(body.CreationDate, 1704164645.123);
    const id = body.CopyJobId as string;

    let job = await describeCopyJob(emulator, id, clock.t);
    assert.equal(job.State, "CREATED");
    assert.equal(job.BackupSizeInBytes, 0);
    assert.equal(job.DestinationRecoveryPointArn, undefined);
    assert.equal(job.CompletionDate, undefined);

    clock.advance(1000);
    job = await describeCopyJob(emulator, id, clock.t);
    assert.equal(job.State, "RUNNING");
    clock.advance(1000);
    job = await describeCopyJob(emulator, id, clock.t);
    assert.equal(job.State, "RUNNING");
    const half = job.BackupSizeInBytes as number;
    assert.ok(half > 0 && half < 52_428_800, `progress ${half}`);

    clock.advance(1000);
    job = await describeCopyJob(emulator, id, clock.t);
    assert.equal(job.State, "COMPLETED");
    assert.equal(job.BackupSizeInBytes, 52_428_800);
    assert.equal(job.CompletionDate, 1704164648.123);
    assert.match(
      job.DestinationRecoveryPointArn as string,
      /^arn:aws:backup:us-west-2:111122223333:recovery-point:[0-9a-f-]{36}$/,
    );
    assert.equal(job.StatusMessage, undefined);
    assert.equal(job.MessageCategory, "SUCCESS");
  });
});

Deno.test("States: seeded recovery points end FAILED and PARTIAL", async () => {
  const clock = fakeClock();
  await withEmulator({ now: clock.now, jobDurationMs: 900 }, async (emulator) => {
    const failing = await startCopyJob(emulator, { RecoveryPointArn: RECOVERY_POINT_FAILING_ARN });
    const partial = await startCopyJob(emulator, {
      RecoveryPointArn: RECOVERY_POINT_PARTIAL_ARN,
      SourceBackupVaultName: DR_VAULT_NAME,
      DestinationBackupVaultArn: CROSS_ACCOUNT_VAULT_ARN,
    });
    clock.advance(600);
    assert.equal(
      (await describeCopyJob(emulator, failing.body.CopyJobId as string)).State,
      "RUNNING",
    );
    clock.advance(300);
    const failed = await describeCopyJob(emulator, failing.body.CopyJobId as string);
    assert.equal(failed.State, "FAILED");
    assert.equal(failed.StatusMessage, FAILING_STATUS_MESSAGE);
    assert.equal(failed.DestinationRecoveryPointArn, undefined);
    assert.equal(failed.ResourceType, "EFS");
    assert.ok(failed.CompletionDate);

    const part = await describeCopyJob(emulator, partial.body.CopyJobId as string);
    assert.equal(part.State, "PARTIAL");
    assert.equal(part.StatusMessage, PARTIAL_STATUS_MESSAGE);
    assert.match(
      part.DestinationRecoveryPointArn as string,
      /^arn:aws:backup:us-east-1:444455556666:recovery-point:/,
    );
    assert.deepEqual(emulator.jobs().map((j) => j.State), ["FAILED", "PARTIAL"]);
  });
});

// ---------------------------------------------------------------------------------------------
// ListCopyJobs

Deno.test("ListCopyJobs: pages with opaque tokens, newest first", async () => {
  const clock = fakeClock();
  await withEmulator({ now: clock.now }, async (emulator) => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await startCopyJob(emulator)).body.CopyJobId as string);
      clock.advance(10);
    }
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const { status, body } = await listCopyJobs(emulator, {
        maxResults: "2",
        ...(token ? { nextToken: token } : {}),
      });
      assert.equal(status, 200);
      const jobs = body.CopyJobs as Json[];
      assert.ok(jobs.length <= 2);
      seen.push(...jobs.map((j) => j.CopyJobId as string));
      token = body.NextToken as string | undefined;
      if (token) assert.doesNotMatch(token, /CopyJob|[{}]/);
      pages++;
    } while (token);
    assert.equal(pages, 3);
    assert.deepEqual(seen, [...ids].reverse());

    // A job started between pages does not shift the cursor.
    const first = await listCopyJobs(emulator, { maxResults: "2" });
    await startCopyJob(emulator);
    const second = await listCopyJobs(emulator, {
      maxResults: "2",
      nextToken: first.body.NextToken as string,
    });
    assert.deepEqual(
      (second.body.CopyJobs as Json[]).map((j) => j.CopyJobId),
      [ids[2], ids[1]],
    );

    // A token only works with the filters it was issued for.
    const mismatch = await send(emulator, {
      method: "GET",
      path: "/copy-jobs",
      query: { state: "COMPLETED", nextToken: first.body.NextToken as string },
    });
    await assertModeledError(mismatch, "InvalidParameterValueException", "nextToken");
  });
});

Deno.test("ListCopyJobs: state, createdAfter and other filters", async () => {
  const clock = fakeClock(Date.UTC(2024, 0, 2, 3, 4, 5, 0));
  await withEmulator({ now: clock.now, jobDurationMs: 1000 }, async (emulator) => {
    const done = await startCopyJob(emulator, {}, clock.t);
    const failed = await startCopyJob(
      emulator,
      { RecoveryPointArn: RECOVERY_POINT_FAILING_ARN },
      clock.t,
    );
    clock.advance(1500); // 03:04:06.500
    const running = await startCopyJob(emulator, {}, clock.t);
    clock.advance(500);
    const idsOf = async (query: Record<string, string>) =>
      ((await listCopyJobs(emulator, query, clock.t)).body.CopyJobs as Json[]).map((j) =>
        j.CopyJobId
      );

    assert.deepEqual(await idsOf({ state: "COMPLETED" }), [done.body.CopyJobId]);
    assert.deepEqual(await idsOf({ state: "FAILED" }), [failed.body.CopyJobId]);
    assert.deepEqual(await idsOf({ state: "RUNNING" }), [running.body.CopyJobId]);
    assert.deepEqual(await idsOf({ state: "PARTIAL" }), []);
    assert.deepEqual(await idsOf({ createdAfter: "2024-01-02T03:04:06Z" }), [
      running.body.CopyJobId,
    ]);
    assert.deepEqual(await idsOf({ createdAfter: "2024-01-02T03:04:06.600Z" }), []);
    assert.deepEqual(await idsOf({ createdAfter: "2024-01-02T04:04:06.4+01:00" }), [
      running.body.CopyJobId,
    ]);
    assert.deepEqual(await idsOf({ createdBefore: "2024-01-02T03:04:06Z" }), [
      failed.body.CopyJobId,
      done.body.CopyJobId,
    ]);
    assert.deepEqual((await idsOf({ completeAfter: "2024-01-02T03:04:05Z" })).length, 2);
    assert.deepEqual(await idsOf({ resourceType: "EFS" }), [failed.body.CopyJobId]);
    assert.deepEqual((await idsOf({ destinationVaultArn: DR_VAULT_WEST_ARN })).length, 3);
    assert.deepEqual((await idsOf({ accountId: DEMO_ACCOUNT_ID })).length, 3);
    assert.deepEqual(await idsOf({ accountId: "999999999999" }), []);
    assert.deepEqual(await idsOf({ parentJobId: "parent" }), []);
    assert.deepEqual(await idsOf({ messageCategory: "AccessDenied" }), [failed.body.CopyJobId]);
  });
});

// ---------------------------------------------------------------------------------------------
// Fault injection

Deno.test("Faults: error faults answer in order, are logged, then service resumes", async () => {
  await withEmulator({}, async (emulator) => {
    emulator.injectFaults(
      { status: 503, errorType: "ServiceUnavailableException" },
      { status: 400, errorType: "ThrottlingException" },
      { status: 429, errorType: "TooManyRequestsException", headers: { "retry-after": "1" } },
    );
    assert.equal(emulator.pendingFaults, 3);

    const unavailable = await send(emulator, { method: "GET", path: "/copy-jobs" });
    const body = await assertError(unavailable, 503, "ServiceUnavailableException", "");
    assert.equal(body.Type, "Service");
    assert.equal(body.Code, "ServiceUnavailableException");

    const throttled = await send(emulator, { method: "GET", path: "/copy-jobs" });
    const body2 = await assertError(throttled, 400, "ThrottlingException");
    assert.equal(body2.message, "Rate exceeded");

    // Faults come before authentication.
    const tooMany = await send(emulator, { method: "GET", path: "/copy-jobs", unsigned: true });
    await assertError(tooMany, 429, "TooManyRequestsException");
    assert.equal(tooMany.headers.get("retry-after"), "1");

    const ok = await send(emulator, { method: "GET", path: "/copy-jobs" });
    assert.equal(ok.status, 200);
    await ok.body?.cancel();

    assert.equal(emulator.pendingFaults, 0);
    assert.deepEqual(
      emulator.requests.map((r) => [r.status, r.fault !== undefined, r.signatureValid]),
      [[503, true, true], [400, true, true], [429, true, false], [200, false, true]],
    );
  });
});

Deno.test("Faults: a delay makes a client time out; later requests are served", async () => {
  await withEmulator({}, async (emulator) => {
    emulator.injectFaults({ delayMs: 10_000 });
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error("client timeout")), 100);
    const started = Date.now();
    await assert.rejects(
      send(emulator, { method: "GET", path: "/copy-jobs", signal: controller.signal }),
    );
    clearTimeout(timer);
    assert.ok(Date.now() - started < 5000);

    const ok = await send(emulator, { method: "GET", path: "/copy-jobs" });
    assert.equal(ok.status, 200);
    await ok.body?.cancel();
    assert.deepEqual(emulator.requests[0].fault, { delayMs: 10_000 });
  });
});

Deno.test("Faults: a short delay still answers normally", async () => {
  await withEmulator({}, async (emulator) => {
    emulator.injectFaults({ delayMs: 150 });
    const started = Date.now();
    const { status } = await startCopyJob(emulator);
    assert.equal(status, 200);
    assert.ok(Date.now() - started >= 140);
    assert.equal(emulator.jobs().length, 1);
  });
});

Deno.test("Faults: close() does not wait for a pending delay", async () => {
  const emulator = await startEmulator();
  emulator.injectFaults({ delayMs: 60_000 });
  const pending = send(emulator, { method: "GET", path: "/copy-jobs" }).then(
    async (res) => {
      await res.body?.cancel();
      return res.status;
    },
    () => "network error",
  );
  while (emulator.requests.length === 0) await new Promise((r) => setTimeout(r, 10));
  const started = Date.now();
  await emulator.close();
  assert.ok(Date.now() - started < 5000);
  const outcome = await pending;
  assert.ok(outcome === 503 || outcome === "network error", String(outcome));
});

Deno.test("Faults: a reset breaks the response body after the headers", async () => {
  await withEmulator({}, async (emulator) => {
    emulator.injectFaults({ reset: true });
    const res = await send(emulator, { method: "GET", path: "/copy-jobs" });
    assert.equal(res.status, 200);
    assert.ok(res.headers.get("x-amzn-requestid"));
    await assert.rejects(res.text());
    assert.deepEqual(emulator.requests[0].fault, { reset: true });

    const ok = await send(emulator, { method: "GET", path: "/copy-jobs" });
    assert.equal(ok.status, 200);
    await ok.body?.cancel();
  });
});

Deno.test("Faults: invalid faults are refused", async () => {
  await withEmulator({}, (emulator) => {
    assert.throws(() => emulator.injectFaults({ delayMs: -1 }), RangeError);
    assert.throws(() => emulator.injectFaults({ status: 0, errorType: "X" }), TypeError);
    assert.equal(emulator.pendingFaults, 0);
    return Promise.resolve();
  });
});

// ---------------------------------------------------------------------------------------------
// Lifecycle

Deno.test("close() stops the server, is idempotent and leaks nothing", async () => {
  const emulator = await startEmulator({ port: 0 });
  const res = await send(emulator, { method: "GET", path: "/copy-jobs" });
  assert.equal(res.status, 200);
  await res.body?.cancel();
  await emulator.close();
  await emulator.close();
  await assert.rejects(fetch(`${emulator.url}/copy-jobs`));

  {
    await using disposable = await startEmulator();
    assert.match(disposable.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  }
});

/** Runs emulator/main.ts with `args`, calls `check` with its URL, stops it with SIGINT. */
async function runMain(
  permissions: string[],
  args: string[],
  check: (url: string, banner: string) => Promise<void>,
): Promise<string> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-lock",
      ...permissions,
      new URL("../emulator/main.ts", import.meta.url).pathname,
      ...args,
    ],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let output = "";
  try {
    while (!/Press Ctrl-C/.test(output)) {
      const { value, done } = await lines.read();
      if (done) break;
      output += value;
    }
    const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
    assert.ok(url, output);
    await check(url, output);
  } finally {
    child.kill("SIGINT");
    for (;;) {
      const { value, done } = await lines.read();
      if (done) break;
      output += value;
    }
    await child.stderr.cancel();
  }
  const status = await child.status;
  assert.equal(status.code, 0, output);
  assert.match(output, /Stopping\./);
  return output;
}

Deno.test("main.ts runs with --allow-net=127.0.0.1 only and stops on SIGINT", async () => {
  const output = await runMain(
    ["--allow-net=127.0.0.1"],
    ["--port", "0", "--job-duration-ms", "100"],
    async (url, banner) => {
      assert.match(banner, /AWS_ACCESS_KEY_ID=AKIDEMULATOR0000EXAMPLE/);
      const res = await send({ url }, { method: "GET", path: "/copy-jobs" });
      assert.equal(res.status, 200);
      await res.body?.cancel();
    },
  );
  assert.match(output, /GET \/copy-jobs -> 200 \(ListCopyJobs\)/);
});

Deno.test("main.ts -- --seed FILE --max-concurrent-jobs N serves the seeded vaults", async () => {
  const seedFile = new URL("../demo/vault_seed.json", import.meta.url).pathname;
  await runMain(
    ["--allow-net=127.0.0.1", `--allow-read=${seedFile}`],
    ["--", "--seed", seedFile, "--max-concurrent-jobs", "1"],
    async (url, banner) => {
      assert.match(banner, /seeded: 1 vault \(prod\), 6 recovery points more/);
      const res = await send({ url }, {
        method: "GET",
        path: "/backup-vaults/prod/recovery-points",
      });
      assert.equal((await res.json()).RecoveryPoints.length, 6);
      const body = (arn: string) =>
        JSON.stringify(startBody({ RecoveryPointArn: arn, SourceBackupVaultName: "prod" }));
      const first = await send({ url }, {
        method: "PUT",
        path: "/copy-jobs",
        body: body(
          `arn:aws:backup:${DEMO_REGION}:${DEMO_ACCOUNT_ID}:recovery-point:prod-0001-orders`,
        ),
      });
      assert.equal(first.status, 200);
      await first.body?.cancel();
      const second = await send({ url }, {
        method: "PUT",
        path: "/copy-jobs",
        body: body(
          `arn:aws:backup:${DEMO_REGION}:${DEMO_ACCOUNT_ID}:recovery-point:prod-0002-web-root`,
        ),
      });
      await assertModeledError(second, "LimitExceededException");
    },
  );
});

/** StartCopyJob of the demo point that completes, to `vault`, on the emulator at `url`. */
async function startCopyTo(url: string, vault: string): Promise<Response> {
  return await send({ url }, {
    method: "PUT",
    path: "/copy-jobs",
    body: JSON.stringify(startBody({ DestinationBackupVaultArn: vault })),
  });
}

Deno.test("main.ts without --max-concurrent-jobs: AWS's quotas alone — past the Region's 100, a vault with fewer than 5 still takes a copy", async () => {
  await runMain(["--allow-net=127.0.0.1"], ["--job-duration-ms", "600000"], async (url, banner) => {
    assert.match(
      banner,
      /^ {2}copy jobs in progress: 100 to a destination Region, then 5 per destination vault \(LimitExceededException\)$/m,
    );
    // Both vaults are in us-east-1: 100 copy jobs to the first reach the Region's quota.
    for (let i = 0; i < 100; i++) {
      const res = await startCopyTo(url, DR_VAULT_ARN);
      const body = await res.text();
      assert.equal(res.status, 200, `job ${i + 1}: ${body}`);
    }
    await assertModeledError(await startCopyTo(url, DR_VAULT_ARN), "LimitExceededException");
    // The other vault has none of them: the per-vault rule lets it take one.
    const other = await startCopyTo(url, CROSS_ACCOUNT_VAULT_ARN);
    assert.equal(other.status, 200, await other.text());
  });
});

Deno.test("main.ts --max-concurrent-copies-per-region N --max-concurrent-copies-per-vault M: AWS's two quotas, set", async () => {
  const args = [
    "--job-duration-ms=600000",
    "--max-concurrent-copies-per-region",
    "2",
    "--max-concurrent-copies-per-vault=1",
  ];
  await runMain(["--allow-net=127.0.0.1"], args, async (url, banner) => {
    assert.match(
      banner,
      /copy jobs in progress: 2 to a destination Region, then 1 per destination/,
    );
    for (const vault of [DR_VAULT_ARN, DR_VAULT_ARN]) {
      const res = await startCopyTo(url, vault);
      assert.equal(res.status, 200, await res.text());
    }
    await assertModeledError(await startCopyTo(url, DR_VAULT_ARN), "LimitExceededException");
    const other = await startCopyTo(url, CROSS_ACCOUNT_VAULT_ARN);
    assert.equal(other.status, 200, await other.text());
    // The other vault at its 1 now too.
    await assertModeledError(
      await startCopyTo(url, CROSS_ACCOUNT_VAULT_ARN),
      "LimitExceededException",
    );
  });
  // A bad value names the flag, exit 2.
  const bad = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-lock",
      "--allow-net=127.0.0.1",
      new URL("../emulator/main.ts", import.meta.url).pathname,
      "--max-concurrent-copies-per-vault",
      "many",
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(bad.code, 2);
  assert.match(
    new TextDecoder().decode(bad.stderr),
    /^--max-concurrent-copies-per-vault needs an integer of at least 1, got many$/m,
  );
});

// ---------------------------------------------------------------------------------------------
// Vaults, recovery points, composite jobs, the concurrent-job limit, random faults, seeds

const PROD_ARN = `arn:aws:backup:${DEMO_REGION}:${DEMO_ACCOUNT_ID}:backup-vault:prod`;
const rpArn = (i: number) =>
  `arn:aws:backup:${DEMO_REGION}:${DEMO_ACCOUNT_ID}:recovery-point:p${i}`;

/** Five points in `prod` created a day apart (p0 oldest); p4 is composite with p2 and p3. */
function prodPoints(): RecoveryPointFixture[] {
  return [0, 1, 2, 3, 4].map((i) => ({
    arn: rpArn(i),
    backupVaultName: "prod",
    resourceArn: `arn:aws:ec2:${DEMO_REGION}:${DEMO_ACCOUNT_ID}:volume/vol-${i}`,
    resourceType: i === 1 ? "RDS" : "EBS",
    backupSizeInBytes: 1000 * (i + 1),
    creationDateMs: Date.UTC(2026, 2, 1 + i),
    ...(i === 1 ? { status: "EXPIRED" as const, backupPlanId: "plan-1" } : {}),
    ...(i === 2 || i === 3 ? { parentRecoveryPointArn: rpArn(4) } : {}),
    ...(i === 3 ? { outcome: "FAILED" as const, statusMessage: "child failed" } : {}),
  }));
}

const prodOptions: EmulatorOptions = {
  vaults: [DEFAULT_VAULT_ARN, PROD_ARN, DR_VAULT_WEST_ARN, CROSS_ACCOUNT_VAULT_ARN],
  recoveryPoints: prodPoints(),
  jobDurationMs: 300,
};

async function get(emulator: Emulator, path: string, query?: Record<string, string>) {
  const res = await send(emulator, { method: "GET", path, query });
  return { res, body: res.status === 200 ? await res.json() : undefined };
}

Deno.test("ListBackupVaults and DescribeBackupVault show the vaults of the Region and account", async () => {
  await withEmulator(prodOptions, async (emulator) => {
    const { body } = await get(emulator, "/backup-vaults/");
    assert.deepEqual(body.BackupVaultList.map((v: Json) => v.BackupVaultArn), [
      DEFAULT_VAULT_ARN,
      PROD_ARN,
    ]);
    const paged = await get(emulator, "/backup-vaults", { maxResults: "1" });
    assert.equal(paged.body.BackupVaultList.length, 1);
    const next = await get(emulator, "/backup-vaults", {
      maxResults: "1",
      nextToken: paged.body.NextToken,
    });
    assert.equal(next.body.BackupVaultList[0].BackupVaultName, "prod");
    assert.equal(next.body.NextToken, undefined);
    assert.deepEqual((await get(emulator, "/backup-vaults", { shared: "true" })).body, {
      BackupVaultList: [],
    });
    const prod = (await get(emulator, "/backup-vaults/prod")).body;
    assert.equal(prod.BackupVaultArn, PROD_ARN);
    assert.equal(prod.NumberOfRecoveryPoints, 5);
    assert.equal(prod.VaultType, "BACKUP_VAULT");
    // Vaults of another Region or account are destinations only.
    const west = await send(emulator, { method: "GET", path: "/backup-vaults/dr-vault-west" });
    await assertModeledError(west, "ResourceNotFoundException", "dr-vault-west");
    const other = await send(emulator, {
      method: "GET",
      path: "/backup-vaults/prod",
      query: { backupVaultAccountId: "444455556666" },
    });
    await assertModeledError(other, "ResourceNotFoundException");
    const bad = await send(emulator, {
      method: "GET",
      path: "/backup-vaults",
      query: { vaultType: "X" },
    });
    await assertModeledError(bad, "InvalidParameterValueException", "vaultType");
  });
});

Deno.test("ListRecoveryPointsByBackupVault: newest first, every filter, pages bound to filters", async () => {
  await withEmulator(prodOptions, async (emulator) => {
    const path = "/backup-vaults/prod/recovery-points";
    const arns = async (query: Record<string, string>) =>
      (await get(emulator, path, query)).body.RecoveryPoints.map((r: Json) => r.RecoveryPointArn);
    assert.deepEqual(await arns({}), [4, 3, 2, 1, 0].map(rpArn));
    assert.deepEqual(await arns({ resourceType: "RDS" }), [rpArn(1)]);
    assert.deepEqual(await arns({ resourceArn: prodPoints()[0].resourceArn }), [rpArn(0)]);
    assert.deepEqual(await arns({ backupPlanId: "plan-1" }), [rpArn(1)]);
    assert.deepEqual(await arns({ parentRecoveryPointArn: rpArn(4) }), [rpArn(3), rpArn(2)]);
    assert.deepEqual(
      await arns({ createdAfter: "2026-03-02T00:00:00Z", createdBefore: "2026-03-04T00:00:00Z" }),
      [rpArn(2)],
    );
    const all = (await get(emulator, path)).body.RecoveryPoints as Json[];
    const parent = all.find((r) => r.RecoveryPointArn === rpArn(4))!;
    assert.equal(parent.IsParent, true);
    assert.equal(
      all.find((r) => r.RecoveryPointArn === rpArn(2))!.ParentRecoveryPointArn,
      rpArn(4),
    );
    assert.equal(all.find((r) => r.RecoveryPointArn === rpArn(1))!.Status, "EXPIRED");
    assert.equal(parent.CreationDate, Date.UTC(2026, 2, 5) / 1000);
    assert.equal(parent.BackupVaultArn, PROD_ARN);

    const seen: string[] = [];
    let token: string | undefined;
    for (let page = 0; page < 10; page++) {
      const query: Record<string, string> = { maxResults: "2", resourceType: "EBS" };
      if (token) query.nextToken = token;
      const { body } = await get(emulator, path, query);
      seen.push(...body.RecoveryPoints.map((r: Json) => r.RecoveryPointArn));
      token = body.NextToken;
      if (!token) break;
    }
    assert.deepEqual(seen, [4, 3, 2, 0].map(rpArn));
    const first = (await get(emulator, path, { maxResults: "1" })).body.NextToken;
    const misuse = await send(emulator, {
      method: "GET",
      path,
      query: { maxResults: "1", nextToken: first, resourceType: "EBS" },
    });
    await assertModeledError(misuse, "InvalidParameterValueException", "nextToken");
    const badDate = await send(emulator, {
      method: "GET",
      path,
      query: { createdAfter: "monday" },
    });
    await assertModeledError(badDate, "InvalidParameterValueException", "createdAfter");
    const missing = await send(emulator, {
      method: "GET",
      path: "/backup-vaults/nope/recovery-points",
    });
    await assertModeledError(missing, "ResourceNotFoundException", "nope");
  });
});

Deno.test("DescribeRecoveryPoint: an ARN label, percent-encoded, in its vault only", async () => {
  await withEmulator(prodOptions, async (emulator) => {
    const path = (vault: string, arn: string) =>
      `/backup-vaults/${vault}/recovery-points/${encodeURIComponent(arn).replace(/%3A/g, "%3A")}`;
    const { res, body } = await get(emulator, path("prod", rpArn(0)));
    assert.equal(res.status, 200);
    assert.equal(body.RecoveryPointArn, rpArn(0));
    assert.equal(body.BackupSizeInBytes, 1000);
    assert.equal(body.Status, "COMPLETED");
    const elsewhere = await send(emulator, {
      method: "GET",
      path: path(DEFAULT_VAULT_NAME, rpArn(0)),
    });
    await assertModeledError(elsewhere, "ResourceNotFoundException", rpArn(0));
  });
});

Deno.test("Composite copy: a parent job with child jobs, ChildJobsInState, ListCopyJobs by parent", async () => {
  const clock = fakeClock();
  await withEmulator({ ...prodOptions, now: clock.now }, async (emulator) => {
    const { status, body } = await startCopyJob(emulator, {
      RecoveryPointArn: rpArn(4),
      SourceBackupVaultName: "prod",
    });
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.IsParent, true);
    clock.advance(150);
    const running = await describeCopyJob(emulator, body.CopyJobId as string);
    assert.equal(running.State, "RUNNING");
    assert.equal(running.NumberOfChildJobs, 2);
    assert.deepEqual(running.ChildJobsInState, { RUNNING: 2 });
    clock.advance(200);
    const done = await describeCopyJob(emulator, body.CopyJobId as string);
    assert.equal(done.State, "PARTIAL", "one child failed");
    assert.deepEqual(done.ChildJobsInState, { COMPLETED: 1, FAILED: 1 });
    assert.equal(done.StatusMessage, "1 of 2 child copy jobs did not complete.");
    const children = (await listCopyJobs(emulator, { parentJobId: body.CopyJobId as string })).body
      .CopyJobs as Json[];
    assert.deepEqual(children.map((c) => c.SourceRecoveryPointArn).sort(), [rpArn(2), rpArn(3)]);
    assert.ok(children.every((c) => c.ParentJobId === body.CopyJobId && c.IsParent === false));
    assert.equal(children.find((c) => c.State === "FAILED")!.StatusMessage, "child failed");
  });
});

Deno.test("StartCopyJob: statuses other than COMPLETED are refused; only top-level jobs count toward the limit", async () => {
  await withEmulator({ ...prodOptions, maxConcurrentJobs: 1 }, async (emulator) => {
    const expired = await send(emulator, {
      method: "PUT",
      path: "/copy-jobs",
      body: JSON.stringify(
        startBody({ RecoveryPointArn: rpArn(1), SourceBackupVaultName: "prod" }),
      ),
    });
    await assertModeledError(expired, "InvalidRequestException", rpArn(1));
    // The composite job and its two children are one job for the limit.
    const parent = await startCopyJob(emulator, {
      RecoveryPointArn: rpArn(4),
      SourceBackupVaultName: "prod",
    });
    assert.equal(parent.status, 200);
    assert.equal(emulator.jobs().length, 3);
    const limited = await send(emulator, {
      method: "PUT",
      path: "/copy-jobs",
      body: JSON.stringify(
        startBody({ RecoveryPointArn: rpArn(0), SourceBackupVaultName: "prod" }),
      ),
    });
    await assertModeledError(limited, "LimitExceededException");
  });
});

Deno.test("Faults: random faults hit the given share of requests, reproducibly; reset after commit takes effect", async () => {
  const faulted = async () => {
    const emulator = await startEmulator({
      randomFaults: {
        rate: 0.3,
        seed: 42,
        faults: [{ status: 503, errorType: "ServiceUnavailableException" }],
      },
    });
    try {
      const statuses = [];
      for (let i = 0; i < 100; i++) {
        const res = await send(emulator, { method: "GET", path: "/copy-jobs" });
        await res.body?.cancel();
        statuses.push(res.status);
      }
      return statuses;
    } finally {
      await emulator.close();
    }
  };
  const [a, b] = [await faulted(), await faulted()];
  assert.deepEqual(a, b, "same seed, same faults");
  const count = a.filter((s) => s === 503).length;
  assert.ok(count > 15 && count < 45, `${count} of 100 faulted`);

  await withEmulator({}, async (emulator) => {
    emulator.injectFaults({ reset: true, afterCommit: true });
    const res = await send(emulator, {
      method: "PUT",
      path: "/copy-jobs",
      body: JSON.stringify(startBody()),
    });
    await assert.rejects(res.text());
    assert.equal(emulator.jobs().length, 1, "the job was created although the answer was lost");
    emulator.injectFaults({ reset: true });
    const before = await send(emulator, {
      method: "PUT",
      path: "/copy-jobs",
      body: JSON.stringify(startBody()),
    });
    await assert.rejects(before.text());
    assert.equal(emulator.jobs().length, 1, "a plain reset happens before anything is done");
    emulator.setRandomFaults(undefined);
    assert.throws(
      () => emulator.setRandomFaults({ rate: 2, faults: [{ delayMs: 0 }] }),
      RangeError,
    );
  });
});

Deno.test("Seeds: a JSON seed is checked, errors name the member", () => {
  const seed = parseSeed(JSON.stringify({
    vaults: [PROD_ARN],
    recoveryPoints: [{
      arn: rpArn(0),
      backupVaultName: "prod",
      resourceArn: "arn:aws:s3:::b",
      resourceType: "S3",
      backupSizeInBytes: 5,
      creationDate: "2026-03-02T01:00:00Z",
      status: "PARTIAL",
      outcome: "FAILED",
      statusMessage: "no",
    }],
  }));
  assert.equal(seed.recoveryPoints[0].creationDateMs, Date.UTC(2026, 2, 2, 1));
  assert.equal(seed.recoveryPoints[0].status, "PARTIAL");
  for (
    const [text, path] of [
      ["{", "$"],
      ['{"vaults": "x", "recoveryPoints": []}', "vaults"],
      ['{"vaults": ["arn:aws:s3:::b"], "recoveryPoints": []}', "vaults[0]"],
      [
        `{"vaults": [], "recoveryPoints": [{"arn": "${rpArn(0)}"}]}`,
        "recoveryPoints[0].backupVaultName",
      ],
      [
        `{"vaults": [], "recoveryPoints": [{"arn": "${
          rpArn(0)
        }", "backupVaultName": "prod", "resourceArn": "arn:aws:s3:::b", "resourceType": "S3", "status": "GONE"}]}`,
        "recoveryPoints[0].status",
      ],
    ]
  ) {
    assert.throws(
      () => parseSeed(text),
      (e: unknown) => e instanceof SeedError && e.path === path,
      text,
    );
  }
});
