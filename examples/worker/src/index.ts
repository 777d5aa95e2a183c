/**
 * A Cloudflare Worker that copies an AWS Backup recovery point to a disaster-recovery vault:
 *
 *   POST /  with  Authorization: Bearer <COPY_API_TOKEN>
 *   { "RecoveryPointArn": "arn:aws:backup:us-east-1:111122223333:recovery-point:…",
 *     "SourceBackupVaultName": "Default" }
 *
 * answers `201 { CopyJobId, CreationDate, requestId }`. The caller names only what to copy: the
 * destination vault, the IAM role and the lifecycle are the Worker's configuration, and the source
 * vault must be on its allow-list. The same request sent twice (EventBridge delivers at least once
 * and retries) starts one job: the IdempotencyToken is derived from the recovery point and the
 * destination, unless the caller sends its own `IdempotencyToken`.
 *
 * Until every setting it needs is set and well-formed, every request is answered 503
 * `{ "error": "NotConfigured", "missing": [names], "invalid": [names], "message" }` (names, never
 * values) before anything else: deployed as written (wrangler.toml leaves the destination empty),
 * it starts nothing. Then: 400 bad request (every issue named), 401 no or wrong token, 403 source
 * vault not allowed, 404 unknown vault or recovery point, 405 not POST, 413 body over 16 KiB, 429
 * too many copy jobs, 502 AWS failed or refused the Worker's credentials, 503 AWS unavailable or
 * unreachable, 504 no answer within AWS_CALL_TIMEOUT_MS. Nothing is sent to AWS for a 400, 401,
 * 403, 405, 413 or NotConfigured.
 */

import {
  BackupClient,
  CallError,
  copyIdempotencyToken,
  credentialsFromEnv,
  LimitExceededException,
  NetworkError,
  RequestTimeoutError,
  ResourceNotFoundException,
  ServiceException,
  SigningError,
  startCopyJob,
  unlistedRegionIssue,
  ValidationError,
} from "backup-edge";

/** Secrets (`npx wrangler secret put NAME`) and vars (wrangler.toml). Unset or "" is missing. */
export type Env = {
  /** Secret, 32 characters or more: callers send `Authorization: Bearer <COPY_API_TOKEN>`. */
  COPY_API_TOKEN?: string;
  /** Secrets: the key pair the Worker signs with (and AWS_SESSION_TOKEN for temporary keys). */
  AWS_ACCESS_KEY_ID?: string;
  AWS_SECRET_ACCESS_KEY?: string;
  AWS_SESSION_TOKEN?: string;
  /** Region of the source vaults, e.g. `us-east-1`. */
  AWS_REGION?: string;
  /** Where every copy goes, e.g. `arn:aws:backup:us-west-2:111122223333:backup-vault:dr`. */
  DESTINATION_VAULT_ARN?: string;
  /** The role AWS Backup copies with. */
  IAM_ROLE_ARN?: string;
  /** Comma-separated names of the vaults callers may copy from, e.g. `Default,prod`. */
  SOURCE_VAULTS?: string;
  /** Optional: the copies are deleted after this many days. */
  DELETE_AFTER_DAYS?: string;
  /** Optional: time budget of the AWS call, retries included, in ms. @default 4000 */
  AWS_CALL_TIMEOUT_MS?: string;
  /** Optional endpoint, e.g. a local emulator; unset means the Region's AWS endpoint. */
  BACKUP_ENDPOINT?: string;
};

