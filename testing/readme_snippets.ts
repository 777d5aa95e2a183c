/**
 * The documentation's TypeScript, as files a consumer of the npm package would compile: every
 * ```ts block of README.md and docs/*.md, its imports of the checkout (`./mod.ts`, a URL ending in `/mod.ts`,
 * `./jobs/checkpoint_file.ts`) turned into the package's exports (`backup-edge`,
 * `backup-edge/checkpoint-file`). A block that is a fragment — it uses `client` or `env` without
 * making them — gets the few declarations in {@linkcode CONTEXT}, and imports of the package's
 * exports it names, appended after its own lines, so a compiler's line numbers are the block's.
 * A block that shows an example file — all of it, or a part under a first line `// <path>` — is
 * an excerpt: not compiled here, out of its file's context, but checked through the file, which
 * a test type-checks ({@linkcode TYPE_CHECKED_EXAMPLES}).
 *
 * @module
 */

import denoJson from "../deno.json" with { type: "json" };
import type { Doc } from "./docs.ts";

/** One block, ready to compile. */
export interface Snippet {
  /**
   * File name that says where the block is: `readme-L123.ts`, `docs-api-L45.ts` (its doc, the
   * line of its opening fence).
   */
  name: string;
  /** The doc it is in: `README.md`, `docs/api.md`. */
  doc: string;
  /** Line of `doc` the file's line 1 is on, minus one. */
  offset: number;
  /** What to compile: the block, then its context. */
  source: string;
  /**
   * Set when the block is an excerpt of an example file (a key of
   * {@linkcode TYPE_CHECKED_EXAMPLES}): then it is checked through that file, not compiled.
   */
  excerptOf?: string;
}

/** How a test type-checks an example file the docs show. */
export interface ExampleCheck {
  /** The test file that type-checks it. */
  test: string;
  /** Text of that test that does the check (the check's own test asserts it is there). */
  check: string;
  /** The compiler and its settings, for a reader. */
  how: string;
}

const TSC_STRICT = "tsc 5.9 and 7, --strict --exactOptionalPropertyTypes (tsc --init and bundler)";

/**
 * The example files the docs show, whole or in part, and the test that type-checks each under
 * strict settings. tests/npm_package_test.ts compiles those it names itself.
 */
export const TYPE_CHECKED_EXAMPLES: Readonly<Record<string, ExampleCheck>> = {
  "examples/worker/src/index.ts": {
    test: "tests/npm_package_test.ts",
    check: "TSC_EXAMPLES",
    how: TSC_STRICT,
  },
  "examples/event-worker/src/index.ts": {
    test: "tests/npm_package_test.ts",
    check: "TSC_EXAMPLES",
    how: TSC_STRICT,
  },
  "examples/deno/event_server.ts": {
    test: "tests/npm_package_test.ts",
    check: "DENO_CHECKED_EXAMPLES",
    how: "deno check (strict)",
  },
  "examples/vault-workflow/src/index.ts": {
    test: "tests/vault_workflow_test.ts",
    check: 'runOk(tsc, ["-p", "tsconfig.json", "--exactOptionalPropertyTypes"',
    how: "tsc 5.9 and 7, --strict --exactOptionalPropertyTypes, with the Workers types " +
      "`wrangler types` writes",
  },
  "examples/deno-deploy/main.ts": {
    test: "tests/checkpoint_deno_kv_test.ts",
    check: 'args: ["check", "main.ts"]',
    how:
      "deno check (strict), from the example folder, whose deno.json maps the package to the checkout",
  },
};

/**
 * The example file `block` shows, if it is an excerpt: it is the whole file, or its first line
 * is `// <path>` naming the file and the rest occurs in it verbatim.
 *
 * @param examples the files of {@linkcode TYPE_CHECKED_EXAMPLES}: path → content.
 */
export function excerptOf(
  block: string,
  examples: Readonly<Record<string, string>>,
): string | undefined {
  const header = /^\/\/ (examples\/\S+)\n/.exec(block);
  if (header) {
    const content = examples[header[1]];
    return content?.includes(block.slice(header[0].length)) ? header[1] : undefined;
  }
  return Object.keys(examples).find((path) => examples[path] === block);
}

