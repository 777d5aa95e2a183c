/**
 * A nightly copy of a backup vault to a disaster-recovery vault on Cloudflare Workflows.
 *
 * - `VaultCopy` is the Workflow: each instance runs `copyRecoveryPointsInWorkflow`, which lists
 *   the vault, copies it in batch instances of this same Workflow and reports every point. A run
 *   copies the recovery points of the last LOOKBACK_DAYS days (7): ListCopyJobs, which finds the
 *   copies made already, lists about 30 days of jobs, so a run reaching further back would copy
 *   every older point again each night.
 * - The Cron Trigger starts the run `nightly-YYYY-MM-DD` of its scheduled date; a second trigger
 *   that night starts nothing (the id exists), nor does one while a run of the nights before has
 *   not ended (two runs at once add their copy jobs together).
 * - `GET /runs/nightly-YYYY-MM-DD` answers the run's status and summary, `…/report` its report,
 *   REPORT_PAGE_BATCHES batches at a time (`?from=N` for the next page), to a caller sending
 *   `Authorization: Bearer <STATUS_TOKEN>`; anyone else gets 401.
 * - Until every setting is set and well-formed (STATUS_TOKEN 32 characters or more), every request
 *   is answered 503 `{ "error": "NotConfigured", "missing": [names], "invalid": [names],
 *   "message" }`, and the Cron Trigger logs the same, starts nothing and fails: deployed as
 *   written (wrangler.toml leaves the destination empty), it copies nothing anywhere.
 *
 * What is copied, from where, to where and with which role comes from wrangler.toml, never from
 * a request; the AWS keys and the status token are secrets and never appear in an answer.
 */

import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from "cloudflare:workers";
import {
  BackupClient,
  copyRecoveryPointsInWorkflow,
  startWorkflowCopy,
  unlistedRegionIssue,
  ValidationError,
  type WorkflowCopyOptions,
  type WorkflowCopyParams,
  workflowCopyReport,
  WorkflowInstanceNotFoundError,
} from "backup-edge";

/** Bindings: vars from wrangler.toml, secrets from `wrangler secret put`. */
export interface Env {
  VAULT_COPY: Workflow<WorkflowCopyParams>;
  /** Required, as the next five (unset or "" is missing): the source vault's Region. */
  AWS_REGION?: string;
  AWS_ACCESS_KEY_ID?: string;
  AWS_SECRET_ACCESS_KEY?: string;
  SOURCE_VAULT?: string;
  /** Where every copy goes, e.g. `arn:aws:backup:us-west-2:111122223333:backup-vault:dr`. */
  DESTINATION_VAULT_ARN?: string;
  /** The role AWS Backup copies with, e.g. `arn:aws:iam::111122223333:role/service-role/…`. */
  IAM_ROLE_ARN?: string;
  /** Secret, 32 characters or more: callers send `Authorization: Bearer <STATUS_TOKEN>`. */
  STATUS_TOKEN?: string;
  BATCH_SIZE?: string;
  CONCURRENCY?: string;
  PARALLEL_BATCHES?: string;
  /** Milliseconds between status checks (first, longest); defaults 60 s and 15 min. */
  POLL_INTERVAL_MS?: string;
  MAX_POLL_INTERVAL_MS?: string;
  /** Days back from the run's start whose recovery points are copied: 1 to 25; default 7. */
  LOOKBACK_DAYS?: string;
  /** Batches per page of `/report` (2 binding calls each); default 20, for Workers Free's 50. */
  REPORT_PAGE_BATCHES?: string;
  /** Optional endpoint override, e.g. a local emulator; unset means the Region's AWS endpoint. */
  BACKUP_ENDPOINT?: string;
}

export class VaultCopy extends WorkflowEntrypoint<Env, WorkflowCopyParams> {
  async run(event: WorkflowEvent<WorkflowCopyParams>, step: WorkflowStep) {
    return await copyRecoveryPointsInWorkflow(
      event,
      step,
      copyOptions(this.env, event.timestamp),
    );
  }
}

const DAY_MS = 86_400_000;

/**
 * The copy, entirely from configuration: the recovery points created in the LOOKBACK_DAYS before
 * the instance was created (`event.timestamp`, the same on every replay). An unusable value
 * fails the run, naming the option or variable.
 */
