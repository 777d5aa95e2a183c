/**
 * `backup-edge/aws-sdk` against the AWS SDK for JavaScript v3 itself (`@aws-sdk/client-backup`):
 * the same calls through both, to the emulator over real HTTP, must send the same requests and
 * give the same results, errors and `$metadata`.
 */

import assert from "node:assert/strict";
import * as sdk from "@aws-sdk/client-backup";
import * as edge from "../aws_sdk.ts";
import * as emulator from "../emulator/mod.ts";
import type { RequestLogEntry } from "../emulator/mod.ts";

const COPY = {
  RecoveryPointArn: emulator.RECOVERY_POINT_OK_ARN,
  SourceBackupVaultName: emulator.DEFAULT_VAULT_NAME,
  DestinationBackupVaultArn: emulator.DR_VAULT_WEST_ARN,
  IamRoleArn: emulator.DEMO_IAM_ROLE_ARN,
  Lifecycle: { DeleteAfterDays: 35 },
};

function clients(url: string) {
  const config = {
    region: emulator.DEMO_REGION,
    endpoint: url,
    credentials: { ...emulator.DEMO_CREDENTIALS },
  };
  return { theirs: new sdk.BackupClient(config), ours: new edge.BackupClient(config) };
}

/** What a request says, without what differs by design (signature, ids, user agent). */
function request(entry: RequestLogEntry) {
  const body = entry.body ? JSON.parse(entry.body) : undefined;
  return {
    method: entry.method,
    path: entry.path,
    query: entry.query,
    contentType: entry.headers["content-type"],
    body,
    signatureValid: entry.signatureValid,
  };
}

/** An output without the request id, which differs per call. */
function comparable(output: { $metadata: Record<string, unknown> } & Record<string, unknown>) {
  const { requestId, extendedRequestId: _e, cfId: _c, ...metadata } = output.$metadata;
  assert.equal(typeof requestId, "string");
  return { ...output, $metadata: metadata };
}

async function caught(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (e) {
    return e as Record<string, unknown>;
  }
  throw new Error("did not throw");
}

Deno.test("the same calls through @aws-sdk/client-backup and backup-edge/aws-sdk: same requests, results, errors", async () => {
  await using local = await emulator.startEmulator({ jobDurationMs: 60_000 });
  const { theirs, ours } = clients(local.url);
  const pairs: [string, () => Promise<unknown>, () => Promise<unknown>][] = [
    [
      "StartCopyJob",
      () => theirs.send(new sdk.StartCopyJobCommand({ ...COPY, IdempotencyToken: "token-1" })),
      () => ours.send(new edge.StartCopyJobCommand({ ...COPY, IdempotencyToken: "token-1" })),
    ],
    [
      "ListBackupVaults",
      () => theirs.send(new sdk.ListBackupVaultsCommand({ MaxResults: 2 })),
      () => ours.send(new edge.ListBackupVaultsCommand({ MaxResults: 2 })),
    ],
    [
      "DescribeRecoveryPoint",
      () =>
        theirs.send(
          new sdk.DescribeRecoveryPointCommand({
            BackupVaultName: emulator.DEFAULT_VAULT_NAME,
            RecoveryPointArn: emulator.RECOVERY_POINT_OK_ARN,
          }),
        ),
      () =>
        ours.send(
          new edge.DescribeRecoveryPointCommand({
            BackupVaultName: emulator.DEFAULT_VAULT_NAME,
            RecoveryPointArn: emulator.RECOVERY_POINT_OK_ARN,
          }),
        ),
    ],
  ];
  for (const [name, viaSdk, viaEdge] of pairs) {
    const before = local.requests.length;
    const a = await viaSdk() as never;
    const b = await viaEdge() as never;
    const [ra, rb] = local.requests.slice(before).map(request);
    assert.deepEqual(rb, ra, `${name}: the same request`);
    assert.ok(ra.signatureValid, `${name}: both signed`);
    assert.deepEqual(comparable(b), comparable(a), `${name}: the same output`);
  }
  const copyJobId = local.jobs()[0].CopyJobId;
  const described = [
    await theirs.send(new sdk.DescribeCopyJobCommand({ CopyJobId: copyJobId })),
    await ours.send(new edge.DescribeCopyJobCommand({ CopyJobId: copyJobId })),
  ];
  // The job's state moves with the clock; the rest of it is the same.
  assert.deepEqual(
    { ...comparable(described[1] as never), CopyJob: undefined },
    { ...comparable(described[0] as never), CopyJob: undefined },
  );
  assert.equal(described[1].CopyJob?.CopyJobId, described[0].CopyJob?.CopyJobId);
  assert.deepEqual(described[1].CopyJob?.CreationDate, described[0].CopyJob?.CreationDate);

  // A modeled error: same class name, fault, message, members and metadata.
  const errors = [
    await caught(theirs.send(new sdk.DescribeCopyJobCommand({ CopyJobId: "nope" }))),
    await caught(ours.send(new edge.DescribeCopyJobCommand({ CopyJobId: "nope" }))),
  ];
  assert.ok(errors[0] instanceof sdk.ResourceNotFoundException);
  assert.ok(errors[1] instanceof edge.ResourceNotFoundException);
  assert.ok(errors[1] instanceof edge.BackupServiceException);
  for (const key of ["name", "$fault", "message", "Code", "Context", "Type"]) {
    assert.deepEqual(errors[1][key], errors[0][key], key);
  }
  assert.deepEqual(
    comparable(errors[1] as never).$metadata,
    comparable(errors[0] as never).$metadata,
  );

  // An aborted call: both reject with the signal's reason.
  const controller = new AbortController();
  controller.abort();
  const aborted = [
    await caught(
      theirs.send(new sdk.ListCopyJobsCommand({}), { abortSignal: controller.signal }),
    ),
    await caught(ours.send(new edge.ListCopyJobsCommand({}), { abortSignal: controller.signal })),
  ];
  assert.equal(aborted[1].name, aborted[0].name);
});

