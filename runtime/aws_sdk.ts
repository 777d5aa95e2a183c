/**
 * What the AWS SDK for JavaScript v3 face (`backup-edge/aws-sdk`) is made of, for any service:
 * commands as objects, `client.send(command, { abortSignal })`, the SDK's configuration names
 * mapped onto {@linkcode ClientConfig}, and paginators called as `paginateX({ client }, input)`.
 * A thin layer: every call goes through the same operation functions as `mod.ts`'s.
 *
 * @module
 */

import {
  checkClient,
  Client,
  type ClientConfig,
  CONFIG_HINTS,
  CONFIG_KEYS,
  type CredentialProvider,
  type Credentials,
  timeoutIssues,
} from "./client.ts";
import { ValidationError, type ValidationIssue } from "./errors.ts";
import { unknownKeyIssues } from "./unknown_keys.ts";
import { type CallOptions, signalIssues } from "./call_options.ts";
import { describe } from "./plain_objects.ts";
import type { WithMetadata } from "./send.ts";

/** An operation function of the generated client, e.g. `startCopyJob`. */
export type OperationFunction<C extends Client, I, O> = (
  client: C,
  input: I,
  options?: CallOptions,
) => Promise<WithMetadata<O>>;

/**
 * A call as an object, as the SDK's commands are: `new StartCopyJobCommand(input)`, sent with
 * `client.send(command)`. Generated subclasses name the operation.
 */
export class SdkCommand<C extends Client, I, O> {
  /** The operation's input, as given. */
  readonly input: I;
  readonly #operation: OperationFunction<C, I, O>;

  /**
   * Holds the input and the operation it goes to.
   *
   * @param input the operation's input
   * @param operation the operation function the command calls
   */
  constructor(input: I, operation: OperationFunction<C, I, O>) {
    this.input = input;
    this.#operation = operation;
  }

  /** Not supported: every method throws a `ValidationError` (see {@linkcode SdkMiddlewareStack}). */
  get middlewareStack(): SdkMiddlewareStack {
    return middlewareStack();
  }

