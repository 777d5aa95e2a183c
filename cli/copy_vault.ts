/**
 * `npx -y deno@2.9.6 task copy-vault -- --source-vault NAME --destination-vault-arn ARN
 * --iam-role-arn ARN …`: copies the recovery points of a vault to another vault with
 * `copyRecoveryPoints` — resumable with `--run-id` and `--checkpoint`, with live progress, a
 * report, and an exit code: 0 when everything selected was copied (or, with `--dry-run`, listed),
 * 1 when some copies failed or did not end, the selection took nothing (without `--allow-empty`)
 * or the run could not start, 2 on bad usage, 130 when interrupted with Ctrl-C (it prints what
 * was done and the command that resumes it).
 *
 * `… copy-vault -- --verify --source-vault NAME --destination-vault-arn ARN …` starts nothing: it
 * runs `verifyCopies` with the same selection and says of every selected recovery point whether
 * a completed copy is in the destination vault (`verify_vault.ts`); exit 0 only when every one
 * has one.
 *
 * Progress goes to stderr (a live display on a terminal, one line per event otherwise); the
 * report goes to stdout (a table, or JSON with `--json`, failures included). This file is the
 * flags and the wiring; the progress displays and the reports live in their own modules
 * (`progress_display.ts`, `copy_progress.ts`, `copy_report.ts`, `verify_progress.ts`,
 * `verify_report.ts`).
 *
 * @module
 */

import {
  type CheckpointStore,
  copyRecoveryPoints,
  type CopyRecoveryPointsOptions,
  MemoryCheckpointStore,
  RUN_TARGET_RECORD,
  RunTargetMismatchError,
} from "../mod.ts";
import { checkCopyOptions } from "../jobs/copy_options.ts";
import { targetDifference } from "../jobs/errors.ts";
import { FileCheckpointStore } from "../jobs/checkpoint_file.ts";
import { parseIsoDate } from "../jobs/iso_date.ts";
import { checkRunTarget } from "../jobs/run_target.ts";
import {
  clientFromFlags,
  clientSettings,
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
  Interrupted,
  redactingIo,
  reportFailure,
  secretsOf,
} from "./failure.ts";
import { type CliIo, STANDARD_IO } from "./io.ts";
import { destinationClientFromFlags, verifyVault } from "./verify_vault.ts";

const USAGE = `Usage: ${TASK} copy-vault -- --source-vault NAME --destination-vault-arn ARN \\
  --iam-role-arn ARN [--created-after DATE] [--created-before DATE] [--resource-type T]... \\
  [--resource-arn ARN]... [--concurrency N] [--run-id ID] [--checkpoint FILE] [--dry-run] \\
  [--allow-empty] [--json] [--endpoint URL] [--region R] [--delete-after-days N] \\
  [--max-wait-ms N] [--poll-interval-ms N]
       ${TASK} copy-vault -- --verify --source-vault NAME --destination-vault-arn ARN \\
  [--created-after DATE] [--created-before DATE] [--resource-type T]... [--resource-arn ARN]... \\
  [--read-destination] [--destination-endpoint URL] [--allow-empty] [--json] [--endpoint URL] \\
  [--region R]

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
  --allow-empty                a selection that takes nothing is not a failure
  --json                       print the report (or the error) as JSON on stdout
  --delete-after-days N        lifecycle of the copies
  --max-wait-ms N              stop waiting after N ms; unfinished copies resume on a rerun
  --poll-interval-ms N         first delay between polls of a job (default 5000)
  --verify                     start nothing: say of every selected recovery point whether a
                               completed copy of it is in the destination vault
  --read-destination           with --verify: read the destination vault too (same account, its
                               Region from the ARN): finds copies deleted there, and old ones
  --destination-endpoint URL   with --verify: endpoint of the destination's Region (implies
                               --read-destination)
Credentials: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN; Region: --region,
AWS_REGION or AWS_DEFAULT_REGION (one AWS lists); endpoint: --endpoint, AWS_ENDPOINT_URL_BACKUP
or AWS_ENDPOINT_URL (https:, or http: to a loopback host), none with
AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true.
Exit status: 0 all copied (or listed; with --verify: all have a completed copy), 1 some not
copied (with --verify: some without a completed copy), nothing selected, or the run failed,
2 bad usage, 130 interrupted (Ctrl-C; it prints how to resume).`;

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
  "allow-empty": { type: "boolean", default: false },
  json: { type: "boolean", default: false },
  endpoint: { type: "string" },
  region: { type: "string" },
  "delete-after-days": { type: "string" },
  "max-wait-ms": { type: "string" },
  "poll-interval-ms": { type: "string" },
  verify: { type: "boolean", default: false },
  "read-destination": { type: "boolean", default: false },
  "destination-endpoint": { type: "string" },
  help: { type: "boolean", default: false },
} as const;

