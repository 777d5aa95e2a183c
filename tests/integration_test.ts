// The client against the local AWS Backup emulator over real HTTP: signatures verified by
// @smithy/signature-v4 on the other side, modeled errors, retries, abort, timeout, waiter.

import assert from "node:assert/strict";
import {
  BackupClient,
  CopyJobFailedError,
  describeCopyJob,
  InvalidParameterValueException,
  InvalidRequestException,
  LimitExceededException,
  listCopyJobs,
  MissingParameterValueException,
  RequestTimeoutError,
  ResourceNotFoundException,
  ServiceException,
  ServiceUnavailableException,
  startCopyJob,
  type StartCopyJobInput,
  WaiterTimeoutError,
  waitForCopyJob,
} from "../mod.ts";
import {
  BACKUP_ERROR_TYPE_SUFFIX,
  DEFAULT_VAULT_NAME,
  DEMO_CREDENTIALS,
  DEMO_IAM_ROLE_ARN,
  DEMO_REGION,
  DEMO_SESSION_CREDENTIALS,
  DR_VAULT_WEST_ARN,
  type Emulator,
  type EmulatorOptions,
  FAILING_STATUS_MESSAGE,
  RECOVERY_POINT_FAILING_ARN,
  RECOVERY_POINT_OK_ARN,
  startEmulator,
} from "../emulator/mod.ts";
import { main as copyCli } from "../cli/copy.ts";
import { copyArgs } from "./support/cli.ts";

const input: StartCopyJobInput = {
  RecoveryPointArn: RECOVERY_POINT_OK_ARN,
  SourceBackupVaultName: DEFAULT_VAULT_NAME,
  DestinationBackupVaultArn: DR_VAULT_WEST_ARN,
  IamRoleArn: DEMO_IAM_ROLE_ARN,
};

function clientFor(
  emulator: Emulator,
  extra: Partial<ConstructorParameters<typeof BackupClient>[0]> = {},
) {
  return new BackupClient({
    region: DEMO_REGION,
    endpoint: emulator.url,
    credentials: {
      accessKeyId: DEMO_CREDENTIALS.accessKeyId,
      secretAccessKey: DEMO_CREDENTIALS.secretAccessKey,
    },
    ...extra,
  });
}

async function withEmulator(
  fn: (emulator: Emulator) => Promise<void>,
  options: EmulatorOptions = {},
): Promise<void> {
  const emulator = await startEmulator(options);
  try {
    await fn(emulator);
  } finally {
    await emulator.close();
  }
}

Deno.test("StartCopyJob, DescribeCopyJob, ListCopyJobs round trip with verified signatures", () =>
  withEmulator(async (emulator) => {
    const client = clientFor(emulator);
    const started = await startCopyJob(client, { ...input, Lifecycle: { DeleteAfterDays: 35 } });
    assert.equal(emulator.jobs().length, 1);
    const job = emulator.jobs()[0];
    assert.equal(started.CopyJobId, job.CopyJobId);
    assert.ok(started.CreationDate instanceof Date);
    assert.equal(started.CreationDate.getTime(), job.CreationDate * 1000);
    assert.equal(started.IsParent, false);
    assert.equal(started.$metadata.httpStatusCode, 200);
    assert.equal(started.$metadata.requestId, emulator.requests[0].requestId);

    const described = await describeCopyJob(client, { CopyJobId: started.CopyJobId! });
    assert.equal(described.CopyJob?.SourceRecoveryPointArn, RECOVERY_POINT_OK_ARN);
    assert.equal(described.CopyJob?.DestinationBackupVaultArn, DR_VAULT_WEST_ARN);
    const listed = await listCopyJobs(client, { ByCreatedAfter: new Date(Date.now() - 60_000) });
    assert.deepEqual(listed.CopyJobs?.map((j) => j.CopyJobId), [started.CopyJobId]);
    assert.deepEqual(emulator.requests.map((r) => [r.operation, r.signatureValid]), [
      ["StartCopyJob", true],
      ["DescribeCopyJob", true],
      ["ListCopyJobs", true],
    ]);
  }));

Deno.test("session credentials sign X-Amz-Security-Token", () =>
  withEmulator(async (emulator) => {
    const client = clientFor(emulator, { credentials: { ...DEMO_SESSION_CREDENTIALS } });
    await startCopyJob(client, input);
    assert.equal(emulator.requests[0].signatureValid, true);
    assert.equal(
      emulator.requests[0].headers["x-amz-security-token"],
      DEMO_SESSION_CREDENTIALS.sessionToken,
    );
  }));

Deno.test("a wrong secret is rejected by the emulator as InvalidSignatureException", () =>
  withEmulator(async (emulator) => {
    const client = clientFor(emulator, {
      credentials: { accessKeyId: DEMO_CREDENTIALS.accessKeyId, secretAccessKey: "wrong" },
    });
    const e = await startCopyJob(client, input).catch((e) => e);
    assert.ok(e instanceof ServiceException);
    assert.equal(e.name, "InvalidSignatureException");
    assert.equal(e.$fault, "client");
    assert.equal(e.$metadata.httpStatusCode, 403);
    assert.equal(e.$metadata.attempts, 1);
    assert.equal(emulator.jobs().length, 0);
  }));

