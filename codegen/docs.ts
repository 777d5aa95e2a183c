/**
 * Turns the HTML of Smithy `documentation` traits into plain text for TSDoc comments, and
 * wraps text as a `/** … *\/` block.
 *
 * The text is Markdown-friendly: paragraphs are separated by a blank line, list items start
 * with `- ` (or `1. ` in ordered lists) and nest by indentation, `<code>` becomes a code span,
 * links read `text (url)`, `<note>`/`<important>` paragraphs start with `Note: `/`Important: `
 * and other inline tags are dropped with their text kept. It is safe inside a doc comment:
 * `*\/` is written `*\\/`; an `@` after whitespace, `{`, `(`, `[` or a quote is written `\\@`
 * (inside code spans too, where the backslash then shows); outside code spans `<`, `>`, `{`,
 * `}` and entity-like `&name;` text are backslash-escaped.
 *
 * @module
 */

import { LINE_WIDTH } from "./project.ts";

/** Named character references that documentation uses; others are kept as escaped text. */
const ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
  ensp: " ",
  emsp: " ",
  thinsp: " ",
  ndash: "–",
  mdash: "—",
  hellip: "…",
  lsquo: "‘",
  rsquo: "’",
  sbquo: "‚",
  ldquo: "“",
  rdquo: "”",
  bdquo: "„",
  laquo: "«",
  raquo: "»",
  bull: "•",
  middot: "·",
  copy: "©",
  reg: "®",
  trade: "™",
  deg: "°",
  plusmn: "±",
  times: "×",
  divide: "÷",
  le: "≤",
  ge: "≥",
  ne: "≠",
  larr: "←",
  rarr: "→",
  uarr: "↑",
  darr: "↓",
  harr: "↔",
  sect: "§",
  para: "¶",
  euro: "€",
  cent: "¢",
  pound: "£",
  yen: "¥",
  micro: "µ",
  shy: "",
  zwsp: "",
  zwj: "",
  zwnj: "",
};

const ENTITY = /&(?:#(\d+)|#[xX]([0-9a-fA-F]+)|([a-zA-Z][a-zA-Z0-9]*));/g;

/** Tags that start and end a paragraph of their own. */
const BLOCK_TAGS = new Set([
  "p",
  "div",
  "fullname",
  "note",
  "important",
  "section",
  "article",
  "blockquote",
  "pre",
  "dl",
  "dt",
  "dd",
  "table",
  "tr",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "hr",
]);

/** Tags whose content is dropped entirely. */
const DROP_TAGS = new Set(["script", "style", "head", "title"]);

/** Decodes character references; unknown names stay as they are. */
function decodeEntities(s: string): string {
  return s.replace(ENTITY, (m, dec?: string, hex?: string, name?: string) => {
    if (name) return Object.hasOwn(ENTITIES, name) ? ENTITIES[name] : m;
    const cp = dec ? Number(dec) : parseInt(hex!, 16);
    const ok = cp > 0 && cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff);
    return ok ? String.fromCodePoint(cp) : "\uFFFD";
  });
}

/** Escapes text that is outside code spans so Markdown/TSDoc read it literally. */
function escapeText(s: string): string {
  return s
    .replace(ENTITY, "\\$&")
    .replace(/[<>{}]/g, "\\$&");
}

/** Wraps code in a code span, with a longer fence when the code holds backticks. */
function codeSpan(code: string): string {
  if (!code) return "";
  let fence = "`";
  while (code.includes(fence)) fence += "`";
  const pad = fence.length > 1 || code.startsWith("`") || code.endsWith("`") ? " " : "";
  return fence + pad + code + pad + fence;
}

const collapse = (s: string): string => s.replace(/\s+/g, " ").trim();

/** One paragraph or list item of the output, before wrapping. */
interface Block {
  text: string;
  /** Prefix of its first line: indentation plus a list marker, if any. */
  first: string;
  /** Prefix of its other lines. */
  rest: string;
  /** Joined to the previous block by a single newline (list items of one list). */
  tight: boolean;
}

/** Marks a hard line break (`<br>`) until blocks are laid out. */
const BR = "\u0000";

/**
 * Converts a documentation trait's HTML into readable plain text for a doc comment.
 * Deterministic; never throws on malformed HTML (unknown tags are dropped, text is kept).
 */
