// Inputs that once slipped past validation and went out wrong (issue 11, sections 4 and 5):
// each is now a ValidationError naming the member, with nothing sent; and what validation
// accepts is exactly what the serializer sends.

import assert from "node:assert/strict";
import {
  BackupClient,
  createBackupPlan,
  deleteBackupSelection,
  deleteRecoveryPoint,
  describeCopyJob,
  getSupportedResourceTypes,
  listCopyJobs,
  startCopyJob,
  type StartCopyJobInput,
  tagResource,
  untagResource,
  ValidationError,
} from "../mod.ts";
import type { StructureSchema } from "../runtime/schema.ts";
import { inputIssues } from "../runtime/schema_validation.ts";
import { withProtoAccessor } from "../testing/proto_accessor.ts";

const credentials = { accessKeyId: "AKIDTEST", secretAccessKey: "secret" };

/** A client whose fetch records what it is asked to send and answers `{}`. */
function recordingClient() {
  const sent: { method: string; url: URL; body: string }[] = [];
  const client = new BackupClient({
    region: "us-east-1",
    credentials,
    maxAttempts: 1,
    fetch: async (url: string, init: RequestInit) => {
      const request = new Request(url, init);
      sent.push({ method: request.method, url: new URL(request.url), body: await request.text() });
      return new Response("{}", { headers: { "content-type": "application/json" } });
    },
  });
  return { client, sent };
}

/** Calls, expects a ValidationError, returns its issues. */
async function issuesOf(call: Promise<unknown>): Promise<{ path: string; message: string }[]> {
  const e = await call.then(() => assert.fail("the call resolved"), (e) => e);
  assert.ok(e instanceof ValidationError, `expected a ValidationError, got ${e}`);
  return e.issues;
}

const minimal: StartCopyJobInput = {
  RecoveryPointArn: "arn:aws:backup:us-east-1:111122223333:recovery-point:1EB3B5E7",
  SourceBackupVaultName: "Default",
  DestinationBackupVaultArn: "arn:aws:backup:us-west-2:111122223333:backup-vault:dr",
  IamRoleArn: "arn:aws:iam::111122223333:role/backup",
};

Deno.test("a `.` or `..` label is rejected before anything is sent", async () => {
  const { client, sent } = recordingClient();
  for (const dots of [".", ".."]) {
    assert.deepEqual(
      await issuesOf(deleteRecoveryPoint(client, {
        BackupVaultName: "Default",
        RecoveryPointArn: dots,
      })),
      [{
        path: "RecoveryPointArn",
        message: `must not be "." or ".." (a URL parser would remove that path segment)`,
      }],
    );
    const selection = await issuesOf(
      deleteBackupSelection(client, { BackupPlanId: "plan-1", SelectionId: dots }),
    );
    assert.deepEqual(selection.map((i) => i.path), ["SelectionId"]);
  }
  assert.equal(sent.length, 0);
  // Percent-encoded dots are sent as the literal text they are (`%` itself is encoded), dots
  // inside a label are ordinary characters, and so is a `/` (encoded): `./x` is one segment.
  await deleteRecoveryPoint(client, { BackupVaultName: "Default", RecoveryPointArn: "%2e%2E" });
  await deleteBackupSelection(client, { BackupPlanId: "plan-1", SelectionId: "..." });
  await deleteBackupSelection(client, { BackupPlanId: "plan-1", SelectionId: "a.." });
  await deleteBackupSelection(client, { BackupPlanId: "plan-1", SelectionId: "./x" });
  await deleteBackupSelection(client, { BackupPlanId: "plan-1", SelectionId: "../" });
  assert.deepEqual(sent.map((r) => r.url.pathname), [
    "/backup-vaults/Default/recovery-points/%252e%252E",
    "/backup/plans/plan-1/selections/...",
    "/backup/plans/plan-1/selections/a..",
    "/backup/plans/plan-1/selections/.%2Fx",
    "/backup/plans/plan-1/selections/..%2F",
  ]);
});

