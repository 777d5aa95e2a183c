/**
 * The parts of Cloudflare Workflows a vault copy uses, typed structurally — `step.do`,
 * `step.sleep`, the Workflow binding's `create` and `get`, an instance's `status` — so that this
 * module never imports `cloudflare:workers` and keeps running on Deno, Node, Bun and browsers.
 * The objects Cloudflare hands a `WorkflowEntrypoint` fit these types as they are.
 *
 * Shapes from the Workers API of Workflows
 * (https://developers.cloudflare.com/workflows/build/workers-api/) and the runtime's own
 * declarations (`wrangler types`: `WorkflowStep`, `Workflow`, `WorkflowInstance`).
 *
 * @module
 */

/** A duration as Workflows takes it: milliseconds, or text such as `"30 seconds"`, `"1 hour"`. */
export type WorkflowDurationLike = number | `${number} ${string}`;

/**
 * The configuration of one `step.do`: how often the engine tries a failing step again, how long
 * it waits in between, and how long one attempt may run.
 */
export interface WorkflowStepConfigLike {
  /** Retries after the first attempt fails: `limit` more attempts, `delay` apart. */
  retries?: {
    /** Attempts after the first. */
    limit: number;
    /** Wait before the first retry. */
    delay: WorkflowDurationLike;
    /** How `delay` grows: `constant`, `linear` or `exponential` (doubling). */
    backoff?: "constant" | "linear" | "exponential";
  };
  /** Longest time one attempt may run. */
  timeout?: WorkflowDurationLike;
}

/**
 * The `step` object `WorkflowEntrypoint.run(event, step)` receives. A step's callback runs once;
 * its result is persisted under the step's name, and when the engine runs `run` again (after a
 * sleep, a restart, a retry) the step answers that result without running the callback.
 */
export interface WorkflowStepLike {
  /** Runs `callback` as the step `name`, with the engine's default retries. */
  do<T>(name: string, callback: () => Promise<T>): Promise<T>;
  /** Runs `callback` as the step `name`, retried as `config` says. */
  do<T>(name: string, config: WorkflowStepConfigLike, callback: () => Promise<T>): Promise<T>;
  /** Sleeps durably: the instance may hibernate and wakes after `duration`. */
  sleep(name: string, duration: WorkflowDurationLike): Promise<void>;
}

/** The `event` `WorkflowEntrypoint.run(event, step)` receives. */
export interface WorkflowEventLike {
  /** The `params` the instance was created with. */
  readonly payload: unknown;
  /** When the instance was created. */
  readonly timestamp: Date;
  /** The instance's id. */
  readonly instanceId: string;
}

/** What `WorkflowInstance.status()` answers. */
export interface WorkflowInstanceStatusLike {
  /**
   * `queued`, `running`, `paused`, `errored`, `terminated`, `complete`, `waiting`,
   * `waitingForPause` or `unknown`.
   */
  status: string;
  /** Why it errored: `{ name, message }` (older runtimes: a string). */
  error?: unknown;
  /** What `run` returned, once `complete`. */
  output?: unknown;
}

/** A handle to one Workflow instance. */
export interface WorkflowInstanceLike {
  /** The instance's id. */
  id: string;
  /** Its status, error and output. */
  status(): Promise<WorkflowInstanceStatusLike>;
}

/**
 * A Workflow binding (`env.MY_WORKFLOW`, a `Workflow<Params>`): creates instances and finds them
 * by id. `create` with an id that already exists rejects (`(instance.already_exists) …`).
 */
export interface WorkflowBindingLike<Params = unknown> {
  /** Creates an instance with this id and these params. */
  create(options: { id: string; params: Params }): Promise<WorkflowInstanceLike>;
  /** The instance with this id; rejects when there is none. */
  get(id: string): Promise<WorkflowInstanceLike>;
}

/**
 * Thrown from a step, stops the engine from trying the step again: the Workflows engine
 * recognises it by its name, `NonRetryableError` (the class `cloudflare:workflows` exports is
 * matched by name too), so this module needs no import from `cloudflare:workflows`.
 */
