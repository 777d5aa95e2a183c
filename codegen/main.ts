/**
 * `deno task codegen [--model PATH|URL|DATE] [--out DIR] [--check] [--operations A,B]`
 *
 * Generates the client from a Smithy model into `generated/` (or `--out`). With `--check`,
 * writes nothing and exits 1 naming the files that differ from what it would write.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { generate, type GeneratedFiles } from "./generate.ts";
import { loadModelSource } from "./model_source.ts";

const DEFAULT_OUT = new URL("../generated/", import.meta.url);

/** Formats TypeScript text exactly as `deno fmt` does with the project's settings. */
export async function formatTypeScript(text: string): Promise<string> {
  const command = new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--no-config", "--line-width=100", "--ext=ts", "-"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  });
  const child = command.spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
  const { success, stdout, stderr } = await child.output();
  if (!success) throw new Error(`deno fmt failed:\n${new TextDecoder().decode(stderr)}`);
  return new TextDecoder().decode(stdout);
}

/** Generates and formats every file. */
export async function generateFormatted(
  options: { model?: string; service?: string; operations?: string[] },
): Promise<{ files: GeneratedFiles; sha256: string; origin: string }> {
  const source = await loadModelSource(options.model);
  const raw = await generate({
    modelText: source.text,
    sha256: source.sha256,
    service: options.service,
    operations: options.operations,
  });
  const files: GeneratedFiles = new Map();
  await Promise.all([...raw].map(async ([name, text]) => {
    files.set(name, await formatTypeScript(text));
  }));
  return { files: new Map([...files].sort(([a], [b]) => a < b ? -1 : 1)), ...source };
}

/** Names the files under `dir` that differ from `files` (or are missing or extra). */
export async function differingFiles(files: GeneratedFiles, dir: URL): Promise<string[]> {
  const differing: string[] = [];
  for (const [name, text] of files) {
    const current = await Deno.readTextFile(new URL(name, dir)).catch(() => undefined);
    if (current !== text) differing.push(name);
  }
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isFile && !files.has(entry.name)) differing.push(entry.name);
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return differing.sort();
}

async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      model: { type: "string" },
      out: { type: "string" },
      service: { type: "string" },
      operations: { type: "string" },
      check: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(
      "deno task codegen [--model PATH|URL|YYYY-MM-DD] [--out DIR] [--check] " +
        "[--service ID] [--operations A,B]",
    );
    return 0;
  }
  const out = values.out
    ? new URL(`${values.out.replace(/\/?$/, "/")}`, `file://${Deno.cwd()}/`)
    : DEFAULT_OUT;
  const { files, sha256, origin } = await generateFormatted({
    model: values.model,
    service: values.service,
    operations: values.operations?.split(",").map((s) => s.trim()).filter(Boolean),
  });
  const differing = await differingFiles(files, out);
  if (values.check) {
    if (differing.length) {
      console.error(`generated/ is out of date (model sha256 ${sha256}); these files differ:`);
      for (const name of differing) console.error(`  ${name}`);
      console.error("Run `deno task codegen` and commit the result.");
      return 1;
    }
    console.log(`generated/ matches the model (sha256 ${sha256}).`);
    return 0;
  }
  await Deno.mkdir(out, { recursive: true });
  for (const name of differing) {
    if (files.has(name)) await Deno.writeTextFile(new URL(name, out), files.get(name)!);
    else await Deno.remove(new URL(name, out));
  }
  console.log(
    `Generated ${files.size} files from ${origin} (sha256 ${sha256}); ${differing.length} changed.`,
  );
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
