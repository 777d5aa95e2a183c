/**
 * The emulator's command-line flags for AWS Backup's EventBridge events (see `main.ts`): where to
 * deliver them and with which connection key, how EventBridge misbehaves (twice, at once, late,
 * dropped), and backups on a timer to make events from — so that `wrangler dev`, the Deno or the
 * Node event server can be tried end to end on one machine.
 *
 * The connection's API key is read from an environment variable named on the command line, never
 * taken as an argument: arguments show in `ps` and in shell history.
 *
 * @module
 */

import type { EmulatorEvent, EventDelivery, EventDeliveryOptions } from "./events.ts";
import { DEFAULT_VAULT_NAME, DEMO_IAM_ROLE_ARN } from "./fixtures.ts";
import {
  describeRange,
  flagValue,
  integerFlag,
  type IntegerRange,
  MAX_TIMER_MS,
  missingValue,
  repeatedFlag,
  splitFlag,
} from "./flags.ts";
import type { Emulator } from "./server.ts";

/** The flags' part of the usage text. */
export const EVENT_USAGE = `
  AWS Backup's EventBridge events (delivered as an EventBridge API destination would):
  --events-to URL                POST every event to URL, e.g. http://127.0.0.1:8787/ (wrangler dev)
  --events-api-key-env VAR       the connection's API key is in environment variable VAR (required
                                 with --events-to; never given as an argument)
  --events-api-key-header NAME   the header it is sent in (default: x-backup-edge-key)
  --events-completed-only        only COMPLETED backup and copy jobs and recovery points (the
                                 EventBridge rule of docs/events.md); default: every event
  --events-times N               deliver each event N times (default: 1; EventBridge: at least once)
  --events-concurrent            deliver an event's N times all at once
  --events-late-ms MS            each delivery after the first MS later
  --events-delay-ms MS           the first delivery MS after the event
  --events-drop-rate R           never deliver a share R (0 to 1) of the events (AWS Backup sends
                                 them best effort), drawn with --events-seed N (default: 1)
  --backup-every MS              start a backup job of a new EBS volume into ${DEFAULT_VAULT_NAME} now and
                                 every MS ms, as a backup plan would`;

/** The event flags given. */
export interface EventFlags {
  /** `--events-to`. */
  url?: URL;
  /** `--events-api-key-env`: the variable's name. */
  apiKeyEnv?: string;
  /** `--events-api-key-header`. */
  apiKeyHeader: string;
  completedOnly: boolean;
  times?: number;
  concurrent: boolean;
  lateMs?: number;
  delayMs?: number;
  dropRate?: number;
  seed?: number;
  /** `--backup-every`. */
  backupEveryMs?: number;
}

const DEFAULT_API_KEY_HEADER = "x-backup-edge-key";
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SWITCHES = ["--events-completed-only", "--events-concurrent"];

/** The event flags that take an integer, and its range. */
const INTEGER_FLAGS: Readonly<Record<string, IntegerRange>> = {
  "--events-times": { min: 1 },
  "--events-late-ms": { min: 0, max: MAX_TIMER_MS },
  "--events-delay-ms": { min: 0, max: MAX_TIMER_MS },
  // mulberry32 draws from a 32-bit seed: a larger one would repeat a smaller one's draws.
  "--events-seed": { min: 0, max: 2 ** 32 - 1 },
  "--backup-every": { min: 1, max: MAX_TIMER_MS },
};

/** What each event flag that is not an integer takes, for the message when it has no value. */
const VALUE_OF: Readonly<Record<string, string>> = {
  "--events-to": "an http or https URL",
  "--events-api-key-env": "the name of an environment variable",
  "--events-api-key-header": "a header name",
  "--events-drop-rate": "a number from 0 to 1",
};

/** Every event flag, for the "did you mean" of an unknown flag. */
export const EVENT_FLAGS: readonly string[] = [
  ...SWITCHES,
  ...Object.keys(INTEGER_FLAGS),
  ...Object.keys(VALUE_OF),
];

