/**
 * The `IdempotencyToken` of each StartCopyJob of a run, derived so that every process running
 * the same run sends the same token for the same copy.
 *
 * @module
 */

/**
 * Derives the StartCopyJob `IdempotencyToken` for copying one recovery point to one vault in one
 * run: SHA-256 (WebCrypto) over the three values, formatted as a UUID version 8 (RFC 9562 §5.8,
 * a name-based UUID whose hash is SHA-256 — the form RFC 9562 Appendix B.2 shows). The model puts
 * no length or pattern on `IdempotencyToken`; a UUID is the form the AWS SDKs fill in, 36
 * characters of `[0-9a-f-]`.
 *
 * The three values are hashed as a JSON array, so no two different triples hash the same text.
 *
 * @param runId names the run (any string).
 * @param recoveryPointArn the source recovery point.
 * @param destinationBackupVaultArn the destination vault.
 * @returns e.g. `"3f2b7c1e-9a4d-8e21-b3c5-0d6e7f809a1b"`: lower case, version 8, RFC variant.
 *
 * @example
 * ```ts
 * import { deriveIdempotencyToken } from "./idempotency_token.ts";
 * const a = await deriveIdempotencyToken("nightly", "arn:…:recovery-point:1", "arn:…:backup-vault:dr");
 * const b = await deriveIdempotencyToken("nightly", "arn:…:recovery-point:1", "arn:…:backup-vault:dr");
 * if (a !== b || !/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(a)) {
 *   throw new Error("not deterministic");
 * }
 * ```
 */
export async function deriveIdempotencyToken(
  runId: string,
  recoveryPointArn: string,
  destinationBackupVaultArn: string,
): Promise<string> {
  const text = JSON.stringify([
    "backup-edge/copy/v1",
    runId,
    recoveryPointArn,
    destinationBackupVaultArn,
  ]);
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
