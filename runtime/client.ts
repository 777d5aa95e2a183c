/**
 * The client: resolved configuration, credentials kept out of sight, the retry strategy and
 * the fetch to use. Generated service clients (e.g. `BackupClient`) extend {@linkcode Client}.
 *
 * @module
 */

import {
  CredentialCache,
  credentialIssues,
  type CredentialProvider,
  type Credentials,
} from "./credentials.ts";
import {
  type ServiceException,
  type ServiceExceptionOptions,
  ValidationError,
  type ValidationIssue,
} from "./errors.ts";
import type { SerializeContext } from "./http.ts";
import type { PartitionData } from "./endpoint_functions.ts";
import { type CallObserver, type CallObserverEvent, safeObserver } from "./observe.ts";
import { describe } from "./plain_objects.ts";
import { RETRY_MODES, type RetryMode, type RetryStrategy, StandardRetryStrategy } from "./retry.ts";
import { uuidV4 } from "./serde.ts";
import { type FetchInit, SigningKeyCache } from "./signer.ts";
import { closestKey, unknownKeyIssues } from "./unknown_keys.ts";

export type { CredentialProvider, Credentials, FetchInit };

/**
 * The `fetch` the client calls, always as `fetch(url, init)` with the absolute URL, and as a plain
 * function (no `this`). `globalThis.fetch` fits as it is; a method such as a Workers service
 * binding's needs its object: `(url, init) => env.SERVICE.fetch(url, init)`.
 */
export type FetchFunction = (url: string, init: FetchInit) => Promise<Response>;

/** Longest timer `setTimeout` can hold (2^31 − 1 ms); longer ones fire at once. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * Options of a service client. Any other key is a {@linkcode ValidationError} naming it, with
 * the key it probably meant or our name for an AWS SDK v3 option (`maxRetries` is
 * `maxAttempts`).
 */
export interface ClientConfig {
  /** AWS Region, e.g. `us-east-1`; used for the endpoint and for signing. */
  region: string;
  /**
   * Static credentials, or a function returning them. A provider's result is cached until 5
   * minutes before its `expiration`, and used for one attempt when it has none.
   */
  credentials: Credentials | CredentialProvider;
  /**
   * Custom endpoint URL: `https:`, or `http:` to a loopback host (`127.0.0.0/8`, `::1`,
   * `localhost`, `*.localhost`), e.g. `http://127.0.0.1:8080` for a local emulator. Any other
   * `http:` endpoint needs {@linkcode ClientConfig.allowInsecureEndpoint}. Scheme, host, port
   * and a path (requests go below it) only: a query string, a fragment or a `user:password@` is
   * a {@linkcode ValidationError} naming `endpoint` (the value is not quoted).
   */
  endpoint?: string | undefined;
  /**
   * Accept a plain `http:` endpoint whose host is not loopback, e.g. LocalStack in
   * docker-compose at `http://localstack:4566`. Over `http:` every request crosses the network
   * unencrypted: anyone on the path reads the session token (`x-amz-security-token`), and can
   * send a signed request again — AWS accepts it for up to five minutes after its time stamp
   * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_aws-signing.html). Set it only
   * where that network is yours, with credentials that are worth nothing elsewhere.
   * @default false (such an endpoint is a {@linkcode ValidationError} naming `endpoint`)
   */
  allowInsecureEndpoint?: boolean | undefined;
  /** Use the FIPS endpoint of the Region. @default false */
  useFipsEndpoint?: boolean | undefined;
  /** Use the dual-stack (IPv4 and IPv6) endpoint of the Region. @default false */
  useDualstackEndpoint?: boolean | undefined;
  /**
   * Called as `fetch(url, init)`, see {@linkcode FetchFunction}. What it throws or rejects with
   * is a `NetworkError` (retried when safe), unless it is its own code's mistake — a TypeError
   * about `undefined` or `null`, "is not a function", "Illegal invocation" (a method passed
   * without its object), or a ReferenceError: then a {@linkcode ValidationError} naming `fetch`,
   * not retried (if that code fails after its own request went out, the request may have
   * reached AWS).
   * @default globalThis.fetch, looked up per call
   */
  fetch?: FetchFunction | undefined;
  /** Attempts per call, the first included; `1` disables retries. @default 3 */
  maxAttempts?: number | undefined;
  /**
   * `standard`: the AWS SDKs' standard retry mode with its 2026 defaults; `pre-2026`: the
   * numbers used before. Ignored when `retryStrategy` is given.
   * @default "standard"
   */
  retryMode?: RetryMode | undefined;
  /** Decides retries and delays instead of `retryMode` (only safe, retryable failures reach it). */
  retryStrategy?: RetryStrategy | undefined;
  /**
   * Abort an attempt that takes longer than this many milliseconds (1 … 2^31 − 1), and retry it
   * if the operation is safe to repeat.
   * @default no limit
   */
  requestTimeoutMs?: number | undefined;
  /**
   * Makes idempotency tokens: a non-empty string per call (an empty, white-space or non-string
   * one is a {@linkcode ValidationError} naming `idempotencyToken`; nothing is sent).
   * @default a random UUID v4
   */
  idempotencyToken?: (() => string) | undefined;
  /** Never gzip request bodies of `@requestCompression` operations. @default false */
  disableRequestCompression?: boolean | undefined;
  /** Smallest body (bytes) that `@requestCompression` operations gzip. @default 10240 */
  requestMinCompressionSizeBytes?: number | undefined;
  /**
   * Receives an event per attempt and per call (operation, attempt, status, request id,
   * duration, the delay before a retry and why): for logs, traces and counters. It never sees a
   * secret, and cannot break a call: what it throws is caught (the first error reported with
   * `console.error`). See {@linkcode CallObserver}.
   * @default none (an unobserved call does no work for it)
   */
  observe?: CallObserver | undefined;
}

