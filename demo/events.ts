/**
 * `npx -y deno@2.9.6 task demo:events`: copy on AWS Backup events, offline. The local emulator
 * plays AWS Backup and EventBridge: a backup job completes, its "Backup Job State Change" event is
 * delivered twice (EventBridge delivers at least once) to `eventBridgeHandler` behind
 * `Deno.serve`, and one copy job is made. Then a request without the connection's key (401), and
 * the scheduled sweep that finds nothing missing.
 *
 * @module
 */

import {
  BackupClient,
  type CopyRule,
  eventBridgeHandler,
  type HandlerLogRecord,
  startBackupJob,
  sweepCopyRules,
} from "../mod.ts";
import {
  DEFAULT_VAULT_NAME,
  DEMO_ACCOUNT_ID,
  DEMO_CREDENTIALS,
  DEMO_IAM_ROLE_ARN,
  DEMO_REGION,
  DR_VAULT_WEST_ARN,
  startEmulator,
} from "../emulator/mod.ts";

const API_KEY = {
  name: "x-backup-edge-key",
  value: "demo-connection-key-0123456789",
};
const rules: CopyRule[] = [{
  name: "default-to-dr-west",
  sourceBackupVaults: [DEFAULT_VAULT_NAME],
  destinationBackupVaultArn: DR_VAULT_WEST_ARN,
  iamRoleArn: DEMO_IAM_ROLE_ARN,
  lifecycle: { DeleteAfterDays: 35 },
}];

await using emulator = await startEmulator({
  jobDurationMs: 1500,
  events: true,
});
const client = new BackupClient({
  region: DEMO_REGION,
  endpoint: emulator.url,
  credentials: { ...DEMO_CREDENTIALS },
});

const handled: HandlerLogRecord[] = [];
const handler = eventBridgeHandler({
  client,
  rules,
  authorization: { apiKey: API_KEY },
  log: (record) => handled.push(record),
});
const server = Deno.serve({
  hostname: "127.0.0.1",
  port: 0,
  onListen: () => {},
}, handler);
const destination = `http://127.0.0.1:${server.addr.port}/`;
console.log(
  `AWS Backup emulator on ${emulator.url}; EventBridge API destination ${destination}`,
);
console.log(`Rule: ${DEFAULT_VAULT_NAME} → ${DR_VAULT_WEST_ARN}`);

// What an EventBridge rule on completed backups, targeting the API destination, would deliver;
// each event twice.
emulator.setEventDelivery({
  url: destination,
  authorization: { apiKey: API_KEY },
  filter: (e) =>
    e["detail-type"] === "Backup Job State Change" &&
    e.detail.state === "COMPLETED",
  times: 2,
});

const resourceArn = `arn:aws:dynamodb:${DEMO_REGION}:${DEMO_ACCOUNT_ID}:table/orders`;
const backup = await startBackupJob(client, {
  BackupVaultName: DEFAULT_VAULT_NAME,
  ResourceArn: resourceArn,
  IamRoleArn: DEMO_IAM_ROLE_ARN,
});
console.log(
  `Backup job ${backup.BackupJobId} started: ${resourceArn} → vault ${DEFAULT_VAULT_NAME}`,
);

// Every job ends and every delivery is answered.
await emulator.settled();
const completed = emulator.events.find((e) =>
  e["detail-type"] === "Backup Job State Change" &&
  e.detail.state === "COMPLETED"
)!;
console.log(
  `Backup Job State Change COMPLETED (event ${completed.id}), delivered twice:`,
);
for (const [i, record] of handled.entries()) {
  const copy = record.copies?.[0];
  console.log(
    `  delivery ${
      i + 1
    }: HTTP ${record.status}, copy ${copy?.outcome}: copy job ${copy?.copyJobId}`,
  );
}

const unauthorized = await fetch(destination, {
  method: "POST",
  body: JSON.stringify(completed),
});
await unauthorized.body?.cancel();
console.log(
  `The same event without the connection's API key: HTTP ${unauthorized.status}`,
);

const sweep = await sweepCopyRules(client, { rules });
console.log(
  `Sweep of the last 3 days: ${sweep.totals.started} started, ` +
    `${sweep.totals.existing + sweep.totals["in-progress"]} already copied`,
);

console.log(`Copy jobs in the emulator: ${emulator.jobs().length}`);
for (const job of emulator.jobs()) {
  console.log(`  ${job.CopyJobId} ${job.State}: ${job.SourceRecoveryPointArn}`);
  console.log(
    `    → ${job.DestinationRecoveryPointArn ?? job.DestinationBackupVaultArn}`,
  );
}
await server.shutdown();
