import assert from "node:assert/strict";
import { closestName } from "./closest_name.ts";

const MEMBERS = [
  "RecoveryPointArn",
  "SourceBackupVaultName",
  "DestinationBackupVaultArn",
  "IamRoleArn",
  "IdempotencyToken",
  "Lifecycle",
];

Deno.test("closestName: misspellings within two edits, letter case first, ties to the first", () => {
  const cases: [string, string | undefined][] = [
    ["Lifecyle", "Lifecycle"], // deletion
    ["Lifecylce", "Lifecycle"], // adjacent swap: one edit
    ["Lifecyclee", "Lifecycle"], // insertion
    ["lifecycle", "Lifecycle"], // letter case
    ["LIFECYCLE", "Lifecycle"], // letter case, however far in edits
    ["iamRoleArn", "IamRoleArn"],
    ["IamRoleARN", "IamRoleArn"],
    ["SourceBackupVaultNmae", "SourceBackupVaultName"],
    ["RecoveryPointArns", "RecoveryPointArn"],
    ["DestinationBackupVault", undefined], // three edits
    ["Colour", undefined],
    ["Lifecycle", undefined], // a member itself
    ["", undefined],
  ];
  for (const [name, expected] of cases) assert.equal(closestName(name, MEMBERS), expected, name);
  // Short names: at most a third of the length in edits.
  assert.equal(closestName("Ab", ["Id"]), undefined);
  assert.equal(closestName("Tag", ["Tags"]), "Tags");
  assert.equal(closestName("Tg", ["Tags"]), undefined);
  // Nearest wins; at equal distance the earlier candidate.
  assert.equal(
    closestName("DeleteAfterDay", ["DeleteAfterDays", "DeleteAfterDay2"]),
    "DeleteAfterDays",
  );
  assert.equal(closestName("Nme", ["Name", "Nome"]), "Name");
  // Any iterable.
  assert.equal(closestName("Lifecyle", new Set(MEMBERS)), "Lifecycle");
  assert.equal(closestName("Lifecyle", [][Symbol.iterator]()), undefined);
});

/** Optimal string alignment distance, written independently (memoised recursion). */
function osa(a: string, b: string): number {
  const memo = new Map<string, number>();
  const go = (i: number, j: number): number => {
    if (!i || !j) return i + j;
    const key = `${i},${j}`;
    if (memo.has(key)) return memo.get(key)!;
    let d = Math.min(
      go(i - 1, j) + 1,
      go(i, j - 1) + 1,
      go(i - 1, j - 1) + +(a[i - 1] !== b[j - 1]),
    );
    if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
      d = Math.min(d, go(i - 2, j - 2) + 1);
    }
    memo.set(key, d);
    return d;
  };
  return go(a.length, b.length);
}

Deno.test("closestName agrees with an independent distance on random names", () => {
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const word = () =>
    Array.from({ length: 1 + Math.floor(random() * 9) }, () => "abcAB"[Math.floor(random() * 5)])
      .join("");
  let suggested = 0;
  for (let n = 0; n < 3000; n++) {
    const name = word();
    const candidates = Array.from({ length: 8 }, word);
    const got = closestName(name, candidates);
    if (candidates.includes(name)) {
      assert.equal(got, undefined);
      continue;
    }
    const sameCase = candidates.find((c) => c.toLowerCase() === name.toLowerCase());
    const limit = Math.min(2, Math.floor(name.length / 3));
    const distances = candidates.map((c) => osa(name, c));
    const min = Math.min(...distances);
    const expected = sameCase ?? (min <= limit ? candidates[distances.indexOf(min)] : undefined);
    assert.equal(got, expected, `${name} in ${candidates}`);
    if (got) suggested++;
  }
  assert.ok(suggested > 150, `${suggested} suggestions`);
});
