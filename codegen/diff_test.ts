// The model-change report (codegen/diff.ts, `deno task codegen --diff`): real pairs of pinned
// AWS Backup revisions, the Smithy 1.0 → 2.0 switch, small hand-written models for each kind
// of change, the CLI, and the report printed after a regeneration.
// Needs BACKUP_EDGE_SHARED (the folder holding models/backup/).

import assert from "node:assert/strict";
import { type ChangeKind, diffServices, formatReport, type ModelChange } from "./diff.ts";
import type { Service } from "./ir.ts";
import { loadService } from "./loader.ts";
import { generatedModelSha256s, modelChangeReport, reportSinceGenerated } from "./main.ts";
import { findPin, loadModelSource, MODEL_PINS } from "./model_source.ts";
import { withModels } from "../testing/third_party.ts";

const services = new Map<string, Promise<Service>>();
/** The IR of a pinned revision (loaded once). */
function revision(date: string): Promise<Service> {
  if (!services.has(date)) {
    services.set(date, loadModelSource(date).then((source) => loadService(source.text)));
  }
  return services.get(date)!;
}

async function diffRevisions(older: string, newer: string): Promise<ModelChange[]> {
  return diffServices(await revision(older), await revision(newer));
}

const subjects = (changes: ModelChange[], kind: ChangeKind) =>
  changes.filter((c) => c.kind === kind).map((c) => c.subject);

/** How many changes of each kind. */
function countByKind(changes: ModelChange[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const c of changes) counts[c.kind] = (counts[c.kind] ?? 0) + 1;
  return counts;
}

// --- Real revisions ---------------------------------------------------------------------------

withModels.test("2023-11-14 → 2023-11-27: Lifecycle gains OptInToArchiveForSupportedResources", async () => {
  const changes = await diffRevisions("2023-11-14", "2023-11-27");
  const [older, newer] = [await revision("2023-11-14"), await revision("2023-11-27")];
  assert.equal(older.operations.length, 77);
  assert.equal(newer.operations.length, 91);
  const added = subjects(changes, "operation-added");
  assert.equal(added.length, 91 - 77);
  assert.deepEqual(subjects(changes, "operation-removed"), []);
  assert.ok(added.includes("CreateRestoreTestingPlan"));
  assert.deepEqual(
    changes.find((c) => c.subject === "Lifecycle.OptInToArchiveForSupportedResources"),
    {
      kind: "member-added",
      subject: "Lifecycle.OptInToArchiveForSupportedResources",
      detail: "Boolean",
    },
  );
  assert.deepEqual(countByKind(changes), {
    "operation-added": 14,
    "shape-added": 3,
    "member-added": 24,
  });
  const report = formatReport(changes, { older: "2023-11-14", newer: "2023-11-27" });
  assert.ok(report.startsWith("Model changes 2023-11-14 → 2023-11-27 (41 changes)\n\n"));
  assert.match(report, /^Operations added \(14\)\n {2}\+ CreateRestoreTestingPlan\n/m);
  assert.match(report, /^ {2}\+ Lifecycle\.OptInToArchiveForSupportedResources \(Boolean\)$/m);
  // Shapes reached only through the new operations are that operation's news.
  assert.deepEqual(subjects(changes, "shape-added"), [
    "RestoreDeletionStatus",
    "RestoreJobCreator",
    "RestoreValidationStatus",
  ]);
});

withModels.test("2022-11-03 → 2022-12-15: StartCopyJobOutput.IsParent added", async () => {
  const changes = await diffRevisions("2022-11-03", "2022-12-15");
  assert.deepEqual(
    changes.find((c) => c.subject === "StartCopyJobOutput.IsParent"),
    {
      kind: "member-added",
      subject: "StartCopyJobOutput.IsParent",
      detail: "Boolean2, default false",
    },
  );
  assert.equal(subjects(changes, "operation-added").length, 72 - 66);
  assert.deepEqual(subjects(changes, "enum-value-added"), [
    "BackupJobState.PARTIAL",
    "CopyJobState.PARTIAL",
  ]);
  // The endpoint parameter Region became required; the rules tree itself is the same.
  assert.deepEqual(changes.filter((c) => c.kind === "endpoint-rules-changed"), [{
    kind: "endpoint-rules-changed",
    subject: "parameter Region",
    detail: "String, builtIn AWS::Region → String, required, builtIn AWS::Region",
  }]);
});

