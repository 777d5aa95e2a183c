// The official restJson1 protocol compliance suite (113 request, 79 response and 12 error
// cases, converted from botocore) run against a client generated from its model by this
// generator: one test per case, then a summary. The model is third-party data outside the
// repository: $BACKUP_EDGE_SHARED/protocol-tests/restjson1.json (see its README.md).

import assert from "node:assert/strict";
import { loadService } from "../codegen/loader.ts";
import type { Service } from "../codegen/ir.ts";
import {
  type HttpRequestTestCase,
  type HttpResponseTestCase,
  notApplicable,
  type ProtocolCase,
  protocolCases,
} from "./support/protocol_cases.ts";
import { plainOutput, typedParams } from "./support/protocol_params.ts";
import { requestProblems, startWireRecorder, type WireRequest } from "./support/protocol_wire.ts";
import { generateProtocolClient, type ProtocolClient } from "./support/protocol_client.ts";

const SHARED = Deno.env.get("BACKUP_EDGE_SHARED");
const MODEL = SHARED && `${SHARED}/protocol-tests/restjson1.json`;
const PROTOCOL = "aws.protocols#restJson1";
const SERVICE = "aws.protocoltests.restjson#RestJson";
const EXPECTED_COUNTS = { request: 113, response: 79, error: 12 };

if (!MODEL) {
  console.log("restJson1 protocol tests skipped: BACKUP_EDGE_SHARED is not set");
  Deno.test({ name: "restJson1 protocol tests (BACKUP_EDGE_SHARED unset)", ignore: true, fn() {} });
} else {
  await defineSuite(await Deno.readTextFile(MODEL));
}

type Outcome = "passed" | "failed" | "not applicable";

async function defineSuite(modelText: string): Promise<void> {
  const service = loadService(modelText, { service: SERVICE });
  const cases = protocolCases(modelText, PROTOCOL);
  const generated = await generateProtocolClient("restjson1", modelText, service);
  const recorder = await startWireRecorder();
  const outcomes = new Map<ProtocolCase, Outcome>();
  const reasons = new Map<ProtocolCase, string>();

  Deno.test("restJson1 protocol tests: the generator accepts the whole model", () => {
    if (generated.error) throw generated.error;
  });

  for (const c of cases) {
    const na = notApplicable(c);
    Deno.test({
      name: `${c.kind} ${c.id}`,
      // The wire recorder's server and pooled connection outlive each request test.
      sanitizeOps: c.kind !== "request",
      sanitizeResources: c.kind !== "request",
      async fn() {
        outcomes.set(c, "failed");
        if (na) {
          reasons.set(c, na);
          return void outcomes.set(c, "not applicable");
        }
        if (c.kind === "request") await runRequestCase(service, generated, recorder.send, c);
        else if (c.kind === "response") await runResponseCase(service, generated, c);
        else await runErrorCase(service, generated, c);
        outcomes.set(c, "passed");
      },
    });
  }

  Deno.test({
    name: "restJson1 protocol tests: summary",
    sanitizeOps: false,
    sanitizeResources: false,
    async fn() {
      await recorder.close();
      const count = (kind: ProtocolCase["kind"]) => cases.filter((c) => c.kind === kind).length;
      const counts = {
        request: count("request"),
        response: count("response"),
        error: count("error"),
      };
      const tally = (o: Outcome) => [...outcomes.values()].filter((v) => v === o).length;
      const failed = cases.filter((c) => outcomes.get(c) === "failed");
      const na = cases.filter((c) => outcomes.get(c) === "not applicable");
      const notRun = cases.length - outcomes.size;
      const lines = [
        `restJson1 protocol tests: ${counts.request} request, ${counts.response + counts.error} ` +
        `response (${counts.response} + ${counts.error} error) — ${tally("passed")} passed, ` +
        `${tally("failed")} failed, ${tally("not applicable")} not applicable` +
        (na.length ? ` (${na.map((c) => `${c.id}: ${reasons.get(c)}`).join("; ")})` : "") +
        (notRun ? `, ${notRun} not run (filtered)` : ""),
      ];
      for (const kind of ["request", "response", "error"] as const) {
        const ids = failed.filter((c) => c.kind === kind).map((c) => c.id);
        if (ids.length) lines.push(`  failed ${kind} cases (${ids.length}): ${ids.join(", ")}`);
      }
      const ignored = failed.filter((c) => c.test.tags?.includes("botocore-ignored"));
      if (ignored.length) {
        lines.push(
          `  of which botocore-ignored: ${ignored.map((c) => `${c.kind} ${c.id}`).join(", ")}`,
        );
      }
      if (generated.missing.size) {
        lines.push(`  operations the generator left out (${generated.missing.size}):`);
        for (const [op, why] of generated.missing) lines.push(`    ${op}: ${why}`);
      }
      console.log(lines.join("\n"));
      assert.deepEqual(counts, EXPECTED_COUNTS, "cases found in the model");
    },
  });
}

