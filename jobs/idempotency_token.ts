/**
 * The StartCopyJob `IdempotencyToken` of a copy, derived from what identifies the copy, so that
 * every process, every EventBridge delivery and every sweep sends the same token for the same
 * copy.
 *
 * @module
 */

import { ValidationError, type ValidationIssue } from "../runtime/errors.ts";
import { describe } from "../runtime/plain_objects.ts";
import { unknownKeyIssues } from "../runtime/unknown_keys.ts";
import { arnIssue, requiredVaultArnIssue } from "./option_checks.ts";

/** Options of {@linkcode copyIdempotencyToken}. */
export interface CopyTokenOptions {
  /**
   * The `CopyJobId` of the FAILED copy job this copy tries again. A retry needs a token of its
   * own (AWS answers a repeated token with the job it already made, the failed one), and every
   * process retrying the same failure must derive the same one.
   */
  retryOf?: string | undefined;
  /**
   * Names a deliberate additional copy of a recovery point that already has one: a different
   * key gives a different token. Absent for "the" copy.
   */
  copyKey?: string | undefined;
}

/**
 * Derives the StartCopyJob `IdempotencyToken` of the copy of one recovery point to one vault:
 * SHA-256 (WebCrypto) over `["backup-edge/copy/v2", recoveryPointArn, destinationBackupVaultArn]`
 * (plus `retryOf` and `copyKey` when given), formatted as a UUID version 8 (RFC 9562 §5.8, a
 * name-based UUID whose hash is SHA-256, the form RFC 9562 Appendix B.2 shows). The model puts no
 * length or pattern on `IdempotencyToken`; a UUID is the form the AWS SDKs fill in.
 *
 * No run id, no process, no time goes in: `copyOnBackupEvent` (every EventBridge delivery of an
 * event) and `copyRecoveryPoints` (every run, every resume) send the same token for the same
 * copy, so AWS Backup answers a repeat with the job it already created.
 *
 * @param recoveryPointArn the source recovery point.
 * @param destinationBackupVaultArn the destination vault.
 * @returns e.g. `"3f2b7c1e-9a4d-8e21-b3c5-0d6e7f809a1b"`: lower case, version 8, RFC variant.
 * @throws {ValidationError} (the promise rejects) `recoveryPointArn` is not an ARN or
 *   `destinationBackupVaultArn` not a backup vault ARN (an unset value would give every such copy
 *   one token, and AWS would fold them into one job); an option is unknown (`retryof` would give
 *   the first copy's token, and AWS would answer the retry with the failed job) or not a string.
 *
 * @example
 * ```ts
 * import { copyIdempotencyToken } from "./idempotency_token.ts";
 * const rp = "arn:aws:ec2:us-east-1::snapshot/snap-0123";
 * const dr = "arn:aws:backup:us-west-2:111122223333:backup-vault:dr";
 * const a = await copyIdempotencyToken(rp, dr);
 * const b = await copyIdempotencyToken(rp, dr);
 * const retry = await copyIdempotencyToken(rp, dr, { retryOf: "JOB-1" });
 * if (a !== b || a === retry || !/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(a)) {
 *   throw new Error("not deterministic");
 * }
 * ```
 */
export function copyIdempotencyToken(
  recoveryPointArn: string,
  destinationBackupVaultArn: string,
  options: CopyTokenOptions = {},
): Promise<string> {
  const arnIssues = copyArnIssues(recoveryPointArn, destinationBackupVaultArn);
  if (arnIssues.length) {
    return Promise.reject(new ValidationError("copyIdempotencyToken arguments", arnIssues));
  }
  const issues = tokenOptionIssues(options);
  if (issues.length) {
    return Promise.reject(new ValidationError("copyIdempotencyToken options", issues));
  }
  const parts = ["backup-edge/copy/v2", recoveryPointArn, destinationBackupVaultArn];
  // Appended only when set, so "the" copy's token never depends on how options were spelled.
  if (options.retryOf !== undefined) parts.push(`retryOf:${options.retryOf}`);
  if (options.copyKey !== undefined) parts.push(`copyKey:${options.copyKey}`);
  return uuidV8(parts);
}

/** Issues with the two ARNs that name a copy: each a string of its ARN's shape. */
function copyArnIssues(recoveryPointArn: unknown, destinationBackupVaultArn: unknown) {
  return [
    ...arnIssue("recoveryPointArn", recoveryPointArn),
    ...requiredVaultArnIssue("destinationBackupVaultArn", destinationBackupVaultArn),
  ];
}

const TOKEN_OPTION_KEYS = ["retryOf", "copyKey"];

function tokenOptionIssues(options: CopyTokenOptions): ValidationIssue[] {
  if (typeof options !== "object" || options === null) {
    return [{ path: "options", message: "must be an object such as { retryOf, copyKey }" }];
  }
  const issues = unknownKeyIssues(options, TOKEN_OPTION_KEYS);
  for (const key of TOKEN_OPTION_KEYS as (keyof CopyTokenOptions)[]) {
    if (options[key] !== undefined && typeof options[key] !== "string") {
      issues.push({ path: key, message: "must be a string" });
    }
  }
  return issues;
}

/**
 * The run-scoped token of backup-edge before `copyIdempotencyToken`: SHA-256 over
 * `["backup-edge/copy/v1", runId, recoveryPointArn, destinationBackupVaultArn]` as a UUID
 * version 8. Checkpoint records written with it keep their token when a run resumes.
 *
 * @throws {ValidationError} (the promise rejects) `runId` is not a string with a character other
 *   than white space, or an ARN is not of its shape (as {@linkcode copyIdempotencyToken}).
 * @deprecated `copyRecoveryPoints` derives {@linkcode copyIdempotencyToken} now, which does not
 * depend on the run, so events and sweeps agree on the token of a copy.
 */
export function deriveIdempotencyToken(
  runId: string,
  recoveryPointArn: string,
  destinationBackupVaultArn: string,
): Promise<string> {
  const issues = copyArnIssues(recoveryPointArn, destinationBackupVaultArn);
  if (typeof runId !== "string" || runId.trim() === "") {
    issues.unshift({
      path: "runId",
      message: `must be a string with a character other than white space, not ${describe(runId)}`,
    });
  }
  if (issues.length) {
    return Promise.reject(new ValidationError("deriveIdempotencyToken arguments", issues));
  }
  return uuidV8(["backup-edge/copy/v1", runId, recoveryPointArn, destinationBackupVaultArn]);
}

/** SHA-256 of the parts as a JSON array (no two lists hash the same text), as a UUID v8. */
async function uuidV8(parts: string[]): Promise<string> {
  const text = JSON.stringify(parts);
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)),
  );
  const bytes = digest.slice(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x80; // version 8
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // variant 10
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${
    hex.slice(20)
  }`;
}
