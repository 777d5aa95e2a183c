/**
 * The StartCopyJob-only Worker of start_copy_job_worker.ts written against
 * `backup-edge/aws-sdk` (`send(new StartCopyJobCommand(input))`), as code moved from the AWS SDK
 * v3 reads: `deno task size` shows what the SDK-style face adds to one operation.
 *
 * @module
 */

import { BackupClient, StartCopyJobCommand, type StartCopyJobInput } from "../../aws_sdk.ts";
import type { Env } from "./start_copy_job_worker.ts";

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const client = new BackupClient({
      region: env.AWS_REGION,
      endpoint: env.BACKUP_ENDPOINT,
      credentials: {
        accessKeyId: env.AWS_ACCESS_KEY_ID,
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      },
    });
    try {
      const input = await request.json() as StartCopyJobInput;
      return Response.json(await client.send(new StartCopyJobCommand(input)));
    } catch (error) {
      return new Response(String(error), { status: 502 });
    }
  },
};
