// An EventBridge API destination on Node ≥ 20 (or Bun): copies AWS Backup recovery points by the
// rules in COPY_RULES, and sweeps for lost events every hour. Environment: AWS_REGION,
// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, COPY_RULES (JSON), EVENTBRIDGE_API_KEY (the
// connection's API key), PORT (8080; 0 is any free port), BACKUP_ENDPOINT (optional, e.g. the
// local emulator).
import { createServer } from "node:http";
import {
  BackupClient,
  credentialsFromEnv,
  eventBridgeHandler,
  parseCopyRules,
  sweepCopyRules,
  toNodeListener,
  unlistedRegionIssue,
  ValidationError,
} from "backup-edge";

const env = process.env;
// Unset settings are named (never a value) before anything starts.
const missing = ["AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "COPY_RULES"]
  .concat("EVENTBRIDGE_API_KEY").filter((name) => !env[name]);
if (missing.length) {
  console.error(`NotConfigured: set ${missing.join(", ")} (environment variables)`);
  process.exit(1);
}
/** The variable behind each option a ValidationError names (COPY_RULES names itself). */
const SETTING_OF = {
  region: "AWS_REGION",
  endpoint: "BACKUP_ENDPOINT",
  "authorization.apiKey.value": "EVENTBRIDGE_API_KEY",
};
// A Region this release does not list is a typo far more often than a new Region.
const region = unlistedRegionIssue(env.AWS_REGION);
const fix = region ? [`AWS_REGION ${region}`] : [];
const PORT = env.PORT || "8080";
const port = Number(PORT);
if (!/^\d{1,5}$/.test(PORT) || port > 65535) {
  fix.push("PORT must be a port number, 0 to 65535 (0: any free port)");
}
let client, rules, handler;
try {
  client = new BackupClient({
    region: env.AWS_REGION,
    credentials: credentialsFromEnv(env),
    endpoint: env.BACKUP_ENDPOINT || undefined,
  });
  rules = parseCopyRules(env.COPY_RULES);
  handler = eventBridgeHandler({
    client,
    rules,
    authorization: { apiKey: { name: "x-backup-edge-key", value: env.EVENTBRIDGE_API_KEY } },
  });
} catch (error) {
  if (!(error instanceof ValidationError)) throw error;
  // Named by the variable to fix, never a value.
  for (const { path, message } of error.issues) {
    if (!(region && path === "region")) fix.push(`${SETTING_OF[path] ?? path} ${message}`);
  }
}
if (fix.length) {
  console.error(`NotConfigured: fix ${fix.join("; ")} (environment variables)`);
  process.exit(1);
}

const server = createServer(toNodeListener(handler));
server.on("error", (error) => {
  if (error.code !== "EADDRINUSE") throw error;
  console.error(`port ${port} is in use (PORT)`);
  process.exit(1);
});
server.listen(port, () => console.log(`listening on ${server.address().port}`));

const sweep = () =>
  sweepCopyRules(client, { rules }).then(
    (report) => {
      console.log(JSON.stringify({ sweep: report.totals, ok: report.ok }));
      // Incomplete: the next run tries again; say so where errors go.
      if (!report.ok) console.error(`sweep incomplete: ${JSON.stringify(report.listingFailures)}`);
    },
    (error) => console.error(String(error)),
  );
setInterval(sweep, 60 * 60 * 1000).unref();
