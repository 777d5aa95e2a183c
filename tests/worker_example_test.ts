/**
 * `examples/worker/` as the README deploys it: installed through its own `package.json` (the
 * packed tarball), bundled by `npm run build` (wrangler 4.85.0, `deploy --dry-run`), and run in
 * workerd (Miniflare) against the local emulator: callers are authenticated with the
 * `COPY_API_TOKEN` secret (401, nothing sent, otherwise), destinations come from configuration
 * only, every typed failure has its HTTP status (503/504/502 when AWS is unreachable, slow or
 * failing), a missing or malformed setting is a 503 NotConfigured naming it (deployed with
 * wrangler.toml's vars as written, it names every setting to make and starts nothing), and no
 * secret reaches a response or the log.
 * Then `npx wrangler dev` with `.dev.vars` made from `.dev.vars.example`, as the README's recipe
 * says. Needs the npm registry (wrangler, aws4fetch); skipped, saying why, without it.
 */

import assert from "node:assert/strict";
import { Miniflare } from "miniflare";
import type { Readable } from "node:stream";
import { copyIdempotencyToken } from "../mod.ts";
import {
  CROSS_ACCOUNT_VAULT_ARN,
  DEFAULT_VAULT_NAME,
  DEMO_CREDENTIALS,
  DEMO_IAM_ROLE_ARN,
  DEMO_REGION,
  DR_VAULT_ARN,
  DR_VAULT_NAME,
  DR_VAULT_WEST_ARN,
  type Emulator,
  RECOVERY_POINT_OK_ARN,
  RECOVERY_POINT_PARTIAL_ARN,
  startEmulator,
} from "../emulator/mod.ts";
import {
  ensureTools,
  installExample,
  npmRegistryUnavailable,
  packedPackage,
  run,
  runOk,
} from "../testing/npm_package.ts";

const unavailable = await npmRegistryUnavailable();
if (unavailable) console.log(`SKIP Worker example tests: ${unavailable}`);

let installed: Promise<string> | undefined;
/** `examples/worker/` after `npm install` (wrangler from the example's own devDependencies). */
function workerExample(): Promise<string> {
  return installed ??= Promise.all([packedPackage(), ensureTools()])
    .then(([packed]) => installExample(packed, "worker"));
}

const test = (name: string, fn: (t: Deno.TestContext) => Promise<void>) =>
  Deno.test({
    name: unavailable ? `${name} (SKIP: ${unavailable})` : name,
    ignore: unavailable !== undefined,
    fn,
  });

const WRANGLER_ENV = { WRANGLER_SEND_METRICS: "false", CI: "1" };
/** The caller's secret in these tests (32 characters or more, as the Worker demands). */
const TOKEN = "worker-example-test-token-0123456789abcdef";

/** Other operations' names and one of their URIs: none may be in a startCopyJob-only bundle. */
const OTHER_OPERATIONS = [
  "ListCopyJobs",
  "DescribeCopyJob",
  "DeleteBackupVault",
  "CreateBackupPlan",
  "ListRecoveryPointsByBackupVault",
  "/backup/plans",
];

/** The Worker's configuration against `emulator`, as wrangler.toml and the secrets give it. */
function bindings(
  emulator: Emulator,
  changes: Record<string, string | undefined> = {},
) {
  const all: Record<string, string | undefined> = {
    COPY_API_TOKEN: TOKEN,
    AWS_ACCESS_KEY_ID: DEMO_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: DEMO_CREDENTIALS.secretAccessKey,
    AWS_REGION: DEMO_REGION,
    DESTINATION_VAULT_ARN: DR_VAULT_WEST_ARN,
    IAM_ROLE_ARN: DEMO_IAM_ROLE_ARN,
    SOURCE_VAULTS: DEFAULT_VAULT_NAME,
    DELETE_AFTER_DAYS: "35",
    AWS_CALL_TIMEOUT_MS: "4000",
    BACKUP_ENDPOINT: emulator.url,
    ...changes,
  };
  return Object.fromEntries(
    Object.entries(all).filter(([, v]) => v !== undefined),
  ) as Record<
    string,
    string
  >;
}

/** A port nothing listens on. */
function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

interface Answer {
  status: number;
  headers: Headers;
  json: Record<string, unknown>;
  text: string;
}