Deno.test("an error the operation does not list, or the model does not know: the same class and members as the SDK's", async () => {
  await using local = await emulator.startEmulator();
  const { theirs, ours } = clients(local.url);
  /** An answer as AWS Backup gives it: the type in the header, the members in the body. */
  const answer = (status: number, type: string, body: Record<string, unknown>): emulator.Fault => ({
    status,
    headers: {
      "x-amzn-errortype": type,
      "x-amzn-requestid": `req-${type}`,
      "content-type": "application/json",
    },
    body: JSON.stringify(body),
  });
  // StartCopyJob's model lists neither ConflictException nor AlreadyExistsException; the service
  // defines both, and the SDK registers every error of the service.
  const cases = [
    {
      fault: answer(409, "ConflictException", {
        Code: "Conflict",
        Message: "A copy of this recovery point is in progress",
        Type: "Copy",
        Context: "copy-job-1",
      }),
      theirs: sdk.ConflictException,
      ours: edge.ConflictException,
      members: ["Code", "Type", "Context"],
    },
    {
      fault: answer(400, "AlreadyExistsException", {
        Message: "exists",
        Arn: "arn:aws:backup:us-east-1:111122223333:backup-vault:dr",
        CreatorRequestId: "req-1",
        Context: "ctx",
      }),
      theirs: sdk.AlreadyExistsException,
      ours: edge.AlreadyExistsException,
      members: ["Arn", "CreatorRequestId", "Context"],
    },
    // A type the model does not define at all: the base class named by it, the body's members
    // kept (the SDK's decorateServiceException).
    {
      fault: answer(400, "SomethingNewException", { Message: "new", Context: "ctx", Reason: 7 }),
      theirs: sdk.BackupServiceException,
      ours: edge.BackupServiceException,
      members: ["Context", "Reason"],
    },
  ];
  for (const c of cases) {
    const errors = [];
    for (
      const send of [
        () => theirs.send(new sdk.StartCopyJobCommand(COPY)),
        () => ours.send(new edge.StartCopyJobCommand(COPY)),
      ]
    ) {
      local.injectFaults(c.fault);
      errors.push(await caught(send()));
    }
    const [a, b] = errors;
    const label = String(b.name);
    assert.ok(a instanceof c.theirs, `SDK: ${a}`);
    assert.ok(b instanceof c.ours, `ours: ${b}`);
    assert.equal(b.constructor, c.ours, label);
    assert.equal(a.name, b.name);
    assert.ok(!("$droppedMembers" in b), label);
    for (const key of ["$fault", "message", ...c.members]) {
      assert.deepEqual(b[key], a[key], `${label}.${key}`);
      assert.notEqual(b[key], undefined, `${label}.${key}`);
    }
    assert.deepEqual(
      comparable(b as never).$metadata,
      comparable(a as never).$metadata,
      label,
    );
  }
  assert.equal(local.pendingFaults, 0);
});

