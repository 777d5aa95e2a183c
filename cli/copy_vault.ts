/**
 * `npx -y deno@2.9.6 task copy-vault -- --source-vault NAME --destination-vault-arn ARN
 * --iam-role-arn ARN …`: copies the recovery points of a vault to another vault with
 * `copyRecoveryPoints` — resumable with `--run-id` and `--checkpoint`, with live progress, a
 * report, and an exit code: 0 when everything selected was copied (or, with `--dry-run`, listed),
 * 1 when some copies failed or did not end or the run could not start, 2 on bad usage, 130 when
 * interrupted with Ctrl-C (it prints what was done and the command that resumes the run).
 *
 * Progress goes to stderr (a live display on a terminal, one line per event otherwise); the
 * report goes to stdout (a table, or JSON with `--json`, failures included). The progress display
 * and the report live in their own modules (`copy_progress.ts`, `copy_report.ts`,
 * `progress_line.ts`), so another mode of the command can reuse them.
 *
 * @module
 */

import { type CheckpointStore, copyRecoveryPoints } from "../mod.ts";
import { FileCheckpointStore } from "../jobs/checkpoint_file.ts";
import {
  clientFromFlags,
  flagsWithout,
  integerFlag,
  parseFlags,
  requireFlags,
  shellCommand,
  TASK,
  UsageError,
  usageError,
  wantsJson,
} from "./args.ts";
import { CopyProgressDisplay } from "./copy_progress.ts";
import {
  interruptedJson,
  interruptedTable,
  reportJson,
  reportTable,
  type ResumeAdvice,
  resumeText,
} from "./copy_report.ts";
import {
  EXIT_FAILED,
  EXIT_INTERRUPTED,
  EXIT_OK,
  redactingIo,
  reportFailure,
  secretsOf,
} from "./failure.ts";
import { type CliIo, STANDARD_IO } from "./io.ts";

const USAGE = `Usage: ${TASK} copy-vault -- --source-vault NAME --destination-vault-arn ARN \\
  --iam-role-arn ARN [--created-after DATE] [--created-before DATE] [--resource-type T]... \\
  [--resource-arn ARN]... [--concurrency N] [--run-id ID] [--checkpoint FILE] [--dry-run] \\
  [--json] [--endpoint URL] [--region R] [--delete-after-days N] [--max-wait-ms N] \\
  [--poll-interval-ms N]

  --source-vault NAME          vault to copy from (in --region and the credentials' account)
  --destination-vault-arn ARN  vault to copy to (another Region or account)
  --iam-role-arn ARN           role AWS Backup copies with
  --created-after DATE         only recovery points created after DATE (2026-03-02 or ISO 8601)
  --created-before DATE        only recovery points created before DATE
  --resource-type T            only this resource type (EBS, RDS, DynamoDB, …); repeatable
  --resource-arn ARN           only recovery points of this resource; repeatable
  --concurrency N              copy jobs in flight at once (default 4)
  --run-id ID                  name of the run; the same ID (and checkpoint) resumes it
  --checkpoint FILE            JSON file recording progress, for resuming after a crash or Ctrl-C
  --dry-run                    list what would be copied and why the rest is skipped
  --json                       print the report (or the error) as JSON on stdout
  --delete-after-days N        lifecycle of the copies
  --max-wait-ms N              stop waiting after N ms; unfinished copies resume on a rerun
  --poll-interval-ms N         first delay between polls of a job (default 5000)
Credentials: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION.
Exit status: 0 all copied (or listed), 1 some not copied or the run failed, 2 bad usage,
130 interrupted (Ctrl-C; it prints how to resume).`;

const FLAGS = {
  "source-vault": { type: "string" },
  "destination-vault-arn": { type: "string" },
  "iam-role-arn": { type: "string" },
  "created-after": { type: "string" },
  "created-before": { type: "string" },
  "resource-type": { type: "string", multiple: true },
  "resource-arn": { type: "string", multiple: true },
  concurrency: { type: "string" },
  "run-id": { type: "string" },
  checkpoint: { type: "string" },
  "dry-run": { type: "boolean", default: false },
  json: { type: "boolean", default: false },
  endpoint: { type: "string" },
  region: { type: "string" },
  "delete-after-days": { type: "string" },
  "max-wait-ms": { type: "string" },
  "poll-interval-ms": { type: "string" },
  help: { type: "boolean", default: false },
} as const;

/** copyRecoveryPoints options by the flag that sets them, to name the flag in messages. */
const FLAG_OF: Record<string, string> = {
  sourceBackupVaultName: "--source-vault",
  destinationBackupVaultArn: "--destination-vault-arn",
  iamRoleArn: "--iam-role-arn",
  "lifecycle.DeleteAfterDays": "--delete-after-days",
  runId: "--run-id",
};

/** The reason the run is aborted with on SIGINT. */
class Interrupted extends Error {
  override name = "Interrupted";
}

/**
 * Runs the CLI; returns the exit code. On SIGINT (`io.onInterrupt`) the run stops at once, and
 * the CLI prints what was done and the command that resumes it, and returns 130.
 */
