/**
 * `deno task build:npm`: writes the npm package `backup-edge` into `dist/npm/`; `deno task pack`
 * also packs it with `npm pack` into `dist/backup-edge-<version>.tgz`, the tarball the examples
 * install (`"backup-edge": "file:../../dist/backup-edge-<version>.tgz"`) until the package is on
 * the npm registry.
 *
 * The sources are the files `deno.json`'s `exports` reach (asked of `deno info`, so a module
 * added tomorrow is packaged without touching this file); each export becomes a `package.json`
 * export. Each is copied into a staging folder with its `npm:`
 * specifiers turned into bare package names (`npm:aws4fetch@1.0.20` → `aws4fetch`, whose version
 * becomes a dependency of the package), then TypeScript's own compiler writes one ESM `.js` and
 * one `.d.ts` per module, rewriting the `.ts` import extensions to `.js`. The compiler runs with
 * web and ES2022 types only, so a Deno or Node API in the runtime is a build error (Node's types
 * are added only for an export that imports `node:` built-ins; `mod.ts` may reach none).
 *
 * Both tasks run with `build/deno.json` (its own lock; `deno task install:build` fills
 * `build/node_modules/`), which names only TypeScript, Node's types (for the `./checkpoint-file`
 * export) and aws4fetch: a checkout with nothing but Node and npm downloads those, not the test
 * tools (a test checks it with an empty `DENO_DIR`).
 *
 * Usage: `deno task build:npm [--out DIR]` (default `dist/npm/`) prints the output folder;
 * `deno task pack` (`--pack`) builds into `dist/npm/` and prints the tarball's path.
 *
 * @module
 */

import ts from "typescript";
import { parseArgs } from "node:util";

const REPO = new URL("../", import.meta.url);
const BUILD_DIR = fromFileUrl(new URL(".", import.meta.url));
/** Package metadata that `deno.json` has no field for. */
const PACKAGE = {
  name: "backup-edge",
  description: "AWS Backup for fetch-only runtimes (Cloudflare Workers, Deno, Node ≥ 20, Bun, " +
    "browsers): a client generated from the Smithy model, signed with aws4fetch.",
  keywords: [
    "aws",
    "aws-backup",
    "backup",
    "disaster-recovery",
    "copy-job",
    "cloudflare-workers",
    "smithy",
    "sigv4",
    "fetch",
  ],
  repository: { type: "git", url: "git+https://github.com/backup-edge/backup-edge.git" },
  engines: { node: ">=20" },
};
/** Documents shipped beside the code: the README and the docs/*.md it links, license, changelog. */
async function docFiles(): Promise<string[]> {
  const guides: string[] = [];
  for await (const entry of Deno.readDir(new URL("docs/", REPO))) {
    if (entry.isFile && entry.name.endsWith(".md")) guides.push(`docs/${entry.name}`);
  }
  return ["README.md", ...guides.sort(), "LICENSE", "CHANGELOG.md"];
}

/** One npm dependency found in the sources: `npm:name@version/sub` → `name/sub`. */
interface NpmSpecifier {
  specifier: string;
  name: string;
  version: string;
  subpath: string;
}

const NPM_SPECIFIER = /^npm:\/?((?:@[^/@]+\/)?[^/@]+)@([^/]+)(\/.*)?$/;

function parseNpmSpecifier(specifier: string): NpmSpecifier {
  const match = NPM_SPECIFIER.exec(specifier);
  if (!match) throw new Error(`cannot package the npm specifier ${specifier}: no exact version`);
  return { specifier, name: match[1], version: match[2], subpath: match[3] ?? "" };
}

interface ModuleGraph {
  /** Repository-relative paths of the local modules the entry reaches, sorted. */
  files: string[];
  /** Every `npm:` specifier they import. */
  npm: NpmSpecifier[];
  /** The files that import a `node:` built-in. */
  nodeImporters: string[];
}