withModels.test("2025-06-02 → 2025-06-17: StartCopyJobInput.IdempotencyToken becomes auto-filled", async () => {
  const changes = await diffRevisions("2025-06-02", "2025-06-17");
  assert.deepEqual(subjects(changes, "idempotency-token-added"), [
    "CreateBackupPlanInput.CreatorRequestId",
    "CreateBackupSelectionInput.CreatorRequestId",
    "CreateBackupVaultInput.CreatorRequestId",
    "CreateLegalHoldInput.IdempotencyToken",
    "CreateLogicallyAirGappedBackupVaultInput.CreatorRequestId",
    "StartBackupJobInput.IdempotencyToken",
    "StartCopyJobInput.IdempotencyToken",
    "StartRestoreJobInput.IdempotencyToken",
  ]);
  // The member existed before: it is not new, it is now filled when unset.
  assert.ok(
    !changes.some((c) => c.kind === "member-added" && c.subject.startsWith("StartCopyJob")),
  );
  assert.deepEqual(countByKind(changes), {
    "operation-added": 5,
    "shape-added": 2,
    "member-added": 6,
    "enum-value-added": 2,
    "idempotency-token-added": 8,
  });
  const report = formatReport(changes, { older: "2025-06-02", newer: "2025-06-17" });
  assert.match(
    report,
    /^Auto-filled idempotency tokens added \(8\)\n(?: {2}\+ \S+\n)*? {2}\+ StartCopyJobInput\.IdempotencyToken\n/m,
  );
});

/** Differences between two raw JSON ASTs, trait by trait, documentation aside. */
function rawDifferences(a: RawModel, b: RawModel): string[] {
  const found: string[] = [];
  const local = (id: string) => id.slice(id.indexOf("#") + 1);
  const traitDiffs = (where: string, x: RawTraits, y: RawTraits) => {
    for (const trait of new Set([...Object.keys(x ?? {}), ...Object.keys(y ?? {})])) {
      const [p, q] = [x?.[trait], y?.[trait]];
      if (JSON.stringify(p) === JSON.stringify(q)) continue;
      const what = p === undefined ? "+" : q === undefined ? "-" : "~";
      found.push(`${where} ${what}${trait.replace("smithy.api#", "@")}`);
    }
  };
  for (const id of new Set([...Object.keys(a.shapes), ...Object.keys(b.shapes)])) {
    const [x, y] = [a.shapes[id], b.shapes[id]];
    if (!x || !y || x.type !== y.type) {
      found.push(`${local(id)} ${x?.type} → ${y?.type}`);
      continue;
    }
    traitDiffs(local(id), x.traits, y.traits);
    for (
      const name of new Set([...Object.keys(x.members ?? {}), ...Object.keys(y.members ?? {})])
    ) {
      const [m, n] = [x.members?.[name], y.members?.[name]];
      if (!m || !n || m.target !== n.target) found.push(`${local(id)}.${name} target`);
      else traitDiffs(`${local(id)}.${name}`, m.traits, n.traits);
    }
  }
  return found.sort();
}
type RawTraits = Record<string, unknown> | undefined;
interface RawModel {
  smithy: string;
  shapes: Record<string, { type: string; traits?: RawTraits; members?: Record<string, RawMember> }>;
}
interface RawMember {
  target: string;
  traits?: RawTraits;
}

