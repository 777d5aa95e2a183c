/**
 * A minimal production-style Worker that only starts copy jobs: credentials and Region from
 * bindings, the StartCopyJob input as the request's JSON body, the output as JSON. It imports
 * only `BackupClient` and `startCopyJob`, so its bundle shows what one operation costs
 * (`deno task size`, tests/workers_test.ts).
 *
 * @module
 */

import {
  BackupClient,
  type ClientConfig,
  startCopyJob,
  type StartCopyJobInput,
} from "../../mod.ts";

/** The Worker's bindings. */
export interface Env {
  AWS_REGION: string;
  AWS_ACCESS_KEY_ID: string;
  AWS_SECRET_ACCESS_KEY: string;
  /** Optional endpoint override, e.g. a local emulator. */
  BACKUP_ENDPOINT?: string;
}

/** The configuration of this Worker's client, from its bindings. */
export function clientConfig(env: Env): ClientConfig {
  return {
    region: env.AWS_REGION,
    endpoint: env.BACKUP_ENDPOINT,
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
    },
  };
}

/** The client this Worker builds from its bindings (`deno task bench` builds it the same way). */
export function clientFor(env: Env): BackupClient {
  return new BackupClient(clientConfig(env));
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const client = clientFor(env);
    try {
      const output = await startCopyJob(client, await request.json() as StartCopyJobInput);
      return Response.json(output);
    } catch (error) {
      return new Response(String(error), { status: 502 });
    }
  },
};
