/**
 * Which client calls AWS Backup for a recovery point: StartCopyJob (and ListCopyJobs) must be
 * called in the account and Region of the vault that holds the recovery point to copy. For a
 * first hop that is where the backup was made; for a second hop it is where the first copy
 * landed — another Region or another account.
 *
 * @module
 */

import type { BackupClient } from "../../generated/client.ts";
import { ValidationError } from "../../runtime/errors.ts";
import type { Place } from "./event.ts";

/**
 * A client per account and Region, e.g. with credentials of a role assumed in that account.
 * Called once per event that a rule takes (and per vault a sweep lists); cache clients yourself
 * if building one is costly. What it throws makes the copies `failed` with nothing sent:
 * retryable (EventBridge tries again) unless it is a `ValidationError` or `WrongRegionError`.
 */
export type BackupClientFor = (place: Place) => BackupClient | Promise<BackupClient>;

/**
 * One client for everything (recovery points in its Region only), or a
 * {@linkcode BackupClientFor} for recovery points in several accounts or Regions.
 */
export type BackupClients = BackupClient | BackupClientFor;

/** The client is for another Region than the recovery point's; nothing was sent. */
export class WrongRegionError extends Error {
  /** Always `WrongRegionError`. */
  override name = "WrongRegionError";
}

/**
 * The client for `place`.
 *
 * @throws {WrongRegionError} a single client whose Region is not `place.region`.
 * @throws {ValidationError} the function gave something else than a `BackupClient` (path `client`).
 * @throws whatever the function throws (e.g. STS throttled while it assumes a role).
 */
export async function clientAt(clients: BackupClients, place: Place): Promise<BackupClient> {
  if (typeof clients === "function") {
    const client: unknown = await clients({ region: place.region, accountId: place.accountId });
    if (!isBackupClient(client)) {
      throw new ValidationError("client function", [{
        path: "client",
        message: `returned ${client === null ? "null" : typeof client}, not a BackupClient, ` +
          `for { region: "${place.region}", accountId: "${place.accountId}" }`,
      }]);
    }
    return client;
  }
  if (clients.region !== place.region) {
    throw new WrongRegionError(
      `The recovery point is in ${place.region} (account ${place.accountId}) but the client ` +
        `calls ${clients.region}: pass a function ({ region, accountId }) => BackupClient to ` +
        "copy from other Regions or accounts",
    );
  }
  return clients;
}

/** Whether `value` looks like a `BackupClient` (a Region and an endpoint). */
export function isBackupClient(value: unknown): value is BackupClient {
  return typeof value === "object" && value !== null &&
    typeof (value as { region?: unknown }).region === "string" &&
    typeof (value as { endpoint?: unknown }).endpoint === "string";
}