/** A proxy's error page: no request id, no error type, not JSON. */
const PROXY_502: emulator.Fault = {
  status: 502,
  body:
    "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>",
  headers: { "content-type": "text/html" },
};

/**
 * ListBackupVaults through both clients (`maxAttempts` each), each after the same faults were
 * queued at the emulator: the outcome (output or error), its `$metadata` without the random
 * retry delay, and how many requests reached the emulator.
 */
async function throughBoth(
  local: emulator.Emulator,
  faults: emulator.Fault[],
  maxAttempts = 3,
) {
  const config = {
    region: emulator.DEMO_REGION,
    endpoint: local.url,
    credentials: { ...emulator.DEMO_CREDENTIALS },
    maxAttempts,
  };
  const sends = [
    () => new sdk.BackupClient(config).send(new sdk.ListBackupVaultsCommand({})),
    () => new edge.BackupClient(config).send(new edge.ListBackupVaultsCommand({})),
  ];
  const results = [];
  for (const send of sends) {
    local.injectFaults(...faults);
    const before = local.requests.length;
    let output: Record<string, unknown> | undefined;
    let error: Record<string, unknown> | undefined;
    try {
      output = await send() as never;
    } catch (e) {
      error = e as Record<string, unknown>;
    }
    const { requestId, totalRetryDelay, ...metadata } = (output ?? error)!.$metadata as Record<
      string,
      unknown
    >;
    assert.equal(typeof totalRetryDelay, "number");
    results.push({
      output,
      error,
      metadata: { ...metadata, requestId: typeof requestId },
      totalRetryDelay: totalRetryDelay as number,
      requests: local.requests.length - before,
    });
    assert.equal(local.pendingFaults, 0, "every fault taken");
  }
  return { theirs: results[0], ours: results[1] };
}

Deno.test("faults through both: an unmodeled error type, a proxy's HTML 502, throttling retried", async () => {
  await using local = await emulator.startEmulator();
  const clean = ({ extendedRequestId: _e, cfId: _c, ...m }: Record<string, unknown>) => m;

  // An error type the model does not name: the base exception, named by the type, not retried
  // when 4xx; retried as a transient 5xx, to the same last attempt.
  for (const [status, attempts, fault] of [[400, 1, "client"], [500, 3, "server"]] as const) {
    const { theirs, ours } = await throughBoth(
      local,
      Array(attempts).fill({ status, errorType: "EmulatorFaultException", message: "injected" }),
    );
    for (const { error } of [theirs, ours]) {
      assert.ok(error, `HTTP ${status}: an error`);
      assert.equal(error.name, "EmulatorFaultException");
      assert.equal(error.$fault, fault);
      assert.equal(error.message, "injected");
    }
    assert.ok(theirs.error instanceof sdk.BackupServiceException);
    assert.ok(ours.error instanceof edge.BackupServiceException);
    assert.ok(!(ours.error instanceof edge.ResourceNotFoundException));
    assert.deepEqual(clean(ours.metadata), clean(theirs.metadata));
    assert.deepEqual(ours.metadata, { httpStatusCode: status, requestId: "string", attempts });
    assert.equal(ours.requests, theirs.requests);
    assert.equal(ours.requests, attempts);
  }

  // A proxy's HTML 502 once: both retry it and succeed on the second attempt.
  {
    const { theirs, ours } = await throughBoth(local, [PROXY_502]);
    assert.ok(theirs.output && ours.output);
    assert.deepEqual(clean(ours.metadata), clean(theirs.metadata));
    assert.deepEqual(ours.metadata, { httpStatusCode: 200, requestId: "string", attempts: 2 });
    assert.equal(ours.requests, 2);
    assert.equal(theirs.requests, 2);
  }
  // ... on every attempt: the same attempts, then different errors by design. The SDK cannot
  // parse the page and throws a bare SyntaxError (its $response hidden on it); ours is the
  // service's base exception named by the status (as the SDK names a JSON error without a type),
  // $fault "server", the page in $bodyExcerpt.
  {
    const { theirs, ours } = await throughBoth(local, [PROXY_502, PROXY_502, PROXY_502]);
    assert.deepEqual(clean(ours.metadata), clean(theirs.metadata));
    assert.deepEqual(ours.metadata, { httpStatusCode: 502, requestId: "undefined", attempts: 3 });
    assert.equal(theirs.error?.name, "SyntaxError");
    assert.ok(!(theirs.error instanceof sdk.BackupServiceException));
    assert.ok(ours.error instanceof edge.BackupServiceException);
    assert.equal(ours.error.name, "502");
    assert.equal(ours.error.$fault, "server");
    assert.match(
      ours.error.message,
      /^ListBackupVaults: HTTP 502 with no error type; the body is not JSON: <html>/,
    );
    assert.match(String(ours.error.$bodyExcerpt), /502 Bad Gateway/);
    assert.equal(ours.requests, theirs.requests);
  }

  // Throttling: retried with the same backoff rule (a random delay up to 1 s × 2^retry, the
  // 2026 standard mode both use), so only the attempts compare; then the same error at the last.
  {
    const throttled: emulator.Fault = { status: 400, errorType: "ThrottlingException" };
    const once = await throughBoth(local, [throttled]);
    assert.deepEqual(clean(once.ours.metadata), clean(once.theirs.metadata));
    assert.deepEqual(once.ours.metadata, { httpStatusCode: 200, requestId: "string", attempts: 2 });
    for (const { totalRetryDelay } of [once.theirs, once.ours]) {
      assert.ok(totalRetryDelay >= 0 && totalRetryDelay <= 1000, String(totalRetryDelay));
    }
    const always = await throughBoth(local, [throttled, throttled], 2);
    for (const { error } of [always.theirs, always.ours]) {
      assert.equal(error?.name, "ThrottlingException");
      assert.equal(error?.$fault, "client");
      assert.equal(error?.message, "Rate exceeded");
    }
    assert.deepEqual(clean(always.ours.metadata), clean(always.theirs.metadata));
    assert.deepEqual(always.ours.metadata, {
      httpStatusCode: 400,
      requestId: "string",
      attempts: 2,
    });
    assert.equal(always.ours.requests, 2);
    assert.equal(always.theirs.requests, 2);
  }
});

