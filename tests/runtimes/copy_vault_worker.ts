/**
 * Cloudflare Workers entry for the Workers KV checkpoint test: `POST /` with the JSON body
 * `{endpoint, sourceBackupVaultName, destinationBackupVaultArn, iamRoleArn, runId, concurrency?,
 * abortAfterStarted?}` runs `copyRecoveryPoints` with a `KvCheckpointStore` on the `COPY_STATE`
 * binding and answers the report — what a Worker on a cron trigger does each time it wakes —
 * with `kvOperations`, the KV operations this invocation made (Workers KV allows 1000).
 *
 * @module
 */

import {
  BackupClient,
  copyRecoveryPoints,
  KvCheckpointStore,
  type KvNamespaceLike,
} from "../../mod.ts";

/** KV operations of one invocation, by kind; a bulk `get` is one operation. */
interface KvOperations {
  get: number;
  bulkGet: number;
  put: number;
  list: number;
  total: number;
}

/** The binding, with every operation counted into `count`. */
function counted(kv: KvNamespaceLike, count: KvOperations): KvNamespaceLike {
  const add = (kind: keyof KvOperations) => {
    count[kind]++;
    count.total++;
  };
  return {
    get:
      ((key: string | string[]) =>
        Array.isArray(key)
          ? (add("bulkGet"), kv.get(key))
          : (add("get"), kv.get(key))) as KvNamespaceLike["get"],
    put: (key, value, options) => (add("put"), kv.put(key, value, options)),
    list: (options) => (add("list"), kv.list(options)),
  };
}

interface Env {
  AWS_REGION: string;
  AWS_ACCESS_KEY_ID: string;
  AWS_SECRET_ACCESS_KEY: string;
  COPY_STATE: KvNamespaceLike;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    // `abortAfterStarted`: end this invocation once that many copy jobs started, the way a
    // Worker's time limit ends it.
    const { endpoint, abortAfterStarted, ...options } = await request.json();
    const stop = new AbortController();
    let started = 0;
    const kvOperations: KvOperations = { get: 0, bulkGet: 0, put: 0, list: 0, total: 0 };
    const client = new BackupClient({
      region: env.AWS_REGION,
      endpoint,
      credentials: {
        accessKeyId: env.AWS_ACCESS_KEY_ID,
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      },
    });
    try {
      const report = await copyRecoveryPoints(client, {
        ...options,
        checkpoint: new KvCheckpointStore(counted(env.COPY_STATE, kvOperations)),
        pollIntervalMs: 20,
        maxPollIntervalMs: 50,
        retryDelayMs: 10,
        signal: stop.signal,
        onProgress: (event) => {
          if (event.type === "started" && ++started === abortAfterStarted) stop.abort();
        },
      });
      return Response.json({ ...report, kvOperations, userAgent: navigator.userAgent });
    } catch (error) {
      if (stop.signal.aborted) {
        return Response.json({
          aborted: true,
          started,
          kvOperations,
          userAgent: navigator.userAgent,
        });
      }
      return new Response(`${(error as Error).name}: ${(error as Error).message}`, { status: 500 });
    }
  },
};
