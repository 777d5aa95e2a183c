/**
 * `sweepCopyRules`: the scheduled catch-up of the event path. AWS Backup sends its events best
 * effort, so some never arrive; the sweep lists the recovery points of a recent window, runs the
 * same rules over them, and starts exactly the copies that are missing — with the same token and
 * the same ListCopyJobs judgement as `copyOnBackupEvent`, so it never makes a second copy of one
 * the events made, nor do they of one it made. It does not wait for the copies.
 *
 * @module
 */

import type { BackupClient } from "../../generated/client.ts";
import {
  paginateListBackupVaults,
  paginateListCopyJobs,
  paginateListRecoveryPointsByBackupVault,
} from "../../generated/paginators.ts";
import type { CopyJob, RecoveryPointByBackupVault } from "../../generated/types.ts";
import type { ValidationIssue } from "../../runtime/errors.ts";
import { copiesByRecoveryPoint, type CopiesOfRecoveryPoint } from "../existing_copies.ts";
import { storageClassOf } from "../list_selection.ts";
import { type CopySelection, listInput, type SkipCode, skipReason } from "../selection.ts";
import { type BackupClients, clientAt } from "./clients.ts";
import {
  checkArgumentOrder,
  checkEventCopyOptions,
  DEFAULT_MAX_FAILED_COPIES,
} from "./copy_on_event.ts";
import {
  clientFailure,
  type CopyFailure,
  copyFailure,
  ensureCopy,
  type RuleCopy,
  type RuleCopyOutcome,
} from "./ensure_copy.ts";
import {
  BACKUP_JOB_STATE_CHANGE,
  COPY_JOB_STATE_CHANGE,
  isBackupVaultName,
  parseBackupVaultArn,
  type Place,
  type Reason,
  RECOVERY_POINT_STATE_CHANGE,
  type RuleMissCode,
} from "./event.ts";
import { type CopyRule, ruleMiss, ruleName } from "./rules.ts";

