/**
 * The documentation as tests and `bench/` read it: README.md and every docs/*.md. A test that
 * checks what the docs show (an example verbatim, a recipe, a command) looks in all of them, so
 * a section can move between files without the test losing its hold on it. Also the link rules
 * the docs follow: relative links resolve to a file of the checkout, and `#anchors` to a heading
 * of their file, by GitHub's anchor rules.
 *
 * @module
 */

/** The checkout's root. */
export const DOCS_ROOT: URL = new URL("../", import.meta.url);

/** One documentation file. */
export interface Doc {
  /** Path from the checkout's root: `README.md`, `docs/api.md`. */
  path: string;
  text: string;
}

/** README.md first, then docs/*.md by name. */
export async function readDocs(root: URL = DOCS_ROOT): Promise<Doc[]> {
  const paths = ["README.md"];
  const inDocs: string[] = [];
  for await (const entry of Deno.readDir(new URL("docs/", root))) {
    if (entry.isFile && entry.name.endsWith(".md")) inDocs.push(`docs/${entry.name}`);
  }
  paths.push(...inDocs.sort());
  return await Promise.all(
    paths.map(async (path) => ({ path, text: await Deno.readTextFile(new URL(path, root)) })),
  );
}

/** The paths of the docs whose text includes `text`. */
export function docsShowing(docs: readonly Doc[], text: string): string[] {
  return docs.filter((doc) => doc.text.includes(text)).map((doc) => doc.path);
}

/**
 * The section under the heading whose text is `heading` (any level): from the heading to the
 * next heading of the same or a higher level, or the end of its file.
 *
 * @throws {Error} when no doc, or more than one, has that heading.
 */
export function section(docs: readonly Doc[], heading: string): Doc {
  const found: Doc[] = [];
  for (const doc of docs) {
    const lines = doc.text.split("\n");
    const headings = headingLines(lines);
    const start = headings.findIndex((h) => h.text === heading);
    if (start === -1) continue;
    const { line, level } = headings[start];
    const end = headings.slice(start + 1).find((h) => h.level <= level)?.line ?? lines.length;
    found.push({ path: doc.path, text: lines.slice(line, end).join("\n") });
  }
  if (found.length !== 1) {
    throw new Error(`${found.length} docs have the heading "${heading}", not 1`);
  }
  return found[0];
}

/** Headings outside fenced code: 0-based line, level, text. */
function headingLines(lines: readonly string[]): { line: number; level: number; text: string }[] {
  const out: { line: number; level: number; text: string }[] = [];
  let fence = false;
  lines.forEach((line, index) => {
    if (/^\s*```/.test(line)) fence = !fence;
    const match = fence ? null : /^(#{1,6}) (.+?)\s*#*\s*$/.exec(line);
    if (match) out.push({ line: index, level: match[1].length, text: match[2] });
  });
  return out;
}

/** `text` without its fenced code blocks (each line blanked, so line numbers hold). */
function withoutFences(text: string): string {
  let fence = false;
  return text.split("\n").map((line) => {
    const isFence = /^\s*```/.test(line);
    if (isFence) fence = !fence;
    return fence || isFence ? "" : line;
  }).join("\n");
}

/**
 * The anchor GitHub gives a heading: its text as rendered (code spans and links reduced to their
 * text), lower-cased, every character but letters, digits, `_`, `-` and spaces dropped, each
 * space a `-`.
 */
export function githubAnchor(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replaceAll("`", "")
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
    .replaceAll(" ", "-");
}

/** The anchors of a document's headings; a repeated one gets `-1`, `-2`, … as on GitHub. */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { text } of headingLines(markdown.split("\n"))) {
    const base = githubAnchor(text);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** The targets of a document's inline links `[text](target)`, outside code. */
export function linksOf(markdown: string): string[] {
  const prose = withoutFences(markdown).replace(/`[^`]*`/g, "``").replace(/\s*\n\s*/g, " ");
  return [...prose.matchAll(/\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)]
    .map((match) => match[1]);
}

/**
 * Every relative link of `docs` that does not resolve: a file or folder that does not exist, or
 * an `#anchor` no heading of its Markdown file has. Links to other schemes (`https:`) are not
 * followed. Each problem names the doc, the link and what is wrong.
 *
 * @param exists whether a path from the checkout's root names a file or folder.
 * @param readMarkdown the text of a Markdown file that is not one of `docs`.
 */
export async function brokenLinks(
  docs: readonly Doc[],
  exists: (path: string) => Promise<boolean>,
  readMarkdown: (path: string) => Promise<string>,
): Promise<string[]> {
  const problems: string[] = [];
  const texts = new Map(docs.map((doc) => [doc.path, doc.text]));
  for (const doc of docs) {
    for (const link of linksOf(doc.text)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue;
      const [target, anchor] = link.split("#", 2) as [string, string | undefined];
      const path = target === "" ? doc.path : resolve(doc.path, decodeURI(target));
      if (path === undefined) {
        problems.push(`${doc.path}: ${link} points outside the checkout`);
        continue;
      }
      if (!texts.has(path) && !await exists(path)) {
        problems.push(`${doc.path}: ${link}: no file ${path}`);
        continue;
      }
      if (anchor === undefined) continue;
      if (!path.endsWith(".md")) {
        problems.push(`${doc.path}: ${link}: an anchor in a file that is not Markdown`);
        continue;
      }
      const text = texts.get(path) ?? await readMarkdown(path);
      if (!anchorsOf(text).has(anchor)) {
        problems.push(`${doc.path}: ${link}: ${path} has no heading with the anchor #${anchor}`);
      }
    }
  }
  return problems;
}

/** `target` relative to the folder of `from`, as a path from the root; undefined above it. */
function resolve(from: string, target: string): string | undefined {
  const parts = from.split("/").slice(0, -1);
  for (const part of target.split("/")) {
    if (part === "..") {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else if (part !== "." && part !== "") parts.push(part);
  }
  return parts.join("/") + (target.endsWith("/") && parts.length ? "/" : "");
}

/** The block `npx -y deno@2.9.6 task bench --readme` rewrites, between its markers. */
const BENCH_BLOCK = /(<!-- bench:begin[^>]*-->\n)[\s\S]*?(<!-- bench:end -->)/;

/**
 * The doc that holds the bench block (README.md or one of docs/*.md), with `report` in place of
 * the block's content.
 *
 * @throws {Error} when no doc, or more than one, has the `bench:begin` / `bench:end` markers.
 */
export function withBenchReport(docs: readonly Doc[], report: string): Doc {
  const holders = docs.filter((doc) => BENCH_BLOCK.test(doc.text));
  if (holders.length !== 1) {
    throw new Error(
      `${holders.length} of README.md and docs/*.md have the bench:begin / bench:end markers, ` +
        "not 1",
    );
  }
  const [{ path, text }] = holders;
  return { path, text: text.replace(BENCH_BLOCK, (_, begin, end) => `${begin}${report}\n${end}`) };
}
