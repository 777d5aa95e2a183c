/**
 * The checkpoint stores check what they are given when they are made, not mid-run: a KV
 * namespace or Deno KV database without the methods the store calls, a file path that is not a
 * string. Each is a ValidationError naming the argument and what it lacks. (A real Deno KV
 * database, and `Deno.openKv()` not awaited, are in checkpoint_deno_kv_test.ts.)
 */

import assert from "node:assert/strict";
import {
  KvCheckpointStore,
  type KvNamespaceLike,
  MemoryCheckpointStore,
  ValidationError,
} from "../mod.ts";
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

/** `Store` as a constructor that takes any arguments: what plain JavaScript can call it with. */
function loose(Store: unknown): new (...args: unknown[]) => unknown {
  return Store as new (...args: unknown[]) => unknown;
}

Deno.test("checkpoint stores: an argument past those a constructor takes is refused, named (new FileCheckpointStore(path, { fsync: true }) ignored it)", () => {
  const kv = { get() {}, put() {}, list() {} } as unknown as KvNamespaceLike;
  const denoKv = { get() {}, set() {}, list() {} } as unknown as DenoKvLike;
  assert.equal(
    refusal(
      () => new (loose(FileCheckpointStore))("c.json", { fsync: true }),
      "arguments[1]",
    ),
    "Invalid FileCheckpointStore arguments: arguments[1] is not taken: the constructor is " +
      "new FileCheckpointStore(path)",
  );
  // undefined counts: a caller's options variable that happens to be unset is still a mistake.
  refusal(
    () => new (loose(FileCheckpointStore))("c.json", undefined),
    "arguments[1]",
  );
  assert.equal(
    refusal(
      () => new (loose(KvCheckpointStore))(kv, {}, { ttl: 60 }),
      "arguments[2]",
    ),
    "Invalid KvCheckpointStore arguments: arguments[2] is not taken: the constructor is " +
      "new KvCheckpointStore(namespace, options)",
  );
  assert.equal(
    refusal(
      () => new (loose(DenoKvCheckpointStore))(denoKv, {}, 1),
      "arguments[2]",
    ),
    "Invalid DenoKvCheckpointStore arguments: arguments[2] is not taken: the constructor is " +
      "new DenoKvCheckpointStore(kv, options)",
  );
  assert.equal(
    refusal(
      () => new (loose(MemoryCheckpointStore))({ max: 10 }),
      "arguments[0]",
    ),
    "Invalid MemoryCheckpointStore arguments: arguments[0] is not taken: the constructor is " +
      "new MemoryCheckpointStore()",
  );
  // The arguments they take are still accepted (controls).
  new FileCheckpointStore("c.json");
  new KvCheckpointStore(kv, { prefix: "p/" });
  new DenoKvCheckpointStore(denoKv, { prefix: ["p"] });
  new MemoryCheckpointStore();
});