Deno.test("every modeled error of StartCopyJob and DescribeCopyJob arrives as its class", () =>
  withEmulator(async (emulator) => {
    const client = clientFor(emulator);
    const cases: [() => Promise<unknown>, new (...args: never[]) => ServiceException, string][] = [
      [
        () => startCopyJob(client, { ...input, RecoveryPointArn: `${RECOVERY_POINT_OK_ARN}-x` }),
        ResourceNotFoundException,
        "RecoveryPointArn",
      ],
      [
        () => startCopyJob(client, { ...input, SourceBackupVaultName: "NoSuchVault" }),
        ResourceNotFoundException,
        "",
      ],
      [
        () => startCopyJob(client, { ...input, IamRoleArn: "not-an-arn" }),
        InvalidParameterValueException,
        "",
      ],
      [
        () =>
          startCopyJob(client, { ...input, IdempotencyToken: "t1" }).then(() =>
            startCopyJob(client, {
              ...input,
              IdempotencyToken: "t1",
              Lifecycle: { DeleteAfterDays: 9 },
            })
          ),
        InvalidRequestException,
        "",
      ],
      [() => describeCopyJob(client, { CopyJobId: "no such job" }), ResourceNotFoundException, ""],
    ];
    for (const [call, ErrorClass] of cases) {
      const e = await call().then(() => assert.fail("resolved"), (e) => e);
      assert.ok(e instanceof ErrorClass, `${e.name}: ${e.message}`);
      assert.ok(e.message.length > 0);
      assert.equal(e.$metadata.httpStatusCode, 400);
      assert.ok((e as { Message?: string }).Message, "modeled members are filled");
    }
    // The client's validation stops missing members before sending, so the emulator's
    // MissingParameterValueException and ServiceUnavailableException come through faults.
    const single = clientFor(emulator, { maxAttempts: 1 });
    for (
      const [status, type, ErrorClass] of [
        [400, "MissingParameterValueException", MissingParameterValueException],
        [500, "ServiceUnavailableException", ServiceUnavailableException],
      ] as const
    ) {
      emulator.injectFaults({ status, errorType: type, errorTypeSuffix: BACKUP_ERROR_TYPE_SUFFIX });
      const e = await startCopyJob(single, input).catch((e) => e);
      assert.ok(e instanceof ErrorClass, e.name);
      assert.equal(e.$fault, status === 500 ? "server" : "client");
    }
  }));

Deno.test("LimitExceededException is retried (throttling) and raised when it persists", () =>
  withEmulator(async (emulator) => {
    const client = clientFor(emulator, { maxAttempts: 2 });
    await startCopyJob(client, input);
    const e = await startCopyJob(client, input).catch((e) => e);
    assert.ok(e instanceof LimitExceededException, e.message);
    assert.equal(e.$metadata.attempts, 2);
    assert.ok(e.$metadata.totalRetryDelay >= 0);
  }, { maxConcurrentJobs: 1 }));

Deno.test("503 then throttling then success: one job, same token, three attempts", () =>
  withEmulator(async (emulator) => {
    emulator.injectFaults(
      { status: 503, errorType: "ServiceUnavailableException" },
      { status: 400, errorType: "ThrottlingException" },
    );
    const client = clientFor(emulator);
    const started = await startCopyJob(client, input);
    assert.equal(started.$metadata.attempts, 3);
    assert.equal(emulator.jobs().length, 1);
    const tokens = emulator.requests.map((r) => JSON.parse(r.body).IdempotencyToken);
    assert.equal(tokens.length, 3);
    assert.equal(new Set(tokens).size, 1);
  }));

Deno.test("a connection reset is a retryable network error", () =>
  withEmulator(async (emulator) => {
    emulator.injectFaults({ reset: true });
    const started = await startCopyJob(clientFor(emulator), input);
    assert.equal(started.$metadata.attempts, 2);
    assert.equal(emulator.jobs().length, 1);
  }));

Deno.test("maxAttempts bounds retries: the last error is raised with attempts counted", () =>
  withEmulator(async (emulator) => {
    emulator.injectFaults(
      { status: 429, errorType: "TooManyRequestsException" },
      { status: 429, errorType: "TooManyRequestsException" },
    );
    const e = await startCopyJob(clientFor(emulator, { maxAttempts: 2 }), input).catch((e) => e);
    assert.equal(e.name, "TooManyRequestsException");
    assert.equal(e.$metadata.attempts, 2);
    assert.equal(e.$metadata.httpStatusCode, 429);
    assert.equal(emulator.jobs().length, 0);
  }));