const MAX_BODY_BYTES = 16 * 1024;
/** All a caller may send; the rest of StartCopyJob's input is configuration. */
const CALLER_FIELDS = [
  "RecoveryPointArn",
  "SourceBackupVaultName",
  "IdempotencyToken",
];
/** StartCopyJob's members the Worker takes from its configuration only, never from a caller. */
const CONFIGURED_FIELDS = ["DestinationBackupVaultArn", "IamRoleArn", "Lifecycle"];

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    // Nothing runs before the Worker is configured: no token means nobody can be let in.
    const config = configuration(env);
    if ("missing" in config) return notConfigured(config);
    const token = /^Bearer +(\S+) *$/i.exec(
      request.headers.get("Authorization") ?? "",
    )?.[1];
    if (token === undefined || !(await sameSecret(token, config.apiToken))) {
      return problem(
        401,
        "Unauthorized",
        "Send Authorization: Bearer <COPY_API_TOKEN>",
        {},
        {
          "WWW-Authenticate": 'Bearer realm="backup-edge-copy"',
        },
      );
    }
    if (request.method !== "POST") {
      return problem(
        405,
        "MethodNotAllowed",
        "POST a copy request as JSON",
        {},
        { Allow: "POST" },
      );
    }

    const body = await readJson(request);
    if (body instanceof Response) return body;
    const issues = callerIssues(body, config.region, config.destinationVaultArn);
    if (issues.length) {
      const message = issues.map((issue) => `${issue.path} ${issue.message}`)
        .join("; ");
      return problem(400, "InvalidRequest", message, { issues });
    }
    const { RecoveryPointArn, SourceBackupVaultName, IdempotencyToken } = body as {
      RecoveryPointArn: string;
      SourceBackupVaultName: string;
      IdempotencyToken?: string;
    };
    if (!config.sourceVaults.includes(SourceBackupVaultName)) {
      return problem(
        403,
        "SourceVaultNotAllowed",
        `Copies from ${SourceBackupVaultName} are not allowed`,
      );
    }
    try {
      const { CopyJobId, CreationDate, $metadata } = await startCopyJob(
        config.client,
        {
          RecoveryPointArn,
          SourceBackupVaultName,
          DestinationBackupVaultArn: config.destinationVaultArn,
          IamRoleArn: config.iamRoleArn,
          ...(config.lifecycle ? { Lifecycle: config.lifecycle } : {}),
          IdempotencyToken: IdempotencyToken ??
            await copyIdempotencyToken(
              RecoveryPointArn,
              config.destinationVaultArn,
            ),
        },
        { timeoutMs: config.callTimeoutMs },
      );
      const created = {
        CopyJobId,
        CreationDate,
        requestId: $metadata.requestId,
      };
      return Response.json(created, { status: 201 });
    } catch (error) {
      return errorResponse(error);
    }
  },
};

/** Settings that must be set (unset or "" is missing): secrets first, then wrangler.toml vars. */
const REQUIRED = [
  "COPY_API_TOKEN",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_REGION",
  "DESTINATION_VAULT_ARN",
  "IAM_ROLE_ARN",
  "SOURCE_VAULTS",
] as const;

/** What is wrong with the settings: names, and sentences naming them (never a value). */
type Unconfigured = {
  missing: string[];
  invalid: string[];
  problems: string[];
};

/** The configuration, with its client. */
type Configured = {
  client: BackupClient;
  apiToken: string;
  region: string;
  destinationVaultArn: string;
  iamRoleArn: string;
  sourceVaults: string[];
  lifecycle: { DeleteAfterDays: number } | undefined;
  callTimeoutMs: number | undefined;
};

