/**
 * The emulator's HTTP server: logs each request, takes the next injected fault, verifies the
 * SigV4 signature, routes restJson1 requests to the copy and backup job operations and answers
 * the way AWS Backup does; with `events`, sends AWS Backup's EventBridge events (events.ts).
 *
 * @module
 */

import {
  type BackupJob,
  BackupJobStore,
  parseStartBackupJobInput,
  type StartBackupJobInput,
  type StartBackupJobOutput,
} from "./backup_jobs.ts";
import { type CopyJob, CopyJobStore } from "./copy_jobs.ts";
import {
  type EmulatorEvent,
  EmulatorEvents,
  type EventDelivery,
  type EventDeliveryOptions,
} from "./events.ts";
import {
  delay,
  errorFaultResponse,
  type Fault,
  FaultQueue,
  type RandomFaults,
  resetFaultResponse,
} from "./faults.ts";
import {
  DEMO_ACCOUNT_ID,
  DEMO_CREDENTIALS,
  DEMO_RECOVERY_POINTS,
  DEMO_REGION,
  DEMO_SESSION_CREDENTIALS,
  DEMO_VAULT_ARNS,
} from "./fixtures.ts";
import { type EmulatorCredential, verifySigV4 } from "./sigv4.ts";
import type { RecoveryPointFixture } from "./model.ts";
import {
  parseAccountId,
  parseListBackupVaultsQuery,
  parseListCopyJobsQuery,
  parseListRecoveryPointsQuery,
  parseStartCopyJobInput,
} from "./validation.ts";
import { VaultCatalog } from "./vaults.ts";
import { ApiError, errorResponse, jsonResponse, newRequestId } from "./wire.ts";

/** Options of {@linkcode startEmulator}; every one has a demo default. */
export interface EmulatorOptions {
  /** Interface to listen on; `127.0.0.1` by default. */
  hostname?: string;
  /** Port to listen on; 0 (a free port) by default. */
  port?: number;
  /** Region served and required in credential scopes; `us-east-1` by default. */
  region?: string;
  /** Account owning the source vaults and jobs; `111122223333` by default. */
  accountId?: string;
  /** Accepted key pairs; the demo credentials (with and without session token) by default. */
  credentials?: readonly EmulatorCredential[];
  /** Time for a job to go from CREATED to its outcome; 1500 ms by default. */
  jobDurationMs?: number;
  /**
   * Backup vault ARNs; the demo vaults by default. Those in `region` and `accountId` are the
   * emulator's own (listed, copy sources); others are copy destinations only.
   */
  vaults?: readonly string[];
  /** Recovery points; the demo recovery points by default. See `loadSeedFile`. */
  recoveryPoints?: readonly RecoveryPointFixture[];
  /**
   * AWS's quota "Concurrent backup copies per account outbound to a destination Region": top-level
   * copy jobs CREATED or RUNNING at once to one destination Region before the per-vault quota
   * applies (AWS Backup quotas,
   * https://docs.aws.amazon.com/aws-backup/latest/devguide/aws-backup-limits.html).
   * @default 100 ({@linkcode DEFAULT_MAX_CONCURRENT_COPIES_PER_REGION})
   */
  maxConcurrentCopiesPerRegion?: number;
  /**
   * AWS's quota "Concurrent copies per destination backup vault in account after the limit
   * (entry above) has been reached": once the Region's quota is reached, a StartCopyJob to a
   * vault with this many copy jobs in progress answers `LimitExceededException`.
   * @default 5 ({@linkcode DEFAULT_MAX_CONCURRENT_COPIES_PER_VAULT})
   */
  maxConcurrentCopiesPerVault?: number;
  /**
   * A cap of the emulator's own, below AWS's quotas (for tests that want
   * `LimitExceededException` early): at most this many top-level copy jobs CREATED or RUNNING at
   * once to one destination Region, whatever their vaults. None by default: AWS's quotas alone.
   */
  maxConcurrentJobs?: number;
  /**
   * How long ListCopyJobs lists a copy job after it was created or last ran, in ms; older jobs
   * are left out (DescribeCopyJob still answers them). AWS documents 30 days for its job lists.
   * @default 30 days ({@linkcode DEFAULT_COPY_JOB_LIST_RETENTION_MS})
   */
  copyJobListRetentionMs?: number;
  /** Faults for a share of all requests, drawn at random (after any queued ones). */
  randomFaults?: RandomFaults;
  /**
   * Answer a StartCopyJob whose idempotency token was already used with `{"IsParent": …}` only,
   * no `CopyJobId`: AWS documents such a retry as "a success message with no action taken"
   * without saying the answer names the job. Off by default (the job's id and date are sent).
   */
  terseIdempotentReplies?: boolean;
  /** The server's clock in epoch ms (job states, signature expiry); `Date.now` by default. */
  now?: () => number;
  /** Accepted distance between `X-Amz-Date` and the clock; 15 minutes by default. */
  maxClockSkewMs?: number;
  /** Called once each request has been answered (its log entry is complete). */
  onRequest?: (entry: RequestLogEntry) => void;
  /**
   * Emit AWS Backup's EventBridge events when jobs change state (`true`), and deliver them to an
   * API destination (delivery options). Off by default (no timers).
   */
  events?: boolean | EventDeliveryOptions;
  /**
   * Let browsers on any origin call the emulator: answer CORS preflights (unsigned, so they skip
   * authentication, faults and the request log) and add `Access-Control-Allow-Origin: *` to
   * every response. Off by default.
   */
  cors?: boolean;
}