export async function main(
  args: string[],
  env: Record<string, string> = Deno.env.toObject(),
  output: CliIo = STANDARD_IO,
): Promise<number> {
  // Nothing printed holds the secret key or the session token, whatever an error quotes.
  const io = redactingIo(output, secretsOf(env));
  const json = wantsJson(args);
  const interrupt = new AbortController();
  let stopListening = () => {};
  let display: CopyProgressDisplay | undefined;
  let runId = "";
  try {
    const values = parseFlags(args, FLAGS);
    if (values.help) {
      io.out(`${USAGE}\n`);
      return EXIT_OK;
    }
    requireFlags(values, ["source-vault", "destination-vault-arn", "iam-role-arn"]);
    // Every flag's value is checked before the credentials and before anything is printed.
    const days = integerFlag("delete-after-days", values["delete-after-days"], 1);
    const pollIntervalMs = integerFlag("poll-interval-ms", values["poll-interval-ms"], 1);
    const createdAfter = dateFlag("created-after", values["created-after"]);
    const createdBefore = dateFlag("created-before", values["created-before"]);
    const concurrency = integerFlag("concurrency", values.concurrency, 1);
    const maxWaitMs = integerFlag("max-wait-ms", values["max-wait-ms"], 0);
    const checkpoint: CheckpointStore | undefined = values.checkpoint
      ? new FileCheckpointStore(values.checkpoint)
      : undefined;
    runId = values["run-id"] ?? crypto.randomUUID();
    const client = clientFromFlags(values, env);
    const dryRun = values["dry-run"];
    display = new CopyProgressDisplay(io, values["source-vault"]!, dryRun);
    stopListening = io.onInterrupt?.(() => interrupt.abort(new Interrupted("SIGINT"))) ??
      stopListening;
    io.err(
      `Run ${runId}${
        dryRun
          ? " (dry run)"
          : checkpoint
          ? ` (resumable: --run-id ${runId} --checkpoint ${values.checkpoint})`
          : " (no --checkpoint: not resumable)"
      }\n`,
    );
    const report = await copyRecoveryPoints(client, {
      sourceBackupVaultName: values["source-vault"]!,
      destinationBackupVaultArn: values["destination-vault-arn"]!,
      iamRoleArn: values["iam-role-arn"]!,
      createdAfter,
      createdBefore,
      resourceTypes: values["resource-type"],
      resourceArns: values["resource-arn"],
      concurrency,
      maxWaitMs,
      ...(pollIntervalMs === undefined ? {} : {
        pollIntervalMs,
        maxPollIntervalMs: Math.max(pollIntervalMs, 60_000),
      }),
      ...(days === undefined ? {} : { lifecycle: { DeleteAfterDays: days } }),
      runId,
      checkpoint,
      dryRun,
      signal: interrupt.signal,
      onProgress: (event) => display!.show(event),
    }).catch((e) => {
      throw usageError(e, FLAG_OF);
    });
    display.finish();
    io.out(json ? reportJson(report) : reportTable(report));
    return report.ok ? EXIT_OK : EXIT_FAILED;
  } catch (e) {
    if (interrupt.signal.aborted && display) {
      display.end();
      const run = { runId, dryRun: display.dryRun, progress: display.progress };
      const advice = resumeAdvice(args, runId, display.dryRun);
      io.out(json ? interruptedJson(run, advice) : interruptedTable(run));
      io.err(resumeText(run, advice));
      return EXIT_INTERRUPTED;
    }
    display?.clear();
    return reportFailure(e, io, { json, usage: USAGE });
  } finally {
    stopListening();
  }
}

/**
 * The command that goes on after an interruption: the same flags with the run's `--run-id` and
 * a `--checkpoint` (the run's own, or a new file named after the run when it had none).
 */
function resumeAdvice(args: string[], runId: string, dryRun: boolean): ResumeAdvice {
  const values = parseFlags(args, FLAGS);
  if (dryRun) {
    return {
      resumable: false,
      command: `${TASK} copy-vault -- ${shellCommand(flagsWithout(args, FLAGS, []))}`,
    };
  }
  const file = values.checkpoint ?? `copy-vault-${runId.replace(/[^\w.-]/g, "_")}.checkpoint.json`;
  const flags = [
    ...flagsWithout(args, FLAGS, ["run-id", "checkpoint"]),
    "--run-id",
    runId,
    "--checkpoint",
    file,
  ];
  return {
    resumable: values.checkpoint !== undefined,
    command: `${TASK} copy-vault -- ${shellCommand(flags)}`,
  };
}

/** `YYYY-MM-DD` (midnight UTC) or an ISO 8601 date-time. @throws {UsageError} */
function dateFlag(name: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const ok = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(value);
  const date = new Date(value);
  // `new Date` rolls impossible days over (2026-02-30 is March 2): the day must read back.
  const valid = ok && !Number.isNaN(date.getTime());
  if (!valid || (value.length === 10 && date.toISOString().slice(0, 10) !== value)) {
    throw new UsageError(
      `--${name} must be a date (2026-03-02) or an ISO 8601 date-time (2026-03-02T18:00:00Z), got '${value}'`,
    );
  }
  return date;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
