// What a call makes of an error status (any body), the error type's sanitizing, clock correction
// under concurrency and bad Date headers, expired tokens, and the options a call refuses.

import assert from "node:assert/strict";
import {
  BackupClient,
  BackupServiceException,
  describeCopyJob,
  InvalidParameterValueException,
  InvalidRequestException,
  LimitExceededException,
  NetworkError,
  paginateListCopyJobs,
  ResourceNotFoundException,
  ServiceException,
  startCopyJob,
  type StartCopyJobInput,
  ValidationError,
} from "../mod.ts";
import {
  credentials,
  json,
  scripted,
  scriptedClient as client,
} from "../testing/scripted_fetch.ts";

const input: StartCopyJobInput = {
  RecoveryPointArn: "arn:aws:backup:us-east-1:111122223333:recovery-point:1EB3B5E7",
  SourceBackupVaultName: "Default",
  DestinationBackupVaultArn: "arn:aws:backup:us-west-2:111122223333:backup-vault:dr",
  IamRoleArn: "arn:aws:iam::111122223333:role/backup",
};
const okJob = json(200, '{"CopyJobId":"job-1"}');

Deno.test("an error status is a ServiceException whatever the body: status names it, $fault from it", async () => {
  const bodies = ["", "null", "[1]", '"text"', "<html>502 Bad Gateway</html>", '{"a":', "{}", "7"];
  for (const status of [300, 301, 304, 400, 404, 413, 418, 500, 502, 503, 599]) {
    for (const body of bodies) {
      const { fetch } = scripted(json(status, body));
      const e = await startCopyJob(client(fetch, { maxAttempts: 1 }), input).catch((e) => e);
      const label = `${status} ${JSON.stringify(body)}`;
      assert.ok(e instanceof BackupServiceException, `${label}: ${e}`);
      assert.equal(e.name, String(status), label);
      assert.equal(e.$fault, status >= 500 ? "server" : "client", label);
      assert.deepEqual(e.$metadata, {
        httpStatusCode: status,
        requestId: "req",
        attempts: 1,
        totalRetryDelay: 0,
      }, label);
      assert.match(
        e.message,
        new RegExp(`^StartCopyJob: HTTP ${status} with no error type`),
        label,
      );
      if (status < 400) assert.match(e.message, /redirect not followed/, label);
    }
  }
});

Deno.test("the error type in the header decides, also over an HTML, null or truncated body", async () => {
  for (const body of ["<html>proxy</html>", "null", "[]", '{"message":"cut', ""]) {
    const { fetch } = scripted(json(400, body, { "x-amzn-errortype": "InvalidRequestException" }));
    const e = await startCopyJob(client(fetch), input).catch((e) => e);
    assert.ok(e instanceof InvalidRequestException, `${body}: ${e}`);
    assert.equal(e.$fault, "client");
    assert.equal(e.$metadata.httpStatusCode, 400);
  }
  // A throttling type with an HTML body is retried, on an operation that is not safe to repeat
  // after a network failure too: the service answered, so nothing was done.
  const { fetch, requests } = scripted(
    json(400, "<html>slow down</html>", { "x-amzn-errortype": "ThrottlingException" }),
    okJob,
  );
  const output = await startCopyJob(client(fetch), input);
  assert.equal(output.$metadata.attempts, 2);
  assert.equal(requests.length, 2);
});

Deno.test("a body that breaks off on an error status is that status's error, retried when transient", async () => {
  const broken = (status: number, type?: string) => () =>
    new Response(
      new ReadableStream({
        start(c) {
          c.enqueue(new TextEncoder().encode("<html>"));
        },
        pull(c) {
          c.error(new TypeError("connection reset"));
        },
      }),
      { status, headers: type ? { "x-amzn-errortype": type } : {} },
    );
  const { fetch, requests } = scripted(broken(503), okJob);
  const output = await startCopyJob(client(fetch), input);
  assert.equal(output.$metadata.attempts, 2);
  assert.equal(requests.length, 2);
  const notFound = scripted(broken(404, "ResourceNotFoundException"));
  const e = await describeCopyJob(client(notFound.fetch), { CopyJobId: "x" }).catch((e) => e);
  assert.ok(e instanceof ResourceNotFoundException, String(e));
  assert.match(e.message, /the body broke off \(connection reset\)/);
  assert.equal(notFound.requests.length, 1);
});

