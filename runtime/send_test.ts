// The call pipeline against a scripted fetch: what is a transport failure, typed parse failures,
// what is retried (and when it must not be), abort at every await, credentials, headers, dry run.

import assert from "node:assert/strict";
import {
  BackupClient,
  buildSignedRequest,
  type ClientConfig,
  deleteBackupPlan,
  describeCopyJob,
  DeserializationError,
  InvalidRequestException,
  listBackupVaults,
  NetworkError,
  OutcomeUnknownError,
  RequestTimeoutError,
  type RetryFailure,
  ServiceException,
  SigningError,
  startCopyJob,
  type StartCopyJobInput,
  updateBackupPlan,
  USER_AGENT,
  ValidationError,
} from "../mod.ts";
import type { OperationSpec } from "./operation_spec.ts";
import { send } from "./send.ts";
import {
  type Answer,
  credentials,
  fail,
  json,
  scripted,
  scriptedClient,
} from "../testing/scripted_fetch.ts";
import { VERSION } from "./version.ts";

const input: StartCopyJobInput = {
  RecoveryPointArn: "arn:aws:backup:us-east-1:111122223333:recovery-point:1EB3B5E7",
  SourceBackupVaultName: "Default",
  DestinationBackupVaultArn: "arn:aws:backup:us-west-2:111122223333:backup-vault:dr",
  IamRoleArn: "arn:aws:iam::111122223333:role/backup",
};
const plan = {
  BackupPlanId: "plan-1",
  BackupPlan: { BackupPlanName: "p", Rules: [{ RuleName: "r", TargetBackupVaultName: "vault" }] },
};

const okJob = json(200, '{"CopyJobId":"job-1"}');
const client = scriptedClient;

/** Ticks of the event loop: enough for every microtask chain started before to settle. */
const macrotask = () => new Promise((resolve) => setTimeout(resolve, 0));

Deno.test("a 2xx body of the wrong shape is a DeserializationError, sent once, never retried", async () => {
  // UpdateBackupPlan is @idempotent, yet a retry would get the same unparseable answer.
  const { fetch, requests } = scripted(
    json(200, '{"BackupPlanId":"plan-1","CreationDate":"2023-07-18T12:04:24"}'),
  );
  const e = await updateBackupPlan(client(fetch), plan).catch((e) => e);
  assert.ok(e instanceof DeserializationError, String(e));
  assert.equal(e.operation, "UpdateBackupPlan");
  assert.equal(e.$metadata.httpStatusCode, 200);
  assert.equal(e.$metadata.attempts, 1);
  assert.equal(e.incomplete, false);
  assert.ok(!(e.cause instanceof DeserializationError));
  assert.equal(requests.length, 1);
});

Deno.test("a member of the wrong type: a DeserializationError naming the field, never retried", async () => {
  const cases: [string, string][] = [
    [
      '{"CopyJob":{"BackupSizeInBytes":"big"}}',
      "CopyJob.BackupSizeInBytes: expected a number, got a string",
    ],
    ['{"CopyJob":{"CopyJobId":7}}', "CopyJob.CopyJobId: expected a string, got a number"],
    ['{"CopyJob":{"IsParent":"yes"}}', "CopyJob.IsParent: expected a boolean, got a string"],
    ['{"CopyJob":[1]}', "CopyJob: expected an object, got an array"],
    ['{"CopyJob":{"CreationDate":"soon"}}', "CopyJob.CreationDate: Invalid timestamp: soon"],
  ];
  for (const [body, message] of cases) {
    const { fetch, requests } = scripted(json(200, body), okJob);
    const e = await describeCopyJob(client(fetch), { CopyJobId: "x" }).catch((e) => e);
    assert.ok(e instanceof DeserializationError, String(e));
    assert.equal(e.message, `DescribeCopyJob: HTTP 200 body does not fit the model: ${message}`);
    assert.equal(e.incomplete, false);
    assert.equal(requests.length, 1, "never retried: the service would answer the same");
  }
  const lists = scripted(json(200, '{"BackupVaultList":[{"BackupVaultName":"a"},5]}'));
  const e = await listBackupVaults(client(lists.fetch), {}).catch((e) => e);
  assert.ok(e instanceof DeserializationError, String(e));
  assert.match(e.message, /BackupVaultList\[1\]: expected an object, got a number$/);
});

