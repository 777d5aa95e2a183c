import assert from "node:assert/strict";
import { unlistedRegionIssue } from "../mod.ts";
import { PARTITIONS } from "../generated/partitions.ts";

Deno.test("unlistedRegionIssue: every listed Region passes; a typo is named with the closest", () => {
  for (const region of PARTITIONS.flatMap((p) => p[7].split(" "))) {
    assert.equal(unlistedRegionIssue(region), undefined, region);
  }
  assert.equal(
    unlistedRegionIssue("us-est-1"),
    'must be an AWS Region this release lists; did you mean "us-east-1"?',
  );
  assert.equal(
    unlistedRegionIssue("useast1"),
    'must be an AWS Region this release lists; did you mean "us-east-1"?',
  );
  // Matches the aws partition's pattern (the client takes it), but no partition lists it.
  assert.equal(
    unlistedRegionIssue("us-nowhere-9"),
    "must be an AWS Region this release lists, such as us-east-1",
  );
  // The value itself is never echoed.
  assert.doesNotMatch(unlistedRegionIssue("US_EAST")!, /US_EAST/);
});
