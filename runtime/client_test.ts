// The client's endpoint rule: plain http: only to a loopback host, unless the caller opts in;
// the session token and signed requests never cross a network in cleartext by default.

import assert from "node:assert/strict";
import { BackupClient, ValidationError } from "../mod.ts";
import { BackupClient as SdkBackupClient } from "../aws_sdk.ts";

const credentials = { accessKeyId: "AKID", secretAccessKey: "secret", sessionToken: "token" };
const region = "us-east-1";

/** The endpoint issues of a client built with `endpoint` (and the other options given). */
function endpointIssues(endpoint: string, more: Record<string, unknown> = {}): string[] {
  try {
    new BackupClient({ region, credentials, endpoint, ...more });
    return [];
  } catch (e) {
    assert.ok(e instanceof ValidationError, String(e));
    return e.issues.map((i) => `${i.path} ${i.message}`);
  }
}

const LOOPBACK = [
  "http://127.0.0.1:8080",
  "http://127.0.0.1",
  "http://127.255.255.254:1/base/",
  "http://127.1:8080", // WHATWG URL spells it 127.0.0.1
  "http://0x7f.1/", // 127.0.0.1 too
  "http://127.0.0.1.:8080", // the same, trailing dot dropped
  "http://localhost:4566",
  "http://LOCALHOST:4566",
  "http://localhost.:4566",
  "http://backup.localhost:8787",
  "http://a.b.localhost",
  "http://[::1]:8080",
  "http://[0:0:0:0:0:0:0:1]:8080",
];
const NOT_LOOPBACK = [
  "http://localstack:4566",
  "http://10.0.0.1:8080",
  "http://192.168.1.10",
  "http://128.0.0.1",
  "http://0.0.0.0:8080",
  "http://127.0.0.1.nip.io",
  "http://localhost.example.com",
  "http://notlocalhost",
  "http://[::2]",
  "http://[fd00::2]:4566",
  "http://backup.us-east-1.amazonaws.com",
];

Deno.test("http: endpoints: loopback hosts are accepted, any other host is refused naming endpoint", () => {
  for (const endpoint of LOOPBACK) assert.deepEqual(endpointIssues(endpoint), [], endpoint);
  for (const endpoint of NOT_LOOPBACK) {
    const issues = endpointIssues(endpoint);
    assert.equal(issues.length, 1, `${endpoint}: ${issues}`);
    assert.match(issues[0], /^endpoint must be https: unless its host is loopback/, endpoint);
    assert.match(issues[0], /allowInsecureEndpoint: true accepts that/);
    assert.ok(!issues[0].includes("\n"), "one line");
  }
  // https: is fine for any host, and the check adds nothing to an unusable URL's issue.
  assert.deepEqual(endpointIssues("https://localstack:4566"), []);
  assert.deepEqual(endpointIssues("https://10.0.0.1"), []);
  assert.equal(endpointIssues("localstack:4566").length, 1);
});

Deno.test("allowInsecureEndpoint: true accepts a non-loopback http: endpoint; it must be a boolean", () => {
  for (const endpoint of NOT_LOOPBACK) {
    const client = new BackupClient({
      region,
      credentials,
      endpoint,
      allowInsecureEndpoint: true,
    });
    assert.equal(client.endpoint, new URL(endpoint).href.replace(/\/$/, ""), endpoint);
  }
  assert.equal(endpointIssues(NOT_LOOPBACK[0], { allowInsecureEndpoint: false }).length, 1);
  // A string "true" is not the opt-in: the type is named, and the endpoint stays refused.
  const issues = endpointIssues(NOT_LOOPBACK[0], { allowInsecureEndpoint: "true" });
  assert.deepEqual(issues.map((i) => i.split(" ")[0]).sort(), [
    "allowInsecureEndpoint",
    "endpoint",
  ]);
  assert.match(issues.join(), /allowInsecureEndpoint must be a boolean/);
});

Deno.test("the AWS SDK v3 face takes allowInsecureEndpoint too", () => {
  assert.throws(
    () => new SdkBackupClient({ region, credentials, endpoint: { url: "http://localstack:4566" } }),
    (e) => e instanceof ValidationError && e.issues[0].path === "endpoint",
  );
  const client = new SdkBackupClient({
    region,
    credentials,
    endpoint: { url: new URL("http://localstack:4566") },
    allowInsecureEndpoint: true,
  });
  assert.equal(client.endpoint, "http://localstack:4566/");
});
