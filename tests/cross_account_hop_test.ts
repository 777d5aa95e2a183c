/**
 * The chain the issue names: a backup completes in account A, a first copy goes to a vault of
 * account B in the same Region, and the Copy Job event of that copy — emitted in account A,
 * where the copy job ran — drives the second hop, from account B to B's vault in another Region,
 * through the client function's client for account B. One emulator per account (each plays its
 * own account's AWS Backup); account A's also plays EventBridge, delivering to the handler.
 * Account B's credentials are not available at first (STS unreachable): the handler answers 503
 * and EventBridge's retry makes the hop once they are.
 */

import assert from "node:assert/strict";
import {
  type BackupClient,
  type CopyRule,
  eventBridgeHandler,
  type HandlerLogRecord,
  type Place,
  sweepCopyRules,
} from "../mod.ts";
import {
  CROSS_ACCOUNT_VAULT_ARN,
  DEFAULT_VAULT_NAME,
  DEMO_ACCOUNT_ID,
  DEMO_IAM_ROLE_ARN,
  DEMO_REGION,
  type Emulator,
  type EmulatorEvent,
  startEmulator,
} from "../emulator/mod.ts";
import { backUp, clientOf } from "./support/backup_events.ts";

const ACCOUNT_B = "444455556666";
const CENTRAL_WEST_ARN = `arn:aws:backup:us-west-2:${ACCOUNT_B}:backup-vault:central-west`;
const ROLE_B = `arn:aws:iam::${ACCOUNT_B}:role/service-role/AWSBackupDefaultServiceRole`;
const KEY = { name: "x-backup-edge-key", value: "cross-account-key-0123456789" };

const RULES: CopyRule[] = [
  {
    name: "to-central",
    sourceBackupVaults: [DEFAULT_VAULT_NAME],
    eventTypes: ["Backup Job State Change"],
    destinationBackupVaultArn: CROSS_ACCOUNT_VAULT_ARN,
    iamRoleArn: DEMO_IAM_ROLE_ARN,
  },
  {
    name: "central-to-west",
    sourceBackupVaults: [CROSS_ACCOUNT_VAULT_ARN],
    eventTypes: ["Copy Job State Change"],
    destinationBackupVaultArn: CENTRAL_WEST_ARN,
    iamRoleArn: ROLE_B,
  },
];

/** A completed backup or copy job: what the rule's event pattern passes on. */
function completedJob(event: EmulatorEvent): boolean {
  return (event["detail-type"] === "Backup Job State Change" ||
    event["detail-type"] === "Copy Job State Change") && event.detail.state === "COMPLETED";
}

Deno.test("cross-account, then cross-Region: the first copy's Copy Job event drives the second hop in account B", async () => {
  await using a = await startEmulator({ jobDurationMs: 200, events: true, recoveryPoints: [] });
  let b: Emulator | undefined;
  const asked: Place[] = [];
  const clients = (place: Place): BackupClient => {
    asked.push(place);
    if (place.accountId === DEMO_ACCOUNT_ID && place.region === DEMO_REGION) return clientOf(a);
    if (place.accountId === ACCOUNT_B && place.region === DEMO_REGION && b) return clientOf(b);
    throw new Error(`no credentials for account ${place.accountId} in ${place.region} yet`);
  };
  const logs: HandlerLogRecord[] = [];
  const handler = eventBridgeHandler({
    client: clients,
    rules: RULES,
    authorization: { apiKey: KEY },
    log: (record) => logs.push(record),
  });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handler);
  try {
    a.setEventDelivery({
      url: `http://127.0.0.1:${server.addr.port}/`,
      authorization: { apiKey: KEY },
      filter: completedJob,
      times: 2,
      maxAttempts: 20,
      retryDelayMs: 50,
    });
    const [backup] = await backUp(a, 1);
    // The first copy lands in account B's vault: B's AWS Backup holds it from then on.
    let hop1 = a.jobs()[0];
    for (let waited = 0; hop1?.State !== "COMPLETED"; waited += 20) {
      assert.ok(waited < 30_000, `no completed first hop: ${JSON.stringify(logs)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
      hop1 = a.jobs()[0];
    }
    b = await startEmulator({
      accountId: ACCOUNT_B,
      jobDurationMs: 200,
      vaults: [CROSS_ACCOUNT_VAULT_ARN, CENTRAL_WEST_ARN],
      recoveryPoints: [{
        arn: hop1.DestinationRecoveryPointArn!,
        backupVaultName: "central-archive",
        resourceArn: hop1.ResourceArn,
        resourceType: hop1.ResourceType,
        backupSizeInBytes: hop1.BackupSizeInBytes,
        creationDateMs: Date.now() - 60_000,
        sourceBackupVaultArn: hop1.SourceBackupVaultArn,
      }],
    });
    await a.settled();

    assert.equal(hop1.SourceRecoveryPointArn, backup);
    assert.equal(hop1.DestinationBackupVaultArn, CROSS_ACCOUNT_VAULT_ARN);
    assert.equal(a.jobs().length, 1, "account A made the first hop only");
    const hop2 = b.jobs();
    assert.equal(hop2.length, 1, "one second hop, however often the event came");
    assert.equal(hop2[0].AccountId, ACCOUNT_B);
    assert.equal(hop2[0].SourceRecoveryPointArn, hop1.DestinationRecoveryPointArn);
    assert.equal(hop2[0].SourceBackupVaultArn, CROSS_ACCOUNT_VAULT_ARN);
    assert.equal(hop2[0].DestinationBackupVaultArn, CENTRAL_WEST_ARN);
    assert.equal(hop2[0].IamRoleArn, ROLE_B);
    // The Copy Job event came from account A (where the copy job ran); the hop was made with
    // account B's client — StartCopyJob never went to A.
    const copyEvents = a.events.filter((e) =>
      e["detail-type"] === "Copy Job State Change" && e.detail.state === "COMPLETED"
    );
    assert.equal(copyEvents.length, 1);
    assert.equal(copyEvents[0].account, DEMO_ACCOUNT_ID);
    assert.ok(asked.some((p) => p.accountId === ACCOUNT_B && p.region === DEMO_REGION));
    assert.equal(
      a.requests.filter((r) => r.operation === "StartCopyJob").length,
      1,
      "only the first hop's StartCopyJob went to account A",
    );
    // Until B's credentials came, the Copy Job event was answered 503 and retried; then 200.
    const copyDeliveries = a.deliveries.filter((d) => d.detailType === "Copy Job State Change");
    assert.ok(copyDeliveries.every((d) => d.status === 200 || d.status === 503));
    assert.equal(copyDeliveries.filter((d) => d.status === 200).length, 2, "both deliveries");
    const hopLogs = logs.filter((l) => l.detailType === "Copy Job State Change");
    assert.deepEqual(
      hopLogs.filter((l) => l.status === 200).map((l) => l.copies?.map((c) => c.rule)),
      [["central-to-west"], ["central-to-west"]],
    );

    // The sweep of account B converges: the second hop exists, nothing more is started.
    const sweep = await sweepCopyRules(clients, { rules: [RULES[1]] });
    assert.equal(sweep.ok, true, JSON.stringify(sweep));
    assert.deepEqual(sweep.entries.map((e) => e.recoveryPointArn), [
      hop1.DestinationRecoveryPointArn,
    ]);
    assert.ok(["in-progress", "existing"].includes(sweep.entries[0].outcome));
    assert.equal(b.jobs().length, 1);
  } finally {
    await server.shutdown();
    await b?.close();
  }
});
