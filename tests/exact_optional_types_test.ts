// Generated types under `exactOptionalPropertyTypes` (which `tsc --init` turns on since
// TypeScript 7): an optional member takes an explicit `undefined`, as in the AWS SDK v3, so
// `IdempotencyToken: env.TOKEN` compiles; a required member still does not. The snippet is
// type-checked with `deno check` under a config of its own that sets the option.
//
// And our own source under a consumer's options: Deno users import the TypeScript itself
// (deno.json "exports"), which Deno type-checks with THEIR compilerOptions, so every module those
// entry points reach must pass `strict`, `exactOptionalPropertyTypes` and `noImplicitOverride`.

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

/**
 * `deno check`s `files` (paths relative to a scratch folder in tests/.out/, which holds a
 * consumer's deno.json with `compilerOptions`); returns whether it passed, and its output.
 */
async function checkAsConsumer(
  compilerOptions: Record<string, boolean>,
  files: string[],
  scratch: Record<string, string> = {},
): Promise<{ success: boolean; output: string }> {
  const dir = new URL(`.out/exact-optional-${crypto.randomUUID().slice(0, 8)}/`, import.meta.url);
  await Deno.mkdir(dir, { recursive: true });
  try {
    await Deno.writeTextFile(new URL("deno.json", dir), JSON.stringify({ compilerOptions }));
    for (const [name, text] of Object.entries(scratch)) {
      await Deno.writeTextFile(new URL(name, dir), text);
    }
    const { success, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["check", "--quiet", "--config", new URL("deno.json", dir).pathname, ...files],
      cwd: dir.pathname,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const output = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
    return { success, output };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("generated optional members accept an explicit undefined under exactOptionalPropertyTypes", async () => {
  const { success, output } = await checkAsConsumer(
    { strict: true, exactOptionalPropertyTypes: true },
    ["snippet.ts"],
    { "snippet.ts": SNIPPET },
  );
  assert.ok(success, output);
});

/** A consumer's stricter options that Deno applies to the modules it imports from us. */
const CONSUMER_OPTIONS = {
  strict: true,
  exactOptionalPropertyTypes: true,
  noImplicitOverride: true,
};

Deno.test("every module the package exports type-checks under a consumer's exactOptionalPropertyTypes", async () => {
  const root = new URL("../", import.meta.url);
  const { exports } = JSON.parse(await Deno.readTextFile(new URL("deno.json", root)));
  const entries = Object.values(exports as Record<string, string>);
  assert.ok(entries.length >= 4 && entries.includes("./mod.ts"), String(entries));
  // From tests/.out/<scratch>/ to the repository's root.
  const files = entries.map((entry) => `../../../${entry.replace(/^\.\//, "")}`);
  const { success, output } = await checkAsConsumer(CONSUMER_OPTIONS, files);
  assert.ok(
    success,
    `deno check ${files.join(" ")} under ${JSON.stringify(CONSUMER_OPTIONS)}:\n${output}`,
  );
});
