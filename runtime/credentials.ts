/**
 * Credentials: checked before use, cached until shortly before they expire, refreshed once for
 * all concurrent calls, and read from an environment-like object.
 *
 * @module
 */

import { ValidationError, type ValidationIssue } from "./errors.ts";
import { describe } from "./plain_objects.ts";
import { abortable } from "./retry.ts";
import type { Credentials } from "./signer.ts";
import { unknownKeyIssues } from "./unknown_keys.ts";

export type { Credentials };

/** A function that returns credentials, e.g. from STS or a secrets store. */
export type CredentialProvider = () => Promise<Credentials>;

/**
 * Credentials with an `expiration` are used until this long before it, then the provider is
 * asked again: 5 minutes, the AWS SDKs' refresh window.
 */
export const CREDENTIAL_REFRESH_WINDOW_MS = 5 * 60_000;

// Header values: visible ASCII only. The platform would reject CR, LF and NUL with an error that
// quotes the value; a space or a character above 0x7E would be mangled or rejected too.
const HEADER_SAFE = /^[\x21-\x7e]+$/;

/** The members of {@linkcode Credentials}; STS spells them with an upper-case first letter. */
const FIELDS = ["accessKeyId", "secretAccessKey", "sessionToken", "expiration"] as const;

/**
 * The keys of a credentials object: ours, and the other members of the AWS SDK v3's
 * `AwsCredentialIdentity` (`@smithy/types`, `@aws-sdk/types`) that a provider written for the
 * SDK returns. They change nothing here, as in the SDK for this service: `accountId` and
 * `credentialScope` feed the endpoint built-ins `AWS::Auth::AccountId` and
 * `AWS::Auth::CredentialScope`, which AWS Backup's endpoint rules do not declare (they use
 * Region, UseFIPS, UseDualStack and Endpoint), and `$source` is the SDK's user-agent attribution.
 */
const CREDENTIAL_KEYS: ReadonlySet<string> = new Set([
  ...FIELDS,
  "accountId",
  "credentialScope",
  "$source",
]);

/**
 * The mapping told for STS's spelling (`AccessKeyId`, `SecretAccessKey`, `SessionToken`,
 * `Expiration`: the `Credentials` of AssumeRole, AssumeRoleWithWebIdentity, GetSessionToken,
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_Credentials.html): passed as they are,
 * the session token would be dropped and every request refused.
 */
const STS_MAPPING = "map the AssumeRole Credentials: { accessKeyId: c.AccessKeyId, … }";

/**
 * Checks a credentials object; the issues name the field (`credentials.sessionToken`), never
 * its value. A key it does not know is an issue too (`credentials.sessionTokn is unknown; did
 * you mean "sessionToken"?`), with the mapping for STS's spelling (`SessionToken`): a token that
 * is not read is a request AWS refuses, or, without one, long-term keys used where temporary
 * ones were meant.
 */
export function credentialIssues(value: unknown, path = "credentials"): ValidationIssue[] {
  const c = value as Partial<Credentials> | null | undefined;
  if (typeof c !== "object" || c === null) {
    return [{ path, message: "must hold accessKeyId and secretAccessKey" }];
  }
  const issues: ValidationIssue[] = [];
  for (const field of FIELDS) {
    if (field === "expiration") continue;
    const v = c[field];
    if (v === undefined && field === "sessionToken") continue;
    if (typeof v !== "string" || v === "") {
      issues.push({ path: `${path}.${field}`, message: "must be a non-empty string" });
    } else if (!HEADER_SAFE.test(v)) {
      issues.push({
        path: `${path}.${field}`,
        message: "must hold only visible ASCII characters (no CR, LF, NUL or spaces)",
      });
    }
  }
  if (
    c.expiration !== undefined && !(c.expiration instanceof Date && !isNaN(c.expiration.getTime()))
  ) {
    issues.push({ path: `${path}.expiration`, message: "must be a valid Date" });
  }
  const hints: Record<string, string> = {};
  let mapping = `; ${STS_MAPPING}`;
  for (const key of Object.keys(c)) {
    const ours = key[0].toLowerCase() + key.slice(1);
    if (ours === key || !(FIELDS as readonly string[]).includes(ours)) continue;
    hints[key] = `STS's ${key} is ${ours} here${mapping}`;
    mapping = ""; // once, with the first STS name
  }
  issues.push(...unknownKeyIssues(c, CREDENTIAL_KEYS, path, hints));
  return issues;
}

