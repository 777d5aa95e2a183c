/**
 * Copy rules: which recovery points a rule takes (conditions) and what it does with them (a
 * StartCopyJob to one destination vault). The same rules drive `copyOnBackupEvent`, the
 * EventBridge handler and `sweepCopyRules`, so events and sweeps agree on what should be copied
 * where.
 *
 * @module
 */

import type { Lifecycle } from "../../generated/types.ts";
import { validateStartCopyJobInput } from "../../generated/validators.ts";
import { ValidationError, type ValidationIssue } from "../../runtime/errors.ts";
import { closestKey, unknownKeyIssues } from "../../runtime/unknown_keys.ts";
import { BACKUP_RESOURCE_TYPES } from "../selection.ts";
import {
  BACKUP_EVENT_TYPES,
  type BackupEventType,
  COPY_JOB_STATE_CHANGE,
  isAccountId,
  isArn,
  isBackupVaultName,
  isRegion,
  parseBackupVaultArn,
  type Place,
  type Reason,
  RECOVERY_POINT_STATE_CHANGE,
  type RuleMissCode,
} from "./event.ts";

/**
 * One copy rule. Every condition given must hold; a rule without conditions takes every
 * recovery point an event says is ready (and, in a sweep, every COMPLETED one) — except those
 * already in its destination vault.
 *
 * Conditions are about the recovery point to copy: for a Copy Job State Change that is the copy
 * that just completed, in the copy job's destination vault, account and Region.
 */
export interface CopyRule {
  /** Names the rule in results and logs. @default `rules[<index>]` */
  name?: string | undefined;
  /**
   * Vaults whose recovery points the rule takes: names (`Default`, any account and Region the
   * other conditions allow) or backup vault ARNs. @default every vault
   */
  sourceBackupVaults?: readonly string[] | undefined;
  /** Resource types as AWS Backup spells them (`EBS`, `RDS`, `DynamoDB`, …). @default all */
  resourceTypes?: readonly string[] | undefined;
  /** ARNs of backed-up resources. @default all */
  resourceArns?: readonly string[] | undefined;
  /** Accounts (12 digits) of the vault holding the recovery point. @default all */
  accounts?: readonly string[] | undefined;
  /** Regions of the vault holding the recovery point. @default all */
  regions?: readonly string[] | undefined;
  /**
   * The events the rule reacts to: `Backup Job State Change` (a backup completed), `Copy Job
   * State Change` (a copy completed: a second hop), `Recovery Point State Change`. In a sweep,
   * a recovery point counts as announced by a Copy Job event when it is a copy
   * (`SourceBackupVaultArn`), else by a Backup Job event. @default all three
   */
  eventTypes?: readonly BackupEventType[] | undefined;
  /** The vault to copy to (StartCopyJob `DestinationBackupVaultArn`): another Region or account. */
  destinationBackupVaultArn: string;
  /**
   * The role AWS Backup copies with (StartCopyJob `IamRoleArn`), in the account of the recovery
   * point to copy: for a second hop, the account the first copy landed in.
   */
  iamRoleArn: string;
  /** Lifecycle of the copies (StartCopyJob `Lifecycle`). @default the source's */
  lifecycle?: Lifecycle | undefined;
}

/** A recovery point as the rules judge it. */
export interface RuleCandidate extends Place {
  /** The vault holding it. */
  backupVaultArn: string;
  /** That vault's name. */
  backupVaultName: string;
  /** Its resource type, when known. */
  resourceType?: string | undefined;
  /** Its resource's ARN, when known. */
  resourceArn?: string | undefined;
  /** The event types that announce it (one for an event; what a sweep infers). */
  eventTypes: readonly BackupEventType[];
}

const RULE_KEYS = [
  "name",
  "sourceBackupVaults",
  "resourceTypes",
  "resourceArns",
  "accounts",
  "regions",
  "eventTypes",
  "destinationBackupVaultArn",
  "iamRoleArn",
  "lifecycle",
] as const;
const LIFECYCLE_KEYS = [
  "MoveToColdStorageAfterDays",
  "DeleteAfterDays",
  "OptInToArchiveForSupportedResources",
  "DeleteAfterEvent",
] as const;
const ROLE_ARN = /^arn:[a-z][a-z0-9-]*:iam::[0-9]{12}:role\/.+$/;

/** The name of a rule in results: its `name`, or `rules[<index>]`. */
export function ruleName(rule: CopyRule, index: number): string {
  return rule.name ?? `rules[${index}]`;
}

