/**
 * A run's `maxWaitMs` as an instant and a signal: the signal aborts the calls in flight when the
 * time is up, so a request that never answers cannot keep a run going past it.
 *
 * @module
 */

/** Longest delay `setTimeout` takes (about 24.8 days); a longer wait is checked between calls. */
// 2^31 − 1, written out: a bundler keeps an unused arithmetic expression, and this module must
// not reach bundles that only call operations (tests/tree_shaking_test.ts).
const MAX_TIMER_MS = 2_147_483_647;

/** When a run must stop waiting. */
export class Deadline {
  /** The instant, epoch ms; `Infinity` without a limit. */
  readonly at: number;
  /** The limit it was made from, in ms; `undefined` without one. */
  readonly ms: number | undefined;
  readonly #controller = new AbortController();
  readonly #timer: ReturnType<typeof setTimeout> | undefined;
  #combined?: { source: AbortSignal | undefined; signal: AbortSignal };

  /**
   * A deadline `ms` from now; its timer runs until {@linkcode Deadline.dispose}.
   *
   * @param ms milliseconds from now; `undefined` for no limit.
   */
  constructor(ms: number | undefined) {
    this.ms = ms;
    this.at = ms === undefined ? Infinity : Date.now() + ms;
    if (ms !== undefined && ms <= MAX_TIMER_MS) {
      this.#timer = setTimeout(
        () => this.#controller.abort(new DOMException("maxWaitMs passed", "TimeoutError")),
        ms,
      );
    }
  }

  /** Aborts when the time is up (never without a limit). */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /**
   * A signal that aborts with `signal` or when the time is up — one per source signal, so the
   * calls of a run share it instead of combining signals for every call.
   */
  with(signal: AbortSignal | undefined): AbortSignal {
    if (!this.#combined || this.#combined.source !== signal) {
      this.#combined = {
        source: signal,
        signal: signal ? AbortSignal.any([signal, this.signal]) : this.signal,
      };
    }
    return this.#combined.signal;
  }

  /** Whether the time is up. */
  get passed(): boolean {
    return this.#controller.signal.aborted || Date.now() >= this.at;
  }

  /** Milliseconds left, at least 0. */
  remaining(): number {
    return Math.max(0, this.at - Date.now());
  }

  /** Stops the timer; call when the run ends. */
  dispose(): void {
    clearTimeout(this.#timer);
  }
}
