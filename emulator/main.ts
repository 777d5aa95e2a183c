/**
 * Runs the AWS Backup emulator standalone until SIGINT (Ctrl-C):
 *
 * ```sh
 * npx -y deno@2.9.6 task emulator -- [--port N] [--cors] [--job-duration-ms N] \
 *   [--max-concurrent-copies-per-region N] [--max-concurrent-copies-per-vault N] \
 *   [--max-concurrent-jobs N] [--seed FILE] [--events-to URL --events-api-key-env VAR …]
 * ```
 *
 * Copy jobs meet AWS's quotas by default — 100 in progress to a destination Region, then 5 per
 * destination vault — which the two `--max-concurrent-copies-*` flags change;
 * `--max-concurrent-jobs N` adds a cap of the emulator's own per destination Region (none unless
 * given).
 *
 * With `--events-to`, it delivers AWS Backup's EventBridge events to an API destination such as
 * `wrangler dev` or the Deno and Node event servers (flags in `events_cli.ts`).
 *
 * It needs no deno.json (its one npm dependency is named in full in `sigv4.ts`), so it also runs
 * from anywhere, by path or by URL:
 * `npx -y deno@2.9.6 run --no-config --allow-net=127.0.0.1 --allow-read --allow-env
 * path/to/emulator/main.ts`. A port already in use, or a missing permission, is one line naming
 * the flag to change, and exit status 2.
 *
 * @module
 */

import {
  DEFAULT_JOB_DURATION_MS,
  DEFAULT_MAX_CONCURRENT_COPIES_PER_REGION,
  DEFAULT_MAX_CONCURRENT_COPIES_PER_VAULT,
  DEFAULT_VAULT_NAME,
  DEMO_ACCESS_KEY_ID,
  DEMO_IAM_ROLE_ARN,
  DEMO_RECOVERY_POINTS,
  DEMO_SECRET_ACCESS_KEY,
  DEMO_VAULT_ARNS,
  DR_VAULT_NAME,
  DR_VAULT_WEST_ARN,
  type Emulator,
  type EmulatorSeed,
  loadSeedFile,
  RECOVERY_POINT_FAILING_ARN,
  RECOVERY_POINT_OK_ARN,
  RECOVERY_POINT_PARTIAL_ARN,
  type RequestLogEntry,
  startEmulator,
} from "./mod.ts";
import {
  EVENT_FLAGS,
  EVENT_USAGE,
  eventBanner,
  eventDelivery,
  startBackups,
  takeEventFlags,
} from "./events_cli.ts";
import {
  describeRange,
  flagValue,
  integerFlag,
  type IntegerRange,
  MAX_TIMER_MS,
  missingValue,
  repeatedFlag,
  splitFlag,
  unknownFlag,
} from "./flags.ts";

const USAGE = `Usage: npx -y deno@2.9.6 task emulator -- [--port N] [--cors] [--job-duration-ms N]
  [--max-concurrent-copies-per-region N] [--max-concurrent-copies-per-vault N]
  [--max-concurrent-jobs N] [--seed FILE] [--events-to URL --events-api-key-env VAR …]

  --port N                 port on 127.0.0.1 to listen on (default: a free one)
  --cors                   let web pages of any origin call it (answers CORS preflights)
  --job-duration-ms N      time for a copy job to finish (default: ${DEFAULT_JOB_DURATION_MS})
  --max-concurrent-copies-per-region N
                           AWS's quota: copy jobs in progress to one destination Region before
                           the per-vault quota applies (default: ${DEFAULT_MAX_CONCURRENT_COPIES_PER_REGION})
  --max-concurrent-copies-per-vault N
                           AWS's quota once the Region's is reached: copy jobs in progress to one
                           destination vault before LimitExceededException (default: ${DEFAULT_MAX_CONCURRENT_COPIES_PER_VAULT}; at least 1)
  --max-concurrent-jobs N  a cap of the emulator's own: copy jobs in progress to one destination
                           Region before LimitExceededException, whatever their vaults (default:
                           none, AWS's quotas alone)
  --seed FILE              more vaults and recovery points from a JSON file, checked whole (its
                           members: docs/development.md#the-emulators-seed-file)
${EVENT_USAGE}`;

/** Command-line options. */
interface CliOptions {
  port: number;
  cors: boolean;
  jobDurationMs: number;
  /** Given only with its flag: `startEmulator` then leaves AWS's quota (or the cap) unchanged. */
  maxConcurrentCopiesPerRegion?: number;
  maxConcurrentCopiesPerVault?: number;
  maxConcurrentJobs?: number;
  seed?: string;
}

