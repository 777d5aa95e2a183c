/**
 * Running the CLIs in tests: as users do (a subprocess through `npx -y deno@2.9.6 task <name> --
 * …`, the README's syntax) or in process with captured outputs; the emulator's credentials in the
 * environment; and the checks every output gets (no secret, no bare `deno` command).
 */

import assert from "node:assert/strict";
import {
  DEFAULT_VAULT_NAME,
  DEMO_CREDENTIALS,
  DEMO_IAM_ROLE_ARN,
  DEMO_REGION,
  DEMO_SESSION_CREDENTIALS,
  DR_VAULT_WEST_ARN,
  type Emulator,
  RECOVERY_POINT_OK_ARN,
} from "../../emulator/mod.ts";
import { SOURCE_VAULT } from "./copy_vault_fixtures.ts";
import type { CliIo } from "../../cli/io.ts";

/** The repository's root, where `deno task` runs. */
export const ROOT = new URL("../../", import.meta.url).pathname;

/** The environment of a CLI run: the emulator's credentials and Region. */
export const ENV: Record<string, string> = {
  AWS_ACCESS_KEY_ID: DEMO_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: DEMO_CREDENTIALS.secretAccessKey,
  AWS_REGION: DEMO_REGION,
  AWS_SESSION_TOKEN: "",
  NO_COLOR: "1",
};

/** ENV with the emulator's temporary (session) credentials. */
export const SESSION_ENV: Record<string, string> = {
  ...ENV,
  AWS_ACCESS_KEY_ID: DEMO_SESSION_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: DEMO_SESSION_CREDENTIALS.secretAccessKey,
  AWS_SESSION_TOKEN: DEMO_SESSION_CREDENTIALS.sessionToken!,
};

/** What a CLI run left. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npx -y deno@2.9.6 task <name> -- <args>` in the repository, as the README shows. */
export function task(
  name: string,
  args: string[],
  env: Record<string, string> = ENV,
): Promise<Run> {
  return run("npx", ["-y", "deno@2.9.6", "task", name, "--", ...args], env);
}

/** `command` with `args` in the repository (e.g. `sh -c LINE`, a line as a user pastes it). */
export async function run(
  command: string,
  args: string[],
  env: Record<string, string> = ENV,
): Promise<Run> {
  const output = await new Deno.Command(command, {
    args,
    cwd: ROOT,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** An in-process CLI's outputs, captured; `err` may also react to what is written. */
export function capture(options: Partial<CliIo> = {}): {
  io: CliIo;
  text: { out: string; err: string };
} {
  const text = { out: "", err: "" };
  const io: CliIo = {
    out: (t) => text.out += t,
    err: (t) => text.err += t,
    errIsTerminal: false,
    ...options,
  };
  return { io, text };
}

/** A word `deno` that is not `deno@2.9.6` (nor `deno.json`, `deno.lock`): a bare command. */
export const BARE_DENO = /(?<![\w./-])deno(?![@.\w-])/;

/** The secrets the tests' environments hold; no output may contain them. */
const SECRETS = [
  DEMO_CREDENTIALS.secretAccessKey,
  DEMO_SESSION_CREDENTIALS.secretAccessKey,
  DEMO_SESSION_CREDENTIALS.sessionToken!,
];

/** Fails when any text holds a secret of the tests' environments. */
export function assertNoSecret(...texts: string[]): void {
  for (const text of texts) {
    for (const secret of SECRETS) {
      assert.ok(!text.includes(secret), `a secret was printed: ${text}`);
    }
  }
}

/** A captured io whose SIGINT listener is called once `when` holds for a text written to stderr. */
export function interruptedWhen(when: (text: string) => boolean): ReturnType<typeof capture> {
  let interrupt = () => {};
  const captured = capture({
    onInterrupt: (listener) => {
      interrupt = listener;
      return () => interrupt = () => {};
    },
  });
  const err = captured.io.err;
  captured.io.err = (t) => {
    err(t);
    if (when(t)) interrupt();
  };
  return captured;
}

/**
 * `empty` ran copy-vault (either mode) with `--resource-type S3` on the seeded vault of `held`
 * recovery points, `allowed` the same with `--allow-empty --json`: the first is not ok (exit 1)
 * and says why in the command line's words, the second is ok with no entries.
 */
export function assertNothingSelected(empty: Run, allowed: Run, held: number): void {
  assert.equal(empty.code, 1, empty.stderr);
  const why = `^Not ok: NOTHING_SELECTED: no recovery point of vault prod \\(it holds ${held}\\) ` +
    `matched the filters AWS applied \\(ByResourceType\\) \\(pass --allow-empty if an empty run ` +
    `is expected\\)\\.$`;
  assert.match(empty.stdout, new RegExp(why, "m"));
  assert.equal(allowed.code, 0, allowed.stderr);
  const none = JSON.parse(allowed.stdout);
  assert.deepEqual([none.ok, none.failure, none.entries], [true, undefined, []]);
}

/** `copy`'s flags for the emulator's demo recovery point to its us-west-2 vault, then `more`. */
export function copyArgs(emulator: Emulator, ...more: string[]): string[] {
  return [
    "--recovery-point-arn",
    RECOVERY_POINT_OK_ARN,
    "--source-vault",
    DEFAULT_VAULT_NAME,
    "--destination-vault-arn",
    DR_VAULT_WEST_ARN,
    "--iam-role-arn",
    DEMO_IAM_ROLE_ARN,
    "--endpoint",
    emulator.url,
    ...more,
  ];
}

/** `copy-vault`'s flags for the seeded vault (`vaultSeed`) to the us-west-2 vault, then `more`. */
export function copyVaultArgs(emulator: Emulator, ...more: string[]): string[] {
  return [
    "--source-vault",
    SOURCE_VAULT,
    "--destination-vault-arn",
    DR_VAULT_WEST_ARN,
    "--iam-role-arn",
    DEMO_IAM_ROLE_ARN,
    "--endpoint",
    emulator.url,
    "--poll-interval-ms",
    "20",
    ...more,
  ];
}