function checked(value: unknown): Credentials {
  const issues = credentialIssues(value);
  if (issues.length) throw new ValidationError("credentials", issues);
  return value as Credentials;
}

/**
 * How long calls wait for a provider call another call started before they start their own: a
 * call abandoned by a request that ended (a Worker request the client cancelled) never
 * settles, and must not hold later calls. 5 seconds, far above what STS or a secrets store
 * takes.
 */
export const PROVIDER_WAIT_MS = 5000;

/** One provider call, and the calls waiting for it. */
interface Refresh {
  started: number;
  /**
   * Settled: the provider answered, or the call that started it gave up first (abandoned: what
   * the provider answers later is dropped).
   */
  done?: true;
  /** The provider's answer, its credentials or its error; absent when abandoned. */
  outcome?: { credentials: Credentials } | { error: unknown } | undefined;
  /** Wakes the waiting calls (each wakes in its own Worker request). */
  waiters: Set<() => void>;
}

/**
 * The credentials of one client. Static credentials are checked once. A provider's result is
 * kept while its `expiration` is more than {@linkcode CREDENTIAL_REFRESH_WINDOW_MS} away; a
 * result without `expiration` is used for one attempt only (rotating credentials).
 *
 * Concurrent calls share one provider call, safely to abandon: calls that join it never await
 * the promise of the call that started it (in workerd a promise of one request that ended
 * never settles in another). Each waits on a promise of its own, woken when the provider
 * answers; when the starting call gives up (its signal), after {@linkcode PROVIDER_WAIT_MS}, or
 * once half of the waiting call's remaining budget is gone, a waiting call asks the provider
 * itself.
 */
export class CredentialCache {
  readonly #provider?: CredentialProvider;
  #cached: Credentials | undefined;
  #refresh: Refresh | undefined;

  /** @throws {ValidationError} static credentials that are not usable */
  constructor(source: Credentials | CredentialProvider) {
    if (typeof source === "function") this.#provider = source;
    else this.#cached = checked(source);
  }

  /** Whether the credentials come from a provider (and can be refreshed). */
  get refreshable(): boolean {
    return this.#provider !== undefined;
  }

  /**
   * Current credentials. Rejects with the signal's reason as soon as it aborts.
   *
   * @param deadline when the caller's budget ends (epoch ms; `Infinity`: none): a provider call
   *   another call started is waited for at most half of what is left, then the provider is
   *   asked again, so a call started by a request that died cannot use up the budget
   * @throws {ValidationError} the provider returned unusable credentials (not retried)
   */
  get(signal?: AbortSignal, deadline = Infinity): Promise<Credentials> {
    const cached = this.#cached;
    if (
      cached && (!this.#provider ||
        cached.expiration!.getTime() - Date.now() > CREDENTIAL_REFRESH_WINDOW_MS)
    ) {
      return signal?.aborted ? Promise.reject(signal.reason) : Promise.resolve(cached);
    }
    return this.#fresh(signal, deadline);
  }

  /**
   * Forgets provided credentials (after an `ExpiredToken` error), so the next call refreshes.
   *
   * @param used the credentials that were refused: when the cache already holds others (a
   *   concurrent call refreshed them), they are kept
   */
  invalidate(used?: Credentials): void {
    if (this.#provider && (used === undefined || this.#cached === used)) this.#cached = undefined;
  }

  async #fresh(signal: AbortSignal | undefined, deadline: number): Promise<Credentials> {
    signal?.throwIfAborted();
    const refresh = this.#refresh;
    const now = Date.now();
    // Waited for until PROVIDER_WAIT_MS after it started, but never past half of the caller's
    // remaining budget: the other half is for a provider call of its own.
    const until = Math.min(refresh ? refresh.started + PROVIDER_WAIT_MS : 0, (now + deadline) / 2);
    if (!refresh || until <= now) return this.#ask(signal);
    await wait(refresh, until, signal);
    const { outcome } = refresh;
    // Abandoned: look again (the cache, another call's provider call, or our own); overdue for
    // this caller: its own provider call.
    if (!outcome) return refresh.done ? this.get(signal, deadline) : this.#ask(signal);
    if ("error" in outcome) throw outcome.error;
    return outcome.credentials;
  }