/** The operations the emulator serves. */
export type OperationName =
  | "StartCopyJob"
  | "DescribeCopyJob"
  | "ListCopyJobs"
  | "ListBackupVaults"
  | "DescribeBackupVault"
  | "ListRecoveryPointsByBackupVault"
  | "DescribeRecoveryPoint"
  | "DeleteRecoveryPoint"
  | "StartBackupJob"
  | "DescribeBackupJob";

/** One received request, as logged. */
export interface RequestLogEntry {
  /** `x-amzn-RequestId` of the response. */
  readonly requestId: string;
  /** Arrival time on the emulator's clock, epoch ms. */
  readonly receivedAt: number;
  readonly method: string;
  /** Path exactly as received (percent-encoded). */
  readonly path: string;
  /** Query string as received, without `?`. */
  readonly search: string;
  /** Decoded query parameters. */
  readonly query: Readonly<Record<string, readonly string[]>>;
  /** Headers as received, names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  /** Raw body text. */
  readonly body: string;
  /** Whether the SigV4 signature verified (checked for faulted requests too). */
  readonly signatureValid: boolean;
  /** Error type the signature check failed with, when it did. */
  readonly authError?: string;
  /** The fault this request consumed, if any. */
  readonly fault?: Fault;
  /** The operation routed to, when the request got that far. */
  readonly operation?: OperationName;
  /** HTTP status answered. */
  readonly status?: number;
  /** `X-Amzn-Errortype` answered, without suffix. */
  readonly errorType?: string;
}

