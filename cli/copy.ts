/**
 * `npx -y deno@2.9.6 task copy -- --recovery-point-arn ARN --source-vault NAME
 * --destination-vault-arn ARN --iam-role-arn ARN [--wait] [--dry-run] [--json] …`
 *
 * Starts a copy job against AWS (or any endpoint) with credentials from the standard
 * environment variables: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
 * AWS_REGION (or AWS_DEFAULT_REGION), AWS_ENDPOINT_URL_BACKUP (or AWS_ENDPOINT_URL). `--dry-run` checks everything and prints the request it
 * would send (without its signature or session token) and sends nothing. Exit 0 on success, 1
 * when AWS refused or the job (with `--wait`) ended FAILED or PARTIAL, 2 on bad usage; with
 * `--json`, stdout holds one JSON document either way (`"ok": false` and the error on failure).
 *
 * @module
 */

import {
  buildSignedRequest,
  type CopyJob,
  startCopyJob,
  ValidationError,
  waitForCopyJob,
} from "../mod.ts";
import {
  roleArnIssue,
  sameVaultIssues,
  sourceVaultArnOf,
  vaultArnIssue,
} from "../jobs/option_checks.ts";
import {
  clientFromFlags,
  clientSettings,
  integerFlag,
  parseFlags,
  requireFlags,
  type Setting,
  TASK,
  UsageError,
  usageError,
  wantsJson,
} from "./args.ts";
import { EXIT_FAILED, EXIT_OK, redactingIo, reportFailure, secretsOf } from "./failure.ts";
import { type CliIo, STANDARD_IO } from "./io.ts";

const USAGE = `Usage: ${TASK} copy -- --recovery-point-arn ARN --source-vault NAME \\
  --destination-vault-arn ARN --iam-role-arn ARN [--wait] [--dry-run] [--json] \\
  [--endpoint URL] [--region R] [--delete-after-days N] [--idempotency-token T]

  --wait                  wait for the job to end; exit 1 if it ends FAILED or PARTIAL
  --dry-run               check everything, print the request (unsigned), send nothing
  --json                  print the result, or the error, as JSON on stdout
Credentials: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN; Region: --region,
AWS_REGION or AWS_DEFAULT_REGION (one AWS lists); endpoint: --endpoint, AWS_ENDPOINT_URL_BACKUP
or AWS_ENDPOINT_URL (https:, or http: to a loopback host), none with
AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true.`;

/** StartCopyJob members by the flag that sets them, to name the flag in messages. */
const FLAG_OF: Record<string, string> = {
  RecoveryPointArn: "--recovery-point-arn",
  SourceBackupVaultName: "--source-vault",
  DestinationBackupVaultArn: "--destination-vault-arn",
  destinationBackupVaultArn: "--destination-vault-arn",
  IamRoleArn: "--iam-role-arn",
  IdempotencyToken: "--idempotency-token",
  "Lifecycle.DeleteAfterDays": "--delete-after-days",
};

/** Headers a dry run does not print: they carry the signature and the session token. */
const NOT_SHOWN = ["authorization", "x-amz-security-token"];