export function docsToText(html: string): string {
  const blocks: Block[] = [];
  let buf = "";
  let label = "";
  let codeDepth = 0;
  let codeStart = 0;
  let drop = 0;
  let runInList = false;
  const links: { href: string; start: number }[] = [];
  const lists: { ordered: boolean; n: number }[] = [];
  /** Continuation indent of each open list item, innermost last. */
  const items: string[] = [];
  let marker: string | null = null;

  const flush = () => {
    if (codeDepth) closeCode();
    const text = buf.split(BR).map(collapse).filter(Boolean).join(BR);
    buf = "";
    for (const l of links) l.start = 0;
    if (!text) return;
    const cont = items.at(-1) ?? "";
    const first = marker ?? cont;
    blocks.push({ text: label + text, first, rest: cont, tight: marker !== null && runInList });
    label = "";
    marker = null;
    runInList = lists.length > 0;
  };

  const closeCode = () => {
    const code = collapse(buf.slice(codeStart).replaceAll(BR, " "));
    buf = buf.slice(0, codeStart) + codeSpan(code);
    codeDepth = 0;
  };

  const re =
    /<!--[\s\S]*?(?:-->|$)|<(\/?)([a-zA-Z][a-zA-Z0-9:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>|[^<]+|</g;
  for (const m of html.replaceAll(BR, "").matchAll(re)) {
    const [token, close, rawName, attrs] = m;
    if (token.startsWith("<!--")) continue;
    if (rawName === undefined) {
      if (drop) continue;
      const text = decodeEntities(token);
      buf += codeDepth ? text : escapeText(text);
      continue;
    }
    const name = rawName.toLowerCase();
    if (DROP_TAGS.has(name)) {
      if (!attrs.endsWith("/")) drop = Math.max(0, drop + (close ? -1 : 1));
      continue;
    }
    if (drop) continue;
    if (name === "br") {
      buf += BR;
    } else if (name === "code" || name === "tt" || name === "kbd" || name === "samp") {
      if (!close) {
        if (codeDepth++ === 0) codeStart = buf.length;
      } else if (codeDepth && --codeDepth === 0) {
        codeDepth = 1;
        closeCode();
      }
    } else if (name === "a") {
      if (!close) {
        const href = /\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/i.exec(attrs);
        links.push({
          href: collapse(decodeEntities(href?.[1] ?? href?.[2] ?? href?.[3] ?? "")),
          start: buf.length,
        });
      } else {
        const link = links.pop();
        if (
          link && link.href && !/^(?:#|javascript:)/i.test(link.href) && link.start <= buf.length
        ) {
          const text = collapse(buf.slice(link.start).replaceAll(BR, " "));
          if (!text) buf += escapeText(link.href);
          else if (text !== escapeText(link.href)) buf += " (" + escapeText(link.href) + ")";
        }
      }
    } else if (name === "ul" || name === "ol") {
      flush();
      if (!close) lists.push({ ordered: name === "ol", n: 0 });
      else {
        lists.pop();
        if (!lists.length) runInList = false;
      }
    } else if (name === "li") {
      flush();
      if (!close) {
        const list = lists.at(-1);
        const base = items.at(-1) ?? "";
        const mark = list?.ordered ? `${++list.n}. ` : "- ";
        marker = base + mark;
        items.push(base + " ".repeat(mark.length));
      } else {
        items.pop();
        marker = null;
      }
    } else if (BLOCK_TAGS.has(name)) {
      flush();
      // An admonition's first paragraph is labelled; an empty one leaves no label behind.
      if (name === "note" || name === "important") {
        label = close ? "" : name === "note" ? "Note: " : "Important: ";
      }
    }
    // Other tags (b, i, em, strong, span, …) are dropped and their text kept.
  }
  flush();

  let out = "";
  for (const [i, b] of blocks.entries()) {
    if (i) out += b.tight ? "\n" : "\n\n";
    out += b.first + b.text.split(BR).join("\n" + b.rest);
  }
  return out
    .replace(/\*\//g, "*\\/")
    .replace(/(?<![^\s{(\['"])@/g, "\\@");
}

const MARKER_LIKE = /^(?:[-+*]|#{1,6}|>|\d+[.)]|=+)$/;

/** Splits a line into words; a code span (with spaces inside) stays one word. */
function words(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/(?:(`+)[\s\S]*?\1|[^\s`]+|`+)+/g)) out.push(m[0]);
  return out;
}

/**
 * Wraps text as a JSDoc block: lines are at most {@linkcode LINE_WIDTH} characters including
 * `indent`, broken at spaces, never inside a code span unless the span alone is too long; a word
 * longer than a line (a URL) stays whole. List items keep a hanging indent. `*\/` is escaped. Empty text
 * gives an empty string; one short line gives `/** text *\/`.
 */
export function toDocComment(text: string, indent = ""): string {
  const width = LINE_WIDTH - indent.length - 3;
  const safe = text.replace(/\*\//g, "*\\/").replace(/[ \t]+$/gm, "");
  const lines: string[] = [];
  for (const line of safe.replace(/^\n+|\s+$/g, "").split("\n")) {
    const lead = /^(\s*)((?:[-*+]|\d+[.)])\s+)?/.exec(line)!;
    const hang = lead[1] + " ".repeat(lead[2]?.length ?? 0);
    let cur = lead[0];
    let empty = true;
    const ws: string[] = [];
    for (const w of words(line.slice(lead[0].length))) {
      const parts = w.length > width - hang.length && w.includes(" ") ? w.split(/ +/) : [w];
      for (const part of parts) {
        // A word that would read as a list marker, heading or quote at the start of a line
        // stays with the word before it.
        if (ws.length && MARKER_LIKE.test(part)) ws[ws.length - 1] += " " + part;
        else ws.push(part);
      }
    }
    for (const w of ws) {
      if (!empty && cur.length + 1 + w.length > width) {
        lines.push(cur);
        cur = hang + w;
      } else {
        cur += (empty ? "" : " ") + w;
      }
      empty = false;
    }
    lines.push(cur);
  }
  if (lines.length === 1 && !lines[0]) return "";
  if (lines.length === 1 && lines[0].length <= width - 4) return `${indent}/** ${lines[0]} */`;
  return [
    `${indent}/**`,
    ...lines.map((l) => (l ? `${indent} * ${l}` : `${indent} *`)),
    `${indent} */`,
  ].join("\n");
}