Deno.test("an error without a message of the service's: the message names the operation", async () => {
  const { fetch } = scripted(json(500, ""), json(403, '{"__type":"Nope"}'));
  const c = client(fetch, { maxAttempts: 1 });
  const unknown = await startCopyJob(c, input).catch((e) => e);
  assert.ok(unknown instanceof ServiceException, String(unknown));
  assert.equal(unknown.name, "500", "named by the status, as the AWS SDK v3 does");
  assert.equal(unknown.$fault, "server");
  assert.equal(unknown.message, "StartCopyJob: HTTP 500 with no error type");
  const named = await startCopyJob(c, input).catch((e) => e);
  assert.equal(named.name, "Nope");
  assert.equal(named.message, "StartCopyJob: HTTP 403");
});

Deno.test("an error code that names an Object property is an unmodeled ServiceException", async () => {
  for (const code of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
    const { fetch } = scripted(json(400, JSON.stringify({ __type: code, message: "m" })));
    const e = await startCopyJob(client(fetch), input).catch((e) => e);
    assert.ok(e instanceof ServiceException, `${code}: ${e}`);
    assert.equal(e.name, code);
    assert.equal(e.message, "m");
  }
});

Deno.test("2xx bodies that are null, arrays, strings, HTML or truncated: DeserializationError", async () => {
  const cases: [string, boolean][] = [
    ["null", false],
    ["[1,2]", false],
    ['"text"', false],
    ["<html><body>502 Bad Gateway</body></html>", true],
    ['{"CopyJob":{"CopyJobId":"x","Creat', true],
  ];
  for (const [body, incomplete] of cases) {
    const { fetch, requests } = scripted(json(200, body), json(200, body), json(200, body));
    const e = await describeCopyJob(client(fetch), { CopyJobId: "x" }).catch((e) => e);
    assert.ok(e instanceof DeserializationError, `${body}: ${e}`);
    assert.equal(e.$metadata.httpStatusCode, 200, body);
    assert.equal(e.$metadata.requestId, "req", body);
    assert.equal(e.operation, "DescribeCopyJob");
    assert.equal(e.incomplete, incomplete, body);
    // DescribeCopyJob is safe to repeat: an incomplete 2xx body is retried, a wrong shape not.
    assert.equal(requests.length, incomplete ? 3 : 1, body);
    assert.equal(e.$metadata.attempts, requests.length, body);
  }
});

Deno.test("a body that breaks off is a DeserializationError; retried only when safe", async () => {
  const broken: Answer = () =>
    new Response(
      new ReadableStream({
        start(c) {
          c.enqueue(new TextEncoder().encode('{"CopyJobId":'));
        },
        pull(c) {
          c.error(new TypeError("connection reset"));
        },
      }),
      { status: 200 },
    );
  const safe = scripted(broken, okJob);
  const output = await startCopyJob(client(safe.fetch), input);
  assert.equal(output.CopyJobId, "job-1");
  assert.equal(output.$metadata.attempts, 2);
  const unsafe = scripted(broken, json(200, "{}"));
  const e = await deleteBackupPlan(client(unsafe.fetch), { BackupPlanId: "p" }).catch((e) => e);
  assert.ok(e instanceof DeserializationError, String(e));
  assert.equal(e.incomplete, true);
  assert.equal(unsafe.requests.length, 1);
});

Deno.test("only a failure of fetch itself is a NetworkError: workerd's plain Error counts", async () => {
  const { fetch, requests } = scripted(fail(new Error("Network connection lost.")), okJob);
  const output = await startCopyJob(client(fetch), input);
  assert.equal(output.$metadata.attempts, 2);
  assert.equal(requests.length, 2);
  const exhausted = scripted(...Array(3).fill(fail(new TypeError("error sending request"))));
  const e = await startCopyJob(client(exhausted.fetch), input).catch((e) => e);
  assert.ok(e instanceof NetworkError, String(e));
  assert.equal(e.$metadata.attempts, 3);
  assert.equal(e.$metadata.httpStatusCode, undefined);
  assert.ok(e.cause instanceof TypeError);
});