/** Flags of a copy that verifying has no use for: given with `--verify`, they are bad usage. */
const COPY_ONLY_FLAGS = [
  "iam-role-arn",
  "concurrency",
  "run-id",
  "checkpoint",
  "dry-run",
  "delete-after-days",
  "max-wait-ms",
  "poll-interval-ms",
] as const;
/** Flags only `--verify` uses. */
const VERIFY_ONLY_FLAGS = ["read-destination", "destination-endpoint"] as const;

/** Options of copyRecoveryPoints and verifyCopies by the flag that sets them, to name the flag. */
const FLAG_OF: Record<string, string> = {
  sourceBackupVaultName: "--source-vault",
  destinationBackupVaultArn: "--destination-vault-arn",
  iamRoleArn: "--iam-role-arn",
  "lifecycle.DeleteAfterDays": "--delete-after-days",
  runId: "--run-id",
  createdAfter: "--created-after",
  createdBefore: "--created-before",
  resourceTypes: "--resource-type",
  resourceArns: "--resource-arn",
  concurrency: "--concurrency",
  maxWaitMs: "--max-wait-ms",
  pollIntervalMs: "--poll-interval-ms",
};

type Values = ReturnType<typeof parseFlags<typeof FLAGS>>;

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
  /** Without --checkpoint: the run's records, saved to a file if it is interrupted. */
  let unsaved: MemoryCheckpointStore | undefined;
  const asUsage = (e: unknown) => usageError(e, FLAG_OF);
  try {
    const values = parseFlags(args, FLAGS);
    if (values.help) {
      io.out(`${USAGE}\n`);
      return EXIT_OK;
    }
    checkModeFlags(values);
    requireFlags(
      values,
      values.verify
        ? ["source-vault", "destination-vault-arn"]
        : ["source-vault", "destination-vault-arn", "iam-role-arn"],
    );
    // Every flag's value is checked before the credentials and before anything is printed.
    const days = integerFlag("delete-after-days", values["delete-after-days"], 1);
    const pollIntervalMs = integerFlag("poll-interval-ms", values["poll-interval-ms"], 1);
    const concurrency = integerFlag("concurrency", values.concurrency, 1);
    const maxWaitMs = integerFlag("max-wait-ms", values["max-wait-ms"], 0);
    const selection = {
      sourceBackupVaultName: values["source-vault"]!,
      destinationBackupVaultArn: values["destination-vault-arn"]!,
      createdAfter: dateFlag("created-after", values["created-after"]),
      createdBefore: dateFlag("created-before", values["created-before"]),
      resourceTypes: values["resource-type"],
      resourceArns: values["resource-arn"],
      allowEmpty: values["allow-empty"],
    };
    const checkpoint: CheckpointStore | undefined = values.checkpoint
      ? new FileCheckpointStore(values.checkpoint)
      : undefined;
    const settings = clientSettings(values, env);
    const client = clientFromFlags(settings, env);
    if (values.verify) {
      const destinationClient = destinationClientFromFlags(
        values,
        env,
        selection.destinationBackupVaultArn,
        settings,
      );
      return await verifyVault({
        client,
        options: { ...selection, destinationClient },
        json,
        io,
        asUsage,
      });
    }
    runId = values["run-id"] ?? crypto.randomUUID();
    const dryRun = values["dry-run"];
    // Kept in memory (as copyRecoveryPoints would), so that Ctrl-C can save what was started.
    if (!checkpoint && !dryRun) unsaved = new MemoryCheckpointStore();
    const options: CopyRecoveryPointsOptions = {
      ...selection,
      iamRoleArn: values["iam-role-arn"]!,
      concurrency,
      maxWaitMs,
      ...(pollIntervalMs === undefined ? {} : {
        pollIntervalMs,
        maxPollIntervalMs: Math.max(pollIntervalMs, 60_000),
      }),
      ...(days === undefined ? {} : { lifecycle: { DeleteAfterDays: days } }),
      runId,
      checkpoint: checkpoint ?? unsaved,
      dryRun,
      signal: interrupt.signal,
    };
    // The library's checks of the options too, named by flag, before anything is printed.
    try {
      checkCopyOptions(options);
    } catch (e) {
      throw asUsage(e);
    }
    const shown = new CopyProgressDisplay(io, values["source-vault"]!, dryRun);
    display = shown;
    stopListening = io.onInterrupt?.(() => interrupt.abort(new Interrupted("SIGINT"))) ??
      stopListening;
    io.err(
      `Run ${runId}${
        dryRun
          ? " (dry run)"
          : checkpoint
          ? ` (resumable: --run-id ${runId} --checkpoint ${values.checkpoint})`
          : ` (no --checkpoint: records kept in memory, saved to ${savedRunFile(runId)} on Ctrl-C)`
      }\n`,
    );
    const report = await copyRecoveryPoints(client, {
      ...options,
      onProgress: (event) => shown.show(event),
    });
    display.finish();
    io.out(json ? reportJson(report) : reportTable(report));
    return report.ok ? EXIT_OK : EXIT_FAILED;
  } catch (e) {
    if (interrupt.signal.aborted && display) {
      display.end();
      const run = { runId, dryRun: display.dryRun, progress: display.progress };
      const advice = resumeAdvice(args, runId, display.dryRun);
      if (unsaved) await saveRun(unsaved, runId, advice, args);
      io.out(json ? interruptedJson(run, advice) : interruptedTable(run));
      io.err(resumeText(run, advice));
      return EXIT_INTERRUPTED;
    }
    display?.clear();
    // A mistake found once the run had begun (the destination is the source vault, the run id
    // is another run's) is bad usage too, named by its flag.
    const usage = e instanceof RunTargetMismatchError ? runTargetUsage(e) : asUsage(e);
    return reportFailure(usage, io, { json, usage: USAGE });
  } finally {
    stopListening();
  }
}

