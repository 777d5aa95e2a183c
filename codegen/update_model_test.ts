// `deno task model:update` (codegen/update_model.ts) and the model checks it relies on
// (codegen/model_check.ts): the change report 2025-08-21 → 2026-04-08, what counts as breaking,
// refusals, and the whole routine run as users run it in a copy of this checkout pinned at
// 2025-08-21, which must reproduce exactly the committed pin list and generated/.

import assert from "node:assert/strict";
import { diffServices, type ModelChange } from "./diff.ts";
import { loadService } from "./loader.ts";
import { checkModel, ModelError } from "./model_check.ts";
import { findPin, loadModelSource, sha256Hex, SHARED_SETTING } from "./model_source.ts";
import { isBreaking, type PinList, summarize } from "./update_model.ts";
import { withModels } from "../testing/third_party.ts";
import { copyCheckout, denoTask } from "../testing/checkout_copy.ts";
import { tinyModel } from "../testing/tiny_model.ts";

const task = (cwd: URL, ...args: string[]) => denoTask(cwd, args);

const REPO = new URL("../", import.meta.url);

withModels.test("change report 2025-08-21 → 2026-04-08: what StartCopyJob callers gain", async () => {
  const [older, newer] = await Promise.all(
    ["2025-08-21", "2026-04-08"].map(async (date) =>
      loadService((await loadModelSource(date)).text)
    ),
  );
  const changes = diffServices(older, newer);
  const of = (kind: ModelChange["kind"]) => changes.filter((c) => c.kind === kind);
  assert.deepEqual(of("operation-added").map((c) => c.subject), [
    "CreateTieringConfiguration",
    "DeleteTieringConfiguration",
    "DescribeScanJob",
    "GetTieringConfiguration",
    "ListScanJobSummaries",
    "ListScanJobs",
    "ListTieringConfigurations",
    "StartScanJob",
    "UpdateTieringConfiguration",
  ]);
  assert.deepEqual(of("operation-removed"), []);
  const added = of("member-added");
  assert.deepEqual(added.find((c) => c.subject === "Lifecycle.DeleteAfterEvent"), {
    kind: "member-added",
    subject: "Lifecycle.DeleteAfterEvent",
    detail: "LifecycleDeleteAfterEvent",
  });
  assert.deepEqual(of("shape-added").find((c) => c.subject === "LifecycleDeleteAfterEvent"), {
    kind: "shape-added",
    subject: "LifecycleDeleteAfterEvent",
    detail: "enum",
  });
  assert.deepEqual(added.filter((c) => c.subject.startsWith("CopyJob.")).map((c) => c.subject), [
    "CopyJob.CreatedByBackupJobId",
    "CopyJob.DestinationEncryptionKeyArn",
    "CopyJob.DestinationRecoveryPointLifecycle",
    "CopyJob.DestinationVaultLockState",
    "CopyJob.DestinationVaultType",
  ]);
  // StartCopyJob's own input and output are unchanged.
  assert.deepEqual(changes.filter((c) => /^StartCopyJob(Input|Output)\b/.test(c.subject)), []);
  // Endpoint parameter types are now spelled `string`/`boolean`: no change for callers.
  assert.deepEqual(changes.filter((c) => c.kind.startsWith("endpoint-")), []);
  assert.deepEqual(changes.filter(isBreaking), []);
  assert.equal(
    summarize(changes),
    `9 operations added, 0 removed; ${changes.length} changes in all, none breaking for callers`,
  );
});

