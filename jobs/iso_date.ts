/**
 * Dates a user writes (CLI flags, emulator seeds) in the ISO 8601 forms `Date.parse` reads the
 * same on every machine: a date alone (midnight UTC), or a date and time with `Z` or an offset
 * (without one, the time would be the machine's local time).
 *
 * @module
 */

const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

/**
 * The time `value` names, in ms since the epoch, or `undefined` when it is not one of the forms
 * above or names a day the calendar has not: `Date.parse` rolls `2026-02-30` over to March 2,
 * and this refuses it (also in a date-time).
 */
export function parseIsoDate(value: string): number | undefined {
  const match = ISO_8601.exec(value);
  if (!match) return undefined;
  const [year, month, day] = [match[1], match[2], match[3]].map(Number);
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
