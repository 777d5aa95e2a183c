import assert from "node:assert/strict";
import type { CopyJob } from "../generated/types.ts";
import { copiesByRecoveryPoint, decideCopy } from "./existing_copies.ts";

const DEST = "arn:aws:backup:us-west-2:111122223333:backup-vault:dr";
const job = (
  id: string,
  state: string,
  minute: number,
  extra: Partial<CopyJob> & { IsParent?: boolean } = {},
): CopyJob => ({
  CopyJobId: id,
  State: state as CopyJob["State"],
  SourceRecoveryPointArn: "rp",
  DestinationBackupVaultArn: DEST,
  CreationDate: new Date(Date.UTC(2026, 0, 1, 0, minute)),
  IsParent: false,
  ...extra,
});

Deno.test("copiesByRecoveryPoint: top-level jobs to the vault only, newest of each kind", () => {
  const copies = copiesByRecoveryPoint([
    job("f1", "FAILED", 1),
    job("f2", "FAILED", 3),
    job("r1", "RUNNING", 2),
    job("r2", "CREATED", 4),
    job("child", "COMPLETED", 5, { ParentJobId: "p" }),
    job("other-vault", "COMPLETED", 5, { DestinationBackupVaultArn: DEST + "2" }),
    job("aws-made", "PARTIAL", 0, { SourceRecoveryPointArn: "rp2", CreatedByBackupJobId: "b" }),
  ], DEST);
  assert.deepEqual([...copies.keys()].sort(), ["rp", "rp2"]);
  const rp = copies.get("rp")!;
  assert.equal(rp.done, undefined);
  assert.equal(rp.inProgress?.CopyJobId, "r2");
  assert.deepEqual(rp.failed.map((j) => j.CopyJobId), ["f2", "f1"]);
  assert.equal(copies.get("rp2")!.done?.CopyJobId, "aws-made");
});

Deno.test("decideCopy: done beats in progress beats start; retries name the newest failure", () => {
  assert.deepEqual(decideCopy({ failed: [] }, 3), { action: "start" });
  const failed = [job("f2", "FAILED", 3), job("f1", "FAILED", 1)];
  assert.deepEqual(decideCopy({ failed }, 3), { action: "start", retryOf: "f2" });
  assert.deepEqual(decideCopy({ failed }, 2), { action: "give-up", job: failed[0] });
  const running = job("r", "RUNNING", 4);
  assert.equal(decideCopy({ failed, inProgress: running }, 3).action, "in-progress");
  const done = job("d", "COMPLETED", 0);
  assert.deepEqual(decideCopy({ failed, inProgress: running, done }, 3), {
    action: "exists",
    job: done,
  });
});
