/**
 * `deno task copy-vault -- --source-vault NAME --destination-vault-arn ARN --iam-role-arn ARN …`:
 * copies the recovery points of a vault to another vault with `copyRecoveryPoints` — resumable
 * with `--run-id` and `--checkpoint`, with live progress, a report, and an exit code: 0 when
 * everything selected was copied (or, with `--dry-run`, listed), 1 when some copies failed or did
 * not end, 2 on bad usage.
 *
 * Progress goes to stderr (a live display on a terminal, one line per event otherwise); the
 * report goes to stdout (a table, or JSON with `--json`).
 *
 * @module
 */

import {
  type CheckpointStore,
  type CopyProgressEvent,
  copyRecoveryPoints,
  type CopyReport,
  type CopyReportEntry,
  type CopyTotals,
  reportToJson,
} from "../mod.ts";
import { FileCheckpointStore } from "../jobs/checkpoint_file.ts";
import {
  clientFromFlags,
  integerFlag,
  parseFlags,
  requireFlags,
  UsageError,
  usageError,
} from "./args.ts";

const USAGE = `Usage: deno task copy-vault -- --source-vault NAME --destination-vault-arn ARN \\
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
  --checkpoint FILE            JSON file recording progress, for resuming after a crash
  --dry-run                    list what would be copied and why the rest is skipped
  --json                       print the report as JSON
  --delete-after-days N        lifecycle of the copies
  --max-wait-ms N              stop waiting after N ms; unfinished copies resume on a rerun
  --poll-interval-ms N         first delay between polls of a job (default 5000)
Credentials: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION.`;

/** copyRecoveryPoints options by the flag that sets them, to name the flag in messages. */
const FLAG_OF: Record<string, string> = {
  sourceBackupVaultName: "--source-vault",
  destinationBackupVaultArn: "--destination-vault-arn",
  iamRoleArn: "--iam-role-arn",
  "lifecycle.DeleteAfterDays": "--delete-after-days",
  runId: "--run-id",
};

/** Where the CLI writes; tests may capture it. */
export interface Output {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Whether stderr is a terminal (live display) or not (one line per event). */
  errIsTerminal: boolean;
}

const encoder = new TextEncoder();
const STANDARD_OUTPUT: Output = {
  out: (text) => Deno.stdout.writeSync(encoder.encode(text)),
  err: (text) => Deno.stderr.writeSync(encoder.encode(text)),
  errIsTerminal: Deno.stderr.isTerminal(),
};

