/**
 * `deno task demo`: the whole flow with no AWS account. Starts the local AWS Backup emulator,
 * starts a copy job with the module, waits for it with a progress line, prints the final job.
 *
 * @module
 */

import { BackupClient, startCopyJob, waitForCopyJob } from "../mod.ts";
import {
  DEFAULT_VAULT_NAME,
  DEMO_CREDENTIALS,
  DEMO_IAM_ROLE_ARN,
  DEMO_REGION,
  DR_VAULT_WEST_ARN,
  RECOVERY_POINT_OK_ARN,
  startEmulator,
} from "../emulator/mod.ts";

await using emulator = await startEmulator({ jobDurationMs: 3000 });
console.log(`AWS Backup emulator listening on ${emulator.url} (region ${DEMO_REGION})`);

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
    const line = `\r  poll ${poll}: ${state?.padEnd(9)} after ${(elapsedMs / 1000).toFixed(1)} s`;
    Deno.stdout.writeSync(encoder.encode(line));
  },
});
console.log("\nFinal job:");
console.log(JSON.stringify(job, null, 2));
