/**
 * The reference for `deno task size` and `deno task bench`: StartCopyJob written by hand on
 * aws4fetch alone, the smallest reasonable way to call AWS Backup from a Worker. Same bindings,
 * request and answer as start_copy_job_worker.ts, minus validation, typed errors, retries and
 * timestamp parsing beyond `CreationDate`.
 *
 * @module
 */

import { AwsClient } from "aws4fetch";

/** The Worker's bindings. */
export interface Env {
  AWS_REGION: string;
  AWS_ACCESS_KEY_ID: string;
  AWS_SECRET_ACCESS_KEY: string;
  BACKUP_ENDPOINT?: string;
}

/** An aws4fetch client and the endpoint it calls. */
export interface HandRolledClient {
  aws: AwsClient;
  endpoint: string;
}

/** The client this Worker builds from its bindings (`deno task bench` builds it the same way). */
export function clientFor(env: Env): HandRolledClient {
  return {
    aws: new AwsClient({
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      service: "backup",
      region: env.AWS_REGION,
    }),
    endpoint: env.BACKUP_ENDPOINT ?? `https://backup.${env.AWS_REGION}.amazonaws.com`,
  };
}

/** StartCopyJob by hand: `PUT /copy-jobs`; throws the error body's text on a non-2xx answer. */
export async function startCopyJob(
  { aws, endpoint }: HandRolledClient,
  input: Record<string, unknown>,
): Promise<{ CopyJobId?: string; CreationDate?: Date; IsParent?: boolean }> {
  const response = await aws.fetch(`${endpoint}/copy-jobs`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ IdempotencyToken: crypto.randomUUID(), ...input }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(text);
  const output = JSON.parse(text);
  return {
    CopyJobId: output.CopyJobId,
    CreationDate: new Date(output.CreationDate * 1000),
    IsParent: output.IsParent,
  };
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    try {
      return Response.json(await startCopyJob(clientFor(env), await request.json()));
    } catch (error) {
      return new Response(String(error), { status: 502 });
    }
  },
};
