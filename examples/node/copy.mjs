// Start an AWS Backup copy job and wait for it: `node copy.mjs` or `bun copy.mjs`.
// Credentials and Region come from the usual AWS_* environment variables; the job from
// RECOVERY_POINT_ARN, SOURCE_VAULT, DESTINATION_VAULT_ARN and IAM_ROLE_ARN. BACKUP_ENDPOINT
// (optional) points the client elsewhere, e.g. at `npx -y deno@2.9.6 task emulator`.
import {
  BackupClient,
  CallError,
  CopyJobFailedError,
  credentialsFromEnv,
  ServiceException,
  startCopyJob,
  unlistedRegionIssue,
  ValidationError,
  VERSION,
  WaiterTimeoutError,
  waitForCopyJob,
} from "backup-edge";

const env = process.env;
// Unset settings are named (never a value) before anything is sent.
const missing = ["AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "RECOVERY_POINT_ARN"]
  .concat("DESTINATION_VAULT_ARN", "IAM_ROLE_ARN").filter((name) => !env[name]);
if (missing.length) {
  console.error(`NotConfigured: set ${missing.join(", ")} (environment variables)`);
  process.exit(1);
}
/** The variable behind each option or field a ValidationError names. */
const SETTING_OF = {
  region: "AWS_REGION",
  endpoint: "BACKUP_ENDPOINT",
  RecoveryPointArn: "RECOVERY_POINT_ARN",
  SourceBackupVaultName: "SOURCE_VAULT",
  DestinationBackupVaultArn: "DESTINATION_VAULT_ARN",
  IamRoleArn: "IAM_ROLE_ARN",
};
// What the library cannot know, checked before anything is sent. A Region this release does not
// list is a typo far more often than a new Region.
const regionIssue = unlistedRegionIssue(env.AWS_REGION);
const fix = regionIssue ? [`AWS_REGION ${regionIssue}`] : [];
// The recovery point's own vault, when its ARN names the account (arn:…:backup:REGION:ACCOUNT:…):
// never the destination.
const [, partition, service, region, account] = env.RECOVERY_POINT_ARN.split(":");
const sourceVault = env.SOURCE_VAULT || "Default";
const sourceVaultArn = `arn:${partition}:backup:${region}:${account}:backup-vault:${sourceVault}`;
if (service === "backup" && account && env.DESTINATION_VAULT_ARN === sourceVaultArn) {
  fix.push(
    "DESTINATION_VAULT_ARN is the recovery point's own vault (SOURCE_VAULT, in its " +
      "account and Region): a recovery point is never copied into the vault it is in",
  );
}
/** Prints what to fix, by variable (never a value), and stops. */
function notConfigured(problems) {
  console.error(`NotConfigured: fix ${problems.join("; ")} (environment variables)`);
  process.exit(1);
}

try {
  const client = new BackupClient({
    region: env.AWS_REGION, // never guessed: one AWS does not know is named
    // AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and (optional) AWS_SESSION_TOKEN
    credentials: credentialsFromEnv(env),
    endpoint: env.BACKUP_ENDPOINT || undefined,
  });
  if (fix.length) notConfigured(fix);
  const { CopyJobId } = await startCopyJob(client, {
    RecoveryPointArn: env.RECOVERY_POINT_ARN,
    SourceBackupVaultName: sourceVault,
    DestinationBackupVaultArn: env.DESTINATION_VAULT_ARN,
    IamRoleArn: env.IAM_ROLE_ARN,
  });
  console.error(`backup-edge ${VERSION}: copy job ${CopyJobId} started`);
  const job = await waitForCopyJob(client, { CopyJobId }, {
    onProgress: ({ state, elapsedMs }) => console.error(`${state} after ${elapsedMs} ms`),
  });
  console.log(JSON.stringify({ CopyJobId: job.CopyJobId, State: job.State }));
} catch (error) {
  // Every failure of the module is one of these: bad input or config, an AWS error, a call that
  // got no usable answer (network, timeout, unreadable body), or a copy job that failed or ran on.
  // Every input comes from a variable here: a ValidationError names the variables to fix.
  if (error instanceof ValidationError) {
    for (const { path, message } of error.issues) {
      if (!(regionIssue && path === "region")) fix.push(`${SETTING_OF[path] ?? path} ${message}`);
    }
    notConfigured(fix);
  }
  const typed = [
    ServiceException,
    CallError,
    CopyJobFailedError,
    WaiterTimeoutError,
  ];
  if (typed.some((type) => error instanceof type)) {
    console.error(`${error.name}: ${error.message}`);
    process.exitCode = 1;
  } else {
    throw error;
  }
}