/**
 * What fragments lean on and never make themselves: one honest declaration each, with the
 * package types it needs (the real ones) and the context entries it builds on.
 */
const CONTEXT: Record<string, { line: string; types?: string[]; needs?: string[] }> = {
  // The part of Deno's namespace the blocks use, with Deno's signatures.
  Deno: {
    line: "declare const Deno: { env: { get(name: string): string | undefined }; " +
      "serve(handler: (request: Request) => Response | Promise<Response>): unknown };",
  },
  // Node's process.env (NodeJS.ProcessEnv: every value string | undefined), without @types/node.
  process: { line: "declare const process: { env: Record<string, string | undefined> };" },
  client: { line: "declare const client: BackupClient;", types: ["BackupClient"] },
  // A client in another Region or account (the copies' destination).
  westClient: { line: "declare const westClient: BackupClient;", types: ["BackupClient"] },
  // The reader's own client maker, for a place (an account and a Region).
  backupClientFor: {
    line: "declare function backupClientFor(region: string, accountId: string): BackupClient;",
    types: ["BackupClient"],
  },
  credentials: { line: "declare const credentials: Credentials;", types: ["Credentials"] },
  // A Worker's bindings: a service binding (Cloudflare's `Fetcher.fetch` signature) and a KV
  // namespace (only the part the checkpoint store uses).
  Env: {
    line: "interface Env { BACKUP_PROXY: { fetch(input: RequestInfo | URL, init?: RequestInit): " +
      "Promise<Response> }; COPY_STATE: KvNamespaceLike }",
    types: ["KvNamespaceLike"],
  },
  env: { line: "declare const env: Env;", needs: ["Env"] },
  // A Workers Analytics Engine binding, as @cloudflare/workers-types declares it (a Worker's
  // project has those types; the consumer compiling the docs does not).
  AnalyticsEngineDataset: {
    line: "interface AnalyticsEngineDataPoint { indexes?: ((ArrayBuffer | string) | null)[]; " +
      "doubles?: number[]; blobs?: ((ArrayBuffer | string) | null)[] } " +
      "interface AnalyticsEngineDataset { writeDataPoint(event?: AnalyticsEngineDataPoint): void }",
  },
  clientFrom: {
    line: "declare function clientFrom(env: Env): BackupClient;",
    types: ["BackupClient"],
    needs: ["Env"],
  },
  options: {
    line: "declare const options: CopyRecoveryPointsOptions;",
    types: ["CopyRecoveryPointsOptions"],
  },
  // An operation's input, as the AWS SDK's examples name it.
  input: { line: "declare const input: StartCopyJobInput;", types: ["StartCopyJobInput"] },
  // An event as EventBridge delivers it, parsed from JSON: what the event functions take.
  event: { line: "declare const event: unknown;" },
  rules: { line: "declare const rules: CopyRule[];", types: ["CopyRule"] },
  // A secret from the environment (e.g. the EventBridge connection's API key).
  secret: { line: "declare const secret: string;" },
};

/** `name` used as a name: not a member (`a.name`, but `...name` is), not a key (`name:`). */
const word = (name: string) => new RegExp(`(?<![\\w$]|[^.]\\.)${name}(?![\\w$]|\\s*:)`);
/** The code of a block, its comments left out. */
const code = (source: string) => source.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");

/** Names a block makes itself: declarations and imports. */
function declaredIn(source: string): Set<string> {
  const names = new Set<string>();
  for (
    const [, name] of source.matchAll(
      /\b(?:const|let|var|function|class|interface|type)\s+([\w$]+)/g,
    )
  ) {
    names.add(name);
  }
  for (const [, list] of source.matchAll(/\bimport\s+(?:type\s+)?\{([^}]*)\}/g)) {
    for (const item of list.split(",")) {
      const name = item.trim().replace(/^type\s+/, "").split(/\s+as\s+/).pop();
      if (name) names.add(name);
    }
  }
  return names;
}