Deno.test("a NetworkError says why fetch failed: Node's cause is in the message", async () => {
  const refused = new TypeError("fetch failed", {
    cause: new Error("connect ECONNREFUSED 127.0.0.1:8080"),
  });
  const { fetch } = scripted(fail(refused));
  const e = await startCopyJob(client(fetch, { maxAttempts: 1 }), input).catch((e) => e);
  assert.ok(e instanceof NetworkError, String(e));
  assert.equal(
    e.message,
    "StartCopyJob: fetch failed (connect ECONNREFUSED 127.0.0.1:8080)",
  );
});

Deno.test("a fetch that resolves with something else than a Response: a DeserializationError, not retried", async () => {
  for (
    const [value, what] of [[undefined, "undefined"], [{}, "a plain object"], ["ok", "a string"]]
  ) {
    const { fetch, requests } = scripted(() => value as never, okJob);
    const e = await startCopyJob(client(fetch), input).catch((e) => e);
    assert.ok(e instanceof DeserializationError, String(e));
    assert.equal(e.message, `StartCopyJob: fetch resolved with ${what}, not a Response`);
    assert.equal(e.$metadata.attempts, 1);
    assert.equal(requests.length, 1, "not retried");
  }
});

Deno.test("a network failure or timeout of an unsafe operation: OutcomeUnknownError, sent once", async () => {
  const reset = scripted(fail(new TypeError("connection reset")), json(200, "{}"));
  const e = await deleteBackupPlan(client(reset.fetch), { BackupPlanId: "p" }).catch((e) => e);
  assert.ok(e instanceof OutcomeUnknownError, String(e));
  assert.equal(e.operation, "DeleteBackupPlan");
  assert.match(e.message, /^DeleteBackupPlan: outcome unknown/);
  assert.ok(e.cause instanceof NetworkError);
  assert.equal(reset.requests.length, 1);
  const hung = scripted(() => new Promise(() => {}), json(200, "{}"));
  const t = await deleteBackupPlan(client(hung.fetch, { requestTimeoutMs: 20 }), {
    BackupPlanId: "p",
  }).catch((e) => e);
  assert.ok(t instanceof OutcomeUnknownError, String(t));
  assert.ok(t.cause instanceof RequestTimeoutError);
  assert.equal(hung.requests.length, 1);
  // The same hang on a safe operation is retried.
  const safe = scripted(() => new Promise(() => {}), okJob);
  // (A generous timeout: the answered attempt must not time out on a loaded machine.)
  const ok = await startCopyJob(client(safe.fetch, { requestTimeoutMs: 500 }), input);
  assert.equal(ok.$metadata.attempts, 2);
});

Deno.test("fetch is called unbound: a platform fetch that checks `this` works", async () => {
  const { fetch, requests } = scripted(okJob);
  function strictFetch(this: unknown, url: string, init: RequestInit) {
    // What workerd and browsers do when fetch is called as a method of another object.
    if (this !== undefined && this !== globalThis) throw new TypeError("Illegal invocation");
    return fetch(url, init);
  }
  const output = await startCopyJob(client(strictFetch), input);
  assert.equal(output.$metadata.attempts, 1);
  assert.equal(requests.length, 1);
});

Deno.test("a custom fetch failing in its own code (an unbound method): ValidationError naming fetch, not retried", async () => {
  const hint =
    "; it is called as fetch(url, init), unbound: pass (url, init) => obj.fetch(url, init)";
  let calls = 0;
  class Proxy {
    inner = scripted(okJob);
    // An async method: the TypeError is a rejection.
    async fetch(url: string, init: RequestInit): Promise<Response> {
      calls++;
      return await this.inner.fetch(url, init);
    }
    // A plain method: the TypeError is thrown as it is called.
    fetchNow(url: string, init: RequestInit): Promise<Response> {
      calls++;
      return this.inner.fetch(url, init);
    }
  }
  const proxy = new Proxy();
  for (const method of [proxy.fetch, proxy.fetchNow]) {
    calls = 0;
    // Was: NetworkError "StartCopyJob: fetch failed: Cannot read properties of undefined…", retried.
    const e = await startCopyJob(client(method), input).catch((e) => e);
    assert.ok(e instanceof ValidationError, String(e));
    assert.equal(e.issues[0].path, "fetch");
    assert.equal(
      e.message,
      "Invalid StartCopyJob call: fetch threw TypeError: Cannot read properties of undefined " +
        `(reading 'inner')${hint}`,
    );
    assert.equal(calls, 1, "not retried");
  }
  // Bound as the message says, it works.
  const output = await startCopyJob(client((url, init) => proxy.fetch(url, init)), input);
  assert.equal(output.CopyJobId, "job-1");
  // Other mistakes of the caller's code: a call of what is not a function, an undefined name.
  const notAFunction = { send: undefined as unknown as () => Promise<Response> };
  for (
    const [fetch, error] of [
      [() => notAFunction.send(), /^TypeError: notAFunction\.send is not a function$/],
      // @ts-expect-error: the name is not defined, as in a typo.
      [async () => await undefinedFetch(), /^ReferenceError: undefinedFetch is not defined$/],
    ] as const
  ) {
    const e = await listBackupVaults(client(fetch as never), {}).catch((e) => e);
    assert.ok(e instanceof ValidationError, String(e));
    assert.match(e.issues[0].message.replace(/^threw /, "").replace(hint, ""), error);
  }
});

