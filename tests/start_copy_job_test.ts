// StartCopyJob as it goes on the wire, captured from the client's fetch: method, path,
// headers, body, idempotency token, validation, retries, errors.

import assert from "node:assert/strict";
import {
  BackupClient,
  BackupServiceException,
  describeCopyJob,
  InvalidParameterValueException,
  type Lifecycle,
  listCopyJobs,
  ResourceNotFoundException,
  ServiceException,
  startCopyJob,
  type StartCopyJobInput,
  ValidationError,
} from "../mod.ts";
import {
  DEFAULT_VAULT_NAME,
  DEMO_CREDENTIALS,
  DEMO_IAM_ROLE_ARN,
  DR_VAULT_WEST_ARN,
  RECOVERY_POINT_OK_ARN,
  startEmulator,
} from "../emulator/mod.ts";

const credentials = { accessKeyId: "AKIDTEST", secretAccessKey: "secret/TEST+key" };

const minimal: StartCopyJobInput = {
  RecoveryPointArn: "arn:aws:backup:us-east-1:111122223333:recovery-point:1EB3B5E7",
  SourceBackupVaultName: "Default",
  DestinationBackupVaultArn: "arn:aws:backup:us-west-2:111122223333:backup-vault:dr",
  IamRoleArn: "arn:aws:iam::111122223333:role/backup",
};

/** A fetch that records requests and answers from a queue of responses. */
function recordingFetch(...answers: (() => Response | Promise<Response>)[]) {
  const requests: { method: string; url: URL; headers: Headers; body: string }[] = [];
  const fetch = async (url: string, init: RequestInit) => {
    assert.equal(typeof url, "string", "fetch is called with the URL and an init");
    assert.equal(Object.getPrototypeOf(init.headers), Object.prototype, "headers: a plain object");
    const request = new Request(url, init);
    requests.push({
      method: request.method,
      url: new URL(request.url),
      headers: request.headers,
      body: await request.text(),
    });
    const answer = answers.shift();
    if (!answer) throw new Error("unexpected extra request");
    return answer();
  };
  return { fetch, requests };
}

const ok = (body: unknown, headers: Record<string, string> = {}) => () =>
  new Response(JSON.stringify(body), {
    status: 200,
    headers: { "content-type": "application/json", "x-amzn-requestid": "req-1", ...headers },
  });

const error = (status: number, type: string, body: unknown = {}) => () =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "x-amzn-errortype": type, "x-amzn-requestid": "req-err" },
  });

