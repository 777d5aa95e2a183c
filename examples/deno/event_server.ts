// An EventBridge API destination on Deno (or Deno Deploy): copies AWS Backup recovery points by
// the rules in COPY_RULES, and sweeps for lost events every hour with Deno.cron. Environment as
// for examples/node/event_server.mjs. Run from a checkout:
//   npx -y deno@2.9.6 run --allow-net --allow-env --unstable-cron examples/deno/event_server.ts
import {
  BackupClient,
  credentialsFromEnv,
  eventBridgeHandler,
  parseCopyRules,
  sweepCopyRules,
  ValidationError,
} from "../../mod.ts";

// Unset settings are named (never a value) before anything starts.
const missing = ["AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "COPY_RULES"]
  .concat("EVENTBRIDGE_API_KEY").filter((name) => !Deno.env.get(name));
if (missing.length) {
  console.error(`NotConfigured: set ${missing.join(", ")} (environment variables)`);
  Deno.exit(1);
}
/** The variable behind each option a ValidationError names (COPY_RULES names itself). */
const SETTING_OF: Record<string, string> = {
  region: "AWS_REGION",
  endpoint: "BACKUP_ENDPOINT",
  "authorization.apiKey.value": "EVENTBRIDGE_API_KEY",
};
/** Client, rules and handler; a malformed setting is named (never its value), and it stops. */
function setup() {
  try {
    const client = new BackupClient({
      region: Deno.env.get("AWS_REGION")!,
      credentials: credentialsFromEnv(Deno.env),
      endpoint: Deno.env.get("BACKUP_ENDPOINT") || undefined,
    });
    const rules = parseCopyRules(Deno.env.get("COPY_RULES"));
    const handler = eventBridgeHandler({
      client,
      rules,
      authorization: {
        apiKey: { name: "x-backup-edge-key", value: Deno.env.get("EVENTBRIDGE_API_KEY")! },
      },
    });
    return { client, rules, handler };
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const fix = error.issues.map(({ path, message }) => `${SETTING_OF[path] ?? path} ${message}`);
    console.error(`NotConfigured: fix ${fix.join("; ")} (environment variables)`);
    Deno.exit(1);
  }
}
const { client, rules, handler } = setup();

Deno.serve({
  port: Number(Deno.env.get("PORT") ?? 8080),
  onListen: ({ port }) => console.log(`listening on ${port}`),
}, handler);
Deno.cron("sweep AWS Backup copies", "17 * * * *", async () => {
  const report = await sweepCopyRules(client, { rules });
  console.log(JSON.stringify({ sweep: report.totals, ok: report.ok }));
  // An incomplete sweep is a failed cron run, which Deno logs; the next run tries again.
  if (!report.ok) throw new Error(`sweep incomplete: ${JSON.stringify(report.listingFailures)}`);
});