Deno.test("what counts as breaking for callers", () => {
  const change = (kind: ModelChange["kind"], detail?: string): ModelChange => ({
    kind,
    subject: "Thing.Member",
    ...(detail === undefined ? {} : { detail }),
  });
  for (
    const kind of [
      "operation-removed",
      "member-removed",
      "member-required",
      "type-changed",
      "enum-value-removed",
      "http-binding-changed",
    ] as const
  ) assert.ok(isBreaking(change(kind)), kind);
  for (
    const kind of [
      "operation-added",
      "member-added",
      "member-optional",
      "enum-value-added",
      "idempotency-token-added",
      "endpoint-rules-changed",
    ] as const
  ) assert.ok(!isBreaking(change(kind)), kind);
  assert.ok(isBreaking(change("constraint-changed", "length 1..100 → 1..50")));
  assert.ok(isBreaking(change("constraint-changed", "range none → 1..")));
  assert.ok(isBreaking(change("constraint-changed", 'pattern "^a$" → "^b$"')));
  assert.ok(!isBreaking(change("constraint-changed", "length 1..50 → 1..100")));
  assert.ok(!isBreaking(change("constraint-changed", "range 1.. → none")));
  assert.equal(
    summarize([
      { kind: "operation-added", subject: "A" },
      { kind: "operation-removed", subject: "B" },
      { kind: "member-required", subject: "C.D" },
    ]),
    "1 operation added, 1 removed; 3 changes in all, 2 breaking for callers " +
      "(operation-removed, member-required)",
  );
});

