/**
 * `deno task codegen [--model PATH|URL|DATE] [--out DIR] [--check] [--operations A,B]`
 * `deno task codegen --diff OLD NEW`
 *
 * Generates the client from a Smithy model into `generated/` (or `--out`). With `--check`,
 * writes nothing and exits 1 naming the files that differ from what it would write. When it
 * rewrites files, it prints what changed for callers since the model `generated/` was made
 * from. With `--diff`, prints what changed for callers between two models and writes nothing.
 *
 * Generated files import the runtime through a relative path: `../runtime/` in `generated/`,
 * and from an `--out` folder elsewhere the path to this checkout's `runtime/`.
 *
 * Exit status: 0 done (or up to date), 1 `--check` found stale files, 2 an error (printed as
 * one line: a missing or unreadable model, not JSON, not a Smithy JSON AST, not restJson1, an
 * unknown service or operation).
 *
 * @module
 */

import { relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { diffServices, formatReport } from "./diff.ts";
import { generate, type GeneratedFiles } from "./generate.ts";
import { loadService } from "./loader.ts";
import { checkModel } from "./model_check.ts";
import { loadModelSource, MODEL_PINS, type ModelSource } from "./model_source.ts";
import { LINE_WIDTH } from "./project.ts";

const DEFAULT_OUT = new URL("../generated/", import.meta.url);
const RUNTIME = new URL("../runtime/", import.meta.url);

/**
 * Formats TypeScript text as `deno fmt` does with the project's settings, to its fixed point:
 * one pass of dprint is not always stable (a long `extends Base<…>` clause is wrapped one way,
 * then another), and `deno fmt --check` must accept what codegen writes.
 */
export async function formatTypeScript(text: string): Promise<string> {
  let formatted = await formatOnce(text);
  for (let pass = 0; pass < 3; pass++) {
    const again = await formatOnce(formatted);
    if (again === formatted) return formatted;
    formatted = again;
  }
  throw new Error("deno fmt did not reach a fixed point in 4 passes");
}

async function formatOnce(text: string): Promise<string> {
  const command = new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--no-config", `--line-width=${LINE_WIDTH}`, "--ext=ts", "-"],
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

/**
 * The import path of the runtime folder from files written to `out`, ending in `/`.
 *
 * @default `../runtime/` for `generated/`
 */
export function runtimeImportFor(out: URL): string {
  const path = relative(out.pathname, RUNTIME.pathname).replaceAll("\\", "/");
  return `${path.startsWith(".") ? path : `./${path}`}/`;
}

/**
 * Resolves a path given on the command line against the folder the user ran `deno task` in
 * (`INIT_CWD`; `deno task` itself runs in the folder of `deno.json`). URLs, pinned dates and
 * absolute paths are returned as they are.
 */
export function invocationPath(path: string): string {
  if (/^(https?:\/\/|\d{4}-\d{2}-\d{2}$|\/)/.test(path)) return path;
  return resolve(Deno.env.get("INIT_CWD") ?? Deno.cwd(), path);
}

/** Generates and formats every file. */
export async function generateFormatted(
  options: {
    model?: string;
    /** An already loaded model; wins over `model`. */
    source?: ModelSource;
    service?: string;
    operations?: string[];
    /** Import path of the runtime folder, ending in `/`. @default "../runtime/" */
    runtimeImport?: string;
  },
): Promise<{ files: GeneratedFiles } & ModelSource> {
  const source = options.source ?? await loadModelSource(options.model);
  const raw = await generate({
    modelText: source.text,
    sha256: source.sha256,
    service: options.service,
    operations: options.operations,
  });
  const runtime = options.runtimeImport ?? "../runtime/";
  const files: GeneratedFiles = new Map();
  await Promise.all([...raw].map(async ([name, text]) => {
    const imports = text.replace(/(["'])\.\.\/runtime\//g, (_, quote) => quote + runtime);
    files.set(name, await formatTypeScript(imports));
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

/** What changed for callers from one model (pinned date, path or URL) to another. */
export async function modelChangeReport(
  older: string | ModelSource,
  newer: string | ModelSource,
  service?: string,
): Promise<string> {
  const [a, b] = await Promise.all(
    [older, newer].map((m) => typeof m === "string" ? loadModelSource(m) : m),
  );
  // A file that is not a usable model is refused naming it, as when generating.
  for (const m of [a, b]) checkModel(m.text, m.origin, service);
  const changes = diffServices(
    loadService(a.text, { service }),
    loadService(b.text, { service }),
  );
  return formatReport(changes, { older: a.date ?? a.origin, newer: b.date ?? b.origin });
}

/** The model sha256s named in the headers of the generated files under `dir`. */
export async function generatedModelSha256s(dir: URL): Promise<string[]> {
  const found = new Set<string>();
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (!entry.isFile || !entry.name.endsWith(".ts")) continue;
      const head = (await Deno.readTextFile(new URL(entry.name, dir))).slice(0, 1000);
      const sha256 = head.match(/^\/\/ sha256 ([0-9a-f]{64})\. Do not edit/m)?.[1];
      if (sha256) found.add(sha256);
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return [...found].sort();
}

/** The report printed after a regeneration: changes since the model `previous` names. */
export async function reportSinceGenerated(
  previous: string[],
  source: ModelSource,
  service?: string,
): Promise<string> {
  if (!previous.length) return "No change report: the output folder held no generated files.\n";
  if (previous.length > 1) {
    return `No change report: the generated files name ${previous.length} different models.\n`;
  }
  if (previous[0] === source.sha256) {
    const label = source.date ?? source.origin;
    return `No model change (${label}): only the generator's output changed.\n`;
  }
  const pin = MODEL_PINS.find((p) => p.sha256 === previous[0]);
  if (!pin) {
    return `No change report: the files were generated from a model that is not pinned ` +
      `(sha256 ${previous[0]}).\n`;
  }
  try {
    return await modelChangeReport(pin.date, source, service);
  } catch (e) {
    return `No change report: the model the files came from (${pin.date}) is not available: ` +
      `${(e as Error).message}\n`;
  }
}

/** Writes the files of `files` that differ under `out` and removes extra ones; names them. */
export async function writeGenerated(files: GeneratedFiles, out: URL): Promise<string[]> {
  const differing = await differingFiles(files, out);
  await Deno.mkdir(out, { recursive: true });
  for (const name of differing) {
    if (files.has(name)) await Deno.writeTextFile(new URL(name, out), files.get(name)!);
    else await Deno.remove(new URL(name, out));
  }
  return differing;
}

async function runDiff(positionals: string[], service?: string): Promise<number> {
  if (positionals.length !== 2) {
    console.error("Usage: deno task codegen --diff OLD NEW  (pinned dates, paths or URLs)");
    return 2;
  }
  const [older, newer] = positionals.map(invocationPath);
  console.log((await modelChangeReport(older, newer, service)).trimEnd());
  return 0;
}

async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      model: { type: "string" },
      out: { type: "string" },
      service: { type: "string" },
      operations: { type: "string" },
      check: { type: "boolean", default: false },
      diff: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(
      "deno task codegen [--model PATH|URL|YYYY-MM-DD] [--out DIR] [--check] " +
        "[--service ID] [--operations A,B]\n" +
        "deno task codegen --diff OLD NEW   (pinned dates, paths or URLs; writes nothing)",
    );
    return 0;
  }
  if (values.diff) return await runDiff(positionals, values.service);
  if (positionals.length) {
    console.error(`Unexpected arguments: ${positionals.join(" ")} (see --help)`);
    return 2;
  }
  const out = values.out
    ? pathToFileURL(invocationPath(values.out).replace(/\/?$/, "/"))
    : DEFAULT_OUT;
  const model = await loadModelSource(values.model && invocationPath(values.model));
  checkModel(model.text, model.origin, values.service);
  const { files, ...source } = await generateFormatted({
    source: model,
    service: values.service,
    operations: values.operations?.split(",").map((s) => s.trim()).filter(Boolean),
    runtimeImport: runtimeImportFor(out),
  });
  const differing = await differingFiles(files, out);
  if (values.check) {
    if (differing.length) {
      console.error(
        `generated/ is out of date (model sha256 ${source.sha256}); these files differ:`,
      );
      for (const name of differing) console.error(`  ${name}`);
      console.error("Run `deno task codegen` and commit the result.");
      return 1;
    }
    console.log(`generated/ matches the model (sha256 ${source.sha256}).`);
    return 0;
  }
  const previous = differing.length ? await generatedModelSha256s(out) : [];
  await writeGenerated(files, out);
  console.log(
    `Generated ${files.size} files from ${source.origin} (sha256 ${source.sha256}); ` +
      `${differing.length} changed.`,
  );
  if (differing.length) {
    console.log((await reportSinceGenerated(previous, source, values.service)).trimEnd());
  }
  return 0;
}

/** Runs a CLI's main, turning any error into one line on stderr and exit status 2. */
export async function runCli(run: (args: string[]) => Promise<number>): Promise<never> {
  let status: number;
  try {
    status = await run(Deno.args);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    console.error(`error: ${message.split("\n")[0]}`);
    status = 2;
  }
  Deno.exit(status);
}

if (import.meta.main) await runCli(main);