Deno.test("through a custom fetch, the platforms' network failures stay NetworkErrors and are retried", async () => {
  for (
    const error of [
      new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED 127.0.0.1:1") }),
      new TypeError("Fetch failed: Requests to port 1 are blocked"), // Deno
      new TypeError("Failed to fetch"), // Chromium
      new TypeError("NetworkError when attempting to fetch resource."), // Firefox
      new TypeError("Load failed"), // Safari
      new Error("Network connection lost."), // workerd
      new Error("Unable to connect. Is the computer able to access the url?"), // Bun
    ]
  ) {
    const { fetch, requests } = scripted(fail(error), fail(error), okJob);
    const output = await startCopyJob(client(fetch), input);
    assert.equal(output.$metadata.attempts, 3, error.message);
    assert.equal(requests.length, 3);
  }
  // A real refused connection through a wrapper: retried, then a NetworkError.
  let calls = 0;
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  const wrapper = (_url: string, init: RequestInit) => {
    calls++;
    return fetch(`http://127.0.0.1:${port}/`, init);
  };
  const e = await listBackupVaults(client(wrapper), {}).catch((e) => e);
  assert.ok(e instanceof NetworkError, String(e));
  assert.equal(e.$metadata.attempts, 3);
  assert.equal(calls, 3);
});

Deno.test("CR, LF or NUL in credentials: ValidationError naming the field, never the value", async () => {
  const secret = "SECRET-TOKEN-VALUE";
  for (const bad of ["\r", "\n", "\0"]) {
    const sessionToken = `${secret}${bad}x`;
    assert.throws(
      () => client(scripted().fetch, { credentials: { ...credentials, sessionToken } }),
      (e: ValidationError) =>
        e instanceof ValidationError && e.issues[0].path === "credentials.sessionToken" &&
        !e.message.includes(secret),
    );
    let calls = 0;
    const { fetch, requests } = scripted(okJob, okJob, okJob);
    const provided = client(fetch, {
      credentials: () => {
        calls++;
        return Promise.resolve({ ...credentials, accessKeyId: `AKID${bad}` });
      },
    });
    const e = await startCopyJob(provided, input).catch((e) => e);
    assert.ok(e instanceof ValidationError, String(e));
    assert.equal(e.issues[0].path, "credentials.accessKeyId");
    assert.equal(calls, 1, "not retried");
    assert.equal(requests.length, 0);
  }
});

