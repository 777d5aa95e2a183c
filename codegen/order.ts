/**
 * Deterministic order for generated code: comparisons by UTF-16 code units, never by the
 * machine's locale (`localeCompare` follows `LC_ALL`, so Turkish or Swedish collation would
 * reorder the output).
 *
 * @module
 */

/** Compares two strings by UTF-16 code units, as `Array.prototype.sort` does by default. */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Dictionary order for names: code units of the lower-cased names (`toLowerCase` follows no
 * locale), then code units, so `ListBackupJobs` comes before `ListBackupJobSummaries`.
 */
export function compareNames(a: string, b: string): number {
  return compareCodeUnits(a.toLowerCase(), b.toLowerCase()) || compareCodeUnits(a, b);
}

/** Sorts shapes by their generated name (code units), for deterministic output. */
export function byName(a: { name: string }, b: { name: string }): number {
  return compareCodeUnits(a.name, b.name);
}