/** Runs the CLI; returns the exit code. */
export async function main(
  args: string[],
  env: Record<string, string> = Deno.env.toObject(),
  output: CliIo = STANDARD_IO,
): Promise<number> {
  // Nothing printed holds the secret key or the session token, whatever an error quotes.
  const io = redactingIo(output, secretsOf(env));
  const json = wantsJson(args);
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
      "dry-run": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    });
    if (values.help) {
      io.out(`${USAGE}\n`);
      return EXIT_OK;
    }
    requireFlags(values, [
      "recovery-point-arn",
      "source-vault",
      "destination-vault-arn",
      "iam-role-arn",
    ]);
    const days = integerFlag("delete-after-days", values["delete-after-days"], 1);
    // The shapes the model leaves open (any string is an ARN to it), before the credentials.
    const arnIssues = [
      ...vaultArnIssue("DestinationBackupVaultArn", values["destination-vault-arn"]),
      ...roleArnIssue("IamRoleArn", values["iam-role-arn"]),
      // Into the vault the recovery point is in: AWS Backup would refuse it (a dry run too).
      ...sameVaultIssues(
        sourceVaultArnOf(values["recovery-point-arn"]!, values["source-vault"]!),
        values["destination-vault-arn"]!,
      ),
    ];
    if (arnIssues.length) {
      throw usageError(new ValidationError("copy flags", arnIssues), FLAG_OF);
    }
    const settings = clientSettings(values, env);
    const client = clientFromFlags(settings, env);
    sourceRegionCheck(values["recovery-point-arn"]!, settings.region);
    const input = {
      RecoveryPointArn: values["recovery-point-arn"]!,
      SourceBackupVaultName: values["source-vault"]!,
      DestinationBackupVaultArn: values["destination-vault-arn"]!,
      IamRoleArn: values["iam-role-arn"]!,
      IdempotencyToken: values["idempotency-token"],
      Lifecycle: days === undefined ? undefined : { DeleteAfterDays: days },
    };
    const asUsage = (e: unknown) => {
      throw usageError(e, FLAG_OF);
    };
    if (values["dry-run"]) {
      const request = await buildSignedRequest(client, startCopyJob, input).catch(asUsage);
      const shown = await requestJson(request, values["idempotency-token"] === undefined);
      io.out(json ? `${JSON.stringify({ ok: true, ...shown }, null, 2)}\n` : requestText(shown));
      return EXIT_OK;
    }
    const started = await startCopyJob(client, input).catch(asUsage);
    if (!json) io.out(`CopyJobId ${started.CopyJobId}\n`);
    let job: CopyJob | undefined;
    if (values.wait) {
      job = await waitForCopyJob(client, { CopyJobId: started.CopyJobId! }, {
        onProgress: ({ state, elapsedMs }) =>
          io.err(`${state} after ${Math.round(elapsedMs / 1000)} s\n`),
      });
      if (!json) io.out(`${JSON.stringify(job, null, 2)}\n`);
    }
    // A PARTIAL copy is not a copy of everything: it is reported, and it is not success.
    const ok = job?.State !== "PARTIAL";
    if (json) {
      const { $metadata, ...output } = started;
      const result = { ok, ...output, requestId: $metadata.requestId, ...(job ? { job } : {}) };
      io.out(`${JSON.stringify(result, null, 2)}\n`);
    }
    if (!ok) io.err(`Copy job ${job!.CopyJobId} ended PARTIAL: ${job!.StatusMessage ?? ""}\n`);
    return ok ? EXIT_OK : EXIT_FAILED;
  } catch (e) {
    return reportFailure(e, io, { json, usage: USAGE });
  }
}

/**
 * StartCopyJob is called in the Region of the source recovery point (it is in the source vault,
 * "in the AWS Region where they are created"): a recovery point ARN naming another Region than
 * the client's is refused before anything is sent (AWS would not find it there; a dry run would
 * show a request that cannot work). An ARN with no Region field is left to AWS.
 * @throws {UsageError} naming --recovery-point-arn, the Region's flag or variable, both Regions.
 */
function sourceRegionCheck(recoveryPointArn: string, region: Setting): void {
  const [arn, , , arnRegion] = recoveryPointArn.split(":");
  if (arn !== "arn" || !arnRegion || arnRegion === region.value) return;
  throw new UsageError(
    `--recovery-point-arn is in ${arnRegion}, but ${region.source} is ${region.value}: ` +
      `StartCopyJob is called in the Region of the source recovery point; give --region ` +
      `${arnRegion}`,
  );
}

/** What a dry run shows of the request: everything but the signature and the session token. */
interface ShownRequest {
  dryRun: true;
  operation: "StartCopyJob";
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  /** Why the token differs from run to run, when it was not given. */
  note?: string;
}

async function requestJson(request: Request, tokenGenerated: boolean): Promise<ShownRequest> {
  const headers: Record<string, string> = {};
  for (const [name, value] of request.headers) {
    headers[name] = NOT_SHOWN.includes(name) ? "(not shown)" : value;
  }
  const text = await request.text();
  return {
    dryRun: true,
    operation: "StartCopyJob",
    method: request.method,
    url: request.url,
    headers,
    body: text ? JSON.parse(text) : undefined,
    ...(tokenGenerated
      ? { note: "IdempotencyToken was generated for this dry run; a real run generates another" }
      : {}),
  };
}

function requestText(shown: ShownRequest): string {
  return [
    `Dry run: nothing was sent. StartCopyJob would send (signature not shown):`,
    `${shown.method} ${shown.url}`,
    ...Object.entries(shown.headers).map(([name, value]) => `${name}: ${value}`),
    "",
    JSON.stringify(shown.body, null, 2),
    ...(shown.note ? [`(${shown.note}.)`] : []),
    "",
  ].join("\n");
}

if (import.meta.main) Deno.exit(await main(Deno.args));
