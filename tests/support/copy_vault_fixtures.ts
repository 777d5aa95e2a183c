/**
 * Seeded vaults for the copy-run tests: a source vault of N recovery points of several resource
 * types, created one hour apart, and the client and options that copy it.
 */

import { BackupClient, type ClientConfig } from "../../mod.ts";
import {
  CROSS_ACCOUNT_VAULT_ARN,
  DEMO_ACCOUNT_ID,
  DEMO_CREDENTIALS,
  DEMO_IAM_ROLE_ARN,
  DEMO_REGION,
  DR_VAULT_WEST_ARN,
  type Emulator,
  type EmulatorSeed,
  type RecoveryPointFixture,
} from "../../emulator/mod.ts";

/** Name of the seeded source vault. */
export const SOURCE_VAULT = "prod";
/** Its ARN. */
export const SOURCE_VAULT_ARN =
  `arn:aws:backup:${DEMO_REGION}:${DEMO_ACCOUNT_ID}:backup-vault:${SOURCE_VAULT}`;
/** A destination vault in the source's Region and account: its copies can be listed. */
export const LOCAL_DR_VAULT_ARN =
  `arn:aws:backup:${DEMO_REGION}:${DEMO_ACCOUNT_ID}:backup-vault:local-dr`;
/** A logically air-gapped vault in another account, where AWS copies backups by itself. */
export const AIR_GAPPED_VAULT_ARN = "arn:aws:backup:us-east-1:777788889999:backup-vault:air-gapped";
/** Creation date of recovery point 0; point i is created i hours later. */
export const FIRST_CREATED_MS = Date.UTC(2026, 2, 1);
const TYPES = ["EBS", "DynamoDB", "RDS", "EFS"] as const;

/** The ARN of recovery point `i` of the seeded vault. */
export function pointArn(i: number): string {
  return `arn:aws:backup:${DEMO_REGION}:${DEMO_ACCOUNT_ID}:recovery-point:rp-${
    String(i).padStart(4, "0")
  }`;
}

/** A seed with `count` recovery points; `tweak` may change each fixture. */
export function vaultSeed(
  count: number,
  tweak: (fixture: RecoveryPointFixture, i: number) => void = () => {},
): EmulatorSeed {
  const recoveryPoints = Array.from({ length: count }, (_, i) => {
    const resourceType = TYPES[i % TYPES.length];
    const fixture: RecoveryPointFixture = {
      arn: pointArn(i),
      backupVaultName: SOURCE_VAULT,
      resourceArn:
        `arn:aws:${resourceType.toLowerCase()}:${DEMO_REGION}:${DEMO_ACCOUNT_ID}:res/${i}`,
      resourceType,
      resourceName: `resource-${i}`,
      backupSizeInBytes: 1_000_000 + i,
      creationDateMs: FIRST_CREATED_MS + i * 3600_000,
    };
    tweak(fixture, i);
    return fixture;
  });
  return {
    vaults: [
      SOURCE_VAULT_ARN,
      DR_VAULT_WEST_ARN,
      CROSS_ACCOUNT_VAULT_ARN,
      LOCAL_DR_VAULT_ARN,
      AIR_GAPPED_VAULT_ARN,
    ],
    recoveryPoints,
  };
}

/** A client of the emulator; `config` adds to or overrides its configuration. */
export function clientOf(emulator: Emulator, config: Partial<ClientConfig> = {}): BackupClient {
  return new BackupClient({
    region: DEMO_REGION,
    endpoint: emulator.url,
    credentials: { ...DEMO_CREDENTIALS },
    ...config,
  });
}

/** Options copying the seeded vault to the us-west-2 vault, polling and retrying fast. */
export const FAST = {
  sourceBackupVaultName: SOURCE_VAULT,
  destinationBackupVaultArn: DR_VAULT_WEST_ARN,
  iamRoleArn: DEMO_IAM_ROLE_ARN,
  pollIntervalMs: 20,
  maxPollIntervalMs: 50,
  retryDelayMs: 10,
  maxRetryDelayMs: 50,
} as const;