function copyOptions(env: Env, startedAt: Date): WorkflowCopyOptions {
  return {
    client: new BackupClient({
      region: env.AWS_REGION!,
      credentials: {
        accessKeyId: env.AWS_ACCESS_KEY_ID!,
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY!,
      },
      endpoint: env.BACKUP_ENDPOINT || undefined,
      requestTimeoutMs: 30_000,
    }),
    workflow: env.VAULT_COPY,
    sourceBackupVaultName: env.SOURCE_VAULT!,
    destinationBackupVaultArn: env.DESTINATION_VAULT_ARN!,
    iamRoleArn: env.IAM_ROLE_ARN!,
    createdAfter: new Date(startedAt.getTime() - lookbackDays(env) * DAY_MS),
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

/**
 * LOOKBACK_DAYS, well inside the ~30 days of jobs ListCopyJobs lists.
 * @throws {ValidationError} naming the variable (never its value).
 */
function lookbackDays(env: Env): number {
  return wholeVar(env, "LOOKBACK_DAYS", 7, 1, 25);
}

/** A whole-number var in `[min, max]`, or its default. @throws {ValidationError} naming it. */
function wholeVar(
  env: Env,
  name: "LOOKBACK_DAYS" | "REPORT_PAGE_BATCHES",
  fallback: number,
  min: number,
  max: number,
): number {
  const value = numberVar(env[name]) ?? fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ValidationError("vault-workflow configuration", [
      { path: name, message: `must be a whole number from ${min} to ${max}` },
    ]);
  }
  return value;
}

/** The run of a night: `nightly-YYYY-MM-DD` of `time`, in UTC. */
function nightly(time: number): string {
  return `nightly-${new Date(time).toISOString().slice(0, 10)}`;
}

const RUN_ROUTE = /^\/runs\/(nightly-\d{4}-\d{2}-\d{2})(\/report)?$/;

/** Shortest STATUS_TOKEN accepted, as the StartCopyJob Worker's COPY_API_TOKEN. */
const MIN_STATUS_TOKEN_LENGTH = 32;

/** The settings the copy needs (unset or "" is missing); the status route needs STATUS_TOKEN too. */
const REQUIRED = [
  "AWS_REGION",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "SOURCE_VAULT",
  "DESTINATION_VAULT_ARN",
  "IAM_ROLE_ARN",
] as const;

/** What to set or fix, by name; `message` names them too, never a value. */
interface Unconfigured {
  missing: string[];
  invalid: string[];
  message: string;
}

/**
 * The settings to make or fix before anything runs, or `undefined` when there are none: every
 * required one set; the ARNs, the Region and LOOKBACK_DAYS well-formed; with `statusRoute`, a
 * STATUS_TOKEN of 32 characters or more.
 */
function unconfigured(
  env: Env,
  statusRoute: boolean,
): Unconfigured | undefined {
  const required: string[] = statusRoute ? [...REQUIRED, "STATUS_TOKEN"] : [...REQUIRED];
  const missing = required.filter((name) => !env[name as keyof Env]);
  const problems = missing.map((name) => `${name} is not set`);
  const invalid: string[] = [];
  const refuse = (name: string, message: string) => {
    invalid.push(name);
    problems.push(`${name} ${message}`);
  };
  const shape = (name: keyof Env, pattern: RegExp, what: string) => {
    const value = env[name];
    if (typeof value === "string" && value && !pattern.test(value)) {
      refuse(name, `must be ${what}`);
    }
  };
  shape(
    "DESTINATION_VAULT_ARN",
    /^arn:aws[\w-]*:backup:[\w-]+:\d{12}:backup-vault:[\w-]+$/,
    "a backup vault ARN, arn:aws:backup:REGION:ACCOUNT:backup-vault:NAME",
  );
  shape(
    "IAM_ROLE_ARN",
    /^arn:aws[\w-]*:iam::\d{12}:role\/\S+$/,
    "an IAM role ARN",
  );
  if (
    statusRoute && env.STATUS_TOKEN &&
    env.STATUS_TOKEN.length < MIN_STATUS_TOKEN_LENGTH
  ) {
    refuse(
      "STATUS_TOKEN",
      `is too short: make it ${MIN_STATUS_TOKEN_LENGTH} characters or more`,
    );
  }
  // A Region this release does not list is a typo far more often than a new Region; the client
  // checks its form. copyOptions checks LOOKBACK_DAYS again (a repeat counts once).
  const regionIssue = env.AWS_REGION && /^[a-z0-9-]+$/.test(env.AWS_REGION)
    ? unlistedRegionIssue(env.AWS_REGION)
    : undefined;
  if (regionIssue) refuse("AWS_REGION", regionIssue);
  const checks = [
    () => lookbackDays(env),
    () => !missing.length && copyOptions(env, new Date()),
  ];
  for (const check of checks) {
    try {
      check();
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      for (const { path, message } of error.issues) {
        refuse(path === "region" ? "AWS_REGION" : path, message);
      }
    }
  }
  if (!problems.length) return undefined;
  const message = `Configuration: ${[...new Set(problems)].join("; ")} ` +
    "(vars in wrangler.toml; secrets: npx wrangler secret put NAME)";
  return { missing, invalid: [...new Set(invalid)], message };
}

/** Logs what to set or fix (names only), as the 503 answer says it. */
function logUnconfigured({ missing, invalid, message }: Unconfigured): void {
  console.error(
    JSON.stringify({ error: "NotConfigured", missing, invalid, message }),
  );
}

export default {
  async scheduled(controller: ScheduledController, env: Env): Promise<void> {
    const notReady = unconfigured(env, false);
    if (notReady) {
      // Nothing is started; a failed Cron run (Cron Events show it) that names what to set.
      logUnconfigured(notReady);
      throw new Error(notReady.message);
    }
    const id = nightly(controller.scheduledTime);
    // The runs of the nights before that could still be going: one running means wait a night
    // (the next run's LOOKBACK_DAYS covers tonight's points).
    const afterRuns = Array.from(
      { length: lookbackDays(env) },
      (_, i) => nightly(controller.scheduledTime - (i + 1) * DAY_MS),
    );
    const { created, waitingFor } = await startWorkflowCopy(
      env.VAULT_COPY,
      id,
      { afterRuns },
    );
    console.log(
      created
        ? `started ${id}`
        : waitingFor
        ? `${waitingFor} has not ended: ${id} not started`
        : `${id} exists already: nothing started`,
    );
  },

  async fetch(request: Request, env: Env): Promise<Response> {
    // Nothing runs before the Worker is configured; without a token long enough to resist
    // guessing, nobody is let in: never "allow all".
    const notReady = unconfigured(env, true);
    if (notReady) {
      logUnconfigured(notReady);
      return Response.json({ error: "NotConfigured", ...notReady }, {
        status: 503,
      });
    }
    if (!await sameSecret(bearerToken(request), env.STATUS_TOKEN!)) {
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
    // A misspelt or repeated parameter is refused, not read as page 0.
    const query = new URL(request.url).searchParams;
    const unknown = [...query.keys()].find((key) => key !== "from");
    if (unknown !== undefined) {
      return problem(
        400,
        "BadRequest",
        `Unknown query parameter ${JSON.stringify(unknown)}: only from is accepted`,
      );
    }
    const given = query.getAll("from");
    if (given.length > 1 || !/^\d{1,9}$/.test(given[0] ?? "0")) {
      return problem(
        400,
        "BadRequest",
        "from must be one batch number (0, 1, …)",
      );
    }
    const from = Number(given[0] ?? "0");
    try {
      const count = wholeVar(env, "REPORT_PAGE_BATCHES", 20, 1, 1000);
      const answer = await workflowCopyReport(env.VAULT_COPY, id, {
        entries: !!report,
        batches: { from, count },
      });
      const next = answer.page?.next;
      return Response.json({
        ...answer,
        ...(next === undefined ? {} : { nextPage: `/runs/${id}/report?from=${next}` }),
      });
    } catch (error) {
      if (error instanceof WorkflowInstanceNotFoundError) {
        // Never created, or ended longer ago than Workflows keeps an instance's state.
        return problem(404, "NoSuchRun", error.message);
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