withModels.test("2022-07-14 (Smithy 1.0) → 2022-10-13 (2.0): the version switch alone changes nothing", async () => {
  const [a, b] = await Promise.all(
    ["2022-07-14", "2022-10-13"].map((date) => loadModelSource(date)),
  );
  const [rawA, rawB] = [JSON.parse(a.text) as RawModel, JSON.parse(b.text) as RawModel];
  assert.deepEqual([rawA.smithy, rawB.smithy], ["1.0", "2.0"]);
  // What really differs: 1.0's @box goes, 2.0's @default arrives; same 307 shapes, same docs,
  // enums still written as @enum strings in both.
  assert.deepEqual(rawDifferences(rawA, rawB), [
    "BackupVaultListMember.NumberOfRecoveryPoints +@default",
    "Boolean -@box",
    "Boolean2 +@default",
    "DescribeBackupVaultOutput.NumberOfRecoveryPoints +@default",
    "DescribeRecoveryPointOutput.IsEncrypted +@default",
    "Framework.NumberOfControls +@default",
    "IsEnabled +@default",
    "Long -@box",
    "Long2 +@default",
    "MaxFrameworkInputs -@box",
    "MaxResults -@box",
    "RecoveryPointByBackupVault.IsEncrypted +@default",
    "ReportSetting.NumberOfFrameworks +@default",
    "WindowMinutes -@box",
    "integer +@default",
  ]);
  // Both spell the same thing, so the report is empty.
  const changes = await diffRevisions("2022-07-14", "2022-10-13");
  assert.deepEqual(changes, []);
  assert.equal(
    formatReport(changes, { older: "2022-07-14", newer: "2022-10-13" }),
    "Model changes 2022-07-14 → 2022-10-13\n\nNo changes that callers see.\n",
  );
  // …because the loader gives 1.0's unboxed members the default 2.0 writes out.
  const [older, newer] = [await revision("2022-07-14"), await revision("2022-10-13")];
  const member = (s: Service, shape: string, name: string) => {
    const found = s.shapes.get(`com.amazonaws.backup#${shape}`);
    return found?.kind === "structure" ? found.members.find((m) => m.name === name) : undefined;
  };
  for (const s of [older, newer]) {
    assert.equal(member(s, "DescribeRecoveryPointOutput", "IsEncrypted")?.default, false);
    assert.equal(member(s, "Framework", "NumberOfControls")?.default, 0);
    assert.equal(member(s, "ListCopyJobsInput", "MaxResults")?.default, undefined);
  }
});

withModels.test("every revision against itself is empty", async () => {
  for (const { date } of MODEL_PINS) {
    const again = loadService((await loadModelSource(date)).text);
    assert.deepEqual(diffServices(await revision(date), again), [], date);
  }
});

withModels.test("consecutive revisions: operation counts follow the changes", async () => {
  for (let i = 1; i < MODEL_PINS.length; i++) {
    const [a, b] = [MODEL_PINS[i - 1].date, MODEL_PINS[i].date];
    const changes = await diffRevisions(a, b);
    const delta = subjects(changes, "operation-added").length -
      subjects(changes, "operation-removed").length;
    const counts = [(await revision(a)).operations.length, (await revision(b)).operations.length];
    assert.equal(delta, counts[1] - counts[0], `${a} → ${b}`);
  }
});

withModels.test("the report is deterministic", async () => {
  const once = formatReport(await diffRevisions("2022-04-04", "2025-08-21"), {
    older: "a",
    newer: "b",
  });
  const fresh = diffServices(
    loadService((await loadModelSource("2022-04-04")).text),
    loadService((await loadModelSource("2025-08-21")).text),
  );
  assert.equal(formatReport(fresh, { older: "a", newer: "b" }), once);
  assert.equal(
    formatReport(await diffRevisions("2022-04-04", "2025-08-21"), {
      older: "a",
      newer: "b",
    }),
    once,
  );
});

// --- Hand-written models ----------------------------------------------------------------------

const NS = "example.diff";
const id = (name: string) => `${NS}#${name}`;
const t = (name: string) => ({ target: name.includes("#") ? name : id(name) });