/** The configuration and its client, or what is missing or malformed in it. */
function configuration(env: Env): Configured | Unconfigured {
  const missing: string[] = REQUIRED.filter((name) => !env[name]);
  const invalid: string[] = [];
  const problems = missing.map((name) => `${name} is not set`);
  const refuse = (name: string, message: string) => {
    invalid.push(name);
    problems.push(`${name} ${message}`);
  };
  const check = (name: keyof Env, ok: boolean, rule: string) => {
    if (env[name] && !ok) refuse(name, `must be ${rule}`);
  };
  const positive = (
    name: "DELETE_AFTER_DAYS" | "AWS_CALL_TIMEOUT_MS",
    fallback?: number,
  ) => {
    const value = env[name] ? Number(env[name]) : fallback;
    check(name, Number.isInteger(value) && value! > 0, "a positive integer");
    return value;
  };
  check(
    "COPY_API_TOKEN",
    (env.COPY_API_TOKEN ?? "").length >= 32,
    "32 characters or more",
  );
  check(
    "DESTINATION_VAULT_ARN",
    /^arn:aws[\w-]*:backup:[\w-]+:\d{12}:backup-vault:[\w-]+$/.test(
      env.DESTINATION_VAULT_ARN ?? "",
    ),
    "a backup vault ARN, arn:aws:backup:REGION:ACCOUNT:backup-vault:NAME",
  );
  check(
    "IAM_ROLE_ARN",
    /^arn:aws[\w-]*:iam::\d{12}:role\/\S+$/.test(env.IAM_ROLE_ARN ?? ""),
    "an IAM role ARN, arn:aws:iam::ACCOUNT:role/NAME",
  );
  // A Region this release does not list is a typo far more often than a new Region; taken, it
  // would refuse every caller's recovery point as "not in" it.
  const regionIssue = env.AWS_REGION ? unlistedRegionIssue(env.AWS_REGION) : undefined;
  if (regionIssue) refuse("AWS_REGION", regionIssue);
  // An allow-list of separators only (" , ") allows nothing: every request would be a 403.
  const sourceVaults = (env.SOURCE_VAULTS ?? "").split(",").map((name) => name.trim())
    .filter((name) => name !== "");
  check("SOURCE_VAULTS", sourceVaults.length > 0, "one vault name or more, e.g. Default,prod");
  const deleteAfterDays = positive("DELETE_AFTER_DAYS");
  const callTimeoutMs = positive("AWS_CALL_TIMEOUT_MS", 4000);
  let client: BackupClient | undefined;
  if (!missing.length) {
    try {
      client = new BackupClient({
        region: env.AWS_REGION!,
        credentials: credentialsFromEnv(env),
        endpoint: env.BACKUP_ENDPOINT || undefined,
      });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      // The client names its option (region, endpoint); credentialsFromEnv the variable.
      for (const { path, message } of error.issues) {
        if (path === "region" && regionIssue) continue; // named above
        refuse(
          path === "region" ? "AWS_REGION" : path === "endpoint" ? "BACKUP_ENDPOINT" : path,
          message,
        );
      }
    }
  }
  if (!client || invalid.length) {
    return { missing, invalid, problems } satisfies Unconfigured;
  }
  return {
    client,
    apiToken: env.COPY_API_TOKEN!,
    region: env.AWS_REGION!,
    destinationVaultArn: env.DESTINATION_VAULT_ARN!,
    iamRoleArn: env.IAM_ROLE_ARN!,
    sourceVaults,
    lifecycle: deleteAfterDays ? { DeleteAfterDays: deleteAfterDays } : undefined,
    callTimeoutMs,
  };
}

/** The body as JSON, or the answer that refuses it. */
async function readJson(request: Request): Promise<unknown> {
  const tooLarge = () =>
    problem(413, "PayloadTooLarge", `The body is over ${MAX_BODY_BYTES} bytes`);
  if (Number(request.headers.get("Content-Length") ?? 0) > MAX_BODY_BYTES) {
    return tooLarge();
  }
  const text = await request.text();
  if (text.length > MAX_BODY_BYTES) return tooLarge();
  try {
    return JSON.parse(text);
  } catch {
    return problem(400, "InvalidJson", "The body is not JSON");
  }
}

/** What is wrong with the caller's part of the request. */
function callerIssues(
  body: unknown,
  region: string,
  destinationVaultArn: string,
): { path: string; message: string }[] {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return [{ path: "(body)", message: "must be a JSON object" }];
  }
  const fields = body as Record<string, unknown>;
  const issues = Object.keys(fields).filter((key) => !CALLER_FIELDS.includes(key)).map((key) => ({
    path: key,
    message: refusedKey(key),
  }));
  for (const name of ["RecoveryPointArn", "SourceBackupVaultName"]) {
    if (typeof fields[name] !== "string" || fields[name] === "") {
      issues.push({ path: name, message: "is required (a string)" });
    }
  }
  if (
    fields.IdempotencyToken !== undefined &&
    typeof fields.IdempotencyToken !== "string"
  ) {
    issues.push({ path: "IdempotencyToken", message: "must be a string" });
  }
  const arn = typeof fields.RecoveryPointArn === "string" ? fields.RecoveryPointArn.split(":") : [];
  if (arn[0] && (arn.length < 6 || arn[0] !== "arn" || arn[3] !== region)) {
    issues.push({
      path: "RecoveryPointArn",
      message: `must be an ARN in ${region}`,
    });
  }
  // The source vault is in the recovery point's partition, Region and account: when that is the
  // destination, AWS Backup would refuse the copy (a point is never copied into its own vault).
  const [, partition, , , account] = arn;
  if (
    !issues.length &&
    `arn:${partition}:backup:${region}:${account}:backup-vault:${fields.SourceBackupVaultName}` ===
      destinationVaultArn
  ) {
    issues.push({
      path: "SourceBackupVaultName",
      message: `is the Worker's destination vault (${destinationVaultArn}): a recovery point is ` +
        `never copied into the vault it is in`,
    });
  }
  return issues;
}

