/**
 * The same Worker as start_copy_job_worker.ts, but able to call any operation of the module:
 * the request body is `{ "operation": "startCopyJob", "input": { … } }`. Looking operations up
 * by name keeps every one of them in the bundle: the upper bound for `deno task size`.
 *
 * @module
 */

import * as backup from "../../mod.ts";

interface Env {
  AWS_REGION: string;
  AWS_ACCESS_KEY_ID: string;
  AWS_SECRET_ACCESS_KEY: string;
  BACKUP_ENDPOINT?: string;
}

type Operation = (client: backup.BackupClient, input: unknown) => Promise<unknown>;

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const client = new backup.BackupClient({
      region: env.AWS_REGION,
      endpoint: env.BACKUP_ENDPOINT,
      credentials: {
        accessKeyId: env.AWS_ACCESS_KEY_ID,
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      },
    });
    const { operation, input } = await request.json() as { operation: string; input: unknown };
    const fn = (backup as Record<string, unknown>)[operation];
    if (typeof fn !== "function" || !/^[a-z]/.test(operation) || operation.startsWith("validate")) {
      return new Response(`unknown operation ${operation}`, { status: 400 });
    }
    try {
      return Response.json(await (fn as Operation)(client, input));
    } catch (error) {
      return new Response(String(error), { status: 502 });
    }
  },
};
