/**
 * The rule that nothing a caller passes is silently ignored: a key the product does not know
 * is an issue naming it, with the known key it probably meant ("did you mean") or, for a name
 * another library uses (the AWS SDK for JavaScript v3, aws4fetch), ours.
 *
 * Smithy's "ignore unknown members" is about what a service sends back; what a caller passes is
 * checked.
 *
 * @module
 */

import type { ValidationIssue } from "./errors.ts";

/**
 * Issues for the own enumerable string keys of `value` that are not in `known`, in key order.
 * Symbol keys are not checked.
 *
 * @param value the object passed (options, config, an input structure)
 * @param known the keys it may have
 * @param path where `value` is, e.g. `Lifecycle` (`""` at the top): an issue's path is
 *   `path.key`, or `path["a key"]` for a key that is not an identifier
 * @param hints a sentence per foreign key name, e.g.
 *   `{ abortSignal: "AWS SDK v3's abortSignal is signal here" }`; it replaces the "did you mean"
 *
 * @example
 * ```ts
 * import { unknownKeyIssues } from "./unknown_keys.ts";
 * const [issue] = unknownKeyIssues({ Lifecyle: {} }, new Set(["Lifecycle"]));
 * console.assert(issue.path === "Lifecyle");
 * console.assert(issue.message === 'is unknown; did you mean "Lifecycle"?');
 * ```
 */
export function unknownKeyIssues(
  value: object,
  known: ReadonlySet<string>,
  path = "",
  hints?: Readonly<Record<string, string>>,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const key of Object.keys(value)) {
    if (known.has(key)) continue;
    const hint = hints && Object.hasOwn(hints, key) ? hints[key] : undefined;
    const closest = hint ? undefined : closestKey(key, known);
    issues.push({
      path: keyPath(path, key),
      message: hint
        ? `is unknown: ${hint}`
        : `is unknown${closest === undefined ? "" : `; did you mean "${closest}"?`}`,
    });
  }
  return issues;
}

/** `path.key`, or `path["key"]` when the key is not an identifier. */
export function keyPath(path: string, key: string): string {
  if (!/^[A-Za-z_$][\w$]*$/.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path ? `${path}.${key}` : key;
}

/**
 * The known key closest to `key` when one is close enough to be a slip: at most about 40 % of
 * the key's length apart in edit distance (insertions, deletions, substitutions and swaps of
 * two neighbours, ignoring case), the threshold TypeScript's "did you mean" uses. The first of
 * equally close keys wins.
 */
export function closestKey(key: string, known: Iterable<string>): string | undefined {
  const lower = key.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.floor(key.length * 0.4) + 1;
  for (const candidate of known) {
    if (Math.abs(candidate.length - key.length) > Math.max(2, Math.floor(key.length * 0.34))) {
      continue;
    }
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Optimal string alignment distance: Levenshtein plus swaps of two neighbouring characters. */
function editDistance(a: string, b: string): number {
  let previous2: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j], previous2[j - 2] + 1);
      }
    }
    previous2 = previous;
    previous = row;
  }
  return previous[b.length];
}