/**
 * Takes the event flags out of `args`: the other arguments, and the event flags, or a message
 * naming the flag at fault.
 */
export function takeEventFlags(
  args: readonly string[],
): { rest: string[]; flags: EventFlags } | string {
  const rest: string[] = [];
  const flags: EventFlags = {
    apiKeyHeader: DEFAULT_API_KEY_HEADER,
    completedOnly: false,
    concurrent: false,
  };
  const given = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = splitFlag(args[i]);
    if (given.has(flag)) return repeatedFlag(flag);
    if (SWITCHES.includes(flag)) {
      if (inline !== undefined) return `${flag} takes no value, got ${args[i]}`;
      given.add(flag);
      if (flag === "--events-concurrent") flags.concurrent = true;
      else flags.completedOnly = true;
      continue;
    }
    if (!Object.hasOwn(INTEGER_FLAGS, flag) && !Object.hasOwn(VALUE_OF, flag)) {
      rest.push(args[i]);
      continue;
    }
    given.add(flag);
    const range = INTEGER_FLAGS[flag];
    const { value: raw, last } = flagValue(args, i, inline);
    i = last;
    if (raw === undefined) return missingValue(flag, range ? describeRange(range) : VALUE_OF[flag]);
    switch (flag) {
      case "--events-to": {
        const url = URL.canParse(raw) ? new URL(raw) : undefined;
        if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
          return `--events-to needs an http or https URL, got ${raw}`;
        }
        flags.url = url;
        break;
      }
      case "--events-api-key-env":
        if (!ENV_NAME.test(raw)) {
          return `--events-api-key-env needs the name of an environment variable, got ${raw}`;
        }
        flags.apiKeyEnv = raw;
        break;
      case "--events-api-key-header":
        if (!HEADER_NAME.test(raw)) {
          return `--events-api-key-header needs a header name, got ${raw}`;
        }
        flags.apiKeyHeader = raw;
        break;
      case "--events-drop-rate": {
        const rate = Number(raw);
        if (!(rate >= 0 && rate <= 1)) {
          return `--events-drop-rate needs a number from 0 to 1, got ${raw}`;
        }
        flags.dropRate = rate;
        break;
      }
      default: {
        const n = integerFlag(flag, raw, range);
        if (typeof n === "string") return n;
        if (flag === "--events-times") flags.times = n;
        else if (flag === "--events-late-ms") flags.lateMs = n;
        else if (flag === "--events-delay-ms") flags.delayMs = n;
        else if (flag === "--events-seed") flags.seed = n;
        else flags.backupEveryMs = n;
      }
    }
  }
  const needsTarget = [...given].filter((f) => f !== "--backup-every" && f !== "--events-to");
  if (!flags.url && needsTarget.length) return `${needsTarget[0]} needs --events-to URL`;
  if (flags.url && !flags.apiKeyEnv) {
    return "--events-to needs --events-api-key-env VAR: the connection's API key, read from " +
      "that environment variable";
  }
  return { rest, flags };
}

/**
 * The delivery the flags ask for, the key read from the environment; or a message naming what is
 * wrong (an unset variable, a host the emulator may not connect to) — never the key.
 *
 * @param log called with one line per delivery attempt.
 */
export async function eventDelivery(
  flags: EventFlags,
  env: (name: string) => string | undefined,
  log: (line: string) => void,
): Promise<EventDeliveryOptions | undefined | string> {
  if (!flags.url) return undefined;
  const key = env(flags.apiKeyEnv!);
  if (!key) return `--events-api-key-env: environment variable ${flags.apiKeyEnv} is not set`;
  const net = await Deno.permissions.query({ name: "net", host: flags.url.host });
  if (net.state !== "granted") {
    return `--events-to: the emulator may not connect to ${flags.url.host} (deno task emulator ` +
      `allows 127.0.0.1 only): use http://127.0.0.1:PORT/, or run emulator/main.ts with ` +
      `--allow-net=127.0.0.1,${flags.url.hostname}`;
  }
  const delivery: EventDeliveryOptions = {
    url: flags.url.href,
    authorization: { apiKey: { name: flags.apiKeyHeader, value: key } },
    onDelivery: (d) => log(describeDelivery(d, flags.url!)),
  };
  if (flags.completedOnly) delivery.filter = isCompleted;
  if (flags.times !== undefined) delivery.times = flags.times;
  if (flags.concurrent) delivery.concurrent = true;
  if (flags.lateMs !== undefined) delivery.lateMs = flags.lateMs;
  if (flags.delayMs !== undefined) delivery.delayMs = flags.delayMs;
  if (flags.dropRate !== undefined) delivery.dropRate = flags.dropRate;
  if (flags.seed !== undefined) delivery.seed = flags.seed;
  return delivery;
}

