/**
 * What the CLIs share: flags parsed strictly (unknown flags and bad values are usage errors that
 * name the flag), the `--` that `npx -y deno@2.9.6 task name -- …` passes through, and the
 * client's settings from flags and the standard AWS environment variables.
 *
 * @module
 */

import { parseArgs, type ParseArgsConfig } from "node:util";
import { BackupClient, unlistedRegionIssue, ValidationError } from "../mod.ts";
import { closestKey } from "../runtime/unknown_keys.ts";

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
 * @throws {UsageError} naming the unknown flag (with the known flag it probably meant), the flag
 *   missing its value, a flag whose value is empty or only white space (every value flag of the
 *   CLIs names something: `--checkpoint ""` would run without one), a stray argument, or a flag
 *   given twice that takes one value (node:util keeps the last one silently; only flags declared
 *   `multiple`, "repeatable" in the usage texts, may repeat).
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
    const { code, message } = e as Error & { code?: string };
    const unknown = code === "ERR_PARSE_ARGS_UNKNOWN_OPTION"
      ? /'--?([^'=]+)/.exec(message)?.[1]
      : undefined;
    const meant = unknown === undefined ? undefined : closestKey(unknown, Object.keys(options));
    throw new UsageError(meant === undefined ? message : `${message}; did you mean --${meant}?`);
  }
  const seen = new Set<string>();
  for (const token of parsed.tokens) {
    if (token.kind !== "option") continue;
    if (token.value !== undefined && token.value.trim() === "") {
      throw new UsageError(`--${token.name} must not be empty or white space: give it a value`);
    }
    if (options[token.name]?.multiple) continue;
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

/** A client setting and where it came from (a flag or a variable), named in usage errors. */
export interface Setting {
  /** The value; `undefined` when nothing sets it. */
  value: string | undefined;
  /** The flag or variable that set it (or would set it), e.g. `--region`, `AWS_REGION`. */
  source: string;
}

/** The Region and the endpoint a CLI's client uses, each with where it came from. */
export interface ClientSettings {
  /** `--region`, else AWS_REGION, else AWS_DEFAULT_REGION. */
  region: Setting;
  /** `--endpoint`, else AWS_ENDPOINT_URL_BACKUP, else AWS_ENDPOINT_URL; else AWS's own. */
  endpoint: Setting;
}

/** The flag's value when given, else the first of `variables` that is set, else none. */
function firstSet(
  flag: [name: string, value: string | undefined],
  env: Record<string, string>,
  variables: readonly string[],
): Setting {
  if (flag[1] !== undefined) return { value: flag[1], source: flag[0] };
  const variable = variables.find((name) => env[name]);
  return variable
    ? { value: env[variable], source: variable }
    : { value: undefined, source: flag[0] };
}

/**
 * The command's own client settings, from its flags and the environment, in the AWS CLI's order:
 * the Region from `--region`, AWS_REGION, AWS_DEFAULT_REGION; the endpoint from `--endpoint`,
 * then AWS_ENDPOINT_URL_BACKUP (the service-specific variable, from AWS Backup's service id
 * `Backup`), then AWS_ENDPOINT_URL — unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is `true`, which
 * makes the AWS CLI ignore both variables (the flag still counts): "Service-specific endpoints",
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html.
 */
export function clientSettings(
  flags: { region?: string | undefined; endpoint?: string | undefined },
  env: Record<string, string>,
): ClientSettings {
  const ignoreEndpoints = env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === "true";
  return {
    region: firstSet(["--region", flags.region], env, ["AWS_REGION", "AWS_DEFAULT_REGION"]),
    endpoint: firstSet(
      ["--endpoint", flags.endpoint],
      env,
      ignoreEndpoints ? [] : ["AWS_ENDPOINT_URL_BACKUP", "AWS_ENDPOINT_URL"],
    ),
  };
}

/**
 * The client of `settings` with AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN and
 * BACKUP_EDGE_ALLOW_INSECURE_ENDPOINT=1 (the client's `allowInsecureEndpoint`): an endpoint from
 * a variable follows the same rules as `--endpoint` (`https:`, or `http:` to a loopback host).
 * @throws {UsageError} naming only what is missing (the Region, either key, or several), a Region
 *   no AWS partition lists (with the closest one), or a setting the client refuses, each by the
 *   flag or variable it came from.
 */
export function clientFromFlags(
  settings: ClientSettings,
  env: Record<string, string>,
): BackupClient {
  const { region, endpoint } = settings;
  const missing = [
    ...["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"].filter((name) => !env[name]),
    ...(region.value ? [] : ["a Region (--region R, or AWS_REGION or AWS_DEFAULT_REGION)"]),
  ];
  if (missing.length) throw new UsageError(`Missing ${missing.join(", ")}`);
  // Stricter than the client (see unlistedRegionIssue): typed by a person, an unlisted name is a
  // typo far more often than a Region newer than this release.
  const wrongRegion = unlistedRegionIssue(region.value!);
  if (wrongRegion) throw new UsageError(`${region.source} '${region.value}' ${wrongRegion}`);
  try {
    return new BackupClient({
      region: region.value!,
      endpoint: endpoint.value,
      allowInsecureEndpoint: env[ALLOW_INSECURE_ENDPOINT] === "1",
      credentials: {
        accessKeyId: env.AWS_ACCESS_KEY_ID,
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
        sessionToken: env.AWS_SESSION_TOKEN || undefined,
      },
    });
  } catch (e) {
    const error = usageError(e, {
      region: region.source,
      endpoint: endpoint.source,
      credentials: "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN",
    });
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
