/**
 * The checkpoint stores check what they are given when they are made, not mid-run: a KV
 * namespace or Deno KV database without the methods the store calls, a file path that is not a
 * string. Each is a ValidationError naming the argument and what it lacks. (A real Deno KV
 * database, and `Deno.openKv()` not awaited, are in checkpoint_deno_kv_test.ts.)
 */

import assert from "node:assert/strict";
import { KvCheckpointStore, type KvNamespaceLike, ValidationError } from "../mod.ts";
import { DenoKvCheckpointStore, type DenoKvLike } from "../jobs/checkpoint_deno_kv.ts";
import { FileCheckpointStore } from "../jobs/checkpoint_file.ts";

/** The message of the ValidationError `make` throws, which names `path` alone. */
function refusal(make: () => unknown, path: string): string {
  try {
    make();
  } catch (e) {
    assert.ok(e instanceof ValidationError, String(e));
    assert.deepEqual(e.issues.map((i) => i.path), [path]);
    return e.message;
  }
  throw new Error("accepted");
}

Deno.test("KvCheckpointStore: a namespace without get, put and list is refused, named", () => {
  const what = "Invalid KvCheckpointStore arguments: namespace must be a Workers KV namespace " +
    "binding such as env.COPY_STATE, not";
  // Was accepted, then mid-run: CheckpointError … this[#kv].list is not a function.
  assert.equal(
    refusal(() => new KvCheckpointStore({} as KvNamespaceLike), "namespace"),
    `${what} a plain object without the methods get, put, list`,
  );
  assert.equal(
    refusal(() => new KvCheckpointStore({ get() {}, put() {} } as never), "namespace"),
    `${what} a plain object without the method list`,
  );
  // A binding the Worker's configuration does not declare.
  assert.equal(
    refusal(() => new KvCheckpointStore(undefined as never), "namespace"),
    `${what} undefined`,
  );
  // Methods a class (a binding) inherits count.
  class Namespace {
    get() {}
    put() {}
    list() {}
  }
  new KvCheckpointStore(new Namespace() as unknown as KvNamespaceLike);
});

Deno.test("DenoKvCheckpointStore: a database without get, set and list is refused, named", () => {
  const what = "Invalid DenoKvCheckpointStore arguments: kv must be a Deno KV database " +
    "(the awaited result of openKv()), not";
  assert.equal(
    refusal(() => new DenoKvCheckpointStore({} as DenoKvLike), "kv"),
    `${what} a plain object without the methods get, set, list`,
  );
  // A Workers KV namespace has put, not set.
  assert.equal(
    refusal(() => new DenoKvCheckpointStore({ get() {}, put() {}, list() {} } as never), "kv"),
    `${what} a plain object without the method set`,
  );
  assert.equal(refusal(() => new DenoKvCheckpointStore(null as never), "kv"), `${what} null`);
  new DenoKvCheckpointStore({ get() {}, set() {}, list() {} } as unknown as DenoKvLike);
});

Deno.test("FileCheckpointStore: a path that is not a non-empty string is refused, named", () => {
  const what = "Invalid FileCheckpointStore arguments: path must be a file path, a non-empty " +
    "string, not";
  for (
    const [path, described] of [
      [undefined, "undefined"],
      [{ path: "./c.json" }, "a plain object"],
      [new URL("file:///tmp/c.json"), "an instance of URL"],
      ["", "an empty string"],
      [42, "a number"],
    ] as const
  ) {
    assert.equal(
      refusal(() => new FileCheckpointStore(path as never), "path"),
      `${what} ${described}`,
    );
  }
  assert.equal(new FileCheckpointStore("./c.json").path, "./c.json");
});