test("examples/worker/: npm install, npm run build; startCopyJob only, authenticated, configured, every failure its status", async (t) => {
  const project = await workerExample();
  // `npm run build` is `wrangler deploy --dry-run --outdir dist` (README), wrangler from the
  // example's own devDependencies.
  const manifest = JSON.parse(
    await Deno.readTextFile(`${project}/package.json`),
  );
  assert.equal(manifest.devDependencies.wrangler, "4.85.0");
  await runOk("npm", ["run", "build"], {
    cwd: project,
    env: { ...WRANGLER_ENV, HOME: project },
    timeoutMs: 120_000,
  });
  const toml = await Deno.readTextFile(`${project}/wrangler.toml`);
  assert.doesNotMatch(
    toml.replace(/#.*$/gm, ""),
    /nodejs_compat|compatibility_flags/,
  );
  // Deployed as written, the Worker has no destination: it refuses until one is configured.
  assert.match(toml, /^DESTINATION_VAULT_ARN = ""/m);
  assert.match(toml, /^IAM_ROLE_ARN = ""/m);
  const compatibilityDate = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(toml)![1];
  const scriptPath = `${project}/dist/index.js`;
  const code = await Deno.readTextFile(scriptPath);
  assert.doesNotMatch(code, /\bfrom\s*["']node:|\brequire\(/, "no Node APIs");
  assert.ok(code.includes("StartCopyJob") && code.includes("/copy-jobs"));
  for (const marker of OTHER_OPERATIONS) {
    assert.ok(
      !code.includes(marker),
      `the startCopyJob-only bundle contains ${marker}`,
    );
  }
  const gzip = await new Response(
    new Blob([code]).stream().pipeThrough(new CompressionStream("gzip")),
  ).arrayBuffer();
  console.log(
    `wrangler bundle: ${code.length} B minified, ${gzip.byteLength} B gzip`,
  );

  await using emulator = await startEmulator();
  const unreachable = `http://127.0.0.1:${closedPort()}`;
  const variants: Record<string, Record<string, string | undefined>> = {
    main: {},
    unreachable: { BACKUP_ENDPOINT: unreachable },
    slow: { AWS_CALL_TIMEOUT_MS: "300" },
    // The destination in the source Region and account, also on the source allow-list.
    "same-region": {
      DESTINATION_VAULT_ARN: DR_VAULT_ARN,
      SOURCE_VAULTS: `${DEFAULT_VAULT_NAME},${DR_VAULT_NAME}`,
    },
    "no-token": { COPY_API_TOKEN: undefined },
    "short-token": { COPY_API_TOKEN: "too-short" },
    "no-destination": {
      DESTINATION_VAULT_ARN: "",
      IAM_ROLE_ARN: undefined,
      DELETE_AFTER_DAYS: "x",
    },
    "no-secret-key": { AWS_SECRET_ACCESS_KEY: undefined },
    // A Region the client takes (it matches the aws partition's pattern) that no partition
    // lists, and an allow-list of separators only.
    "typos": { AWS_REGION: "us-est-1", SOURCE_VAULTS: " , " },
    "bad-values": {
      AWS_REGION: "us east 1",
      DESTINATION_VAULT_ARN: "dr-vault",
      IAM_ROLE_ARN: "AWSBackupDefaultServiceRole",
    },
  };
  // Deployed as written: wrangler.toml's [vars], no secret set (no test endpoint either).
  const asWritten = Object.fromEntries(
    [...toml.split(/^\[vars\]$/m)[1].matchAll(/^(\w+) = "([^"]*)"/gm)].map((
      [, k, v],
    ) => [k, v]),
  );
  assert.equal(
    asWritten.DESTINATION_VAULT_ARN,
    "",
    "control: the vars were read",
  );
  const log: string[] = [];
  const mf = new Miniflare({
    // Each Worker answers its own host name, so dispatchFetch can reach it.
    workers: Object.entries(variants).map(([name, changes]) => ({
      name,
      routes: [`${name}.test/*`],
      modules: true,
      scriptPath,
      // Module names are taken relative to this folder (the bundle is outside the repository).
      modulesRoot: `${project}/dist`,
      compatibilityDate,
      compatibilityFlags: [],
      bindings: bindings(emulator, changes),
    })).concat({
      name: "as-written",
      routes: ["as-written.test/*"],
      modules: true,
      scriptPath,
      modulesRoot: `${project}/dist`,
      compatibilityDate,
      compatibilityFlags: [],
      bindings: asWritten,
    }),
    handleRuntimeStdio(stdout: Readable, stderr: Readable) {
      stdout.on("data", (chunk: unknown) => log.push(String(chunk)));
      stderr.on("data", (chunk: unknown) => log.push(String(chunk)));
    },
  });
  const answers: Answer[] = [];
  const call = async (
    worker: string,
    body: unknown,
    init: { method?: string; authorization?: string | null } = {},
  ): Promise<Answer> => {
    const headers: Record<string, string> = {
      "content-type": "application/json",
    };
    const authorization = init.authorization === undefined ? `Bearer ${TOKEN}` : init.authorization;
    if (authorization !== null) headers.authorization = authorization;
    const method = init.method ?? "POST";
    const response = await mf.dispatchFetch(`http://${worker}.test/`, {
      method,
      headers,
      body: method === "POST" ? (typeof body === "string" ? body : JSON.stringify(body)) : null,
    });
    const text = await response.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text);
    } catch { /* asserted where it matters */ }
    const answer = {
      status: response.status,
      headers: response.headers,
      json,
      text,
    };
    answers.push(answer);
    return answer;
  };
  const input = {
    RecoveryPointArn: RECOVERY_POINT_OK_ARN,
    SourceBackupVaultName: DEFAULT_VAULT_NAME,
  };
  const sent = () => emulator.requests.length;

  try {
    await t.step(
      "no token, a wrong one, another scheme: 401, nothing sent",
      async () => {
        const wrong = [
          null,
          "",
          `Bearer ${TOKEN.slice(0, -1)}${TOKEN.endsWith("f") ? "e" : "f"}`, // last character
          `Bearer ${TOKEN.slice(0, -1)}`, // a prefix
          `Bearer ${TOKEN}x`,
          `Basic ${TOKEN}`,
          TOKEN,
        ];
        for (const authorization of wrong) {
          const answer = await call("main", input, { authorization });
          assert.equal(answer.status, 401, `${authorization}: ${answer.text}`);
          assert.match(
            answer.headers.get("www-authenticate") ?? "",
            /^Bearer /,
          );
        }
        assert.equal(sent(), 0, "nothing reached AWS");
      },
    );

    await t.step(
      "authenticated: 201; destination, role, lifecycle from configuration; once",
      async () => {
        const started = await call("main", input);
        assert.equal(started.status, 201, started.text);
        const [job] = emulator.jobs();
        assert.equal(started.json.CopyJobId, job.CopyJobId);
        assert.equal(started.json.requestId, emulator.requests[0].requestId);
        assert.equal(job.DestinationBackupVaultArn, DR_VAULT_WEST_ARN);
        const body = JSON.parse(emulator.requests[0].body);
        assert.equal(body.IamRoleArn, DEMO_IAM_ROLE_ARN);
        assert.deepEqual(body.Lifecycle, { DeleteAfterDays: 35 });
        assert.equal(
          body.IdempotencyToken,
          await copyIdempotencyToken(RECOVERY_POINT_OK_ARN, DR_VAULT_WEST_ARN),
        );
        for (const request of emulator.requests) {
          assert.equal(
            request.signatureValid,
            true,
            `${request.operation}: ${request.authError}`,
          );
        }
        // The same request again (a retry, a duplicate event), the scheme in lower case: one job.
        const again = await call("main", input, {
          authorization: `bearer ${TOKEN}`,
        });
        assert.equal(again.status, 201, again.text);
        assert.equal(again.json.CopyJobId, job.CopyJobId);
        assert.equal(emulator.jobs().length, 1);
      },
    );

    await t.step(
      "what the caller may not choose, or gets wrong: 400/403/405/413, nothing sent",
      async () => {
        const before = sent();
        const refused = await call("main", {
          ...input,
          DestinationBackupVaultArn: CROSS_ACCOUNT_VAULT_ARN,
          IamRoleArn: "arn:aws:iam::444455556666:role/attacker",
        });
        assert.equal(refused.status, 400, refused.text);
        assert.deepEqual(
          (refused.json.issues as { path: string }[]).map((i) => i.path),
          ["DestinationBackupVaultArn", "IamRoleArn"],
        );
        assert.match(
          String(refused.json.message),
          /the Worker's configuration/,
        );
        // A key that is simply unknown is told so, with the field it probably meant, not as
        // configuration.
        const misspelt = await call("main", {
          RecoveryPointArn: input.RecoveryPointArn,
          SourceVault: DEFAULT_VAULT_NAME,
          Colour: "blue",
        });
        assert.equal(misspelt.status, 400, misspelt.text);
        assert.deepEqual(misspelt.json.issues, [
          {
            path: "SourceVault",
            message: 'is unknown; did you mean "SourceBackupVaultName"?',
          },
          {
            path: "Colour",
            message:
              "is unknown: send RecoveryPointArn, SourceBackupVaultName, IdempotencyToken (optional)",
          },
          { path: "SourceBackupVaultName", message: "is required (a string)" },
        ]);
        const otherVault = await call("main", {
          RecoveryPointArn: RECOVERY_POINT_PARTIAL_ARN,
          SourceBackupVaultName: DR_VAULT_NAME,
        });
        assert.equal(otherVault.status, 403, otherVault.text);
        // A source that is the destination vault (configured in the source Region and account,
        // and on the allow-list by mistake): 400 naming the field.
        const intoItself = await call("same-region", {
          ...input,
          SourceBackupVaultName: DR_VAULT_NAME,
        });
        assert.equal(intoItself.status, 400, intoItself.text);
        assert.deepEqual(intoItself.json.issues, [{
          path: "SourceBackupVaultName",
          message: `is the Worker's destination vault (${DR_VAULT_ARN}): a recovery point is ` +
            `never copied into the vault it is in`,
        }]);
        assert.equal(sent(), before, "nothing reached AWS");
        // Control: the same Worker copies from its other source vault.
        assert.equal((await call("same-region", input)).status, 201);
        const copied = sent();
        for (
          const [body, path] of [
            [{}, "RecoveryPointArn"],
            [{ SourceBackupVaultName: DEFAULT_VAULT_NAME }, "RecoveryPointArn"],
            [{ ...input, RecoveryPointArn: "not-an-arn" }, "RecoveryPointArn"],
            [{
              ...input,
              RecoveryPointArn: RECOVERY_POINT_OK_ARN.replace(
                DEMO_REGION,
                "us-west-2",
              ),
            }, "RecoveryPointArn"],
            [{ ...input, SourceBackupVaultName: 7 }, "SourceBackupVaultName"],
            [{ ...input, IdempotencyToken: 1 }, "IdempotencyToken"],
            [[input], "(body)"],
          ] as const
        ) {
          const answer = await call("main", body);
          assert.equal(
            answer.status,
            400,
            `${JSON.stringify(body)}: ${answer.text}`,
          );
          assert.ok(
            (answer.json.issues as { path: string }[]).some((i) => i.path === path),
            `${JSON.stringify(body)} names ${path}: ${answer.text}`,
          );
        }
        assert.equal((await call("main", "{not json")).status, 400);
        assert.equal((await call("main", " ".repeat(17 * 1024))).status, 413);
        const get = await call("main", undefined, { method: "GET" });
        assert.equal(get.status, 405);
        assert.equal(get.headers.get("allow"), "POST");
        assert.equal(sent(), copied, "nothing else reached AWS");
      },
    );

    await t.step("AWS's answers: 404, 400, 429, 502, 503", async () => {
      const unknown = await call("main", {
        ...input,
        RecoveryPointArn: RECOVERY_POINT_OK_ARN.replace(
          /[0-9a-f-]+$/,
          "no-such-recovery-point",
        ),
      });
      assert.equal(unknown.status, 404, unknown.text);
      assert.equal(unknown.json.error, "ResourceNotFoundException");
      const cases: [Parameters<Emulator["injectFaults"]>, number, string][] = [
        [
          [{ status: 400, errorType: "InvalidParameterValueException" }],
          400,
          "InvalidParameterValueException",
        ],
        [
          Array(3).fill({ status: 400, errorType: "LimitExceededException" }),
          429,
          "LimitExceededException",
        ],
        [
          Array(3).fill({ status: 400, errorType: "ThrottlingException" }),
          429,
          "ThrottlingException",
        ],
        // AWS refusing the Worker's own credentials or role is not the caller's fault.
        [
          [{ status: 403, errorType: "AccessDeniedException" }],
          502,
          "AccessDeniedException",
        ],
        [
          Array(3).fill({ status: 500, errorType: "InternalFailure" }),
          502,
          "InternalFailure",
        ],
        [
          Array(3).fill({
            status: 503,
            errorType: "ServiceUnavailableException",
          }),
          503,
          "ServiceUnavailableException",
        ],
      ];
      for (const [faults, status, error] of cases) {
        emulator.injectFaults(...faults);
        const answer = await call("main", input);
        assert.equal(answer.status, status, `${error}: ${answer.text}`);
        assert.equal(answer.json.error, error);
        assert.equal(emulator.pendingFaults, 0, `${error}: every attempt made`);
      }
    });

    await t.step("AWS unreachable: 503; no answer in time: 504", async () => {
      const down = await call("unreachable", input);
      assert.equal(down.status, 503, down.text);
      assert.equal(down.json.error, "NetworkError");
      emulator.injectFaults(...Array(3).fill({ delayMs: 5_000 }));
      const slow = await call("slow", input);
      assert.equal(slow.status, 504, slow.text);
      assert.equal(slow.json.error, "RequestTimeoutError");
    });

    await t.step(
      "missing or bad configuration: 503 NotConfigured naming it, before anything, nothing sent",
      async () => {
        const before = sent();
        const notConfigured = async (
          worker: string,
          authorization?: string | null,
        ) => {
          const answer = await call(worker, input, { authorization });
          assert.equal(answer.status, 503, answer.text);
          assert.equal(answer.json.error, "NotConfigured");
          return answer.json as {
            message: string;
            missing: string[];
            invalid: string[];
          };
        };
        // As deployed from the repository: every setting to make, by name, to anyone.
        const unset = await notConfigured("as-written", null);
        assert.deepEqual(unset.missing, [
          "COPY_API_TOKEN",
          "AWS_ACCESS_KEY_ID",
          "AWS_SECRET_ACCESS_KEY",
          "AWS_REGION",
          "DESTINATION_VAULT_ARN",
          "IAM_ROLE_ARN",
        ]);
        assert.deepEqual(unset.invalid, []);
        const noToken = await notConfigured("no-token");
        assert.deepEqual(noToken.missing, ["COPY_API_TOKEN"]);
        assert.match(noToken.message, /COPY_API_TOKEN is not set/);
        const shortToken = await notConfigured(
          "short-token",
          "Bearer too-short",
        );
        assert.deepEqual(shortToken.invalid, ["COPY_API_TOKEN"]);
        assert.match(
          shortToken.message,
          /COPY_API_TOKEN must be 32 characters or more/,
        );
        const noDestination = await notConfigured("no-destination", null);
        assert.deepEqual(noDestination.missing, [
          "DESTINATION_VAULT_ARN",
          "IAM_ROLE_ARN",
        ]);
        assert.deepEqual(noDestination.invalid, ["DELETE_AFTER_DAYS"]);
        for (
          const problem of [
            "DESTINATION_VAULT_ARN is not set",
            "IAM_ROLE_ARN is not set",
            "DELETE_AFTER_DAYS must be a positive integer",
          ]
        ) {
          assert.match(noDestination.message, new RegExp(problem));
        }
        const noSecretKey = await notConfigured("no-secret-key");
        assert.deepEqual(noSecretKey.missing, ["AWS_SECRET_ACCESS_KEY"]);
        const badValues = await notConfigured("bad-values");
        assert.deepEqual(badValues.invalid.sort(), [
          "AWS_REGION",
          "DESTINATION_VAULT_ARN",
          "IAM_ROLE_ARN",
        ]);
        assert.match(
          badValues.message,
          /DESTINATION_VAULT_ARN must be a backup vault ARN/,
        );
        assert.match(
          badValues.message,
          /AWS_REGION must be an AWS Region this release lists/,
        );
        const typos = await notConfigured("typos");
        assert.deepEqual(typos.invalid, ["AWS_REGION", "SOURCE_VAULTS"]);
        assert.match(
          typos.message,
          /AWS_REGION must be an AWS Region this release lists; did you mean "us-east-1"\?; SOURCE_VAULTS must be one vault name or more/,
        );
        assert.doesNotMatch(typos.message, /us-est-1/);
        assert.equal(sent(), before, "nothing reached AWS");
      },
    );
  } finally {
    await mf.dispose();
  }

  await t.step("no secret in any answer or in the Worker's log", () => {
    const everything = [...answers.map((a) => a.text), ...log].join("\n");
    for (const secret of [TOKEN, DEMO_CREDENTIALS.secretAccessKey]) {
      assert.ok(!everything.includes(secret), "a secret was echoed");
    }
    // The log says what to fix.
    assert.match(
      log.join(""),
      /"error":"NotConfigured".*Configuration: COPY_API_TOKEN is not set/,
    );
  });
});

