// Deno Deploy: copy the recovery points of an AWS Backup vault to a disaster-recovery vault
// every night, with Deno.cron and a checkpoint in Deno KV. The night's run has one runId; every
// invocation resumes it where the previous one stopped, and none starts a copy twice.
//
// Configuration (environment variables of the app): AWS_REGION, AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials), SOURCE_VAULT,
// DESTINATION_VAULT_ARN, IAM_ROLE_ARN; BACKUP_ENDPOINT (optional) points the client elsewhere,
// e.g. at `npx -y deno@2.9.6 task emulator`. Nothing is served over HTTP: the app has no
// public surface. Locally:
//   npx -y deno@2.9.6 run --unstable-kv --unstable-cron --allow-net --allow-env main.ts
import {
  BackupClient,
  copyRecoveryPoints,
  type CopyReport,
  credentialsFromEnv,
} from "@backup-edge/backup-edge";
import { DenoKvCheckpointStore } from "@backup-edge/backup-edge/checkpoint-deno-kv";

/** Every 10 minutes from 01:00 to 05:50 UTC: 30 invocations a night resume one run. */
export const SCHEDULE = "*/10 1-5 * * *";
/**
 * How long one invocation waits for copy jobs: below the 10 minutes between invocations. Deno.cron
 * never runs two invocations of a cron at once: "If the next scheduled execution time occurs
 * while the same cron job is still executing, the scheduled execution is skipped"
 * (github.com/denoland/deno/pull/21019; docs.deno.com/examples/cron: "no overlapping cron
 * executions"). Jobs still running then keep running in AWS; the next invocation waits for them
 * instead of starting them again.
 */
export const MAX_WAIT_MS = 8 * 60_000;
/**
 * Recovery points created in the two days before the night are copied: well inside the 30 days of
 * jobs ListCopyJobs lists, so every copy made already is found and none is made twice.
 */
const LOOKBACK_MS = 2 * 24 * 3600_000;

/** An environment variable the app needs is not set; it names the variable, never a value. */
export class MissingSettingError extends Error {
  /** Always `MissingSettingError`. */
  override name = "MissingSettingError";
  /** The variable. */
  readonly variable: string;

  /** @param variable the variable that is not set. */
  constructor(variable: string) {
    super(`The environment variable ${variable} is not set: set it in the app's settings`);
    this.variable = variable;
  }
}

/**
 * One invocation: resumes (or starts) the run of the night of `now`, in UTC.
 * @throws {MissingSettingError} a variable named at the top is not set.
 */
export async function copyTonight(kv: Deno.Kv, now = new Date()): Promise<CopyReport> {
  const setting = (name: string): string => {
    const value = Deno.env.get(name);
    if (!value) throw new MissingSettingError(name);
    return value;
  };
  const night = now.toISOString().slice(0, 10);
  const client = new BackupClient({
    region: setting("AWS_REGION"),
    credentials: credentialsFromEnv(Deno.env),
    endpoint: Deno.env.get("BACKUP_ENDPOINT") || undefined,
  });
  return await copyRecoveryPoints(client, {
    sourceBackupVaultName: setting("SOURCE_VAULT"),
    destinationBackupVaultArn: setting("DESTINATION_VAULT_ARN"),
    iamRoleArn: setting("IAM_ROLE_ARN"),
    // The same selection and runId in every invocation of the night.
    createdAfter: new Date(Date.parse(night) - LOOKBACK_MS),
    runId: `nightly-${night}`,
    checkpoint: new DenoKvCheckpointStore(kv),
    maxWaitMs: MAX_WAIT_MS,
  });
}

// Registered at the top level, where Deno Deploy finds it when the app is deployed.
Deno.cron("backup-edge nightly vault copy", SCHEDULE, async () => {
  const kv = await Deno.openKv();
  try {
    const report = await copyTonight(kv);
    console.log(JSON.stringify({ runId: report.runId, ok: report.ok, totals: report.totals }));
  } finally {
    kv.close();
  }
});
