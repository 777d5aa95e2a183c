// URI labels: validation refuses exactly the values a WHATWG URL parser would move (a label that
// is `.` or `..`, a greedy label with such a segment) and nothing else. Checked with `new URL()`
// over a seeded fuzz of label values (FUZZ_SEED replays another) near dot segments — `./x`,
// `..%2e`, `a/../b`, `\..` — first on the runtime's rules and encoder, then end to end: what a
// client accepts reaches fetch with its path unmoved and decodes back to the value; what it
// refuses is a ValidationError naming the member, with nothing sent.

import assert from "node:assert/strict";
import { BackupClient, deleteBackupSelection } from "../mod.ts";
import type { ValidationIssue } from "../runtime/errors.ts";
import { checkGreedyLabel, checkLabel } from "../runtime/http_binding_checks.ts";
import { encodeLabel } from "../runtime/serde.ts";
import { testWithRestJson1Client } from "./support/protocol_client.ts";
import { Random } from "./support/schema_values.ts";

const SEED = Number(Deno.env.get("FUZZ_SEED") ?? 20261130);
console.log(`label paths: seed ${SEED} (FUZZ_SEED=<n> replays another)`);

const PIECES = [".", ".", "..", "/", "%2e", "%2E", "%2f", "%", "e", "x", "\\", "*", "?", "#", "\t"];
/** Hand-picked values, then random ones made of pieces near dot segments. */
function labelValues(random: Random, n: number): string[] {
  const values = [".", "..", "./x", "../", "./*", ".%2e", "%2e", "%2E%2e", "a/./b", "a/%2e%2e/b"];
  values.push("\\..", "..\\", ". .", ".\t.", "...", "/", "//", "./", "/.", "a/..", "..?", ".#");
  while (values.length < n) {
    let v = "";
    for (let i = random.int(1, 6); i > 0; i--) v += random.pick(PIECES);
    values.push(v);
  }
  return values;
}

/** Does the path `prefix + label + "/end"` survive URL parsing as it is? */
const unmoved = (encoded: string) => {
  const path = `/prefix/${encoded}/end`;
  return new URL(`https://example.com${path}`).pathname === path;
};

const refused = (check: typeof checkLabel, value: string) => {
  const issues: ValidationIssue[] = [];
  check(value, "M", issues);
  return issues.length > 0;
};

Deno.test("label rules refuse exactly what URL parsing would move (non-empty values)", () => {
  const values = labelValues(new Random(SEED), 5000);
  let moved = 0;
  for (const value of values) {
    for (const greedy of [false, true]) {
      const encoded = encodeLabel(value, greedy);
      const check = greedy ? checkGreedyLabel : checkLabel;
      if (!unmoved(encoded)) moved++;
      assert.equal(
        refused(check, value),
        !unmoved(encoded),
        `${greedy ? "greedy" : "non-greedy"} label ${JSON.stringify(value)} -> ${encoded}`,
      );
    }
  }
  // The fuzz reached both sides of the rule.
  assert.ok(moved > 100 && moved < values.length, `${moved} moved`);
  // The empty label is refused too: the path would lose a segment's worth of meaning.
  assert.ok(refused(checkLabel, "") && refused(checkGreedyLabel, ""));
});

const credentials = { accessKeyId: "AKIDLABEL", secretAccessKey: "label" };
const isValidationError = (e: unknown): e is { issues: { path: string }[] } =>
  e instanceof Error && e.name === "ValidationError";

/**
 * Calls `call(value)` for each value through a client whose fetch records URLs; asserts that an
 * accepted value arrives unmoved and decodes back, a refused one names `member`, and that the
 * client refused exactly the values the rule says would move.
 */
async function endToEnd(
  values: string[],
  greedy: boolean,
  member: string,
  call: (fetch: (url: string) => Promise<Response>, value: string) => Promise<unknown>,
  labelOf: (pathname: string) => string,
) {
  let sent = 0;
  for (const value of values) {
    const urls: string[] = [];
    const fetch = (url: string) => {
      urls.push(url);
      return Promise.resolve(new Response("{}"));
    };
    const outcome = await call(fetch, value).then(() => undefined, (e) => e);
    const expectRefusal = !unmoved(encodeLabel(value, greedy));
    if (expectRefusal) {
      assert.ok(isValidationError(outcome), `${JSON.stringify(value)}: ${outcome}`);
      assert.deepEqual(outcome.issues.map((i) => i.path), [member]);
      assert.equal(urls.length, 0);
      continue;
    }
    assert.equal(outcome, undefined, `${JSON.stringify(value)}: ${outcome}`);
    assert.equal(urls.length, 1);
    const raw = new URL(urls[0]);
    // What fetch is given is what the URL parser keeps; the label decodes back to the value.
    assert.ok(urls[0].startsWith(raw.origin + raw.pathname), `${urls[0]} moved`);
    assert.equal(decodeURIComponent(labelOf(raw.pathname)), value);
    sent++;
  }
  assert.ok(sent > values.length / 2, `only ${sent} sent`);
}

Deno.test("AWS Backup: a non-greedy label is sent faithfully unless it is `.` or `..`", async () => {
  const values = labelValues(new Random(SEED + 1), 400).filter((v) => v !== "");
  await endToEnd(
    values,
    false,
    "SelectionId",
    (fetch, SelectionId) =>
      deleteBackupSelection(
        new BackupClient({ region: "us-east-1", credentials, maxAttempts: 1, fetch }),
        { BackupPlanId: "plan-1", SelectionId },
      ),
    (pathname) => pathname.slice("/backup/plans/plan-1/selections/".length),
  );
});

await testWithRestJson1Client(
  "restJson1: a greedy label is sent faithfully unless a segment is `.` or `..`",
  "label-paths",
  async (generated) => {
    const operation = generated.operations.get("HttpRequestWithGreedyLabelInPath")!;
    const values = labelValues(new Random(SEED + 2), 400).filter((v) => v !== "");
    const prefix = "/HttpRequestWithGreedyLabelInPath/foo/f/baz/";
    await endToEnd(
      values,
      true,
      "baz",
      (fetch, baz) =>
        operation(
          new generated.Client({
            region: "us-west-2",
            credentials,
            endpoint: "https://example.com",
            maxAttempts: 1,
            fetch,
          }),
          { foo: "f", baz },
        ),
      (pathname) => pathname.slice(prefix.length),
    );
  },
);
