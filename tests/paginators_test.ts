// Paginators: every @paginated operation gets one; pages follow the token to the end, items()
// flattens them, and a repeated token is an error rather than an endless loop.

import assert from "node:assert/strict";
import * as backup from "../mod.ts";
import { BackupClient, paginateListCopyJobs, PaginationError, startCopyJob } from "../mod.ts";
import {
  DEFAULT_VAULT_NAME,
  DEMO_CREDENTIALS,
  DEMO_IAM_ROLE_ARN,
  DEMO_REGION,
  DR_VAULT_WEST_ARN,
  RECOVERY_POINT_OK_ARN,
  startEmulator,
} from "../emulator/mod.ts";
import { loadModelSource } from "../codegen/model_source.ts";
import { withModels } from "../testing/third_party.ts";

const credentials = {
  accessKeyId: DEMO_CREDENTIALS.accessKeyId,
  secretAccessKey: DEMO_CREDENTIALS.secretAccessKey,
};

withModels.test("one paginator per @paginated operation of the newest model", async () => {
  const model = JSON.parse((await loadModelSource()).text);
  const paginated = Object.entries(model.shapes as Record<string, { traits?: object }>)
    .filter(([, shape]) => shape.traits && "smithy.api#paginated" in shape.traits)
    .map(([id]) => `paginate${id.split("#")[1]}`)
    .sort();
  const exported = Object.keys(backup).filter((name) => name.startsWith("paginate")).sort();
  assert.equal(paginated.length, 29);
  assert.deepEqual(exported, paginated);
});

Deno.test("ListCopyJobs pages over real HTTP: pageSize, pages, items()", async () => {
  await using emulator = await startEmulator();
  const client = new BackupClient({ region: DEMO_REGION, endpoint: emulator.url, credentials });
  for (let i = 0; i < 5; i++) {
    await startCopyJob(client, {
      RecoveryPointArn: RECOVERY_POINT_OK_ARN,
      SourceBackupVaultName: DEFAULT_VAULT_NAME,
      DestinationBackupVaultArn: DR_VAULT_WEST_ARN,
      IamRoleArn: DEMO_IAM_ROLE_ARN,
    });
  }
  const expected = emulator.jobs().map((j) => j.CopyJobId).sort();
  const sizes: number[] = [];
  for await (const page of paginateListCopyJobs(client, {}, { pageSize: 2 })) {
    sizes.push(page.CopyJobs?.length ?? 0);
    assert.equal(page.$metadata.httpStatusCode, 200);
  }
  assert.deepEqual(sizes, [2, 2, 1]);
  const lists = emulator.requests.filter((r) => r.operation === "ListCopyJobs");
  assert.deepEqual(lists.map((r) => r.query.maxResults), [["2"], ["2"], ["2"]]);
  assert.equal(lists[0].query.nextToken, undefined);
  assert.ok(lists[1].query.nextToken?.[0]);
  const ids: string[] = [];
  for await (const job of paginateListCopyJobs(client, {}, { pageSize: 3 }).items()) {
    ids.push(job.CopyJobId!);
  }
  assert.deepEqual(ids.sort(), expected);
});

Deno.test("a repeated continuation token raises PaginationError", async () => {
  let calls = 0;
  const client = new BackupClient({
    region: "us-east-1",
    credentials,
    fetch: () => {
      calls++;
      return Promise.resolve(
        Response.json({ CopyJobs: [{ CopyJobId: `j${calls}` }], NextToken: "same" }),
      );
    },
  });
  const seen: string[] = [];
  const error = await (async () => {
    for await (const job of paginateListCopyJobs(client).items()) seen.push(job.CopyJobId!);
  })().catch((e) => e);
  assert.ok(error instanceof PaginationError, String(error));
  assert.deepEqual(seen, ["j1", "j2"]);
  assert.equal(calls, 2);
});

Deno.test("timeoutMs bounds each page's call", async () => {
  const client = new BackupClient({
    region: "us-east-1",
    credentials,
    maxAttempts: 1,
    fetch: () => new Promise<Response>(() => {}), // never answers
  });
  const error = await (async () => {
    for await (const _ of paginateListCopyJobs(client, {}, { timeoutMs: 50 })) {
      // no page arrives
    }
  })().catch((e) => e);
  assert.ok(error instanceof backup.RequestTimeoutError, String(error));
});

Deno.test("an absent or empty token ends the pages", async () => {
  for (const last of [undefined, ""]) {
    const bodies = [{ CopyJobs: [], NextToken: "t1" }, { CopyJobs: [], NextToken: last }];
    const client = new BackupClient({
      region: "us-east-1",
      credentials,
      fetch: () => Promise.resolve(Response.json(bodies.shift())),
    });
    let pages = 0;
    for await (const _ of paginateListCopyJobs(client)) pages++;
    assert.equal(pages, 2);
  }
});

Deno.test("paginator options: an unknown key is a ValidationError at once, naming ours for the SDK's; nothing sent", async () => {
  await using emulator = await startEmulator();
  const client = new BackupClient({ region: DEMO_REGION, endpoint: emulator.url, credentials });
  const refused = (options: unknown) => {
    try {
      paginateListCopyJobs(client, {}, options as never);
    } catch (e) {
      assert.ok(e instanceof backup.ValidationError, String(e));
      return e.message;
    }
    throw new Error("accepted");
  };
  // Each would have listed from the first page, with the service's page size.
  assert.equal(
    refused({ pagesize: 5 }),
    'Invalid paginator options: pagesize is unknown; did you mean "pageSize"?',
  );
  assert.equal(
    refused({ startingToken: "x" }),
    "Invalid paginator options: startingToken is unknown: AWS SDK v3's startingToken is the " +
      "input's NextToken here: paginate…(client, { ...input, NextToken: token })",
  );
  assert.match(
    refused({ stopOnSameToken: true }),
    /stopOnSameToken is unknown: AWS SDK v3's stopOnSameToken is always on here: a repeated continuation token ends the pages with PaginationError$/,
  );
  assert.match(refused({ abortSignal: AbortSignal.abort() }), /abortSignal is "signal" here/);
  assert.equal(refused(null), "Invalid paginator options: options must be an object, not null");
  assert.equal(emulator.requests.length, 0);
  // The token passed as the input's member is where the pages start.
  const pages = paginateListCopyJobs(client, { NextToken: "t" }, { pageSize: 1, timeoutMs: 5000 });
  const error = await pages[Symbol.asyncIterator]().next().catch((e) => e);
  assert.equal(emulator.requests[0].query.nextToken?.[0], "t");
  assert.ok(error instanceof backup.ServiceException, String(error));
});
