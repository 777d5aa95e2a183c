// Deno Deploy: copy the recovery points of an AWS Backup vault to a disaster-recovery vault
// every night, with Deno.cron and a checkpoint in Deno KV. The night's run has one runId; every
// invocation resumes it where the previous one stopped, and none starts a copy twice.
//
// Configuration (environment variables of the app): AWS_REGION, AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials), SOURCE_VAULT,
// DESTINATION_VAULT_ARN, IAM_ROLE_ARN; BACKUP_ENDPOINT (optional) points the client elsewhere,
// e.g. at `npx -y deno@2.9.6 task emulator`. Until they are set and well-formed, the app logs
// {"error":"NotConfigured","missing":[…],"invalid":[…],…} (variables by name, never a secret) and
// copies nothing. Nothing is served over HTTP: the app has no public surface. Locally, from this
// folder of a checkout (deno.json maps the package to it), waiting for the cron, or with --now one
// run at once (any other argument is refused):
//   npx -y deno@2.9.6 run --unstable-kv --unstable-cron --allow-net --allow-env main.ts [--now]
import {
  BackupClient,
  copyRecoveryPoints,
  type CopyReport,
  credentialsFromEnv,
  ResourceNotFoundException,
  RunTargetMismatchError,
  unlistedRegionIssue,
  ValidationError,
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

/** The settings the app needs; unset or "" is missing. */
const REQUIRED = [
  "AWS_REGION",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "SOURCE_VAULT",
  "DESTINATION_VAULT_ARN",
  "IAM_ROLE_ARN",
] as const;

/** Settings the app needs are not set or not usable; names them, never a secret. */
export class NotConfiguredError extends Error {
  /** Always `NotConfiguredError`. */
  override name = "NotConfiguredError";
  /** The variables to set, and those set to something unusable. */
  readonly missing: string[];
  readonly invalid: string[];

  /** @param problems sentences naming the variables. */
  constructor(missing: string[], invalid: string[], problems: string[]) {
    const what = problems.join("; ");
    super(`Not configured: ${what} (the app's environment variables)`);
    this.missing = missing;
    this.invalid = invalid;
  }

  /** The log line: `{"error":"NotConfigured","missing":[…],"invalid":[…],"message":…}`. */
  toJSON(): object {
    const { missing, invalid, message } = this;
    return { error: "NotConfigured", missing, invalid, message };
  }
}

/**
 * The client and the copy's settings from the environment.
 * @throws {NotConfiguredError} naming every variable unset or unusable, before anything is sent.
 */
export function configuration() {
  const missing = REQUIRED.filter((name) => !Deno.env.get(name));
  if (missing.length) {
    throw new NotConfiguredError(
      missing,
      [],
      missing.map((name) => `set ${name}`),
    );
  }
  // A Region this release does not list is a typo far more often than a new Region: AWS would
  // refuse every call's signature.
  const region = unlistedRegionIssue(Deno.env.get("AWS_REGION")!);
  const issues = region ? [{ path: "region", message: region }] : [];
  let client: BackupClient | undefined;
  try {
    client = new BackupClient({
      region: Deno.env.get("AWS_REGION")!,
      credentials: credentialsFromEnv(Deno.env),
      endpoint: Deno.env.get("BACKUP_ENDPOINT") || undefined,
    });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    issues.push(...error.issues);
  }
  if (!client || issues.length) throw notConfigured(issues);
  return {
    client,
    sourceBackupVaultName: Deno.env.get("SOURCE_VAULT")!,
    destinationBackupVaultArn: Deno.env.get("DESTINATION_VAULT_ARN")!,
    iamRoleArn: Deno.env.get("IAM_ROLE_ARN")!,
  };
}

/** The variable behind each option a ValidationError names (client, then copy options). */
const VARIABLE_OF: Record<string, string> = {
  region: "AWS_REGION",
  endpoint: "BACKUP_ENDPOINT",
  sourceBackupVaultName: "SOURCE_VAULT",
  destinationBackupVaultArn: "DESTINATION_VAULT_ARN",
  iamRoleArn: "IAM_ROLE_ARN",
};

/**
 * The issues as a NotConfiguredError naming each variable once, by its first issue (the listed
 * Region's before the client's looser one); credentialsFromEnv names its variables itself.
 */
function notConfigured(issues: readonly { path: string; message: string }[]) {
  const problems = new Map<string, string>();
  for (const { path, message } of issues) {
    const name = VARIABLE_OF[path] ?? path;
    if (!problems.has(name)) problems.set(name, `${name} ${message}`);
  }
  return new NotConfiguredError([], [...problems.keys()], [
    ...problems.values(),
  ]);
}

/**
 * One invocation: resumes (or starts) the run of the night of `now`, in UTC.
 * @throws {NotConfiguredError} a variable named at the top is unset or unusable.
 */
export async function copyTonight(
  kv: Deno.Kv,
  now = new Date(),
): Promise<CopyReport> {
  const { client, ...copy } = configuration();
  const night = now.toISOString().slice(0, 10);
  try {
    return await copyRecoveryPoints(client, {
      ...copy,
      // The same selection and runId in every invocation of the night.
      createdAfter: new Date(Date.parse(night) - LOOKBACK_MS),
      runId: `nightly-${night}`,
      checkpoint: new DenoKvCheckpointStore(kv),
      maxWaitMs: MAX_WAIT_MS,
    });
  } catch (error) {
    if (error instanceof ResourceNotFoundException) {
      // What copyRecoveryPoints throws of it comes from listing the source vault (a copy's own
      // failure is in the report): a vault name AWS does not know is a setting.
      throw notConfigured([{
        path: "sourceBackupVaultName",
        message:
          `names no backup vault in ${client.region} (AWS Backup: ResourceNotFoundException)`,
      }]);
    }
    // The ARNs' shapes are checked before anything is sent, and a destination that is the source
    // vault once its first recovery point is listed: a ValidationError naming the option, here
    // the variable it came from.
    const issues = error instanceof ValidationError ? error.issues : [];
    if (!issues.length || !issues.every(({ path }) => path in VARIABLE_OF)) {
      throw error;
    }
    throw notConfigured(issues);
  }
}

/** One invocation on the app's Deno KV database; logs its totals, or what to configure. */
async function invocation(): Promise<boolean> {
  const kv = await Deno.openKv();
  try {
    const report = await copyTonight(kv);
    console.log(
      JSON.stringify({
        runId: report.runId,
        ok: report.ok,
        totals: report.totals,
      }),
    );
    return report.ok;
  } catch (error) {
    if (error instanceof RunTargetMismatchError) {
      // Tonight's run was started with other settings: its records are not this copy's, so
      // nothing starts; tomorrow night's run takes the new settings.
      const { runId, options } = error;
      console.error(JSON.stringify({ error: "RunTargetMismatch", runId, options }));
      return false;
    }
    if (!(error instanceof NotConfiguredError)) throw error;
    console.error(JSON.stringify(error));
    return false;
  } finally {
    kv.close();
  }
}

// Registered at the top level, where Deno Deploy finds it when the app is deployed. Unconfigured,
// the app says so when it starts and at each invocation, and copies nothing.
Deno.cron("backup-edge nightly vault copy", SCHEDULE, async () => {
  await invocation();
});
// The one argument is --now; any other (a typo such as --nwo) would wait for the cron unseen.
const unknown = import.meta.main ? Deno.args.filter((arg) => arg !== "--now") : [];
if (unknown.length) {
  console.error(`Unknown argument ${unknown[0]}; usage: main.ts [--now] (--now: one run at once)`);
  Deno.exit(2);
}
if (import.meta.main && Deno.args.includes("--now")) {
  Deno.exit(await invocation() ? 0 : 1);
} else {
  try {
    configuration();
  } catch (error) {
    if (!(error instanceof NotConfiguredError)) throw error;
    console.error(JSON.stringify(error));
  }
}