/** The modules `entry` reaches, from `deno info --json` (Deno's own resolver). */
async function moduleGraph(entry: string): Promise<ModuleGraph> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    cwd: fromFileUrl(REPO),
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) {
    throw new Error(`deno info ${entry} failed:\n${new TextDecoder().decode(output.stderr)}`);
  }
  const info: {
    modules: { specifier: string; dependencies?: { specifier: string }[] }[];
  } = JSON.parse(new TextDecoder().decode(output.stdout));
  const files: string[] = [];
  const npm = new Map<string, NpmSpecifier>();
  const nodeImporters = new Set<string>();
  for (const module of info.modules) {
    if (module.specifier.startsWith("node:")) continue;
    if (!module.specifier.startsWith(REPO.href)) {
      throw new Error(`${entry} reaches ${module.specifier}, outside the repository`);
    }
    const path = module.specifier.slice(REPO.href.length);
    if (path.startsWith("node_modules/")) continue; // an npm package, named by its importer
    if (!path.endsWith(".ts")) throw new Error(`${entry} reaches ${path}, not a .ts module`);
    files.push(path);
    for (const { specifier } of module.dependencies ?? []) {
      if (specifier.startsWith("npm:")) npm.set(specifier, parseNpmSpecifier(specifier));
      else if (specifier.startsWith("node:")) nodeImporters.add(path);
      else if (!specifier.startsWith(".")) {
        throw new Error(
          `${path} imports ${specifier}: only relative, npm: and node: imports are packaged`,
        );
      }
    }
  }
  return { files: files.sort(), npm: [...npm.values()], nodeImporters: [...nodeImporters] };
}

