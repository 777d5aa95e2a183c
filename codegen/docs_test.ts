import assert from "node:assert/strict";
import { ts } from "ts-morph";
import { docsToText, toDocComment } from "./docs.ts";
import { LATEST_MODEL_DATE, loadModelSource, MODEL_PINS } from "./model_source.ts";
import { withModels } from "../testing/third_party.ts";

// ---------------------------------------------------------------- docsToText

const cases: [string, string, string][] = [
  ["plain text", "The ARN of the vault.", "The ARN of the vault."],
  ["paragraphs", "<p>One.</p><p>Two.</p>", "One.\n\nTwo."],
  [
    "whitespace and indentation collapse",
    "<p>The tag key. The key can't start with \n         <code>aws:</code>.</p>\n         <p>Length  \t 1.</p>\n",
    "The tag key. The key can't start with `aws:`.\n\nLength 1.",
  ],
  ["code", "<p>Use <code> 15 * ? * * *</code> here.</p>", "Use `15 * ? * * *` here."],
  ["code with a backtick", "<code>a`b</code>", "`` a`b ``"],
  ["empty code", "<p>x <code> </code>y</p>", "x y"],
  [
    "link",
    '<p>See <a href="https://docs.aws.amazon.com/x.html#y">Vault Lock</a> in the <i>Guide</i>.</p>',
    "See Vault Lock (https://docs.aws.amazon.com/x.html#y) in the Guide.",
  ],
  ["link whose text is its url", '<a href="https://a.b/c">https://a.b/c</a>', "https://a.b/c"],
  ["link without text", "<a href='https://a.b/?x=1&amp;y=2'></a>", "https://a.b/?x=1&y=2"],
  ["anchor without href", '<a name="x">here</a>', "here"],
  [
    "code in a link",
    '<a href="https://a.b">the <code>X</code> API</a>',
    "the `X` API (https://a.b)",
  ],
  [
    "bold and italic dropped",
    "<p><b>Bold</b>, <i>it</i>, <em>em</em>, <strong>s</strong></p>",
    "Bold, it, em, s",
  ],
  [
    "list",
    "<p>Values:</p>\n <ul>\n  <li>\n   <p>\n    <code>A</code> one</p>\n  </li>\n  <li><p>B</p></li>\n </ul>\n <p>After.</p>",
    "Values:\n\n- `A` one\n- B\n\nAfter.",
  ],
  [
    "nested lists",
    "<ul><li>a<ul><li>a1</li><li>a2<ul><li>deep</li></ul></li></ul></li><li>b</li></ul>",
    "- a\n  - a1\n  - a2\n    - deep\n- b",
  ],
  [
    "item with two paragraphs",
    "<ul><li><p>first</p><p>more</p></li><li>next</li></ul>",
    "- first\n\n  more\n- next",
  ],
  ["ordered list", "<ol><li>one</li><li>two</li></ol>", "1. one\n2. two"],
  ["line break", "<p>a<br>b<br/>c</p><ul><li>x<br>y</li></ul>", "a\nb\nc\n\n- x\n  y"],
  [
    "note and important",
    "<p>Intro.</p><note><p>Do not include sensitive data.</p></note><important><p>Careful.</p><p>Really.</p></important>",
    "Intro.\n\nNote: Do not include sensitive data.\n\nImportant: Careful.\n\nReally.",
  ],
  ["empty note", "<note> </note><p>x</p>", "x"],
  [
    "fullname",
    "<fullname>Backup</fullname>\n<p>Backup is a service.</p>",
    "Backup\n\nBackup is a service.",
  ],
  [
    "entities",
    "<p>a &amp; b &lt; c &gt; d &quot;e&quot; &#39;f&#x27; g&nbsp;h &mdash; &#128512;</p>",
    "a & b \\< c \\> d \"e\" 'f' g h — 😀",
  ],
  ["escaped tag text", "<p>&lt;p&gt;hi&lt;/p&gt;</p>", "\\<p\\>hi\\</p\\>"],
  ["entity text stays text", "<p>write &amp;lt; and &foo;</p>", "write \\&lt; and \\&foo;"],
  ["entities in code", "<code>&lt;name&gt; &amp;&amp; {x}</code>", "`<name> && {x}`"],
  ["bare ampersands", "<p>GET /x?a=1&State=COMPLETED</p>", "GET /x?a=1&State=COMPLETED"],
  ["braces escaped outside code", '<p>{ "a": 1 }</p>', '\\{ "a": 1 \\}'],
  ["comment close sequence", "<p>a */ b <b>*</b>/ c</p>", "a *\\/ b *\\/ c"],
  ["comment close in code", "<code>cron(0 */2 * * ? *)</code>", "`cron(0 *\\/2 * * ? *)`"],
  [
    "tags at word start",
    "<p>@param x, {@link Foo}, (@see)</p>",
    "\\@param x, \\{\\@link Foo\\}, (\\@see)",
  ],
  [
    "at inside a word",
    "<p>user@example.com and <code>+\\-@]</code></p>",
    "user@example.com and `+\\-@]`",
  ],
  ["at in code", "<code>@deprecated</code> <code>a @b</code>", "`@deprecated` `a \\@b`"],
  ["stray less-than", "<p>a < b and 3<4</p>", "a \\< b and 3\\<4"],
  ["unclosed tags", "<p>unclosed <code>x y", "unclosed `x y`"],
  ["stray close tags", "</p>a</li></ul></code>b", "a\n\nb"],
  ["comments and scripts", "a<!-- hidden -->b<script>alert(1)</script>c<!-- open", "abc"],
  [
    "uppercase tags and attributes",
    '<P CLASS="x">A <A HREF="https://u">l</A></P>',
    "A l (https://u)",
  ],
  ["only tags", "<p> </p><ul><li></li></ul>", ""],
  ["empty", "", ""],
];

