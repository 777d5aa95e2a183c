/**
 * The step events and sweeps share: make sure one copy of a recovery point exists in (or is on
 * its way to) a destination vault — look up the copies ListCopyJobs shows, decide, and start a
 * copy only when none exists, with the copy's own idempotency token. Returns without waiting.
 *
 * @module
 */

import type { BackupClient } from "../../generated/client.ts";
import { startCopyJob } from "../../generated/operations.ts";
import type { CopyJob } from "../../generated/types.ts";
import {
  DeserializationError,
  NetworkError,
  RequestTimeoutError,
  ServiceException,
} from "../../runtime/errors.ts";
import { retryKind } from "../../runtime/retry.ts";
import { type CopiesOfRecoveryPoint, decideCopy, findCopiesOf } from "../existing_copies.ts";
import { copyIdempotencyToken } from "../idempotency_token.ts";
import { WrongRegionError } from "./clients.ts";
import type { CopyRule } from "./rules.ts";

/**
 * What became of one copy (recovery point × destination):
 * - `started`: StartCopyJob answered a job for this copy's token — a new one, or, when another
 *   delivery or process sent the same token a moment earlier, the same one;
 * - `existing`: ListCopyJobs shows a COMPLETED or PARTIAL copy: nothing started;
 * - `in-progress`: ListCopyJobs shows a CREATED or RUNNING copy: nothing started;
 * - `gave-up`: `maxFailedCopies` copies FAILED already: nothing started;
 * - `failed`: a call failed (`error` says why and whether trying again may help).
 */
export type RuleCopyOutcome = "started" | "existing" | "in-progress" | "gave-up" | "failed";

/** Why a copy could not be made or looked up. */
export interface CopyFailure {
  /** The error's class name, e.g. `ThrottlingException`, `AccessDeniedException`. */
  name: string;
  /** Its message (never a credential). */
  message: string;
  /**
   * Trying again later may succeed: throttling, `LimitExceededException`, a 5xx, a network
   * failure or timeout. A retry is safe: it sends the same token after the same lookup.
   */
  retryable: boolean;
  /** The account or service asked to slow down (throttling, `LimitExceededException`). */
  throttling: boolean;
}

/** One copy of one recovery point to one destination. */
export interface RuleCopy {
  /** The rule's name (`rules[<index>]` when it has none). */
  rule: string;
  /** The recovery point copied. */
  recoveryPointArn: string;
  /** Where to. */
  destinationBackupVaultArn: string;
  /** What became of it. */
  outcome: RuleCopyOutcome;
  /** The copy job started, found, or (`gave-up`) the newest failed one. */
  copyJobId?: string;
  /** The state ListCopyJobs showed for a job found (`existing`, `in-progress`, `gave-up`). */
  state?: string;
  /** The `IdempotencyToken` sent (`started`), or that would have been sent (`failed`). */
  idempotencyToken?: string;
  /** Why it `failed`. */
  error?: CopyFailure;
}

