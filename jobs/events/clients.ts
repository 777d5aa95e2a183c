/**
 * Which client calls AWS Backup for a recovery point: StartCopyJob (and ListCopyJobs) must be
 * called in the account and Region of the vault that holds the recovery point to copy. For a
 * first hop that is where the backup was made; for a second hop it is where the first copy
 * landed — another Region or another account.
 *
 * @module
 */

import type { BackupClient } from "../../generated/client.ts";
import type { Place } from "./event.ts";

/**
 * A client per account and Region, e.g. with credentials of a role assumed in that account.
 * Called once per recovery point and rule; cache clients yourself if building one is costly.
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
 */
export async function clientAt(clients: BackupClients, place: Place): Promise<BackupClient> {
  if (typeof clients === "function") {
    return await clients({ region: place.region, accountId: place.accountId });
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