for (const [name, html, want] of cases) {
  Deno.test(`docsToText: ${name}`, () => assert.equal(docsToText(html), want));
}

// ---------------------------------------------------------------- toDocComment

Deno.test("toDocComment: empty and one-line forms", () => {
  assert.equal(toDocComment(""), "");
  assert.equal(toDocComment("\n \n"), "");
  assert.equal(toDocComment("The ARN."), "/** The ARN. */");
  assert.equal(toDocComment("The ARN.", "    "), "    /** The ARN. */");
  assert.equal(toDocComment("a\n\nb", "  "), "  /**\n   * a\n   *\n   * b\n   */");
  // 93 characters fit on one line with no indent; 94 do not.
  assert.equal(toDocComment("x".repeat(93)).length, 100);
  assert.ok(toDocComment("x".repeat(94)).startsWith("/**\n"));
});

Deno.test("toDocComment: wraps at word boundaries within 100 columns", () => {
  const text = Array.from({ length: 120 }, (_, i) => `word${i}`).join(" ");
  for (const indent of ["", "  ", "      "]) {
    const c = toDocComment(text, indent);
    const lines = c.split("\n");
    for (const l of lines) assert.ok(l.length <= 100, l);
    for (const [i, l] of lines.slice(1, -1).entries()) {
      assert.ok(l.startsWith(indent + " * "));
      if (i == lines.length - 3) break;
      // Nothing more would have fitted.
      assert.ok(l.length > 100 - 9, l);
    }
    const back = lines.slice(1, -1).map((l) => l.slice(indent.length + 3)).join(" ");
    assert.equal(back, text);
  }
});

Deno.test("toDocComment: does not break inside a code span when avoidable", () => {
  const text = "x".repeat(80) + " see `a b c d e f g` here";
  const c = toDocComment(text);
  assert.ok(c.includes(" * `a b c d e f g` here"), c);
  // A code span longer than a line is broken at its spaces.
  const long = "`" + Array.from({ length: 30 }, (_, i) => `PART_${i}`).join(" | ") + "`";
  for (const l of toDocComment(long).split("\n")) assert.ok(l.length <= 100, l);
});

