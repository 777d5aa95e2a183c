// Generated types under `exactOptionalPropertyTypes` (which `tsc --init` turns on since
// TypeScript 7): an optional member takes an explicit `undefined`, as in the AWS SDK v3, so
// `IdempotencyToken: env.TOKEN` compiles; a required member still does not. The snippet is
// type-checked with `deno check` under a config of its own that sets the option.

import assert from "node:assert/strict";

const SNIPPET = `
import type {
  Lifecycle,
  ListCopyJobsInput,
  StartCopyJobInput,
  TagResourceInput,
} from "../../../generated/types.ts";

const env: Record<string, string | undefined> = {};

const lifecycle: Lifecycle = {
  DeleteAfterDays: Number(env.DAYS) || undefined,
  MoveToColdStorageAfterDays: undefined,
};
export const input: StartCopyJobInput = {
  RecoveryPointArn: "arn:aws:backup:us-east-1:111122223333:recovery-point:1",
  SourceBackupVaultName: "Default",
  DestinationBackupVaultArn: "arn:aws:backup:us-west-2:111122223333:backup-vault:dr",
  IamRoleArn: "arn:aws:iam::111122223333:role/backup",
  IdempotencyToken: env.TOKEN,
  Lifecycle: lifecycle,
};
export const page: ListCopyJobsInput = { NextToken: env.NEXT, MaxResults: undefined };
export const tags: TagResourceInput = { ResourceArn: "arn", Tags: { team: "dr" } };

// A required member still refuses undefined.
// @ts-expect-error IamRoleArn is required
export const missing: StartCopyJobInput = { ...input, IamRoleArn: undefined };

// The option is on: a property typed without \`| undefined\` refuses an explicit undefined.
interface WithoutUndefined {
  a?: string;
}
// @ts-expect-error exactOptionalPropertyTypes
export const strict: WithoutUndefined = { a: undefined };
`;

Deno.test("generated optional members accept an explicit undefined under exactOptionalPropertyTypes", async () => {
  const dir = new URL(`.out/exact-optional-${crypto.randomUUID().slice(0, 8)}/`, import.meta.url);
  await Deno.mkdir(dir, { recursive: true });
  try {
    const config = { compilerOptions: { strict: true, exactOptionalPropertyTypes: true } };
    await Deno.writeTextFile(new URL("deno.json", dir), JSON.stringify(config));
    await Deno.writeTextFile(new URL("snippet.ts", dir), SNIPPET);
    const { success, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["check", "--quiet", "--config", new URL("deno.json", dir).pathname, "snippet.ts"],
      cwd: dir.pathname,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const output = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
    assert.ok(success, output);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
