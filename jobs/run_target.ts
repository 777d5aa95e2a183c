/**
 * A run's target in its checkpoint: what a run copies is recorded with its first copy, and a run
 * resumed with the same `runId` must copy the same (source vault, destination vault, IAM role,
 * lifecycle), else it stops with `RunTargetMismatchError` before anything is started.
 *
 * @module
 */

import type { Lifecycle } from "../generated/types.ts";
import { type CheckpointRecord, RUN_TARGET_RECORD, type RunTarget } from "./checkpoint.ts";
import { RunTargetMismatchError } from "./errors.ts";
import type { CopyTargetOptions } from "./option_checks.ts";

/** The target of a run with these options; a lifecycle without members is none. */
export function runTargetOf(o: CopyTargetOptions): RunTarget {
  const lifecycle = canonicalLifecycle(o.lifecycle);
  return {
    sourceBackupVaultName: o.sourceBackupVaultName,
    destinationBackupVaultArn: o.destinationBackupVaultArn,
    iamRoleArn: o.iamRoleArn,
    ...(lifecycle ? { lifecycle } : {}),
  };
}

/** The record that keeps a run's target: see {@linkcode RUN_TARGET_RECORD}. */
export function runTargetRecord(target: RunTarget): CheckpointRecord {
  return {
    recoveryPointArn: RUN_TARGET_RECORD,
    idempotencyToken: "",
    state: "STARTED",
    attempts: 0,
    runTarget: target,
  };
}

/**
 * Checks a run's records against the target it is run with: a run whose checkpoint holds
 * another target is refused; one with no target recorded (new, or written by 0.1.0) is accepted.
 *
 * @returns whether the target is recorded already (else the run records it before its first
 * copy starts).
 * @throws {RunTargetMismatchError} naming the run and every option that differs.
 */
export function checkRunTarget(
  runId: string,
  records: readonly CheckpointRecord[],
  target: RunTarget,
): boolean {
  const stored = records.find((r) => r.recoveryPointArn === RUN_TARGET_RECORD)?.runTarget;
  if (!stored) return false;
  const differ = (["sourceBackupVaultName", "destinationBackupVaultArn", "iamRoleArn"] as const)
    .filter((key) => stored[key] !== target[key]);
  const lifecycle = (t: RunTarget) => JSON.stringify(canonicalLifecycle(t.lifecycle) ?? null);
  const options: (keyof RunTarget)[] = [...differ];
  if (lifecycle(stored) !== lifecycle(target)) options.push("lifecycle");
  if (options.length) throw new RunTargetMismatchError(runId, stored, target, options);
  return true;
}

/** A lifecycle with its members in a fixed order and unset ones dropped; none when empty. */
function canonicalLifecycle(lifecycle: Lifecycle | undefined): Lifecycle | undefined {
  if (!lifecycle) return undefined;
  const entries = Object.entries(lifecycle).filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0);
  return entries.length ? Object.fromEntries(entries) as Lifecycle : undefined;
}
