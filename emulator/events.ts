/**
 * AWS Backup's EventBridge events, as the emulator makes and delivers them: "Backup Job State
 * Change" and "Copy Job State Change" whenever one of its jobs changes state, "Recovery Point
 * State Change" when a backup completes or a copy lands in one of its own vaults — shaped as in
 * the AWS Backup Developer Guide ("Monitoring AWS Backup events using Amazon EventBridge") — and
 * delivered like an EventBridge API destination: POSTed as JSON to a URL with the connection's
 * authorization, retried on 401, 407, 409, 429, 5xx, network failures and after 5 seconds
 * without an answer (EventBridge User Guide, "API destination error codes"; other statuses, 3xx
 * among them, are not retried). A redirect is never followed: it is a failed delivery, and the
 * connection's secret goes to the configured URL only (the guide documents no redirect following
 * for API destinations; `fetch`'s default would resend the secret header to wherever a 307
 * points, another origin included).
 *
 * EventBridge delivers at least once and AWS Backup sends best effort, so a delivery can be asked
 * to come twice (or more), late, all at once, or not at all.
 *
 * Job states come from the clock; the events need timers, one per state change, which `close()`
 * clears. A copy into one of the emulator's own vaults becomes a recovery point there when it
 * completes (what a second hop copies).
 *
 * @module
 */

import { parseArn } from "./arn.ts";
import type { BackupJob, BackupJobStore } from "./backup_jobs.ts";
import type { CopyJob, CopyJobStore } from "./copy_jobs.ts";
import { mulberry32 } from "./faults.ts";
import type { VaultCatalog } from "./vaults.ts";

/** An EventBridge event as delivered to a target. */
export interface EmulatorEvent {
  version: "0";
  id: string;
  "detail-type": string;
  source: "aws.backup";
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

/** What an EventBridge connection sends with each request. */
export type EventConnectionAuthorization =
  | { apiKey: { name: string; value: string } }
  | { basic: { username: string; password: string } }
  | { bearerToken: string };

/** Where and how the emulator delivers its events. */
export interface EventDeliveryOptions {
  /** The API destination's endpoint, e.g. `http://127.0.0.1:8787/`. */
  url: string;
  /** The connection's authorization; none by default (the handler should answer 401). */
  authorization?: EventConnectionAuthorization;
  /** Deliver each event this many times (EventBridge delivers at least once). @default 1 */
  times?: number;
  /** Send all deliveries of an event at once instead of one after the other. @default false */
  concurrent?: boolean;
  /** Wait this long before the first delivery of an event. @default 0 */
  delayMs?: number;
  /** Deliveries after the first come this much later (after the previous one ends, unless concurrent). @default 0 */
  lateMs?: number;
  /** Share of events never delivered, drawn with `seed` (AWS Backup sends best effort). @default 0 */
  dropRate?: number;
  /** Seed of the drops. @default 1 */
  seed?: number;
  /** Deliver only the events this returns true for (an EventBridge rule's event pattern). */
  filter?: (event: EmulatorEvent) => boolean;
  /** Attempts per delivery, as EventBridge retries (401, 407, 409, 429, 5xx, network, timeout). @default 3 */
  maxAttempts?: number;
  /** Delay before the second attempt, doubling. @default 100 */
  retryDelayMs?: number;
  /** An attempt without an answer after this long is a failure (EventBridge: 5 s). @default 5000 */
  timeoutMs?: number;
  /** Sends a request; `fetch` by default. */
  fetch?: (request: Request) => Promise<Response>;
  /** Called with each attempt once it ended (what `deliveries` records), e.g. to log it. */
  onDelivery?: (delivery: EventDelivery) => void;
}

/** One attempt to deliver one event. */
export interface EventDelivery {
  /** The event's id. */
  eventId: string;
  /** Its `detail-type`. */
  detailType: string;
  /** Its `detail.state` or `detail.status`. */
  state?: string;
  /** Which delivery of the event (1 … `times`). */
  copy: number;
  /** Which attempt of that delivery (1 … `maxAttempts`). */
  attempt: number;
  /** The status answered, when an answer came. */
  status?: number;
  /** Why no answer came (network failure, timeout), or why a redirect was not followed. */
  error?: string;
  /** Whether EventBridge would try again after this attempt. */
  retryable: boolean;
  /** When the attempt began, epoch ms. */
  startedAt: number;
  /** How long it took. */
  durationMs: number;
}

/** Statuses an API destination retries (EventBridge User Guide, "API destination error codes"). */
export function eventBridgeRetries(status: number): boolean {
  return status === 401 || status === 407 || status === 409 || status === 429 || status >= 500;
}

/** What {@linkcode EmulatorEvents} is built from. */
export interface EmulatorEventsOptions {
  region: string;
  accountId: string;
  now: () => number;
  jobDurationMs: number;
  catalog: VaultCatalog;
  copies: () => CopyJobStore;
  backups: () => BackupJobStore;
  delivery?: EventDeliveryOptions;
}

/** The emulator's event source and its EventBridge-like delivery. */
export class EmulatorEvents {
  readonly #o: EmulatorEventsOptions;
  readonly #events: EmulatorEvent[] = [];
  readonly #deliveries: EventDelivery[] = [];
  readonly #dropped: EmulatorEvent[] = [];
  /** Pending timers, each with what to do should `close()` clear it. */
  readonly #timers = new Map<ReturnType<typeof setTimeout>, () => void>();
  readonly #closing = new AbortController();
  #delivery?: EventDeliveryOptions;
  #random: () => number = mulberry32(1);
  #pending = 0;
  #waiters: (() => void)[] = [];

