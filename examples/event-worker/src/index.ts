/**
 * A Cloudflare Worker behind an EventBridge API destination: each AWS Backup event that says a
 * recovery point is ready is copied by the rules of `COPY_RULES` (one copy per recovery point and
 * destination, however often EventBridge delivers it), and a Cron Trigger sweeps the last days
 * for events AWS Backup never sent. Requests without the connection's API key get 401.
 */

import {
  BackupClient,
  type CopyRule,
  eventBridgeHandler,
  parseCopyRules,
  sweepCopyRules,
} from "backup-edge";

/** Bindings: vars from wrangler.toml, secrets from `wrangler secret put`. */
export interface Env {
  AWS_REGION: string;
  AWS_ACCESS_KEY_ID: string;
  AWS_SECRET_ACCESS_KEY: string;
  /** The EventBridge connection's API key (a secret) and the header it comes in. */
  EVENTBRIDGE_API_KEY: string;
  EVENTBRIDGE_API_KEY_HEADER: string;
  /** The copy rules, as JSON. */
  COPY_RULES: string;
  /** Optional endpoint override, e.g. a local emulator; unset means the Region's AWS endpoint. */
  BACKUP_ENDPOINT?: string;
}

interface Setup {
  client: BackupClient;
  rules: readonly CopyRule[];
  handler: (request: Request) => Promise<Response>;
}

const setups = new WeakMap<Env, Setup>();

/** Client, rules and handler, checked once per set of bindings; throws a ValidationError. */
function setup(env: Env): Setup {
  let done = setups.get(env);
  if (!done) {
    const client = new BackupClient({
      region: env.AWS_REGION,
      credentials: {
        accessKeyId: env.AWS_ACCESS_KEY_ID,
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      },
      endpoint: env.BACKUP_ENDPOINT || undefined,
    });
    const rules = parseCopyRules(env.COPY_RULES, "COPY_RULES");
    const handler = eventBridgeHandler({
      client,
      rules,
      authorization: {
        apiKey: { name: env.EVENTBRIDGE_API_KEY_HEADER, value: env.EVENTBRIDGE_API_KEY },
      },
    });
    done = { client, rules, handler };
    setups.set(env, done);
  }
  return done;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    let handler: Setup["handler"];
    try {
      handler = setup(env).handler;
    } catch (error) {
      // A configuration error names the field, never a secret. 500: EventBridge retries the
      // event (for up to 24 hours) while the configuration is fixed.
      console.error(String(error));
      return Response.json({ error: "Misconfigured" }, { status: 500 });
    }
    return await handler(request);
  },

  async scheduled(_controller: unknown, env: Env): Promise<void> {
    const { client, rules } = setup(env);
    const report = await sweepCopyRules(client, { rules });
    console.log(JSON.stringify({ sweep: report.totals, ok: report.ok }));
    for (const failure of report.listingFailures) console.error(JSON.stringify(failure));
    for (const { rule, recoveryPointArn, outcome, error } of report.entries) {
      if (outcome === "failed") console.error(JSON.stringify({ rule, recoveryPointArn, error }));
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
