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
  const lower = name.toLowerCase();
  let sameLetters: string | undefined;
  let best: string | undefined;
  let bestDistance = Math.min(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of candidates) {
    if (candidate === name) return undefined;
    if (candidate.toLowerCase() === lower) sameLetters ??= candidate;
    // Lengths further apart than the best so far cannot be closer (this also keeps a huge key
    // from building a huge table).
    if (Math.abs(candidate.length - name.length) >= bestDistance) continue;
    const d = editDistance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return sameLetters ?? best;
}

/** Optimal-string-alignment distance of `a` and `b` (names are short: the whole table). */
function editDistance(a: string, b: string): number {
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    d[i] = [i];
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = i
        ? Math.min(
          d[i - 1][j] + 1,
          d[i][j - 1] + 1,
          d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
          // Two adjacent characters swapped: one edit.
          i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]
            ? d[i - 2][j - 2] + 1
            : Infinity,
        )
        : j;
    }
  }
  return d[a.length][b.length];
}
