/**
 * Credentials: checked before use, cached until shortly before they expire, refreshed once for
 * all concurrent calls, and read from an environment-like object.
 *
 * @module
 */

import { ValidationError, type ValidationIssue } from "./errors.ts";
import { abortable } from "./retry.ts";
import type { Credentials } from "./signer.ts";

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

/**
 * Checks a credentials object; the issues name the field (`credentials.sessionToken`), never
 * its value.
 */
export function credentialIssues(value: unknown, path = "credentials"): ValidationIssue[] {
  const c = value as Partial<Credentials> | null | undefined;
  if (typeof c !== "object" || c === null) {
    return [{ path, message: "must hold accessKeyId and secretAccessKey" }];
  }
  const issues: ValidationIssue[] = [];
  for (const field of ["accessKeyId", "secretAccessKey", "sessionToken"] as const) {
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
  return issues;
}

function checked(value: unknown): Credentials {
  const issues = credentialIssues(value);
  if (issues.length) throw new ValidationError("credentials", issues);
  return value as Credentials;
}

/**
 * The credentials of one client. Static credentials are checked once. A provider's result is
 * kept while its `expiration` is more than {@linkcode CREDENTIAL_REFRESH_WINDOW_MS} away; a
 * result without `expiration` is used for one attempt only (rotating credentials). Concurrent
 * calls share one provider call in flight.
 */
export class CredentialCache {
  readonly #provider?: CredentialProvider;
  #cached?: Credentials;
  #inFlight?: Promise<Credentials>;

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
   * Current credentials. Rejects with the signal's reason as soon as it aborts (the provider
   * call in flight goes on for the other callers).
   *
   * @throws {ValidationError} the provider returned unusable credentials (not retried)
   */
  get(signal?: AbortSignal): Promise<Credentials> {
    const cached = this.#cached;
    if (
      cached && (!this.#provider ||
        cached.expiration!.getTime() - Date.now() > CREDENTIAL_REFRESH_WINDOW_MS)
    ) {
      return signal?.aborted ? Promise.reject(signal.reason) : Promise.resolve(cached);
    }
    // Cleared when settled, also when the provider throws before returning a promise.
    this.#inFlight ??= this.#refresh().finally(() => this.#inFlight = undefined);
    return abortable(this.#inFlight, signal);
  }

  /** Forgets provided credentials (after an `ExpiredToken` error), so the next call refreshes. */
  invalidate(): void {
    if (this.#provider) this.#cached = undefined;
  }

  async #refresh(): Promise<Credentials> {
    const fresh = checked(await this.#provider!());
    this.#cached = fresh.expiration ? fresh : undefined;
    return fresh;
  }
}

/** An environment: a record (`process.env`, a Worker's `env`) or `Deno.env`. */
export type EnvLike = Record<string, unknown> | { get(name: string): string | undefined };

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
 * never its value
 */
export function credentialsFromEnv(env: EnvLike): Credentials {
  const read = (name: string): string | undefined => {
    const value = typeof env.get === "function"
      ? (env as { get(name: string): string | undefined }).get(name)
      : (env as Record<string, unknown>)[name];
    return typeof value === "string" && value !== "" ? value : undefined;
  };
  const names = {
    accessKeyId: "AWS_ACCESS_KEY_ID",
    secretAccessKey: "AWS_SECRET_ACCESS_KEY",
    sessionToken: "AWS_SESSION_TOKEN",
    expiration: "AWS_CREDENTIAL_EXPIRATION",
  } as const;
  const expiration = read(names.expiration);
  const credentials: Credentials = {
    accessKeyId: read(names.accessKeyId)!,
    secretAccessKey: read(names.secretAccessKey)!,
    ...(read(names.sessionToken) ? { sessionToken: read(names.sessionToken) } : {}),
    ...(expiration ? { expiration: new Date(expiration) } : {}),
  };
  const issues = credentialIssues(credentials).map((issue) => {
    const field = issue.path.split(".")[1] as keyof typeof names;
    return {
      path: names[field],
      message: issue.message.replace("be a non-empty string", "be set"),
    };
  });
  if (issues.length) throw new ValidationError("environment", issues);
  return credentials;
}