  /** Calls the operation; what `client.send(command, options)` does. */
  send(client: C, options: SdkSendOptions = {}): Promise<WithMetadata<O>> {
    let call: CallOptions;
    try {
      call = sendOptions(options);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#operation(client, this.input, call);
  }
}

/**
 * `client.send(command, options)`: the command's operation on `client`.
 *
 * @throws {ValidationError} (as a rejection) `command` is not a command — e.g. its input, or a
 *   mod.ts call — naming `command`; nothing is sent
 */
export function sendCommand<C extends Client, I, O>(
  client: C,
  command: SdkCommand<C, I, O>,
  options?: SdkSendOptions,
): Promise<WithMetadata<O>> {
  return command instanceof SdkCommand ? command.send(client, options) : Promise.reject(
    new ValidationError("send call", [{
      path: "command",
      message: `must be a command such as new StartCopyJobCommand(input), not ${describe(command)}`,
    }]),
  );
}

/**
 * The SDK's `middlewareStack` (of a client or a command), which this face does not have: each
 * of its methods throws a {@linkcode ValidationError} naming `middlewareStack`. Requests are
 * built from the model and sent with `fetch`: `observe` sees every attempt and call, a `fetch`
 * wrapper can add headers.
 */
export interface SdkMiddlewareStack {
  /** @throws {ValidationError} always */
  add(...args: unknown[]): never;
  /** @throws {ValidationError} always */
  addRelativeTo(...args: unknown[]): never;
  /** @throws {ValidationError} always */
  use(...args: unknown[]): never;
  /** @throws {ValidationError} always */
  remove(...args: unknown[]): never;
  /** @throws {ValidationError} always */
  removeByTag(...args: unknown[]): never;
  /** @throws {ValidationError} always */
  concat(...args: unknown[]): never;
  /** @throws {ValidationError} always */
  clone(...args: unknown[]): never;
  /** @throws {ValidationError} always */
  applyToStack(...args: unknown[]): never;
  /** @throws {ValidationError} always */
  identify(...args: unknown[]): never;
  /** @throws {ValidationError} always */
  resolve(...args: unknown[]): never;
}

/** The stack every `middlewareStack` property returns (see {@linkcode SdkMiddlewareStack}). */
export function middlewareStack(): SdkMiddlewareStack {
  const refuse = (): never => {
    throw new ValidationError("client config", [{
      path: "middlewareStack",
      message: "is not supported by backup-edge: pass observe (events per attempt and call) " +
        "or a fetch wrapper (headers) instead",
    }]);
  };
  return {
    add: refuse,
    addRelativeTo: refuse,
    use: refuse,
    remove: refuse,
    removeByTag: refuse,
    concat: refuse,
    clone: refuse,
    applyToStack: refuse,
    identify: refuse,
    resolve: refuse,
  };
}

/**
 * The SDK's resolved `client.config`, as far as it maps: each value behind an async function,
 * as the SDK's providers are (`await client.config.region()`).
 */
export interface SdkResolvedConfig {
  /** The client's Region. */
  region(): Promise<string>;
  /** The client's credentials (cached, or fresh from its provider). */
  credentials(): Promise<Credentials>;
  /** Attempts per call, the first included. */
  maxAttempts(): Promise<number>;
  /** Whether the Region's FIPS endpoint is used. */
  useFipsEndpoint(): Promise<boolean>;
  /** Whether the Region's dual-stack endpoint is used. */
  useDualstackEndpoint(): Promise<boolean>;
}

/** `client.config` of the SDK-style client made from `config`. */
export function sdkResolvedConfig(client: Client, config: SdkClientConfig): SdkResolvedConfig {
  const value = <T>(v: T) => () => Promise.resolve(v);
  return {
    region: value(client.region),
    credentials: () => client.credentials(),
    maxAttempts: value(client.maxAttempts),
    useFipsEndpoint: value(config.useFipsEndpoint ?? false),
    useDualstackEndpoint: value(config.useDualstackEndpoint ?? false),
  };
}

/** The SDK's per-call options (`HttpHandlerOptions`) that mean something here. */
export interface SdkSendOptions {
  /** Aborts the call (our `signal`): it rejects with the signal's reason. */
  abortSignal?: AbortSignal | undefined;
  /**
   * Milliseconds for the whole call, retries included (our `timeoutMs`); in the SDK it bounds
   * one HTTP request.
   */
  requestTimeout?: number | undefined;
}

const SEND_OPTIONS = new Set(["abortSignal", "requestTimeout"]);
const SEND_OPTION_HINTS: Record<string, string> = {
  signal: "this face takes the SDK's abortSignal",
  timeoutMs: "this face takes the SDK's requestTimeout",
};

function sendOptions(options: SdkSendOptions): CallOptions {
  if (typeof options !== "object" || options === null) {
    throw new ValidationError("send options", [{
      path: "",
      message: "must be an object such as { abortSignal } (callbacks are not supported)",
    }]);
  }
  // Checked here, not only by the call, so that an issue names the key the caller passed.
  const issues = [
    ...unknownKeyIssues(options, SEND_OPTIONS, "", SEND_OPTION_HINTS),
    ...signalIssues("abortSignal", options.abortSignal),
    ...timeoutIssues("requestTimeout", options.requestTimeout),
  ];
  if (issues.length) throw new ValidationError("send options", issues);
  const call: CallOptions = {};
  if (options.abortSignal !== undefined) call.signal = options.abortSignal;
  if (options.requestTimeout !== undefined) call.timeoutMs = options.requestTimeout;
  return call;
}

/**
 * The SDK's client configuration, as far as it maps onto backup-edge's: `region` and
 * `maxAttempts` as values (no providers), `credentials` as an object or an async function (as
 * in the SDK), `endpoint` as a URL string or `{ url }`, and backup-edge's own options (`fetch`,
 * `requestTimeoutMs`, `idempotencyToken`, `observe` instead of the SDK's `logger`, …); an
 * unknown key is refused with the key it probably meant, as `ClientConfig`'s are.
 */
export interface SdkClientConfig {
  /** AWS Region, e.g. `us-east-1`; a string, not a provider function. */
  region: string;
  /** Credentials, or an async function returning them (the SDK's `AwsCredentialIdentityProvider`). */
  credentials: Credentials | CredentialProvider;
  /** Custom endpoint: a URL string, or the SDK's `{ url }` endpoint object. */
  endpoint?: string | { url: string | URL } | undefined;
  /** backup-edge's opt-in to a plain `http:` endpoint that is not loopback. @default false */
  allowInsecureEndpoint?: boolean | undefined;
  /** Attempts per call, the first included. @default 3 */
  maxAttempts?: number | undefined;
  /** `"standard"` (the SDK's default). `"adaptive"` is refused: there is no client-side rate limiter. */
  retryMode?: "standard" | undefined;
  /** Use the Region's FIPS endpoint. @default false */
  useFipsEndpoint?: boolean | undefined;
  /** Use the Region's dual-stack endpoint. @default false */
  useDualstackEndpoint?: boolean | undefined;
  /** backup-edge's `fetch` (the SDK's `requestHandler` has no equivalent). */
  fetch?: ClientConfig["fetch"];
  /** backup-edge's per-attempt timeout in milliseconds. */
  requestTimeoutMs?: number | undefined;
  /** backup-edge's idempotency token maker. */
  idempotencyToken?: (() => string) | undefined;
  /** backup-edge's call observer (the SDK's `logger` has no equivalent): events per attempt and call. */
  observe?: ClientConfig["observe"] | undefined;
  /** backup-edge's switch for `@requestCompression` operations. @default false */
  disableRequestCompression?: boolean | undefined;
  /** backup-edge's smallest body (bytes) that `@requestCompression` operations gzip. @default 10240 */
  requestMinCompressionSizeBytes?: number | undefined;
}

/**
 * SDK v3 options with no equivalent here: what to pass instead, if anything. (Kept short: these
 * strings are in every bundle of the SDK-style face.)
 */
const UNSUPPORTED: Record<string, string> = {
  requestHandler: "fetch",
  logger: "observe",
  customUserAgent: "",
  retryStrategy: "retryStrategy of mod.ts's BackupClient",
  defaultsMode: "",
  systemClockOffset: "",
  signer: "",
  sha256: "",
  disableHostPrefix: "",
  extensions: "",
  profile: "credentials",
};

/** What this face takes: the SDK's options that map onto ours, and ours. */
const KNOWN = new Set([...CONFIG_KEYS, ...Object.keys(UNSUPPORTED)]);

/**
 * Maps SDK v3 configuration onto {@linkcode ClientConfig}.
 *
 * @throws {ValidationError} an option with no equivalent (`requestHandler`, `logger`, …), a
 *   provider function where a value is needed, or an unknown key — naming it; nothing is sent.
 */
export function fromSdkConfig(config: SdkClientConfig): ClientConfig {
  if (typeof config !== "object" || config === null) {
    throw new ValidationError("client config", [{ path: "", message: "must be an object" }]);
  }
  const issues: ValidationIssue[] = [];
  for (const key of Object.keys(config)) {
    const instead = UNSUPPORTED[key];
    if (instead !== undefined) {
      issues.push({
        path: key,
        message: `is not supported by backup-edge${instead && `: pass ${instead} instead`}`,
      });
    }
  }
  issues.push(...unknownKeyIssues(config, KNOWN, "", CONFIG_HINTS));
  for (const key of ["region", "maxAttempts", "useFipsEndpoint", "useDualstackEndpoint"] as const) {
    if (typeof config[key] === "function") {
      issues.push({ path: key, message: "must be a value, not a provider function" });
    }
  }
  if (config.retryMode !== undefined && config.retryMode !== "standard") {
    issues.push({
      path: "retryMode",
      message: `must be "standard" (adaptive mode's client-side rate limiter is not implemented)`,
    });
  }
  let endpoint: string | undefined;
  const given = config.endpoint as unknown;
  if (typeof given === "string") endpoint = given;
  else if (typeof given === "object" && given !== null && "url" in given) {
    endpoint = String((given as { url: unknown }).url);
  } else if (given !== undefined) {
    issues.push({ path: "endpoint", message: "must be a URL string or { url }" });
  }
  if (issues.length) throw new ValidationError("client config", issues);
  const { retryMode: _mode, endpoint: _endpoint, ...rest } = config;
  return { ...rest, ...(endpoint === undefined ? {} : { endpoint }) } as ClientConfig;
}

/** The SDK's pagination configuration (`BackupPaginationConfiguration`). */
export interface SdkPaginationConfiguration<C> {
  /** The client that sends each page's command. */
  client: C;
  /** Items per page, sent as the operation's page-size member (e.g. `MaxResults`). */
  pageSize?: number | undefined;
  /** The continuation token to start from. */
  startingToken?: string | undefined;
  /** Stop when the service answers the token it was sent (the SDK's `stopOnSameToken`). */
  stopOnSameToken?: boolean | undefined;
}

const PAGINATION_KEYS = new Set(["client", "pageSize", "startingToken", "stopOnSameToken"]);

/**
 * Pages of one operation as the SDK's `paginateX(config, input)` yields them: input token set
 * from the previous page's output token until there is none. Unlike the SDK, the caller's
 * `input` is not modified.
 */
export async function* sdkPaginate<C extends Client, I, O>(
  config: SdkPaginationConfiguration<C>,
  input: I,
  command: new (input: I) => SdkCommand<C, I, O>,
  tokens: { input: string; output: string; pageSize?: string },
): AsyncGenerator<WithMetadata<O>, undefined, unknown> {
  const subject = "pagination configuration";
  if (config instanceof Client) {
    throw new ValidationError(subject, [{
      path: "",
      message: "must be { client }: the SDK's paginate…({ client }, input) here; " +
        "paginate…(client, input, options) is in backup-edge's mod.ts",
    }]);
  }
  const issues = unknownKeyIssues(config ?? {}, PAGINATION_KEYS);
  if (issues.length) throw new ValidationError(subject, issues);
  checkClient(config?.client, subject);
  let token: unknown = config.startingToken || undefined;
  for (;;) {
    const request = { ...input, [tokens.input]: token } as I;
    if (tokens.pageSize && config.pageSize !== undefined) {
      (request as Record<string, unknown>)[tokens.pageSize] = config.pageSize;
    }
    const page = await new command(request).send(config.client);
    yield page;
    const previous = token;
    token = (page as Record<string, unknown>)[tokens.output];
    if (!token || (config.stopOnSameToken && token === previous)) return undefined;
  }
}
