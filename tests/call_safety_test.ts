/**
 * The call pipeline's safety rules over real HTTP, in every runtime that makes them hard:
 *
 * - a redirect is never followed (Deno, Node, Bun, workerd): the other origin receives nothing,
 *   and the 3xx is the `ServiceException` it is;
 * - a client kept at module scope in workerd survives a credentials provider call an earlier
 *   request abandoned (sequentially and while the later request waits for it);
 * - what a service echoes (AWS's `InvalidSignatureException` quotes the canonical request, with
 *   the session token) reaches no error, for real keys and for LocalStack's `test`/`test`;
 * - a custom fetch that drops `init` is named in the error of the unsigned request.
 */

import assert from "node:assert/strict";
import { inspect } from "node:util";
import { Miniflare } from "miniflare";
import { DEMO_CREDENTIALS, DEMO_REGION, startEmulator } from "../emulator/mod.ts";
import {
  BackupClient,
  type ClientConfig,
  type Credentials,
  ServiceException,
  startCopyJob,
  type StartCopyJobInput,
} from "../mod.ts";
import { bundle, runBundleJson } from "../testing/bundle.ts";
import { findBun } from "../testing/bun.ts";
import type { RedirectOutcome, SharedClientOutcome } from "./runtimes/safety_probe.ts";
import { probeRedirects } from "./runtimes/safety_probe.ts";
import { SMOKE_FIXTURES } from "./runtimes/smoke.ts";

const REDIRECTS = [301, 302, 303, 307, 308];

/**
 * Two servers on 127.0.0.1: `target`, which records whatever reaches it, and a redirector whose
 * path `/r<status>/…` answers that status with `Location: <target>/stolen…`.
 */
function redirectingServers() {
  const reached: { method: string; headers: Headers }[] = [];
  const target = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    reached.push({ method: request.method, headers: request.headers });
    return Response.json({ CopyJobId: "from-the-other-origin" });
  });
  const targetUrl = `http://127.0.0.1:${target.addr.port}`;
  const redirector = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    const status = Number(/^\/r(\d{3})\//.exec(new URL(request.url).pathname)?.[1] ?? 500);
    return new Response(null, { status, headers: { location: `${targetUrl}/stolen` } });
  });
  const base = `http://127.0.0.1:${redirector.addr.port}`;
  return {
    endpoints: REDIRECTS.map((status) => `${base}/r${status}`),
    targetUrl,
    reached,
    async [Symbol.asyncDispose]() {
      await Promise.all([target.shutdown(), redirector.shutdown()]);
    },
  };
}

function assertNotFollowed(runtime: string, outcomes: RedirectOutcome[], targetUrl: string) {
  assert.equal(outcomes.length, REDIRECTS.length, runtime);
  outcomes.forEach((o, i) => {
    const label = `${runtime} ${REDIRECTS[i]}`;
    assert.equal(o.serviceException, true, `${label}: ${o.name}: ${o.message}`);
    assert.equal(o.httpStatusCode, REDIRECTS[i], label);
    assert.equal(o.name, String(REDIRECTS[i]), label);
    assert.ok(
      o.message.includes(`redirect to ${targetUrl} not followed`),
      `${label}: ${o.message}`,
    );
  });
}

Deno.test("a redirect is never followed in Deno: the other origin gets nothing, the 3xx is a ServiceException", async () => {
  await using servers = redirectingServers();
  assertNotFollowed("deno", await probeRedirects(servers.endpoints), servers.targetUrl);
  assert.equal(servers.reached.length, 0, "nothing reached the other origin");
});