/** Every key of {@linkcode ClientConfig}: any other is refused, named. */
export const CONFIG_KEYS: ReadonlySet<string> = new Set(
  [
    "region",
    "credentials",
    "endpoint",
    "allowInsecureEndpoint",
    "useFipsEndpoint",
    "useDualstackEndpoint",
    "fetch",
    "maxAttempts",
    "retryMode",
    "retryStrategy",
    "requestTimeoutMs",
    "idempotencyToken",
    "disableRequestCompression",
    "requestMinCompressionSizeBytes",
    "observe",
  ] satisfies (keyof ClientConfig)[],
);

/**
 * Options that need only a type check: a function that is none would fail as a raw `TypeError`
 * when called, and a string `"false"` would turn a flag on.
 */
const TYPED_KEYS: [string, (keyof ClientConfig)[]][] = [
  ["function", ["fetch", "idempotencyToken", "observe"]],
  [
    "boolean",
    [
      "allowInsecureEndpoint",
      "useFipsEndpoint",
      "useDualstackEndpoint",
      "disableRequestCompression",
    ],
  ],
];

const SDK = "an AWS SDK v3 option";
const CREDENTIALS = "pass credentials: { accessKeyId, secretAccessKey, sessionToken }";
const PER_CALL = "signals are per call here: startCopyJob(client, input, { signal })";
const ATTEMPTS = "attempts are maxAttempts here (retries + 1)";
const USER_AGENT = `${SDK}; the user agent is backup-edge/VERSION (a custom fetch may add one)`;
/**
 * Client options of the AWS SDK for JavaScript v3 (and v2, and aws4fetch's `AwsClient`) and
 * what to use here instead; other unknown keys get a "did you mean" when one is close.
 */
export const CONFIG_HINTS: Readonly<Record<string, string>> = {
  maxRetries: ATTEMPTS,
  retries: ATTEMPTS,
  logger: "log with observe: (event) => console.log(event)",
  requestHandler: `${SDK}; pass fetch: (url, init) => … to send requests your way`,
  httpOptions: `${SDK}; see fetch and requestTimeoutMs`,
  requestTimeout: "the per-attempt timeout is requestTimeoutMs here",
  connectionTimeout: `${SDK}; the per-attempt timeout is requestTimeoutMs here`,
  customUserAgent: USER_AGENT,
  userAgentAppId: USER_AGENT,
  systemClockOffset: `${SDK}; the client corrects its clock itself (client.clockOffsetMs)`,
  accessKeyId: CREDENTIALS,
  secretAccessKey: CREDENTIALS,
  sessionToken: CREDENTIALS,
  profile: `${SDK}; credentialsFromEnv(env) or a provider function gives credentials`,
  abortSignal: PER_CALL,
  signal: PER_CALL,
  timeoutMs: "timeoutMs is per call here; the client has requestTimeoutMs (per attempt)",
  middlewareStack: `${SDK}; a custom fetch sees every request`,
};

