/**
 * `copyOnBackupEvent`: one AWS Backup EventBridge event in, at most one copy job per matching
 * rule out — however often EventBridge delivers the event, in whatever order, from however many
 * processes at once.
 *
 * @module
 */

import type { BackupClient } from "../../generated/client.ts";
import { describeBackupJob, describeRecoveryPoint } from "../../generated/operations.ts";
import { ValidationError, type ValidationIssue } from "../../runtime/errors.ts";
import { unknownKeyIssues } from "../../runtime/unknown_keys.ts";
import type {
  DescribeRecoveryPointOutput,
  RecoveryPointByBackupVault,
} from "../../generated/types.ts";
import { DEFAULT_MAX_FAILED_COPIES } from "../existing_copies.ts";
import { skipReason } from "../selection.ts";
import { type BackupClients, clientAt, isBackupClient } from "./clients.ts";
import {
  clientFailure,
  type CopyFailure,
  copyFailure,
  ensureCopy,
  type RuleCopy,
} from "./ensure_copy.ts";
import {
  type IgnoreCode,
  parseEvent,
  readEvent,
  type ReadyRecoveryPoint,
  type Reason,
  type RuleMissCode,
} from "./event.ts";
import { type CopyRule, copyRuleIssues, ruleMiss, ruleName } from "./rules.ts";

/** Options of {@linkcode copyOnBackupEvent}. */
export interface CopyOnBackupEventOptions {
  /** What to copy where (see {@linkcode CopyRule}); checked before anything is sent. */
  rules: readonly CopyRule[];
  /**
   * Asks for a deliberate additional copy: a different key gives a different idempotency token,
   * and copies that exist already do not count. Only the token prevents a second copy for the
   * same key — for as long as AWS remembers tokens. @default absent: "the" copy
   */
  copyKey?: string | undefined;
  /** FAILED copies of a recovery point to a destination after which no new one is started. @default 3 */
  maxFailedCopies?: number | undefined;
  /** Aborts at once: rejects with the signal's reason (a copy may have been started). */
  signal?: AbortSignal | undefined;
}

/** A rule that did not take the recovery point, and why. */
export interface SkippedRule extends Reason<RuleMissCode> {
  /** The rule's name. */
  rule: string;
}

/** What {@linkcode copyOnBackupEvent} did with one event. */
export interface CopyOnBackupEventResult {
  /** The event's `id`. */
  eventId: string;
  /** Its `detail-type`. */
  detailType: string;
  /** The recovery point the event says is ready, when it says one is. */
  recoveryPoint?: ReadyRecoveryPoint;
  /** Set when the event asks for no copy: why. */
  ignored?: Reason<IgnoreCode>;
  /** The rules that did not take the recovery point, with their reasons. */
  skippedRules: SkippedRule[];
  /** One per rule that took it: started now, existing, in progress, given up, or failed. */
  copies: RuleCopy[];
  /** Some copy `failed` and trying the event again later may succeed. */
  retryable: boolean;
}

// The sweep, copyRecoveryPoints and the event path give up after the same number of failures.
export { DEFAULT_MAX_FAILED_COPIES };

const OPTION_KEYS = ["rules", "copyKey", "maxFailedCopies", "signal"] as const;