Deno.test("integers must fit their Smithy type: a long is a safe integer", async () => {
  const { client, sent } = recordingClient();
  const withDays = (DeleteAfterDays: number) => ({ ...minimal, Lifecycle: { DeleteAfterDays } });
  const unsafe = "must be a safe integer (from -(2^53 - 1) to 2^53 - 1)";
  for (const days of [1e300, 2 ** 63, 2 ** 53, -(2 ** 53)]) {
    assert.deepEqual(await issuesOf(startCopyJob(client, withDays(days))), [
      { path: "Lifecycle.DeleteAfterDays", message: unsafe },
    ]);
  }
  assert.deepEqual(await issuesOf(startCopyJob(client, withDays(Infinity))), [
    { path: "Lifecycle.DeleteAfterDays", message: "must be an integer" },
  ]);
  assert.equal(sent.length, 0);
  await startCopyJob(client, withDays(2 ** 53 - 1));
  assert.match(sent[0].body, /"DeleteAfterDays":9007199254740991\b/);
  // MaxResults is a 32-bit `integer` with @range 1–1000: the range speaks first.
  assert.deepEqual(await issuesOf(listCopyJobs(client, { MaxResults: 2 ** 40 })), [
    { path: "MaxResults", message: "must be a 32-bit integer (-2147483648 to 2147483647)" },
  ]);
});

Deno.test("structures and maps must be plain objects", async () => {
  const { client, sent } = recordingClient();
  class Lifecycle {
    DeleteAfterDays = 30;
  }
  const cases: [unknown, string][] = [
    [new Map([["DeleteAfterDays", 30]]), "must be a plain object, not a Map"],
    [new Lifecycle(), "must be a plain object, not an instance of Lifecycle"],
    [[30], "must be a plain object, not an array"],
    [
      Object.create({ DeleteAfterDays: 30 }),
      "must be a plain object, not an object inheriting from another object",
    ],
  ];
  for (const [lifecycle, message] of cases) {
    const issues = await issuesOf(
      startCopyJob(client, { ...minimal, Lifecycle: lifecycle } as StartCopyJobInput),
    );
    assert.deepEqual(issues, [{ path: "Lifecycle", message }]);
  }
  assert.deepEqual(await issuesOf(startCopyJob(client, Object.create(minimal))), [
    { path: "", message: "must be a plain object, not an object inheriting from another object" },
  ]);
  assert.deepEqual(
    await issuesOf(tagResource(client, { ResourceArn: "arn", Tags: new Map() as never })),
    [{ path: "Tags", message: "must be a plain object, not a Map" }],
  );
  assert.equal(sent.length, 0);
});

Deno.test("validation and serialization agree: members are own enumerable data properties", async () => {
  const { client, sent } = recordingClient();
  const enumerable = "must be enumerable (a non-enumerable property is not sent)";
  const data = "must be a data property, not a getter (it would be read twice)";
  // A member made non-enumerable would be validated and dropped: refused, required or not.
  const hidden = { ...minimal };
  Object.defineProperty(hidden, "IamRoleArn", { value: minimal.IamRoleArn, enumerable: false });
  assert.deepEqual(await issuesOf(startCopyJob(client, hidden)), [
    { path: "IamRoleArn", message: enumerable },
  ]);
  const lifecycle = Object.defineProperty({}, "DeleteAfterDays", { value: 35, enumerable: false });
  assert.deepEqual(await issuesOf(startCopyJob(client, { ...minimal, Lifecycle: lifecycle })), [
    { path: "Lifecycle.DeleteAfterDays", message: enumerable },
  ]);
  const describe = Object.defineProperty({}, "CopyJobId", { value: "job-1", enumerable: false });
  assert.deepEqual(await issuesOf(describeCopyJob(client, describe as never)), [
    { path: "CopyJobId", message: enumerable },
  ]);
  // A getter would be read once to validate and again to send (and might answer differently).
  let reads = 0;
  const changing = {
    ...minimal,
    get SourceBackupVaultName() {
      return reads++ ? "../other" : "Default";
    },
  };
  assert.deepEqual(await issuesOf(startCopyJob(client, changing)), [
    { path: "SourceBackupVaultName", message: data },
  ]);
  const tags = Object.defineProperty({}, "team", { get: () => "dr", enumerable: true });
  assert.deepEqual(await issuesOf(tagResource(client, { ResourceArn: "arn", Tags: tags })), [
    { path: 'Tags["team"]', message: data },
  ]);
  assert.equal(sent.length, 0);
  // Non-enumerable properties that are not members, and symbol keys, are not the input's data.
  const extra = Object.defineProperty({ ...minimal }, "meta", { value: 1, enumerable: false });
  await startCopyJob(client, { ...minimal, [Symbol("trace")]: 1 } as StartCopyJobInput);
  await startCopyJob(client, extra);
  assert.equal(JSON.parse(sent[1].body).meta, undefined);
  // Members on Object.prototype (prototype pollution) are not members either.
  const proto = Object.prototype as Record<string, unknown>;
  proto.MaxResults = 0;
  proto.ByState = "CREATED";
  try {
    await listCopyJobs(client, {});
  } finally {
    delete proto.MaxResults;
    delete proto.ByState;
  }
  assert.equal(sent[2].url.search, "");
  // A null-prototype object is plain.
  await startCopyJob(client, Object.assign(Object.create(null), minimal));
  assert.equal(sent.length, 4);
});

