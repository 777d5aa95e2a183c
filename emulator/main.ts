/**
 * Runs the AWS Backup emulator standalone until SIGINT (Ctrl-C):
 *
 * ```sh
 * deno run --allow-net=127.0.0.1 --allow-read emulator/main.ts [--port N] [--job-duration-ms N] \
 *   [--max-concurrent-jobs N] [--seed FILE]
 * ```
 *
 * @module
 */

import {
  DEFAULT_JOB_DURATION_MS,
  DEFAULT_MAX_CONCURRENT_JOBS,
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

const USAGE = `Usage: emulator/main.ts [--port N] [--job-duration-ms N] [--max-concurrent-jobs N]
  [--seed FILE]

  --port N                 port on 127.0.0.1 to listen on (default: a free one)
  --job-duration-ms N      time for a copy job to finish (default: ${DEFAULT_JOB_DURATION_MS})
  --max-concurrent-jobs N  copy jobs in progress before LimitExceededException (default: ${DEFAULT_MAX_CONCURRENT_JOBS})
  --seed FILE              more vaults and recovery points from a JSON file (emulator/seed.ts)`;

/** Command-line options. */
interface CliOptions {
  port: number;
  jobDurationMs: number;
  maxConcurrentJobs: number;
  seed?: string;
}

function parseArgs(args: string[]): CliOptions | string {
  const options: CliOptions = {
    port: 0,
    jobDurationMs: DEFAULT_JOB_DURATION_MS,
    maxConcurrentJobs: DEFAULT_MAX_CONCURRENT_JOBS,
  };
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split("=", 2);
    if (flag === "--help" || flag === "-h") return USAGE;
    if (!["--port", "--job-duration-ms", "--max-concurrent-jobs", "--seed"].includes(flag)) {
      return `Unknown option ${flag}\n${USAGE}`;
    }
    const raw = inline ?? args[++i];
    if (flag === "--seed") {
      if (!raw) return `--seed needs a file name\n${USAGE}`;
      options.seed = raw;
      continue;
    }
    const value = Number(raw);
    if (raw === undefined || !Number.isInteger(value) || value < 0) {
      return `${flag} needs a non-negative integer, got ${raw}\n${USAGE}`;
    }
    if (flag === "--port") {
      if (value > 65535) return `--port must be at most 65535, got ${value}`;
      options.port = value;
    } else if (flag === "--max-concurrent-jobs") {
      options.maxConcurrentJobs = value;
    } else {
      options.jobDurationMs = value;
    }
  }
  return options;
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

function banner(emulator: Emulator, seed?: EmulatorSeed): string {
  return [
    `AWS Backup emulator listening on ${emulator.url}`,
    `  region ${emulator.region}, account ${emulator.accountId}`,
    `  demo credentials (fake): AWS_ACCESS_KEY_ID=${DEMO_ACCESS_KEY_ID} ` +
    `AWS_SECRET_ACCESS_KEY=${DEMO_SECRET_ACCESS_KEY}`,
    `  source vaults: ${DEFAULT_VAULT_NAME}, ${DR_VAULT_NAME}; destination: ${DR_VAULT_WEST_ARN}`,
    `  IAM role: ${DEMO_IAM_ROLE_ARN}`,
    `  recovery points: ${RECOVERY_POINT_OK_ARN} (completes)`,
    `                   ${RECOVERY_POINT_FAILING_ARN} (fails)`,
    `                   ${RECOVERY_POINT_PARTIAL_ARN} (partial, in ${DR_VAULT_NAME})`,
    ...(seed
      ? [
        `  seeded: ${seed.vaults.length} vaults, ${seed.recoveryPoints.length} recovery points more`,
      ]
      : []),
    `Press Ctrl-C to stop.`,
  ].join("\n");
}

if (import.meta.main) {
  // `deno task emulator -- --port 8080` passes the `--` on.
  const options = parseArgs(Deno.args[0] === "--" ? Deno.args.slice(1) : Deno.args);
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
    console.error(`--seed: ${(e as Error).message}`);
    Deno.exit(2);
  }
  const emulator = await startEmulator({
    port: options.port,
    jobDurationMs: options.jobDurationMs,
    maxConcurrentJobs: options.maxConcurrentJobs,
    // Seeded vaults and recovery points come in addition to the demo ones.
    vaults: [...DEMO_VAULT_ARNS, ...seed?.vaults ?? []],
    recoveryPoints: [...DEMO_RECOVERY_POINTS, ...seed?.recoveryPoints ?? []],
    onRequest: (entry) => console.log(describe(entry)),
  });
  console.log(banner(emulator, seed));
  const stop = () => {
    Deno.removeSignalListener("SIGINT", stop);
    console.log("Stopping.");
    emulator.close();
  };
  Deno.addSignalListener("SIGINT", stop);
}