/**
 * Copies the recovery point an AWS Backup event says is ready ("Backup Job State Change",
 * "Copy Job State Change" or "Recovery Point State Change", COMPLETED) to the destination of
 * every rule that takes it, and returns without waiting for the copies.
 *
 * Exactly once, without local state: for each destination it asks ListCopyJobs
 * (`BySourceRecoveryPointArn` and `ByDestinationVaultArn`) for copies that exist or are under
 * way — started by an earlier delivery, by `copyRecoveryPoints` or `sweepCopyRules`, or by AWS
 * itself — and starts one only when there is none, with the `IdempotencyToken` derived from
 * (recovery point, destination) alone (`copyIdempotencyToken`): deliveries racing each other
 * send the same token and AWS answers them all with one job.
 *
 * StartCopyJob goes to the account and Region of the vault holding the recovery point: for a
 * second hop (a Copy Job event), where the first copy landed. Pass `clients` as a function of
 * `{ region, accountId }` when that can be another Region or account than one client's.
 *
 * @param clients a client (recovery points in its Region), or a function giving one per place.
 * @param event the event exactly as EventBridge delivers it (the envelope, not a transformed input).
 * Before starting anything it applies AWS's copy rules exactly as `sweepCopyRules` and
 * `copyRecoveryPoints` do (`skipReason` of `jobs/selection.ts`), on the recovery point as
 * DescribeRecoveryPoint shows it: a continuous backup, a status other than COMPLETED (a late
 * delivery may find it EXPIRED) or a copy in cold storage is ignored with the sweep's code, not
 * sent to StartCopyJob to be refused.
 *
 * @returns what was done per rule, or why the event was ignored (`ignored.code`: `SOURCE`,
 *   `DETAIL_TYPE`, `STATE`, `NO_RULE`; AWS's copy rules `STATUS`, `CONTINUOUS`, `STORAGE_CLASS`,
 *   `COMPOSITE_MEMBER`; or the reason every rule gave, e.g. `ACCOUNT`, `REGION`, `SOURCE_VAULT`).
 *   A `clients` function that throws gives `failed` copies: retryable unless the error is a
 *   `ValidationError` or `WrongRegionError` (e.g. STS throttled while assuming a role passes).
 * @throws {ValidationError} bad options or a malformed event, naming the path; nothing is sent.
 * @throws the signal's reason when aborted.
 *
 * @example Against the bundled emulator (runs as a test: `deno test --doc jobs/`)
 * ```ts
 * import { BackupClient, copyOnBackupEvent } from "../../mod.ts";
 * import * as emulator from "../../emulator/mod.ts";
 *
 * await using local = await emulator.startEmulator();
 * const client = new BackupClient({
 *   region: emulator.DEMO_REGION,
 *   endpoint: local.url,
 *   credentials: { ...emulator.DEMO_CREDENTIALS },
 * });
 * const event = {
 *   version: "0",
 *   id: "dafac799-9b88-0134-26b7-fef4d54a134f",
 *   "detail-type": "Backup Job State Change",
 *   source: "aws.backup",
 *   account: emulator.DEMO_ACCOUNT_ID,
 *   time: "2026-03-02T04:05:06Z",
 *   region: emulator.DEMO_REGION,
 *   resources: [emulator.RECOVERY_POINT_OK_ARN],
 *   detail: {
 *     backupJobId: "a827233a-d405-4a86-a440-759fa94f34dd",
 *     backupVaultArn: emulator.DEFAULT_VAULT_ARN,
 *     backupVaultName: emulator.DEFAULT_VAULT_NAME,
 *     state: "COMPLETED",
 *   },
 * };
 * const rules = [{
 *   sourceBackupVaults: [emulator.DEFAULT_VAULT_NAME],
 *   destinationBackupVaultArn: emulator.DR_VAULT_WEST_ARN,
 *   iamRoleArn: emulator.DEMO_IAM_ROLE_ARN,
 * }];
 * const first = await copyOnBackupEvent(client, event, { rules });
 * const again = await copyOnBackupEvent(client, event, { rules }); // EventBridge delivered twice
 * if (first.copies[0].outcome !== "started" || again.copies[0].outcome !== "in-progress") {
 *   throw new Error(JSON.stringify([first, again]));
 * }
 * if (local.jobs().length !== 1) throw new Error("one copy job");
 * ```
 */