/**
 * Every flag given is used: the flags of a copy with `--verify`, and those of `--verify` without
 * it, are bad usage naming them.
 * @throws {UsageError}
 */
function checkModeFlags(values: Values): void {
  const given = (flags: readonly (keyof Values)[]) =>
    flags.filter((f) => values[f] !== undefined && values[f] !== false).map((f) => `--${f}`);
  const copyOnly = values.verify ? given(COPY_ONLY_FLAGS) : [];
  if (copyOnly.length) {
    throw new UsageError(
      `${copyOnly.join(", ")} ${copyOnly.length > 1 ? "are" : "is"} not used with --verify ` +
        `(verifying starts no copy job): leave ${copyOnly.length > 1 ? "them" : "it"} out`,
    );
  }
  const verifyOnly = values.verify ? [] : given(VERIFY_ONLY_FLAGS);
  if (verifyOnly.length) {
    throw new UsageError(
      `${verifyOnly.join(", ")} only go${verifyOnly.length > 1 ? "" : "es"} with --verify`,
    );
  }
}

/**
 * A run id resumed with other flags than its run's, in one line: the flags that differ, and to
 * use another `--run-id` for a new copy.
 */
function runTargetUsage(e: RunTargetMismatchError): UsageError {
  return new UsageError(
    `--run-id ${e.runId} is a run started with another ${flagDifference(e)}: give this copy ` +
      `another --run-id, or resume that run with its own flags`,
  );
}

