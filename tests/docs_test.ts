/**
 * The documentation, README.md and docs/*.md: every relative link names a file of the checkout,
 * every `#anchor` a heading of its file (GitHub's anchor rules), every docs/*.md is reachable
 * from the README; and the one block `task bench --readme` rewrites is where it can find it.
 */

import assert from "node:assert/strict";
import {
  anchorsOf,
  brokenLinks,
  DOCS_ROOT,
  githubAnchor,
  linksOf,
  readDocs,
  section,
  withBenchReport,
} from "../testing/docs.ts";

const exists = (path: string) => Deno.stat(new URL(path, DOCS_ROOT)).then(() => true, () => false);
const readMarkdown = (path: string) => Deno.readTextFile(new URL(path, DOCS_ROOT));

Deno.test("README.md and docs/*.md: every relative link and #anchor resolves", async () => {
  const docs = await readDocs();
  assert.ok(docs.length > 5, `docs read: ${docs.map((doc) => doc.path)}`);
  const links = docs.flatMap((doc) => linksOf(doc.text));
  assert.ok(links.filter((link) => link.includes("#")).length >= 10, "anchors are checked");
  assert.deepEqual(await brokenLinks(docs, exists, readMarkdown), []);
});

Deno.test("every docs/*.md is linked from the README", async () => {
  const docs = await readDocs();
  const fromReadme = new Set(linksOf(docs[0].text).map((link) => link.split("#")[0]));
  for (const { path } of docs.slice(1)) assert.ok(fromReadme.has(path), `README links ${path}`);
});

Deno.test("GitHub's anchor rules: lower case, punctuation dropped, each space a '-'", () => {
  const cases: Record<string, string> = {
    "Try it (needs only Node and npm)": "try-it-needs-only-node-and-npm",
    "AWS's copy rules, as the copier follows them": "awss-copy-rules-as-the-copier-follows-them",
    'What "exactly once" rests on, and its limits': "what-exactly-once-rests-on-and-its-limits",
    "Try it locally: the emulator as AWS Backup and EventBridge":
      "try-it-locally-the-emulator-as-aws-backup-and-eventbridge",
    "npm (Node, Bun, Cloudflare Workers, bundlers)": "npm-node-bun-cloudflare-workers-bundlers",
    "The `copy` command — one job": "the-copy-command--one-job",
    "snake_case and [a link](x.md)": "snake_case-and-a-link",
  };
  for (const [heading, anchor] of Object.entries(cases)) {
    assert.equal(githubAnchor(heading), anchor, heading);
  }
  // A repeated heading gets -1; a "# comment" in a code block is no heading.
  assert.deepEqual(
    [...anchorsOf("# A\n\n## A\n\n```sh\n# B\n```\n")],
    ["a", "a-1"],
  );
});

Deno.test("the link check finds what is broken: a missing file, a missing anchor, one outside", async () => {
  const docs = [
    { path: "README.md", text: "# Top\n\n[ok](#top), [gone](#nope), [file](docs/a.md#there)\n" },
    {
      path: "docs/a.md",
      text: "# There\n\n[up](../README.md#top) [no](../NOPE.md) [out](../../x.md)\n" +
        "`[code](#not-a-link)`\n\n```md\n[fenced](#not-a-link)\n```\n",
    },
  ];
  assert.deepEqual(await brokenLinks(docs, () => Promise.resolve(false), readMarkdown), [
    "README.md: #nope: README.md has no heading with the anchor #nope",
    "docs/a.md: ../NOPE.md: no file NOPE.md",
    "docs/a.md: ../../x.md points outside the checkout",
  ]);
});

Deno.test("section(): from a heading to the next of its level, in the one doc that has it", () => {
  const docs = [
    { path: "README.md", text: "# R\n\n## One\n\na\n\n### Sub\n\nb\n\n## Two\n\nc\n" },
    { path: "docs/x.md", text: "# X\n\n## Three\n\nd\n" },
  ];
  assert.deepEqual(section(docs, "One"), {
    path: "README.md",
    text: "## One\n\na\n\n### Sub\n\nb\n",
  });
  assert.equal(section(docs, "Three").text, "## Three\n\nd\n");
  assert.throws(() => section(docs, "Four"), /0 docs have the heading "Four"/);
});

Deno.test("task bench --readme finds its block in exactly one doc, and rewrites only the block", async () => {
  const docs = await readDocs();
  const rewritten = withBenchReport(docs, "NEW REPORT");
  assert.equal(rewritten.path, "docs/development.md");
  const before = docs.find((doc) => doc.path === rewritten.path)!.text;
  const [head, tail] = [before.split("<!-- bench:begin")[0], before.split("<!-- bench:end -->")[1]];
  assert.ok(rewritten.text.startsWith(head) && rewritten.text.endsWith(tail));
  assert.match(rewritten.text, /<!-- bench:begin[^>]*-->\nNEW REPORT\n<!-- bench:end -->/);
  const marked = "<!-- bench:begin -->\nold\n<!-- bench:end -->\n";
  assert.throws(
    () =>
      withBenchReport(
        [{ path: "README.md", text: marked }, { path: "docs/x.md", text: marked }],
        "",
      ),
    /2 of README.md and docs\/\*\.md have the bench:begin/,
  );
  assert.throws(() => withBenchReport([{ path: "README.md", text: "" }], ""), /^Error: 0 of/);
});