  /** Calls the provider; the calls that come meanwhile wait for its answer. */
  async #ask(signal?: AbortSignal): Promise<Credentials> {
    const refresh: Refresh = { started: Date.now(), waiters: new Set() };
    this.#refresh = refresh;
    const settle = (outcome?: Refresh["outcome"]) => {
      if (refresh.done) return;
      refresh.done = true;
      refresh.outcome = outcome;
      if (this.#refresh === refresh) this.#refresh = undefined;
      for (const wake of refresh.waiters) wake();
    };
    // An async function, so a provider that throws at once rejects like one that rejects.
    const answer = (async () => checked(await this.#provider!()))();
    answer.then((credentials) => {
      if (refresh.done) return;
      if (credentials.expiration) this.#cached = credentials;
      settle({ credentials });
    }, (error) => settle({ error }));
    try {
      return await abortable(answer, signal);
    } catch (e) {
      if (signal?.aborted) settle();
      throw e;
    }
  }
}

/**
 * Waits on a promise of the caller's own until `refresh` settles or is abandoned, the time is
 * `until` (epoch ms), or the signal aborts.
 */
async function wait(refresh: Refresh, until: number, signal?: AbortSignal): Promise<void> {
  let wake!: () => void;
  const woken = new Promise<void>((resolve) => wake = resolve);
  const timer = setTimeout(wake, until - Date.now());
  refresh.waiters.add(wake);
  try {
    await abortable(woken, signal);
  } finally {
    clearTimeout(timer);
    refresh.waiters.delete(wake);
  }
}

/**
 * An environment: an object whose properties are the variables (`process.env`, a Worker's `env`,
 * also when its type is an `interface`, which has no index signature) or `Deno.env`.
 */
export type EnvLike = object | { get(name: string): string | undefined };

/**
 * Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN` (optional)
 * and `AWS_CREDENTIAL_EXPIRATION` (optional, ISO 8601) of `env`, the names the AWS SDKs read.
 * Reads only what it is given: pass a Worker's `env`, `Deno.env` or `process.env`.
 *
 * @example
 * ```ts
 * import { credentialsFromEnv } from "./credentials.ts";
 * const credentials = credentialsFromEnv({ AWS_ACCESS_KEY_ID: "AKID", AWS_SECRET_ACCESS_KEY: "s" });
 * console.assert(credentials.accessKeyId === "AKID");
 * ```
 *
 * @throws {ValidationError} a variable is missing or unusable; the issue names the variable,
 * never its value. `env` is not an object, or has neither `get` nor a string value: the issue
 * names `env`
 */
export function credentialsFromEnv(env: EnvLike): Credentials {
  const names = {
    accessKeyId: "AWS_ACCESS_KEY_ID",
    secretAccessKey: "AWS_SECRET_ACCESS_KEY",
    sessionToken: "AWS_SESSION_TOKEN",
    expiration: "AWS_CREDENTIAL_EXPIRATION",
  } as const;
  const hasGet = typeof (env as { get?: unknown } | null)?.get === "function";
  if (
    typeof env !== "object" || env === null ||
    !hasGet && !Object.values(env).some((v) => typeof v === "string")
  ) {
    // A mistaken argument (nothing, the Worker's context, Deno itself), not an environment.
    throw new ValidationError("environment", [{
      path: "env",
      message: `must be an environment with the AWS_* variables (a Worker's env, Deno's env, ` +
        `Node's process env), not ${
          typeof env === "object" && env ? "an object without variables" : describe(env)
        }`,
    }]);
  }
  const credentials: Record<string, string | Date> = {};
  for (const [field, name] of Object.entries(names)) {
    const value = hasGet
      ? (env as { get(name: string): unknown }).get(name)
      : (env as Record<string, unknown>)[name];
    // An empty variable is unset.
    if (typeof value === "string" && value) {
      credentials[field] = field === "expiration" ? new Date(value) : value;
    }
  }
  const issues = credentialIssues(credentials).map((issue) => {
    const field = issue.path.split(".")[1] as keyof typeof names;
    return {
      path: names[field],
      message: issue.message.replace("be a non-empty string", "be set"),
    };
  });
  if (issues.length) throw new ValidationError("environment", issues);
  return credentials as unknown as Credentials;
}
