// The client's endpoint rule: plain http: only to a loopback host, unless the caller opts in;
// the session token and signed requests never cross a network in cleartext by default. And its
// Region rule: without a custom endpoint, a Region some AWS partition lists or matches.

import assert from "node:assert/strict";
import { BackupClient, ValidationError } from "../mod.ts";
import { BackupClient as SdkBackupClient } from "../aws_sdk.ts";
import { PARTITIONS } from "../generated/partitions.ts";

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

/** The region issue of a client built with `region` (and the other options given), if any. */
function regionIssue(region: string, more: Record<string, unknown> = {}): string | undefined {
  try {
    new BackupClient({ region, credentials, ...more });
    return undefined;
  } catch (e) {
    assert.ok(e instanceof ValidationError, String(e));
    assert.deepEqual(e.issues.map((i) => i.path), ["region"], e.message);
    return e.message;
  }
}

Deno.test("a Region no AWS partition lists or matches is refused, with the closest listed one", () => {
  for (
    const [typo, meant] of [
      ["us-east1", "us-east-1"], // a hyphen missing: was https://backup.us-east1.amazonaws.com
      ["useast1", "us-east-1"],
      ["us-east-1a", "us-east-1"], // an Availability Zone
      ["eu-west", "eu-west-1"],
      ["euwest2", "eu-west-2"],
      ["ap-southeast2", "ap-southeast-2"],
      ["us-gov-west1", "us-gov-west-1"],
      ["cn-north1", "cn-north-1"],
      ["US-EAST-1", "us-east-1"], // not a host label either
      ["us_east_1", "us-east-1"],
    ]
  ) {
    const message = regionIssue(typo);
    assert.ok(message, typo);
    assert.match(message, /^Invalid client config: region must be a Region /);
    assert.ok(message.endsWith(`; did you mean "${meant}"?`), `${typo}: ${message}`);
  }
  assert.equal(
    regionIssue("us-east1"),
    'Invalid client config: region must be a Region an AWS partition knows, such as us-east-1; did you mean "us-east-1"?',
  );
  // Nothing close: no guess.
  assert.equal(
    regionIssue("moon-base"),
    "Invalid client config: region must be a Region an AWS partition knows, such as us-east-1",
  );
  // A name Object.prototype has is not a listed Region.
  assert.ok(regionIssue("constructor"));
  // The AWS SDK v3 face checks the same.
  assert.throws(
    () => new SdkBackupClient({ region: "us-east1", credentials }),
    (e) => e instanceof ValidationError && e.message.endsWith('did you mean "us-east-1"?'),
  );
});

Deno.test("every Region the partitions list is accepted, and any a partition's pattern matches", () => {
  const listed = PARTITIONS.flatMap((p) => p[7].split(" "));
  assert.ok(listed.includes("us-east-1") && listed.includes("aws-cn-global"), String(listed));
  for (const region of listed) assert.equal(regionIssue(region), undefined, region);
  // Not listed yet, but where a new Region of its partition would be: the endpoint of its own.
  for (
    const [region, url] of [
      ["us-east-7", "https://backup.us-east-7.amazonaws.com"],
      ["ap-southeast-9", "https://backup.ap-southeast-9.amazonaws.com"],
      ["cn-south-3", "https://backup.cn-south-3.amazonaws.com.cn"],
      ["eusc-de-west-2", "https://backup.eusc-de-west-2.amazonaws.eu"],
      ["us-gov-central-1", "https://backup.us-gov-central-1.amazonaws.com"],
    ]
  ) {
    assert.equal(new BackupClient({ region, credentials }).endpoint, url);
  }
});

Deno.test("with a custom endpoint, any host label is a Region (LocalStack, proxies)", () => {
  const endpoint = "http://127.0.0.1:4566";
  for (const name of ["us-east1", "local", "moon-base", "test"]) {
    const client = new BackupClient({ region: name, credentials, endpoint });
    assert.equal(client.region, name);
  }
  assert.match(regionIssue("US-EAST-1", { endpoint })!, /region must be a Region name such as/);
  assert.match(regionIssue("", { endpoint })!, /region must be a Region name such as us-east-1$/);
});

Deno.test("an endpoint with a query string, a fragment or userinfo is refused naming endpoint, the userinfo never quoted", () => {
  for (
    const endpoint of [
      "https://h/foo?x=1",
      "https://h/foo?",
      "https://h/#top",
      "http://127.0.0.1:8080/?a",
    ]
  ) {
    const issues = endpointIssues(endpoint);
    assert.deepEqual(issues.length, 1, `${endpoint}: ${issues}`);
    assert.match(
      issues[0],
      /^endpoint must be scheme, host, port and path only: no user:password@, \?query or #fragment$/,
      endpoint,
    );
  }
  for (const endpoint of ["https://user:s3cr3t-pass@h/", "http://admin@127.0.0.1:8080"]) {
    const issues = endpointIssues(endpoint);
    assert.equal(issues.length, 1, `${endpoint}: ${issues}`);
    assert.match(issues[0], /^endpoint must be scheme, host, port and path only/);
    assert.doesNotMatch(issues[0], /s3cr3t|admin/);
  }
  // Control: a path is kept, and requests go below it.
  assert.deepEqual(endpointIssues("https://h/foo/"), []);
});