/** Endpoint rule parameters taken from the configuration (AWS built-ins). */
export interface EndpointConfig {
  /** {@linkcode ClientConfig.region}. */
  region: string;
  /** {@linkcode ClientConfig.useFipsEndpoint}, `false` when unset. */
  useFipsEndpoint: boolean;
  /** {@linkcode ClientConfig.useDualstackEndpoint}, `false` when unset. */
  useDualstackEndpoint: boolean;
  /** {@linkcode ClientConfig.endpoint}. */
  endpoint?: string | undefined;
}

/**
 * An error the service defines, as the generator describes it (`generated/error_specs.ts`): its
 * wire name (the shape's name) first, then what the runtime reads it with (its class, the schema
 * of its members, a reader of header-bound members).
 */
export type ServiceErrorEntry = readonly [name: string, ...described: unknown[]];

/** What a generated client tells the runtime about its service. */
export interface ServiceInfo {
  /** SigV4 signing name, e.g. `backup`. */
  signingName: string;
  /** The generated endpoint rules, applied to the configuration. */
  resolveEndpoint(config: EndpointConfig): { url: string };
  /** Base class for errors the model does not name. */
  exception: new (options: ServiceExceptionOptions) => ServiceException;
  /**
   * The AWS partitions (`generated/partitions.ts`). Without a custom endpoint, a Region none of
   * them lists or matches is refused (with the closest one listed). Absent: any host label.
   */
  partitions?: readonly PartitionData[];
  /**
   * Every error the service defines, looked up after the operation's own (an operation may
   * answer an error its model does not list, e.g. StartCopyJob a `ConflictException`). Absent:
   * only the operation's errors get their classes.
   */
  errors?: readonly ServiceErrorEntry[];
}

/**
 * Issues with a timeout or delay in milliseconds, from `min` (1 by default) to 2^31 − 1
 * (`undefined` is fine).
 */
export function timeoutIssues(path: string, value: unknown, min = 1): ValidationIssue[] {
  if (value === undefined) return [];
  return typeof value === "number" && value >= min && value <= MAX_TIMEOUT_MS
    ? []
    : [{ path, message: `must be a number of milliseconds from ${min} to ${MAX_TIMEOUT_MS}` }];
}

/** A configured client; pass it to operation functions such as `startCopyJob`. */
export class Client implements SerializeContext {
  // Fields the constructor assigns are declared, not defined: a defined field is one more write
  // per field and client (a Worker may build a client per request), and code in every bundle.
  /** AWS Region used for signing. */
  declare readonly region: string;
  /** The resolved endpoint URL every request goes to. */
  declare readonly endpoint: string;
  /** Attempts per call. */
  declare readonly maxAttempts: number;
  /** Per-attempt timeout in milliseconds, if any. */
  declare readonly requestTimeoutMs?: number | undefined;
  /** Decides retries; shared by every call of this client (the retry quota is per client). */
  declare readonly retryStrategy: RetryStrategy;
  /** The service this client talks to. */
  declare readonly service: ServiceInfo;
  /** See {@linkcode ClientConfig.disableRequestCompression}. */
  declare readonly disableRequestCompression: boolean;
  /** See {@linkcode ClientConfig.requestMinCompressionSizeBytes}. */
  declare readonly requestMinCompressionSizeBytes: number;
  /**
   * Milliseconds to add to the local clock when signing; set from the service's `Date` header
   * when a request fails because the local clock is off.
   */
  clockOffsetMs = 0;
  /**
   * The SigV4 signing key derived for this client's credentials, day, Region and service, kept
   * for its next requests (one per client, as aws4fetch's `AwsClient` keeps its cache).
   */
  readonly signingKeys: SigningKeyCache = new SigningKeyCache();
  /** Whether requests go through the caller's `fetch` (`ClientConfig.fetch`). */
  declare readonly customFetch: boolean;
  /** {@linkcode ClientConfig.observe}, made safe to call: it never throws. */
  declare readonly observe?: (event: CallObserverEvent) => void;
  readonly #credentials: CredentialCache;
  readonly #fetch: FetchFunction | undefined;
  readonly #token: (() => string) | undefined;