/** Options of {@linkcode sweepCopyRules}. */
export interface SweepCopyRulesOptions {
  /** The rules of the event path, unchanged. */
  rules: readonly CopyRule[];
  /**
   * Recovery points created in this many milliseconds before now are swept. Make it longer than
   * events can be late (EventBridge retries for up to 24 hours) plus the time a first copy takes
   * (a copy keeps its source's creation date); at most 14 days, since ListCopyJobs shows 30.
   * @default 3 days
   */
  windowMs?: number | undefined;
  /** Copies started at once. @default 4 */
  concurrency?: number | undefined;
  /** Report what would be started; start nothing. @default false */
  dryRun?: boolean | undefined;
  /** As in `copyOnBackupEvent`. */
  copyKey?: string | undefined;
  /** As in `copyOnBackupEvent`. @default 3 */
  maxFailedCopies?: number | undefined;
  /** Aborts at once: rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
}

/**
 * Why a recovery point found was not copied by a rule: AWS's copy rules and the selection, as in
 * the copy report (`STATUS`, `CONTINUOUS`, `STORAGE_CLASS`, `COMPOSITE_MEMBER`, `CREATED_RANGE`,
 * `RESOURCE_TYPE`, `RESOURCE_ARN`), or the rule's conditions (`SAME_VAULT`, `SOURCE_VAULT`,
 * `EVENT_TYPE`, `ACCOUNT`, `REGION`) — the codes `copyOnBackupEvent` ignores an event with.
 */
export type SweepSkipCode = SkipCode | RuleMissCode;

/** One recovery point found by one rule. */
export interface SweepEntry extends Partial<Omit<RuleCopy, "outcome">> {
  /** The rule's name. */
  rule: string;
  /** The recovery point. */
  recoveryPointArn: string;
  /** The vault holding it. */
  backupVaultArn: string;
  /** Where the rule copies to. */
  destinationBackupVaultArn: string;
  /** What became of it: as in `copyOnBackupEvent`, or `skipped`, or `planned` (dry run). */
  outcome: RuleCopyOutcome | "skipped" | "planned";
  /** Why it was `skipped`. */
  skipReason?: Reason<SweepSkipCode>;
  /** When the recovery point was created. */
  createdAt?: Date;
  /** Its resource type. */
  resourceType?: string;
}

/** A vault that could not be listed (or no client could be had for it). */
export interface SweepListingFailure {
  /** The rule. */
  rule: string;
  /** The vault (name or ARN), or `*` for ListBackupVaults. */
  vault: string;
  /** Where. */
  region: string;
  /** Why. */
  error: CopyFailure;
}

/** What {@linkcode sweepCopyRules} found and did. */
export interface SweepReport {
  /** Recovery points created after this instant were swept. */
  windowStart: Date;
  /** When the sweep began. */
  startedAt: Date;
  /** When it ended. */
  finishedAt: Date;
  /** Whether nothing was started. */
  dryRun: boolean;
  /** One entry per recovery point and rule that lists it. */
  entries: SweepEntry[];
  /** Vaults that could not be listed: their recovery points were not swept. */
  listingFailures: SweepListingFailure[];
  /** Entries per outcome. */
  totals: Record<SweepEntry["outcome"], number>;
  /** No copy `failed` and every vault was listed. */
  ok: boolean;
}

/** Default of {@linkcode SweepCopyRulesOptions.windowMs}: 3 days. */
// Literals, not products: a bundler keeps a top-level product it cannot prove unused.
export const DEFAULT_SWEEP_WINDOW_MS = 259_200_000;
/** Longest {@linkcode SweepCopyRulesOptions.windowMs}: 14 days (ListCopyJobs shows 30). */
export const MAX_SWEEP_WINDOW_MS = 1_209_600_000;

const OPTION_KEYS = [
  "rules",
  "windowMs",
  "concurrency",
  "dryRun",
  "copyKey",
  "maxFailedCopies",
  "signal",
] as const;

/** A vault to list for a rule, and the client to list it with. */
interface SweptVault {
  rule: CopyRule;
  name: string;
  client: BackupClient;
  /** The vault's ARN when known before listing. */
  arn?: string;
}

/**
 * Runs `rules` over the recovery points created in the last `windowMs` and starts the copies
 * that neither an event nor an earlier sweep made; returns without waiting for them.
 *
 * Where it looks, per rule: each vault of `sourceBackupVaults` — an ARN in its own account and
 * Region, a name in the Region of a single client (or, with clients as a function, in every
 * Region × account of the rule's `regions` and `accounts`) — or, without `sourceBackupVaults`,
 * every vault ListBackupVaults shows there. AWS's copy rules apply as in `copyRecoveryPoints` and
 * `copyOnBackupEvent` (only COMPLETED recovery points, no continuous backups, none in cold
 * storage; members of composite ones go with their parent); the rule's conditions apply as for an event, a copy
 * (one with `SourceBackupVaultArn`) counting as announced by a Copy Job event.
 *
 * @param clients as for `copyOnBackupEvent`.
 * @throws {ValidationError} bad options, naming the path; nothing is sent.
 * @throws the signal's reason when aborted.
 *
 * @example A Worker's Cron Trigger
 * ```ts ignore
 * export default {
 *   async scheduled(_controller: unknown, env: Env, ctx: ExecutionContext) {
 *     ctx.waitUntil(sweepCopyRules(clientFrom(env), { rules: rulesFrom(env) }).then((report) => {
 *       console.log(JSON.stringify(report.totals));
 *     }));
 *   },
 * };
 * ```
 */
export async function sweepCopyRules(
  clients: BackupClients,
  options: SweepCopyRulesOptions,
): Promise<SweepReport> {
  checkSweepOptions(clients, options);
  const signal = options.signal;
  signal?.throwIfAborted();
  const startedAt = new Date();
  const windowStart = new Date(startedAt.getTime() - (options.windowMs ?? DEFAULT_SWEEP_WINDOW_MS));
  const report: SweepReport = {
    windowStart,
    startedAt,
    finishedAt: startedAt,
    dryRun: options.dryRun ?? false,
    entries: [],
    listingFailures: [],
    totals: {
      started: 0,
      existing: 0,
      "in-progress": 0,
      "gave-up": 0,
      failed: 0,
      skipped: 0,
      planned: 0,
    },
    ok: true,
  };
  const work: (() => Promise<void>)[] = [];
  // The copies to each destination, listed once per client (account and Region) and destination.
  const copies = new Map<BackupClient, Map<string, Promise<Map<string, CopiesOfRecoveryPoint>>>>();
  for (const [index, rule] of options.rules.entries()) {
    const name = ruleName(rule, index);
    const failed = (
      vault: string,
      region: string,
      error: unknown,
      failure = copyFailure(error),
    ) => {
      signal?.throwIfAborted();
      report.listingFailures.push({ rule: name, vault, region, error: failure });
    };
    for (const target of await vaultsToSweep(clients, rule, signal, failed)) {
      const selection: CopySelection = { createdAfter: windowStart };
      if (rule.resourceTypes) selection.resourceTypes = rule.resourceTypes;
      if (rule.resourceArns) selection.resourceArns = rule.resourceArns;
      try {
        const pages = paginateListRecoveryPointsByBackupVault(
          target.client,
          {
            ...listInput(target.name, selection),
            // A vault named by ARN is listed in its account, whatever the client's (AWS refuses
            // when the client may not).
            ...(target.arn
              ? { BackupVaultAccountId: parseBackupVaultArn(target.arn)!.accountId }
              : {}),
          },
          { signal },
        );
        for await (const point of pages.items()) {
          const entry = await judge(point, target, name, selection, signal);
          report.entries.push(entry);
          if (entry.outcome === "skipped") continue;
          const byDestination = copies.get(target.client) ?? new Map();
          copies.set(target.client, byDestination);
          const destination = rule.destinationBackupVaultArn;
          const existing = byDestination.get(destination) ??
            copiesTo(target.client, destination, windowStart, signal);
          // Awaited later, by the copies; marked handled now so a failed listing is not
          // reported as an unhandled rejection before then.
          existing.catch(() => {});
          byDestination.set(destination, existing);
          work.push(async () => {
            let known: CopiesOfRecoveryPoint;
            try {
              known = (await existing).get(entry.recoveryPointArn) ?? { failed: [] };
            } catch (error) {
              signal?.throwIfAborted();
              Object.assign(entry, { outcome: "failed", error: copyFailure(error) });
              return;
            }
            Object.assign(entry, await ensureOrPlan(target, entry, known, options));
          });
        }
      } catch (error) {
        failed(target.arn ?? target.name, target.client.region, error);
      }
    }
  }
  await pool(work, options.concurrency ?? 4);
  for (const entry of report.entries) report.totals[entry.outcome]++;
  report.ok = report.totals.failed === 0 && report.listingFailures.length === 0;
  report.finishedAt = new Date();
  return report;
}

/** Whether the rule takes `point`: the selection's rules, then the copy rule's conditions. */
async function judge(
  point: RecoveryPointByBackupVault,
  target: SweptVault,
  name: string,
  selection: CopySelection,
  signal: AbortSignal | undefined,
): Promise<SweepEntry> {
  const vaultArn = point.BackupVaultArn ?? target.arn ?? "";
  const entry: SweepEntry = {
    rule: name,
    recoveryPointArn: point.RecoveryPointArn ?? "",
    backupVaultArn: vaultArn,
    destinationBackupVaultArn: target.rule.destinationBackupVaultArn,
    outcome: "skipped",
  };
  if (point.CreationDate) entry.createdAt = point.CreationDate;
  if (point.ResourceType) entry.resourceType = point.ResourceType;
  // AWS's copy rules as copyRecoveryPoints applies them: a point its lifecycle has moved to cold
  // storage by now is described for its StorageClass.
  const skip = await skipReason(point, selection, {
    storageClass: (rp) =>
      storageClassOf(target.client, target.name, rp.RecoveryPointArn!, { signal }),
  });
  if (skip) return { ...entry, skipReason: skip };
  const vault = parseBackupVaultArn(vaultArn);
  if (!vault) {
    return {
      ...entry,
      skipReason: { code: "SOURCE_VAULT", message: `vault ARN ${vaultArn} is not understood` },
    };
  }
  const miss = ruleMiss(target.rule, {
    backupVaultArn: vaultArn,
    backupVaultName: vault.name,
    region: vault.region,
    accountId: vault.accountId,
    resourceType: point.ResourceType,
    resourceArn: point.ResourceArn,
    // A copy arrives with a Copy Job event; a backup with a Backup Job event; both with a
    // Recovery Point State Change.
    eventTypes: point.SourceBackupVaultArn
      ? [COPY_JOB_STATE_CHANGE, RECOVERY_POINT_STATE_CHANGE]
      : [BACKUP_JOB_STATE_CHANGE, RECOVERY_POINT_STATE_CHANGE],
  });
  if (miss) return { ...entry, skipReason: miss };
  return { ...entry, outcome: "planned" };
}

async function ensureOrPlan(
  target: SweptVault,
  entry: SweepEntry,
  known: CopiesOfRecoveryPoint,
  options: SweepCopyRulesOptions,
): Promise<Partial<SweepEntry>> {
  const maxFailedCopies = options.maxFailedCopies ?? DEFAULT_MAX_FAILED_COPIES;
  if (options.dryRun) {
    const job = known.done ?? known.inProgress;
    if (job) {
      return {
        outcome: known.done ? "existing" : "in-progress",
        ...(job.CopyJobId ? { copyJobId: job.CopyJobId } : {}),
        ...(job.State ? { state: job.State } : {}),
      };
    }
    return known.failed.length >= maxFailedCopies ? { outcome: "gave-up" } : { outcome: "planned" };
  }
  const { rule: _rule, ...result } = await ensureCopy({
    client: target.client,
    recoveryPointArn: entry.recoveryPointArn,
    sourceBackupVaultName: parseBackupVaultArn(entry.backupVaultArn)!.name,
    rule: target.rule,
    ruleName: entry.rule,
    copyKey: options.copyKey,
    maxFailedCopies,
    copies: options.copyKey === undefined ? known : undefined,
    signal: options.signal,
  });
  return result;
}

/** The copy jobs to `destination` created since `after`, by source recovery point. */
async function copiesTo(
  client: BackupClient,
  destination: string,
  after: Date,
  signal: AbortSignal | undefined,
): Promise<Map<string, CopiesOfRecoveryPoint>> {
  const jobs: CopyJob[] = [];
  const pages = paginateListCopyJobs(client, {
    ByDestinationVaultArn: destination,
    // A copy job is created after its source recovery point, which the window holds.
    ByCreatedAfter: new Date(after.getTime() - 1000),
  }, { signal });
  for await (const job of pages.items()) jobs.push(job);
  return copiesByRecoveryPoint(jobs, destination);
}

/** The vaults a rule sweeps, each with its client. */
async function vaultsToSweep(
  clients: BackupClients,
  rule: CopyRule,
  signal: AbortSignal | undefined,
  failed: (vault: string, region: string, error: unknown, failure?: CopyFailure) => void,
): Promise<SweptVault[]> {
  const vaults: SweptVault[] = [];
  // Places for vault names and for "every vault": the single client's Region, or the rule's
  // Regions × accounts when clients come from a function (checked to be given).
  const places: Place[] = typeof clients === "function"
    ? (rule.regions ?? []).flatMap((region) =>
      (rule.accounts ?? []).map((accountId) => ({ region, accountId }))
    )
    : [{ region: clients.region, accountId: "" }];
  const named = rule.sourceBackupVaults?.filter((v) => !parseBackupVaultArn(v));
  for (const vault of rule.sourceBackupVaults ?? []) {
    const arn = parseBackupVaultArn(vault);
    if (!arn) continue;
    try {
      vaults.push({ rule, name: arn.name, arn: vault, client: await clientAt(clients, arn) });
    } catch (error) {
      failed(vault, arn.region, error, clientFailure(error));
    }
  }
  if (named && !named.length) return vaults;
  for (const place of places) {
    let client: BackupClient;
    try {
      client = await clientAt(clients, place);
    } catch (error) {
      failed(named?.join(", ") ?? "*", place.region, error, clientFailure(error));
      continue;
    }
    if (named) {
      for (const name of named) vaults.push({ rule, name, client });
      continue;
    }
    try {
      for await (const vault of paginateListBackupVaults(client, {}, { signal }).items()) {
        // A vault AWS manages (`aws/efs/automatic-backup-vault`) has no name the API takes: its
        // recovery points cannot be listed by name nor copied (see event.ts).
        if (
          isBackupVaultName(vault.BackupVaultName) &&
          vault.BackupVaultArn !== rule.destinationBackupVaultArn
        ) {
          vaults.push({
            rule,
            name: vault.BackupVaultName,
            client,
            ...(vault.BackupVaultArn ? { arn: vault.BackupVaultArn } : {}),
          });
        }
      }
    } catch (error) {
      failed("*", place.region, error);
    }
  }
  return vaults;
}

/** Runs `work`, `concurrency` at a time. */
async function pool(work: (() => Promise<void>)[], concurrency: number): Promise<void> {
  const queue = [...work];
  await Promise.all(
    Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await next();
    }),
  );
}