const DUMMY_CREDENTIALS = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "SECRETEXAMPLE" };
const TOKEN = "00000000-0000-4000-8000-000000000000";

/** Client options every case shares; `fetch` and `endpoint` vary. */
function clientConfig(fetch: (url: string, init: RequestInit) => Promise<Response>, host?: string) {
  return {
    region: "us-west-2",
    credentials: DUMMY_CREDENTIALS,
    endpoint: `https://${host ?? "example.com"}`,
    idempotencyToken: () => TOKEN,
    maxAttempts: 1,
    fetch,
  };
}

/** The generated client and the operation's function, or why the case cannot run. */
function operationOf(generated: ProtocolClient, operation: string) {
  const client = generated.client;
  const fn = client?.operations.get(operation);
  if (!client || !fn) {
    const why = generated.missing.get(operation) ??
      (generated.error instanceof Error ? generated.error.message : String(generated.error));
    throw new Error(`${operation} was not generated: ${why}`);
  }
  return { client, fn };
}

function inputOf(service: Service, operation: string, params?: Record<string, unknown>) {
  const op = service.operations.find((o) => o.name === operation)!;
  if (!op.input) {
    assert.deepEqual(params ?? {}, {}, `${operation} has no input, but the case gives params`);
    return {};
  }
  return typedParams(service, op.input, params ?? {});
}

/** Thrown by the capturing fetch once it has the request: nothing needs to be parsed. */
class Captured extends Error {
  override name = "Captured";
}

async function runRequestCase(
  service: Service,
  generated: ProtocolClient,
  send: (request: Request) => Promise<WireRequest>,
  c: ProtocolCase & { kind: "request" },
): Promise<void> {
  const test: HttpRequestTestCase = c.test;
  const { client, fn } = operationOf(generated, c.operation);
  const input = inputOf(service, c.operation, test.params);
  let wire: WireRequest | undefined;
  const capture = async (url: string, init: RequestInit) => {
    wire = await send(new Request(url, init));
    throw new Captured();
  };
  const instance = new client.Client(clientConfig(capture, test.host));
  const outcome = await fn(instance, input).then(
    (output) => ({ output }),
    (error) => ({ error }),
  );
  if (!wire) throw "error" in outcome ? outcome.error : new Error("no request was sent");
  // The client wraps what fetch throws (NetworkError, maybe inside OutcomeUnknownError).
  const captured = (e: unknown): boolean =>
    e instanceof Captured || (e instanceof Error && captured(e.cause));
  if (!("error" in outcome) || !captured(outcome.error)) {
    throw new Error(`the call did not end with the capturing fetch: ${Deno.inspect(outcome)}`);
  }
  const problems = requestProblems(wire, test);
  if (problems.length) {
    throw new assert.AssertionError({
      message: `${c.operation} request differs:\n  ${problems.join("\n  ")}`,
    });
  }
}

/** A response as the case describes it; statuses that cannot have a body get none. */
function responseOf(test: HttpResponseTestCase): Response {
  const nullBody = [101, 103, 204, 205, 304].includes(test.code);
  const body = nullBody || test.body === undefined || test.body === "" ? null : test.body;
  return new Response(body, { status: test.code, headers: test.headers ?? {} });
}

async function runResponseCase(
  service: Service,
  generated: ProtocolClient,
  c: ProtocolCase & { kind: "response" },
): Promise<void> {
  const { client, fn } = operationOf(generated, c.operation);
  const answer = () => Promise.resolve(responseOf(c.test));
  const instance = new client.Client(clientConfig(answer));
  const output = await fn(instance, {});
  const op = service.operations.find((o) => o.name === c.operation)!;
  const expected = op.output ? typedParams(service, op.output, c.test.params ?? {}) : {};
  assert.deepStrictEqual(plainOutput(output), expected);
}

async function runErrorCase(
  service: Service,
  generated: ProtocolClient,
  c: ProtocolCase & { kind: "error" },
): Promise<void> {
  const { client, fn } = operationOf(generated, c.operation);
  const shape = service.shapes.get(c.error);
  assert.ok(shape?.kind === "structure", `${c.error} is a structure`);
  const ErrorClass = client.errors[shape.name];
  assert.equal(typeof ErrorClass, "function", `errors.ts exports ${shape.name}`);
  const answer = () => Promise.resolve(responseOf(c.test));
  const instance = new client.Client(clientConfig(answer));
  const error = await fn(instance, {}).then(
    (output) => assert.fail(`${c.operation} resolved: ${Deno.inspect(output)}`),
    (e) => e,
  );
  assert.ok(
    error instanceof ErrorClass,
    `expected a ${shape.name}, got ${Deno.inspect(error, { depth: 1 })}`,
  );
  const members: Record<string, unknown> = {};
  for (const m of shape.members) {
    const value = (error as unknown as Record<string, unknown>)[m.name];
    if (value !== undefined) members[m.name] = value;
  }
  assert.deepStrictEqual(plainOutput(members), typedParams(service, c.error, c.test.params ?? {}));
}
