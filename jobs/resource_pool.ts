/**
 * Running tasks `concurrency` at a time and at most one per resource, in list order otherwise:
 * AWS Backup runs one backup or copy job per resource at a time ("Concurrent backup and copy
 * jobs per resource: 1", not adjustable — AWS Backup quotas,
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/aws-backup-limits.html), so a second
 * copy of the same resource would only wait on AWS's side while holding a slot.
 *
 * @module
 */

/** How {@linkcode runPerResource} schedules. */
export interface ResourcePoolOptions<T> {
  /** Tasks at once, at least 1. */
  concurrency: number;
  /** The resource of an item; items of the same resource never run at the same time. */
  keyOf: (item: T) => string | undefined;
  /** Aborted with the first task's rejection, so the other tasks can stop. */
  stop: AbortController;
}

/**
 * Runs `task` over `items`. The first rejection aborts `options.stop`; once every task has
 * settled, the promise rejects with that first rejection.
 */
export async function runPerResource<T>(
  items: readonly T[],
  options: ResourcePoolOptions<T>,
  task: (item: T) => Promise<void>,
): Promise<void> {
  const { keyOf, stop } = options;
  const busy = new Set<string>();
  /** Items whose resource was busy when their turn came, by resource. */
  const waiting = new Map<string, T[]>();
  /** Items whose resource was freed for them (their key stays busy). */
  const ready: T[] = [];
  let cursor = 0;
  let wake: (() => void) | undefined;
  let released = new Promise<void>((resolve) => wake = resolve);

  const take = (): T | undefined => {
    if (ready.length) return ready.shift();
    while (cursor < items.length) {
      const item = items[cursor++];
      const key = keyOf(item);
      if (key === undefined) return item;
      if (!busy.has(key)) {
        busy.add(key);
        return item;
      }
      const queue = waiting.get(key);
      if (queue) queue.push(item);
      else waiting.set(key, [item]);
    }
    return undefined;
  };
  const release = (key: string | undefined) => {
    if (key === undefined) return;
    const queue = waiting.get(key);
    if (queue) {
      ready.push(queue.shift()!);
      if (!queue.length) waiting.delete(key);
    } else {
      busy.delete(key);
    }
    wake!();
    released = new Promise<void>((resolve) => wake = resolve);
  };
  const stopped = new Promise<void>((resolve) => {
    if (stop.signal.aborted) resolve();
    stop.signal.addEventListener("abort", () => resolve(), { once: true });
  });

  let first: { error: unknown } | undefined;
  const worker = async () => {
    while (!stop.signal.aborted) {
      const item = take();
      if (item === undefined) {
        // Nothing to take now; items held back for a busy resource come free as tasks end.
        if (!waiting.size) return;
        await Promise.race([released, stopped]);
        continue;
      }
      try {
        await task(item);
      } catch (error) {
        first ??= { error };
        stop.abort(error);
      } finally {
        release(keyOf(item));
      }
    }
  };
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(options.concurrency, items.length)) }, worker),
  );
  if (first) throw first.error;
}
