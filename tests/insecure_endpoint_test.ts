/**
 * A plain `http:` endpoint on a host that is not loopback, over real sockets: refused before
 * anything is sent (the session token would cross the network unencrypted), accepted with
 * `allowInsecureEndpoint: true` — in the library, and in the CLIs as users run them
 * (`npx -y deno@2.9.6 task copy -- …`, where the opt-in is BACKUP_EDGE_ALLOW_INSECURE_ENDPOINT=1
 * and the refusal is one line naming `--endpoint`).
 */

import assert from "node:assert/strict";
import {
  DEFAULT_VAULT_NAME,
  DEMO_IAM_ROLE_ARN,
  DEMO_REGION,
  DEMO_SESSION_CREDENTIALS,
  DR_VAULT_WEST_ARN,
  type Emulator,
  RECOVERY_POINT_OK_ARN,
  startEmulator,
} from "../emulator/mod.ts";
import { BackupClient, listBackupVaults, ValidationError } from "../mod.ts";
import { main as copyVault } from "../cli/copy_vault.ts";
import { run } from "../testing/npm_package.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const ENV = {
  AWS_ACCESS_KEY_ID: DEMO_SESSION_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: DEMO_SESSION_CREDENTIALS.secretAccessKey,
  AWS_SESSION_TOKEN: DEMO_SESSION_CREDENTIALS.sessionToken!,
  AWS_REGION: DEMO_REGION,
  NO_COLOR: "1",
};

/**
 * An IPv4 address of this machine that is not loopback, for a server other hosts could reach;
 * undefined on a machine with none (the tests that need one say so and skip).
 */
function networkAddress(): string | undefined {
  return Deno.networkInterfaces().find((i) => i.family === "IPv4" && !i.address.startsWith("127."))
    ?.address;
}

/** Runs `fn` with an emulator listening on `hostname`. */
async function withEmulator(hostname: string, fn: (emulator: Emulator) => Promise<void>) {
  const emulator = await startEmulator({ hostname });
  try {
    await fn(emulator);
  } finally {
    await emulator.close();
  }
}

Deno.test("the library: an http: endpoint on a network address is refused, sent only when allowed", async (t) => {
  const address = networkAddress();
  if (!address) {
    console.log("skipped: this machine has no IPv4 address other than loopback");
    return;
  }
  await withEmulator(address, async (emulator) => {
    assert.ok(emulator.url.startsWith(`http://${address}:`), emulator.url);
    const config = { region: DEMO_REGION, credentials: DEMO_SESSION_CREDENTIALS };
    await t.step("refused at construction: nothing sent", () => {
      assert.throws(
        () => new BackupClient({ ...config, endpoint: emulator.url }),
        (e) =>
          e instanceof ValidationError && e.issues.length === 1 &&
          e.issues[0].path === "endpoint" && /allowInsecureEndpoint/.test(e.message),
      );
      assert.equal(emulator.requests.length, 0);
    });
    await t.step("allowInsecureEndpoint: true: a real call, the token in cleartext", async () => {
      const client = new BackupClient({
        ...config,
        endpoint: emulator.url,
        allowInsecureEndpoint: true,
      });
      const vaults = await listBackupVaults(client, {});
      assert.ok(vaults.BackupVaultList?.some((v) => v.BackupVaultName === DEFAULT_VAULT_NAME));
      const [request] = emulator.requests;
      assert.equal(request.signatureValid, true, request.authError);
      // What the refusal protects: this header crossed the network unencrypted.
      assert.equal(request.headers["x-amz-security-token"], DEMO_SESSION_CREDENTIALS.sessionToken);
    });
  });
});

/** `npx -y deno@2.9.6 task copy -- <args>` in the repository, as the README shows. */
const copyTask = (args: string[], env: Record<string, string> = {}) =>
  run("npx", ["-y", "deno@2.9.6", "task", "copy", "--", ...args], {
    cwd: ROOT,
    env: { ...ENV, ...env },
  });

const copyArgs = (endpoint: string) => [
  "--recovery-point-arn",
  RECOVERY_POINT_OK_ARN,
  "--source-vault",
  DEFAULT_VAULT_NAME,
  "--destination-vault-arn",
  DR_VAULT_WEST_ARN,
  "--iam-role-arn",
  DEMO_IAM_ROLE_ARN,
  "--endpoint",
  endpoint,
];

/**
 * The line of a CLI's stderr that names `--endpoint`, checked to be the first one (after the
 * `Task copy …` line `deno task` prints).
 */
function endpointLine(stderr: string): string {
  const [first] = stderr.split("\n").filter((line) => !line.startsWith("Task "));
  assert.match(first, /^--endpoint must be https: unless its host is loopback/, stderr);
  return first;
}

Deno.test("the CLIs: one line naming --endpoint; BACKUP_EDGE_ALLOW_INSECURE_ENDPOINT=1 allows it", async (t) => {
  await t.step(
    "deno task copy: refused, exit 2, the way out named for the command line",
    async () => {
      const refused = await copyTask(copyArgs("http://localstack:4566"));
      assert.equal(refused.code, 2, refused.stderr);
      const line = endpointLine(refused.stderr);
      assert.match(line, /BACKUP_EDGE_ALLOW_INSECURE_ENDPOINT=1 accepts that/);
      assert.ok(!line.includes("allowInsecureEndpoint"), line);
      assert.ok(!refused.stderr.includes(DEMO_SESSION_CREDENTIALS.sessionToken!));
    },
  );
  await t.step("copy-vault: the same line", async () => {
    let err = "";
    // copy's flags but the recovery point: --source-vault … --endpoint.
    const args = copyArgs("http://localstack:4566").slice(2);
    const code = await copyVault(args, ENV, {
      out: () => {},
      err: (text) => err += text,
      errIsTerminal: false,
    });
    assert.equal(code, 2, err);
    assert.match(endpointLine(err), /BACKUP_EDGE_ALLOW_INSECURE_ENDPOINT=1 accepts that/);
  });
  const address = networkAddress();
  if (!address) {
    console.log("skipped the allowed run: this machine has no IPv4 address other than loopback");
    return;
  }
  await t.step("deno task copy with the variable set: the copy job starts", async () => {
    await withEmulator(address, async (emulator) => {
      const run = await copyTask(copyArgs(emulator.url), {
        BACKUP_EDGE_ALLOW_INSECURE_ENDPOINT: "1",
      });
      assert.equal(run.code, 0, run.stderr);
      const [job] = emulator.jobs();
      assert.match(run.stdout, new RegExp(`^CopyJobId ${job.CopyJobId}$`, "m"));
      // Any other value is not the opt-in.
      const other = await copyTask(copyArgs(emulator.url), {
        BACKUP_EDGE_ALLOW_INSECURE_ENDPOINT: "true",
      });
      assert.equal(other.code, 2, other.stderr);
      endpointLine(other.stderr);
      assert.equal(emulator.jobs().length, 1);
    });
  });
});