Deno.test("a modeled error keeps its class when a member does not fit: left out, listed in $droppedMembers", async () => {
  const body = JSON.stringify({
    Message: "no such job",
    Code: 42,
    Context: "ctx",
    Type: { nested: true },
  });
  const { fetch } = scripted(
    json(404, body, { "x-amzn-errortype": "ResourceNotFoundException" }),
  );
  const e = await describeCopyJob(client(fetch), { CopyJobId: "x" }).catch((e) => e);
  assert.ok(e instanceof ResourceNotFoundException, String(e));
  assert.equal(e.message, "no such job");
  assert.equal(e.Context, "ctx");
  assert.equal(e.Message, "no such job");
  assert.equal("Code" in e, false);
  assert.equal("Type" in e, false);
  assert.deepEqual(e.$droppedMembers, [
    { path: "Code", message: "expected a string, got a number" },
    { path: "Type", message: "expected a string, got a plain object" },
  ]);
  // Every member fits: no $droppedMembers at all.
  const fits = scripted(
    json(404, '{"Message":"m"}', { "x-amzn-errortype": "ResourceNotFoundException" }),
  );
  const clean = await describeCopyJob(client(fits.fetch), { CopyJobId: "x" }).catch((e) => e);
  assert.equal("$droppedMembers" in clean, false);
});

Deno.test("an unreadable body stays visible: $bodyExcerpt bounded, control characters replaced", async () => {
  const page = "<html>\u001b[31mBad\u202eGateway\u0000" + "x".repeat(5000) + "</html>";
  const { fetch } = scripted(json(502, page), json(502, page), json(502, page));
  const e = await describeCopyJob(client(fetch), { CopyJobId: "x" }).catch((e) => e);
  assert.ok(e instanceof ServiceException, String(e));
  assert.equal(e.name, "502");
  assert.equal(e.$metadata.attempts, 3, "502 is transient: retried");
  assert.equal(e.$bodyExcerpt!.length, 512);
  assert.ok(
    e.$bodyExcerpt!.startsWith("<html>\ufffd[31mBad\ufffdGateway\ufffdxxx"),
    e.$bodyExcerpt,
  );
  assert.match(
    e.message,
    /^DescribeCopyJob: HTTP 502 with no error type; the body is not JSON: <html>/,
  );
  assert.ok(e.message.length < 250, e.message);
  const json404 = scripted(json(404, '{"message":"gone"}'));
  const plain = await describeCopyJob(client(json404.fetch), { CopyJobId: "x" }).catch((e) => e);
  assert.equal("$bodyExcerpt" in plain, false, "a JSON object body keeps no excerpt");
});

Deno.test("error types are sanitized as restJson1 says: before the first ':', after the first '#'", async () => {
  const cases: [string, string][] = [
    ["aws.protocoltests.restjson#FooError:http://internal.amazon.com/coral/", "FooError"],
    ["FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/", "FooError"],
    ["a#b#c", "b#c"],
    ["ns#Error:x:y", "Error"],
    ["Odd, Other", "Odd"],
  ];
  for (const [type, name] of cases) {
    const { fetch } = scripted(json(400, "{}", { "x-amzn-errortype": type }));
    const e = await startCopyJob(client(fetch, { maxAttempts: 1 }), input).catch((e) => e);
    assert.equal(e.name, name, type);
  }
  const body = scripted(json(400, '{"__type":"com.amazonaws.backup#LimitExceededException:x"}'));
  const limit = await startCopyJob(client(body.fetch, { maxAttempts: 1 }), input).catch((e) => e);
  assert.ok(limit instanceof LimitExceededException, String(limit));
});

Deno.test("the retry decision uses the sanitized name: a namespaced or doubled throttling type is retried", async () => {
  for (
    const type of [
      "com.amazonaws.backup#ThrottlingException:http://internal/",
      "ThrottlingException, ThrottlingException",
      "LimitExceededException,LimitExceededException",
    ]
  ) {
    const { fetch, requests } = scripted(
      json(400, "<html></html>", { "x-amzn-errortype": type }),
      okJob,
    );
    const output = await startCopyJob(client(fetch), input);
    assert.equal(output.$metadata.attempts, 2, type);
    assert.equal(requests.length, 2, type);
  }
  // A header sent twice still yields the modeled class.
  const { fetch } = scripted(
    json(400, "{}", {
      "x-amzn-errortype": "InvalidParameterValueException, InvalidParameterValueException",
    }),
  );
  const e = await startCopyJob(client(fetch), input).catch((e) => e);
  assert.ok(e instanceof InvalidParameterValueException, String(e));
});

