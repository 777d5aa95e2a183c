// An EventBridge API destination on Deno (or Deno Deploy): copies AWS Backup recovery points by
// the rules in COPY_RULES, and sweeps for lost events every hour with Deno.cron. Environment as
// for examples/node/event_server.mjs. Run from a checkout (--no-config: mod.ts needs no import map,
// and the checkout's deno.json, made for its tests, wants their node_modules/):
//   npx -y deno@2.9.6 run --no-config --allow-net --allow-env --unstable-cron examples/deno/event_server.ts
import {
  BackupClient,
  credentialsFromEnv,
  eventBridgeHandler,
  parseCopyRules,
  sweepCopyRules,
  unlistedRegionIssue,
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
/** Client, rules, handler and port; a malformed setting is named (never its value): it stops. */
function setup() {
  // A Region this release does not list is a typo far more often than a new Region.
  const region = unlistedRegionIssue(Deno.env.get("AWS_REGION")!);
  const fix = region ? [`AWS_REGION ${region}`] : [];
  const PORT = Deno.env.get("PORT") || "8080";
  const port = Number(PORT);
  if (!/^\d{1,5}$/.test(PORT) || port > 65535) {
    fix.push("PORT must be a port number, 0 to 65535 (0: any free port)");
  }
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
    if (!fix.length) return { client, rules, handler, port };
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    for (const { path, message } of error.issues) {
      if (!(region && path === "region")) fix.push(`${SETTING_OF[path] ?? path} ${message}`);
    }
  }
  console.error(`NotConfigured: fix ${fix.join("; ")} (environment variables)`);
  Deno.exit(1);
}
const { client, rules, handler, port } = setup();

try {
  Deno.serve({ port, onListen: ({ port }) => console.log(`listening on ${port}`) }, handler);
} catch (error) {
  if (!(error instanceof Deno.errors.AddrInUse)) throw error;
  console.error(`port ${port} is in use (PORT)`);
  Deno.exit(1);
}
Deno.cron("sweep AWS Backup copies", "17 * * * *", async () => {
  const report = await sweepCopyRules(client, { rules });
  console.log(JSON.stringify({ sweep: report.totals, ok: report.ok }));
  // An incomplete sweep is a failed cron run, which Deno logs; the next run tries again.
  if (!report.ok) throw new Error(`sweep incomplete: ${JSON.stringify(report.listingFailures)}`);
});
