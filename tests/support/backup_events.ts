/**
 * AWS Backup EventBridge events for the tests, shaped like the examples of the AWS Backup
 * Developer Guide ("Monitoring AWS Backup events using Amazon EventBridge"), with the emulator's
 * account, Region, vaults and recovery points.
 */

import assert from "node:assert/strict";
import { BackupClient, startBackupJob } from "../../mod.ts";
import {
  DEFAULT_VAULT_ARN,
  DEFAULT_VAULT_NAME,
  DEMO_ACCOUNT_ID,
  DEMO_CREDENTIALS,
  DEMO_IAM_ROLE_ARN,
  DEMO_REGION,
  DR_VAULT_WEST_ARN,
  type Emulator,
  type EmulatorEvent,
  type EventDeliveryOptions,
} from "../../emulator/mod.ts";

/** A "Backup Job State Change" of a job that made `recoveryPointArn` in `Default`. */
export function backupJobCompleted(
  recoveryPointArn: string,
  overrides: { id?: string; resources?: string[]; detail?: Record<string, unknown> } = {},
) {
  return {
    version: "0",
    id: overrides.id ?? "dafac799-9b88-0134-26b7-fef4d54a134f",
    "detail-type": "Backup Job State Change",
    source: "aws.backup",
    account: DEMO_ACCOUNT_ID,
    time: "2026-03-02T21:41:17Z",
    region: DEMO_REGION,
    resources: overrides.resources ?? [recoveryPointArn],
    detail: {
      backupJobId: "a827233a-d405-4a86-a440-759fa94f34dd",
      backupSizeInBytes: "36048",
      backupVaultArn: DEFAULT_VAULT_ARN,
      backupVaultName: DEFAULT_VAULT_NAME,
      bytesTransferred: "36048",
      creationDate: "2026-03-02T21:40:31.207Z",
      iamRoleArn: DEMO_IAM_ROLE_ARN,
      resourceArn: `arn:aws:dynamodb:${DEMO_REGION}:${DEMO_ACCOUNT_ID}:table/orders`,
      resourceType: "DynamoDB",
      state: "COMPLETED",
      completionDate: "2026-03-02T21:41:05.921Z",
      startBy: "2026-03-03T05:40:31.207Z",
      percentDone: 100,
      ...overrides.detail,
    },
  };
}

/** A "Copy Job State Change" COMPLETED: `destinationRecoveryPointArn` landed in `destination`. */
export function copyJobCompleted(
  sourceRecoveryPointArn: string,
  destinationVaultArn: string,
  destinationRecoveryPointArn: string,
  overrides: { account?: string; region?: string; sourceVaultArn?: string } = {},
) {
  return {
    version: "0",
    id: "47deb974-6473-aef1-56c2-52c3eaedfceb",
    "detail-type": "Copy Job State Change",
    source: "aws.backup",
    account: overrides.account ?? DEMO_ACCOUNT_ID,
    time: "2026-03-02T22:08:04Z",
    region: overrides.region ?? DEMO_REGION,
    resources: [sourceRecoveryPointArn],
    detail: {
      copyJobId: "0175DE71-5784-589F-D8AC-541ACCB4CAC8",
      backupSizeInBytes: 3221225472,
      creationDate: "2026-03-02T22:06:27.234Z",
      iamRoleArn: DEMO_IAM_ROLE_ARN,
      resourceArn: `arn:aws:dynamodb:${DEMO_REGION}:${DEMO_ACCOUNT_ID}:table/orders`,
      resourceType: "DynamoDB",
      sourceBackupVaultArn: overrides.sourceVaultArn ?? DEFAULT_VAULT_ARN,
      state: "COMPLETED",
      completionDate: "2026-03-02T22:07:58.111Z",
      destinationBackupVaultArn: destinationVaultArn,
      destinationRecoveryPointArn,
    },
  };
}

/** A client of `emulator` (its Region), with retries as configured. */
export function clientOf(emulator: Emulator, maxAttempts = 3): BackupClient {
  return new BackupClient({
    region: emulator.region,
    endpoint: emulator.url,
    credentials: { ...DEMO_CREDENTIALS },
    maxAttempts,
  });
}

/** Top-level copy jobs per "source → destination". */
export function jobCounts(emulator: Emulator): Map<string, number> {
  const counts = new Map<string, number>();
  for (const job of emulator.jobs()) {
    if (job.ParentJobId) continue;
    const key = `${job.SourceRecoveryPointArn} → ${job.DestinationBackupVaultArn}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** Starts `count` backup jobs of new EBS volumes into `vault`; returns their recovery points. */
export async function backUp(
  emulator: Emulator,
  count: number,
  vault = DEFAULT_VAULT_NAME,
): Promise<string[]> {
  const client = clientOf(emulator);
  const points: string[] = [];
  for (let i = 0; i < count; i++) {
    const volume = crypto.randomUUID().replaceAll("-", "").slice(0, 17);
    const { RecoveryPointArn } = await startBackupJob(client, {
      BackupVaultName: vault,
      ResourceArn: `arn:aws:ec2:${DEMO_REGION}:${DEMO_ACCOUNT_ID}:volume/vol-${volume}`,
      IamRoleArn: DEMO_IAM_ROLE_ARN,
    });
    points.push(RecoveryPointArn!);
  }
  return points;
}

/** The event pattern of an EventBridge rule on completed backups. */
export function isCompletedBackup(event: EmulatorEvent): boolean {
  return event["detail-type"] === "Backup Job State Change" && event.detail.state === "COMPLETED";
}

/** Delivery to `url` of what an EventBridge rule on completed backups passes on, with an API key. */
export function completedBackupsTo(
  url: string,
  apiKey: { name: string; value: string },
  more: Partial<EventDeliveryOptions> = {},
): EventDeliveryOptions {
  return { url, authorization: { apiKey }, filter: isCompletedBackup, ...more };
}

/** Each recovery point has exactly one copy job to `destination`, and there is no other job. */
export function assertOneCopyEach(
  emulator: Emulator,
  points: string[],
  destination = DR_VAULT_WEST_ARN,
): void {
  const counts = jobCounts(emulator);
  for (const point of points) {
    assert.equal(counts.get(`${point} → ${destination}`), 1, `one copy of ${point}`);
  }
  assert.equal(emulator.jobs().length, points.length, "no other copy job");
}