/** The options set by a count. */
type CountOption = {
  [K in keyof CliOptions]-?: CliOptions[K] extends number | undefined ? K : never;
}[keyof CliOptions];

/**
 * The flags that take a count: the option each sets, and the range it has a meaning in. A vault
 * quota or cap of 0 would refuse every copy job with LimitExceededException, forever; a Region
 * quota of 0 is AWS's per-vault quota alone. A duration is a timer's (at most `MAX_TIMER_MS`).
 */
const COUNT_FLAGS: Readonly<
  Record<string, { option: CountOption; range: IntegerRange }>
> = {
  "--port": { option: "port", range: { min: 0, max: 65535 } },
  "--job-duration-ms": { option: "jobDurationMs", range: { min: 0, max: MAX_TIMER_MS } },
  "--max-concurrent-copies-per-region": {
    option: "maxConcurrentCopiesPerRegion",
    range: { min: 0 },
  },
  "--max-concurrent-copies-per-vault": { option: "maxConcurrentCopiesPerVault", range: { min: 1 } },
  "--max-concurrent-jobs": { option: "maxConcurrentJobs", range: { min: 1 } },
};

function parseArgs(args: string[]): CliOptions | string {
  const options: CliOptions = {
    port: 0,
    cors: false,
    jobDurationMs: DEFAULT_JOB_DURATION_MS,
  };
  const seen = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = splitFlag(args[i]);
    if (flag === "--help" || flag === "-h") return USAGE;
    const count = Object.hasOwn(COUNT_FLAGS, flag) ? COUNT_FLAGS[flag] : undefined;
    if (flag !== "--cors" && flag !== "--seed" && !count) {
      const known = ["--cors", "--seed", "--help", ...Object.keys(COUNT_FLAGS), ...EVENT_FLAGS];
      return `${unknownFlag(flag, known)}\n${USAGE}`;
    }
    if (seen.has(flag)) return `${repeatedFlag(flag)}\n${USAGE}`;
    seen.add(flag);
    if (flag === "--cors") {
      if (inline !== undefined) return `--cors takes no value, got ${args[i]}\n${USAGE}`;
      options.cors = true;
      continue;
    }
    const { value, last } = flagValue(args, i, inline);
    i = last;
    if (!count) {
      if (value === undefined) return `${missingValue(flag, "a JSON file")}\n${USAGE}`;
      options.seed = value;
      continue;
    }
    if (value === undefined) return `${missingValue(flag, describeRange(count.range))}\n${USAGE}`;
    const n = integerFlag(flag, value, count.range);
    if (typeof n === "string") return `${n}\n${USAGE}`;
    options[count.option] = n;
  }
  return options;
}

/** The banner's line about copy job quotas: AWS's, as set, and the emulator's own cap if any. */
function quotaLine(options: CliOptions): string {
  const region = options.maxConcurrentCopiesPerRegion ?? DEFAULT_MAX_CONCURRENT_COPIES_PER_REGION;
  const vault = options.maxConcurrentCopiesPerVault ?? DEFAULT_MAX_CONCURRENT_COPIES_PER_VAULT;
  return `  copy jobs in progress: ${region} to a destination Region, then ${vault} per ` +
    `destination vault (LimitExceededException)` +
    (options.maxConcurrentJobs === undefined
      ? ""
      : `; at most ${options.maxConcurrentJobs} to a Region (--max-concurrent-jobs)`);
}

/** `1 vault`, `2 vaults`. */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/** The names of seeded vaults (`prod`, `dr`), the first five, for the banner. */
function vaultNames(arns: readonly string[]): string {
  const names = arns.slice(0, 5).map((arn) => arn.slice(arn.lastIndexOf(":") + 1));
  return names.join(", ") + (arns.length > 5 ? `, … ${arns.length - 5} more` : "");
}

function describe(entry: RequestLogEntry): string {
  const query = entry.search ? `?${entry.search}` : "";
  const notes = [
    entry.operation,
    entry.errorType,
    entry.fault ? "injected fault" : undefined,
    entry.signatureValid ? undefined : `signature rejected: ${entry.authError}`,
  ].filter((n) => n !== undefined);
  return `${entry.method} ${entry.path}${query} -> ${entry.status} (${notes.join("; ")})`;
}

