/**
 * A live line on a terminal: one physical line, redrawn in place, with permanent lines printed
 * above it. Any CLI mode (copying, verifying, …) draws its own text through it.
 *
 * Why one physical line: a carriage return and "erase line" (`\r`, `ESC [2K`) only reach the
 * terminal row the cursor is on. A line longer than the terminal wraps onto several rows, and each
 * redraw would leave all but the last of them behind. So every text is cut to `columns - 3`
 * display cells — the last column is left free (some terminals wrap as soon as it is written), and
 * two more for the `^C` the terminal echoes after the text when Ctrl-C is pressed — measured in cells as terminals draw them (a CJK character or an emoji takes two, a combining
 * mark none) with `string-width`, not in UTF-16 code units. The width is read again at every
 * draw, so a resized terminal (SIGWINCH) gets lines of its new width.
 *
 * @module
 */

import stringWidth from "string-width";

/** Erases the terminal row the cursor is on and returns to its first column (ECMA-48 EL 2). */
const ERASE_ROW = "\r\x1b[2K";
/** Marks text that was cut. */
const ELLIPSIS = "…";
/** Cells a live line leaves free at the end of the row: the last column, and `^C`'s echo. */
export const RESERVED_COLUMNS = 3;
/** Terminal width when it cannot be read. */
export const DEFAULT_COLUMNS = 80;

const graphemes = new Intl.Segmenter();

/** Display width of `text` in terminal cells (escape sequences count 0). */
export function displayWidth(text: string): number {
  return stringWidth(text);
}

/**
 * `text` cut to at most `width` display cells, ending in `…` when it was cut. Whole grapheme
 * clusters only: an emoji or an accented letter is never split.
 */
export function fitWidth(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  if (width <= 0) return "";
  const room = width - displayWidth(ELLIPSIS);
  let kept = "";
  let used = 0;
  for (const { segment } of graphemes.segment(text)) {
    const cells = displayWidth(segment);
    if (used + cells > room) break;
    kept += segment;
    used += cells;
  }
  return kept + ELLIPSIS;
}

/** A line redrawn in place on a terminal. */
export class LiveLine {
  readonly #write: (text: string) => void;
  readonly #columns: () => number;
  #text = "";
  #shown = false;

  /**
   * @param write writes to the terminal (stderr).
   * @param columns the terminal's width now, in cells; asked at every draw.
   */
  constructor(write: (text: string) => void, columns: () => number) {
    this.#write = write;
    this.#columns = columns;
  }

  /** Replaces the live line with `text`, cut to the terminal's width. */
  draw(text: string): void {
    this.#text = text;
    this.#write(`${ERASE_ROW}${this.#fit(text)}`);
    this.#shown = true;
  }

  /** Draws the last text again at the terminal's current width (after SIGWINCH). */
  redraw(): void {
    if (this.#shown) this.draw(this.#text);
  }

  /**
   * Prints `line` (whole: it may wrap, it stays) where the live line was, and draws the live line
   * again below it: with `next` as its new text, or as it was.
   */
  printAbove(line: string, next?: string): void {
    this.#write(`${ERASE_ROW}${line}\n`);
    if (next !== undefined) {
      this.#text = next;
      this.#shown = true;
    }
    if (this.#shown) this.#write(this.#fit(this.#text));
  }

  /** Leaves the live line's last text on screen and moves below it; later draws start anew. */
  end(): void {
    if (this.#shown) this.#write(`${ERASE_ROW}${this.#fit(this.#text)}\n`);
    this.#shown = false;
  }

  /** Erases the live line (nothing of it stays on screen). */
  clear(): void {
    if (this.#shown) this.#write(ERASE_ROW);
    this.#shown = false;
  }

  #fit(text: string): string {
    const columns = this.#columns();
    const width = Number.isInteger(columns) && columns > RESERVED_COLUMNS
      ? columns
      : DEFAULT_COLUMNS;
    return fitWidth(text, width - RESERVED_COLUMNS);
  }
}
