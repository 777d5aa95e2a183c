/**
 * A run's progress on stderr, whatever the run: on a terminal, the lines of what ended scroll
 * above one live line (`progress_line.ts`) redrawn in place; piped, one line per event. Each mode
 * of a command says what its events look like ({@linkcode ProgressText}); this module decides
 * where and when they are drawn.
 *
 * @module
 */

import type { CliIo } from "./io.ts";
import { DEFAULT_COLUMNS, LiveLine } from "./progress_line.ts";

/** What a mode shows of its events. */
export interface ProgressText<E> {
  /** Takes in one event (before it is drawn). */
  apply(event: E): void;
  /** The event as one line: every event when piped, the final ones above the live line. */
  eventLine(event: E): string;
  /** Whether the event ends something: on a terminal its line stays, above the live line. */
  isFinal(event: E): boolean;
  /** The live line's text now. */
  liveText(): string;
}

/** Redraws of the live line at most this often (final events are always drawn). */
const REDRAW_MS = 100;

/**
 * The progress display on stderr: on a terminal (`io.errIsTerminal`), final events scroll above
 * one live line, redrawn at most every 100 ms and again after a resize; else one line per event.
 */
export class ProgressDisplay<E> {
  readonly #io: CliIo;
  readonly #text: ProgressText<E>;
  readonly #line?: LiveLine;
  readonly #stopResize: () => void;
  #lastDraw = 0;

  /** Starts listening for terminal resizes; call `end` or `clear` to stop. */
  constructor(io: CliIo, text: ProgressText<E>) {
    this.#io = io;
    this.#text = text;
    if (io.errIsTerminal) {
      this.#line = new LiveLine(io.err, io.columns ?? (() => DEFAULT_COLUMNS));
    }
    this.#stopResize = this.#line && io.onResize
      ? io.onResize(() => this.#line!.redraw())
      : () => {};
  }

  /** Shows one event. */
  show(event: E): void {
    this.#text.apply(event);
    if (!this.#line) {
      this.#io.err(`${this.#text.eventLine(event)}\n`);
      return;
    }
    if (this.#text.isFinal(event)) {
      this.#line.printAbove(this.#text.eventLine(event), this.#text.liveText());
      this.#lastDraw = Date.now();
      return;
    }
    const now = Date.now();
    if (now - this.#lastDraw > REDRAW_MS) {
      this.#lastDraw = now;
      this.#line.draw(this.#text.liveText());
    }
  }

  /** Draws the live line as it stands (also after an interruption) and leaves it on screen. */
  end(): void {
    this.#stopResize();
    if (!this.#line) return;
    this.#line.draw(this.#text.liveText());
    this.#line.end();
  }

  /** Erases the live line (before an error message). */
  clear(): void {
    this.#stopResize();
    this.#line?.clear();
  }
}