/** Why a key is refused: the Worker's configuration on purpose, or unknown (and what it meant). */
function refusedKey(key: string): string {
  if (CONFIGURED_FIELDS.some((field) => field.toLowerCase() === key.toLowerCase())) {
    return "is not accepted: the destination, role and lifecycle are the Worker's configuration";
  }
  // A slip keeps the start of the name: SourceVault, sourceBackupVault → SourceBackupVaultName.
  const start = key.slice(0, 4).toLowerCase();
  const meant = key.length >= 4 &&
    CALLER_FIELDS.find((field) => field.toLowerCase().startsWith(start));
  return meant
    ? `is unknown; did you mean "${meant}"?`
    : `is unknown: send ${CALLER_FIELDS.join(", ")} (optional)`;
}

/**
 * Compares a token with the secret in constant time: both are hashed (SHA-256) and every byte of
 * the digests is compared, so neither where they first differ nor the secret's length shows in the
 * time taken.
 */
async function sameSecret(given: string, secret: string): Promise<boolean> {
  const digest = async (text: string) =>
    new Uint8Array(
      await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)),
    );
  const [a, b] = await Promise.all([digest(given), digest(secret)]);
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}

/** Maps backup-edge's typed errors to HTTP answers; none of them holds a credential. */
function errorResponse(error: unknown): Response {
  if (error instanceof ValidationError) {
    // The caller's fields were checked above: what is left comes from the configuration.
    const callers = error.issues.every((issue) => CALLER_FIELDS.includes(issue.path));
    return callers
      ? problem(400, error.name, error.message, { issues: error.issues })
      : notConfigured({ missing: [], invalid: [], problems: [error.message] });
  }
  if (error instanceof ServiceException) {
    const status = error.$metadata.httpStatusCode;
    const code = error instanceof ResourceNotFoundException
      ? 404
      : error instanceof LimitExceededException || status === 429 ||
          /Throttl/.test(error.name)
      ? 429
      : status === 401 || status === 403 // AWS refused the Worker's own credentials or role
      ? 502
      : error.$fault === "client"
      ? 400
      : status === 503
      ? 503
      : 502;
    return problem(code, error.name, error.message, {
      requestId: error.$metadata.requestId,
    });
  }
  if (error instanceof SigningError) {
    return notConfigured({
      missing: [],
      invalid: [],
      problems: [error.message],
    });
  }
  if (error instanceof NetworkError) {
    return problem(503, error.name, "AWS could not be reached");
  }
  if (error instanceof RequestTimeoutError) {
    return problem(504, error.name, error.message);
  }
  // OutcomeUnknownError, DeserializationError: AWS's answer is missing or unreadable. Sending the
  // same request again is safe: it carries the same IdempotencyToken.
  if (error instanceof CallError) {
    return problem(502, error.name, error.message);
  }
  console.error(error);
  return problem(500, "InternalError", "The copy job could not be started");
}

/**
 * 503 NotConfigured: what to set or fix, by name (never a value), also in the Worker's log. Set
 * vars in wrangler.toml, secrets with `npx wrangler secret put NAME`.
 */
function notConfigured({ missing, invalid, problems }: Unconfigured): Response {
  const message = `Configuration: ${problems.join("; ")}`;
  console.error(
    JSON.stringify({ error: "NotConfigured", missing, invalid, message }),
  );
  return problem(503, "NotConfigured", message, { missing, invalid });
}

function problem(
  status: number,
  code: string,
  message: string,
  extra: object = {},
  headers: Record<string, string> = {},
): Response {
  return Response.json({ error: code, message, ...extra }, { status, headers });
}