Deno.test("a key the model does not name is an issue, at any depth, with the member meant", async () => {
  const { client, sent } = recordingClient();
  const unknown = (near?: string) => `is unknown${near ? `; did you mean "${near}"?` : ""}`;
  // The misspelling that once started a copy kept forever.
  assert.deepEqual(
    await issuesOf(
      startCopyJob(client, { ...minimal, Lifecyle: { DeleteAfterDays: 35 } } as never),
    ),
    [{ path: "Lifecyle", message: unknown("Lifecycle") }],
  );
  assert.deepEqual(
    await issuesOf(
      startCopyJob(client, { ...minimal, Lifecycle: { DeleteAfterDay: 35 } } as never),
    ),
    [{ path: "Lifecycle.DeleteAfterDay", message: unknown("DeleteAfterDays") }],
  );
  // Letter case; a key far from every member; an explicit undefined is still a key passed.
  assert.deepEqual(
    await issuesOf(
      startCopyJob(
        client,
        { ...minimal, iamRoleArn: "x", Colour: 1, Lifecyle: undefined } as never,
      ),
    ),
    [
      { path: "iamRoleArn", message: unknown("IamRoleArn") },
      { path: "Colour", message: unknown() },
      { path: "Lifecyle", message: unknown("Lifecycle") },
    ],
  );
  // Inside lists of structures.
  const plan = {
    BackupPlanName: "p",
    Rules: [{ RuleName: "r", TargetBackupVaultName: "dr", Lifecycle: { DeleteAfterDays: 1 } }],
  };
  assert.deepEqual(
    await issuesOf(createBackupPlan(client, {
      BackupPlan: { ...plan, Rules: [...plan.Rules, { ...plan.Rules[0], RuleNmae: "x" }] },
    } as never)),
    [{ path: "BackupPlan.Rules[1].RuleNmae", message: unknown("RuleName") }],
  );
  // An operation without input members takes no keys.
  assert.deepEqual(await issuesOf(getSupportedResourceTypes(client, { Foo: 1 } as never)), [
    { path: "Foo", message: unknown() },
  ]);
  assert.equal(sent.length, 0);
  // Map values are data: any key goes.
  await tagResource(client, { ResourceArn: "arn", Tags: { Lifecyle: "x", "any key": "y" } });
  await createBackupPlan(client, { BackupPlan: plan });
  await getSupportedResourceTypes(client);
  assert.equal(sent.length, 3);
});

Deno.test("`__proto__` keys: a map keeps them, a structure refuses them", () =>
  withProtoAccessor(async () => {
    const { client, sent } = recordingClient();
    const Tags = JSON.parse('{"__proto__": "x", "team": "dr"}');
    await tagResource(client, { ResourceArn: "arn:aws:backup:r", Tags });
    assert.equal(sent[0].body, '{"Tags":{"__proto__":"x","team":"dr"}}');
    // In a literal, `__proto__:` sets the prototype: the object is no longer plain.
    const issues = await issuesOf(
      startCopyJob(client, {
        ...minimal,
        Lifecycle: { __proto__: { DeleteAfterDays: 1 } } as never,
      }),
    );
    assert.deepEqual(issues.map((i) => i.path), ["Lifecycle"]);
    // An own `__proto__` property of a structure is not a member: refused, not sent.
    assert.deepEqual(
      await issuesOf(
        startCopyJob(client, { ...JSON.parse('{"__proto__": {"a": 1}}'), ...minimal }),
      ),
      [{ path: "__proto__", message: "is unknown" }],
    );
    assert.equal(sent.length, 1);
  }));

