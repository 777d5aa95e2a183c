/**
 * The client: resolved configuration, credentials kept out of sight, and the fetch to use.
 * Generated service clients (e.g. `BackupClient`) extend {@linkcode Client}.
 *
 * @module
 */

import { type ServiceException, type ServiceExceptionOptions, ValidationError } from "./errors.ts";
import type { SerializeContext } from "./http.ts";
import { uuidV4 } from "./serde.ts";
import type { Credentials } from "./signer.ts";

export type { Credentials };

/** A function that returns fresh credentials (called before every attempt). */
export type CredentialProvider = () => Promise<Credentials>;

/** The `fetch` the client calls; it always receives a `Request`. */
export type FetchFunction = (request: Request) => Promise<Response>;

/** Options of a service client. */
export interface ClientConfig {
  /** AWS Region, e.g. `us-east-1`; used for the endpoint and for signing. */
  region: string;
  /** Static credentials, or a function returning them (for rotating credentials). */
  credentials: Credentials | CredentialProvider;
  /** Custom endpoint URL, e.g. `http://127.0.0.1:8080` for a local emulator. */
  endpoint?: string;
  /** Use the FIPS endpoint of the Region. */
  useFipsEndpoint?: boolean;
  /** Use the dual-stack (IPv4 and IPv6) endpoint of the Region. */
  useDualstackEndpoint?: boolean;
  /** The fetch to call; defaults to `globalThis.fetch`, looked up at call time. */
  fetch?: FetchFunction;
  /** Attempts per call, the first included; default 3. `1` disables retries. */
  maxAttempts?: number;
  /** Abort an attempt (and maybe retry) when it takes longer than this; default: no limit. */
  requestTimeoutMs?: number;
  /** Makes idempotency tokens; default: random UUID v4. */
  idempotencyToken?: () => string;
  /** Never gzip request bodies of `@requestCompression` operations. */
  disableRequestCompression?: boolean;
  /** Smallest body (bytes) that `@requestCompression` operations gzip; default 10240. */
  requestMinCompressionSizeBytes?: number;
}

/** Endpoint rule parameters taken from the configuration (AWS built-ins). */
export interface EndpointConfig {
  /** {@linkcode ClientConfig.region}. */
  region: string;
  /** {@linkcode ClientConfig.useFipsEndpoint}, `false` when unset. */
  useFipsEndpoint: boolean;
  /** {@linkcode ClientConfig.useDualstackEndpoint}, `false` when unset. */
  useDualstackEndpoint: boolean;
  /** {@linkcode ClientConfig.endpoint}. */
  endpoint?: string;
}

/** What a generated client tells the runtime about its service. */
export interface ServiceInfo {
  /** SigV4 signing name, e.g. `backup`. */
  signingName: string;
  /** The generated endpoint rules, applied to the configuration. */
  resolveEndpoint(config: EndpointConfig): { url: string };
  /** Base class for errors the model does not name. */
  exception: new (options: ServiceExceptionOptions) => ServiceException;
}

/** A configured client; pass it to operation functions such as `startCopyJob`. */
export class Client implements SerializeContext {
  /** AWS Region used for signing. */
  readonly region: string;
  /** The resolved endpoint URL every request goes to. */
  readonly endpoint: string;
  /** Attempts per call. */
  readonly maxAttempts: number;
  /** Per-attempt timeout in milliseconds, if any. */
  readonly requestTimeoutMs?: number;
  /** The service this client talks to. */
  readonly service: ServiceInfo;
  /** See {@linkcode ClientConfig.disableRequestCompression}. */
  readonly disableRequestCompression: boolean;
  /** See {@linkcode ClientConfig.requestMinCompressionSizeBytes}. */
  readonly requestMinCompressionSizeBytes: number;
  /**
   * Milliseconds to add to the local clock when signing; set from the service's `Date` header
   * when a request fails because the local clock is off.
   */
  clockOffsetMs = 0;
  #credentials: Credentials | CredentialProvider;
  #fetch?: FetchFunction;
  #token?: () => string;

  /**
   * Checks the configuration and resolves the endpoint once. Service clients such as
   * `BackupClient` call this with their service's details; users construct those instead.
   *
   * @param config Region, credentials and optional settings.
   * @param service signing name, endpoint rules and base exception of the service.
   * @throws {ValidationError} when a configuration field is invalid.
   * @throws {EndpointError} when the endpoint rules reject the configuration.
   */
  constructor(config: ClientConfig, service: ServiceInfo) {
    const issues = [];
    const { region, credentials, maxAttempts = 3, requestTimeoutMs } = config ?? {};
    if (typeof region !== "string" || !/^[A-Za-z0-9-]{1,63}$/.test(region)) {
      issues.push({ path: "region", message: "must be a Region name such as us-east-1" });
    }
    if (typeof credentials !== "function" && typeof credentials?.accessKeyId !== "string") {
      issues.push({ path: "credentials", message: "must hold accessKeyId and secretAccessKey" });
    }
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
      issues.push({ path: "maxAttempts", message: "must be an integer >= 1" });
    }
    if (requestTimeoutMs !== undefined && !(requestTimeoutMs > 0)) {
      issues.push({ path: "requestTimeoutMs", message: "must be a positive number" });
    }
    if (issues.length) throw new ValidationError("client config", issues);
    this.region = region;
    this.maxAttempts = maxAttempts;
    this.requestTimeoutMs = requestTimeoutMs;
    this.service = service;
    this.disableRequestCompression = config.disableRequestCompression ?? false;
    this.requestMinCompressionSizeBytes = config.requestMinCompressionSizeBytes ?? 10240;
    this.#credentials = credentials;
    this.#fetch = config.fetch;
    this.#token = config.idempotencyToken;
    this.endpoint = service.resolveEndpoint({
      region,
      useFipsEndpoint: config.useFipsEndpoint ?? false,
      useDualstackEndpoint: config.useDualstackEndpoint ?? false,
      endpoint: config.endpoint,
    }).url;
  }

  /** Current credentials: the static ones, or a fresh call of the provider. */
  async credentials(): Promise<Credentials> {
    const c = this.#credentials;
    const resolved = typeof c === "function" ? await c() : c;
    if (!resolved?.accessKeyId || !resolved.secretAccessKey) {
      // Not a TypeError: that would read as a network failure and be retried.
      throw new ValidationError("credentials", [
        { path: "credentials", message: "must hold accessKeyId and secretAccessKey" },
      ]);
    }
    return resolved;
  }

  /** Sends a request with the configured fetch. */
  fetch(request: Request): Promise<Response> {
    return this.#fetch ? this.#fetch(request) : fetch(request);
  }

  /** A new idempotency token. */
  idempotencyToken(): string {
    return this.#token ? this.#token() : uuidV4();
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
