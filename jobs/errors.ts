/**
 * How the vault jobs name failures: the errors that stop a run, the `{ name, message }` a report
 * entry keeps, and which failed calls are worth trying again.
 *
 * @module
 */

import { LimitExceededException } from "../generated/errors.ts";
import type { RunTarget } from "./checkpoint.ts";
import { backoffDelay, retryKind } from "../runtime/retry.ts";

/** A failure, by its error class name (`LimitExceededException`, `CopyJobFailedError`, …). */
export interface ReportedError {
  /** The error's class name, or `MaxWaitExceeded` / `InvalidResponse` / `MaxFailedCopies`. */
  name: string;
  /** Its message. */
  message: string;
}

/**
 * The first StartCopyJob calls of a copy run (three, or every one of a run with fewer points to
 * start) were all refused for the same reason (e.g. the IAM role cannot be assumed, the
 * destination vault does not exist or its access policy refuses the copy), so the run stopped
 * instead of failing every recovery point with the same error. Nothing was copied; fix the cause
 * and run again.
 */
export class CopyRunRefusedError extends Error {
  /** Always `CopyRunRefusedError`. */
  override name = "CopyRunRefusedError";
  /** The refusal every one of the first starts got. */
  readonly reason: ReportedError;
  /** The recovery points whose StartCopyJob was refused. */
  readonly recoveryPointArns: readonly string[];

  /**
   * Names the refusal in the message.
   *
   * @param reason the common refusal.
   * @param recoveryPointArns the recovery points it refused.
   * @param options `cause`: the first refusal, as thrown by the client.
   */
  constructor(reason: ReportedError, recoveryPointArns: string[], options?: ErrorOptions) {
    super(
      `StartCopyJob refused ${refusedCopies(recoveryPointArns.length)}, so the run stopped ` +
        `instead of failing every recovery point: ${reason.name}: ${reason.message}`,
      options,
    );
    this.reason = reason;
    this.recoveryPointArns = recoveryPointArns;
  }
}

/**
 * Which copies a {@linkcode CopyRunRefusedError} was refused, in a sentence's middle: `the first
 * 3 copies of the run for the same reason`, or `the run's only copy to start`.
 */
export function refusedCopies(count: number): string {
  return count === 1
    ? "the run's only copy to start"
    : `the first ${count} copies of the run for the same reason`;
}

/**
 * A run was resumed (the same `runId` and checkpoint) with another target than the one it was
 * started with: another source vault, destination vault, IAM role or lifecycle. Its records would
 * be taken as done for copies they are not about, so nothing was started: resume with the
 * run's own options, or give the new copy another `runId`.
 */
export class RunTargetMismatchError extends Error {
  /** Always `RunTargetMismatchError`. */
  override name = "RunTargetMismatchError";
  /** The run's id. */
  readonly runId: string;
  /** The options that differ from the run's, e.g. `["destinationBackupVaultArn"]`. */
  readonly options: readonly (keyof RunTarget)[];
  /** What the run was started with (its checkpoint's). */
  readonly stored: RunTarget;
  /** What it was resumed with. */
  readonly given: RunTarget;

  /**
   * Names the run and every option that differs, with the run's value and the new one (vault
   * names, ARNs and a lifecycle: no secret).
   *
   * @param runId the run's id.
   * @param stored what the run was started with, from its checkpoint.
   * @param given what it was resumed with.
   * @param options the keys of the two that differ.
   */
  constructor(
    runId: string,
    stored: RunTarget,
    given: RunTarget,
    options: readonly (keyof RunTarget)[],
  ) {
    super(
      `Run ${JSON.stringify(runId)} was started with another ${options.join(", ")} (` +
        targetDifference(options, stored, given) +
        `): resuming it would take its records for another copy's; nothing was started. Resume ` +
        `it with its own options, or start the new copy with another runId`,
    );
    this.runId = runId;
    this.options = options;
    this.stored = stored;
    this.given = given;
  }
}

/**
 * How two targets differ, named as `name(option)` gives: `iamRoleArn: "arn:…a" in the
 * checkpoint, "arn:…b" now; …`.
 */
export function targetDifference(
  options: readonly (keyof RunTarget)[],
  stored: RunTarget,
  given: RunTarget,
  name: (option: keyof RunTarget) => string = (o) => o,
): string {
  const show = (v: unknown) => v === undefined ? "none" : JSON.stringify(v);
  return options.map((o) =>
    `${name(o)}: ${show(stored[o])} in the checkpoint, ${show(given[o])} now`
  )
    .join("; ");
}

/**
 * `maxWaitMs` passed before the run could start anything: listing the source vault or the
 * existing copies, or reading the checkpoint, did not finish in time (e.g. a request or a
 * checkpoint store that never answers). Nothing was started.
 */
export class MaxWaitExceededError extends Error {
  /** Always `MaxWaitExceededError`. */
  override name = "MaxWaitExceededError";
}

/** Entry error of a copy that had not ended when `maxWaitMs` passed. */
export function maxWaitError(maxWaitMs: number): ReportedError {
  return {
    name: "MaxWaitExceeded",
    message: `not ended within maxWaitMs (${maxWaitMs} ms); run again to resume`,
  };
}

/** `{ name, message }` of anything thrown. */
export function reportedError(e: unknown): ReportedError {
  return e instanceof Error
    ? { name: e.name, message: e.message }
    : { name: "Error", message: String(e) };
}

/**
 * Whether a failed call is worth trying again: `limit` for `LimitExceededException` (the
 * account's quota of concurrent copy jobs), `transient` for throttling, 5xx, 429, `@retryable`,
 * timeouts and network failures.
 */
export function passingFailure(e: unknown): "limit" | "transient" | undefined {
  if (e instanceof LimitExceededException) return "limit";
  // StartCopyJob carries an idempotency token and DescribeCopyJob is read-only: both repeatable.
  return retryKind(e, true) ? "transient" : undefined;
}

/** `ms` with "equal jitter": between half of it and all of it. */
export function jitter(ms: number): number {
  return backoffDelay(ms, 0, ms, ms / 2);
}
