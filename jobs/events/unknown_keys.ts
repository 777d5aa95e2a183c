/**
 * Unknown keys in event options and copy rules are errors, each naming the key and, when one is
 * close, the key that was probably meant (the rule of `runtime/unknown_keys.ts`).
 *
 * @module
 */

import type { ValidationIssue } from "../../runtime/errors.ts";
import { closestKey } from "../../runtime/unknown_keys.ts";

/**
 * Issues for the keys of `value` that are not in `known`, each with the nearest known key when
 * one is close (a typo).
 *
 * @param at the path of `value`, e.g. `rules[0]`
 * @param what what a key of `value` is, e.g. `a copy rule field`
 */
export function unknownKeyIssues(
  value: Record<string, unknown>,
  known: readonly string[],
  at: string,
  what: string,
): ValidationIssue[] {
  return Object.keys(value).filter((key) => !known.includes(key)).map((key) => {
    const near = closestKey(key, known);
    return {
      path: `${at}.${key}`,
      message: `is not ${what}${near ? ` (did you mean ${near}?)` : ""}`,
    };
  });
}
