/**
 * A stand-in for the Cloudflare Workflows engine, for unit tests of the vault copy on Workflows
 * against the emulator: it persists each step's result by name and count and replays it, retries
 * a failing step as its config says (never a `NonRetryableError`), checks the documented limits
 * (step results and params at most 1 MiB, step names at most 256 characters, instance ids), and
 * can lose an engine's memory at a chosen step ("crash") and run the instance again, as the
 * platform does after a restart. Time is virtual: a sleep moves the shared clock on.
 *
 * A batch instance runs to its end inside the `create` that makes it (the run's `start batch`
 * step): enough to count every instance's steps and calls, not to model parallel batches (the
 * Miniflare test does that).
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  INSTANCE_ID_PATTERN,
  type WorkflowBindingLike,
  type WorkflowEventLike,
  type WorkflowInstanceLike,
  type WorkflowInstanceStatusLike,
  WORKFLOWS_LIMITS,
  type WorkflowStepConfigLike,
  type WorkflowStepLike,
} from "../jobs/workflow/engine.ts";

/** The clock sleeps move on, shared with the emulator (`now`). */
export class VirtualClock {
  /** Epoch milliseconds. */
  now: number = Date.UTC(2026, 11, 7, 3);
}

/** Thrown by the engine stand-in to end an engine's lifetime (its memory is lost). */
export class Crash extends Error {
  override name = "Crash";
}

/** Where a crash happens: before a step's callback runs, or after it ran (its result lost). */
export type CrashPhase = "before" | "after";

/** One `step.do` whose callback ran. */
export interface ExecutedStep {
  name: string;
  attempts: number;
  resultBytes: number;
}

/** The engine of one instance: step results by `name#count`, kept across lifetimes. */
export class FakeStep implements WorkflowStepLike {
  readonly #cache = new Map<
    string,
    { value: unknown } | { error: { name: string; message: string } }
  >();
  #counts = new Map<string, number>();
  /** Callbacks run, one per step (with the attempts it took). */
  readonly executed: ExecutedStep[] = [];
  /** `step.do` calls in the current lifetime (the engine's step limit counts these). */
  lifetimeSteps = 0;
  /** The most `step.do` calls any lifetime made. */
  maxLifetimeSteps = 0;
  /** Sleeps slept (replayed ones not counted), in ms. */
  readonly sleeps: number[] = [];
  /** Largest step result, in bytes of JSON. */
  largestResult = 0;
  /** Lifetimes begun. */
  lifetimes = 1;

  constructor(
    readonly clock: VirtualClock,
    /** Answers true to crash at that step and phase; called for every step run. */
    public crashAt?: (name: string, phase: CrashPhase) => boolean,
  ) {}

  /** Begins a new lifetime: the engine replays `run` from the start. */
  newLifetime(): void {
    this.#counts = new Map();
    this.lifetimeSteps = 0;
    this.lifetimes++;
  }

  do<T>(name: string, callback: () => Promise<T>): Promise<T>;
  do<T>(name: string, config: WorkflowStepConfigLike, callback: () => Promise<T>): Promise<T>;
  async do<T>(
    name: string,
    configOrCallback: WorkflowStepConfigLike | (() => Promise<T>),
    maybeCallback?: () => Promise<T>,
  ): Promise<T> {
    const config = maybeCallback ? configOrCallback as WorkflowStepConfigLike : {};
    const callback = maybeCallback ?? configOrCallback as () => Promise<T>;
    assert.ok(name.length <= WORKFLOWS_LIMITS.stepNameLength, `step name too long: ${name}`);
    this.lifetimeSteps++;
    this.maxLifetimeSteps = Math.max(this.maxLifetimeSteps, this.lifetimeSteps);
    const key = this.#key(`do:${name}`);
    const cached = this.#cache.get(key);
    if (cached && "value" in cached) return structuredClone(cached.value) as T;
    if (cached) throw Object.assign(new Error(cached.error.message), { name: cached.error.name });
    const limit = config.retries?.limit ?? 5;
    for (let attempt = 1;; attempt++) {
      if (this.crashAt?.(name, "before")) throw new Crash(`crash before ${name}`);
      try {
        const value = await callback();
        const json = JSON.stringify(value) ?? "null";
        const bytes = new TextEncoder().encode(json).byteLength;
        assert.ok(bytes <= WORKFLOWS_LIMITS.stepResultBytes, `${name}: result of ${bytes} bytes`);
        this.largestResult = Math.max(this.largestResult, bytes);
        this.executed.push({ name, attempts: attempt, resultBytes: bytes });
        if (this.crashAt?.(name, "after")) throw new Crash(`crash after ${name}`);
        // Persisted as JSON: a result that is not JSON-plain would come back different.
        this.#cache.set(key, { value: JSON.parse(json) });
        return JSON.parse(json) as T;
      } catch (e) {
        if (e instanceof Crash) throw e;
        const error = e as Error;
        if (error.name === "NonRetryableError" || attempt > limit) {
          this.executed.push({ name, attempts: attempt, resultBytes: 0 });
          this.#cache.set(key, { error: { name: error.name, message: error.message } });
          throw e;
        }
      }
    }
  }

