// Generates a client from a model into a throwaway folder under tests/.out/ whose
// `runtime/` points at the repository's runtime, so the generated imports resolve.

import { generateFormatted } from "../codegen/main.ts";
import { generate, type GeneratedFiles } from "../codegen/generate.ts";
import { sha256Hex } from "../codegen/model_source.ts";

const OUT = new URL("../tests/.out/", import.meta.url);
const RUNTIME = new URL("../runtime/", import.meta.url);

/** Where a generated client was written. */
export interface GeneratedClient {
  /** The folder holding `generated/` and a `runtime` link. */
  root: URL;
  /** `root/generated/`. */
  generated: URL;
  files: GeneratedFiles;
}

/**
 * Writes a client generated from `modelText` (unformatted unless `format` is set) into a new
 * folder `tests/.out/<name>-<random>/generated/`.
 */
export async function generateInto(
  name: string,
  modelText: string,
  options: { format?: boolean; operations?: string[]; service?: string } = {},
): Promise<GeneratedClient> {
  const root = new URL(`${name}-${crypto.randomUUID().slice(0, 8)}/`, OUT);
  const generated = new URL("generated/", root);
  await Deno.mkdir(generated, { recursive: true });
  await Deno.symlink(RUNTIME.pathname, new URL("runtime", root).pathname);
  let files: GeneratedFiles;
  if (options.format) {
    const path = new URL("model.json", root);
    await Deno.writeTextFile(path, modelText);
    files = (await generateFormatted({ ...options, model: path.pathname })).files;
  } else {
    const sha256 = await sha256Hex(new TextEncoder().encode(modelText));
    files = await generate({ modelText, sha256, ...options });
  }
  for (const [file, text] of files) await Deno.writeTextFile(new URL(file, generated), text);
  return { root, generated, files };
}

/** Type-checks TypeScript files with `deno check`; resolves to its output on failure. */
export async function typeCheck(files: URL[]): Promise<{ ok: boolean; output: string }> {
  const { success, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    // --no-config: deno.json excludes tests/.out/, and `deno check` silently skips excluded
    // files; the generated code needs no import map anyway.
    args: ["check", "--quiet", "--no-config", ...files.map((f) => f.pathname)],
    cwd: new URL("../", import.meta.url).pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { ok: success, output: decode(stdout) + decode(stderr) };
}