/** A small restJson1 service: two operations, constraints, an enum, endpoint rules. */
function baseModel() {
  return {
    smithy: "2.0",
    shapes: {
      [id("Things")]: {
        type: "service",
        version: "2024-01-01",
        operations: [t("PutThing"), t("GetThing")],
        traits: {
          "aws.api#service": { sdkId: "Things" },
          "aws.auth#sigv4": { name: "things" },
          "aws.protocols#restJson1": {},
          "smithy.rules#endpointRuleSet": {
            version: "1.0",
            parameters: {
              Region: { type: "String", builtIn: "AWS::Region", documentation: "The region." },
            },
            rules: [
              {
                type: "endpoint",
                conditions: [{ fn: "isSet", argv: [{ ref: "Region" }] }],
                endpoint: { url: "https://things.{Region}.example.com" },
              },
              { type: "error", conditions: [], error: "Region is required", documentation: "x" },
            ],
          },
        },
      },
      [id("PutThing")]: {
        type: "operation",
        input: t("PutThingInput"),
        output: t("PutThingOutput"),
        traits: { "smithy.api#http": { method: "PUT", uri: "/things/{Name}", code: 200 } },
      },
      [id("GetThing")]: {
        type: "operation",
        input: t("GetThingInput"),
        output: t("GetThingOutput"),
        traits: { "smithy.api#http": { method: "GET", uri: "/things/{Name}", code: 200 } },
      },
      [id("PutThingInput")]: {
        type: "structure",
        members: {
          Name: {
            target: id("ThingName"),
            traits: { "smithy.api#httpLabel": {}, "smithy.api#required": {} },
          },
          Size: { target: id("Size") },
          Color: { target: id("Color") },
          Note: { target: "smithy.api#String", traits: { "smithy.api#length": { max: 10 } } },
          Kind: { target: "smithy.api#String" },
          Token: { target: "smithy.api#String" },
          Trace: { target: "smithy.api#String", traits: { "smithy.api#httpHeader": "X-Trace" } },
          Body: { target: "smithy.api#String" },
        },
      },
      [id("PutThingOutput")]: {
        type: "structure",
        members: {
          Id: { target: "smithy.api#String", traits: { "smithy.api#required": {} } },
          Count: { target: "smithy.api#Integer", traits: { "smithy.api#default": 0 } },
        },
      },
      [id("GetThingInput")]: {
        type: "structure",
        members: {
          Name: {
            target: id("ThingName"),
            traits: { "smithy.api#httpLabel": {}, "smithy.api#required": {} },
          },
          Verbose: { target: "smithy.api#Boolean", traits: { "smithy.api#httpQuery": "verbose" } },
          Fields: { target: "smithy.api#String", traits: { "smithy.api#httpQuery": "fields" } },
        },
      },
      [id("GetThingOutput")]: { type: "structure", members: { Thing: t("Thing") } },
      [id("Thing")]: { type: "structure", members: { Name: t("ThingName"), Tags: t("TagList") } },
      [id("TagList")]: { type: "list", member: t("Tag") },
      [id("Tag")]: { type: "string", traits: { "smithy.api#length": { min: 1, max: 32 } } },
      [id("ThingName")]: {
        type: "string",
        traits: { "smithy.api#length": { min: 1, max: 64 }, "smithy.api#pattern": "^[a-z]+$" },
      },
      [id("Size")]: { type: "integer", traits: { "smithy.api#range": { min: 0, max: 100 } } },
      [id("Color")]: {
        type: "enum",
        members: {
          RED: { target: "smithy.api#Unit", traits: { "smithy.api#enumValue": "red" } },
          GREEN: { target: "smithy.api#Unit", traits: { "smithy.api#enumValue": "green" } },
        },
      },
    },
  };
}
type Model = ReturnType<typeof baseModel>;
// deno-lint-ignore no-explicit-any
type Shapes = Record<string, any>;

/** The changes from the base model to a copy `edit` changed. */
function diffEdit(edit: (shapes: Shapes) => void): ModelChange[] {
  const newer: Model = structuredClone(baseModel());
  edit(newer.shapes);
  return diffServices(loadService(baseModel()), loadService(newer));
}

const inputMembers = (shapes: Shapes, shape = "PutThingInput") => shapes[id(shape)].members;

Deno.test("hand-written: members becoming required or optional", () => {
  const changes = diffEdit((s) => {
    inputMembers(s).Note.traits["smithy.api#required"] = {};
    delete inputMembers(s, "PutThingOutput").Id.traits["smithy.api#required"];
    // @clientOptional keeps a required member optional for the client: no change.
    inputMembers(s).Kind.traits = { "smithy.api#required": {}, "smithy.api#clientOptional": {} };
  });
  assert.deepEqual(changes, [
    { kind: "member-required", subject: "PutThingInput.Note" },
    { kind: "member-optional", subject: "PutThingOutput.Id" },
  ]);
});