/** The flags a run target differs in, and how: `--iam-role-arn (--iam-role-arn: "…" in …)`. */
function flagDifference(e: RunTargetMismatchError): string {
  const flag = (o: string) => FLAG_OF[o === "lifecycle" ? "lifecycle.DeleteAfterDays" : o];
  return `${e.options.map(flag).join(", ")} (` +
    `${targetDifference(e.options, e.stored, e.given, flag)})`;
}

/**
 * Saves the records of an interrupted run that had no `--checkpoint` to the file the resume
 * command names (`copy-vault-<runId>.checkpoint.json` in the working directory), in one atomic
 * write (`FileCheckpointStore`): the resume then follows the jobs this run started — also one
 * that ended FAILED meanwhile, which a resume without them would start again. Nothing to save
 * (interrupted while listing) leaves no file: the resume starts from scratch, as it should. A
 * file holding the same run id with another target (an earlier run saved there) is not written:
 * merged, its records would count as this run's copies. A failed or refused write leaves
 * `advice` not resumable, with the reason, and its command without `--checkpoint` (with it, the
 * file refused or unwritable here would refuse the resume too): the same `--run-id`, whose copies
 * made or under way ListCopyJobs finds under the same idempotency tokens.
 */
async function saveRun(
  records: MemoryCheckpointStore,
  runId: string,
  advice: ResumeAdvice,
  args: string[],
): Promise<void> {
  const file = advice.checkpoint!;
  try {
    const run = await records.list(runId);
    if (run.length) {
      const store = new FileCheckpointStore(file);
      // The file may hold this run id already (an earlier run saved on Ctrl-C): merged only when
      // it copies the same, or the resume would take that run's records for this one's copies.
      const target = run.find((r) => r.recoveryPointArn === RUN_TARGET_RECORD)?.runTarget;
      if (target) checkRunTarget(runId, await store.list(runId), target);
      await store.putAll(runId, run);
    }
    advice.resumable = true;
    if (run.length) advice.saved = file;
  } catch (e) {
    advice.saveError = e instanceof RunTargetMismatchError
      ? `${e.name}: ${file} holds run ${runId}, started with another ${flagDifference(e)}; ` +
        `not overwritten`
      : `${(e as Error).name}: ${(e as Error).message}`;
    advice.command = copyVaultCommand([
      ...flagsWithout(args, FLAGS, ["run-id"]),
      "--run-id",
      runId,
    ]);
    advice.checkpoint = undefined;
  }
}

/** The file an interrupted run without `--checkpoint` is saved to, in the working directory. */
function savedRunFile(runId: string): string {
  return `copy-vault-${runId.replace(/[^\w.-]/g, "_")}.checkpoint.json`;
}

/** The `copy-vault` command with these flags, quoted for a POSIX shell. */
function copyVaultCommand(flags: string[]): string {
  return `${TASK} copy-vault -- ${shellCommand(flags)}`;
}

/**
 * The command that goes on after an interruption: the same flags with the run's `--run-id` and
 * a `--checkpoint` (the run's own, or a new file named after the run when it had none, which
 * {@linkcode saveRun} writes).
 */
function resumeAdvice(args: string[], runId: string, dryRun: boolean): ResumeAdvice {
  const values = parseFlags(args, FLAGS);
  if (dryRun) {
    return { resumable: false, command: copyVaultCommand(flagsWithout(args, FLAGS, [])) };
  }
  const file = values.checkpoint ?? savedRunFile(runId);
  const flags = [
    ...flagsWithout(args, FLAGS, ["run-id", "checkpoint"]),
    "--run-id",
    runId,
    "--checkpoint",
    file,
  ];
  return {
    resumable: values.checkpoint !== undefined,
    command: copyVaultCommand(flags),
    checkpoint: file,
  };
}

/** `YYYY-MM-DD` (midnight UTC) or an ISO 8601 date-time. @throws {UsageError} */
function dateFlag(name: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const ms = parseIsoDate(value);
  if (ms === undefined) {
    throw new UsageError(
      `--${name} must be a date (2026-03-02) or an ISO 8601 date-time (2026-03-02T18:00:00Z), got '${value}'`,
    );
  }
  return new Date(ms);
}

if (import.meta.main) Deno.exit(await main(Deno.args));