const skewed = (date: string) =>
  json(403, '{"message":"Signature expired"}', {
    "x-amzn-errortype": "InvalidSignatureException",
    date,
  });

Deno.test("a malformed Date header never corrects the clock", async () => {
  for (const date of ["0", "garbage", "2024", "Mon, 32 Jan 2024 00:00:00 GMT", ""]) {
    const { fetch, requests } = scripted(skewed(date), okJob);
    const c = client(fetch);
    const e = await startCopyJob(c, input).catch((e) => e);
    assert.equal(e.name, "InvalidSignatureException", date);
    assert.equal(c.clockOffsetMs, 0, date);
    assert.equal(requests.length, 1, date);
  }
  // A well-formed one an hour ahead does, and the call is retried at once.
  const ahead = new Date(Date.now() + 3600_000).toUTCString();
  const { fetch, requests } = scripted(skewed(ahead), okJob);
  const c = client(fetch);
  const output = await startCopyJob(c, input);
  assert.equal(output.$metadata.attempts, 2);
  assert.ok(Math.abs(c.clockOffsetMs - 3600_000) < 5000, String(c.clockOffsetMs));
  const signedAt = Date.parse(
    requests[1].headers.get("x-amz-date")!.replace(
      /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/,
      "$1-$2-$3T$4:$5:$6Z",
    ),
  );
  assert.ok(
    Math.abs(signedAt - (Date.now() + 3600_000)) < 5000,
    "the retry is signed with the server's time",
  );
});

Deno.test("clock correction under concurrency: every call in flight when it lands retries", async () => {
  const serverOffset = 20 * 60_000;
  let signedLate = 0;
  // A server 20 minutes ahead: it refuses a signature from the local clock and answers once
  // every call has arrived, so all responses land after the first correction.
  const calls = 20;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => release = resolve);
  let arrived = 0;
  const fetch = async (_url: string, init: RequestInit) => {
    const headers = init.headers as Record<string, string>;
    const signed = headers["x-amz-date"].replace(
      /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/,
      "$1-$2-$3T$4:$5:$6Z",
    );
    const serverNow = Date.now() + serverOffset;
    if (Math.abs(Date.parse(signed) - serverNow) <= 300_000) {
      return new Response('{"CopyJobId":"j"}');
    }
    signedLate++;
    if (++arrived === calls) release();
    await gate;
    return new Response("{}", {
      status: 403,
      headers: {
        "x-amzn-errortype": "InvalidSignatureException",
        date: new Date(serverNow).toUTCString(),
      },
    });
  };
  const c = new BackupClient({ region: "us-east-1", credentials, fetch });
  const outputs = await Promise.all(Array.from({ length: calls }, () => startCopyJob(c, input)));
  assert.equal(outputs.length, calls);
  assert.ok(outputs.every((o) => o.$metadata.attempts === 2));
  assert.equal(signedLate, calls);
});

Deno.test("expired token with a provider: refreshed once; refused again the same way, the call stops", async () => {
  let calls = 0;
  const provider = () =>
    Promise.resolve({
      ...credentials,
      accessKeyId: `AKID${++calls}`,
      expiration: new Date(Date.now() + 3600_000),
    });
  const expired = () =>
    json(403, '{"message":"The security token included in the request is expired"}', {
      "x-amzn-errortype": "ExpiredTokenException",
    });
  const { fetch, requests } = scripted(expired(), expired(), expired(), expired());
  const e = await startCopyJob(client(fetch, { credentials: provider }), input).catch((e) => e);
  assert.equal(e.name, "ExpiredTokenException");
  assert.equal(requests.length, 2);
  assert.equal(calls, 2);
  assert.equal(e.$metadata.attempts, 2);
});

Deno.test("concurrent expired-token errors refresh once: the fresh credentials are not thrown away", async () => {
  let calls = 0;
  const provider = async () => {
    calls++;
    await new Promise((resolve) => setTimeout(resolve, 5));
    return {
      ...credentials,
      accessKeyId: `AKID${calls}`,
      expiration: new Date(Date.now() + 3600_000),
    };
  };
  const fetch = (_url: string, init: RequestInit) => {
    const auth = (init.headers as Record<string, string>).authorization;
    return Promise.resolve(
      auth.includes("Credential=AKID1/")
        ? new Response("{}", { status: 403, headers: { "x-amzn-errortype": "ExpiredToken" } })
        : new Response('{"CopyJobId":"j"}'),
    );
  };
  const c = client(fetch, { credentials: provider });
  await startCopyJob(c, input); // caches AKID1 (refused), refreshes to AKID2
  assert.equal(calls, 2);
});

