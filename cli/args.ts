/**
 * What the CLIs share: flags parsed strictly (unknown flags and bad values are usage errors that
 * name the flag), the `--` that `npx -y deno@2.9.6 task name -- …` passes through, and
 * credentials from the standard AWS environment variables.
 *
 * @module
 */

import { parseArgs, type ParseArgsConfig } from "node:util";
import { BackupClient, type ClientConfig, ValidationError } from "../mod.ts";

/**
 * How the README and every usage text run a task: with Deno from npm, so only Node and npm are
 * needed (no `deno` on PATH).
 */
export const TASK = "npx -y deno@2.9.6 task";

/** Bad command-line usage: the CLI prints the message and its usage, and exits 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * Parses flags strictly. A leading `--` is dropped: `npx -y deno@2.9.6 task copy -- --flag …`
 * passes it on.
 * @throws {UsageError} naming the unknown flag, the flag missing its value, a stray argument, or
 *   a flag given twice that takes one value (node:util keeps the last one silently; only flags
 *   declared `multiple`, "repeatable" in the usage texts, may repeat).
 */
export function parseFlags<T extends Options>(args: string[], options: T) {
  const rest = args[0] === "--" ? args.slice(1) : args;
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options,
      strict: true,
      allowPositionals: false,
      tokens: true,
    });
  } catch (e) {
    // node:util's messages name the flag, e.g. "Unknown option '--foo'".
    throw new UsageError((e as Error).message);
  }
  const seen = new Set<string>();
  for (const token of parsed.tokens) {
    if (token.kind !== "option" || options[token.name]?.multiple) continue;
    if (seen.has(token.name)) {
      const what = options[token.name].type === "string" ? " (it takes one value)" : "";
      throw new UsageError(`--${token.name} is given more than once${what}: give it once`);
    }
    seen.add(token.name);
  }
  return parsed.values;
}

/**
 * Whether `--json` is among the arguments: known before parsing, so that even a usage error is
 * JSON on stdout.
 */
export function wantsJson(args: readonly string[]): boolean {
  return args.includes("--json");
}

/**
 * The flags of `args` as given (order kept), without those named in `drop`: the start of a
 * command line to run again. `args` must parse (call after {@linkcode parseFlags}).
 */
export function flagsWithout<T extends Options>(
  args: string[],
  options: T,
  drop: readonly string[],
): string[] {
  const rest = args[0] === "--" ? args.slice(1) : args;
  const { tokens } = parseArgs({ args: rest, options, strict: true, tokens: true });
  return tokens.flatMap((t) =>
    t.kind !== "option" || drop.includes(t.name)
      ? []
      : t.value === undefined
      ? [`--${t.name}`]
      : [`--${t.name}`, t.value]
  );
}

/** `words` as one POSIX shell command line: each word quoted when it needs to be. */
export function shellCommand(words: readonly string[]): string {
  return words.map((w) => /^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replaceAll("'", `'\\''`)}'`)
    .join(" ");
}

/** @throws {UsageError} naming every missing flag. */
export function requireFlags(values: Record<string, unknown>, flags: string[]): void {
  const missing = flags.filter((f) => values[f] === undefined || values[f] === "");
  if (missing.length) {
    throw new UsageError(`Missing ${missing.map((f) => `--${f}`).join(", ")}`);
  }
}

/** A positive integer flag. @throws {UsageError} */
export function integerFlag(
  name: string,
  value: string | undefined,
  min: number,
): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`--${name} must be an integer of at least ${min}, got '${value}'`);
  }
  return n;
}

/** Set to `1`, lets `--endpoint` be plain `http:` to a host that is not loopback. */
const ALLOW_INSECURE_ENDPOINT = "BACKUP_EDGE_ALLOW_INSECURE_ENDPOINT";

/**
 * Client configuration from `--region`/`--endpoint` and AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION (or AWS_DEFAULT_REGION), and
 * BACKUP_EDGE_ALLOW_INSECURE_ENDPOINT=1 (the client's `allowInsecureEndpoint`).
 * @throws {UsageError} naming only what is missing: the Region, either key, or several.
 */
export function clientConfig(
  flags: { region?: string; endpoint?: string },
  env: Record<string, string>,
): ClientConfig {
  const region = flags.region ?? (env.AWS_REGION || env.AWS_DEFAULT_REGION);
  const missing = [
    ...["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"].filter((name) => !env[name]),
    ...(region ? [] : ["a Region (--region R, or AWS_REGION or AWS_DEFAULT_REGION)"]),
  ];
  if (missing.length) throw new UsageError(`Missing ${missing.join(", ")}`);
  return {
    region,
    endpoint: flags.endpoint,
    allowInsecureEndpoint: env[ALLOW_INSECURE_ENDPOINT] === "1",
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      sessionToken: env.AWS_SESSION_TOKEN || undefined,
    },
  };
}

/** Where each client setting comes from on the command line, for usage errors. */
export const CONFIG_SOURCE: Readonly<Record<string, string>> = {
  region: "--region (or AWS_REGION)",
  endpoint: "--endpoint",
  credentials: "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN",
};

/**
 * The client {@linkcode clientConfig} describes.
 * @param sources where each setting came from, named in a usage error ({@linkcode CONFIG_SOURCE}
 * for the command's own `--region` and `--endpoint`).
 * @throws {UsageError} naming the flag or variable of a setting the client refuses.
 */
export function clientFromFlags(
  flags: { region?: string; endpoint?: string },
  env: Record<string, string>,
  sources: Readonly<Record<string, string>> = CONFIG_SOURCE,
): BackupClient {
  try {
    return new BackupClient(clientConfig(flags, env));
  } catch (e) {
    const error = usageError(e, sources);
    // The client names its option; on the command line the opt-in is the variable.
    if (error instanceof UsageError) {
      error.message = error.message.replace(
        "allowInsecureEndpoint: true",
        `${ALLOW_INSECURE_ENDPOINT}=1`,
      );
    }
    throw error;
  }
}

/**
 * A {@linkcode ValidationError} as a {@linkcode UsageError} that speaks in flags: each issue is
 * named by the flag it came from (`flagOf` maps an issue's path — `createdAfter`,
 * `lifecycle.DeleteAfterDays` — to a flag; an index is dropped, so `resourceTypes[1]` is the flag
 * of `resourceTypes`; else the path's first segment), and an option named in a message
 * (`must be before createdBefore`) becomes its flag too. Anything else is returned as it is.
 */
export function usageError(e: unknown, flagOf: Readonly<Record<string, string>>): unknown {
  if (!(e instanceof ValidationError)) return e;
  const flag = (path: string) => {
    const plain = path.replace(/\[\d+\]/g, "");
    return flagOf[path] ?? flagOf[plain] ?? flagOf[plain.split(".")[0]] ?? path;
  };
  // Only camelCase option names: a word like `region` in a message stays a word.
  const options = Object.keys(flagOf).filter((k) => /^[a-z]+[A-Z]\w*$/.test(k));
  const words = options.length ? new RegExp(`\\b(${options.join("|")})\\b`, "g") : undefined;
  const message = (text: string) => words ? text.replace(words, (o) => flagOf[o]) : text;
  return new UsageError(e.issues.map((i) => `${flag(i.path)} ${message(i.message)}`).join("; "));
}
