/**
 * The size reference for `deno task size`: StartCopyJob written by hand on aws4fetch alone, the
 * smallest reasonable way to call AWS Backup from a Worker. Same bindings, request and answer as
 * start_copy_job_worker.ts, minus validation, typed errors and timestamp parsing beyond
 * `CreationDate`.
 *
 * @module
 */

import { AwsClient } from "aws4fetch";

interface Env {
  AWS_REGION: string;
  AWS_ACCESS_KEY_ID: string;
  AWS_SECRET_ACCESS_KEY: string;
  BACKUP_ENDPOINT?: string;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const aws = new AwsClient({
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      service: "backup",
      region: env.AWS_REGION,
    });
    const endpoint = env.BACKUP_ENDPOINT ?? `https://backup.${env.AWS_REGION}.amazonaws.com`;
    const input = await request.json() as Record<string, unknown>;
    const response = await aws.fetch(`${endpoint}/copy-jobs`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ IdempotencyToken: crypto.randomUUID(), ...input }),
    });
    const text = await response.text();
    if (!response.ok) return new Response(text, { status: 502 });
    const output = JSON.parse(text);
    return Response.json({
      CopyJobId: output.CopyJobId,
      CreationDate: new Date(output.CreationDate * 1000),
      IsParent: output.IsParent,
    });
  },
};
