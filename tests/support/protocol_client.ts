// Generates a client from a protocol-test model with the project's generator and imports it.
//
// When the generator rejects the model, the error is kept (the suite reports it as a failing
// test) and the client is generated again without the operations it cannot handle yet, so the
// cases of every other operation still run; the cases of a left-out operation fail, naming the
// generator's error.

import { generate } from "../../codegen/generate.ts";
import { clientClassName, operationFunctionName } from "../../codegen/emit/names.ts";
import type { Service } from "../../codegen/ir.ts";
import { loadService } from "../../codegen/loader.ts";
import { generateInto } from "../../testing/generate_into.ts";

/** A generated client's modules. */
export interface ImportedClient {
  /** The client class, e.g. `RestJsonProtocolClient`. */
  Client: new (config: Record<string, unknown>) => unknown;
  /** Operation functions by operation name (not by function name). */
  operations: Map<string, (client: unknown, input?: unknown) => Promise<unknown>>;
  /** Error classes by error shape name. */
  errors: Record<string, new (...args: never[]) => Error>;
  /** Where it was written. */
  root: URL;
}

/** What generation produced. */
export interface ProtocolClient {
  /** The client, unless not even a subset of the operations could be generated. */
  client?: ImportedClient;
  /** The error of generating the whole model, if any. */
  error?: unknown;
  /** Operations left out of the client, with the generator's reason. */
  missing: Map<string, string>;
}

const message = (e: unknown) => e instanceof Error ? e.message : String(e);

/** Generates `service`'s client from `modelText` into `tests/.out/<name>-…/` and imports it. */
export async function generateProtocolClient(
  name: string,
  modelText: string,
  service: Service,
): Promise<ProtocolClient> {
  const all = service.operations.map((op) => op.name);
  const missing = new Map<string, string>();
  let error: unknown;
  let written;
  try {
    written = await generateInto(name, modelText, { format: false });
  } catch (e) {
    error = e;
    const kept = await generatableOperations(modelText, all, missing);
    if (kept.length) {
      written = await generateInto(name, modelText, { format: false, operations: kept });
    }
  }
  if (!written) return { error, missing };
  const load = (file: string) => import(new URL(`generated/${file}`, written.root).href);
  const [client, operations, errors] = await Promise.all(
    ["client.ts", "operations.ts", "errors.ts"].map(load),
  );
  const functions = new Map();
  for (const op of all) {
    const fn = operations[operationFunctionName(op)];
    if (typeof fn === "function") functions.set(op, fn);
    else if (!missing.has(op)) {
      missing.set(op, `operations.ts exports no ${operationFunctionName(op)}`);
    }
  }
  const Client = client[clientClassName(service)];
  if (typeof Client !== "function") {
    throw new Error(`client.ts exports no ${clientClassName(service)}`);
  }
  return {
    client: { Client, operations: functions, errors, root: written.root },
    error,
    missing,
  };
}

/** The operations the generator accepts, recording why each other one is left out. */
async function generatableOperations(
  modelText: string,
  all: string[],
  missing: Map<string, string>,
): Promise<string[]> {
  const tryGenerate = async (operations: string[]) => {
    try {
      await generate({ modelText, sha256: "probe", operations });
      return undefined;
    } catch (e) {
      return message(e);
    }
  };
  let kept = [...all];
  for (;;) {
    const failure = await tryGenerate(kept);
    if (failure === undefined) return kept;
    // Errors usually start with the operation's name: drop it and try again.
    const named = kept.find((op) => new RegExp(`^${op}\\b`).test(failure));
    if (named) {
      missing.set(named, failure);
      kept = kept.filter((op) => op !== named);
      continue;
    }
    // Otherwise find the culprits one operation at a time.
    const alone = await Promise.all(kept.map(async (op) => [op, await tryGenerate([op])]));
    const bad = alone.filter(([, f]) => f !== undefined);
    if (!bad.length) {
      for (const op of kept) missing.set(op, failure);
      return [];
    }
    for (const [op, f] of bad) missing.set(op!, f!);
    kept = kept.filter((op) => !bad.some(([b]) => b === op));
  }
}

/**
 * Defines the test `name`, run with a client of the restJson1 protocol-test model generated into
 * `tests/.out/<folder>-…/`, for what the Backup model lacks (greedy labels, floats, numeric
 * headers). The model is third-party data found through `BACKUP_EDGE_SHARED`; without it the
 * test is ignored and the reason printed.
 */
export async function testWithRestJson1Client(
  name: string,
  folder: string,
  fn: (client: ImportedClient) => Promise<void>,
): Promise<void> {
  const shared = Deno.env.get("BACKUP_EDGE_SHARED");
  let client: ImportedClient | undefined;
  if (!shared) console.log(`${name}: skipped, BACKUP_EDGE_SHARED is not set (the model)`);
  else {
    const text = await Deno.readTextFile(`${shared}/protocol-tests/restjson1.json`);
    const service = loadService(text, { service: "aws.protocoltests.restjson#RestJson" });
    const generated = await generateProtocolClient(folder, text, service);
    if (generated.error) throw generated.error;
    client = generated.client;
  }
  Deno.test({
    name,
    ignore: !client,
    async fn() {
      try {
        await fn(client!);
      } finally {
        await Deno.remove(client!.root, { recursive: true });
      }
    },
  });
}