/**
 * Checks copy rules: every key known, every value of its type and shape (vault names, ARNs,
 * account ids, Regions, event types, lifecycle), names unique, and no circle of rules that
 * would copy each other's copies forever.
 *
 * @param path how the rules are named in issues, e.g. `rules` or `COPY_RULES`.
 * @throws {ValidationError} naming the path of every problem, e.g. `rules[1].destinationBackupVaultArn`.
 */
export function checkCopyRules(rules: unknown, path = "rules"): readonly CopyRule[] {
  const issues = copyRuleIssues(rules, path);
  if (issues.length) throw new ValidationError("copy rules", issues);
  return rules as readonly CopyRule[];
}

/**
 * Reads copy rules from JSON text (e.g. an environment variable) and checks them.
 *
 * @param name what the text is called in issues, e.g. `COPY_RULES`.
 * @throws {ValidationError} the text is not JSON, or the rules are not valid (see
 *   {@linkcode checkCopyRules}), naming `name` and the path.
 *
 * @example
 * ```ts
 * import { parseCopyRules } from "./rules.ts";
 * const rules = parseCopyRules(`[{
 *   "sourceBackupVaults": ["Default"],
 *   "destinationBackupVaultArn": "arn:aws:backup:us-west-2:111122223333:backup-vault:dr",
 *   "iamRoleArn": "arn:aws:iam::111122223333:role/service-role/AWSBackupDefaultServiceRole"
 * }]`);
 * if (rules.length !== 1) throw new Error("one rule");
 * ```
 */
export function parseCopyRules(json: unknown, name = "COPY_RULES"): readonly CopyRule[] {
  let value: unknown;
  try {
    if (typeof json !== "string") throw new TypeError(`not text but ${typeof json}`);
    value = JSON.parse(json);
  } catch (error) {
    throw new ValidationError("copy rules", [{
      path: name,
      message: `must be a JSON array of copy rules (${(error as Error).message})`,
    }]);
  }
  return checkCopyRules(value, name);
}

/** The problems {@linkcode checkCopyRules} would throw, as a list. */
export function copyRuleIssues(rules: unknown, path = "rules"): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (!Array.isArray(rules) || rules.length === 0) {
    return [{ path, message: "must be a non-empty array of copy rules" }];
  }
  const names = new Set<string>();
  rules.forEach((rule, i) => {
    const at = `${path}[${i}]`;
    if (typeof rule !== "object" || rule === null || Array.isArray(rule)) {
      issues.push({ path: at, message: "must be a copy rule (an object)" });
      return;
    }
    ruleIssues(rule as Record<string, unknown>, at, issues);
    const name = (rule as CopyRule).name;
    if (typeof name === "string") {
      if (names.has(name)) issues.push({ path: `${at}.name`, message: `repeats "${name}"` });
      names.add(name);
    }
  });
  if (!issues.length) issues.push(...circleIssues(rules as CopyRule[], path));
  return issues;
}