Deno.test("unknown keys in credentials, static or provided: ValidationError naming the path, never a value", async () => {
  const token = "SESSION-TOKEN-VALUE";
  const refused = (credentials: unknown) => {
    try {
      client(scripted().fetch, { credentials: credentials as never });
    } catch (e) {
      assert.ok(e instanceof ValidationError, String(e));
      assert.ok(!e.message.includes(token) && !e.message.includes("SECRET"), e.message);
      return e.issues;
    }
    throw new Error("accepted");
  };
  // A misspelt session token would be dropped: the request goes out with the keys alone.
  assert.deepEqual(refused({ ...credentials, sessionTokn: token }), [
    { path: "credentials.sessionTokn", message: 'is unknown; did you mean "sessionToken"?' },
  ]);
  // STS's Credentials as AssumeRole returns them: the mapping, once.
  const sts = {
    AccessKeyId: "ASIAEXAMPLE",
    SecretAccessKey: "SECRET",
    SessionToken: token,
    Expiration: new Date(Date.now() + 3600_000),
  };
  const issues = refused(sts);
  assert.deepEqual(issues.map((i) => i.path), [
    "credentials.accessKeyId",
    "credentials.secretAccessKey",
    "credentials.AccessKeyId",
    "credentials.SecretAccessKey",
    "credentials.SessionToken",
    "credentials.Expiration",
  ]);
  assert.equal(
    issues[2].message,
    "is unknown: STS's AccessKeyId is accessKeyId here; map the AssumeRole Credentials: " +
      "{ accessKeyId: c.AccessKeyId, … }",
  );
  assert.equal(issues[4].message, "is unknown: STS's SessionToken is sessionToken here");
  // With our keys right, a stray STS key alone is still refused.
  assert.deepEqual(refused({ ...credentials, SessionToken: token }).map((i) => i.path), [
    "credentials.SessionToken",
  ]);
  // The other members of the SDK's AwsCredentialIdentity change nothing here and are accepted.
  client(scripted().fetch, {
    credentials: { ...credentials, accountId: "111122223333", credentialScope: "s", $source: {} },
  } as never);

  // What a provider returns: the same check, a ValidationError, not retried, nothing sent.
  let calls = 0;
  const { fetch, requests } = scripted(okJob, okJob, okJob);
  const provided = client(fetch, {
    credentials: () => {
      calls++;
      return Promise.resolve({ ...credentials, sessionTokn: token } as never);
    },
  });
  const e = await startCopyJob(provided, input).catch((e) => e);
  assert.ok(e instanceof ValidationError, String(e));
  assert.equal(
    e.message,
    'Invalid credentials: credentials.sessionTokn is unknown; did you mean "sessionToken"?',
  );
  assert.equal(calls, 1, "not retried");
  assert.equal(requests.length, 0);
});

Deno.test("a platform error that mentions a credential is sanitised", async () => {
  const token = "SESSION-TOKEN-SECRET";
  const leaky = scripted(fail(new TypeError(`invalid header x-amz-security-token: ${token}`)));
  const c = client(leaky.fetch, { credentials: { ...credentials, sessionToken: token } });
  const e = await deleteBackupPlan(c, { BackupPlanId: "p" }).catch((e) => e);
  assert.ok(e instanceof OutcomeUnknownError);
  const seen = [e.message, e.stack, Deno.inspect(e, { depth: 10 })].join("\n");
  assert.ok(!seen.includes(token), seen);
  assert.match(e.message, /x-amz-security-token: \[hidden\]/);
  // The platform's error is kept as a copy without the token: a safe cause, of its class.
  const platform = (e.cause as Error).cause as Error;
  assert.ok(platform instanceof TypeError, String(platform));
  assert.equal(platform.message, "invalid header x-amz-security-token: [hidden]");
  assert.ok(!String(platform.stack).includes(token));
});

Deno.test("requestTimeoutMs and timeoutMs must fit a timer (2^31 and more, Infinity rejected)", async () => {
  for (const requestTimeoutMs of [2 ** 31, Infinity, 0, -1, NaN]) {
    assert.throws(
      () => client(scripted().fetch, { requestTimeoutMs }),
      (e: ValidationError) => e.issues[0].path === "requestTimeoutMs",
      String(requestTimeoutMs),
    );
  }
  client(scripted().fetch, { requestTimeoutMs: 2 ** 31 - 1 });
  for (
    const [path, extra] of [
      ["retryMode", { retryMode: "adaptive" }],
      ["retryStrategy", { retryStrategy: { retryDelay: () => 0 } }],
      ["fetch", { fetch: "fetch" }],
    ] as const
  ) {
    assert.throws(
      () => client(scripted().fetch, extra as unknown as Partial<ClientConfig>),
      (e: ValidationError) => e.issues[0].path === path,
    );
  }
  const { fetch, requests } = scripted(okJob);
  const e = await startCopyJob(client(fetch), input, { timeoutMs: 2 ** 31 }).catch((e) => e);
  assert.ok(e instanceof ValidationError);
  assert.equal(e.issues[0].path, "timeoutMs");
  assert.equal(requests.length, 0);
});