test("examples/worker/: the README's wrangler dev recipe with .dev.vars (git-ignored)", async () => {
  const project = await workerExample();
  // .dev.vars never goes into git: the repository's .gitignore and the example's own.
  const repoIgnores = await run("git", [
    "check-ignore",
    "-q",
    "examples/worker/.dev.vars",
  ], {
    cwd: new URL("../", import.meta.url).pathname,
  });
  assert.equal(
    repoIgnores.code,
    0,
    "the repository ignores examples/worker/.dev.vars",
  );
  await runOk("git", ["init", "-q"], { cwd: project });
  assert.equal(
    (await run("git", ["check-ignore", "-q", ".dev.vars"], { cwd: project }))
      .code,
    0,
  );
  assert.equal(
    (await run("git", ["check-ignore", "-q", ".dev.vars.example"], {
      cwd: project,
    })).code,
    1,
    ".dev.vars.example is committed",
  );

  await using emulator = await startEmulator();
  // `cp .dev.vars.example .dev.vars`, pointed at this test's emulator instead of port 8080.
  const example = await Deno.readTextFile(`${project}/.dev.vars.example`);
  assert.match(example, /^BACKUP_ENDPOINT="http:\/\/127\.0\.0\.1:8080"$/m);
  await Deno.writeTextFile(
    `${project}/.dev.vars`,
    example.replace("http://127.0.0.1:8080", emulator.url),
  );
  const token = /^COPY_API_TOKEN="([^"]+)"$/m.exec(example)![1];
  const port = closedPort();
  // `npx wrangler dev` runs this binary; run directly, it stops on SIGINT with its workerd.
  const dev = new Deno.Command(`${project}/node_modules/.bin/wrangler`, {
    args: ["dev", "--ip", "127.0.0.1", "--port", String(port)],
    cwd: project,
    // As docs/workers.md says: no fetch of workers.cloudflare.com/cf.json, so no ENOTFOUND stack.
    env: {
      ...WRANGLER_ENV,
      HOME: project,
      NO_COLOR: "1",
      CLOUDFLARE_CF_FETCH_ENABLED: "false",
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const output: string[] = [];
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      output.push(chunk);
    }
  };
  const reading = Promise.all([collect(dev.stdout), collect(dev.stderr)]);
  try {
    const deadline = Date.now() + 60_000;
    while (!/Ready on http/.test(output.join(""))) {
      if (Date.now() > deadline) {
        throw new Error(`wrangler dev did not start:\n${output.join("")}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const response = await fetch(`http://127.0.0.1:${port}/`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      body: JSON.stringify({
        RecoveryPointArn: RECOVERY_POINT_OK_ARN,
        SourceBackupVaultName: DEFAULT_VAULT_NAME,
      }),
    });
    const text = await response.text();
    assert.equal(response.status, 201, `${text}\n${output.join("")}`);
    // wrangler.toml leaves the destination empty: .dev.vars's values took its place.
    assert.equal(
      emulator.jobs()[0].DestinationBackupVaultArn,
      DR_VAULT_WEST_ARN,
    );
    assert.equal(JSON.parse(text).CopyJobId, emulator.jobs()[0].CopyJobId);
  } finally {
    dev.kill("SIGINT");
    const stopped = setTimeout(() => dev.kill("SIGKILL"), 15_000);
    await dev.status;
    clearTimeout(stopped);
    await reading;
  }
  assert.ok(
    !output.join("").includes(token),
    "wrangler dev hides the secrets it loads",
  );
  assert.doesNotMatch(output.join(""), /ENOTFOUND|workers\.cloudflare\.com/);
});