/** Runs the CLI; returns the exit code. */
export async function main(
  args: string[],
  env: Record<string, string> = Deno.env.toObject(),
  output: Output = STANDARD_OUTPUT,
): Promise<number> {
  let display: Display | undefined;
  try {
    const values = parseFlags(args, {
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
    });
    if (values.help) {
      output.out(`${USAGE}\n`);
      return 0;
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
    const runId = values["run-id"] ?? crypto.randomUUID();
    const client = clientFromFlags(values, env);
    display = new Display(output, values["dry-run"]);
    output.err(
      `Run ${runId}${
        checkpoint ? ` (resume with --run-id ${runId} --checkpoint ${values.checkpoint})` : ""
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
      dryRun: values["dry-run"],
      onProgress: (event) => display!.show(event),
    }).catch((e) => {
      throw usageError(e, FLAG_OF);
    });
    display.end();
    output.out(values.json ? `${JSON.stringify(reportToJson(report), null, 2)}\n` : table(report));
    return report.ok ? 0 : 1;
  } catch (e) {
    display?.end();
    if (e instanceof UsageError) {
      output.err(`${e.message}\n${USAGE}\n`);
      return 2;
    }
    output.err(`${(e as Error).name}: ${(e as Error).message}\n`);
    return 1;
  }
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

/** Short name of a recovery point ARN for display: what follows `recovery-point:`, or the ARN. */
function short(arn: string): string {
  return arn.replace(/^arn:[^:]*:[^:]*:[^:]*:[^:]*:(recovery-point:)?/, "");
}

/** The progress display: a live line on a terminal, one line per event otherwise. */
class Display {
  readonly #output: Output;
  readonly #dryRun: boolean;
  readonly #inFlight = new Map<string, string>();
  #totals?: CopyTotals;
  #lastDraw = 0;

  constructor(output: Output, dryRun: boolean) {
    this.#output = output;
    this.#dryRun = dryRun;
  }

  show(event: CopyProgressEvent): void {
    this.#totals = event.totals;
    if (event.type === "started") this.#inFlight.set(event.recoveryPointArn, "started");
    if (event.type === "running") {
      const pct = event.percentDone === undefined ? "" : ` ${Math.floor(event.percentDone)}%`;
      this.#inFlight.set(event.recoveryPointArn, `${event.state}${pct}`);
    }
    if (event.type === "completed" || event.type === "failed") {
      this.#inFlight.delete(event.entry.recoveryPointArn);
    }
    if (!this.#output.errIsTerminal) {
      this.#output.err(`${line(event)}\n`);
      return;
    }
    // On a terminal: finished copies scroll above the live line.
    const final = event.type === "completed" || event.type === "failed" || event.type === "skipped";
    if (final) this.#output.err(`\r\x1b[2K${line(event)}\n`);
    const now = Date.now();
    if (final || now - this.#lastDraw > 100) {
      this.#lastDraw = now;
      this.#output.err(`\r\x1b[2K${this.#bar()}`);
    }
  }

  end(): void {
    if (this.#output.errIsTerminal && this.#totals) this.#output.err(`\r\x1b[2K${this.#bar()}\n`);
  }

  #bar(): string {
    const t = this.#totals!;
    const done = t.completed + t.partial + t.failed + t.unfinished + t.planned;
    const selected = Math.max(t.selected, 1);
    const width = 24;
    const filled = Math.round(width * Math.min(1, done / selected));
    const flight = [...this.#inFlight].slice(0, 3).map(([arn, s]) => `${short(arn)} ${s}`);
    const more = this.#inFlight.size > 3 ? ` +${this.#inFlight.size - 3}` : "";
    return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${t.selected} ` +
      `${this.#dryRun ? "planned" : "done"} · ok ${t.completed} · partial ${t.partial} · ` +
      `failed ${t.failed} · skipped ${t.skipped} · in flight ${t.inFlight}` +
      (flight.length ? `: ${flight.join(", ")}${more}` : "");
  }
}

/** One line per event, for logs and pipes. */
function line(event: CopyProgressEvent): string {
  const t = event.totals;
  const head = `${event.type.padEnd(10)} [${
    t.completed + t.partial + t.failed + t.unfinished
  }/${t.selected}]`;
  switch (event.type) {
    case "discovered":
      return `${head} ${event.recoveryPoint.RecoveryPointArn} ${
        event.recoveryPoint.ResourceType ?? ""
      } ${event.recoveryPoint.Status ?? ""}`;
    case "skipped":
      return `${head} ${event.entry.recoveryPointArn} ${event.entry.skipReason?.code}: ${event.entry.skipReason?.message}`;
    case "planned":
      return `${head} ${event.entry.recoveryPointArn} would be copied`;
    case "started":
      return `${head} ${event.recoveryPointArn} job ${event.copyJobId} (${event.origin})`;
    case "running":
      return `${head} ${event.recoveryPointArn} job ${event.copyJobId} ${event.state}${
        event.percentDone === undefined ? "" : ` ${event.percentDone.toFixed(0)}%`
      }`;
    case "retrying":
      return `${head} ${event.recoveryPointArn} ${event.error.name}; again in ${
        (event.delayMs / 1000).toFixed(1)
      } s (attempt ${event.attempts})`;
    case "completed":
    case "failed":
      return `${head} ${event.entry.recoveryPointArn} ${event.entry.outcome}${
        event.entry.copyJobId ? ` job ${event.entry.copyJobId}` : ""
      }${event.entry.statusMessage ? `: ${event.entry.statusMessage}` : ""}`;
  }
}

/** The report as a table for people. */
function table(report: CopyReport): string {
  const rows = report.entries.map((e: CopyReportEntry) => [
    e.outcome,
    short(e.recoveryPointArn),
    e.resourceType ?? "",
    e.copyJobId ?? "",
    e.skipReason ? `${e.skipReason.code}: ${e.skipReason.message}` : e.statusMessage ?? "",
  ]);
  const header = ["OUTCOME", "RECOVERY POINT", "TYPE", "COPY JOB", "MESSAGE"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const format = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  const t = report.totals;
  return [
    format(header),
    ...rows.map(format),
    "",
    `Run ${report.runId}${report.dryRun ? " (dry run)" : ""}: ${t.discovered} found, ` +
    `${t.selected} selected, ${t.skipped} skipped; ${t.completed} completed ` +
    `(${t.alreadyCopied} already copied), ${t.partial} partial, ${t.failed} failed, ` +
    `${t.unfinished} unfinished${report.dryRun ? `, ${t.planned} to copy` : ""}.`,
    "",
  ].join("\n");
}

if (import.meta.main) Deno.exit(await main(Deno.args));