Deno.test("paginateListCopyJobs({ client, pageSize }, input): the same pages as the SDK's", async () => {
  await using local = await emulator.startEmulator({ jobDurationMs: 60_000 });
  const { theirs, ours } = clients(local.url);
  for (
    const arn of [
      emulator.DR_VAULT_WEST_ARN,
      emulator.DR_VAULT_ARN,
      emulator.CROSS_ACCOUNT_VAULT_ARN,
    ]
  ) {
    await ours.send(new edge.StartCopyJobCommand({ ...COPY, DestinationBackupVaultArn: arn }));
  }
  const pages = async (iterable: AsyncIterable<{ CopyJobs?: { CopyJobId?: string }[] }>) => {
    const ids: (string | undefined)[][] = [];
    for await (const page of iterable) ids.push((page.CopyJobs ?? []).map((j) => j.CopyJobId));
    return ids;
  };
  const input = { ByState: "CREATED" as const };
  const a = await pages(sdk.paginateListCopyJobs({ client: theirs, pageSize: 2 }, { ...input }));
  const b = await pages(edge.paginateListCopyJobs({ client: ours, pageSize: 2 }, input));
  assert.deepEqual(b, a);
  assert.equal(a.length, 2, "two pages of 2 and 1");
  assert.deepEqual(input, { ByState: "CREATED" }, "the caller's input is not modified");
});