function ruleIssues(rule: Record<string, unknown>, at: string, issues: ValidationIssue[]): void {
  issues.push(...unknownKeyIssues(rule, RULE_KEYS, at));
  const list = (key: string, check: (v: string) => boolean, what: string) => {
    const value = rule[key];
    if (value === undefined) return;
    if (!Array.isArray(value) || value.length === 0) {
      issues.push({
        path: `${at}.${key}`,
        message: `must be a non-empty array (omit it to take all)`,
      });
      return;
    }
    value.forEach((v, j) => {
      if (typeof v !== "string" || !check(v)) {
        issues.push({ path: `${at}.${key}[${j}]`, message: `must be ${what}` });
      }
    });
  };
  if (rule.name !== undefined && (typeof rule.name !== "string" || rule.name === "")) {
    issues.push({ path: `${at}.name`, message: "must be a non-empty string" });
  }
  list(
    "sourceBackupVaults",
    (v) => isBackupVaultName(v) || parseBackupVaultArn(v) !== undefined,
    "a backup vault name or a backup vault ARN",
  );
  if (Array.isArray(rule.resourceTypes)) {
    rule.resourceTypes.forEach((v: unknown, j: number) => {
      if (typeof v !== "string" || BACKUP_RESOURCE_TYPES.includes(v)) return;
      // A type AWS Backup never sends would match no event, silently, every night.
      const near = closestKey(v, BACKUP_RESOURCE_TYPES);
      issues.push({
        path: `${at}.resourceTypes[${j}]`,
        message: `'${v}' is not a resource type of AWS Backup${
          near ? ` (did you mean ${near}?)` : ` (one of ${BACKUP_RESOURCE_TYPES.join(", ")})`
        }`,
      });
    });
  }
  list("resourceTypes", (v) => typeof v === "string", "a resource type such as EBS");
  list("resourceArns", isArn, "an ARN");
  list("accounts", isAccountId, "a 12-digit account id");
  list("regions", isRegion, "a Region name such as us-east-1");
  list(
    "eventTypes",
    (v) => (BACKUP_EVENT_TYPES as readonly string[]).includes(v),
    `one of ${BACKUP_EVENT_TYPES.map((t) => `"${t}"`).join(", ")}`,
  );
  if (typeof rule.destinationBackupVaultArn !== "string") {
    issues.push({
      path: `${at}.destinationBackupVaultArn`,
      message: "is required: a backup vault ARN",
    });
  } else if (!parseBackupVaultArn(rule.destinationBackupVaultArn)) {
    issues.push({
      path: `${at}.destinationBackupVaultArn`,
      message: "must be a backup vault ARN (arn:aws:backup:<region>:<account>:backup-vault:<name>)",
    });
  }
  if (typeof rule.iamRoleArn !== "string") {
    issues.push({ path: `${at}.iamRoleArn`, message: "is required: an IAM role ARN" });
  } else if (!ROLE_ARN.test(rule.iamRoleArn)) {
    issues.push({
      path: `${at}.iamRoleArn`,
      message: "must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)",
    });
  }
  const lifecycle = rule.lifecycle;
  if (lifecycle !== undefined) {
    if (typeof lifecycle !== "object" || lifecycle === null || Array.isArray(lifecycle)) {
      issues.push({ path: `${at}.lifecycle`, message: "must be a Lifecycle object" });
    } else {
      lifecycleIssues(lifecycle as Record<string, unknown>, `${at}.lifecycle`, issues);
    }
  }
  if (!issues.some((i) => i.path.startsWith(`${at}.`))) {
    issues.push(...ownVaultIssues(rule as unknown as CopyRule, at));
    // The StartCopyJob members the rule becomes, against the model as well.
    for (
      const issue of validateStartCopyJobInput({
        RecoveryPointArn: "arn:aws:backup:us-east-1:000000000000:recovery-point:x",
        SourceBackupVaultName: "checked",
        DestinationBackupVaultArn: rule.destinationBackupVaultArn as string,
        IamRoleArn: rule.iamRoleArn as string,
        ...(lifecycle === undefined ? {} : { Lifecycle: lifecycle as Lifecycle }),
      })
    ) {
      const [head, ...rest] = issue.path.split(".");
      const key = {
        DestinationBackupVaultArn: "destinationBackupVaultArn",
        IamRoleArn: "iamRoleArn",
        Lifecycle: "lifecycle",
      }[head] ?? head;
      issues.push({ path: [`${at}.${key}`, ...rest].join("."), message: issue.message });
    }
  }
}

/**
 * A rule whose conditions take only recovery points already in its destination vault: every
 * `sourceBackupVaults` entry is the destination — its ARN, or its name with `accounts` and
 * `regions` holding only the destination's. It would never copy anything (a point is never
 * copied into the vault it is in, see `ruleMiss`'s `SAME_VAULT`), silently, every night. ARNs
 * and names compare exactly, as AWS Backup's do (see `sameVaultIssues` in option_checks.ts).
 */
function ownVaultIssues(rule: CopyRule, at: string): ValidationIssue[] {
  const destination = parseBackupVaultArn(rule.destinationBackupVaultArn);
  if (!destination || !rule.sourceBackupVaults) return [];
  const only = (values: readonly string[] | undefined, value: string) =>
    values !== undefined && values.every((v) => v === value);
  const isDestination = (v: string) =>
    v === rule.destinationBackupVaultArn ||
    (v === destination.name && only(rule.accounts, destination.accountId) &&
      only(rule.regions, destination.region));
  if (!rule.sourceBackupVaults.every(isDestination)) return [];
  return [{
    path: `${at}.destinationBackupVaultArn`,
    message: `is the only vault sourceBackupVaults takes (${rule.destinationBackupVaultArn}): a ` +
      `recovery point is never copied into the vault it is in, so the rule would copy nothing; ` +
      `name another destination vault, or other sourceBackupVaults`,
  }];
}