/** A running emulator. */
export interface Emulator extends AsyncDisposable {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly hostname: string;
  readonly port: number;
  readonly region: string;
  readonly accountId: string;
  /** Every request received so far, oldest first. */
  readonly requests: readonly RequestLogEntry[];
  /** Faults injected and not yet consumed. */
  readonly pendingFaults: number;
  /** Every copy job as DescribeCopyJob would show it now, oldest first. */
  jobs(): CopyJob[];
  /** Every backup job as DescribeBackupJob would show it now, oldest first. */
  backupJobs(): BackupJob[];
  /**
   * Starts a backup job as StartBackupJob would, without a request (as a backup plan does on
   * its schedule). @throws {ApiError} what StartBackupJob would answer (e.g. an unknown vault)
   */
  startBackupJob(input: StartBackupJobInput): StartBackupJobOutput;
  /** With `events`: every event emitted so far, oldest first (delivered or not). */
  readonly events: readonly EmulatorEvent[];
  /** With `events`: every delivery attempt so far, in the order they ended. */
  readonly deliveries: readonly EventDelivery[];
  /** With `events`: the events `dropRate` did not deliver. */
  readonly droppedEvents: readonly EmulatorEvent[];
  /**
   * With `events`: delivers events emitted from now on as `delivery` says (`undefined`: records
   * them only). @throws {Error} when the emulator was started without `events`
   */
  setEventDelivery(delivery: EventDeliveryOptions | undefined): void;
  /**
   * With `events`: resolves once every job has reached its final state and every delivery has
   * ended (immediately without `events`).
   */
  settled(): Promise<void>;
  /** Queues faults; each incoming request consumes the next one, before authentication. */
  injectFaults(...faults: Fault[]): void;
  /** Injects faults into a share of requests at random from now on; `undefined` stops it. */
  setRandomFaults(random: RandomFaults | undefined): void;
  /** Empties the request log. */
  clearRequests(): void;
  /** Stops listening, cutting injected delays short; resolves once the server is down. */
  close(): Promise<void>;
}

/** Default of {@linkcode EmulatorOptions.jobDurationMs}. */
export const DEFAULT_JOB_DURATION_MS = 1500;
/** Default of {@linkcode EmulatorOptions.maxConcurrentCopiesPerRegion}: AWS's quota. */
export const DEFAULT_MAX_CONCURRENT_COPIES_PER_REGION = 100;
/** Default of {@linkcode EmulatorOptions.maxConcurrentCopiesPerVault}: AWS's quota. */
export const DEFAULT_MAX_CONCURRENT_COPIES_PER_VAULT = 5;
/** Default of {@linkcode EmulatorOptions.copyJobListRetentionMs}: 30 days, as AWS documents. */
export const DEFAULT_COPY_JOB_LIST_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
/** Default of {@linkcode EmulatorOptions.maxClockSkewMs}: AWS allows 15 minutes. */
export const DEFAULT_MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

const SERVICE = "backup";

/** Request headers a browser may send cross-origin (what the client and aws4fetch set). */
const CORS_ALLOW_HEADERS = [
  "authorization",
  "content-type",
  "x-amz-date",
  "x-amz-security-token",
  "x-amz-content-sha256",
  "x-amz-user-agent",
  "amz-sdk-invocation-id",
  "amz-sdk-request",
].join(", ");
/** Response headers a cross-origin page may read. */
const CORS_EXPOSE_HEADERS = "x-amzn-requestid, x-amzn-errortype";

type MutableEntry = { -readonly [K in keyof RequestLogEntry]: RequestLogEntry[K] };

/** Starts an emulator listening on `127.0.0.1` (a random port by default). */
export function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return Promise.resolve(new EmulatorServer(options));
}

class EmulatorServer implements Emulator {
  readonly hostname: string;
  readonly port: number;
  readonly url: string;
  readonly region: string;
  readonly accountId: string;
  readonly #credentials: readonly EmulatorCredential[];
  readonly #now: () => number;
  readonly #maxSkewMs: number;
  readonly #onRequest?: (entry: RequestLogEntry) => void;
  readonly #cors: boolean;
  readonly #catalog: VaultCatalog;
  readonly #store: CopyJobStore;
  readonly #backups: BackupJobStore;
  readonly #events?: EmulatorEvents;
  readonly #faults = new FaultQueue();
  readonly #log: MutableEntry[] = [];
  readonly #closing = new AbortController();
  readonly #server: Deno.HttpServer<Deno.NetAddr>;
  #closed?: Promise<void>;