Deno.test("a redirect is never followed in Node and Bun (bundled, the platform's fetch)", async () => {
  const file = await bundle(new URL("./runtimes/safety_main.ts", import.meta.url), {
    extension: ".mjs",
  });
  const bun = await findBun();
  const runtimes = [["node", "node"]];
  if (bun.path) runtimes.push(["bun", bun.path]);
  else console.log(`SKIP bun: ${bun.reason}`);
  for (const [name, command] of runtimes) {
    await using servers = redirectingServers();
    const result = await runBundleJson<RedirectOutcome[]>(
      command,
      file,
      servers.endpoints,
    );
    assertNotFollowed(name, result, servers.targetUrl);
    assert.equal(servers.reached.length, 0, `${name}: nothing reached the other origin`);
  }
});

Deno.test("workerd: no redirect followed; a module-scope client survives an abandoned provider call", async () => {
  const script = await bundle(new URL("./runtimes/safety_worker.ts", import.meta.url));
  await using servers = redirectingServers();
  await using emulator = await startEmulator();
  // Each Worker is its own isolate: its module-scope client starts afresh.
  const worker = (name: string) => ({
    name,
    routes: [`${name}.test/*`],
    modules: true,
    scriptPath: script,
    compatibilityDate: "2025-01-01",
    compatibilityFlags: [],
  });
  const mf = new Miniflare({ workers: [worker("redirects"), worker("seq"), worker("conc")] });
  /** One request, or a failure after 20 s: a request that never answers fails the test. */
  const get = async <T>(url: string): Promise<T> => {
    const response = await mf.dispatchFetch(url, { signal: AbortSignal.timeout(20_000) });
    const text = await response.text();
    assert.equal(response.status, 200, text);
    return JSON.parse(text);
  };
  const shared = (name: string, timeoutMs?: number) =>
    get<SharedClientOutcome>(
      `http://${name}.test/shared?endpoint=${encodeURIComponent(emulator.url)}` +
        (timeoutMs ? `&timeoutMs=${timeoutMs}` : ""),
    );
  try {
    const query = servers.endpoints.map((e) => `endpoint=${encodeURIComponent(e)}`).join("&");
    const outcomes = await get<RedirectOutcome[]>(`http://redirects.test/redirects?${query}`);
    assertNotFollowed("workerd", outcomes, servers.targetUrl);
    assert.equal(servers.reached.length, 0, "workerd: nothing reached the other origin");

    // One request gives up on the stuck provider call; the next one (no timeout of its own)
    // asks the provider again and is answered.
    const gaveUp = await shared("seq", 300);
    assert.deepEqual([gaveUp.ok, gaveUp.name, gaveUp.providerCalls], [
      false,
      "RequestTimeoutError",
      1,
    ]);
    const next = await shared("seq");
    assert.deepEqual([next.ok, next.providerCalls], [true, 2], JSON.stringify(next));

    // The same while the second request already waits for the first one's provider call.
    const first = shared("conc", 500);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const second = shared("conc");
    const [a, b] = await Promise.all([first, second]);
    assert.deepEqual([a.ok, a.name], [false, "RequestTimeoutError"]);
    assert.deepEqual([b.ok, b.providerCalls], [true, 2], JSON.stringify(b));
    const started = emulator.requests.filter((r) => r.operation === "StartCopyJob");
    assert.equal(started.length, 2);
    assert.ok(started.every((r) => r.signatureValid), "signed with the provider's credentials");
  } finally {
    await mf.dispose();
  }
});

const input: StartCopyJobInput = {
  RecoveryPointArn: SMOKE_FIXTURES.recoveryPointArn,
  SourceBackupVaultName: SMOKE_FIXTURES.sourceBackupVaultName,
  DestinationBackupVaultArn: SMOKE_FIXTURES.destinationBackupVaultArn,
  IamRoleArn: SMOKE_FIXTURES.iamRoleArn,
};

/**
 * A server that refuses every signature as AWS does: `InvalidSignatureException` quoting the
 * canonical request it expected, built from the headers it received (the session token too).
 */
