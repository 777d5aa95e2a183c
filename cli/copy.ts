/**
 * `deno task copy -- --recovery-point-arn ARN --source-vault NAME --destination-vault-arn ARN
 * --iam-role-arn ARN [--wait] [--endpoint URL] [--region R] [--delete-after-days N]`
 *
 * Starts a copy job against AWS (or any endpoint) with credentials from the standard
 * environment variables: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
 * AWS_REGION (or AWS_DEFAULT_REGION).
 *
 * @module
 */

import { parseArgs } from "node:util";
import { BackupClient, startCopyJob, ValidationError, waitForCopyJob } from "../mod.ts";

const USAGE = `Usage: deno task copy -- --recovery-point-arn ARN --source-vault NAME \\
  --destination-vault-arn ARN --iam-role-arn ARN [--wait] [--endpoint URL] [--region R] \\
  [--delete-after-days N] [--idempotency-token T]`;

/** Runs the CLI; returns the exit code. */
export async function main(args: string[], env = Deno.env.toObject()): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      "recovery-point-arn": { type: "string" },
      "source-vault": { type: "string" },
      "destination-vault-arn": { type: "string" },
      "iam-role-arn": { type: "string" },
      "delete-after-days": { type: "string" },
      "idempotency-token": { type: "string" },
      endpoint: { type: "string" },
      region: { type: "string" },
      wait: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const region = values.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region || !env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY) {
    console.error(
      "Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_REGION or --region).\n" + USAGE,
    );
    return 2;
  }
  try {
    const client = new BackupClient({
      region,
      endpoint: values.endpoint,
      credentials: {
        accessKeyId: env.AWS_ACCESS_KEY_ID,
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
        sessionToken: env.AWS_SESSION_TOKEN || undefined,
      },
    });
    const days = values["delete-after-days"];
    const started = await startCopyJob(client, {
      RecoveryPointArn: values["recovery-point-arn"]!,
      SourceBackupVaultName: values["source-vault"]!,
      DestinationBackupVaultArn: values["destination-vault-arn"]!,
      IamRoleArn: values["iam-role-arn"]!,
      IdempotencyToken: values["idempotency-token"],
      Lifecycle: days === undefined ? undefined : { DeleteAfterDays: Number(days) },
    });
    console.log(`CopyJobId ${started.CopyJobId}`);
    if (values.wait) {
      const job = await waitForCopyJob(client, { CopyJobId: started.CopyJobId! }, {
        onProgress: ({ state, elapsedMs }) =>
          console.error(`${state} after ${Math.round(elapsedMs / 1000)} s`),
      });
      console.log(JSON.stringify(job, null, 2));
    }
    return 0;
  } catch (e) {
    if (e instanceof ValidationError) {
      console.error(`${e.message}\n${USAGE}`);
      return 2;
    }
    console.error(`${(e as Error).name}: ${(e as Error).message}`);
    return 1;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
