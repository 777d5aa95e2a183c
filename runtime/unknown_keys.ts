/**
 * The rule that nothing a caller passes is silently ignored: a key the product does not know
 * is an issue naming it, with the known key it probably meant ("did you mean") or, for a name
 * another library uses (the AWS SDK for JavaScript v3, aws4fetch), ours. Every unknown-key
 * check of the product (client config, call and paginator options, credentials, operation
 * inputs, job, waiter, event and Workflow options, copy rules, checkpoint stores) goes through
 * {@linkcode unknownKeyIssues}, so every such issue reads the same:
 *
 * - `concurency is unknown; did you mean "concurrency"?`
 * - `abortSignal is unknown: AWS SDK v3's abortSignal is "signal" here`
 * - `colour is unknown`
 *
 * Paths are relative to the object the error names (`Invalid copyRecoveryPoints options:
 * rules[0].sourceBackupVault is unknown; …`): `a.b`, `a[0].b`, `a["not an identifier"]`.
 *
 * Smithy's "ignore unknown members" is about what a service sends back; what a caller passes is
 * checked.
 *
 * @module
 */

import type { ValidationIssue } from "./errors.ts";

/**
 * Options of the AWS SDK for JavaScript v3 (`HttpHandlerOptions`, client configuration) that
 * options here have under another name: the names they may have, in order. The hint is given
 * where the options checked have one of them (`logger` is a client's `observe`, an
 * `eventBridgeHandler`'s `log`).
 */
const SDK_NAMES: Readonly<Record<string, readonly string[]>> = {
  abortSignal: ["signal"],
  logger: ["observe", "log"],
};

/**
 * Issues for the own enumerable string keys of `value` that are not in `known`, in key order;
 * a key set to `undefined` counts (a misspelled option is a mistake whatever its value). Symbol
 * keys are not checked. Only the keys are read: no value is ever quoted.
 *
 * @param value the object passed (options, config, an input structure)
 * @param known the keys it may have
 * @param path where `value` is, e.g. `Lifecycle` (`""` at the top): an issue's path is
 *   `path.key`, or `path["a key"]` for a key that is not an identifier
 * @param hints a sentence per foreign key name, e.g.
 *   `{ maxRetries: "attempts are maxAttempts here" }`; it replaces the "did you mean". AWS SDK v3
 *   names with a counterpart in `known` (`abortSignal` → `signal`, `logger` → `observe` or
 *   `log`) have one by default.
 *
 * @example
 * ```ts
 * import { unknownKeyIssues } from "./unknown_keys.ts";
 * const [issue] = unknownKeyIssues({ Lifecyle: {} }, ["Lifecycle"]);
 * console.assert(issue.path === "Lifecyle");
 * console.assert(issue.message === 'is unknown; did you mean "Lifecycle"?');
 * ```
 */
export function unknownKeyIssues(
  value: object,
  known: ReadonlySet<string> | readonly string[],
  path = "",
  hints?: Readonly<Record<string, string>>,
): ValidationIssue[] {
  const has = (key: string) =>
    Array.isArray(known) ? known.includes(key) : (known as ReadonlySet<string>).has(key);
  const issues: ValidationIssue[] = [];
  for (const key of Object.keys(value)) {
    if (has(key)) continue;
    const ours = Object.hasOwn(SDK_NAMES, key) ? SDK_NAMES[key].find(has) : undefined;
    const hint = hints && Object.hasOwn(hints, key)
      ? hints[key]
      : ours && `AWS SDK v3's ${key} is "${ours}" here`;
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