function echoingServer() {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    const h = request.headers;
    const canonical = `${request.method}\n${new URL(request.url).pathname}\n\n` +
      `host:${h.get("host")}\nx-amz-date:${h.get("x-amz-date")}\n` +
      `x-amz-security-token:${h.get("x-amz-security-token")}\n\n` +
      `host;x-amz-date;x-amz-security-token\n${h.get("x-amz-content-sha256") ?? "UNSIGNED"}`;
    const message = "The request signature we calculated does not match the signature you " +
      "provided. Check your AWS Secret Access Key and signing method. Consult the service " +
      `documentation for details.\n\nThe Canonical String for this request should have been\n'` +
      `${canonical}'\n\nAuthorization: ${h.get("authorization")}\n`;
    return Response.json({ message }, {
      status: 403,
      headers: { "x-amzn-errortype": "InvalidSignatureException" },
    });
  });
  return { url: `http://127.0.0.1:${server.addr.port}`, shutdown: () => server.shutdown() };
}

Deno.test("what the service echoes holds no secret: InvalidSignatureException over real HTTP", async () => {
  const server = echoingServer();
  try {
    const cases: [string, Credentials][] = [
      ["AWS-like", {
        accessKeyId: "ASIAIOSFODNN7EXAMPLE",
        secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        sessionToken: "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+abc/def+ghi==",
      }],
      ["LocalStack", { accessKeyId: "test", secretAccessKey: "test", sessionToken: "test" }],
    ];
    for (const [label, credentials] of cases) {
      const { accessKeyId, secretAccessKey, sessionToken = "" } = credentials;
      const client = new BackupClient({
        region: "us-east-1",
        endpoint: server.url,
        credentials,
        maxAttempts: 1,
      });
      const e = await startCopyJob(client, input).catch((e) => e);
      assert.ok(e instanceof ServiceException, String(e));
      assert.equal(e.name, "InvalidSignatureException");
      const seen = [e.message, String(e), e.stack, Deno.inspect(e, { depth: 10 }), inspect(e)]
        .join("\n");
      assert.ok(seen.includes("x-amz-security-token:[hidden]\n"), `${label}: ${seen}`);
      if (label === "AWS-like") {
        assert.ok(!seen.includes(sessionToken.slice(0, 16)), `${label}: ${seen}`);
        assert.ok(!seen.includes(secretAccessKey.slice(0, 16)), `${label}: ${seen}`);
      }
      // Nothing else is garbled: the access key id and every word stay.
      assert.ok(e.message.includes(`Credential=${accessKeyId}/`), e.message);
      assert.ok(e.message.includes("Check your AWS Secret Access Key and signing method"));
      assert.ok(e.message.includes(`host:${new URL(server.url).host}\n`));
    }
  } finally {
    await server.shutdown();
  }
});

Deno.test("a custom fetch that drops init: the unsigned request's error says how to pass it on", async () => {
  await using emulator = await startEmulator();
  const client = new BackupClient({
    region: DEMO_REGION,
    endpoint: emulator.url,
    credentials: DEMO_CREDENTIALS,
    // The most common wrapper shape, and a wrong one: the signed init is dropped.
    fetch: ((url: string) => fetch(url)) as ClientConfig["fetch"],
    maxAttempts: 1,
  });
  const e = await startCopyJob(client, input).catch((e) => e);
  assert.ok(e instanceof ServiceException, String(e));
  assert.equal(e.name, "MissingAuthenticationTokenException");
  assert.match(e.message, /custom fetch is called as fetch\(url, init\) and must send init/);
  assert.equal(emulator.requests[0].method, "GET", "the request went out without init");
  // The platform's fetch is not blamed for what a custom one does.
  const plain = new BackupClient({
    region: DEMO_REGION,
    endpoint: emulator.url,
    credentials: { ...DEMO_CREDENTIALS, accessKeyId: "AKIDUNKNOWN" },
    maxAttempts: 1,
  });
  const other = await startCopyJob(plain, input).catch((e) => e);
  assert.doesNotMatch(other.message, /custom fetch/);
});
