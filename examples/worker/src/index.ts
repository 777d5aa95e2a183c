/**
 * A Cloudflare Worker that starts an AWS Backup copy job: `POST /` with a StartCopyJob input as
 * JSON answers `201 { CopyJobId, CreationDate, requestId }`. Typed errors become HTTP answers:
 * invalid input 400 (with every issue), unknown vault or recovery point 404, too many jobs 429,
 * other client faults 400, AWS-side faults 502, a timed-out attempt 504.
 */

import {
  BackupClient,
  LimitExceededException,
  RequestTimeoutError,
  ResourceNotFoundException,
  ServiceException,
  startCopyJob,
  type StartCopyJobInput,
  ValidationError,
} from "backup-edge";

/** Bindings: `AWS_REGION` from wrangler.toml, the keys from `wrangler secret put`. */
export interface Env {
  AWS_REGION: string;
  AWS_ACCESS_KEY_ID: string;
  AWS_SECRET_ACCESS_KEY: string;
  /** Optional endpoint override, e.g. a local emulator; unset means the Region's AWS endpoint. */
  BACKUP_ENDPOINT?: string;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    if (request.method !== "POST") {
      return problem(405, "MethodNotAllowed", "POST a StartCopyJob input as JSON");
    }
    let input: StartCopyJobInput;
    try {
      input = await request.json();
    } catch {
      return problem(400, "InvalidJson", "The body is not JSON");
    }
    try {
      const client = new BackupClient({
        region: env.AWS_REGION,
        credentials: {
          accessKeyId: env.AWS_ACCESS_KEY_ID,
          secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
        },
        endpoint: env.BACKUP_ENDPOINT || undefined,
        requestTimeoutMs: 10_000,
      });
      const { CopyJobId, CreationDate, $metadata } = await startCopyJob(client, input);
      return Response.json({ CopyJobId, CreationDate, requestId: $metadata.requestId }, {
        status: 201,
      });
    } catch (error) {
      return errorResponse(error);
    }
  },
};

/** Maps backup-edge's typed errors to HTTP answers; never echoes credentials. */
function errorResponse(error: unknown): Response {
  if (error instanceof ValidationError) {
    return problem(400, error.name, error.message, { issues: error.issues });
  }
  if (error instanceof ServiceException) {
    const status = error instanceof ResourceNotFoundException
      ? 404
      : error instanceof LimitExceededException
      ? 429
      : error.$fault === "client"
      ? 400
      : 502;
    return problem(status, error.name, error.message, { requestId: error.$metadata.requestId });
  }
  if (error instanceof RequestTimeoutError) return problem(504, error.name, error.message);
  console.error(error);
  return problem(500, "InternalError", "The copy job could not be started");
}

function problem(status: number, code: string, message: string, extra: object = {}): Response {
  return Response.json({ error: code, message, ...extra }, { status });
}
