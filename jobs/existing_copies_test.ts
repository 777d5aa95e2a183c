import assert from "node:assert/strict";
import type { CopyJob } from "../generated/types.ts";
import { BackupClient } from "../generated/client.ts";
import { ValidationError } from "../runtime/errors.ts";
import { findExistingCopies } from "./destination_copies.ts";
import {
  copiesByRecoveryPoint,
  decideCopy,
  findCopiesOf,
  findCopiesOfMany,
} from "./existing_copies.ts";

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

Deno.test("existing copies: arguments not of their shape are a ValidationError naming them; nothing sent", async () => {
  let sent = 0;
  const client = new BackupClient({
    region: "us-east-1",
    credentials: { accessKeyId: "AKID", secretAccessKey: "s" },
    fetch: () => (sent++, Promise.reject(new Error("nothing may be sent"))),
  });
  const RP = "arn:aws:backup:us-east-1:111122223333:recovery-point:rp-1";
  const pathsOf = async (call: () => unknown) => {
    const e = await Promise.resolve().then(call).then(() => undefined, (e) => e);
    assert.ok(e instanceof ValidationError, `expected a ValidationError, got ${e}`);
    return e.issues.map((i) => i.path);
  };
  const any = (f: unknown) => f as (...args: unknown[]) => unknown;
  assert.deepEqual(await pathsOf(() => any(findExistingCopies)(client, {})), [
    "points",
    "destinationBackupVaultArn",
  ]);
  assert.deepEqual(
    await pathsOf(() =>
      any(findExistingCopies)(client, [{ recoveryPointArn: RP, creationDate: "2026" }], DEST, {
        now: "now",
        sourceVaultArn: "prod",
      })
    ),
    ["points[0].creationDate"],
  );
  assert.deepEqual(
    await pathsOf(() => any(findExistingCopies)(client, [], DEST, { now: "x", sourceVault: "p" })),
    ["sourceVault"],
  );
  assert.deepEqual(
    await pathsOf(() =>
      any(findExistingCopies)(client, [], DEST, { now: "x", sourceVaultArn: "p" })
    ),
    ["sourceVaultArn", "now"],
  );
  assert.deepEqual(
    await pathsOf(() => any(findCopiesOfMany)(client, [{ recoveryPointArn: "rp" }, null], "dr")),
    [
      "recoveryPoints[0].recoveryPointArn",
      "recoveryPoints[1].recoveryPointArn",
      "destinationBackupVaultArn",
    ],
  );
  assert.deepEqual(
    await pathsOf(() => any(findCopiesOf)(client, undefined, DEST, { signal: {} })),
    ["recoveryPointArn", "signal"],
  );
  assert.deepEqual(await pathsOf(() => any(copiesByRecoveryPoint)(undefined, undefined)), [
    "jobs",
    "destinationBackupVaultArn",
  ]);
  assert.deepEqual(await pathsOf(() => any(decideCopy)(undefined)), ["copies", "maxFailedCopies"]);
  assert.deepEqual(await pathsOf(() => decideCopy({ failed: [] }, 0)), ["maxFailedCopies"]);
  assert.equal(sent, 0);
});