function checkSweepOptions(clients: BackupClients, options: SweepCopyRulesOptions): void {
  checkArgumentOrder("sweepCopyRules(client, options)", [clients, options]);
  checkEventCopyOptions("sweepCopyRules", clients, options, OPTION_KEYS, () => {
    const issues: ValidationIssue[] = [];
    const window = options.windowMs;
    if (
      window !== undefined &&
      !(typeof window === "number" && window >= 1 && window <= MAX_SWEEP_WINDOW_MS)
    ) {
      issues.push({
        path: "windowMs",
        message: `must be a number of milliseconds from 1 to ${MAX_SWEEP_WINDOW_MS} (14 days: ` +
          "ListCopyJobs shows 30 days of jobs)",
      });
    }
    const concurrency = options.concurrency;
    if (concurrency !== undefined && !(Number.isSafeInteger(concurrency) && concurrency >= 1)) {
      issues.push({ path: "concurrency", message: "must be an integer of at least 1" });
    }
    if (options.dryRun !== undefined && typeof options.dryRun !== "boolean") {
      issues.push({ path: "dryRun", message: "must be a boolean" });
    }
    if (typeof clients === "function" && Array.isArray(options.rules)) {
      options.rules.forEach((rule, i) => {
        const names = rule?.sourceBackupVaults?.filter((v: string) => !parseBackupVaultArn(v));
        if ((names === undefined || names.length) && !(rule?.regions && rule?.accounts)) {
          issues.push({
            path: `rules[${i}]`,
            message: "with clients as a function, a sweep needs regions and accounts to find " +
              "vaults by name (or every vault); or give sourceBackupVaults as ARNs",
          });
        }
      });
    }
    return issues;
  });
}