  constructor(options: EmulatorOptions) {
    this.region = options.region ?? DEMO_REGION;
    this.accountId = options.accountId ?? DEMO_ACCOUNT_ID;
    this.#credentials = options.credentials ?? [DEMO_CREDENTIALS, DEMO_SESSION_CREDENTIALS];
    this.#now = options.now ?? Date.now;
    this.#maxSkewMs = options.maxClockSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS;
    this.#onRequest = options.onRequest;
    this.#cors = options.cors ?? false;
    const jobDurationMs = options.jobDurationMs ?? DEFAULT_JOB_DURATION_MS;
    this.#catalog = new VaultCatalog({
      region: this.region,
      accountId: this.accountId,
      vaults: options.vaults ?? DEMO_VAULT_ARNS,
      recoveryPoints: options.recoveryPoints ?? DEMO_RECOVERY_POINTS,
      now: this.#now,
    });
    if (options.events) {
      this.#events = new EmulatorEvents({
        region: this.region,
        accountId: this.accountId,
        now: this.#now,
        jobDurationMs,
        catalog: this.#catalog,
        copies: () => this.#store,
        backups: () => this.#backups,
        ...(options.events === true ? {} : { delivery: options.events }),
      });
    }
    this.#store = new CopyJobStore({
      accountId: this.accountId,
      jobDurationMs,
      catalog: this.#catalog,
      maxConcurrentCopiesPerRegion: options.maxConcurrentCopiesPerRegion ??
        DEFAULT_MAX_CONCURRENT_COPIES_PER_REGION,
      maxConcurrentCopiesPerVault: options.maxConcurrentCopiesPerVault ??
        DEFAULT_MAX_CONCURRENT_COPIES_PER_VAULT,
      maxConcurrentJobs: options.maxConcurrentJobs,
      jobListRetentionMs: options.copyJobListRetentionMs ?? DEFAULT_COPY_JOB_LIST_RETENTION_MS,
      now: this.#now,
      terseIdempotentReplies: options.terseIdempotentReplies,
      onStart: (id) => this.#events?.copyJobStarted(id),
    });
    this.#backups = new BackupJobStore({
      accountId: this.accountId,
      region: this.region,
      jobDurationMs,
      catalog: this.#catalog,
      now: this.#now,
      onStart: (id) => this.#events?.backupJobStarted(id),
    });
    this.#faults.setRandom(options.randomFaults);
    this.#server = Deno.serve({
      hostname: options.hostname ?? "127.0.0.1",
      port: options.port ?? 0,
      onListen: () => {},
    }, (request) => this.#handle(request));
    this.hostname = this.#server.addr.hostname;
    this.port = this.#server.addr.port;
    const host = this.hostname.includes(":") ? `[${this.hostname}]` : this.hostname;
    this.url = `http://${host}:${this.port}`;
  }

  get requests(): readonly RequestLogEntry[] {
    return this.#log;
  }

  get pendingFaults(): number {
    return this.#faults.size;
  }

  jobs(): CopyJob[] {
    return this.#store.snapshot();
  }

  backupJobs(): BackupJob[] {
    return this.#backups.snapshot();
  }

  startBackupJob(input: StartBackupJobInput): StartBackupJobOutput {
    // Checked as the request's body would be.
    return this.#backups.start(parseStartBackupJobInput(JSON.stringify(input)));
  }

  get events(): readonly EmulatorEvent[] {
    return this.#events?.events ?? [];
  }

  get deliveries(): readonly EventDelivery[] {
    return this.#events?.deliveries ?? [];
  }

  get droppedEvents(): readonly EmulatorEvent[] {
    return this.#events?.dropped ?? [];
  }

  setEventDelivery(delivery: EventDeliveryOptions | undefined): void {
    if (!this.#events) throw new Error("start the emulator with `events` to deliver events");
    this.#events.setDelivery(delivery);
  }

  settled(): Promise<void> {
    return this.#events?.settled() ?? Promise.resolve();
  }

  injectFaults(...faults: Fault[]): void {
    this.#faults.push(...faults);
  }

  setRandomFaults(random: RandomFaults | undefined): void {
    this.#faults.setRandom(random);
  }

  clearRequests(): void {
    this.#log.length = 0;
  }

  close(): Promise<void> {
    if (!this.#closed) {
      this.#closing.abort();
      this.#closed = Promise.all([this.#server.shutdown(), this.#events?.close()]).then(() => {});
    }
    return this.#closed;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #handle(request: Request): Promise<Response> {
    if (!this.#cors) return await this.#handleLogged(request);
    if (request.method === "OPTIONS" && request.headers.has("access-control-request-method")) {
      return new Response(null, {
        status: 204,
        headers: {
          "access-control-allow-origin": "*",
          "access-control-allow-methods": "GET, PUT, POST, DELETE, PATCH, HEAD",
          "access-control-allow-headers": CORS_ALLOW_HEADERS,
          "access-control-max-age": "600",
        },
      });
    }
    const response = await this.#handleLogged(request);
    response.headers.set("access-control-allow-origin", "*");
    response.headers.set("access-control-expose-headers", CORS_EXPOSE_HEADERS);
    return response;
  }

  async #handleLogged(request: Request): Promise<Response> {
    const requestId = newRequestId();
    const url = new URL(request.url);
    const entry: MutableEntry = {
      requestId,
      receivedAt: this.#now(),
      method: request.method,
      path: url.pathname,
      search: url.search.replace(/^\?/, ""),
      query: queryRecord(url.searchParams),
      headers: Object.fromEntries(request.headers),
      body: "",
      signatureValid: false,
    };
    this.#log.push(entry);
    let response: Response;
    try {
      response = await this.#respond(request, url, entry);
    } catch (error) {
      response = errorResponse(
        requestId,
        error instanceof ApiError
          ? error
          : new ApiError("InternalFailure", `Emulator error: ${String(error)}`, { status: 500 }),
      );
    }
    // The emulator's clock, not the machine's: clients correct their skew from this header.
    response.headers.set("date", new Date(this.#now()).toUTCString());
    entry.status = response.status;
    const errorType = response.headers.get("x-amzn-errortype");
    if (errorType !== null) entry.errorType = errorType.split(":")[0];
    this.#onRequest?.(entry);
    return response;
  }

  async #respond(request: Request, url: URL, entry: MutableEntry): Promise<Response> {
    const body = new Uint8Array(await request.arrayBuffer());
    entry.body = new TextDecoder().decode(body);

    const auth = await verifySigV4(
      {
        method: request.method,
        path: url.pathname,
        search: entry.search,
        headers: request.headers,
        body,
      },
      {
        credentials: this.#credentials,
        region: this.region,
        service: SERVICE,
        nowMs: this.#now(),
        maxSkewMs: this.#maxSkewMs,
      },
    );
    entry.signatureValid = auth.valid;
    if (!auth.valid) entry.authError = auth.error.errorType;

    const fault = this.#faults.next();
    if (fault) {
      entry.fault = fault;
      if ("reset" in fault) {
        // After commit: handle the request for real (if it would be), then lose the answer.
        if (fault.afterCommit && auth.valid) this.#route(request.method, url, entry);
        return resetFaultResponse(entry.requestId);
      }
      if ("body" in fault) {
        return new Response(fault.body, { status: fault.status, headers: fault.headers });
      }
      if ("status" in fault) return errorFaultResponse(entry.requestId, fault);
      // Only close() cuts a delay short: a client that gave up does not (reading
      // request.signal makes Deno warn about its legacy abort semantics).
      const waited = await delay(fault.delayMs, this.#closing.signal);
      if (!waited) {
        throw new ApiError("ServiceUnavailableException", "The emulator is shutting down.", {
          status: 503,
          errorTypeSuffix: "",
        });
      }
    }

    if (!auth.valid) return errorResponse(entry.requestId, auth.error);
    return this.#route(request.method, url, entry);
  }

  #route(method: string, url: URL, entry: MutableEntry): Response {
    const segments = url.pathname.split("/");
    const operation = (name: OperationName, output: () => unknown) => {
      entry.operation = name;
      return jsonResponse(entry.requestId, output());
    };
    const params = url.searchParams;
    if (segments[0] === "" && segments[1] === "copy-jobs") {
      if (segments.length === 2 && method === "PUT") {
        return operation(
          "StartCopyJob",
          () => this.#store.start(parseStartCopyJobInput(entry.body)),
        );
      }
      if (segments.length === 2 && method === "GET") {
        return operation("ListCopyJobs", () => this.#store.list(parseListCopyJobsQuery(params)));
      }
      if (segments.length === 3 && segments[2] !== "" && method === "GET") {
        return operation("DescribeCopyJob", () => ({
          CopyJob: this.#store.describe(decodeLabel(segments[2], "CopyJobId")),
        }));
      }
    }
    if (
      segments[0] === "" && segments[1] === "backup-vaults" && segments.length === 5 &&
      segments[3] === "recovery-points" && segments[4] !== "" && method === "DELETE"
    ) {
      return operation("DeleteRecoveryPoint", () =>
        this.#catalog.deleteRecoveryPoint(
          decodeLabel(segments[2], "BackupVaultName"),
          decodeLabel(segments[4], "RecoveryPointArn"),
        ));
    }
    if (segments[0] === "" && segments[1] === "backup-jobs") {
      if (segments.length === 2 && method === "PUT") {
        return operation(
          "StartBackupJob",
          () => this.#backups.start(parseStartBackupJobInput(entry.body)),
        );
      }
      if (segments.length === 3 && segments[2] !== "" && method === "GET") {
        return operation(
          "DescribeBackupJob",
          () => this.#backups.describe(decodeLabel(segments[2], "BackupJobId")),
        );
      }
    }
    if (segments[0] === "" && segments[1] === "backup-vaults" && method === "GET") {
      // Older models spell some of these URIs with a trailing slash.
      if (segments.length > 2 && segments[segments.length - 1] === "") segments.pop();
      const vault = () => decodeLabel(segments[2], "BackupVaultName");
      const account = () =>
        parseAccountId("backupVaultAccountId", params.get("backupVaultAccountId") ?? undefined);
      if (segments.length === 2) {
        return operation(
          "ListBackupVaults",
          () => this.#catalog.listVaults(parseListBackupVaultsQuery(params)),
        );
      }
      if (segments.length === 3 && segments[2] !== "") {
        return operation(
          "DescribeBackupVault",
          () => this.#catalog.describeVault(vault(), account()),
        );
      }
      if (segments.length === 4 && segments[3] === "recovery-points") {
        return operation(
          "ListRecoveryPointsByBackupVault",
          () => this.#catalog.listRecoveryPoints(vault(), parseListRecoveryPointsQuery(params)),
        );
      }
      if (segments.length === 5 && segments[3] === "recovery-points" && segments[4] !== "") {
        return operation("DescribeRecoveryPoint", () =>
          this.#catalog.describeRecoveryPoint(
            vault(),
            decodeLabel(segments[4], "RecoveryPointArn"),
            account(),
          ));
      }
    }
    throw new ApiError(
      "UnknownOperationException",
      `No operation of the backup-edge emulator matches ${method} ${url.pathname}`,
      { status: 404 },
    );
  }
}

function decodeLabel(segment: string, member: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ApiError(
      "InvalidParameterValueException",
      `${member} is not validly percent-encoded.`,
      { context: member },
    );
  }
}

function queryRecord(params: URLSearchParams): Record<string, string[]> {
  const record: Record<string, string[]> = {};
  for (const [key, value] of params) (record[key] ??= []).push(value);
  return record;
}