  constructor(options: EmulatorEventsOptions) {
    this.#o = options;
    this.setDelivery(options.delivery);
  }

  /** Every event emitted, oldest first (delivered or not). */
  get events(): readonly EmulatorEvent[] {
    return this.#events;
  }

  /** Every delivery attempt, in the order they ended. */
  get deliveries(): readonly EventDelivery[] {
    return this.#deliveries;
  }

  /** The events `dropRate` kept from being delivered. */
  get dropped(): readonly EmulatorEvent[] {
    return this.#dropped;
  }

  /** Sets (or, with `undefined`, stops) delivery for events emitted from now on. */
  setDelivery(delivery: EventDeliveryOptions | undefined): void {
    this.#delivery = delivery && { ...delivery };
    this.#random = mulberry32(delivery?.seed ?? 1);
  }

  /** Follows a new copy job: its state changes become events; a copy into an own vault, a recovery point. */
  copyJobStarted(copyJobId: string): void {
    let last: string | undefined;
    const check = () => {
      const job = this.#o.copies().describe(copyJobId);
      if (job.State === last) return;
      last = job.State;
      this.emit(copyJobEvent(job, this.#o.now()));
      if (job.State === "COMPLETED" || job.State === "PARTIAL") this.#landed(job);
    };
    check();
    this.#follow(check);
  }

  /** Follows a new backup job: its state changes become events, its completion a recovery point event. */
  backupJobStarted(backupJobId: string): void {
    let last: string | undefined;
    const check = () => {
      const job = this.#o.backups().describe(backupJobId);
      if (job.State === last) return;
      last = job.State;
      this.emit(backupJobEvent(job, this.#o.now()));
      if (job.State === "COMPLETED") {
        this.emit(recoveryPointEvent({
          arn: job.RecoveryPointArn,
          vaultArn: job.BackupVaultArn,
          resourceArn: job.ResourceArn,
          resourceType: job.ResourceType,
          iamRoleArn: job.IamRoleArn,
          createdMs: job.CreationDate * 1000,
        }, this.#o.now()));
      }
    };
    check();
    this.#follow(check);
  }

  /** Records an event and delivers it as the delivery options say. */
  emit(event: EmulatorEvent): void {
    this.#events.push(event);
    const delivery = this.#delivery;
    if (!delivery || this.#closing.signal.aborted) return;
    if (delivery.filter && !delivery.filter(event)) return;
    if ((delivery.dropRate ?? 0) > 0 && this.#random() < delivery.dropRate!) {
      this.#dropped.push(event);
      return;
    }
    this.#track(this.#deliverAll(event, delivery));
  }

  /** Resolves once no job state change is pending and every delivery has ended. */
  settled(): Promise<void> {
    return new Promise((resolve) => {
      const check = () => this.#pending === 0 ? resolve() : this.#waiters.push(check);
      check();
    });
  }

  /** Clears the timers and aborts deliveries under way; resolves once they ended. */
  async close(): Promise<void> {
    this.#closing.abort();
    const cleared = [...this.#timers];
    this.#timers.clear();
    for (const [timer, cancelled] of cleared) {
      clearTimeout(timer);
      cancelled();
      this.#pending--;
    }
    this.#wake();
    await this.settled();
  }

  /** Calls `check` when a job started now reaches a third of its duration, and its end. */
  #follow(check: () => void): void {
    const duration = this.#o.jobDurationMs;
    for (const at of [duration / 3, duration]) this.#after(at + 1, check);
  }

  /** Runs `fn` after `ms`, unless `close()` comes first (then `cancelled` runs). */
  #after(ms: number, fn: () => void, cancelled: () => void = () => {}): void {
    if (this.#closing.signal.aborted) return cancelled();
    this.#pending++;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      try {
        fn();
      } finally {
        this.#pending--;
        this.#wake();
      }
    }, Math.max(0, ms));
    this.#timers.set(timer, cancelled);
  }

  /** A completed copy into an own vault: announce its recovery point (Recovery Point State Change). */
  #landed(job: CopyJob): void {
    const destination = parseArn(job.DestinationBackupVaultArn);
    const arn = job.DestinationRecoveryPointArn;
    if (
      !arn || destination?.region !== this.#o.region ||
      destination.accountId !== this.#o.accountId || job.ParentJobId
    ) {
      return;
    }
    // The catalog lists the copy already (the copy job recorded it when it started).
    const source = this.#o.catalog.findRecoveryPoint(job.SourceRecoveryPointArn);
    if (job.State !== "COMPLETED") return;
    this.emit(recoveryPointEvent({
      arn,
      vaultArn: job.DestinationBackupVaultArn,
      resourceArn: job.ResourceArn,
      resourceType: job.ResourceType,
      iamRoleArn: job.IamRoleArn,
      createdMs: source?.creationDateMs ?? job.CreationDate * 1000,
    }, this.#o.now()));
  }

  async #deliverAll(event: EmulatorEvent, d: EventDeliveryOptions): Promise<void> {
    const times = d.times ?? 1;
    const wait = (ms: number) => this.#sleep(ms);
    await wait(d.delayMs ?? 0);
    if (d.concurrent) {
      await Promise.all(Array.from({ length: times }, async (_, i) => {
        if (i > 0) await wait(d.lateMs ?? 0);
        await this.#deliver(event, d, i + 1);
      }));
      return;
    }
    for (let copy = 1; copy <= times; copy++) {
      if (copy > 1) await wait(d.lateMs ?? 0);
      await this.#deliver(event, d, copy);
    }
  }

  /** One delivery: attempts until an answer EventBridge would not retry, or `maxAttempts`. */
  async #deliver(event: EmulatorEvent, d: EventDeliveryOptions, copy: number): Promise<void> {
    const maxAttempts = d.maxAttempts ?? 3;
    let delay = d.retryDelayMs ?? 100;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (this.#closing.signal.aborted) return;
      const startedAt = Date.now();
      const record: EventDelivery = {
        eventId: event.id,
        detailType: event["detail-type"],
        copy,
        attempt,
        retryable: false,
        startedAt,
        durationMs: 0,
      };
      const state = event.detail.state ?? event.detail.status;
      if (typeof state === "string") record.state = state;
      const timeout = new AbortController();
      const timer = setTimeout(
        () => timeout.abort(new Error(`no answer within ${d.timeoutMs ?? 5000} ms`)),
        d.timeoutMs ?? 5000,
      );
      try {
        const response = await (d.fetch ?? fetch)(
          new Request(d.url, {
            method: "POST",
            headers: { ...connectionHeaders(d.authorization), ...EVENT_HEADERS },
            body: JSON.stringify(event),
            // Never to another URL: the connection's secret is for this one.
            redirect: "manual",
            signal: AbortSignal.any([timeout.signal, this.#closing.signal]),
          }),
        );
        // Read to the end, as EventBridge does, rather than cut the server off mid-answer.
        await response.arrayBuffer();
        record.status = response.status;
        record.retryable = eventBridgeRetries(response.status);
        if (isRedirect(response)) {
          const to = response.headers.get("location");
          record.error = `redirect${to ? ` to ${to}` : ""} not followed: a failed delivery`;
        }
      } catch (error) {
        record.error = error instanceof Error ? error.message : String(error);
        record.retryable = !this.#closing.signal.aborted;
      } finally {
        clearTimeout(timer);
      }
      record.durationMs = Date.now() - startedAt;
      this.#deliveries.push(record);
      d.onDelivery?.(record);
      if (!record.retryable) return;
      if (attempt < maxAttempts) await this.#sleep(delay);
      delay *= 2;
    }
  }

  #sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => this.#after(ms, resolve, resolve));
  }

  #track(promise: Promise<void>): void {
    this.#pending++;
    promise.catch(() => {}).finally(() => {
      this.#pending--;
      this.#wake();
    });
  }

  #wake(): void {
    for (const waiter of this.#waiters.splice(0)) waiter();
  }
}

/**
 * A 3xx answer (or, from a browser's `fetch`, the opaque one `redirect: "manual"` gives): the
 * event was not taken, and going where it points would send the connection's secret there.
 */
function isRedirect(response: Response): boolean {
  return response.type === "opaqueredirect" || (response.status >= 300 && response.status < 400);
}

/** Headers EventBridge sends to an API destination, besides the connection's. */
const EVENT_HEADERS = {
  "content-type": "application/json; charset=utf-8",
  "user-agent": "Amazon/EventBridge/ApiDestinations",
};

function connectionHeaders(auth: EventConnectionAuthorization | undefined): Record<string, string> {
  if (!auth) return {};
  if ("apiKey" in auth) return { [auth.apiKey.name]: auth.apiKey.value };
  if ("basic" in auth) {
    const bytes = new TextEncoder().encode(`${auth.basic.username}:${auth.basic.password}`);
    return { authorization: `Basic ${btoa(String.fromCharCode(...bytes))}` };
  }
  return { authorization: `Bearer ${auth.bearerToken}` };
}

/** An event envelope from the emulator's account and Region. */
function envelope(
  detailType: string,
  account: string,
  region: string,
  nowMs: number,
  resources: string[],
  detail: Record<string, unknown>,
): EmulatorEvent {
  return {
    version: "0",
    id: crypto.randomUUID(),
    "detail-type": detailType,
    source: "aws.backup",
    account,
    // EventBridge's `time` has whole seconds.
    time: new Date(nowMs).toISOString().replace(/\.\d{3}Z$/, "Z"),
    region,
    resources,
    detail,
  };
}

function isoDate(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString();
}

/** "Copy Job State Change" of a job as DescribeCopyJob shows it. */
export function copyJobEvent(job: CopyJob, nowMs: number): EmulatorEvent {
  const source = parseArn(job.SourceBackupVaultArn)!;
  const done = job.State === "COMPLETED" || job.State === "PARTIAL";
  return envelope("Copy Job State Change", job.AccountId, source.region, nowMs, [
    job.SourceRecoveryPointArn,
  ], {
    copyJobId: job.CopyJobId,
    backupSizeInBytes: job.BackupSizeInBytes,
    creationDate: isoDate(job.CreationDate),
    iamRoleArn: job.IamRoleArn,
    resourceArn: job.ResourceArn,
    resourceType: job.ResourceType,
    sourceBackupVaultArn: job.SourceBackupVaultArn,
    state: job.State,
    ...(job.StatusMessage ? { statusMessage: job.StatusMessage } : {}),
    ...(job.CompletionDate === undefined ? {} : { completionDate: isoDate(job.CompletionDate) }),
    destinationBackupVaultArn: job.DestinationBackupVaultArn,
    // The guide's examples show `{}` until the copy exists.
    destinationRecoveryPointArn: done && job.DestinationRecoveryPointArn
      ? job.DestinationRecoveryPointArn
      : {},
    ...(job.ParentJobId ? { parentJobId: job.ParentJobId } : {}),
  });
}

/** "Backup Job State Change" of a job as DescribeBackupJob shows it. */
export function backupJobEvent(job: BackupJob, nowMs: number): EmulatorEvent {
  const region = parseArn(job.BackupVaultArn)!.region;
  // The recovery point is in `resources` once the job COMPLETED; before, `resources` is empty.
  const resources = job.State === "COMPLETED" ? [job.RecoveryPointArn] : [];
  return envelope("Backup Job State Change", job.AccountId, region, nowMs, resources, {
    backupJobId: job.BackupJobId,
    backupSizeInBytes: String(job.BackupSizeInBytes),
    backupVaultArn: job.BackupVaultArn,
    backupVaultName: job.BackupVaultName,
    bytesTransferred: String(job.BytesTransferred),
    creationDate: isoDate(job.CreationDate),
    iamRoleArn: job.IamRoleArn,
    resourceArn: job.ResourceArn,
    resourceType: job.ResourceType,
    state: job.State,
    ...(job.CompletionDate === undefined ? {} : { completionDate: isoDate(job.CompletionDate) }),
    startBy: isoDate(job.StartBy),
    percentDone: Number(job.PercentDone),
  });
}

/** "Recovery Point State Change" with status COMPLETED. */
export function recoveryPointEvent(
  point: {
    arn: string;
    vaultArn: string;
    resourceArn: string;
    resourceType: string;
    iamRoleArn: string;
    createdMs: number;
  },
  nowMs: number,
): EmulatorEvent {
  const vault = parseArn(point.vaultArn)!;
  return envelope("Recovery Point State Change", vault.accountId, vault.region, nowMs, [
    point.arn,
  ], {
    backupVaultName: vault.resource.replace(/^backup-vault:/, ""),
    backupVaultArn: point.vaultArn,
    creationDate: new Date(point.createdMs).toISOString(),
    iamRoleArn: point.iamRoleArn,
    resourceType: point.resourceType,
    resourceArn: point.resourceArn,
    status: "COMPLETED",
    isEncrypted: "true",
    storageClass: "WARM",
    completionDate: new Date(nowMs).toISOString(),
  });
}
