/**
 * Reading the emulator's command-line flags (`main.ts`, `events_cli.ts`) the same way everywhere:
 * `--flag value` or `--flag=value`, a flag given twice or without its value named, and every
 * number checked against the range it has a meaning in (the message names the flag and range).
 *
 * @module
 */

import { closestKey } from "../runtime/unknown_keys.ts";

/**
 * The longest wait a timer can be set to, in ms: 2^31 − 1 (about 24.8 days). `setTimeout` fires
 * a longer one at once (HTML Living Standard, timer initialisation steps; Deno and Node clamp
 * it the same way), so a larger `--backup-every` would start backups without pause.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** The range of a flag's integer value, both ends included. */
export interface IntegerRange {
  min: number;
  /** @default Number.MAX_SAFE_INTEGER */
  max?: number;
}

/** `--flag=value` as the flag and its value (which may hold `=`); `--flag` with no value. */
export function splitFlag(arg: string): [flag: string, inline: string | undefined] {
  const [flag, inline] = arg.split(/=(.*)/s, 2);
  return [flag, inline];
}

/**
 * The message of a flag the emulator does not know, with the known flag it probably meant
 * (`closestKey`, the rule of every unknown key in the product).
 */
export function unknownFlag(flag: string, known: Iterable<string>): string {
  const meant = closestKey(flag.replace(/^-+/, ""), [...known].map((k) => k.replace(/^-+/, "")));
  return `Unknown option ${flag}${meant === undefined ? "" : `; did you mean --${meant}?`}`;
}

/** The message of a flag given twice: each of the emulator's flags takes one value. */
export function repeatedFlag(flag: string): string {
  return `${flag} is given more than once: give it once`;
}

/**
 * The value of the flag at `args[index]`: its inline value, else the next argument — unless that
 * is missing, empty, only white space or another flag (`--port --cors`), when the value is
 * missing (no flag of the emulator takes a blank value: `--seed " "` names no file).
 *
 * @returns the value (undefined when missing) and the index of the last argument it used.
 */
export function flagValue(
  args: readonly string[],
  index: number,
  inline: string | undefined,
): { value: string | undefined; last: number } {
  if (inline !== undefined) {
    return { value: inline.trim() === "" ? undefined : inline, last: index };
  }
  const next = args[index + 1];
  if (next === undefined || next.trim() === "" || next.startsWith("--")) {
    return { value: undefined, last: index };
  }
  return { value: next, last: index + 1 };
}

/** The message of a flag without its value: `--port needs a value: an integer from 0 to 65535`. */
export function missingValue(flag: string, what: string): string {
  return `${flag} needs a value: ${what}`;
}

/** What an integer flag takes, in words: `an integer from 1 to 5`, `an integer of at least 1`. */
export function describeRange(range: IntegerRange): string {
  return range.max === undefined || range.max === Number.MAX_SAFE_INTEGER
    ? `an integer of at least ${range.min}`
    : `an integer from ${range.min} to ${range.max}`;
}

/**
 * `raw` as an integer in `range` (decimal digits only: not `1e3`, `0x10` or ` 5`), or the message
 * naming the flag, the range and what was given.
 */
export function integerFlag(flag: string, raw: string, range: IntegerRange): number | string {
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (Number.isSafeInteger(n) && n >= range.min && n <= max) return n;
  return `${flag} needs ${describeRange(range)}, got ${raw}`;
}