Deno.test("hand-written: enum values, and a string becoming an enum", () => {
  const changes = diffEdit((s) => {
    const values = s[id("Color")].members;
    delete values.GREEN;
    values.BLUE = { target: "smithy.api#Unit", traits: { "smithy.api#enumValue": "blue" } };
    values.CRIMSON = { target: "smithy.api#Unit", traits: { "smithy.api#enumValue": "red" } };
    delete values.RED; // renamed, same value: nothing a caller sees
    s[id("Tag")] = {
      type: "string",
      traits: { "smithy.api#length": { min: 1, max: 32 }, "smithy.api#enum": [{ value: "a" }] },
    };
    inputMembers(s).Kind.target = id("Kind");
    s[id("Kind")] = { type: "enum", members: { A: { target: "smithy.api#Unit" } } };
  });
  assert.deepEqual(changes, [
    { kind: "shape-added", subject: "Kind", detail: "enum" },
    {
      kind: "type-changed",
      subject: "PutThingInput.Kind",
      detail: "String (string) → Kind (enum)",
    },
    { kind: "type-changed", subject: "Tag", detail: "string → enum" },
    { kind: "enum-value-added", subject: "Color.blue" },
    { kind: "enum-value-removed", subject: "Color.green" },
  ]);
});

Deno.test("hand-written: constraints on targets (once) and on members", () => {
  const changes = diffEdit((s) => {
    s[id("ThingName")].traits["smithy.api#length"] = { min: 1, max: 128 };
    delete s[id("ThingName")].traits["smithy.api#pattern"];
    s[id("Size")].traits["smithy.api#range"] = { min: 1 };
    inputMembers(s).Note.traits["smithy.api#length"] = { max: 20 };
    inputMembers(s).Body.traits = { "smithy.api#pattern": "^\\S+$" };
    // Retargeted: the member's effective constraints are compared.
    inputMembers(s, "GetThingInput").Name.target = id("Tag");
  });
  assert.deepEqual(changes, [
    { kind: "type-changed", subject: "GetThingInput.Name", detail: "ThingName → Tag" },
    { kind: "constraint-changed", subject: "GetThingInput.Name", detail: "length 1..64 → 1..32" },
    {
      kind: "constraint-changed",
      subject: "GetThingInput.Name",
      detail: 'pattern "^[a-z]+$" → none',
    },
    {
      kind: "constraint-changed",
      subject: "PutThingInput.Body",
      detail: 'pattern none → "^\\\\S+$"',
    },
    { kind: "constraint-changed", subject: "PutThingInput.Note", detail: "length ..10 → ..20" },
    { kind: "constraint-changed", subject: "Size", detail: "range 0..100 → 1.." },
    { kind: "constraint-changed", subject: "ThingName", detail: "length 1..64 → 1..128" },
    { kind: "constraint-changed", subject: "ThingName", detail: 'pattern "^[a-z]+$" → none' },
  ]);
});

Deno.test("hand-written: HTTP bindings of operations and members", () => {
  const changes = diffEdit((s) => {
    s[id("PutThing")].traits["smithy.api#http"] = { method: "POST", uri: "/v2/things/{Name}" };
    s[id("GetThing")].traits["smithy.api#http"].code = 203;
    inputMembers(s, "GetThingInput").Verbose.traits = { "smithy.api#httpQuery": "v" };
    inputMembers(s).Trace.traits = { "smithy.api#httpHeader": "X-Amz-Trace" };
    inputMembers(s).Body.traits = { "smithy.api#jsonName": "body" };
    inputMembers(s).Note.traits["smithy.api#httpQuery"] = "note";
  });
  assert.deepEqual(changes, [
    {
      kind: "http-binding-changed",
      subject: "GetThing",
      detail: "GET /things/{Name} 200 → GET /things/{Name} 203",
    },
    {
      kind: "http-binding-changed",
      subject: "GetThingInput.Verbose",
      detail: 'query "verbose" → query "v"',
    },
    {
      kind: "http-binding-changed",
      subject: "PutThing",
      detail: "PUT /things/{Name} 200 → POST /v2/things/{Name} 200",
    },
    {
      kind: "http-binding-changed",
      subject: "PutThingInput.Body",
      detail: 'body "Body" → body "body"',
    },
    {
      kind: "http-binding-changed",
      subject: "PutThingInput.Note",
      detail: 'body "Note" → query "note"',
    },
    {
      kind: "http-binding-changed",
      subject: "PutThingInput.Trace",
      detail: 'header "X-Trace" → header "X-Amz-Trace"',
    },
  ]);
});

