/**
 * The step runner of a vault copy on Workflows: runs an instance's steps through `step.do` with
 * the configured retries, counting the steps and the subrequests they make, so that an instance
 * stops before a limit of Workflows.
 *
 * @module
 */

import type { BackupClient } from "../../generated/client.ts";
import type { FetchInit } from "../../runtime/client.ts";
import { WORKFLOWS_LIMITS, type WorkflowStepConfigLike, type WorkflowStepLike } from "./engine.ts";
import type { ResolvedOptions } from "./options.ts";

/** What a step's callback calls out with. */
export interface StepCalls {
  /** The options' client, counting every request it sends (each attempt of a call). */
  client: BackupClient;
  /** Counts calls made otherwise (the Workflow binding). */
  count(calls: number): void;
}

/** What a step persists: its result and the subrequests it made. */
interface Counted<T> {
  result: T;
  calls: number;
}

/**
 * Runs an instance's steps, counting steps and the subrequests each made. Every count comes from
 * step results, which the engine replays: the counts are the same on every replay. (The requests
 * of an attempt the engine retried are not in them: the budgets keep a margin.)
 */
export class StepRunner {
  /** `step.do` calls made so far (replayed ones included: the engine counts those too). */
  steps = 0;
  /** Subrequests the steps made. */
  subrequests = 0;
  readonly #step: WorkflowStepLike;
  readonly #client: BackupClient;
  readonly #config: WorkflowStepConfigLike;
  readonly #maxSteps: number;
  readonly #maxSubrequests: number;

  constructor(step: WorkflowStepLike, options: ResolvedOptions) {
    this.#step = step;
    this.#client = options.client;
    this.#config = options.stepConfig;
    this.#maxSteps = options.maxStepsPerInstance;
    this.#maxSubrequests = options.maxSubrequestsPerInstance;
  }

  /** Whether one more step making up to `calls` subrequests stays within both budgets. */
  fits(calls: number): boolean {
    return this.steps + 1 <= this.#maxSteps && this.subrequests + calls <= this.#maxSubrequests;
  }

  /** Runs `callback` as the step `name` (cut to the engine's 256 characters). */
  async do<T>(name: string, callback: (calls: StepCalls) => Promise<T>): Promise<T> {
    this.steps++;
    const { result, calls } = await this.#step.do(
      name.slice(0, WORKFLOWS_LIMITS.stepNameLength),
      this.#config,
      async (): Promise<Counted<T>> => {
        let calls = 0;
        const result = await callback({
          client: countingClient(this.#client, () => calls++),
          count: (n) => calls += n,
        });
        return { result, calls };
      },
    );
    this.subrequests += calls;
    return result;
  }

  /** A durable sleep (not a step: sleeps do not count against the step limit). */
  sleep(name: string, ms: number): Promise<void> {
    return this.#step.sleep(name.slice(0, WORKFLOWS_LIMITS.stepNameLength), ms);
  }
}

/**
 * `client`, calling `onRequest` before each request it sends: a Worker's subrequests are its
 * `fetch` calls. Everything else (credentials, signing keys, the retry quota) is the client's
 * own, so its methods run on it.
 */
function countingClient(client: BackupClient, onRequest: () => void): BackupClient {
  const fetch = (url: string, init: FetchInit) => {
    onRequest();
    return client.fetch(url, init);
  };
  return new Proxy(client, {
    get(target, key) {
      if (key === "fetch") return fetch;
      const value = Reflect.get(target, key, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