function lifecycleIssues(
  lifecycle: Record<string, unknown>,
  at: string,
  issues: ValidationIssue[],
) {
  issues.push(...unknownKeyIssues(lifecycle, LIFECYCLE_KEYS, at));
  for (const key of ["MoveToColdStorageAfterDays", "DeleteAfterDays"]) {
    const v = lifecycle[key];
    if (v !== undefined && !(Number.isSafeInteger(v) && ((v as number) >= 1 || v === -1))) {
      issues.push({
        path: `${at}.${key}`,
        message: "must be a whole number of days (at least 1, or -1)",
      });
    }
  }
  const optIn = lifecycle.OptInToArchiveForSupportedResources;
  if (optIn !== undefined && typeof optIn !== "boolean") {
    issues.push({
      path: `${at}.OptInToArchiveForSupportedResources`,
      message: "must be a boolean",
    });
  }
  const event = lifecycle.DeleteAfterEvent;
  if (event !== undefined && event !== "DELETE_AFTER_COPY") {
    issues.push({ path: `${at}.DeleteAfterEvent`, message: 'must be "DELETE_AFTER_COPY"' });
  }
}

/**
 * Rules whose copies other rules copy again, round and round: rule i feeds rule j when j takes
 * recovery points in i's destination vault. A circle is an issue at its first rule.
 */
function circleIssues(rules: CopyRule[], path: string): ValidationIssue[] {
  const feeds = rules.map((from) => {
    const vault = parseBackupVaultArn(from.destinationBackupVaultArn)!;
    const copy: RuleCandidate = {
      backupVaultArn: from.destinationBackupVaultArn,
      backupVaultName: vault.name,
      region: vault.region,
      accountId: vault.accountId,
      eventTypes: [COPY_JOB_STATE_CHANGE, RECOVERY_POINT_STATE_CHANGE],
    };
    return rules.flatMap((to, j) => ruleMiss(to, copy, { anyResource: true }) ? [] : [j]);
  });
  const state = rules.map(() => 0); // 0 new, 1 on the path, 2 done
  const trail: number[] = [];
  const visit = (i: number): number[] | undefined => {
    state[i] = 1;
    trail.push(i);
    for (const j of feeds[i]) {
      if (state[j] === 1) return trail.slice(trail.indexOf(j));
      if (state[j] === 0) {
        const circle = visit(j);
        if (circle) return circle;
      }
    }
    trail.pop();
    state[i] = 2;
    return undefined;
  };
  for (let i = 0; i < rules.length; i++) {
    if (state[i] !== 0) continue;
    const circle = visit(i);
    if (circle) {
      const names = [...circle, circle[0]].map((k) => ruleName(rules[k], k)).join(" → ");
      return [{
        path: `${path}[${circle[0]}]`,
        message: `copies in a circle (${names}): each copy would be copied again forever; ` +
          "name sourceBackupVaults (or eventTypes) so that no rule takes another's copies back",
      }];
    }
  }
  return [];
}

/**
 * Why `rule` does not take `candidate`, or `undefined` when it does. Resource conditions are
 * judged only when the candidate's resource is known (`anyResource` skips them).
 */
export function ruleMiss(
  rule: CopyRule,
  candidate: RuleCandidate,
  options: { anyResource?: boolean } = {},
): Reason<RuleMissCode> | undefined {
  const miss = (code: RuleMissCode, message: string) => ({ code, message });
  if (candidate.backupVaultArn === rule.destinationBackupVaultArn) {
    return miss("SAME_VAULT", `already in the destination vault ${rule.destinationBackupVaultArn}`);
  }
  if (rule.eventTypes && !candidate.eventTypes.some((t) => rule.eventTypes!.includes(t))) {
    return miss(
      "EVENT_TYPE",
      `announced by ${candidate.eventTypes.join(" or ")}, not one of eventTypes`,
    );
  }
  if (rule.accounts && !rule.accounts.includes(candidate.accountId)) {
    return miss("ACCOUNT", `account ${candidate.accountId} is not one of accounts`);
  }
  if (rule.regions && !rule.regions.includes(candidate.region)) {
    return miss("REGION", `Region ${candidate.region} is not one of regions`);
  }
  if (
    rule.sourceBackupVaults &&
    !rule.sourceBackupVaults.some((v) =>
      v === candidate.backupVaultArn || v === candidate.backupVaultName
    )
  ) {
    return miss(
      "SOURCE_VAULT",
      `vault ${candidate.backupVaultArn} is not one of sourceBackupVaults`,
    );
  }
  if (options.anyResource) return undefined;
  if (rule.resourceTypes && !rule.resourceTypes.includes(candidate.resourceType ?? "")) {
    return miss(
      "RESOURCE_TYPE",
      `resource type ${candidate.resourceType} is not one of resourceTypes`,
    );
  }
  if (rule.resourceArns && !rule.resourceArns.includes(candidate.resourceArn ?? "")) {
    return miss("RESOURCE_ARN", `resource ${candidate.resourceArn} is not one of resourceArns`);
  }
  return undefined;
}
