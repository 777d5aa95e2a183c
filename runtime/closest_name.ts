/**
 * The name a misspelled one probably meant, for "did you mean …?" in validation messages.
 *
 * @module
 */

/**
 * The candidate closest to `name`: one that differs only in letter case first, else the nearest
 * by optimal-string-alignment distance (Damerau–Levenshtein where no substring is edited twice:
 * an insertion, deletion, substitution or swap of two adjacent characters is one edit), when it is
 * at most 2 edits away and no more than a third of `name`'s length (so `Id` suggests nothing
 * for `Ab`). Ties go to the earlier candidate. Undefined when nothing is that close, or when
 * `name` is itself a candidate.
 *
 * @example
 * ```ts
 * import { closestName } from "./closest_name.ts";
 * console.assert(closestName("Lifecyle", ["RecoveryPointArn", "Lifecycle"]) === "Lifecycle");
 * console.assert(closestName("lifecycle", ["Lifecycle"]) === "Lifecycle");
 * console.assert(closestName("Colour", ["Lifecycle"]) === undefined);
 * ```
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.min(2, Math.floor(name.length / 3));
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    if (candidate === name) return undefined;
    if (candidate.toLowerCase() === lower) return candidate;
    // Lengths further apart than the limit cannot be within it: skip the table.
    if (Math.abs(candidate.length - name.length) >= bestDistance) continue;
    const d = editDistance(name, candidate, bestDistance);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * Optimal-string-alignment distance of `a` and `b`, or any number ≥ `stop` once every
 * alignment costs at least that (the caller wants only closer ones).
 */
function editDistance(a: string, b: string, stop: number): number {
  // Three rows of the table: two back (for swaps), the previous one, the current one.
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, before[j - 2] + 1);
      }
      current[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin >= stop) return stop;
    [before, previous, current] = [previous, current, before];
  }
  return previous[b.length];
}