Deno.test("SDK options with no equivalent, unknown keys, providers: ValidationError naming them", async () => {
  const base = {
    region: "us-east-1",
    credentials: { accessKeyId: "AKID", secretAccessKey: "secret" },
  };
  const refused = (config: Record<string, unknown>) => {
    try {
      new edge.BackupClient({ ...base, ...config } as never);
    } catch (e) {
      assert.ok(e instanceof edge.ValidationError);
      return e.issues.map((i) => `${i.path} ${i.message}`);
    }
    throw new Error("accepted");
  };
  assert.match(refused({ logger: console })[0], /^logger is not supported/);
  assert.match(refused({ requestHandler: {} })[0], /^requestHandler .*: pass fetch instead/);
  assert.match(
    refused({ region: () => Promise.resolve("us-east-1") })[0],
    /^region must be a value/,
  );
  assert.match(refused({ retryMode: "adaptive" })[0], /^retryMode must be "standard"/);
  assert.match(refused({ regoin: "x" })[0], /^regoin is unknown; did you mean "region"/);
  // The SDK's endpoint object and backup-edge's own options are accepted.
  const client = new edge.BackupClient({
    ...base,
    endpoint: { url: new URL("http://127.0.0.1:1") },
    requestTimeoutMs: 5,
  });
  assert.equal(client.endpoint, "http://127.0.0.1:1/");
  client.destroy();
  await assert.rejects(
    client.send(new edge.ListCopyJobsCommand({}), { signal: AbortSignal.abort() } as never),
    (e) =>
      e instanceof edge.ValidationError &&
      /signal is unknown: this face takes the SDK's abortSignal/.test(e.message),
  );
});

Deno.test("a command that is not one, a client where { client } goes: ValidationError naming them", async () => {
  let calls = 0;
  const client = new edge.BackupClient({
    region: "us-east-1",
    credentials: { accessKeyId: "AKID", secretAccessKey: "secret" },
    fetch: () => (calls++, Promise.reject(new TypeError("fetch failed"))),
  });
  // Was: TypeError: command.send is not a function.
  for (const [command, what] of [[{ input: {} }, "a plain object"], [undefined, "undefined"]]) {
    await assert.rejects(
      client.send(command as never),
      (e) =>
        e instanceof edge.ValidationError && e.issues[0].path === "command" &&
        e.message === "Invalid send call: command must be a command such as " +
            `new StartCopyJobCommand(input), not ${what}`,
    );
  }
  // mod.ts's paginateX(client, input) on this face: where that one is.
  await assert.rejects(
    edge.paginateListCopyJobs(client as never, {}).next(),
    (e) =>
      e instanceof edge.ValidationError &&
      /must be \{ client \}: .*paginate…\(client, input, options\) is in backup-edge's mod\.ts/
        .test(e.message),
  );
  await assert.rejects(
    edge.paginateListCopyJobs({ client: undefined } as never, {}).next(),
    (e) => e instanceof edge.ValidationError && e.issues[0].path === "client",
  );
  await assert.rejects(
    new edge.ListCopyJobsCommand({}).send(undefined as never),
    (e) => e instanceof edge.ValidationError && e.issues[0].path === "client",
  );
  assert.equal(calls, 0, "nothing sent");
});

Deno.test("v3 habits on this face: middlewareStack is a ValidationError, client.config's providers answer, abortSignal is named", async () => {
  const client = new edge.BackupClient({
    region: "eu-west-1",
    credentials: { accessKeyId: "AKID", secretAccessKey: "secret" },
    maxAttempts: 5,
    useFipsEndpoint: true,
    fetch: () => Promise.reject(new Error("not sent")),
  });
  const command = new edge.StartCopyJobCommand(COPY);
  // Was: TypeError: Cannot read properties of undefined (reading 'add').
  for (const stack of [client.middlewareStack, command.middlewareStack]) {
    for (const method of ["add", "addRelativeTo", "use", "remove", "clone"] as const) {
      assert.throws(
        () => stack[method](() => {}, { step: "build" }),
        (e) =>
          e instanceof edge.ValidationError && e.issues[0].path === "middlewareStack" &&
          /^is not supported by backup-edge: pass observe /.test(e.issues[0].message),
        method,
      );
    }
  }
  // Was: TypeError: Cannot read properties of undefined (reading 'region').
  assert.equal(await client.config.region(), "eu-west-1");
  assert.equal(await client.config.maxAttempts(), 5);
  assert.equal(await client.config.useFipsEndpoint(), true);
  assert.equal(await client.config.useDualstackEndpoint(), false);
  assert.equal((await client.config.credentials()).accessKeyId, "AKID");
  // Was: "signal must be an AbortSignal", a key the caller did not pass.
  for (
    const [options, path] of [[{ abortSignal: {} }, "abortSignal"], [
      { requestTimeout: -1 },
      "requestTimeout",
    ]]
  ) {
    await assert.rejects(
      client.send(command, options as never),
      (e) =>
        e instanceof edge.ValidationError && e.issues.length === 1 && e.issues[0].path === path &&
        e.message.startsWith(`Invalid send options: ${path} must be`),
      String(path),
    );
  }
});