Deno.test("checkModel: one-line refusals and unknown protocol or auth traits", () => {
  const refuse = (text: string, pattern: RegExp, service?: string) =>
    assert.throws(() => checkModel(text, "m.json", service), (e) => {
      assert.ok(e instanceof ModelError);
      assert.match(e.message, pattern);
      assert.ok(!e.message.includes("\n"), e.message);
      return true;
    });
  refuse("{ nope", /^m\.json is not JSON \(/);
  refuse('{"shapes": {}}', /^m\.json is not a Smithy JSON AST model/);
  refuse(JSON.stringify({ smithy: "3.0", shapes: {} }), /not a Smithy JSON AST/);
  refuse(
    JSON.stringify(tinyModel({ traits: { "aws.protocols#awsJson1_1": {} } })),
    /does not use restJson1 \(protocols: aws\.protocols#awsJson1_1\)/,
  );
  refuse(
    JSON.stringify(tinyModel()),
    /is not the same service: it defines example\.tiny#Tiny, not example\.other#Other/,
    "example.other#Other",
  );
  const facts = checkModel(JSON.stringify(tinyModel()), "m.json");
  assert.equal(facts.service, "example.tiny#Tiny");
  assert.deepEqual(facts.unknownTraits, []);
  const odd = tinyModel({
    traits: {
      "aws.protocols#restJson1": {},
      "smithy.protocols#rpcv2Cbor": {},
      "aws.auth#sigv4": {},
      "smithy.api#httpBearerAuth": {},
      "smithy.api#auth": ["aws.auth#sigv4", "smithy.api#httpBearerAuth"],
    },
  });
  (odd.shapes as Record<string, { traits: Record<string, unknown> }>)["example.tiny#Ping"]
    .traits["smithy.api#optionalAuth"] = {};
  assert.deepEqual(checkModel(JSON.stringify(odd), "m.json").unknownTraits, [
    "smithy.api#auth smithy.api#httpBearerAuth on example.tiny#Tiny",
    "smithy.api#httpBearerAuth on example.tiny#Tiny",
    "smithy.api#optionalAuth on example.tiny#Ping",
    "smithy.protocols#rpcv2Cbor on example.tiny#Tiny",
  ]);
});

/**
 * A copy of this checkout's generator, runtime and generated client, pinned back at 2025-08-21
 * and regenerated from it: what the repository looked like before 2026-04-08 was shipped.
 */
async function checkoutAt2025(): Promise<URL> {
  const root = await copyCheckout("model-update-");
  const pinsFile = new URL("codegen/model_pins.json", root);
  const pins: PinList = JSON.parse(await Deno.readTextFile(pinsFile));
  pins.revisions = pins.revisions.filter((p) => p.date <= "2025-08-21");
  pins.latest = "2025-08-21";
  await Deno.writeTextFile(pinsFile, JSON.stringify(pins, null, 2) + "\n");
  const generated = await task(root, "codegen");
  assert.equal(generated.code, 0, generated.stderr);
  return root;
}

/** The 2026-04-08 model as a file, with the arguments that give its date and URL if needed. */
async function model2026(dir: URL): Promise<string[]> {
  const shared = Deno.env.get(SHARED_SETTING);
  if (shared) return [`${shared.replace(/\/$/, "")}/models/backup/backup-2026-04-08.json`];
  // Without the shared folder (and its index.json), the date and URL are given.
  const file = new URL("backup-2026-04-08.json", dir).pathname;
  await Deno.writeTextFile(file, (await loadModelSource("2026-04-08")).text);
  const pin = findPin("2026-04-08");
  return [file, "--date", pin.date, "--url", pin.url];
}

async function sameFiles(a: URL, b: URL): Promise<string[]> {
  const names = new Set<string>();
  for (const dir of [a, b]) for await (const e of Deno.readDir(dir)) names.add(e.name);
  const differing: string[] = [];
  for (const name of [...names].sort()) {
    const read = (dir: URL) => Deno.readTextFile(new URL(name, dir)).catch(() => undefined);
    if (await read(a) !== await read(b)) differing.push(name);
  }
  return differing;
}

withModels.test(
  "model:update on a checkout pinned at 2025-08-21 reproduces the committed result",
  async (t) => {
    const root = await checkoutAt2025();
    const pinsFile = new URL("codegen/model_pins.json", root);
    try {
      const [file, ...pinArgs] = await model2026(root);

      await t.step("refusals: one line, exit 2, nothing recorded", async () => {
        const before = await Deno.readTextFile(pinsFile);
        const other = new URL("other.json", root).pathname;
        await Deno.writeTextFile(other, JSON.stringify(tinyModel()));
        const notJson = new URL("not.json", root).pathname;
        await Deno.writeTextFile(notJson, "<html>");
        const cases: [string[], RegExp][] = [
          [
            ["--from", other, "--date", "2026-05-01", "--url", "https://example.com/m.json"],
            /is not the same service: it defines example\.tiny#Tiny, not com\.amazonaws\.backup#/,
          ],
          [
            ["--from", notJson, "--date", "2026-05-01", "--url", "https://example.com/m.json"],
            /is not JSON/,
          ],
          [
            ["--from", file, ...pinArgs, "--sha256", "0".repeat(64)],
            /has sha256 7a37a24b\w+, but 0{64} was given/,
          ],
          [["--from", new URL("missing.json", root).pathname], /Cannot read .*missing\.json/],
          [
            ["--from", file, "--date", "2025-01-01", "--url", "https://example.com/m.json"],
            /dated 2025-01-01, not after the newest pin 2025-08-21/,
          ],
        ];
        for (const [args, pattern] of cases) {
          const run = await task(root, "model:update", ...args);
          assert.equal(run.code, 2, args.join(" "));
          assert.match(run.stderr, pattern);
          assert.match(run.stderr, /^error: [^\n]+\n$/, run.stderr);
        }
        assert.equal(await Deno.readTextFile(pinsFile), before);
      });

      await t.step(
        "the README's command: exit 1, same pins and generated/ as committed",
        async () => {
          const run = await task(root, "model:update", "--from", file, ...pinArgs);
          assert.equal(run.code, 1, run.stdout + run.stderr);
          assert.match(run.stdout, /^Pinned 2026-04-08 \(Smithy 2\.0, sha256 7a37a24b/m);
          assert.match(run.stdout, /^Endpoint tests: 44 of 44 pass\.$/m);
          assert.match(run.stdout, /^Model changes 2025-08-21 → 2026-04-08 \(\d+ changes\)$/m);
          assert.match(
            run.stdout,
            /^ {2}\+ Lifecycle\.DeleteAfterEvent \(LifecycleDeleteAfterEvent\)$/m,
          );
          assert.match(
            run.stdout,
            /^Summary 2025-08-21 → 2026-04-08: 9 operations added, 0 removed; \d+ changes in all, none breaking for callers\.$/m,
          );
          assert.doesNotMatch(run.stdout, /Needs a human/);
          assert.equal(
            await Deno.readTextFile(pinsFile),
            await Deno.readTextFile(new URL("codegen/model_pins.json", REPO)),
          );
          assert.deepEqual(
            await sameFiles(new URL("generated/", root), new URL("generated/", REPO)),
            [],
          );
        },
      );

      await t.step("again: nothing changed, exit 0", async () => {
        const run = await task(root, "model:update", "--from", file, ...pinArgs);
        assert.equal(run.code, 0, run.stdout + run.stderr);
        assert.match(run.stdout, /^Nothing changed\.$/m);
      });

      await t.step(
        "a breaking model from a URL: recorded, flagged for a human, exit 2",
        async () => {
          const ast = JSON.parse(await Deno.readTextFile(file));
          const service = ast.shapes["com.amazonaws.backup#CryoControllerUserManager"];
          service.traits["smithy.api#httpBearerAuth"] = {};
          const tests = service.traits["smithy.rules#endpointTests"].testCases;
          tests[0].expect.endpoint.url = "https://wrong.example.com";
          delete ast.shapes["com.amazonaws.backup#Lifecycle"].members.DeleteAfterEvent;
          ast.shapes["com.amazonaws.backup#CopyJob"].members.CopyJobId.traits ??= {};
          ast.shapes["com.amazonaws.backup#CopyJob"].members.CopyJobId
            .traits["smithy.api#required"] = {};
          // Served over HTTP, as a scheduled job fetches it: the URL is the pin's upstream URL.
          const body = JSON.stringify(ast);
          await using server = Deno.serve(
            { hostname: "127.0.0.1", port: 0, onListen() {} },
            () => new Response(body, { headers: { "content-type": "application/json" } }),
          );
          const url = `http://127.0.0.1:${server.addr.port}/backup-2026-06-01.json`;
          const run = await task(root, "model:update", "--from", url, "--date", "2026-06-01");
          assert.equal(run.code, 2, run.stdout + run.stderr);
          assert.match(run.stdout, /^Endpoint tests: 43 of 44 pass\.$/m);
          assert.match(
            run.stdout,
            /3 breaking for callers \(shape-removed, member-removed, member-required\)\.$/m,
          );
          const human = run.stdout.slice(run.stdout.indexOf("Needs a human (5):"));
          assert.match(human, /! unknown protocol or auth trait smithy\.api#httpBearerAuth on /);
          assert.match(human, /! endpoint test fails: /);
          assert.match(human, /! breaking: member removed Lifecycle\.DeleteAfterEvent/);
          assert.match(human, /! breaking: member required CopyJob\.CopyJobId/);
          assert.match(human, /! breaking: shape removed LifecycleDeleteAfterEvent/);
          const pins: PinList = JSON.parse(await Deno.readTextFile(pinsFile));
          assert.equal(pins.latest, "2026-06-01");
          assert.equal(pins.revisions.at(-1)!.url, url);
          assert.equal(
            pins.revisions.at(-1)!.sha256,
            await sha256Hex(new TextEncoder().encode(body)),
          );
        },
      );
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
);

Deno.test("the example workflow runs the routine as the README documents it", async () => {
  const workflow = await Deno.readTextFile(new URL("examples/model-update.yml", REPO));
  const tasks = JSON.parse(await Deno.readTextFile(new URL("deno.json", REPO))).tasks;
  assert.ok(tasks["model:update"], "deno.json has the model:update task");
  assert.match(workflow, /npx -y deno@2\.9\.6 task model:update --from "\$url" --date /);
  assert.match(workflow, /^on:\n {2}schedule:\n {4}- cron: /m);
  assert.match(workflow, /gh pr create --title "\$title" --body-file body\.md/);
});