Deno.test("toDocComment: an unbreakable word stays whole", () => {
  const url = "https://docs.aws.amazon.com/" + "x".repeat(120);
  const c = toDocComment(`see (${url}) now`);
  assert.ok(c.split("\n").includes(` * (${url})`), c);
});

Deno.test("toDocComment: list items get a hanging indent", () => {
  const text = "Intro.\n\n- " + "alpha ".repeat(30).trim() + "\n  - " + "beta ".repeat(30).trim() +
    "\n12. " + "gamma ".repeat(30).trim();
  const lines = toDocComment(text).split("\n").slice(1, -1).map((l) => l.slice(3));
  assert.deepEqual(lines.slice(0, 2), ["Intro.", ""]);
  assert.match(lines[2], /^- alpha/);
  assert.match(lines[3], /^ {2}alpha/);
  const beta = lines.findIndex((l) => l.startsWith("  - beta"));
  assert.match(lines[beta + 1], /^ {4}beta/);
  const gamma = lines.findIndex((l) => l.startsWith("12. gamma"));
  assert.match(lines[gamma + 1], /^ {4}gamma/);
});

Deno.test("toDocComment: no line starts with something Markdown reads as a block", () => {
  const text = "y".repeat(95) + " - b " + "z".repeat(94) + " 1. c " + "w".repeat(95) + " # d";
  const lines = toDocComment(text).split("\n").slice(1, -1).map((l) => l.slice(3));
  for (const l of lines) assert.doesNotMatch(l, /^(?:[-+*#>]|\d+[.)]) /, l);
});

Deno.test("toDocComment: escapes the comment terminator", () => {
  const c = toDocComment("a */ b\n\n" + "c".repeat(200) + "*/");
  assert.equal(c.indexOf("*/"), c.length - 2);
});

// ---------------------------------------------------------------- whole model

interface Doc {
  where: string;
  html: string;
}

function collectDocs(node: unknown, where: string, out: Doc[]): Doc[] {
  if (Array.isArray(node)) node.forEach((v, i) => collectDocs(v, `${where}[${i}]`, out));
  else if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      if (k === "smithy.api#documentation" && typeof v === "string") out.push({ where, html: v });
      else collectDocs(v, `${where}.${k}`, out);
    }
  }
  return out;
}

/** The words of the HTML's text, in order, as a reader would see them. */
function htmlWords(html: string): string[] {
  const text = html
    .replace(/<\/?(?:code|i|b|em|strong|span)\b[^>]*>/gi, "")
    .replace(/<[^>]*>/g, " ")
    .replace(
      /&(?:amp|lt|gt|quot|nbsp|#39);/g,
      (e) =>
        ({ "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&nbsp;": " ", "&#39;": "'" })[
          e
        ]!,
    );
  return text.split(/\s+/).filter(Boolean);
}

/** Removes the escapes and markup docsToText adds, for comparing words. */
function plain(text: string): string {
  return text.replace(/`/g, "").replace(/\\([@<>{}&/])/g, "$1").replace(/\s+/g, " ");
}

function checkDoc({ where, html }: Doc): void {
  const text = docsToText(html);
  const hasText = htmlWords(html).length > 0;
  assert.equal(text.length > 0, hasText, where);
  assert.ok(!text.includes("*/"), `${where}: */`);
  assert.doesNotMatch(text, /<\/?[a-zA-Z]/, `${where}: tag left`);
  assert.doesNotMatch(text, /&(?:#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);/i, `${where}: entity left`);
  assert.doesNotMatch(text, /\n{3}|[ \t]\n|\s$|^\s/, `${where}: stray whitespace`);
  assert.doesNotMatch(text, /(?<![^\s{(\['"])@/, `${where}: unescaped tag`);
  assert.equal(docsToText(html), text, `${where}: not deterministic`);

  // No word of the source is lost or reordered.
  const flat = plain(text);
  let at = 0;
  for (const w of htmlWords(html)) {
    const i = flat.indexOf(w, at);
    assert.ok(i >= 0, `${where}: lost "${w}" in ${JSON.stringify(text)}`);
    at = i + w.length;
  }

  const comment = toDocComment(text, "  ");
  if (!hasText) return assert.equal(comment, "");
  assert.equal(comment.indexOf("*/"), comment.length - 2, `${where}: */ inside the comment`);
  const lines = comment.split("\n");
  assert.ok(lines[0].startsWith("  /**"));
  for (const l of lines.slice(1, -1)) {
    assert.ok(l === "   *" || l.startsWith("   * "), `${where}: ${l}`);
    // Over-long lines are only allowed for a single unbreakable word.
    if (l.length > 100) assert.match(l.trim(), /^\*\s+\S+$/, `${where}: ${l.length} > 100: ${l}`);
    assert.doesNotMatch(l, /\s$/, `${where}: trailing space`);
  }
}

withModels.test("every documentation string of the newest model converts safely", async () => {
  const source = await loadModelSource(LATEST_MODEL_DATE);
  assert.equal(source.date, "2026-04-08");
  const docs = collectDocs(JSON.parse(source.text), "model", []);
  assert.ok(docs.length > 1000, `only ${docs.length} documentation strings`);
  for (const doc of docs) checkDoc(doc);
  assertTypeScriptReadsComments(docs);
});

/**
 * Puts every comment above a member of an interface and parses it with TypeScript. Returns,
 * per comment, the JSDoc tags TypeScript sees, or null when the comment did not come out as
 * exactly one JSDoc block on its own member (for example because it ended early).
 */
function typeScriptTags(comments: string[]): (string[] | null)[] {
  const body = comments.map((c, i) => `${c}\n  x${i}: number;`).join("\n");
  const source = `interface X {\n${body}\n}\n`;
  const file = ts.createSourceFile("x.ts", source, ts.ScriptTarget.Latest, true);
  const decl = file.statements[0];
  if (file.statements.length !== 1 || !ts.isInterfaceDeclaration(decl)) {
    return comments.map(() => null);
  }
  if (decl.members.length !== comments.length) return comments.map(() => null);
  return decl.members.map((m, i) =>
    ts.getJSDocCommentsAndTags(m).length === (comments[i] ? 1 : 0)
      ? ts.getJSDocTags(m).map((t) => t.tagName.text)
      : null
  );
}

function assertTypeScriptReadsComments(docs: Doc[]): void {
  const tags = typeScriptTags(docs.map((d) => toDocComment(docsToText(d.html), "  ")));
  for (const [i, t] of tags.entries()) assert.deepEqual(t, [], docs[i].where);
}

Deno.test("TypeScript reads the comments whole and finds no tags in them", () => {
  const html =
    "<p>Runs <code>cron(0 */2 * * ? *)</code>.</p><p>@deprecated since 2024, @see\nx</p>";
  const comment = toDocComment(docsToText(html), "  ");
  assert.deepEqual(typeScriptTags([comment, "  /** plain */"]), [[], []]);
  // The check can fail: without the escapes TypeScript ends the comment early or sees tags.
  assert.deepEqual(typeScriptTags([comment.replace("*\\/", "*/")]), [null]);
  assert.deepEqual(typeScriptTags([comment.replace("\\@dep", "@dep")]), [["deprecated"]]);
});

withModels.test("every documentation string of every pinned model converts safely", async () => {
  const seen = new Set<string>();
  for (const pin of MODEL_PINS) {
    const source = await loadModelSource(pin.date);
    for (const doc of collectDocs(JSON.parse(source.text), pin.date, [])) {
      if (seen.has(doc.html)) continue;
      seen.add(doc.html);
      checkDoc(doc);
    }
  }
  assert.ok(seen.size > 1000);
});