Deno.test("minimal StartCopyJob: PUT /copy-jobs with a JSON body and a fresh UUID token", async () => {
  const { fetch, requests } = recordingFetch(
    ok({ CopyJobId: "job-1", CreationDate: 1700000000.123, IsParent: false }),
  );
  const client = new BackupClient({ region: "us-east-1", credentials, fetch });
  const output = await startCopyJob(client, minimal);
  assert.equal(requests.length, 1);
  const [request] = requests;
  assert.equal(request.method, "PUT");
  assert.equal(request.url.href, "https://backup.us-east-1.amazonaws.com/copy-jobs");
  assert.equal(request.headers.get("content-type"), "application/json");
  assert.match(request.headers.get("authorization")!, /^AWS4-HMAC-SHA256 Credential=AKIDTEST\//);
  assert.match(request.headers.get("authorization")!, /\/us-east-1\/backup\/aws4_request/);
  assert.match(request.headers.get("x-amz-date")!, /^\d{8}T\d{6}Z$/);
  const body = JSON.parse(request.body);
  assert.match(
    body.IdempotencyToken,
    /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
  );
  delete body.IdempotencyToken;
  assert.deepEqual(body, minimal);
  assert.equal(output.CopyJobId, "job-1");
  assert.ok(output.CreationDate instanceof Date);
  assert.equal(output.CreationDate.getTime(), 1700000000123);
  assert.equal(output.IsParent, false);
  assert.deepEqual(output.$metadata, {
    httpStatusCode: 200,
    requestId: "req-1",
    attempts: 1,
    totalRetryDelay: 0,
  });
});

Deno.test("full StartCopyJob: every member, caller's token kept, unknown members refused", async () => {
  const { fetch, requests } = recordingFetch(ok({ CopyJobId: "job-2" }));
  const client = new BackupClient({ region: "eu-west-1", credentials, fetch });
  const full = {
    ...minimal,
    IdempotencyToken: "my-token",
    Lifecycle: {
      MoveToColdStorageAfterDays: 30,
      DeleteAfterDays: 120,
      OptInToArchiveForSupportedResources: true,
    },
  };
  // A key the model does not name is refused, not dropped (README, Validation).
  const refused = await startCopyJob(client, { ...full, NotInTheModel: 1 } as never).catch((e) =>
    e
  );
  assert.ok(refused instanceof ValidationError, String(refused));
  assert.equal(requests.length, 0);
  const output = await startCopyJob(client, full);
  assert.deepEqual(JSON.parse(requests[0].body), full);
  assert.equal(requests[0].url.host, "backup.eu-west-1.amazonaws.com");
  // A missing @default member is filled on output.
  assert.equal(output.IsParent, false);
  assert.equal(output.CreationDate, undefined);
});

Deno.test("the idempotency token is filled once per call and reused on every retry", async () => {
  const { fetch, requests } = recordingFetch(
    error(503, "ServiceUnavailableException"),
    error(400, "ThrottlingException"),
    ok({ CopyJobId: "job-3" }),
  );
  const client = new BackupClient({ region: "us-east-1", credentials, fetch, maxAttempts: 3 });
  const output = await startCopyJob(client, minimal);
  assert.equal(requests.length, 3);
  const tokens = requests.map((r) => JSON.parse(r.body).IdempotencyToken);
  assert.equal(new Set(tokens).size, 1);
  assert.equal(output.$metadata.attempts, 3);
  assert.ok(output.$metadata.totalRetryDelay >= 0);
  // A second logical call gets a new token.
  const second = recordingFetch(ok({}));
  await startCopyJob(
    new BackupClient({ region: "us-east-1", credentials, fetch: second.fetch }),
    minimal,
  );
  assert.notEqual(JSON.parse(second.requests[0].body).IdempotencyToken, tokens[0]);
});

Deno.test("validation: every violation reported with its path, nothing sent", async () => {
  const { fetch, requests } = recordingFetch();
  const client = new BackupClient({ region: "us-east-1", credentials, fetch });
  const bad = {
    RecoveryPointArn: 42,
    SourceBackupVaultName: "no spaces allowed",
    IamRoleArn: "arn:aws:iam::111122223333:role/backup",
    Lifecycle: { DeleteAfterDays: 1.5, OptInToArchiveForSupportedResources: "yes" },
  } as unknown as StartCopyJobInput;
  const e = await startCopyJob(client, bad).then(() => assert.fail("resolved"), (e) => e);
  assert.ok(e instanceof ValidationError);
  assert.deepEqual(e.issues, [
    { path: "RecoveryPointArn", message: "must be a string" },
    { path: "SourceBackupVaultName", message: "must match /^[a-zA-Z0-9\\-\\_]{2,50}$/" },
    { path: "DestinationBackupVaultArn", message: "is required" },
    { path: "Lifecycle.DeleteAfterDays", message: "must be an integer" },
    { path: "Lifecycle.OptInToArchiveForSupportedResources", message: "must be a boolean" },
  ]);
  assert.match(e.message, /^Invalid StartCopyJob input: RecoveryPointArn must be a string; /);
  assert.match(e.message, /Lifecycle\.DeleteAfterDays must be an integer/);
  assert.equal(requests.length, 0);
});

Deno.test("validation: @range and empty URI labels", async () => {
  const { fetch, requests } = recordingFetch();
  const client = new BackupClient({ region: "us-east-1", credentials, fetch });
  const range = await listCopyJobs(client, { MaxResults: 0 }).catch((e) => e);
  assert.ok(range instanceof ValidationError);
  assert.deepEqual(range.issues, [{ path: "MaxResults", message: "must be >= 1" }]);
  const tooMany = await listCopyJobs(client, { MaxResults: 1001 }).catch((e) => e);
  assert.deepEqual(tooMany.issues, [{ path: "MaxResults", message: "must be <= 1000" }]);
  const label = await describeCopyJob(client, { CopyJobId: "" }).catch((e) => e);
  assert.deepEqual(label.issues, [{
    path: "CopyJobId",
    message: "must not be empty (it is part of the URI)",
  }]);
  assert.equal(requests.length, 0);
});

Deno.test("DescribeCopyJob encodes its label; ListCopyJobs sends query parameters", async () => {
  const { fetch, requests } = recordingFetch(
    ok({ CopyJob: { CopyJobId: "a/b c", CreationDate: 1, State: "RUNNING", Extra: 1 } }),
    ok({ CopyJobs: [{ CopyJobId: "x", CompletionDate: 1700000000 }], NextToken: "n2" }),
  );
  const client = new BackupClient({ region: "us-east-1", credentials, fetch });
  const described = await describeCopyJob(client, { CopyJobId: "a/b c" });
  assert.equal(requests[0].url.pathname, "/copy-jobs/a%2Fb%20c");
  assert.equal(requests[0].method, "GET");
  assert.equal(requests[0].body, "");
  assert.equal(requests[0].headers.get("content-type"), null);
  assert.deepEqual(described.CopyJob, {
    CopyJobId: "a/b c",
    CreationDate: new Date(1000),
    State: "RUNNING",
    IsParent: false,
  });
  const listed = await listCopyJobs(client, {
    ByState: "COMPLETED",
    ByCreatedAfter: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
    MaxResults: 10,
  });
  assert.equal(
    requests[1].url.search,
    "?maxResults=10&state=COMPLETED&createdAfter=2024-01-02T03%3A04%3A05Z",
  );
  assert.equal(listed.NextToken, "n2");
  assert.equal(listed.CopyJobs?.[0].CompletionDate?.getTime(), 1700000000000);
});

Deno.test("errors: modeled class from X-Amzn-Errortype, members, metadata, no retry", async () => {
  const { fetch, requests } = recordingFetch(
    error(
      400,
      "InvalidParameterValueException:http://internal.amazon.com/coral/com.amazonaws.backup/",
      {
        Code: "ERROR_1",
        Message: "Invalid vault",
        Type: "User",
        Context: "SourceBackupVaultName",
      },
    ),
  );
  const client = new BackupClient({ region: "us-east-1", credentials, fetch });
  const e = await startCopyJob(client, minimal).catch((e) => e);
  assert.ok(e instanceof InvalidParameterValueException);
  assert.ok(e instanceof ServiceException);
  assert.ok(e instanceof Error);
  assert.equal(e.name, "InvalidParameterValueException");
  assert.equal(e.message, "Invalid vault");
  assert.equal(e.$fault, "client");
  assert.equal(e.Context, "SourceBackupVaultName");
  assert.equal(e.Code, "ERROR_1");
  assert.deepEqual(e.$metadata, {
    httpStatusCode: 400,
    requestId: "req-err",
    attempts: 1,
    totalRetryDelay: 0,
  });
  assert.equal(requests.length, 1);
});

Deno.test("errors: body `code`, then `__type` with a namespace, then unknown codes", async () => {
  const bodies = [
    () =>
      new Response(JSON.stringify({ code: "ResourceNotFoundException", message: "gone" }), {
        status: 400,
      }),
    () =>
      new Response(JSON.stringify({ __type: "com.amazonaws.backup#ResourceNotFoundException" }), {
        status: 400,
      }),
    () =>
      new Response(JSON.stringify({ __type: "SomethingNewException", Message: "new" }), {
        status: 409,
      }),
    () => new Response("<html>bad gateway</html>", { status: 403 }),
  ];
  const { fetch } = recordingFetch(...bodies);
  const client = new BackupClient({ region: "us-east-1", credentials, fetch, maxAttempts: 1 });
  const first = await describeCopyJob(client, { CopyJobId: "x" }).catch((e) => e);
  assert.ok(first instanceof ResourceNotFoundException);
  assert.equal(first.message, "gone");
  const second = await describeCopyJob(client, { CopyJobId: "x" }).catch((e) => e);
  assert.ok(second instanceof ResourceNotFoundException);
  const third = await describeCopyJob(client, { CopyJobId: "x" }).catch((e) => e);
  assert.equal(third.constructor.name, "BackupServiceException");
  assert.equal(third.name, "SomethingNewException");
  assert.equal(third.message, "new");
  assert.equal(third.$fault, "client");
  // A body that is not JSON (a proxy's page) is still the service's error: named by the status,
  // the page kept (bounded) for a person to read.
  const fourth = await describeCopyJob(client, { CopyJobId: "x" }).catch((e) => e);
  assert.ok(fourth instanceof BackupServiceException, String(fourth));
  assert.equal(fourth.name, "403");
  assert.equal(fourth.$metadata.httpStatusCode, 403);
  assert.equal(fourth.$bodyExcerpt, "<html>bad gateway</html>");
});

Deno.test("secrets stay out of JSON.stringify, inspection and errors", async () => {
  const secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYSECRETKEY";
  const token = "SESSION-TOKEN-SECRET";
  const { fetch } = recordingFetch(error(403, "InvalidSignatureException", { message: "bad" }));
  const client = new BackupClient({
    region: "us-east-1",
    credentials: { accessKeyId: "AKID", secretAccessKey: secret, sessionToken: token },
    fetch,
  });
  const assertHidden = () => {
    for (
      const text of [JSON.stringify(client), Deno.inspect(client, { depth: 10, showHidden: true })]
    ) {
      assert.ok(!text.includes(secret) && !text.includes(token), text);
    }
  };
  assertHidden();
  const e = await startCopyJob(client, minimal).catch((e) => e);
  // After a call too: the client's signing-key cache is keyed by a scope holding the secret.
  assertHidden();
  const seen = [e.message, e.stack, JSON.stringify(e), Deno.inspect(e, { depth: 10 })].join("\n");
  assert.ok(!seen.includes(secret) && !seen.includes(token));
});

Deno.test("rotating credentials: the provider is asked before every attempt", async () => {
  let calls = 0;
  const { fetch, requests } = recordingFetch(error(500, "InternalFailure"), ok({}));
  const client = new BackupClient({
    region: "us-east-1",
    credentials: () => Promise.resolve({ accessKeyId: `AKID${++calls}`, secretAccessKey: "s" }),
    fetch,
  });
  await startCopyJob(client, minimal);
  assert.equal(calls, 2);
  assert.match(requests[1].headers.get("authorization")!, /Credential=AKID2\//);
});

Deno.test("client config errors name the field", () => {
  assert.throws(
    () => new BackupClient({ region: "", credentials }),
    (e: ValidationError) =>
      e instanceof ValidationError && e.issues[0].path === "region" &&
      /^Invalid client config: region must be a Region name/.test(e.message),
  );
  assert.throws(
    () => new BackupClient({ region: "us-east-1", credentials, maxAttempts: 0 }),
    (e: ValidationError) => e.issues[0].path === "maxAttempts",
  );
  // A Region is one lower-case host label; anything else is refused before an endpoint is built.
  for (const region of ["US-EAST-1", "us_east_1", "us-east-1.", "-us", "us-", "a".repeat(64)]) {
    assert.throws(
      () => new BackupClient({ region, credentials }),
      (e: ValidationError) => e instanceof ValidationError && e.issues[0].path === "region",
      region,
    );
  }
  // A malformed endpoint is named at construction, not a TypeError at the first call.
  for (const endpoint of ["notaurl", "127.0.0.1:8080", "ftp://127.0.0.1/", "", "http//x"]) {
    assert.throws(
      () => new BackupClient({ region: "us-east-1", credentials, endpoint }),
      (e: ValidationError) =>
        e instanceof ValidationError && e.issues.length === 1 && e.issues[0].path === "endpoint",
      endpoint,
    );
  }
  for (const endpoint of ["http://127.0.0.1:8080", "https://backup.example.com/base/"]) {
    new BackupClient({ region: "us-east-1", credentials, endpoint });
  }
});

Deno.test("clock skew: a signature-time error with a distant server Date resyncs and retries", async () => {
  const ahead = new Date(Date.now() + 3600_000);
  const { fetch, requests } = recordingFetch(
    () =>
      new Response(JSON.stringify({ message: "Signature expired" }), {
        status: 403,
        headers: { "x-amzn-errortype": "InvalidSignatureException", date: ahead.toUTCString() },
      }),
    ok({ CopyJobId: "after-skew" }),
  );
  const client = new BackupClient({ region: "us-east-1", credentials, fetch });
  const output = await startCopyJob(client, minimal);
  assert.equal(output.$metadata.attempts, 2);
  const signedAt = (r: { headers: Headers }) => {
    const [, y, mo, d, h, mi, s] = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(
      r.headers.get("x-amz-date")!,
    )!.map(Number);
    return Date.UTC(y, mo - 1, d, h, mi, s);
  };
  assert.ok(Math.abs(signedAt(requests[0]) - Date.now()) < 60_000);
  assert.ok(Math.abs(signedAt(requests[1]) - ahead.getTime()) < 60_000);
  assert.ok(Math.abs(client.clockOffsetMs - 3600_000) < 60_000);
  // The same error with a server clock that agrees with ours is not retried.
  const near = recordingFetch(() =>
    new Response("{}", {
      status: 403,
      headers: { "x-amzn-errortype": "InvalidSignatureException", date: new Date().toUTCString() },
    })
  );
  const e = await startCopyJob(
    new BackupClient({ region: "us-east-1", credentials, fetch: near.fetch }),
    minimal,
  )
    .catch((e) => e);
  assert.equal(e.name, "InvalidSignatureException");
  assert.equal(near.requests.length, 1);
});

Deno.test("a credential provider without keys fails at once, typed, nothing sent", async () => {
  let calls = 0;
  const { fetch, requests } = recordingFetch();
  const client = new BackupClient({
    region: "us-east-1",
    credentials: () => {
      calls++;
      return Promise.resolve({ accessKeyId: "", secretAccessKey: "" });
    },
    fetch,
  });
  const e = await startCopyJob(client, minimal).catch((e) => e);
  assert.ok(e instanceof ValidationError, String(e));
  assert.equal(e.issues[0].path, "credentials.accessKeyId");
  assert.equal(calls, 1);
  assert.equal(requests.length, 0);
});

Deno.test("Lifecycle.DeleteAfterEvent (model 2026-04-08): typed, validated, serialized", async () => {
  const lifecycle: Lifecycle = { DeleteAfterDays: 35, DeleteAfterEvent: "DELETE_AFTER_COPY" };
  // @ts-expect-error DeleteAfterEvent is a string enum, not a boolean
  const wrongType: Lifecycle = { DeleteAfterEvent: true };
  const { fetch, requests } = recordingFetch(ok({ CopyJobId: "job-event" }));
  const client = new BackupClient({ region: "us-east-1", credentials, fetch });
  await startCopyJob(client, { ...minimal, Lifecycle: lifecycle });
  assert.deepEqual(JSON.parse(requests[0].body).Lifecycle, {
    DeleteAfterDays: 35,
    DeleteAfterEvent: "DELETE_AFTER_COPY",
  });
  const e = await startCopyJob(client, { ...minimal, Lifecycle: wrongType }).catch((e) => e);
  assert.ok(e instanceof ValidationError);
  assert.deepEqual(e.issues, [{ path: "Lifecycle.DeleteAfterEvent", message: "must be a string" }]);
  assert.equal(requests.length, 1);
});

Deno.test("the emulator accepts Lifecycle.DeleteAfterEvent DELETE_AFTER_COPY, rejects others", async () => {
  await using emulator = await startEmulator();
  const client = new BackupClient({
    region: emulator.region,
    endpoint: emulator.url,
    credentials: DEMO_CREDENTIALS,
    maxAttempts: 1,
  });
  const input = {
    RecoveryPointArn: RECOVERY_POINT_OK_ARN,
    SourceBackupVaultName: DEFAULT_VAULT_NAME,
    DestinationBackupVaultArn: DR_VAULT_WEST_ARN,
    IamRoleArn: DEMO_IAM_ROLE_ARN,
  };
  const started = await startCopyJob(client, {
    ...input,
    Lifecycle: { DeleteAfterEvent: "DELETE_AFTER_COPY" },
  });
  assert.equal(emulator.jobs().at(-1)?.CopyJobId, started.CopyJobId);
  const e = await startCopyJob(client, {
    ...input,
    Lifecycle: { DeleteAfterEvent: "DELETE_AFTER_RESTORE" },
  }).catch((e) => e);
  assert.ok(e instanceof InvalidParameterValueException, String(e));
  assert.match(e.message, /Lifecycle\.DeleteAfterEvent/);
  assert.equal(emulator.jobs().length, 1);
});
