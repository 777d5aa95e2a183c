/**
 * A nightly copy of a backup vault to a disaster-recovery vault on Cloudflare Workflows.
 *
 * - `VaultCopy` is the Workflow: each instance runs `copyRecoveryPointsInWorkflow`, which lists
 *   the vault, copies it in batch instances of this same Workflow and reports every point.
 * - The Cron Trigger starts the run `nightly-YYYY-MM-DD` of its scheduled date; a second trigger
 *   that night starts nothing (the id exists).
 * - `GET /runs/nightly-YYYY-MM-DD` answers the run's status and summary, `…/report` its report,
 *   to a caller sending `Authorization: Bearer <STATUS_TOKEN>`; anyone else gets 401.
 *
 * What is copied, from where, to where and with which role comes from wrangler.toml, never from
 * a request; the AWS keys and the status token are secrets and never appear in an answer.
 */

import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from "cloudflare:workers";
import {
  BackupClient,
  copyRecoveryPointsInWorkflow,
  startWorkflowCopy,
  type WorkflowCopyOptions,
  type WorkflowCopyParams,
  workflowCopyReport,
} from "backup-edge";

/** Bindings: vars from wrangler.toml, secrets from `wrangler secret put`. */
export interface Env {
  VAULT_COPY: Workflow<WorkflowCopyParams>;
  AWS_REGION: string;
  AWS_ACCESS_KEY_ID: string;
  AWS_SECRET_ACCESS_KEY: string;
  SOURCE_VAULT: string;
  DESTINATION_VAULT_ARN: string;
  IAM_ROLE_ARN: string;
  STATUS_TOKEN?: string;
  BATCH_SIZE?: string;
  CONCURRENCY?: string;
  PARALLEL_BATCHES?: string;
  /** Milliseconds between status checks (first, longest); defaults 60 s and 15 min. */
  POLL_INTERVAL_MS?: string;
  MAX_POLL_INTERVAL_MS?: string;
  /** Optional endpoint override, e.g. a local emulator; unset means the Region's AWS endpoint. */
  BACKUP_ENDPOINT?: string;
}

export class VaultCopy extends WorkflowEntrypoint<Env, WorkflowCopyParams> {
  async run(event: WorkflowEvent<WorkflowCopyParams>, step: WorkflowStep) {
    return await copyRecoveryPointsInWorkflow(
      event,
      step,
      copyOptions(this.env),
    );
  }
}

/** The copy, entirely from configuration. An unusable value fails the run, naming the option. */
function copyOptions(env: Env): WorkflowCopyOptions {
  return {
    client: new BackupClient({
      region: env.AWS_REGION,
      credentials: {
        accessKeyId: env.AWS_ACCESS_KEY_ID,
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      },
      endpoint: env.BACKUP_ENDPOINT || undefined,
      requestTimeoutMs: 30_000,
    }),
    workflow: env.VAULT_COPY,
    sourceBackupVaultName: env.SOURCE_VAULT,
    destinationBackupVaultArn: env.DESTINATION_VAULT_ARN,
    iamRoleArn: env.IAM_ROLE_ARN,
    batchSize: numberVar(env.BATCH_SIZE),
    concurrency: numberVar(env.CONCURRENCY),
    parallelBatches: numberVar(env.PARALLEL_BATCHES),
    pollIntervalMs: numberVar(env.POLL_INTERVAL_MS),
    maxPollIntervalMs: numberVar(env.MAX_POLL_INTERVAL_MS),
  };
}

function numberVar(value: string | undefined): number | undefined {
  return value === undefined || value === "" ? undefined : Number(value);
}

const RUN_ROUTE = /^\/runs\/(nightly-\d{4}-\d{2}-\d{2})(\/report)?$/;

export default {
  async scheduled(controller: ScheduledController, env: Env): Promise<void> {
    const id = `nightly-${new Date(controller.scheduledTime).toISOString().slice(0, 10)}`;
    const { created } = await startWorkflowCopy(env.VAULT_COPY, id);
    console.log(
      created ? `started ${id}` : `${id} exists already: nothing started`,
    );
  },

  async fetch(request: Request, env: Env): Promise<Response> {
    if (!env.STATUS_TOKEN) {
      return problem(
        503,
        "NotConfigured",
        "Set STATUS_TOKEN: npx wrangler secret put STATUS_TOKEN",
      );
    }
    if (!await sameSecret(bearerToken(request), env.STATUS_TOKEN)) {
      return problem(
        401,
        "Unauthorized",
        "Send Authorization: Bearer <STATUS_TOKEN>",
        {
          "www-authenticate": 'Bearer realm="vault-copy"',
        },
      );
    }
    const route = RUN_ROUTE.exec(new URL(request.url).pathname);
    if (!route) {
      return problem(404, "NotFound", "GET /runs/nightly-YYYY-MM-DD[/report]");
    }
    if (request.method !== "GET") {
      return problem(405, "MethodNotAllowed", "GET only");
    }
    const [, id, report] = route;
    try {
      return Response.json(
        await workflowCopyReport(env.VAULT_COPY, id, { entries: !!report }),
      );
    } catch (error) {
      if (String((error as Error)?.message).includes("not_found")) {
        return problem(404, "NoSuchRun", `There is no run ${id}`);
      }
      console.error(error);
      return problem(
        502,
        "WorkflowError",
        "The run's status could not be read",
      );
    }
  },
} satisfies ExportedHandler<Env>;

function bearerToken(request: Request): string {
  const match = /^Bearer (.+)$/.exec(
    request.headers.get("authorization") ?? "",
  );
  return match ? match[1] : "";
}

/** Compares SHA-256 digests byte by byte without stopping early: constant time in the token. */
async function sameSecret(given: string, expected: string): Promise<boolean> {
  const digest = async (text: string) =>
    new Uint8Array(
      await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)),
    );
  const [a, b] = await Promise.all([digest(given), digest(expected)]);
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i] ^ b[i];
  return difference === 0 && given.length > 0;
}

function problem(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return Response.json({ error: code, message }, { status, headers });
}