Deno.test("requestTimeoutMs aborts a hung attempt; the retry succeeds", () =>
  withEmulator(async (emulator) => {
    emulator.injectFaults({ delayMs: 5000 });
    const started = await startCopyJob(clientFor(emulator, { requestTimeoutMs: 300 }), input);
    assert.equal(started.$metadata.attempts, 2);
    assert.equal(emulator.jobs().length, 1);
    emulator.injectFaults({ delayMs: 5000 });
    const e = await startCopyJob(
      clientFor(emulator, { requestTimeoutMs: 200, maxAttempts: 1 }),
      input,
    )
      .catch((e) => e);
    assert.ok(e instanceof RequestTimeoutError);
  }));

Deno.test("an AbortSignal stops the call, also during the sleep between retries", () =>
  withEmulator(async (emulator) => {
    const client = clientFor(emulator);
    emulator.injectFaults({ delayMs: 5000 });
    const during = AbortSignal.timeout(100);
    const e1 = await startCopyJob(client, input, { signal: during }).catch((e) => e);
    assert.equal(e1, during.reason);
    // Force long backoff sleeps: every attempt fails, the abort comes during a sleep.
    emulator.injectFaults(
      { status: 503, errorType: "ServiceUnavailableException" },
      { status: 503, errorType: "ServiceUnavailableException" },
    );
    const controller = new AbortController();
    const before = emulator.requests.length;
    const pending = startCopyJob(clientFor(emulator, { maxAttempts: 10 }), input, {
      signal: controller.signal,
    });
    while (emulator.requests.length < before + 1) await new Promise((r) => setTimeout(r, 5));
    controller.abort(new Error("stop"));
    const e2 = await pending.catch((e) => e);
    assert.equal(e2.message, "stop");
    const aborted = new AbortController();
    aborted.abort(new Error("already"));
    const e3 = await startCopyJob(client, input, { signal: aborted.signal }).catch((e) => e);
    assert.equal(e3.message, "already");
    assert.ok(emulator.requests.length <= before + 2);
  }));

Deno.test("waitForCopyJob reports progress and resolves with the COMPLETED job", () =>
  withEmulator(async (emulator) => {
    const client = clientFor(emulator);
    const { CopyJobId } = await startCopyJob(client, input);
    const states: (string | undefined)[] = [];
    const job = await waitForCopyJob(client, { CopyJobId: CopyJobId! }, {
      minDelayMs: 50,
      maxDelayMs: 100,
      onProgress: (p) => states.push(p.state),
    });
    assert.equal(job.State, "COMPLETED");
    assert.ok(job.CompletionDate instanceof Date);
    assert.equal(states.at(-1), "COMPLETED");
    assert.ok(states.includes("RUNNING"), states.join());
  }, { jobDurationMs: 600 }));

Deno.test("waitForCopyJob rejects with CopyJobFailedError on FAILED, and times out", () =>
  withEmulator(async (emulator) => {
    const client = clientFor(emulator);
    const failing = await startCopyJob(client, {
      ...input,
      RecoveryPointArn: RECOVERY_POINT_FAILING_ARN,
    });
    const e = await waitForCopyJob(client, { CopyJobId: failing.CopyJobId! }, {
      minDelayMs: 50,
      maxDelayMs: 100,
    }).catch((e) => e);
    assert.ok(e instanceof CopyJobFailedError);
    assert.equal(e.job.State, "FAILED");
    assert.equal(e.job.StatusMessage, FAILING_STATUS_MESSAGE);
    const slow = await startCopyJob(client, input);
    const t = await waitForCopyJob(client, { CopyJobId: slow.CopyJobId! }, {
      minDelayMs: 50,
      maxWaitMs: 200,
    }).catch((e) => e);
    assert.ok(t instanceof WaiterTimeoutError);
    assert.notEqual(t.job?.State, "COMPLETED");
  }, { jobDurationMs: 400 }));

Deno.test("the copy CLI starts and waits for a job with credentials from AWS_* variables", () =>
  withEmulator(async (emulator) => {
    const env = {
      AWS_ACCESS_KEY_ID: DEMO_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: DEMO_CREDENTIALS.secretAccessKey,
      AWS_REGION: DEMO_REGION,
    };
    const args = copyArgs(emulator);
    assert.equal(await copyCli(args, env), 0);
    assert.equal(emulator.jobs().length, 1);
    assert.equal(await copyCli([...args.slice(0, 2), "--source-vault", "bad name!"], env), 2);
    assert.equal(await copyCli(args, {}), 2, "no credentials");
    assert.equal(emulator.jobs().length, 1);
  }));

Deno.test("a client clock an hour off is corrected from the Date header and the call succeeds", () =>
  withEmulator(async (emulator) => {
    const client = clientFor(emulator);
    const started = await startCopyJob(client, input);
    assert.equal(started.$metadata.attempts, 2);
    assert.deepEqual(emulator.requests.map((r) => [r.signatureValid, r.status]), [
      [false, 403],
      [true, 200],
    ]);
    assert.ok(Math.abs(client.clockOffsetMs - 3600_000) < 5_000, String(client.clockOffsetMs));
    // Later calls are signed right the first time.
    const described = await describeCopyJob(client, { CopyJobId: started.CopyJobId! });
    assert.equal(described.$metadata.attempts, 1);
  }, { now: () => Date.now() + 3600_000 }));
