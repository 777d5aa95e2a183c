/**
 * Where a CLI writes and which terminal events it hears: the process's own stdout, stderr,
 * SIGINT and SIGWINCH, or whatever a test or the demo passes instead.
 *
 * @module
 */

import { DEFAULT_COLUMNS } from "./progress_line.ts";

/** A CLI's outputs and signals. */
export interface CliIo {
  /** Writes to stdout (reports, JSON). */
  out: (text: string) => void;
  /** Writes to stderr (progress, messages for people). */
  err: (text: string) => void;
  /** Whether stderr is a terminal (a live display) or not (one line per event). */
  errIsTerminal: boolean;
  /** The terminal's width in cells now. @default 80 */
  columns?: () => number;
  /** Calls `listener` on SIGINT (Ctrl-C) until the returned function is called. */
  onInterrupt?: (listener: () => void) => () => void;
  /** Calls `listener` when the terminal is resized (SIGWINCH) until the returned function is called. */
  onResize?: (listener: () => void) => () => void;
}

const encoder = new TextEncoder();

/** Adds a signal listener where the platform has the signal (no SIGWINCH on Windows). */
function listen(signal: Deno.Signal, listener: () => void): () => void {
  try {
    Deno.addSignalListener(signal, listener);
  } catch {
    return () => {};
  }
  return () => Deno.removeSignalListener(signal, listener);
}

/** The process's stdout, stderr, SIGINT and SIGWINCH. */
export const STANDARD_IO: CliIo = {
  out: (text) => writeAll(Deno.stdout, encoder.encode(text)),
  err: (text) => writeAll(Deno.stderr, encoder.encode(text)),
  errIsTerminal: Deno.stderr.isTerminal(),
  columns: () => {
    try {
      return Deno.consoleSize().columns;
    } catch {
      return DEFAULT_COLUMNS;
    }
  },
  onInterrupt: (listener) => listen("SIGINT", listener),
  onResize: (listener) => listen("SIGWINCH", listener),
};

/** `writeSync` may write part of the bytes (a full pipe): write until all are out. */
function writeAll(file: { writeSync(p: Uint8Array): number }, bytes: Uint8Array): void {
  for (let written = 0; written < bytes.length;) {
    written += file.writeSync(bytes.subarray(written));
  }
}
