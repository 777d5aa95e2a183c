/**
 * Nothing of `jobs/` (the vault copy, verify, Workflows, events) reaches a bundle that only calls
 * operations. The bundler names every module it keeps code of in a `// path` line of an
 * unminified bundle; a top-level statement it cannot drop (an arithmetic expression, a call not
 * marked pure) keeps its module, whatever the module is.
 */

import assert from "node:assert/strict";
import { bundle } from "../testing/bundle.ts";

const OUT = new URL("./.out/tree-shaking/", import.meta.url);

/** The modules a bundle holds code of, from its `// path` lines. */
async function modulesOf(entry: string, name: string): Promise<string[]> {
  const path = await bundle(new URL(entry, import.meta.url), {
    minify: false,
    outFile: new URL(`${name}.js`, OUT),
  });
  return [...(await Deno.readTextFile(path)).matchAll(/^\/\/ (\S+\.m?[jt]s)$/gm)].map((m) => m[1]);
}

Deno.test("the StartCopyJob-only Worker and the aws-sdk face's hold no module of jobs/", async () => {
  for (
    const [name, entry] of [
      ["start_copy_job", "../testing/workers/start_copy_job_worker.ts"],
      ["aws_sdk_start_copy_job", "../testing/workers/aws_sdk_start_copy_job_worker.ts"],
    ]
  ) {
    const modules = await modulesOf(entry, name);
    assert.ok(modules.includes("runtime/send.ts"), `control: ${name} names its modules`);
    assert.deepEqual(modules.filter((m) => m.startsWith("jobs/")), [], `${name}: jobs/ kept`);
  }
});

Deno.test("control: a Worker that copies a vault holds jobs/ modules, named the same way", async () => {
  const modules = await modulesOf("./runtimes/copy_vault_worker.ts", "copy_vault");
  assert.ok(modules.includes("jobs/copy_run.ts"), modules.join(", "));
});