function banner(
  emulator: Emulator,
  options: CliOptions,
  seed: EmulatorSeed | undefined,
  events: string[],
): string {
  return [
    `AWS Backup emulator listening on ${emulator.url}`,
    `  region ${emulator.region}, account ${emulator.accountId}`,
    `  demo credentials (fake): AWS_ACCESS_KEY_ID=${DEMO_ACCESS_KEY_ID} ` +
    `AWS_SECRET_ACCESS_KEY=${DEMO_SECRET_ACCESS_KEY}`,
    `  source vaults: ${DEFAULT_VAULT_NAME}, ${DR_VAULT_NAME}; destination: ${DR_VAULT_WEST_ARN}`,
    `  IAM role: ${DEMO_IAM_ROLE_ARN}`,
    quotaLine(options),
    `  recovery points: ${RECOVERY_POINT_OK_ARN} (completes)`,
    `                   ${RECOVERY_POINT_FAILING_ARN} (fails)`,
    `                   ${RECOVERY_POINT_PARTIAL_ARN} (partial, in ${DR_VAULT_NAME})`,
    ...(seed
      ? [
        `  seeded: ${count(seed.vaults.length, "vault")} (${vaultNames(seed.vaults)}), ` +
        `${count(seed.recoveryPoints.length, "recovery point")} more`,
      ]
      : []),
    ...(options.cors
      ? [`  CORS on: web pages of any origin may call it (preflights answered unsigned)`]
      : []),
    ...events,
    `Press Ctrl-C to stop.`,
  ].join("\n");
}

function isPermissionError(e: unknown): boolean {
  return e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied;
}

/** Why the emulator could not listen, in one line that names the flag to change. */
function listenFailure(e: unknown, port: number): string {
  if (e instanceof Deno.errors.AddrInUse) {
    return `Port ${port} on 127.0.0.1 is already in use: stop what listens there, or choose ` +
      `another port with --port N (--port 0 takes a free one).`;
  }
  if (isPermissionError(e)) {
    return `The emulator needs to listen on 127.0.0.1: run it with --allow-net=127.0.0.1 ` +
      `(${(e as Error).message}).`;
  }
  return `Cannot start the emulator: ${(e as Error).name}: ${(e as Error).message}`;
}

if (import.meta.main) {
  // `deno task emulator -- --port 8080` passes the `--` on.
  const events = takeEventFlags(Deno.args[0] === "--" ? Deno.args.slice(1) : Deno.args);
  if (typeof events === "string") {
    console.error(`${events}\n${USAGE}`);
    Deno.exit(2);
  }
  const options = parseArgs(events.rest);
  if (options === USAGE) {
    console.log(USAGE);
    Deno.exit(0);
  }
  if (typeof options === "string") {
    console.error(options);
    Deno.exit(2);
  }
  let seed: EmulatorSeed | undefined;
  try {
    seed = options.seed === undefined ? undefined : await loadSeedFile(options.seed);
  } catch (e) {
    // One line naming the file and the member: `Invalid emulator seed FILE: PATH is …`.
    console.error((e as Error).message);
    Deno.exit(2);
  }
  const delivery = await eventDelivery(events.flags, (name) => Deno.env.get(name), console.log);
  if (typeof delivery === "string") {
    console.error(delivery);
    Deno.exit(2);
  }
  let emulator: Emulator;
  try {
    emulator = await startEmulator({
      port: options.port,
      cors: options.cors,
      jobDurationMs: options.jobDurationMs,
      // Each unset unless given: AWS's quotas by default, and no cap of the emulator's own.
      maxConcurrentCopiesPerRegion: options.maxConcurrentCopiesPerRegion,
      maxConcurrentCopiesPerVault: options.maxConcurrentCopiesPerVault,
      maxConcurrentJobs: options.maxConcurrentJobs,
      // Seeded vaults and recovery points come in addition to the demo ones.
      vaults: [...DEMO_VAULT_ARNS, ...seed?.vaults ?? []],
      recoveryPoints: [...DEMO_RECOVERY_POINTS, ...seed?.recoveryPoints ?? []],
      onRequest: (entry) => console.log(describe(entry)),
      ...(delivery || events.flags.backupEveryMs ? { events: delivery ?? true } : {}),
    });
  } catch (e) {
    console.error(listenFailure(e, options.port));
    Deno.exit(e instanceof Deno.errors.AddrInUse || isPermissionError(e) ? 2 : 1);
  }
  console.log(banner(emulator, options, seed, eventBanner(events.flags)));
  const stopBackups = events.flags.backupEveryMs
    ? startBackups(emulator, events.flags.backupEveryMs, console.log)
    : () => {};
  const stop = () => {
    Deno.removeSignalListener("SIGINT", stop);
    stopBackups();
    console.log("Stopping.");
    emulator.close();
  };
  Deno.addSignalListener("SIGINT", stop);
}