/** `./mod.ts`, `https://host/…/mod.ts`, `./jobs/checkpoint_file.ts` → the package's exports. */
function packageSpecifiers(source: string): string {
  let out = source;
  for (const [key, file] of Object.entries(denoJson.exports)) {
    const path = file.replace(/^\.\//, "").replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const target = key === "." ? "backup-edge" : `backup-edge/${key.slice(2)}`;
    out = out.replace(new RegExp(`"(?:\\./|[a-z]+://[^"]*/)${path}"`, "g"), `"${target}"`);
  }
  return out;
}

/**
 * Shorthand options of a `new BackupClient({ … })` listing (`region, // …`): each is declared
 * with the type of the option it names, so a renamed option fails to compile.
 */
function shorthandOptions(source: string): string[] {
  const names: string[] = [];
  for (const [, body] of source.matchAll(/new BackupClient\(\{([\s\S]*?)\}\)/g)) {
    for (const [, name] of body.matchAll(/^\s*([\w$]+),\s*(?:\/\/.*)?$/gm)) names.push(name);
  }
  return names;
}

/**
 * Every ```ts block of the docs, with what it needs appended; an excerpt of an example file as
 * it is, with `excerptOf` set.
 *
 * @param docs README.md and docs/*.md (testing/docs.ts's `readDocs`).
 * @param exportedValues the names of the package's value exports (`Object.keys` of `mod.ts`).
 * @param examples the files of {@linkcode TYPE_CHECKED_EXAMPLES}: path → content.
 */
export function docsSnippets(
  docs: readonly Doc[],
  exportedValues: readonly string[],
  examples: Readonly<Record<string, string>>,
): Snippet[] {
  return docs.flatMap((doc) => snippetsOf(doc, exportedValues, examples));
}

/** The ```ts blocks of one doc, as {@linkcode docsSnippets} makes them. */
function snippetsOf(
  { path: doc, text }: Doc,
  exportedValues: readonly string[],
  examples: Readonly<Record<string, string>>,
): Snippet[] {
  const snippets: Snippet[] = [];
  const prefix = doc.replace(/\.md$/, "").replaceAll("/", "-").toLowerCase();
  for (const match of text.matchAll(/^```ts\n([\s\S]*?)^```$/gm)) {
    const offset = text.slice(0, match.index).split("\n").length;
    const name = `${prefix}-L${offset}.ts`;
    const excerpt = excerptOf(match[1], examples);
    if (excerpt) {
      snippets.push({ name, doc, offset, source: match[1], excerptOf: excerpt });
      continue;
    }
    const source = packageSpecifiers(match[1]);
    const declared = declaredIn(source);
    const lines: string[] = [];
    const types = new Set<string>();
    for (const option of shorthandOptions(source)) {
      if (declared.has(option)) continue;
      lines.push(`declare const ${option}: ClientConfig["${option}"];`);
      types.add("ClientConfig");
      declared.add(option);
    }
    const wanted = new Set<string>();
    const want = (name: string) => {
      if (declared.has(name) || wanted.has(name)) return;
      wanted.add(name);
      for (const need of CONTEXT[name].needs ?? []) want(need);
    };
    for (const name of Object.keys(CONTEXT)) if (word(name).test(code(source))) want(name);
    for (const name of wanted) {
      lines.push(CONTEXT[name].line);
      for (const type of CONTEXT[name].types ?? []) types.add(type);
    }
    const values = exportedValues.filter((name) =>
      !declared.has(name) && word(name).test(code(source))
    );
    for (const name of values) types.delete(name); // a class imported as a value is its type too
    for (const name of declared) types.delete(name);
    if (values.length) lines.push(`import { ${values.join(", ")} } from "backup-edge";`);
    if (types.size) lines.push(`import type { ${[...types].join(", ")} } from "backup-edge";`);
    snippets.push({
      name,
      doc,
      offset,
      // `export {}`: a module, like every file that imports the package.
      source: `${source}\n// Context (testing/readme_snippets.ts):\n${
        lines.join("\n")
      }\nexport {};\n`,
    });
  }
  return snippets;
}
