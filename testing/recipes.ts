/**
 * Running a recipe of the docs as printed: its shell lines, a free port to stand in for the one it
 * prints, and the environment a child Deno needs (and nothing of the caller's settings).
 *
 * @module
 */

/** A free port on 127.0.0.1 (closed again: the process under test opens it). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** What a child Deno needs from this environment to find its cache, and nothing else. */
export function denoOwnEnv(): Record<string, string> {
  const names = ["HOME", "PATH", "DENO_DIR", "DENO_NO_UPDATE_CHECK"];
  return Object.fromEntries(
    names.flatMap((name) => Deno.env.has(name) ? [[name, Deno.env.get(name)!]] : []),
  );
}

/**
 * The commands of the ```sh blocks of `markdown`, in order, each line continued with `\` joined
 * into one and its whitespace collapsed.
 */
export function shellCommands(markdown: string): string[] {
  const blocks = [...markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
  return blocks.flatMap((block) =>
    block.replaceAll("\\\n", " ").split("\n").map((line) => line.trim().replace(/\s+/g, " "))
      .filter((line) => line !== "")
  );
}

/** The variables of an `export A=1 B=2` line (values without spaces or quotes). */
export function exportedVariables(line: string): Record<string, string> {
  const pairs = line.replace(/^export /, "").split(" ");
  return Object.fromEntries(pairs.map((pair) => pair.split(/=(.*)/s).slice(0, 2)));
}
