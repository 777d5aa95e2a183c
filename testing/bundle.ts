/**
 * Bundles an entry module into one JavaScript file with `deno bundle` (the same Deno binary that
 * runs the caller), for the runtime tests and the size benchmark.
 *
 * @module
 */

import { fileURLToPath } from "node:url";

/** Directory bundles go to unless `outFile` says otherwise (gitignored). */
export const DEFAULT_OUT_DIR: URL = new URL("../tests/.out/bundles/", import.meta.url);

/** Options of {@linkcode bundle}. */
export interface BundleOptions {
  /** `browser` (default): no Deno or Node APIs assumed; `deno`: may use Deno's. */
  platform?: "browser" | "deno";
  /** Minify the output; default true. */
  minify?: boolean;
  /** Output file path or URL; default `tests/.out/bundles/<entry>.<platform>[.min].js`. */
  outFile?: string | URL;
  /** Extension of the default output file, e.g. `.mjs` for Node; default `.js`. */
  extension?: string;
}

/** Bundles `entry` (a path or file URL) and returns the absolute path of the bundle. */
export async function bundle(entry: string | URL, options: BundleOptions = {}): Promise<string> {
  const { platform = "browser", minify = true, extension = ".js" } = options;
  const entryPath = entry instanceof URL ? fileURLToPath(entry) : entry;
  const base = entryPath.replace(/^.*\//, "").replace(/\.[cm]?[jt]sx?$/, "");
  const outPath = options.outFile === undefined
    ? fileURLToPath(
      new URL(`${base}.${platform}${minify ? ".min" : ""}${extension}`, DEFAULT_OUT_DIR),
    )
    : options.outFile instanceof URL
    ? fileURLToPath(options.outFile)
    : options.outFile;
  await Deno.mkdir(outPath.replace(/\/[^/]*$/, "") || "/", { recursive: true });

  const args = ["bundle", `--platform=${platform}`, "--format=esm", "-o", outPath];
  if (minify) args.push("--minify");
  args.push(entryPath);
  const output = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: fileURLToPath(new URL("../", import.meta.url)),
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) {
    const decoder = new TextDecoder();
    throw new Error(
      `deno ${args.join(" ")} failed (exit ${output.code}):\n` +
        decoder.decode(output.stdout) + decoder.decode(output.stderr),
    );
  }
  return outPath;
}

/**
 * Runs `<runtime> <file> ...args` (a bundle from {@linkcode bundle}) and returns the last line
 * it printed on stdout, parsed as JSON.
 * @param timeoutMs the child is killed after this long. @default 30000
 * @throws {Error} the child did not exit 0 (its stdout and stderr quoted), or the line is not JSON.
 */
export async function runBundleJson<T>(
  runtime: string,
  file: string,
  args: string[],
  timeoutMs = 30_000,
): Promise<T> {
  const output = await new Deno.Command(runtime, {
    args: [file, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(timeoutMs),
  }).output();
  const decoder = new TextDecoder();
  const text = decoder.decode(output.stdout);
  if (output.code !== 0) {
    throw new Error(`${runtime} exited ${output.code}:\n${text}${decoder.decode(output.stderr)}`);
  }
  return JSON.parse(text.trim().split("\n").at(-1)!);
}
