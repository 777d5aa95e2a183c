/**
 * Checkpoint stores keyed by strings a caller chooses: a run id or recovery point ARN named like
 * an `Object.prototype` member (`__proto__`, `constructor`, `toString`) is a key like any other —
 * kept in the file, read back, and nothing written onto `Object.prototype` — on Deno, and on Node
 * (which keeps the `__proto__` accessor Deno removes), through a bundle of the same probe.
 */

import assert from "node:assert/strict";
import { bundle, runBundleJson } from "../testing/bundle.ts";
import {
  checkpointKeys,
  type CheckpointKeysResult,
  PROTOTYPE_KEYS,
} from "./runtimes/checkpoint_keys.ts";

function assertKept(result: CheckpointKeysResult): void {
  const all = [...PROTOTYPE_KEYS].sort();
  for (const runId of PROTOTYPE_KEYS) {
    assert.deepEqual(result.fileJson[runId], all, `${runId}: in the file`);
    assert.deepEqual(result.fileListed[runId], all, `${runId}: read back`);
    assert.deepEqual(result.memoryListed[runId], all, `${runId}: in memory`);
    assert.equal(result.fileGot[runId], true, `${runId}: get`);
  }
  assert.deepEqual(result.polluted, [], "Object.prototype and Object unchanged");
}

Deno.test("checkpoint stores on Deno: run ids and ARNs __proto__, constructor, toString are keys", async () => {
  const dir = await Deno.makeTempDir();
  try {
    assertKept(await checkpointKeys(dir));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("checkpoint stores on Node: run ids and ARNs __proto__, constructor, toString are keys", async () => {
  const file = await bundle(new URL("./runtimes/checkpoint_keys.ts", import.meta.url), {
    platform: "deno",
    minify: false,
    extension: ".mjs",
  });
  const dir = await Deno.makeTempDir();
  try {
    assertKept(await runBundleJson<CheckpointKeysResult>("node", file, [dir]));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