Deno.test("hand-written: endpoint rules", () => {
  const ruleSet = (s: Shapes) => s[id("Things")].traits["smithy.rules#endpointRuleSet"];
  // Documentation does not change how endpoints resolve.
  assert.deepEqual(
    diffEdit((s) => {
      ruleSet(s).parameters.Region.documentation = "Where.";
      ruleSet(s).rules[1].documentation = "y";
    }),
    [],
  );
  const changes = diffEdit((s) => {
    ruleSet(s).parameters.UseFIPS = {
      type: "Boolean",
      builtIn: "AWS::UseFIPS",
      required: true,
      default: false,
    };
    ruleSet(s).parameters.Region.required = true;
    ruleSet(s).rules[0].conditions.push({ fn: "booleanEquals", argv: [{ ref: "UseFIPS" }, false] });
  });
  assert.equal(changes.length, 3);
  assert.deepEqual(changes.slice(0, 2), [
    {
      kind: "endpoint-parameter-added",
      subject: "UseFIPS",
      detail: "Boolean, required, builtIn AWS::UseFIPS, default false",
    },
    {
      kind: "endpoint-rules-changed",
      subject: "parameter Region",
      detail: "String, builtIn AWS::Region → String, required, builtIn AWS::Region",
    },
  ]);
  assert.equal(changes[2].subject, "rules");
  assert.match(
    changes[2].detail!,
    /^2 rules, 1 conditions, sha256 ([0-9a-f]{12}) → 2 rules, 2 conditions, sha256 (?!\1)[0-9a-f]{12}$/,
  );
  // A rule set that appears, and one whose parameter goes.
  const removed = diffEdit((s) => delete ruleSet(s).parameters.Region);
  assert.deepEqual(removed, [
    {
      kind: "endpoint-parameter-removed",
      subject: "Region",
      detail: "String, builtIn AWS::Region",
    },
  ]);
  const older = baseModel();
  delete (older.shapes[id("Things")].traits as Record<string, unknown>)[
    "smithy.rules#endpointRuleSet"
  ];
  const appeared = diffServices(loadService(older), loadService(baseModel()));
  assert.deepEqual(appeared.map((c) => [c.kind, c.subject]), [
    ["endpoint-parameter-added", "Region"],
    ["endpoint-rules-changed", "rules"],
  ]);
  assert.match(appeared[1].detail!, /^none → 2 rules, 1 conditions, sha256 [0-9a-f]{12}$/);
});

Deno.test("hand-written: the whole report, every other kind of change", () => {
  const changes = diffEdit((s) => {
    const service = s[id("Things")];
    service.operations = [t("GetThing"), t("ListThings")];
    s[id("ListThings")] = {
      type: "operation",
      input: t("smithy.api#Unit"),
      output: t("ListThingsOutput"),
      traits: { "smithy.api#http": { method: "GET", uri: "/things", code: 200 } },
    };
    s[id("ListThingsOutput")] = { type: "structure", members: { Items: t("Items") } };
    s[id("Items")] = { type: "list", member: t("Thing") };
    // Renamed: Thing → Item, which GetThingOutput now targets.
    s[id("Item")] = s[id("Thing")];
    delete s[id("Thing")];
    s[id("GetThingOutput")].members.Thing = t("Item");
    s[id("Items")].member = t("Item");
    const input = inputMembers(s, "GetThingInput");
    input.Token = { target: "smithy.api#String", traits: { "smithy.api#idempotencyToken": {} } };
    input.Limit = { target: "smithy.api#Integer", traits: { "smithy.api#default": 10 } };
    input.Verbose.traits["smithy.api#default"] = false;
    s[id("GetThingOutput")].members.Size = {
      target: "smithy.api#Long",
      traits: { "smithy.api#required": {} },
    };
    delete input.Fields;
  });
  const report = formatReport(changes, { older: "old.json", newer: "new.json" });
  assert.equal(
    report,
    `Model changes old.json → new.json (11 changes)

Operations added (1)
  + ListThings

Operations removed (1)
  - PutThing

Shapes added (1)
  + Item (structure)

Shapes removed (1)
  - Thing (structure)

Members added (3)
  + GetThingInput.Limit (Integer, default 10)
  + GetThingInput.Token (String, idempotency token)
  + GetThingOutput.Size (Long, required)

Members removed (1)
  - GetThingInput.Fields (String)

Types changed (1)
  ~ GetThingOutput.Thing: Thing → Item

Auto-filled idempotency tokens added (1)
  + GetThingInput.Token

Defaults added (1)
  + GetThingInput.Verbose (false)
`,
  );
});