Deno.test("abort while credentials are fetched: rejects at once, even if the provider never ends", async () => {
  let release!: () => void;
  const provider = () =>
    new Promise<typeof credentials>((resolve) => release = () => resolve(credentials));
  const { fetch, requests } = scripted(okJob);
  const controller = new AbortController();
  let outcome: unknown = "pending";
  const call = startCopyJob(client(fetch, { credentials: provider }), input, {
    signal: controller.signal,
  }).then(() => "resolved", (e) => e);
  call.then((o) => outcome = o);
  await macrotask();
  controller.abort(new Error("stop"));
  await macrotask();
  assert.equal((outcome as Error).message, "stop", "rejected before the provider answered");
  release();
  await macrotask();
  assert.equal(requests.length, 0);
});

Deno.test("a fetch that ignores the signal: the aborted call rejects at once and never resolves", async () => {
  let answer!: (r: Response) => void;
  const ignoring = scripted(() => new Promise<Response>((resolve) => answer = resolve));
  const controller = new AbortController();
  let outcome: unknown = "pending";
  startCopyJob(client(ignoring.fetch), input, { signal: controller.signal })
    .then(() => outcome = "resolved", (e) => outcome = e);
  while (!answer) await macrotask();
  controller.abort(new Error("stop"));
  await macrotask();
  assert.equal((outcome as Error).message, "stop");
  answer(new Response('{"CopyJobId":"late"}', { status: 200 }));
  await macrotask();
  assert.equal((outcome as Error).message, "stop");
  // The same while the body is being read.
  const slowBody = scripted(() =>
    new Response(
      new ReadableStream({
        start(c) {
          c.enqueue(new TextEncoder().encode("{"));
        },
      }),
      { status: 200 },
    )
  );
  const reading = new AbortController();
  let read: unknown = "pending";
  startCopyJob(client(slowBody.fetch), input, { signal: reading.signal })
    .then(() => read = "resolved", (e) => read = e);
  while (!slowBody.requests.length) await macrotask();
  await macrotask();
  reading.abort(new Error("stop reading"));
  await macrotask();
  assert.equal((read as Error).message, "stop reading");
});

Deno.test("an already-aborted signal rejects before anything is sent", async () => {
  const { fetch, requests } = scripted(okJob);
  const e = await startCopyJob(client(fetch), input, { signal: AbortSignal.abort("no") }).catch(
    (e) => e,
  );
  assert.equal(e, "no");
  assert.equal(requests.length, 0);
});

