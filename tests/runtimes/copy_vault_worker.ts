/**
 * Cloudflare Workers entry for the Workers KV checkpoint test: `POST /` with the JSON body
 * `{endpoint, sourceBackupVaultName, destinationBackupVaultArn, iamRoleArn, runId, maxWaitMs}`
 * runs `copyRecoveryPoints` with a `KvCheckpointStore` on the `COPY_STATE` binding and answers
 * the report — what a Worker on a cron trigger does each time it wakes.
 *
 * @module
 */

import {
  BackupClient,
  copyRecoveryPoints,
  KvCheckpointStore,
  type KvNamespaceLike,
} from "../../mod.ts";

interface Env {
  AWS_REGION: string;
  AWS_ACCESS_KEY_ID: string;
  AWS_SECRET_ACCESS_KEY: string;
  COPY_STATE: KvNamespaceLike;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const { endpoint, ...options } = await request.json();
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
        checkpoint: new KvCheckpointStore(env.COPY_STATE),
        pollIntervalMs: 20,
        maxPollIntervalMs: 50,
        retryDelayMs: 10,
      });
      return Response.json({ ...report, userAgent: navigator.userAgent });
    } catch (error) {
      return new Response(`${(error as Error).name}: ${(error as Error).message}`, { status: 500 });
    }
  },
};