Deno.test("hand-written: defaults changed and removed, tokens added and removed", () => {
  const changes = diffEdit((s) => {
    inputMembers(s, "PutThingOutput").Count.traits["smithy.api#default"] = 1;
    inputMembers(s).Token.traits = { "smithy.api#idempotencyToken": {} };
  });
  assert.deepEqual(changes, [
    { kind: "idempotency-token-added", subject: "PutThingInput.Token" },
    { kind: "default-changed", subject: "PutThingOutput.Count", detail: "0 → 1" },
  ]);
  assert.deepEqual(diffEdit((s) => delete inputMembers(s, "PutThingOutput").Count.traits), [
    { kind: "default-removed", subject: "PutThingOutput.Count", detail: "0" },
  ]);
  const withToken = structuredClone(baseModel());
  inputMembers(withToken.shapes).Token.traits = { "smithy.api#idempotencyToken": {} };
  assert.deepEqual(diffServices(loadService(withToken), loadService(baseModel())), [
    { kind: "idempotency-token-removed", subject: "PutThingInput.Token" },
  ]);
});

// --- The CLI and the report after regeneration ------------------------------------------------

withModels.test("CLI: deno task codegen --diff 2025-06-02 2025-06-17 prints the report", async () => {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "codegen/main.ts", "--diff", "2025-06-02", "2025-06-17"],
    cwd: new URL("../", import.meta.url).pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const out = new TextDecoder().decode(stdout);
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  const expected = await modelChangeReport("2025-06-02", "2025-06-17");
  assert.equal(out, expected);
  assert.ok(out.startsWith("Model changes 2025-06-02 → 2025-06-17 (23 changes)\n"));
  assert.match(out, /^ {2}\+ StartCopyJobInput\.IdempotencyToken$/m);
  assert.match(out, /^Operations added \(5\)$/m);
});

withModels.test("report after regeneration names the previous model, or says why it cannot", async () => {
  const newer = await loadModelSource("2025-06-17");
  assert.equal(
    await reportSinceGenerated([findPin("2025-06-02").sha256], newer),
    await modelChangeReport("2025-06-02", "2025-06-17"),
  );
  assert.equal(
    await reportSinceGenerated([], newer),
    "No change report: the output folder held no generated files.\n",
  );
  assert.equal(
    await reportSinceGenerated(["ab".repeat(32)], newer),
    `No change report: the files were generated from a model that is not pinned (sha256 ${
      "ab".repeat(32)
    }).\n`,
  );
  assert.equal(
    await reportSinceGenerated([newer.sha256], newer),
    "No model change (2025-06-17): only the generator's output changed.\n",
  );
  assert.match(
    await reportSinceGenerated(["ab".repeat(32), "cd".repeat(32)], newer),
    /^No change report: the generated files name 2 different models\.\n$/,
  );
});

Deno.test("the sha256 of generated files is read from their header", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const url = new URL(`file://${dir}/`);
    assert.deepEqual(await generatedModelSha256s(new URL("missing/", url)), []);
    const committed = await Deno.readTextFile(new URL("../generated/types.ts", import.meta.url));
    await Deno.writeTextFile(new URL("types.ts", url), committed);
    await Deno.writeTextFile(
      new URL("notes.md", url),
      "// sha256 " + "0".repeat(64) + ". Do not edit",
    );
    const [sha256] = await generatedModelSha256s(url);
    assert.match(sha256, /^[0-9a-f]{64}$/);
    assert.ok(committed.includes(`// sha256 ${sha256}. Do not edit`));
    assert.ok(MODEL_PINS.some((p) => p.sha256 === sha256), "generated/ comes from a pinned model");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
