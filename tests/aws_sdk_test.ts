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
