/**
 * The emulator's demo defaults: fake credentials, account, region, seeded vaults and recovery
 * points. Nothing here is a real AWS identifier or secret.
 *
 * @module
 */

import type { RecoveryPointFixture } from "./model.ts";
import type { EmulatorCredential } from "./sigv4.ts";

/** Region the emulator serves by default. */
export const DEMO_REGION = "us-east-1";
/** Account id the emulator owns by default. */
export const DEMO_ACCOUNT_ID = "111122223333";

/** Access key id of the demo credentials (fake). */
export const DEMO_ACCESS_KEY_ID = "AKIDEMULATOR0000EXAMPLE";
/** Secret of the demo credentials (fake). */
export const DEMO_SECRET_ACCESS_KEY = "emulatorSecretKey/NOT/A/REAL/SECRET/EXAMPLE";
/** The demo key pair, accepted by default. */
export const DEMO_CREDENTIALS: EmulatorCredential = Object.freeze({
  accessKeyId: DEMO_ACCESS_KEY_ID,
  secretAccessKey: DEMO_SECRET_ACCESS_KEY,
});
/** Temporary demo credentials with a session token, also accepted by default (fake). */
export const DEMO_SESSION_CREDENTIALS: EmulatorCredential = Object.freeze({
  accessKeyId: "ASIAEMULATOR0000EXAMPLE",
  secretAccessKey: "emulatorSessionSecret/NOT/A/REAL/SECRET/EXAMPLE",
  sessionToken: "emulator-session-token-NOT-A-REAL-TOKEN-EXAMPLE",
});

/** IAM role to pass as `IamRoleArn`. */
export const DEMO_IAM_ROLE_ARN =
  `arn:aws:iam::${DEMO_ACCOUNT_ID}:role/service-role/AWSBackupDefaultServiceRole`;

/** Name of the seeded source vault `Default`. */
export const DEFAULT_VAULT_NAME = "Default";
/** ARN of the seeded source vault `Default`. */
export const DEFAULT_VAULT_ARN =
  `arn:aws:backup:${DEMO_REGION}:${DEMO_ACCOUNT_ID}:backup-vault:${DEFAULT_VAULT_NAME}`;
/** Name of the seeded source vault `dr-vault`. */
export const DR_VAULT_NAME = "dr-vault";
/** ARN of the seeded source vault `dr-vault`. */
export const DR_VAULT_ARN =
  `arn:aws:backup:${DEMO_REGION}:${DEMO_ACCOUNT_ID}:backup-vault:${DR_VAULT_NAME}`;
/** ARN of the seeded destination vault in another region (us-west-2). */
export const DR_VAULT_WEST_ARN =
  `arn:aws:backup:us-west-2:${DEMO_ACCOUNT_ID}:backup-vault:dr-vault-west`;
/** ARN of the seeded destination vault in another account. */
export const CROSS_ACCOUNT_VAULT_ARN =
  "arn:aws:backup:us-east-1:444455556666:backup-vault:central-archive";

/** Every seeded vault; those in the demo region and account can be copy sources. */
export const DEMO_VAULT_ARNS: readonly string[] = Object.freeze([
  DEFAULT_VAULT_ARN,
  DR_VAULT_ARN,
  DR_VAULT_WEST_ARN,
  CROSS_ACCOUNT_VAULT_ARN,
]);

/** Recovery point in `Default` whose copy completes. */
export const RECOVERY_POINT_OK_ARN =
  `arn:aws:backup:${DEMO_REGION}:${DEMO_ACCOUNT_ID}:recovery-point:0b6f4c1e-5d2a-4f53-9a7e-3c1d2e4f5a60`;
/** Recovery point in `Default` whose copy FAILs with {@linkcode FAILING_STATUS_MESSAGE}. */
export const RECOVERY_POINT_FAILING_ARN =
  `arn:aws:backup:${DEMO_REGION}:${DEMO_ACCOUNT_ID}:recovery-point:7c2d9e0f-1a3b-4c5d-8e6f-901a2b3c4d5e`;
/** Recovery point in `dr-vault` whose copy ends PARTIAL with {@linkcode PARTIAL_STATUS_MESSAGE}. */
export const RECOVERY_POINT_PARTIAL_ARN =
  `arn:aws:backup:${DEMO_REGION}:${DEMO_ACCOUNT_ID}:recovery-point:e4a5b6c7-d8e9-4f01-a2b3-c4d5e6f70819`;

/** `StatusMessage` of a copy of {@linkcode RECOVERY_POINT_FAILING_ARN}. */
export const FAILING_STATUS_MESSAGE =
  "Access denied: the destination backup vault access policy does not allow backup:CopyIntoBackupVault.";
/** `StatusMessage` of a copy of {@linkcode RECOVERY_POINT_PARTIAL_ARN}. */
export const PARTIAL_STATUS_MESSAGE =
  "Copy partially completed: 3 of 120 objects could not be copied because they are encrypted with an unsupported KMS key.";

/** Every seeded recovery point. */
export const DEMO_RECOVERY_POINTS: readonly RecoveryPointFixture[] = Object.freeze([
  {
    arn: RECOVERY_POINT_OK_ARN,
    backupVaultName: DEFAULT_VAULT_NAME,
    resourceArn: `arn:aws:dynamodb:${DEMO_REGION}:${DEMO_ACCOUNT_ID}:table/orders`,
    resourceType: "DynamoDB",
    resourceName: "orders",
    backupSizeInBytes: 52_428_800,
  },
  {
    arn: RECOVERY_POINT_FAILING_ARN,
    backupVaultName: DEFAULT_VAULT_NAME,
    resourceArn:
      `arn:aws:elasticfilesystem:${DEMO_REGION}:${DEMO_ACCOUNT_ID}:file-system/fs-0123456789abcdef0`,
    resourceType: "EFS",
    resourceName: "shared-home",
    backupSizeInBytes: 1_073_741_824,
    outcome: "FAILED",
    statusMessage: FAILING_STATUS_MESSAGE,
    messageCategory: "AccessDenied",
  },
  {
    arn: RECOVERY_POINT_PARTIAL_ARN,
    backupVaultName: DR_VAULT_NAME,
    resourceArn: "arn:aws:s3:::backup-edge-demo-assets",
    resourceType: "S3",
    resourceName: "backup-edge-demo-assets",
    backupSizeInBytes: 268_435_456,
    outcome: "PARTIAL",
    statusMessage: PARTIAL_STATUS_MESSAGE,
    messageCategory: "PartialFailure",
  },
]);
