/**
 * Browsers: headless Chromium (Debian's /usr/bin/chromium, or `CHROMIUM_BIN`) driven by
 * playwright-core loads a page from one origin whose module bundle calls the emulator, with
 * CORS on, on another origin. The bundle is made the way a web app makes it: the npm package,
 * installed from its tarball, bundled by esbuild. Without the npm registry the source is bundled
 * with `deno bundle` instead, saying why. Skipped, with the reason printed, when Chromium is
 * missing.
 */

import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { DEMO_SESSION_CREDENTIALS, RECOVERY_POINT_OK_ARN, startEmulator } from "../emulator/mod.ts";
import { bundle } from "../testing/bundle.ts";
import {
  ensureTools,
  freshProject,
  npmRegistryUnavailable,
  packedPackage,
  runOk,
  toolBin,
} from "../testing/npm_package.ts";
import type { RedirectOutcome } from "./runtimes/safety_probe.ts";
import type { SmokeResult } from "./runtimes/smoke.ts";

const CHROMIUM = Deno.env.get("CHROMIUM_BIN") ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
  "--no-first-run",
];
const TIMEOUT_MS = 30_000;

async function chromiumMissing(): Promise<string | undefined> {
  try {
    const info = await Deno.stat(CHROMIUM);
    if (!info.isFile) return `${CHROMIUM} is not a file`;
    return undefined;
  } catch {
    return `${CHROMIUM} not found (apt-get install -y --no-install-recommends chromium, ` +
      `or set CHROMIUM_BIN)`;
  }
}

const skipReason = await chromiumMissing();
if (skipReason) console.log(`SKIP browser: ${skipReason}`);

const ENTRY = new URL("./runtimes/browser.ts", import.meta.url);
const SMOKE = new URL("./runtimes/smoke.ts", import.meta.url);

/** The redirect probe the browser entry exposes (shared with the other runtimes' tests). */
const SAFETY_PROBE = new URL("./runtimes/safety_probe.ts", import.meta.url);

/** The browser example of the README, bundled from the package like the smoke run. */
const EXAMPLE = new URL("../examples/browser/copy_jobs.js", import.meta.url);

interface Bundles {
  smoke: Uint8Array<ArrayBuffer>;
  /** `examples/browser/copy_jobs.js` bundled, when the npm package could be installed. */
  example?: Uint8Array<ArrayBuffer>;
}

/**
 * The smoke run and the browser example, bundled from the installed npm package by esbuild (or
 * the smoke run from source, offline).
 */
async function browserBundles(): Promise<Bundles> {
  const unavailable = await npmRegistryUnavailable();
  if (unavailable) {
    console.log(
      `browser: bundling the source with deno bundle, not the npm package: ${unavailable}`,
    );
    console.log(`SKIP browser example (needs the npm package): ${unavailable}`);
    return { smoke: await Deno.readFile(await bundle(ENTRY)) };
  }
  const [packed] = await Promise.all([packedPackage(), ensureTools()]);
  const project = await freshProject(packed);
  // The same entry files, importing the package by name as an application would.
  await Deno.mkdir(`${project}/src`);
  for (const file of [ENTRY, SMOKE, SAFETY_PROBE, EXAMPLE]) {
    const source = (await Deno.readTextFile(file)).replace(`"../../mod.ts"`, `"backup-edge"`);
    await Deno.writeTextFile(`${project}/src/${file.pathname.split("/").pop()}`, source);
  }
  await runOk(toolBin("esbuild"), [
    "src/copy_jobs.js",
    "--bundle",
    "--format=esm",
    "--platform=browser",
    "--minify",
    "--outfile=out/copy_jobs.js",
    "--log-level=warning",
  ], { cwd: project });
  await runOk(toolBin("esbuild"), [
    "src/browser.ts",
    "--bundle",
    "--format=esm",
    "--platform=browser",
    "--minify",
    "--outfile=out/smoke.js",
    "--metafile=out/meta.json",
    "--log-level=warning",
  ], { cwd: project });
  const inputs = Object.keys(
    JSON.parse(await Deno.readTextFile(`${project}/out/meta.json`)).inputs,
  );
  assert.ok(
    inputs.includes("node_modules/backup-edge/mod.js"),
    `bundled from the package: ${inputs}`,
  );
  assert.ok(inputs.some((i) => i.startsWith("node_modules/aws4fetch/")), "aws4fetch from npm");
  assert.ok(!inputs.some((i) => i.endsWith("mod.ts")), "nothing from the repository's source");
  return {
    smoke: await Deno.readFile(`${project}/out/smoke.js`),
    example: await Deno.readFile(`${project}/out/copy_jobs.js`),
  };
}

/**
 * An endpoint on its own origin that answers every call with `302` to another origin (with the
 * CORS headers a cross-origin page needs to see the answer at all), and that other origin,
 * which records whatever reaches it.
 */
