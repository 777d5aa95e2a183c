/**
 * The README's TypeScript, as files a consumer of the npm package would compile: every ```ts
 * block of README.md, its imports of the checkout (`./mod.ts`, a URL ending in `/mod.ts`,
 * `./jobs/checkpoint_file.ts`) turned into the package's exports (`backup-edge`,
 * `backup-edge/checkpoint-file`). A block that is a fragment — it uses `client` or `env` without
 * making them — gets the few declarations in {@linkcode CONTEXT}, and imports of the package's
 * exports it names, appended after its own lines, so a compiler's line numbers are the block's.
 *
 * @module
 */

import denoJson from "../deno.json" with { type: "json" };

/** One block, ready to compile. */
export interface Snippet {
  /** File name that says where the block is: `readme-L123.ts` (line of its opening fence). */
  name: string;
  /** Line of README.md the file's line 1 is on, minus one. */
  offset: number;
  source: string;
}

/**
 * What fragments lean on and never make themselves: one honest declaration each, with the
 * package types it needs (the real ones) and the context entries it builds on.
 */
const CONTEXT: Record<string, { line: string; types?: string[]; needs?: string[] }> = {
  Deno: { line: "declare const Deno: { env: { get(name: string): string | undefined } };" },
  client: { line: "declare const client: BackupClient;", types: ["BackupClient"] },
  credentials: { line: "declare const credentials: Credentials;", types: ["Credentials"] },
  // A Worker's bindings: a service binding (Cloudflare's `Fetcher.fetch` signature) and a KV
  // namespace (only the part the checkpoint store uses).
  Env: {
    line: "interface Env { BACKUP_PROXY: { fetch(input: RequestInfo | URL, init?: RequestInit): " +
      "Promise<Response> }; COPY_STATE: KvNamespaceLike }",
    types: ["KvNamespaceLike"],
  },
  env: { line: "declare const env: Env;", needs: ["Env"] },
  clientFrom: {
    line: "declare function clientFrom(env: Env): BackupClient;",
    types: ["BackupClient"],
    needs: ["Env"],
  },
  options: {
    line: "declare const options: CopyRecoveryPointsOptions;",
    types: ["CopyRecoveryPointsOptions"],
  },
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
 * Every ```ts block of `readme`, with what it needs appended.
 *
 * @param exportedValues the names of the package's value exports (`Object.keys` of `mod.ts`).
 */
export function readmeSnippets(readme: string, exportedValues: readonly string[]): Snippet[] {
  const snippets: Snippet[] = [];
  for (const match of readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)) {
    const offset = readme.slice(0, match.index).split("\n").length;
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
      name: `readme-L${offset}.ts`,
      offset,
      // `export {}`: a module, like every file that imports the package.
      source: `${source}\n// Context (testing/readme_snippets.ts):\n${
        lines.join("\n")
      }\nexport {};\n`,
    });
  }
  return snippets;
}