  /**
   * Checks the configuration and resolves the endpoint once. Service clients such as
   * `BackupClient` call this with their service's details; users construct those instead.
   *
   * @param config Region, credentials and optional settings.
   * @param service signing name, endpoint rules and base exception of the service.
   * @throws {ValidationError} when a configuration field is invalid, or a key is unknown (the
   *   issue names it, and the known key or our name for an AWS SDK v3 option it probably meant).
   * @throws {EndpointError} when the endpoint rules reject the configuration.
   */
  constructor(config: ClientConfig, service: ServiceInfo) {
    if (typeof config !== "object" || config === null) {
      throw new ValidationError("client config", [
        { path: "config", message: "must be an object with region and credentials" },
      ]);
    }
    const issues = unknownKeyIssues(config, CONFIG_KEYS, "", CONFIG_HINTS);
    const { region, credentials, maxAttempts = 3, requestTimeoutMs, retryMode = "standard" } =
      config;
    const regionIssue = regionIssues(region, service.partitions, config.endpoint === undefined);
    if (regionIssue) issues.push({ path: "region", message: regionIssue });
    const endpointUrl = httpUrl(config.endpoint);
    if (config.endpoint !== undefined && !endpointUrl) {
      issues.push({
        path: "endpoint",
        message: "must be an absolute http: or https: URL such as http://127.0.0.1:8080" +
          (typeof config.endpoint === "string" ? "" : " (a string: not an AWS SDK v3 Endpoint " +
            "object or provider)"),
      });
    } else if (
      endpointUrl && (endpointUrl.username || endpointUrl.password || /[?#]/.test(endpointUrl.href))
    ) {
      // Requests go to the endpoint's path followed by the operation's: a query or fragment
      // would be dropped silently, and fetch refuses userinfo (never quoted: it may be a password).
      issues.push({
        path: "endpoint",
        message: "must be scheme, host, port and path only: no user:password@, ?query or #fragment",
      });
    } else if (
      endpointUrl?.protocol === "http:" && !LOOPBACK_HOST.test(endpointUrl.hostname) &&
      config.allowInsecureEndpoint !== true
    ) {
      issues.push({
        path: "endpoint",
        message: "must be https: unless its host is loopback: over http: the session token and " +
          "signed requests travel unencrypted (allowInsecureEndpoint: true accepts that)",
      });
    }
    if (typeof credentials !== "function") issues.push(...credentialIssues(credentials));
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
      issues.push({ path: "maxAttempts", message: "must be an integer >= 1" });
    }
    issues.push(...timeoutIssues("requestTimeoutMs", requestTimeoutMs));
    if (!Object.hasOwn(RETRY_MODES, retryMode)) {
      issues.push({ path: "retryMode", message: `must be one of ${Object.keys(RETRY_MODES)}` });
    }
    const strategy = config.retryStrategy;
    if (
      strategy !== undefined &&
      (typeof strategy?.retryDelay !== "function" || typeof strategy.recordSuccess !== "function")
    ) {
      issues.push({
        path: "retryStrategy",
        message:
          "must have retryDelay and recordSuccess (an AWS SDK v3 RetryStrategy does not fit)",
      });
    }
    for (const [type, keys] of TYPED_KEYS) {
      for (const key of keys) {
        if (config[key] !== undefined && typeof config[key] !== type) {
          issues.push({ path: key, message: `must be a ${type}` });
        }
      }
    }
    if (issues.length) throw new ValidationError("client config", issues);
    this.region = region;
    this.maxAttempts = maxAttempts;
    this.requestTimeoutMs = requestTimeoutMs;
    this.retryStrategy = config.retryStrategy ??
      new StandardRetryStrategy(RETRY_MODES[retryMode]);
    this.service = service;
    this.disableRequestCompression = config.disableRequestCompression ?? false;
    this.requestMinCompressionSizeBytes = config.requestMinCompressionSizeBytes ?? 10240;
    this.#credentials = new CredentialCache(credentials);
    this.#fetch = config.fetch;
    this.customFetch = config.fetch !== undefined;
    this.#token = config.idempotencyToken;
    if (config.observe) this.observe = safeObserver(config.observe);
    this.endpoint = service.resolveEndpoint({
      region,
      useFipsEndpoint: config.useFipsEndpoint ?? false,
      useDualstackEndpoint: config.useDualstackEndpoint ?? false,
      endpoint: config.endpoint,
    }).url;
  }

  /**
   * Current credentials (cached, or fresh from the provider); rejects with the signal's reason
   * as soon as it aborts.
   *
   * @param deadline when the call's budget ends (epoch ms; default none): another call's provider
   *   call is waited for at most half of what is left before the provider is asked again
   * @throws {ValidationError} the provider returned unusable credentials
   */
  credentials(signal?: AbortSignal, deadline?: number): Promise<Credentials> {
    return this.#credentials.get(signal, deadline);
  }

  /**
   * Drops cached credentials after the service said they expired.
   *
   * @param used the credentials the service refused: others cached meanwhile are kept
   * @returns whether fresh ones can be had (they come from a provider)
   */
  invalidateCredentials(used?: Credentials): boolean {
    this.#credentials.invalidate(used);
    return this.#credentials.refreshable;
  }

  /**
   * Sends a request with the configured fetch, called as a plain function (no `this`).
   *
   * @param url absolute URL
   * @param init method, headers, body and signal
   */
  fetch(url: string, init: FetchInit): Promise<Response> {
    // workerd and browsers throw "Illegal invocation" when fetch is called on another object.
    const unbound = this.#fetch ?? globalThis.fetch;
    return unbound(url, init);
  }

  /**
   * A new idempotency token: the configured provider's, or a random UUID v4.
   *
   * @throws {ValidationError} the `idempotencyToken` provider returned no string, or an empty or
   *   white-space one (the same on every call: the service would answer a new request with an
   *   older one's result, as for an explicit empty token); nothing is sent
   */
  idempotencyToken(): string {
    if (!this.#token) return uuidV4();
    const token: unknown = this.#token();
    if (typeof token === "string" && token.trim() !== "") return token;
    throw new ValidationError("client config", [{
      path: "idempotencyToken",
      message: `must return a non-empty string that names the request, not ${
        typeof token === "string" ? (token ? "white space" : "an empty string") : describe(token)
      } (an empty or constant token lets the service answer with an earlier request's result)`,
    }]);
  }

  /** The configuration without credentials, for logs and `JSON.stringify`. */
  toJSON(): Record<string, unknown> {
    return {
      region: this.region,
      endpoint: this.endpoint,
      maxAttempts: this.maxAttempts,
      requestTimeoutMs: this.requestTimeoutMs,
      credentials: "[hidden]",
    };
  }
}

/**
 * What is wrong with a Region, if anything. It is part of the endpoint's host name and of the
 * signing scope: one lower-case host label (RFC 1123), as the endpoint rules' isValidHostLabel
 * expects — all a custom endpoint needs (LocalStack and proxies take any name). Without one, the
 * endpoint rules place the Region in its AWS partition and fall back to `aws` for a name no
 * partition accepts (`us-east1` would become `backup.us-east1.amazonaws.com`, a DNS failure
 * later): so it must be a Region a partition lists or whose pattern (`regionRegex`) it matches,
 * as `aws.partition` reads them (https://smithy.io/2.0/aws/rules-engine/library-functions.html).
 * New Regions match their partition's pattern before they are listed.
 */
function regionIssues(
  region: unknown,
  partitions: readonly PartitionData[] | undefined,
  fromRules: boolean,
): string | undefined {
  const name = typeof region === "string" && /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(region);
  if (name && !(fromRules && partitions?.every((p) => !p[6].test(region)))) return;
  const listed = partitions?.flatMap((p) => p[7].split(" ")) ?? [];
  if (name && listed.includes(region)) return;
  const close = closestKey(String(region), listed);
  return `must be a Region ${name ? "an AWS partition knows," : "name"} such as us-east-1${
    close ? `; did you mean "${close}"?` : ""
  }`;
}

/**
 * Refuses what is not a {@linkcode Client} — `undefined`, the configuration instead of a client,
 * another library's client — before anything of it is read, so the mistake is named instead of
 * surfacing as a `TypeError`.
 *
 * @param subject what was called, e.g. `StartCopyJob call`
 * @param hint appended to the issue's message
 * @throws {ValidationError} naming `client`
 */
export function checkClient(client: unknown, subject: string, hint = ""): void {
  if (!(client instanceof Client)) {
    throw new ValidationError(subject, [{
      path: "client",
      message: `must be a client (new BackupClient(config)), not ${describe(client)}${hint}`,
    }]);
  }
}

/** `value` as a URL if it is an absolute `http:` or `https:` one (all fetch can call). */
function httpUrl(value: unknown): URL | undefined {
  if (typeof value !== "string") return undefined;
  try {
    const url = new URL(value);
    return /^https?:$/.test(url.protocol) ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A loopback host as `URL.hostname` spells it (lower case; IPv6 compressed and bracketed; a host
 * whose last label is a number parsed as IPv4 and written as four decimal parts, so `127.` and
 * digits is always an address): `localhost` and names under it (RFC 6761 § 6.3), 127.0.0.0/8
 * (RFC 1122 § 3.2.1.3) and `::1` (RFC 4291 § 2.5.3). Plain `http:` to it stays on the machine.
 */
const LOOPBACK_HOST = /^((.+\.)?localhost\.?|127\.[\d.]+|\[::1\])$/;
