/**
 * `npx -y deno@2.9.6 task demo`: the whole flow with no AWS account. Starts the local AWS Backup
 * emulator, starts a copy job with the module, waits for it with a progress line, prints the final
 * job; then copies a whole seeded vault (demo/vault_seed.json: a handful of recovery points, one
 * whose copy fails, one expired) with `npx -y deno@2.9.6 task copy-vault`'s progress display and
 * prints the report.
 *
 * @module
 */

import { BackupClient, startCopyJob, waitForCopyJob } from "../mod.ts";
import {
  DEFAULT_VAULT_NAME,
  DEMO_CREDENTIALS,
  DEMO_IAM_ROLE_ARN,
  DEMO_RECOVERY_POINTS,
  DEMO_REGION,
  DEMO_VAULT_ARNS,
  DR_VAULT_WEST_ARN,
  loadSeedFile,
  RECOVERY_POINT_OK_ARN,
  startEmulator,
} from "../emulator/mod.ts";
import { main as copyVault } from "../cli/copy_vault.ts";

const seed = await loadSeedFile(new URL("./vault_seed.json", import.meta.url));
await using emulator = await startEmulator({
  jobDurationMs: 3000,
  vaults: [...DEMO_VAULT_ARNS, ...seed.vaults],
  recoveryPoints: [...DEMO_RECOVERY_POINTS, ...seed.recoveryPoints],
});
console.log(
  `AWS Backup emulator listening on ${emulator.url} (region ${DEMO_REGION})`,
);

const client = new BackupClient({
  region: DEMO_REGION,
  endpoint: emulator.url,
  credentials: {
    accessKeyId: DEMO_CREDENTIALS.accessKeyId,
    secretAccessKey: DEMO_CREDENTIALS.secretAccessKey,
  },
});

const started = await startCopyJob(client, {
  RecoveryPointArn: RECOVERY_POINT_OK_ARN,
  SourceBackupVaultName: DEFAULT_VAULT_NAME,
  DestinationBackupVaultArn: DR_VAULT_WEST_ARN,
  IamRoleArn: DEMO_IAM_ROLE_ARN,
  Lifecycle: { DeleteAfterDays: 35 },
});
console.log(
  `Started copy job ${started.CopyJobId} at ${started.CreationDate?.toISOString()} ` +
    `(request ${started.$metadata.requestId})`,
);

const encoder = new TextEncoder();
const job = await waitForCopyJob(client, { CopyJobId: started.CopyJobId! }, {
  minDelayMs: 250,
  maxDelayMs: 500,
  maxWaitMs: 60_000,
  onProgress: ({ state, elapsedMs, poll }) => {
    const line = `  poll ${poll}: ${state?.padEnd(9)} after ${(elapsedMs / 1000).toFixed(1)} s`;
    // One line rewritten in place on a terminal; a line per poll when piped.
    Deno.stdout.writeSync(
      encoder.encode(Deno.stdout.isTerminal() ? `\r${line}` : `${line}\n`),
    );
  },
});
if (Deno.stdout.isTerminal()) console.log();
console.log("Final job:");
console.log(JSON.stringify(job, null, 2));

// The product's main job: a whole vault to the DR vault in us-west-2, as
// `npx -y deno@2.9.6 task copy-vault` does it (progress on stderr, the report on stdout).
console.log(
  `\nCopying vault prod (${seed.recoveryPoints.length} recovery points) to ${DR_VAULT_WEST_ARN}:`,
);
const args = [
  "--source-vault",
  "prod",
  "--destination-vault-arn",
  DR_VAULT_WEST_ARN,
  "--iam-role-arn",
  DEMO_IAM_ROLE_ARN,
  "--endpoint",
  emulator.url,
  "--run-id",
  "demo-nightly",
  "--poll-interval-ms",
  "250",
];
console.log(`$ npx -y deno@2.9.6 task copy-vault -- ${args.join(" ")}`);
const code = await copyVault(args, {
  AWS_ACCESS_KEY_ID: DEMO_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: DEMO_CREDENTIALS.secretAccessKey,
  AWS_REGION: DEMO_REGION,
});
console.log(`copy-vault exit code ${code} (1: a copy failed, as seeded)`);