export class NonRetryableError extends Error {
  /** Always `NonRetryableError`: the name the engine looks for. */
  override name = "NonRetryableError";
  /**
   * A failure no retry can fix.
   * @param options `cause`: the underlying error.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/**
 * The documented limits of Cloudflare Workflows that a vault copy is planned around: the
 * Workers Paid defaults (https://developers.cloudflare.com/workflows/reference/limits/, as of
 * 2026: steps per instance 10,000 by default, configurable up to 25,000, Workers Free 1,024;
 * `step.sleep` does not count as a step; subrequests per instance 10,000 by default,
 * configurable up to 10 million, Workers Free 50; a non-stream step result and an event payload
 * at most 1 MiB; an instance id at most 100 characters of `^[a-zA-Z0-9_][a-zA-Z0-9-_]*$`;
 * `step.sleep` at most 365 days; instances created at most 100 per second per Workflow, 300 per
 * account; the state of a completed instance is kept 3 days on Workers Free, 7 days by default on
 * Workers Paid, configurable up to 30). Step names longer than 256 characters are refused (the
 * engine's validator in `@cloudflare/workflows-shared`).
 */
export const WORKFLOWS_LIMITS = {
  /** `step.do` calls per instance (Workers Paid default). */
  stepsPerInstance: 10_000,
  /** Subrequests (fetch, and calls to Cloudflare services) per instance (Workers Paid default). */
  subrequestsPerInstance: 10_000,
  /** Bytes of one step's result. */
  stepResultBytes: 1_048_576,
  /** Bytes of an instance's `params`. */
  eventPayloadBytes: 1_048_576,
  /** Characters of an instance id. */
  instanceIdLength: 100,
  /** Characters of a step name. */
  stepNameLength: 256,
  /** Longest `step.sleep`, in milliseconds (365 days; a literal, so bundles can drop it). */
  sleepMs: 31_536_000_000,
  /** Instances created per second and Workflow. */
  instanceCreationsPerSecond: 100,
  /** Days a completed instance's state is kept (Workers Paid default; Free: 3; up to 30). */
  completedStateDays: 7,
} as const;

/** The pattern instance ids must match (Workflows limits, footnote 4). */
export const INSTANCE_ID_PATTERN: RegExp = /^[a-zA-Z0-9_][a-zA-Z0-9-_]*$/;

/** Whether a rejection of `create` says the id exists already (`(instance.already_exists) …`). */
export function isAlreadyExists(error: unknown): boolean {
  const e = error as { message?: unknown; code?: unknown };
  return String(e?.message ?? "").includes("instance.already_exists") ||
    e?.code === "instance.already_exists";
}

/** Whether a rejection of `get` says there is no instance with the id (`(instance.not_found) …`). */
export function isNotFound(error: unknown): boolean {
  const e = error as { message?: unknown; code?: unknown };
  return String(e?.message ?? "").includes("not_found") || e?.code === "instance.not_found";
}

/**
 * The Workflow has no instance with this id: it was never created, or it ended longer ago than
 * Workflows keeps a completed instance's state (3 days on Workers Free, 7 by default on Workers
 * Paid, configurable up to 30: https://developers.cloudflare.com/workflows/reference/limits/).
 */
export class WorkflowInstanceNotFoundError extends Error {
  /** Always `WorkflowInstanceNotFoundError`. */
  override name = "WorkflowInstanceNotFoundError";
  /** The instance asked for. */
  readonly instanceId: string;

  /**
   * Names the instance.
   * @param instanceId the instance asked for.
   * @param options `cause`: the binding's rejection.
   */
  constructor(instanceId: string, options?: ErrorOptions) {
    super(
      `The Workflow has no instance ${instanceId}: it was never created, or it ended longer ago ` +
        `than Workflows keeps a completed instance's state (3 days on Workers Free, 7 by default ` +
        `on Workers Paid, up to 30)`,
      options,
    );
    this.instanceId = instanceId;
  }
}