Deno.test("lone surrogates are a ValidationError naming the member, not a URIError", async () => {
  const { client, sent } = recordingClient();
  const lone = (i: number) => `must be well-formed Unicode (lone surrogate at index ${i})`;
  assert.deepEqual(await issuesOf(describeCopyJob(client, { CopyJobId: "\ud800" })), [
    { path: "CopyJobId", message: lone(0) },
  ]);
  assert.deepEqual(await issuesOf(listCopyJobs(client, { NextToken: "ab\udc00" })), [
    { path: "NextToken", message: lone(2) },
  ]);
  // In the JSON body too: JSON.stringify would escape it and AWS would not get that text.
  assert.deepEqual(
    await issuesOf(startCopyJob(client, { ...minimal, IamRoleArn: "arn\ud83d" })),
    [{ path: "IamRoleArn", message: lone(3) }],
  );
  assert.deepEqual(
    await issuesOf(tagResource(client, { ResourceArn: "a", Tags: { "k\udfff": "v" } })),
    [{ path: 'Tags["k\\udfff"]', message: `key ${lone(1)}` }],
  );
  assert.equal(sent.length, 0);
  // A surrogate pair is one code point, sent as UTF-8.
  await describeCopyJob(client, { CopyJobId: "job-\ud83d\ude80" });
  assert.equal(sent[0].url.pathname, "/copy-jobs/job-%F0%9F%9A%80");
});

Deno.test("list holes are missing items, not skipped ones", async () => {
  const { client, sent } = recordingClient();
  // deno-lint-ignore no-sparse-arrays
  const TagKeyList = ["a", , "b"] as string[];
  assert.deepEqual(await issuesOf(untagResource(client, { ResourceArn: "r", TagKeyList })), [
    { path: "TagKeyList[1]", message: "must not be null" },
  ]);
  assert.equal(sent.length, 0);
});

Deno.test("an explicit @idempotencyToken that is empty or white space is refused, in every input that has one", async () => {
  // Every input schema with a token member, read from the generated schemas (not a list here).
  const schemas = await import("../generated/schemas.ts");
  const withTokens = Object.entries(schemas).flatMap(([name, schema]) =>
    typeof schema === "object" && schema && "memberList" in schema && name.endsWith("InputSchema")
      ? (schema as StructureSchema).memberList
        .filter(([, member]) => member.idempotencyToken)
        .map(([member]) => ({ name, schema: schema as StructureSchema, member }))
      : []
  );
  assert.ok(withTokens.length >= 10, `found ${withTokens.length} token members`);
  for (const { name, schema, member } of withTokens) {
    for (const empty of ["", " \t"]) {
      const issues = inputIssues(schema, { [member]: empty }).filter((i) => i.path === member);
      assert.equal(issues.length, 1, `${name}.${member} = ${JSON.stringify(empty)}`);
      assert.match(issues[0].message, /^must not be empty/);
    }
    assert.deepEqual(inputIssues(schema, { [member]: "t-1" }).filter((i) => i.path === member), []);
  }
  // Through the client: nothing is sent; an absent token is still filled, a given one kept.
  const { client, sent } = recordingClient();
  assert.deepEqual(await issuesOf(startCopyJob(client, { ...minimal, IdempotencyToken: "" })), [{
    path: "IdempotencyToken",
    message: "must not be empty: leave it out for a fresh token per call, or pass one that " +
      "names this request (an empty token is the same on every call, so the service may answer " +
      "with an earlier request's result)",
  }]);
  assert.equal(sent.length, 0);
  await startCopyJob(client, minimal);
  await startCopyJob(client, { ...minimal, IdempotencyToken: "nightly-2026-03-02" });
  assert.match(JSON.parse(sent[0].body).IdempotencyToken, /^[0-9a-f-]{36}$/);
  assert.equal(JSON.parse(sent[1].body).IdempotencyToken, "nightly-2026-03-02");
});