export async function copyOnBackupEvent(
  clients: BackupClients,
  event: unknown,
  options: CopyOnBackupEventOptions,
): Promise<CopyOnBackupEventResult> {
  checkArgumentOrder("copyOnBackupEvent(client, event, options)", [clients, event, options]);
  checkEventCopyOptions("copyOnBackupEvent", clients, options, OPTION_KEYS);
  options.signal?.throwIfAborted();
  const parsed = parseEvent(event);
  const reading = readEvent(parsed);
  const result: CopyOnBackupEventResult = {
    eventId: parsed.id,
    detailType: parsed["detail-type"],
    skippedRules: [],
    copies: [],
    retryable: false,
  };
  if (reading.ignored) return { ...result, ignored: reading.ignored };
  const ready = reading.ready;
  result.recoveryPoint = ready;
  const candidate = { ...ready, eventTypes: [ready.eventType] };
  const rules = options.rules.map((rule, i) => ({ rule, name: ruleName(rule, i) }));
  // What the event lets judge, before any call (most events stop here): AWS's copy rules as the
  // sweep applies them (jobs/selection.ts) — a continuous backup —, then each rule's place,
  // vault and event type, and its resource conditions when the event names the resource.
  const early = ready.recoveryPointArn === undefined
    ? undefined
    : await awsCopyRules(asListed(ready));
  if (early) return { ...result, ignored: early };
  let taking = rules.filter(({ rule, name }) => {
    const known = (!rule.resourceTypes || ready.resourceType !== undefined) &&
      (!rule.resourceArns || ready.resourceArn !== undefined);
    const miss = ruleMiss(rule, candidate, { anyResource: !known });
    if (miss) result.skippedRules.push({ rule: name, ...miss });
    return !miss;
  });
  if (!taking.length) return ignoredByRules(result);

  const signal = options.signal;
  const failed = (error: unknown, failure: CopyFailure) => {
    signal?.throwIfAborted();
    if (error instanceof NotReady) {
      return { ...result, ignored: { code: "STATE" as const, message: error.message } };
    }
    result.copies = taking.map(({ name, rule }) => ({
      rule: name,
      recoveryPointArn: ready.recoveryPointArn ?? "",
      destinationBackupVaultArn: rule.destinationBackupVaultArn,
      outcome: "failed" as const,
      error: failure,
    }));
    result.retryable = failure.retryable;
    return result;
  };
  let client: BackupClient;
  try {
    client = await clientAt(clients, ready);
  } catch (error) {
    return failed(error, clientFailure(error));
  }
  let described: DescribeRecoveryPointOutput;
  try {
    described = await lookUp(client, ready, signal);
  } catch (error) {
    return failed(error, copyFailure(error));
  }
  // Then AWS's copy rules on the recovery point as AWS shows it now, and the resource conditions.
  const skip = await awsCopyRules(described, described.StorageClass);
  if (skip) return { ...result, ignored: skip };
  taking = taking.filter(({ rule, name }) => {
    const miss = ruleMiss(rule, { ...candidate, ...ready });
    if (miss) result.skippedRules.push({ rule: name, ...miss });
    return !miss;
  });
  if (!taking.length) return ignoredByRules(result);

  result.copies = await Promise.all(taking.map(({ rule, name }) =>
    ensureCopy({
      client,
      recoveryPointArn: ready.recoveryPointArn!,
      sourceBackupVaultName: ready.backupVaultName,
      rule,
      ruleName: name,
      copyKey: options.copyKey,
      maxFailedCopies: options.maxFailedCopies ?? DEFAULT_MAX_FAILED_COPIES,
      signal,
    })
  ));
  result.retryable = result.copies.some((c) => c.error?.retryable);
  return result;
}

/** The job of a Backup Job event did not make a recovery point (yet): nothing to copy. */
class NotReady extends Error {}

/**
 * AWS's copy rules, as `skipReason` applies them for the sweep and `copyRecoveryPoints`; with no
 * selection only `STATUS`, `CONTINUOUS`, `STORAGE_CLASS` and `COMPOSITE_MEMBER` can come back.
 */
async function awsCopyRules(
  point: RecoveryPointByBackupVault,
  storageClass?: string,
): Promise<Reason<IgnoreCode> | undefined> {
  const skip = await skipReason(point, {}, { storageClass: () => Promise.resolve(storageClass) });
  return skip as Reason<IgnoreCode> | undefined;
}

/** A recovery point as the event tells it (COMPLETED), for the rules of `skipReason`. */
function asListed(ready: ReadyRecoveryPoint): RecoveryPointByBackupVault {
  return {
    RecoveryPointArn: ready.recoveryPointArn,
    BackupVaultArn: ready.backupVaultArn,
    BackupVaultName: ready.backupVaultName,
    ResourceArn: ready.resourceArn,
    ResourceType: ready.resourceType,
    Status: "COMPLETED",
    IsEncrypted: false,
    IsParent: false,
  };
}

/**
 * Completes `ready` with what the event did not say — the recovery point of a Backup Job event
 * without one in `resources` (DescribeBackupJob), its resource — and returns the recovery point
 * as AWS shows it now (DescribeRecoveryPoint: status, storage class, lifecycle, parent), for
 * AWS's copy rules. A late delivery may find it EXPIRED, or a copy landed in cold storage.
 */
