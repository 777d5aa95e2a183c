/**
 * `deno task copy -- --recovery-point-arn ARN --source-vault NAME --destination-vault-arn ARN
 * --iam-role-arn ARN [--wait] [--endpoint URL] [--region R] [--delete-after-days N]
 * [--idempotency-token T]`
 *
 * Starts a copy job against AWS (or any endpoint) with credentials from the standard
 * environment variables: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
 * AWS_REGION (or AWS_DEFAULT_REGION). Exit 0 on success, 1 when AWS refused or the job failed,
 * 2 on bad usage.
 *
 * @module
 */

import { startCopyJob, waitForCopyJob } from "../mod.ts";
import {
  clientFromFlags,
  integerFlag,
  parseFlags,
  requireFlags,
  UsageError,
  usageError,
} from "./args.ts";

const USAGE = `Usage: deno task copy -- --recovery-point-arn ARN --source-vault NAME \\
  --destination-vault-arn ARN --iam-role-arn ARN [--wait] [--endpoint URL] [--region R] \\
  [--delete-after-days N] [--idempotency-token T]`;

/** StartCopyJob members by the flag that sets them, to name the flag in messages. */
const FLAG_OF: Record<string, string> = {
  RecoveryPointArn: "--recovery-point-arn",
  SourceBackupVaultName: "--source-vault",
  DestinationBackupVaultArn: "--destination-vault-arn",
  IamRoleArn: "--iam-role-arn",
  IdempotencyToken: "--idempotency-token",
  "Lifecycle.DeleteAfterDays": "--delete-after-days",
};

/** Runs the CLI; returns the exit code. */
export async function main(args: string[], env = Deno.env.toObject()): Promise<number> {
  try {
    const values = parseFlags(args, {
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
    });
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    requireFlags(values, [
      "recovery-point-arn",
      "source-vault",
      "destination-vault-arn",
      "iam-role-arn",
    ]);
    const days = integerFlag("delete-after-days", values["delete-after-days"], 1);
    const client = clientFromFlags(values, env);
    const started = await startCopyJob(client, {
      RecoveryPointArn: values["recovery-point-arn"]!,
      SourceBackupVaultName: values["source-vault"]!,
      DestinationBackupVaultArn: values["destination-vault-arn"]!,
      IamRoleArn: values["iam-role-arn"]!,
      IdempotencyToken: values["idempotency-token"],
      Lifecycle: days === undefined ? undefined : { DeleteAfterDays: days },
    }).catch((e) => {
      throw usageError(e, FLAG_OF);
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
    if (e instanceof UsageError) {
      console.error(`${e.message}\n${USAGE}`);
      return 2;
    }
    console.error(`${(e as Error).name}: ${(e as Error).message}`);
    return 1;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