/** What {@linkcode ensureCopy} needs. */
export interface EnsureCopyRequest {
  /** A client in the recovery point's account and Region. */
  client: BackupClient;
  /** The recovery point to copy. */
  recoveryPointArn: string;
  /** The name of the vault holding it (StartCopyJob `SourceBackupVaultName`). */
  sourceBackupVaultName: string;
  /** The rule: destination, role, lifecycle. */
  rule: CopyRule;
  /** The rule's name, for the result. */
  ruleName: string;
  /** A deliberate additional copy (see `copyIdempotencyToken`): existing copies do not count. */
  copyKey?: string | undefined;
  /** FAILED copies after which no new one is started. */
  maxFailedCopies: number;
  /** The copies already looked up (a sweep lists them in bulk); else ListCopyJobs is asked. */
  copies?: CopiesOfRecoveryPoint | undefined;
  /** Aborts at once: rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
}

/**
 * Makes sure the copy exists or is on its way; starts it when it is neither. Never throws for a
 * failed call (the result says `failed`); rejects only with the signal's reason.
 */
export async function ensureCopy(request: EnsureCopyRequest): Promise<RuleCopy> {
  const { client, recoveryPointArn, rule, signal } = request;
  const destination = rule.destinationBackupVaultArn;
  const result: RuleCopy = {
    rule: request.ruleName,
    recoveryPointArn,
    destinationBackupVaultArn: destination,
    outcome: "failed",
  };
  try {
    let retryOf: string | undefined;
    if (request.copyKey === undefined) {
      const copies = request.copies ??
        await findCopiesOf(client, recoveryPointArn, destination, { signal });
      const decision = decideCopy(copies, request.maxFailedCopies);
      if (decision.action === "start") {
        retryOf = decision.retryOf;
      } else {
        const outcome = decision.action === "exists"
          ? "existing"
          : decision.action === "give-up"
          ? "gave-up"
          : "in-progress";
        return { ...result, outcome, ...jobOf(decision.job) };
      }
    }
    result.idempotencyToken = await copyIdempotencyToken(recoveryPointArn, destination, {
      retryOf,
      copyKey: request.copyKey,
    });
    const output = await startCopyJob(client, {
      RecoveryPointArn: recoveryPointArn,
      SourceBackupVaultName: request.sourceBackupVaultName,
      DestinationBackupVaultArn: destination,
      IamRoleArn: rule.iamRoleArn,
      IdempotencyToken: result.idempotencyToken,
      ...(rule.lifecycle ? { Lifecycle: rule.lifecycle } : {}),
    }, { signal });
    // AWS documents a repeated token as "a success message with no action taken"; should that
    // answer not name the job, ListCopyJobs does.
    let copyJobId = output.CopyJobId;
    if (!copyJobId) {
      const copies = await findCopiesOf(client, recoveryPointArn, destination, { signal });
      copyJobId = (copies.done ?? copies.inProgress)?.CopyJobId;
    }
    if (!copyJobId) {
      result.error = {
        name: "InvalidResponse",
        message: "StartCopyJob answered no CopyJobId and ListCopyJobs shows no copy job",
        retryable: true,
        throttling: false,
      };
      return result;
    }
    return { ...result, outcome: "started", copyJobId };
  } catch (error) {
    signal?.throwIfAborted();
    result.error = copyFailure(error);
    return result;
  }
}

function jobOf(job: CopyJob): { copyJobId?: string; state?: string } {
  return {
    ...(job.CopyJobId ? { copyJobId: job.CopyJobId } : {}),
    ...(job.State ? { state: job.State } : {}),
  };
}

/**
 * A failed call as a {@linkcode CopyFailure}: retryable when the service was at fault or asked
 * to slow down, or no (whole) answer arrived.
 */
export function copyFailure(error: unknown): CopyFailure {
  const name = error instanceof Error ? error.name : "Error";
  const message = error instanceof Error ? error.message : String(error);
  // StartCopyJob carries a token and the lookups only read: every call here may be repeated.
  const kind = retryKind(error, true);
  const retryable = kind !== undefined ||
    (error instanceof ServiceException && error.$fault === "server") ||
    error instanceof NetworkError || error instanceof RequestTimeoutError ||
    error instanceof DeserializationError;
  return { name, message, retryable, throttling: kind === "throttling" };
}

/**
 * A failure to get a client (the `clients` function threw) as a {@linkcode CopyFailure}: nothing
 * was sent to AWS Backup. A mistake that trying again cannot fix — a `ValidationError`, a
 * `WrongRegionError` — is permanent; an AWS Backup error is judged as {@linkcode copyFailure}
 * judges it; anything else (STS throttled or unreachable while assuming a role, a secret store
 * timing out) may pass, so it is retryable.
 */
export function clientFailure(error: unknown): CopyFailure {
  const failure = copyFailure(error);
  if (error instanceof ServiceException || error instanceof WrongRegionError) return failure;
  return { ...failure, retryable: failure.name !== "ValidationError" };
}
