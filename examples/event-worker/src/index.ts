/**
 * A Cloudflare Worker behind an EventBridge API destination: each AWS Backup event that says a
 * recovery point is ready is copied by the rules of `COPY_RULES` (one copy per recovery point and
 * destination, however often EventBridge delivers it), and a Cron Trigger sweeps the last days
 * for events AWS Backup never sent. Requests without the connection's API key get 401. Until every
 * setting is set and well-formed, every request is answered 503 `{ "error": "NotConfigured",
 * "missing": [names], "invalid": [names], "message" }` (EventBridge retries it for up to 24 hours)
 * and the Cron Trigger logs the same and fails: nothing is copied, no value is shown.
 */

import {
  BackupClient,
  type CopyRule,
  eventBridgeHandler,
  MIN_SECRET_LENGTH,
  parseCopyRules,
  sweepCopyRules,
  unlistedRegionIssue,
  ValidationError,
} from "backup-edge";

/** Bindings: vars from wrangler.toml, secrets from `wrangler secret put`. Unset or "" is missing. */
export interface Env {
  AWS_REGION?: string;
  AWS_ACCESS_KEY_ID?: string;
  AWS_SECRET_ACCESS_KEY?: string;
  /** The EventBridge connection's API key (a secret) and the header it comes in. */
  EVENTBRIDGE_API_KEY?: string;
  EVENTBRIDGE_API_KEY_HEADER?: string;
  /** The copy rules, as JSON. */
  COPY_RULES?: string;
  /** Optional endpoint override, e.g. a local emulator; unset means the Region's AWS endpoint. */
  BACKUP_ENDPOINT?: string;
}

const REQUIRED = [
  "AWS_REGION",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "EVENTBRIDGE_API_KEY",
  "EVENTBRIDGE_API_KEY_HEADER",
  "COPY_RULES",
] as const;

/** The setting behind each option path a ValidationError may name. */
const SETTING_OF: Record<string, string> = {
  region: "AWS_REGION",
  endpoint: "BACKUP_ENDPOINT",
  "authorization.apiKey.name": "EVENTBRIDGE_API_KEY_HEADER",
};

interface Setup {
  client: BackupClient;
  rules: readonly CopyRule[];
  handler: (request: Request) => Promise<Response>;
}

/** The settings to make or fix: names, and sentences naming them (never a value). */
interface Unconfigured {
  missing: string[];
  invalid: string[];
  message: string;
}

const setups = new WeakMap<Env, Setup>();

/** Client, rules and handler, checked once per set of bindings, or what to set or fix. */
function setup(env: Env): Setup | Unconfigured {
  let done = setups.get(env);
  if (done) return done;
  const missing = REQUIRED.filter((name) => !env[name]);
  if (missing.length) {
    return {
      missing,
      invalid: [],
      message: `Configuration: set ${missing.join(", ")}`,
    };
  }
  // Each part checked on its own, so that one answer names every setting to fix.
  const issues: { path: string; message: string }[] = [];
  const checked = <T>(make: () => T): T | undefined => {
    try {
      return make();
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      issues.push(...error.issues);
    }
  };
  const client = checked(() =>
    new BackupClient({
      region: env.AWS_REGION!,
      credentials: {
        accessKeyId: env.AWS_ACCESS_KEY_ID!,
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY!,
      },
      endpoint: env.BACKUP_ENDPOINT || undefined,
    })
  );
  // A Region this release does not list is a typo far more often than a new Region.
  const regionIssue = !issues.some(({ path }) => path === "region") &&
    unlistedRegionIssue(env.AWS_REGION!);
  if (regionIssue) issues.push({ path: "region", message: regionIssue });
  const rules = checked(() => parseCopyRules(env.COPY_RULES, "COPY_RULES"));
  if (env.EVENTBRIDGE_API_KEY!.length < MIN_SECRET_LENGTH) {
    issues.push({
      path: "EVENTBRIDGE_API_KEY",
      message: `must be ${MIN_SECRET_LENGTH} characters or more`,
    });
  }
  const handler = client && rules && !issues.length &&
    checked(() =>
      eventBridgeHandler({
        client,
        rules,
        authorization: {
          apiKey: {
            name: env.EVENTBRIDGE_API_KEY_HEADER!,
            value: env.EVENTBRIDGE_API_KEY!,
          },
        },
      })
    );
  if (!client || !rules || !handler) {
    // Each issue names its setting (COPY_RULES' own paths start with COPY_RULES).
    const problems = issues.map(({ path, message }) => {
      const setting = SETTING_OF[path] ?? path.split(/[.[]/)[0] ?? path;
      return {
        setting,
        text: `${setting}${setting === path ? "" : ` (${path})`} ${message}`,
      };
    });
    return {
      missing: [],
      invalid: [...new Set(problems.map((problem) => problem.setting))],
      message: `Configuration: fix ${problems.map((problem) => problem.text).join("; ")}`,
    };
  }
  done = { client, rules, handler };
  setups.set(env, done);
  return done;
}

/** Logs what to set or fix (names only), as the answer says it. */
function logUnconfigured({ missing, invalid, message }: Unconfigured): void {
  console.error(
    JSON.stringify({ error: "NotConfigured", missing, invalid, message }),
  );
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const ready = setup(env);
    if ("missing" in ready) {
      // 503: EventBridge retries the event (for up to 24 hours) while the configuration is made.
      logUnconfigured(ready);
      return Response.json({ error: "NotConfigured", ...ready }, {
        status: 503,
      });
    }
    return await ready.handler(request);
  },

  async scheduled(_controller: unknown, env: Env): Promise<void> {
    const ready = setup(env);
    if ("missing" in ready) {
      // Nothing is swept; a failed Cron run (Cron Events show it) that names what to set.
      logUnconfigured(ready);
      throw new Error(ready.message);
    }
    const { client, rules } = ready;
    const report = await sweepCopyRules(client, { rules });
    console.log(JSON.stringify({ sweep: report.totals, ok: report.ok }));
    for (const failure of report.listingFailures) {
      console.error(JSON.stringify(failure));
    }
    for (const { rule, recoveryPointArn, outcome, error } of report.entries) {
      if (outcome === "failed") {
        console.error(JSON.stringify({ rule, recoveryPointArn, error }));
      }
    }
    // A sweep that left copies or vaults undone is a failed Cron run (Cron Events show it), not a
    // success; the next run tries again. The messages name rules, vaults and AWS errors only.
    if (!report.ok) {
      throw new Error(
        `sweep incomplete: ${report.totals.failed} copies failed, ` +
          `${report.listingFailures.length} vaults not listed`,
      );
    }
  },
};