  sleep(name: string, duration: number | string): Promise<void> {
    assert.equal(typeof duration, "number");
    const ms = duration as number;
    assert.ok(ms > 0 && ms <= WORKFLOWS_LIMITS.sleepMs, `sleep of ${ms} ms`);
    const key = this.#key(`sleep:${name}`);
    if (!this.#cache.has(key)) {
      this.#cache.set(key, { value: true });
      this.sleeps.push(ms);
      this.clock.now += ms;
    }
    return Promise.resolve();
  }

  #key(name: string): string {
    const count = (this.#counts.get(name) ?? 0) + 1;
    this.#counts.set(name, count);
    return `${name}#${count}`;
  }
}

/** One instance of the stand-in. */
export class FakeInstance {
  status = "queued";
  output?: unknown;
  error?: { name: string; message: string };
  /** HTTP requests its client made (set up by the test's `run`). */
  fetches = 0;
  readonly step: FakeStep;

  constructor(readonly id: string, readonly params: unknown, clock: VirtualClock) {
    this.step = new FakeStep(clock);
  }
}

/** What the stand-in runs for each instance: the body of `WorkflowEntrypoint.run`. */
export type FakeRun = (
  event: WorkflowEventLike,
  step: FakeStep,
  instance: FakeInstance,
) => Promise<unknown>;

/** The Workflow binding of the stand-in: instances run as they are created. */
export class FakeWorkflows implements WorkflowBindingLike {
  readonly instances = new Map<string, FakeInstance>();
  /** Calls to `create`, `get` and `status` (subrequests of the instance that makes them). */
  calls = 0;
  /** Called with each new instance before it runs (e.g. to set `crashAt`). */
  onCreate?: (instance: FakeInstance) => void;
  /** Answers true to leave a new instance `queued` (run it later with `start`). */
  hold?: (id: string) => boolean;

  constructor(readonly clock: VirtualClock, public run?: FakeRun) {}

  async create(options: { id: string; params: unknown }): Promise<WorkflowInstanceLike> {
    this.calls++;
    const { id, params } = options;
    assert.ok(
      INSTANCE_ID_PATTERN.test(id) && id.length <= WORKFLOWS_LIMITS.instanceIdLength,
      `instance id ${id}`,
    );
    const bytes = new TextEncoder().encode(JSON.stringify(params)).byteLength;
    assert.ok(bytes <= WORKFLOWS_LIMITS.eventPayloadBytes, `params of ${id}: ${bytes} bytes`);
    if (this.instances.has(id)) {
      throw new Error("(instance.already_exists) Instance already exists");
    }
    const instance = new FakeInstance(id, JSON.parse(JSON.stringify(params)), this.clock);
    this.instances.set(id, instance);
    this.onCreate?.(instance);
    if (!this.hold?.(id)) await this.start(instance);
    return this.#handle(instance);
  }

  get(id: string): Promise<WorkflowInstanceLike> {
    this.calls++;
    const instance = this.instances.get(id);
    if (!instance) return Promise.reject(new Error("(instance.not_found) Instance not found"));
    return Promise.resolve(this.#handle(instance));
  }

  /** Runs an instance to its end, starting a new lifetime after each crash. */
  async start(instance: FakeInstance): Promise<void> {
    const event = {
      payload: instance.params,
      timestamp: new Date(this.clock.now),
      instanceId: instance.id,
    };
    for (;;) {
      instance.status = "running";
      try {
        instance.output = JSON.parse(
          JSON.stringify(await this.run!(event, instance.step, instance)),
        );
        instance.status = "complete";
        return;
      } catch (e) {
        if (e instanceof Crash) {
          instance.step.newLifetime();
          continue;
        }
        instance.status = "errored";
        instance.error = { name: (e as Error).name, message: (e as Error).message };
        return;
      }
    }
  }

  #handle(instance: FakeInstance): WorkflowInstanceLike {
    return {
      id: instance.id,
      status: (): Promise<WorkflowInstanceStatusLike> => {
        this.calls++;
        return Promise.resolve({
          status: instance.status,
          ...(instance.output === undefined ? {} : { output: instance.output }),
          ...(instance.error ? { error: instance.error } : {}),
        });
      },
    };
  }
}