Deno.test("SDK headers: one invocation id per call, attempt counter, user agent; only x-amz-* signed", async () => {
  const { fetch, requests } = scripted(json(503, "{}"), okJob, okJob);
  const c = client(fetch);
  await startCopyJob(c, input);
  await startCopyJob(c, input);
  const ids = requests.map((r) => r.headers.get("amz-sdk-invocation-id"));
  assert.match(ids[0]!, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(ids[0], ids[1]);
  assert.notEqual(ids[1], ids[2]);
  assert.deepEqual(requests.map((r) => r.headers.get("amz-sdk-request")), [
    "attempt=1; max=3",
    "attempt=2; max=3",
    "attempt=1; max=3",
  ]);
  assert.equal(USER_AGENT, `backup-edge/${VERSION}`);
  assert.equal(requests[0].headers.get("x-amz-user-agent"), USER_AGENT);
  assert.equal(requests[0].headers.get("user-agent"), USER_AGENT);
  // host and the x-amz-* headers are signed; the informational ones travel unsigned.
  const signed = /SignedHeaders=([^,]+)/.exec(requests[0].headers.get("authorization")!)![1];
  assert.deepEqual(signed.split(";"), ["host", "x-amz-date", "x-amz-user-agent"]);
});

Deno.test("$metadata.attempts and totalRetryDelay are exact; the strategy sees kind and hint", async () => {
  const { fetch } = scripted(
    json(429, "{}", { "x-amzn-errortype": "ThrottlingException", "x-amz-retry-after": "7" }),
    json(503, "{}"),
    okJob,
  );
  const seen: RetryFailure[] = [];
  const delays = [3, 4];
  let success: RetryFailure | undefined | "none" = "none";
  const c = client(fetch, {
    retryStrategy: {
      retryDelay: (f) => (seen.push(f), delays[seen.length - 1]),
      recordSuccess: (last) => success = last,
    },
  });
  const output = await startCopyJob(c, input);
  assert.deepEqual(output.$metadata, {
    httpStatusCode: 200,
    requestId: "req",
    attempts: 3,
    totalRetryDelay: 7,
  });
  assert.deepEqual(seen.map((f) => [f.kind, f.attempts, f.retryAfterMs]), [
    ["throttling", 1, 7],
    ["transient", 2, undefined],
  ]);
  assert.equal(success, seen[1]);
  // A strategy that gives up: the failure is raised with what was spent.
  const giveUp = scripted(json(503, "{}"));
  const e = await startCopyJob(
    client(giveUp.fetch, { retryStrategy: { retryDelay: () => undefined, recordSuccess() {} } }),
    input,
  ).catch((e) => e);
  assert.ok(e instanceof ServiceException);
  assert.deepEqual([e.$metadata.attempts, e.$metadata.totalRetryDelay], [1, 0]);
});

Deno.test("a retry that cannot end before timeoutMs is not slept: the failure is raised", async () => {
  const { fetch, requests } = scripted(
    json(503, "{}", { "retry-after": "30" }),
    okJob,
  );
  const c = new BackupClient({ region: "us-east-1", credentials, fetch });
  const e = await startCopyJob(c, input, { timeoutMs: 5_000 }).catch((e) => e);
  assert.ok(e instanceof ServiceException, String(e));
  assert.equal(e.$metadata.httpStatusCode, 503);
  assert.equal(requests.length, 1);
});

Deno.test("timeoutMs bounds the whole call with a RequestTimeoutError", async () => {
  const { fetch } = scripted(() => new Promise(() => {}));
  const e = await startCopyJob(client(fetch), input, { timeoutMs: 30 }).catch((e) => e);
  assert.ok(e instanceof RequestTimeoutError, String(e));
  assert.equal(e.operation, "StartCopyJob");
  assert.equal(e.$metadata.attempts, 1);
});

Deno.test("credentials with expiration are cached; refreshed within 5 minutes of expiry, once", async () => {
  let calls = 0;
  let expiresInMs = 3600_000;
  const provider = async () => {
    calls++;
    await macrotask();
    return { ...credentials, expiration: new Date(Date.now() + expiresInMs) };
  };
  const { fetch } = scripted(...Array(20).fill(okJob));
  const c = client(fetch, { credentials: provider });
  await Promise.all(Array.from({ length: 5 }, () => startCopyJob(c, input)));
  assert.equal(calls, 1, "concurrent calls share one refresh");
  await startCopyJob(c, input);
  assert.equal(calls, 1, "cached until near expiry");
  expiresInMs = 4 * 60_000;
  await startCopyJob(c, input); // still the hour-long credentials
  assert.equal(calls, 1);
  c.invalidateCredentials();
  await startCopyJob(c, input); // fetches the 4-minute credentials
  await startCopyJob(c, input); // within 5 minutes of expiry: refreshed again
  assert.equal(calls, 3);
});

Deno.test("an ExpiredToken error drops cached credentials and retries with fresh ones", async () => {
  let calls = 0;
  const provider = () =>
    Promise.resolve({
      accessKeyId: `AKID${++calls}`,
      secretAccessKey: "s",
      expiration: new Date(Date.now() + 3600_000),
    });
  const { fetch, requests } = scripted(
    json(403, '{"message":"expired"}', { "x-amzn-errortype": "ExpiredTokenException" }),
    okJob,
  );
  const output = await startCopyJob(client(fetch, { credentials: provider }), input);
  assert.equal(output.$metadata.attempts, 2);
  assert.equal(calls, 2);
  assert.match(requests[1].headers.get("authorization")!, /Credential=AKID2\//);
  // Static credentials cannot be refreshed: the error is raised.
  const fixed = scripted(json(403, "{}", { "x-amzn-errortype": "ExpiredTokenException" }));
  const e = await startCopyJob(client(fixed.fetch), input).catch((e) => e);
  assert.equal(e.name, "ExpiredTokenException");
  assert.equal(fixed.requests.length, 1);
});

Deno.test("buildSignedRequest refuses an operation that is not a function, naming operation and the function meant", async () => {
  const c = client(scripted().fetch);
  const cases: [unknown, RegExp][] = [
    [
      "startCopyJob",
      /not a string; did you mean the function startCopyJob \(import \{ startCopyJob \}\)\?$/,
    ],
    ["StartCopyJob", /did you mean the function startCopyJob /],
    [undefined, /^must be an operation function such as startCopyJob, not undefined$/],
    [{}, /not a plain object$/],
  ];
  for (const [operation, message] of cases) {
    const e = await buildSignedRequest(c, operation as never, input).catch((e) => e);
    assert.ok(e instanceof ValidationError, `${operation}: ${e}`);
    assert.equal(e.issues[0].path, "operation");
    assert.match(e.issues[0].message, message);
    assert.match(e.message, /^Invalid buildSignedRequest call: /);
  }
});

Deno.test("buildSignedRequest validates, serializes and signs without sending", async () => {
  const { fetch, requests } = scripted();
  const c = client(fetch);
  const request = await buildSignedRequest(c, startCopyJob, { ...input, IdempotencyToken: "t" });
  assert.ok(request instanceof Request);
  assert.equal(request.method, "PUT");
  assert.equal(request.url, "https://backup.us-east-1.amazonaws.com/copy-jobs");
  assert.match(request.headers.get("authorization")!, /^AWS4-HMAC-SHA256 Credential=AKIDTEST\//);
  assert.equal(request.headers.get("amz-sdk-request"), "attempt=1; max=3");
  assert.deepEqual(await request.json(), { ...input, IdempotencyToken: "t" });
  assert.equal(requests.length, 0);
  await assert.rejects(
    buildSignedRequest(c, startCopyJob, { ...input, SourceBackupVaultName: "no spaces" }),
    ValidationError,
  );
  // The returned Request follows the caller's signal after the build has returned.
  const controller = new AbortController();
  const later = await buildSignedRequest(c, startCopyJob, input, {
    signal: controller.signal,
    timeoutMs: 60_000,
  });
  assert.equal(later.signal.aborted, false);
  controller.abort(new Error("stop"));
  assert.equal(later.signal.aborted, true);
});

Deno.test("a header the platform rejects is a SigningError, not retried", async () => {
  const { fetch, requests } = scripted(okJob);
  const operation: OperationSpec<Record<string, never>, Record<string, never>> = {
    name: "Bad",
    serialize: () => ({ method: "GET", path: "/", query: [], headers: { "x-bad": "a\nb" } }),
    errors: [],
    retrySafe: true,
  };
  const e = await send(client(fetch), operation, {}).catch((e) => e);
  assert.ok(e instanceof SigningError, String(e));
  assert.equal(e.operation, "Bad");
  assert.equal(e.$metadata.attempts, 1);
  assert.equal(requests.length, 0);
});

Deno.test("modeled errors from a valid error body still arrive as their class", async () => {
  const { fetch } = scripted(
    json(400, '{"Message":"bad"}', { "x-amzn-errortype": "InvalidRequestException" }),
  );
  const e = await startCopyJob(client(fetch), input).catch((e) => e);
  assert.ok(e instanceof InvalidRequestException);
  assert.equal(e.$metadata.attempts, 1);
});

Deno.test("abort while the body is compressed or checksummed: rejects at once", async () => {
  for (const step of ["compress", "checksum"] as const) {
    const { fetch, requests } = scripted(okJob);
    const operation: OperationSpec<Record<string, never>, Record<string, never>> = {
      name: "Slow",
      serialize: () => ({ method: "POST", path: "/", query: [], headers: {}, body: "{}" }),
      errors: [],
      // A step that never ends, as a stuck CompressionStream or digest would.
      [step]: () => new Promise<void>(() => {}),
    };
    const controller = new AbortController();
    let outcome: unknown = "pending";
    send(client(fetch), operation, {}, { signal: controller.signal })
      .then(() => outcome = "resolved", (e) => outcome = e);
    await macrotask();
    controller.abort(new Error(step));
    await macrotask();
    assert.equal((outcome as Error).message, step);
    assert.equal(requests.length, 0);
  }
});

Deno.test("a credentials provider that throws at once is asked again on the next call", async () => {
  let calls = 0;
  const provider = () => {
    if (++calls === 1) throw new Error("no credentials yet");
    return Promise.resolve(credentials);
  };
  const { fetch } = scripted(okJob);
  const c = client(fetch, { credentials: provider as ClientConfig["credentials"] });
  await assert.rejects(() => startCopyJob(c, input), /no credentials yet/);
  const output = await startCopyJob(c, input);
  assert.equal(output.CopyJobId, "job-1");
  assert.equal(calls, 2);
});
