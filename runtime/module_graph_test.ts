// No import cycles among our modules, type-only imports included (DEVELOPERS.md: "no import
// circles, even type-only"): a cycle makes module order matter and hides which concept depends on
// which. Read from `deno info --json` over every entry point of the package.

import assert from "node:assert/strict";

interface ModuleInfo {
  specifier: string;
  dependencies?: { code?: { specifier: string }; type?: { specifier: string } }[];
}

/** Local module → the local modules it imports (code or type). */
async function importGraph(entry: string): Promise<Map<string, Set<string>>> {
  const root = new URL("../", import.meta.url);
  const { success, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    cwd: root.pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(success, new TextDecoder().decode(stderr));
  const { modules } = JSON.parse(new TextDecoder().decode(stdout)) as { modules: ModuleInfo[] };
  const local = (specifier?: string) => specifier?.startsWith(root.href) ? specifier : undefined;
  const graph = new Map<string, Set<string>>();
  for (const m of modules) {
    if (!local(m.specifier)) continue;
    const deps = (m.dependencies ?? []).flatMap((
      d,
    ) => [local(d.code?.specifier), local(d.type?.specifier)]);
    graph.set(m.specifier, new Set(deps.filter((d): d is string => d !== undefined)));
  }
  return graph;
}

/** One cycle of `graph` as a path of module paths, or undefined. */
function findCycle(graph: Map<string, Set<string>>): string[] | undefined {
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === "done") return undefined;
    if (state.get(node) === "open") return [...path.slice(path.indexOf(node)), node];
    state.set(node, "open");
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(node, "done");
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

Deno.test("findCycle finds a type-only loop and passes a tree", () => {
  const tree = new Map([["a", new Set(["b", "c"])], ["b", new Set(["c"])], [
    "c",
    new Set<string>(),
  ]]);
  assert.equal(findCycle(tree), undefined);
  const loop = new Map([["a", new Set(["b"])], ["b", new Set(["c"])], ["c", new Set(["a"])]]);
  assert.deepEqual(findCycle(loop), ["a", "b", "c", "a"]);
});

Deno.test("the package's modules import one another without a cycle, type-only imports included", async () => {
  const { exports } = JSON.parse(
    await Deno.readTextFile(new URL("../deno.json", import.meta.url)),
  ) as { exports: Record<string, string> };
  for (const entry of Object.values(exports)) {
    const graph = await importGraph(entry);
    assert.ok(graph.size >= 2, `${entry}: ${graph.size} modules`);
    const cycle = findCycle(graph)?.map((s) =>
      s.slice(new URL("../", import.meta.url).href.length)
    );
    assert.equal(cycle, undefined, `${entry}: ${cycle?.join(" → ")}`);
  }
});
