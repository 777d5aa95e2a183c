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