function redirectingEndpoint() {
  const reached: string[] = [];
  const redirected: string[] = [];
  const serve = (handler: (request: Request) => Response) =>
    Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handler);
  const target = serve((request) => {
    reached.push(`${request.method} ${new URL(request.url).pathname}`);
    return new Response("followed", { headers: { "access-control-allow-origin": "*" } });
  });
  const targetUrl = `http://127.0.0.1:${target.addr.port}/elsewhere`;
  const redirector = serve((request) => {
    const cors = {
      "access-control-allow-origin": "*",
      "access-control-allow-methods": "GET, POST, PUT, DELETE",
      "access-control-allow-headers": request.headers.get("access-control-request-headers") ?? "",
    };
    if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: cors });
    redirected.push(`${request.method} ${new URL(request.url).pathname}`);
    return new Response(null, { status: 302, headers: { ...cors, location: targetUrl } });
  });
  return {
    url: `http://127.0.0.1:${redirector.addr.port}`,
    reached,
    redirected,
    async [Symbol.asyncDispose]() {
      await Promise.all([target.shutdown(), redirector.shutdown()]);
    },
  };
}

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>backup-edge smoke</title>
<link rel="icon" href="data:,">
<script type="module" src="/smoke.js"></script>
`;

Deno.test({
  name: skipReason
    ? `Chromium runs the bundled module cross-origin against the emulator (SKIP: ${skipReason})`
    : "Chromium runs the bundled module cross-origin against the emulator",
  ignore: skipReason !== undefined,
  fn: async () => {
    const bundles = await browserBundles();
    await using emulator = await startEmulator({ cors: true });
    let credentialRequests = 0;
    const site = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
      const { pathname } = new URL(req.url);
      if (pathname === "/") {
        return new Response(PAGE, { headers: { "content-type": "text/html; charset=utf-8" } });
      }
      const script = pathname === "/smoke.js"
        ? bundles.smoke
        : pathname === "/copy_jobs.js"
        ? bundles.example
        : undefined;
      if (script) {
        return new Response(script, {
          headers: { "content-type": "text/javascript; charset=utf-8" },
        });
      }
      if (pathname === "/api/backup-credentials") {
        credentialRequests++;
        return Response.json(DEMO_SESSION_CREDENTIALS);
      }
      return new Response("not found", { status: 404 });
    });
    const origin = `http://127.0.0.1:${site.addr.port}`;
    assert.notEqual(new URL(emulator.url).origin, origin, "the page is cross-origin");

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      timeout: TIMEOUT_MS,
    });
    const pageErrors: string[] = [];
    try {
      const page = await browser.newPage();
      page.setDefaultTimeout(TIMEOUT_MS);
      page.on("pageerror", (error) => pageErrors.push(String(error)));
      page.on("console", (message) => {
        if (message.type() === "error") pageErrors.push(message.text());
      });
      await page.goto(`${origin}/`);
      await page.waitForFunction(() => "runSmoke" in globalThis);
      const result: SmokeResult = await page.evaluate(
        (endpoint) =>
          (globalThis as unknown as { runSmoke(e: string): Promise<SmokeResult> }).runSmoke(
            endpoint,
          ),
        emulator.url,
      ).catch((error) => {
        throw new Error(`runSmoke failed in the page: ${error}\n${pageErrors.join("\n")}`);
      });

      assert.match(result.userAgent ?? "", /Chrome\//, "ran in Chromium");
      const jobs = emulator.jobs();
      assert.equal(jobs.length, 1);
      assert.equal(result.CopyJobId, jobs[0].CopyJobId);
      assert.equal(result.isDate, true);
      assert.equal(Date.parse(result.CreationDateIso!), Math.round(jobs[0].CreationDate * 1000));
      assert.equal(result.describedCopyJobId, jobs[0].CopyJobId);
      assert.equal(result.describedRecoveryPointArn, RECOVERY_POINT_OK_ARN);
      // Read from an exposed header: without Access-Control-Expose-Headers it would be null.
      assert.equal(result.requestId, emulator.requests[0].requestId);

      assert.deepEqual(emulator.requests.map((r) => r.operation), [
        "StartCopyJob",
        "DescribeCopyJob",
      ]);
      for (const request of emulator.requests) {
        assert.equal(request.signatureValid, true, `${request.operation}: ${request.authError}`);
        assert.equal(request.headers.origin, origin, "a cross-origin request from the page");
      }
      assert.deepEqual(pageErrors, []);

      // An endpoint that redirects to another origin: under `redirect: "manual"` Chromium hides
      // the redirect (an opaque redirect, status 0); the call says so, and nothing follows it.
      {
        await using redirecting = redirectingEndpoint();
        const [redirect]: RedirectOutcome[] = await page.evaluate(
          (endpoint) =>
            (globalThis as unknown as { probeRedirects(e: string[]): Promise<RedirectOutcome[]> })
              .probeRedirects([endpoint]),
          redirecting.url,
        );
        assert.deepEqual(
          { ...redirect, message: undefined },
          {
            endpoint: redirecting.url,
            serviceException: true,
            name: "OpaqueRedirect",
            httpStatusCode: 0,
            message: undefined,
          },
        );
        assert.match(redirect.message, /^StartCopyJob: an opaque redirect .* not followed/);
        assert.deepEqual(redirecting.redirected, ["PUT /copy-jobs"], "the call reached it");
        assert.deepEqual(redirecting.reached, [], "nothing reached the redirect's target");
        assert.deepEqual(pageErrors, []);
      }

      // The README's browser example: short-lived credentials from the page's own backend.
      if (bundles.example) {
        emulator.clearRequests();
        const jobs: { CopyJobId: string; State: string }[] = await page.evaluate(
          async (endpoint) => {
            const url = "/copy_jobs.js";
            const example = await import(url);
            return example.listCopyJobs({ region: "us-east-1", endpoint });
          },
          emulator.url,
        );
        assert.deepEqual(jobs.map((j) => j.CopyJobId), [result.CopyJobId]);
        assert.ok(credentialRequests >= 1, "credentials came from /api/backup-credentials");
        const [list] = emulator.requests;
        assert.equal(list.operation, "ListCopyJobs");
        assert.equal(list.signatureValid, true, list.authError);
        assert.equal(
          list.headers["x-amz-security-token"],
          DEMO_SESSION_CREDENTIALS.sessionToken,
          "signed with the session credentials",
        );
        assert.deepEqual(pageErrors, []);
      }
    } finally {
      await browser.close();
      await site.shutdown();
    }
  },
});