/** `deno.json`'s `exports` as `[subpath, file]` pairs, `"."` first. */
function entries(denoJson: { exports: string | Record<string, string> }): [string, string][] {
  const exports = typeof denoJson.exports === "string"
    ? { ".": denoJson.exports }
    : denoJson.exports;
  return Object.entries(exports)
    .map(([key, file]): [string, string] => [key, file.replace(/^\.\//, "")])
    .sort(([a], [b]) => a === "." ? -1 : b === "." ? 1 : a < b ? -1 : 1);
}

/** Every quoted `"npm:name@1.2.3/sub"` becomes `"name/sub"`; the version goes to `package.json`. */
function rewriteNpmSpecifiers(source: string, npm: NpmSpecifier[]): string {
  let out = source;
  for (const dep of npm) {
    for (const quote of [`"`, `'`]) {
      out = out.replaceAll(
        `${quote}${dep.specifier}${quote}`,
        `${quote}${dep.name}${dep.subpath}${quote}`,
      );
    }
  }
  // The lint exemption for the full specifier means nothing once it is a bare name.
  return out.replace(/^\s*\/\/ deno-lint-ignore no-import-prefix\n/gm, "");
}

/** The dependencies of the package: one exact version per npm package the sources import. */
function dependencies(npm: NpmSpecifier[]): Record<string, string> {
  const deps: Record<string, string> = {};
  for (const dep of npm) {
    if (deps[dep.name] !== undefined && deps[dep.name] !== dep.version) {
      throw new Error(`${dep.name} is imported at ${deps[dep.name]} and ${dep.version}`);
    }
    deps[dep.name] = dep.version;
  }
  return Object.fromEntries(Object.entries(deps).sort(([a], [b]) => a < b ? -1 : 1));
}

/** Compiles the staged sources into `outDir`; throws with every diagnostic on error. */
function compile(stageDir: string, files: string[], outDir: string, types: string[]): void {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    // Web and language types only (Node's only for entries that import node: built-ins): a Deno
    // or Node global in the runtime fails the build.
    lib: ["lib.es2022.d.ts", "lib.dom.d.ts", "lib.dom.iterable.d.ts"],
    types,
    // `types` are looked up from the stage, like the imports: build/node_modules/@types/ (`deno
    // task pack`), else node_modules/@types/ (the tests).
    typeRoots: [`${BUILD_DIR}node_modules/@types`, `${fromFileUrl(REPO)}node_modules/@types`],
    strict: true,
    declaration: true,
    allowImportingTsExtensions: true,
    rewriteRelativeImportExtensions: true,
    verbatimModuleSyntax: true,
    isolatedModules: true,
    skipLibCheck: true,
    noEmitOnError: true,
    newLine: ts.NewLineKind.LineFeed,
    rootDir: stageDir,
    outDir,
  };
  const host = ts.createCompilerHost(options);
  const program = ts.createProgram(files.map((f) => `${stageDir}/${f}`), options, host);
  const result = program.emit(undefined, undefined, undefined, undefined, {
    afterDeclarations: [rewriteDeclarationImports],
  });
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...result.diagnostics];
  if (diagnostics.length || result.emitSkipped) {
    throw new Error(
      "TypeScript failed:\n" + ts.formatDiagnostics(diagnostics, {
        getCanonicalFileName: (f) => f,
        getCurrentDirectory: () => stageDir,
        getNewLine: () => "\n",
      }),
    );
  }
}

/**
 * `rewriteRelativeImportExtensions` rewrites `./x.ts` to `./x.js` in the JavaScript only; this
 * does the same in the declarations, so `node16` resolution finds `./x.d.ts` through `./x.js`.
 */
const rewriteDeclarationImports: ts.TransformerFactory<ts.SourceFile | ts.Bundle> = (context) => {
  const { factory } = context;
  const rewrite = (specifier: ts.Expression | undefined) =>
    specifier && ts.isStringLiteral(specifier) && /^\.\.?\/.*\.ts$/.test(specifier.text)
      ? factory.createStringLiteral(specifier.text.replace(/\.ts$/, ".js"))
      : specifier;
  const visit = (node: ts.Node): ts.Node => {
    if (ts.isImportDeclaration(node)) {
      return factory.updateImportDeclaration(
        node,
        node.modifiers,
        node.importClause,
        rewrite(node.moduleSpecifier)!,
        node.attributes,
      );
    }
    if (ts.isExportDeclaration(node)) {
      return factory.updateExportDeclaration(
        node,
        node.modifiers,
        node.isTypeOnly,
        node.exportClause,
        rewrite(node.moduleSpecifier),
        node.attributes,
      );
    }
    if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      const literal = rewrite(node.argument.literal as ts.Expression) as ts.StringLiteral;
      return factory.updateImportTypeNode(
        node,
        factory.updateLiteralTypeNode(node.argument, literal),
        node.attributes,
        node.qualifier,
        node.typeArguments,
        node.isTypeOf,
      );
    }
    return ts.visitEachChild(node, visit, context);
  };
  return (file) => ts.visitNode(file, visit) as ts.SourceFile | ts.Bundle;
};

/** The package manifest. */
function packageJson(
  version: string,
  license: string,
  deps: Record<string, string>,
  exported: [string, string][],
) {
  return {
    name: PACKAGE.name,
    version,
    description: PACKAGE.description,
    keywords: PACKAGE.keywords,
    license,
    repository: PACKAGE.repository,
    type: "module",
    exports: {
      ...Object.fromEntries(exported.map(([key, file]) => {
        const base = `./${file.replace(/\.ts$/, "")}`;
        return [key, { types: `${base}.d.ts`, default: `${base}.js` }];
      })),
      "./package.json": "./package.json",
    },
    main: "./mod.js",
    types: "./mod.d.ts",
    sideEffects: false,
    engines: PACKAGE.engines,
    dependencies: deps,
  };
}