async function lookUp(
  client: BackupClient,
  ready: ReadyRecoveryPoint,
  signal: AbortSignal | undefined,
): Promise<DescribeRecoveryPointOutput> {
  if (ready.recoveryPointArn === undefined) {
    const job = await describeBackupJob(client, { BackupJobId: ready.backupJobId! }, { signal });
    if (job.State !== "COMPLETED" || !job.RecoveryPointArn) {
      throw new NotReady(
        `backup job ${ready.backupJobId} is ${job.State ?? "in an unknown state"}` +
          (job.RecoveryPointArn ? "" : " and has no recovery point"),
      );
    }
    ready.recoveryPointArn = job.RecoveryPointArn;
    ready.resourceArn ??= job.ResourceArn;
    ready.resourceType ??= job.ResourceType;
  }
  const point = await describeRecoveryPoint(client, {
    BackupVaultName: ready.backupVaultName,
    RecoveryPointArn: ready.recoveryPointArn,
    BackupVaultAccountId: ready.accountId,
  }, { signal });
  ready.resourceArn ??= point.ResourceArn;
  ready.resourceType ??= point.ResourceType;
  if (ready.resourceArn === undefined) delete ready.resourceArn;
  if (ready.resourceType === undefined) delete ready.resourceType;
  return point;
}

/** Ignored because no rule took it: under the rules' common reason, or `no-rule`. */
function ignoredByRules(result: CopyOnBackupEventResult): CopyOnBackupEventResult {
  const codes = new Set(result.skippedRules.map((s) => s.code));
  const [only] = codes;
  const ignored = codes.size === 1 ? { code: only, message: result.skippedRules[0].message } : {
    code: "NO_RULE" as const,
    message: `no rule takes it: ${
      result.skippedRules.map((s) => `${s.rule}: ${s.message}`).join("; ")
    }`,
  };
  return { ...result, ignored };
}

/**
 * Refuses arguments passed in another order than `call` (e.g.
 * `copyOnBackupEvent(event, { client, rules })`): the first is no client while a later one is a
 * `BackupClient`, or one before the last looks like the options (has `rules` or `client`).
 * Without it the call would fail on whichever check came first ("options must be an object").
 *
 * @param call how the function is called, e.g. `sweepCopyRules(client, options)`.
 * @param args the arguments as passed, the client first, the options last.
 * @throws {ValidationError} naming the order.
 */
export function checkArgumentOrder(call: string, args: readonly unknown[]): void {
  const [first] = args;
  if (typeof first === "function" || isBackupClient(first)) return;
  const looksLikeOptions = (a: unknown) =>
    typeof a === "object" && a !== null &&
    (Object.hasOwn(a, "rules") || Object.hasOwn(a, "client"));
  const misplaced = args.some((a, i) =>
    (i > 0 && isBackupClient(a)) || (i < args.length - 1 && looksLikeOptions(a))
  );
  if (!misplaced) return;
  const fn = call.slice(0, call.indexOf("("));
  throw new ValidationError(`${fn} call`, [{
    path: "arguments",
    message: `are out of order: call ${call}, the client first and the options last`,
  }]);
}

/**
 * Checks the options of `copyOnBackupEvent`, the handler or the sweep (`fn`): an object with only
 * the `keys` it knows; the clients, `rules`, `copyKey`, `maxFailedCopies` and `signal` they share;
 * and what `more` finds in the options only `fn` has.
 *
 * @throws {ValidationError} naming the path of every problem.
 */
export function checkEventCopyOptions(
  fn: string,
  clients: unknown,
  options: unknown,
  keys: readonly string[],
  more: (options: Record<string, unknown>) => ValidationIssue[] = () => [],
): void {
  if (typeof options !== "object" || options === null) {
    throw new ValidationError(`${fn} options`, [{ path: "options", message: "must be an object" }]);
  }
  const o = options as Record<string, unknown> & Partial<CopyOnBackupEventOptions>;
  const issues = unknownKeyIssues(o, keys);
  if (typeof clients !== "function" && !isBackupClient(clients)) {
    issues.push({
      path: "client",
      message: "must be a BackupClient or a function ({ region, accountId }) => BackupClient",
    });
  }
  issues.push(...copyRuleIssues(o.rules, "rules"));
  if (o.copyKey !== undefined && (typeof o.copyKey !== "string" || o.copyKey === "")) {
    issues.push({ path: "copyKey", message: "must be a non-empty string" });
  }
  const max = o.maxFailedCopies;
  if (max !== undefined && !(Number.isSafeInteger(max) && max >= 1)) {
    issues.push({ path: "maxFailedCopies", message: "must be an integer of at least 1" });
  }
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) {
    issues.push({ path: "signal", message: "must be an AbortSignal" });
  }
  issues.push(...more(o));
  if (issues.length) throw new ValidationError(`${fn} options`, issues);
}