/** What the EventBridge rule of docs/events.md passes on: COMPLETED jobs and recovery points. */
function isCompleted(event: EmulatorEvent): boolean {
  const detail = event.detail;
  return event["detail-type"] === "Recovery Point State Change"
    ? detail.status === "COMPLETED"
    : detail.state === "COMPLETED";
}

/**
 * One line per delivery attempt, e.g. `event Backup Job State Change COMPLETED … -> 200`, or
 * `-> 307 (redirect to … not followed: a failed delivery)`.
 */
export function describeDelivery(d: EventDelivery, url: URL): string {
  const outcome = d.status === undefined
    ? `failed: ${d.error}`
    : `${d.status}${d.error ? ` (${d.error})` : ""}`;
  const again = d.retryable ? ", EventBridge would retry" : "";
  return `event ${d.detailType} ${d.state ?? ""} ${d.eventId} to ${url.href} -> ${outcome} ` +
    `(delivery ${d.copy}, attempt ${d.attempt}, ${d.durationMs} ms${again})`;
}

/** `once`, `twice`, `3 times`. */
function timesOf(n: number): string {
  return n === 1 ? "once" : n === 2 ? "twice" : `${n} times`;
}

/** The banner's lines about events (the variable's name, never its value). */
export function eventBanner(flags: EventFlags): string[] {
  const lines: string[] = [];
  if (flags.url) {
    const how = [
      `each ${timesOf(flags.times ?? 1)}${flags.concurrent ? " at once" : ""}`,
      ...(flags.lateMs ? [`later ones ${flags.lateMs} ms late`] : []),
      ...(flags.delayMs ? [`after ${flags.delayMs} ms`] : []),
      ...(flags.dropRate ? [`${flags.dropRate * 100}% dropped`] : []),
      flags.completedOnly ? "COMPLETED ones only" : "all of them",
    ];
    lines.push(
      `  events to ${flags.url.href} with header ${flags.apiKeyHeader} ` +
        `(the value of $${flags.apiKeyEnv}): ${how.join(", ")}`,
    );
  }
  if (flags.backupEveryMs) {
    lines.push(`  a backup job into ${DEFAULT_VAULT_NAME} now and every ${flags.backupEveryMs} ms`);
  }
  return lines;
}

/**
 * Starts a backup job of a new EBS volume into `Default` now and every `everyMs`, as a backup plan
 * would; returns what stops it.
 */
export function startBackups(
  emulator: Emulator,
  everyMs: number,
  log: (line: string) => void,
): () => void {
  const backUp = () => {
    const volume = `vol-${crypto.randomUUID().replaceAll("-", "").slice(0, 17)}`;
    const resourceArn = `arn:aws:ec2:${emulator.region}:${emulator.accountId}:volume/${volume}`;
    const job = emulator.startBackupJob({
      BackupVaultName: DEFAULT_VAULT_NAME,
      ResourceArn: resourceArn,
      IamRoleArn: DEMO_IAM_ROLE_ARN,
    });
    log(
      `backup job ${job.BackupJobId} started: ${resourceArn} -> vault ${DEFAULT_VAULT_NAME}, ` +
        `recovery point ${job.RecoveryPointArn}`,
    );
  };
  backUp();
  const timer = setInterval(backUp, everyMs);
  return () => clearInterval(timer);
}