Deno.test("a custom fetch that drops init: the error says the request arrived unsigned and how to fix", async () => {
  const { fetch } = scripted(
    json(403, '{"message":"Missing Authentication Token"}', {
      "x-amzn-errortype": "MissingAuthenticationTokenException",
    }),
  );
  const e = await startCopyJob(client(fetch), input).catch((e) => e);
  assert.ok(e instanceof ServiceException);
  assert.match(e.message, /^Missing Authentication Token \(the service saw no complete signature/);
  assert.match(e.message, /\(url, init\) => fetch\(url, init\)/);
});

Deno.test("unknown per-call options are refused, named, with ours for SDK names; nothing sent", async () => {
  const cases: [Record<string, unknown>, string, RegExp][] = [
    [{ abortSignal: AbortSignal.abort() }, "abortSignal", /AWS SDK v3's abortSignal is "signal"/],
    [{ timeout: 5 }, "timeout", /did you mean "timeoutMs"\?/],
    [{ signl: undefined }, "signl", /did you mean "signal"\?/],
    [{ maxRetries: 1 }, "maxRetries", /client's maxAttempts/],
    [{ requestTimeout: 5 }, "requestTimeout", /timeoutMs/],
    [{ "a b": 1 }, '["a b"]', /^is unknown$/],
    [{ signal: new AbortController() }, "signal", /must be an AbortSignal/],
  ];
  for (const [options, path, message] of cases) {
    const { fetch, requests } = scripted(okJob);
    const e = await startCopyJob(client(fetch), input, options as never).catch((e) => e);
    assert.ok(e instanceof ValidationError, String(e));
    assert.equal(e.issues[0].path, path);
    assert.match(e.issues[0].message, message);
    assert.match(e.message, /^Invalid StartCopyJob call options: /);
    assert.equal(requests.length, 0);
  }
  const { fetch } = scripted(okJob);
  const e = await startCopyJob(client(fetch), input, null as never).catch((e) => e);
  assert.ok(e instanceof ValidationError, String(e));
});

Deno.test("unknown client config keys are refused, named, with the key meant or ours for an SDK option", () => {
  const cases: [Record<string, unknown>, string, RegExp][] = [
    [{ maxRetries: 3 }, "maxRetries", /maxAttempts/],
    [{ logger: console }, "logger", /log with observe: /],
    [{ observe: console }, "observe", /^must be a function$/],
    [{ idempotencyToken: "token" }, "idempotencyToken", /^must be a function$/],
    [{ useFipsEndpoint: "false" }, "useFipsEndpoint", /^must be a boolean$/],
    [{ useDualstackEndpoint: 1 }, "useDualstackEndpoint", /^must be a boolean$/],
    [{ disableRequestCompression: "yes" }, "disableRequestCompression", /^must be a boolean$/],
    [{ requestTimeout: 5 }, "requestTimeout", /requestTimeoutMs/],
    [{ requestHandler: {} }, "requestHandler", /fetch/],
    [{ abortSignal: AbortSignal.abort() }, "abortSignal", /per call/],
    [{ maxAtempts: 2 }, "maxAtempts", /did you mean "maxAttempts"\?/],
    [{ Region: "us-east-1" }, "Region", /did you mean "region"\?/],
    [{ useFipsEndpoints: true }, "useFipsEndpoints", /did you mean "useFipsEndpoint"\?/],
    [{ customUserAgent: "x" }, "customUserAgent", /user agent/],
    [{ accessKeyId: "AKID" }, "accessKeyId", /credentials: \{ accessKeyId/],
    [{ constructor: 1 }, "constructor", /^is unknown$/],
  ];
  for (const [extra, path, message] of cases) {
    assert.throws(
      () => client(scripted().fetch, extra as never),
      (e: ValidationError) =>
        e instanceof ValidationError && e.issues[0].path === path &&
        message.test(e.issues[0].message),
      path,
    );
  }
  assert.throws(
    () => client(scripted().fetch, { endpoint: { url: "https://x" } } as never),
    /not an AWS SDK v3 Endpoint object/,
  );
  assert.throws(
    () => new BackupClient(undefined as never),
    (e: ValidationError) => e instanceof ValidationError && e.issues[0].path === "config",
  );
});

Deno.test("a fetch resolving with Response.error() is a network failure: retried when safe", async () => {
  const { fetch, requests } = scripted(() => Response.error(), okJob);
  const output = await startCopyJob(client(fetch), input);
  assert.equal(output.$metadata.attempts, 2);
  assert.equal(requests.length, 2);
  const once = scripted(() => Response.error());
  const e = await startCopyJob(client(once.fetch, { maxAttempts: 1 }), input).catch((e) => e);
  assert.ok(e instanceof NetworkError, String(e));
  assert.match(e.message, /network error \(status 0\)/);
});

/**
 * What a browser's fetch resolves with for a redirect under `redirect: "manual"` (Fetch
 * Standard: an opaque-redirect filtered response, type "opaqueredirect", status 0, no headers,
 * no body). Outside a browser no fetch makes one, so a `Response` is given that type.
 */
const opaqueRedirect = () =>
  Object.defineProperty(Response.error(), "type", { value: "opaqueredirect" });

Deno.test("a browser's opaque redirect is a ServiceException that says so: OpaqueRedirect, client, not retried", async () => {
  const calls = [
    (c: BackupClient) => startCopyJob(c, input),
    (c: BackupClient) => describeCopyJob(c, { CopyJobId: "job" }),
  ];
  for (const call of calls) {
    const { fetch, requests } = scripted(opaqueRedirect);
    const e = await call(client(fetch)).catch((e) => e);
    const label = String(e);
    assert.ok(e instanceof BackupServiceException, label);
    assert.equal(e.name, "OpaqueRedirect");
    assert.equal(e.$fault, "client");
    assert.equal(e.$metadata.httpStatusCode, 0, "the status the platform gave");
    assert.match(
      e.message,
      /^(StartCopyJob|DescribeCopyJob): an opaque redirect \(the browser hides its status and Location\); redirect not followed \(AWS does not redirect its APIs: check the endpoint\)$/,
    );
    assert.equal(requests.length, 1, "not retried: the endpoint is wrong, not busy");
  }
});

Deno.test("a client that is not a Client: ValidationError naming client, nothing sent", async () => {
  const { fetch, requests } = scripted();
  const config = { region: "us-east-1", credentials, fetch };
  for (
    const [value, what] of [
      [undefined, "undefined"], // was: Cannot read properties of undefined (reading 'observe')
      [config, "a plain object"], // was: client.credentials is not a function
      [null, "null"],
      ["us-east-1", "a string"],
      [new Map(), "a Map"],
    ] as const
  ) {
    await assert.rejects(
      describeCopyJob(value as never, { CopyJobId: "j" }),
      (e) =>
        e instanceof ValidationError && e.issues[0].path === "client" &&
        e.message === "Invalid DescribeCopyJob call: client must be a client " +
            `(new BackupClient(config)), not ${what}`,
      what,
    );
    // A paginator refuses it at once, as it does its options.
    assert.throws(
      () => paginateListCopyJobs(value as never),
      (e) => e instanceof ValidationError && e.issues[0].path === "client",
    );
  }
  // The AWS SDK v3's call, paginateX({ client }, input), gets where that one is: was Invalid URL.
  const client = new BackupClient(config);
  assert.throws(
    () => paginateListCopyJobs({ client, pageSize: 10 } as never, {}),
    (e) =>
      e instanceof ValidationError && e.issues[0].path === "client" &&
      e.message.endsWith(
        "not a plain object; paginate…(client, input, options) here: the SDK's " +
          "paginate…({ client }, input) is in backup-edge/aws-sdk",
      ),
  );
  assert.equal(requests.length, 0);
});

Deno.test("an idempotencyToken provider returning an empty, white-space or non-string token is refused, named, before sending", async () => {
  for (const made of ["", "  ", 5, undefined, null]) {
    const { fetch, requests } = scripted(okJob);
    const c = client(fetch, { idempotencyToken: () => made as never });
    const e = await startCopyJob(c, input).catch((e) => e);
    assert.ok(e instanceof ValidationError, `${JSON.stringify(made)}: ${e}`);
    assert.equal(e.issues[0].path, "idempotencyToken");
    assert.match(e.issues[0].message, /^must return a non-empty string/);
    assert.equal(requests.length, 0);
  }
  const { fetch, requests } = scripted(okJob);
  await startCopyJob(client(fetch, { idempotencyToken: () => "dr-copy-1" }), input);
  assert.equal(JSON.parse(await requests[0].text()).IdempotencyToken, "dr-copy-1");
});
