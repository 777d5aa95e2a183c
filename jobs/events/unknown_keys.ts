/**
 * Unknown keys in options and configuration are errors, each naming the key and, when one is
 * close, the key that was probably meant.
 *
 * @module
 */

import type { ValidationIssue } from "../../runtime/errors.ts";

/**
 * Issues for the keys of `value` that are not in `known`, each with the nearest known key when
 * one is close (a typo).
 */
// TODO(lead): use runtime/unknown_keys.ts
export function unknownKeyIssues(
  value: Record<string, unknown>,
  known: readonly string[],
  at: string,
  what: string,
): ValidationIssue[] {
  return Object.keys(value).filter((key) => !known.includes(key)).map((key) => {
    const near = known.find((k) => editDistance(k.toLowerCase(), key.toLowerCase()) <= 2);
    return {
      path: `${at}.${key}`,
      message: `is not ${what}${near ? ` (did you mean ${near}?)` : ""}`,
    };
  });
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length];
}