/** Builds the package into `outDir` (emptied first) and returns its path. */
export async function buildNpm(
  outDir: string = fromFileUrl(new URL("dist/npm", REPO)),
): Promise<string> {
  const denoJson = JSON.parse(await Deno.readTextFile(new URL("deno.json", REPO)));
  const exported = entries(denoJson);
  const graphs = await Promise.all(exported.map(([, file]) => moduleGraph(file)));
  // The main entry runs everywhere: no node: built-in may reach it.
  if (graphs[0].nodeImporters.length) {
    throw new Error(`${exported[0][1]} reaches node: imports in ${graphs[0].nodeImporters}`);
  }
  const npm = graphs.flatMap((g) => g.npm);
  // The stage sits in build/, so that aws4fetch resolves from build/node_modules/ (`deno task
  // pack`) or node_modules/ (the tests); one per build, so that two builds never share one.
  const stageDir = await Deno.makeTempDir({ dir: BUILD_DIR, prefix: ".stage-" });
  await Deno.remove(outDir, { recursive: true }).catch(() => {});
  try {
    for (const file of new Set(graphs.flatMap((g) => g.files))) {
      const target = `${stageDir}/${file}`;
      await Deno.mkdir(target.replace(/\/[^/]+$/, ""), { recursive: true });
      const source = await Deno.readTextFile(new URL(file, REPO));
      await Deno.writeTextFile(target, rewriteNpmSpecifiers(source, npm));
    }
    // Each entry compiles on its own, with Node's types only where it imports node: built-ins
    // (files shared between entries compile to the same output).
    for (const graph of graphs) {
      compile(stageDir, graph.files, outDir, graph.nodeImporters.length ? ["node"] : []);
    }
  } finally {
    await Deno.remove(stageDir, { recursive: true }).catch(() => {});
  }
  const manifest = packageJson(denoJson.version, denoJson.license, dependencies(npm), exported);
  await Deno.writeTextFile(`${outDir}/package.json`, JSON.stringify(manifest, null, 2) + "\n");
  await Deno.mkdir(`${outDir}/docs`, { recursive: true });
  for (const doc of await docFiles()) await Deno.copyFile(new URL(doc, REPO), `${outDir}/${doc}`);
  return outDir;
}

/**
 * Builds the package into `buildDir` and packs it with `npm pack` into `destination`.
 *
 * @returns the tarball's path, `<destination>/backup-edge-<version>.tgz`.
 * @throws {Error} with npm's output when `npm pack` fails.
 */
export async function packNpm(
  destination: string = fromFileUrl(new URL("dist", REPO)),
  buildDir: string = `${destination}/npm`,
): Promise<string> {
  await buildNpm(buildDir);
  await Deno.mkdir(destination, { recursive: true });
  const output = await new Deno.Command("npm", {
    args: ["pack", "--pack-destination", destination, "--silent"],
    cwd: buildDir,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stdout);
  if (!output.success) {
    throw new Error(`npm pack failed:\n${text}${new TextDecoder().decode(output.stderr)}`);
  }
  return `${destination}/${text.trim().split("\n").pop()}`;
}

/**
 * Every input of the build, concatenated with its path: a change to any of them changes this
 * (the packaging tests key their cached tarball on its hash).
 */
export async function packageSources(): Promise<Uint8Array> {
  const denoJson = JSON.parse(await Deno.readTextFile(new URL("deno.json", REPO)));
  const graphs = await Promise.all(entries(denoJson).map(([, file]) => moduleGraph(file)));
  const files = [...new Set(graphs.flatMap((g) => g.files))].sort();
  const inputs = [...files, "deno.json", "build/npm.ts", "build/deno.json", ...await docFiles()];
  const parts: BlobPart[] = [];
  for (const path of inputs) {
    parts.push(`\0${path}\0`, await Deno.readFile(new URL(path, REPO)) as Uint8Array<ArrayBuffer>);
  }
  return new Uint8Array(await new Blob(parts).arrayBuffer());
}

function fromFileUrl(url: URL): string {
  return decodeURIComponent(url.pathname);
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { out: { type: "string" }, pack: { type: "boolean" } },
  });
  if (values.pack) {
    const tarball = await packNpm();
    console.log(`${tarball.slice(fromFileUrl(REPO).length)}\nInstall it: npm install ${tarball}`);
  } else {
    console.log(await buildNpm(values.out));
  }
}
