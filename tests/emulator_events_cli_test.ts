/**
 * The emulator's event flags as users run them — `deno task emulator -- --events-to URL
 * --events-api-key-env VAR …` as a subprocess — delivering to a handler on this machine: backups
 * on a timer, each COMPLETED event twice at once, one copy job per recovery point; the key read
 * from the environment and never printed; mistakes in the flags one line and exit status 2.
 */

import assert from "node:assert/strict";
import { BackupClient, type CopyRule, eventBridgeHandler, listCopyJobs } from "../mod.ts";
import {
  DEFAULT_VAULT_NAME,
  DEMO_CREDENTIALS,
  DEMO_IAM_ROLE_ARN,
  DEMO_REGION,
  DR_VAULT_WEST_ARN,
} from "../emulator/mod.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const KEY_ENV = "LOCAL_EVENTBRIDGE_KEY";
const KEY = "cli-connection-key-0123456789abcdef";
const HEADER = "x-backup-edge-key";
const RULES: CopyRule[] = [{
  sourceBackupVaults: [DEFAULT_VAULT_NAME],
  destinationBackupVaultArn: DR_VAULT_WEST_ARN,
  iamRoleArn: DEMO_IAM_ROLE_ARN,
}];

Deno.test("deno task emulator -- --events-to …: backups on a timer, each event twice at once, one copy each", async () => {
  // Answers 503 (EventBridge retries) until the emulator's URL is known and the handler made.
  let handler = (_: Request) => Promise.resolve(new Response(null, { status: 503 }));
  const keys = new Set<string | null>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    keys.add(request.headers.get(HEADER));
    return handler(request);
  });
  const target = `http://127.0.0.1:${server.addr.port}/`;
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "task",
      "emulator",
      "--",
      "--port",
      "0",
      "--job-duration-ms",
      "300",
      "--events-to",
      target,
      "--events-api-key-env",
      KEY_ENV,
      "--events-completed-only",
      "--events-times",
      "2",
      "--events-concurrent",
      "--backup-every",
      "600",
    ],
    cwd: ROOT,
    env: { [KEY_ENV]: KEY, NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let output = "";
  const readUntil = async (done: (text: string) => boolean) => {
    const deadline = setTimeout(() => lines.cancel("no such output within 60 s"), 60_000);
    try {
      while (!done(output)) {
        const { value, done: ended } = await lines.read();
        if (ended) throw new Error(`the emulator stopped:\n${output}\n${await stderr}`);
        output += value;
      }
    } finally {
      clearTimeout(deadline);
    }
  };
  try {
    await readUntil((text) => text.includes("Press Ctrl-C"));
    const url = /listening on (http:\/\/\S+)/.exec(output)![1];
    assert.match(
      output,
      new RegExp(
        `events to ${target} with header ${HEADER} \\(the value of \\$${KEY_ENV}\\): ` +
          `each twice at once,`,
      ),
    );
    const client = new BackupClient({
      region: DEMO_REGION,
      endpoint: url,
      credentials: { ...DEMO_CREDENTIALS },
    });
    handler = eventBridgeHandler({
      client,
      rules: RULES,
      authorization: { apiKey: { name: HEADER, value: KEY } },
      log: false,
    });
    // Two backups, each with its events delivered twice, until both copies' Copy Job events
    // were answered.
    const copied = /event Copy Job State Change COMPLETED \S+ to \S+ -> 200/g;
    await readUntil((text) => (text.match(copied) ?? []).length >= 4);
    const points = [...output.matchAll(/recovery point (arn:\S+)/g)].map((m) => m[1]);
    const completed = [
      ...output.matchAll(
        /event Backup Job State Change COMPLETED (\S+) to \S+ -> (\d+) \(delivery (\d)/g,
      ),
    ];
    // Each backup's COMPLETED event, delivery 1 and 2.
    const firstTwo = completed.filter((m) => m[2] === "200").slice(0, 4);
    assert.deepEqual(firstTwo.map((m) => m[3]).sort(), ["1", "1", "2", "2"]);
    const { CopyJobs } = await listCopyJobs(client, { ByDestinationVaultArn: DR_VAULT_WEST_ARN });
    const sources = CopyJobs!.map((j) => j.SourceRecoveryPointArn);
    for (const point of points.slice(0, 2)) {
      assert.equal(sources.filter((s) => s === point).length, 1, `one copy of ${point}`);
    }
    assert.equal(new Set(sources).size, sources.length, "no recovery point copied twice");
    assert.deepEqual([...keys], [KEY], "every delivery carried the connection's key");
  } finally {
    child.kill("SIGINT");
    for (;;) {
      const { value, done } = await lines.read().catch(() => ({ value: "", done: true }));
      if (done) break;
      output += value;
    }
    await server.shutdown();
  }
  // The emulator stops cleanly; `deno task` itself reports the SIGINT (130).
  assert.ok([0, 130].includes((await child.status).code), await stderr);
  assert.match(output, /Stopping\./);
  assert.ok(!output.includes(KEY) && !(await stderr).includes(KEY), "the key is never printed");
});

Deno.test("deno task emulator: the event flags' mistakes are one line naming the flag, exit 2, the key never shown", async () => {
  const task = async (args: string[], env: Record<string, string> = {}) => {
    const out = await new Deno.Command("npx", {
      args: ["-y", "deno@2.9.6", "task", "emulator", "--", ...args],
      cwd: ROOT,
      env: { NO_COLOR: "1", ...env },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr).split("\n")
      .filter((l) => l && !/\bTask\b.*emulator/.test(l))[0];
    return { code: out.code, stderr, stdout: new TextDecoder().decode(out.stdout) };
  };
  const cases: [string[], Record<string, string>, RegExp][] = [
    [["--events-to", "http://127.0.0.1:8787/"], {}, /^--events-to needs --events-api-key-env VAR/],
    [
      ["--events-to", "http://127.0.0.1:8787/", "--events-api-key-env", KEY_ENV],
      {},
      new RegExp(`^--events-api-key-env: environment variable ${KEY_ENV} is not set$`),
    ],
    [
      ["--events-to", "http://example.com/", "--events-api-key-env", KEY_ENV],
      { [KEY_ENV]: KEY },
      /^--events-to: the emulator may not connect to example\.com .*--allow-net=127\.0\.0\.1,example\.com$/,
    ],
    [["--events-to", "ftp://127.0.0.1/"], {}, /^--events-to needs an http or https URL/],
    [["--events-times", "2"], {}, /^--events-times needs --events-to URL$/],
    [
      [
        "--events-to",
        "http://127.0.0.1:8787/",
        "--events-api-key-env",
        KEY_ENV,
        "--events-drop-rate",
        "2",
      ],
      { [KEY_ENV]: KEY },
      /^--events-drop-rate needs a number from 0 to 1, got 2$/,
    ],
    // A secret as an argument is no option at all (it would show in ps and shell history).
    // The flag it probably meant reads the key from a variable.
    [
      ["--events-api-key", KEY],
      {},
      /^Unknown option --events-api-key; did you mean --events-api-key-env\?$/m,
    ],
  ];
  for (const [args, env, message] of cases) {
    const result = await task(args, env);
    assert.equal(result.code, 2, args.join(" "));
    assert.match(result.stderr, message);
  }
  const help = await task(["--help"]);
  assert.equal(help.code, 0);
  for (const flag of ["--events-to URL", "--events-api-key-env VAR", "--backup-every MS"]) {
    assert.ok(help.stdout.includes(flag), flag);
  }
});
