// The generator on small hand-written Smithy models (2.0 and 1.0), then on the real model:
// IR normalisation, emitted code that type-checks and behaves on the wire, determinism,
// and `deno task codegen --check`.

import assert from "node:assert/strict";
import { loadService } from "./loader.ts";
import { generate } from "./generate.ts";
import { differingFiles, generateFormatted } from "./main.ts";
import { LATEST_MODEL_DATE, MODEL_PINS } from "./model_source.ts";
import type { EnumShape, StructureShape } from "./ir.ts";
import { generateInto, typeCheck } from "../testing/generate_into.ts";
import { withModels } from "../testing/third_party.ts";

const NS = "example.weather";
const id = (name: string) => `${NS}#${name}`;
const t = (name: string) => ({ target: name.includes("#") ? name : id(name) });

/** A Smithy 2.0 model using every restJson1 feature the generator supports today. */
const MODEL_V2 = {
  smithy: "2.0",
  shapes: {
    [id("Weather")]: {
      type: "service",
      version: "2024-01-01",
      operations: [t("PutReport"), t("GetNothing")],
      errors: [t("Busy")],
      traits: {
        "aws.api#service": { sdkId: "Weather Service", endpointPrefix: "weather" },
        "aws.auth#sigv4": { name: "weathersvc" },
        "aws.protocols#restJson1": {},
        "smithy.api#documentation": "<p>The <b>weather</b> service.</p>",
      },
    },
    [id("PutReport")]: {
      type: "operation",
      input: t("PutReportInput"),
      output: t("PutReportOutput"),
      errors: [t("BadInput")],
      traits: {
        "smithy.api#http": { method: "POST", uri: "/reports/{City}/{Path+}?fixed=1", code: 201 },
        "smithy.api#documentation": "<p>Puts a report &amp; returns it.</p>",
      },
    },
    [id("GetNothing")]: {
      type: "operation",
      input: t("smithy.api#Unit"),
      output: t("GetNothingOutput"),
      traits: { "smithy.api#http": { method: "GET", uri: "/nothing", code: 200 } },
    },
    [id("PutReportInput")]: {
      type: "structure",
      members: {
        City: {
          target: id("CityName"),
          traits: { "smithy.api#httpLabel": {}, "smithy.api#required": {} },
        },
        Path: {
          target: "smithy.api#String",
          traits: { "smithy.api#httpLabel": {}, "smithy.api#required": {} },
        },
        Day: { target: "smithy.api#Timestamp", traits: { "smithy.api#httpQuery": "day" } },
        Epoch: {
          target: "smithy.api#Timestamp",
          traits: {
            "smithy.api#httpQuery": "epoch",
            "smithy.api#timestampFormat": "epoch-seconds",
          },
        },
        Tags: { target: id("TagList"), traits: { "smithy.api#httpQuery": "tag" } },
        Count: { target: id("SmallCount"), traits: { "smithy.api#httpQuery": "count" } },
        Token: { target: "smithy.api#String", traits: { "smithy.api#idempotencyToken": {} } },
        When: {
          target: "smithy.api#Timestamp",
          traits: { "smithy.api#timestampFormat": "date-time" },
        },
        Details: { target: id("Details"), traits: { "smithy.api#jsonName": "details_json" } },
        Kind: { target: id("Kind") },
        Level: { target: id("Level") },
        Data: { target: "smithy.api#Blob" },
        Ratio: { target: "smithy.api#Double" },
        Tree: { target: id("Node") },
        Choice: { target: id("Choice") },
        Attrs: { target: id("Attrs") },
        Short: { target: "smithy.api#String", traits: { "smithy.api#length": { max: 3 } } },
      },
    },
    [id("PutReportOutput")]: {
      type: "structure",
      members: {
        Id: { target: "smithy.api#String" },
        Flag: { target: "smithy.api#Boolean", traits: { "smithy.api#default": false } },
        When: {
          target: "smithy.api#Timestamp",
          traits: { "smithy.api#timestampFormat": "date-time" },
        },
        Choice: { target: id("Choice") },
        Tree: { target: id("Node") },
        Data: { target: "smithy.api#Blob" },
        Ratio: { target: "smithy.api#Double" },
      },
    },
    [id("GetNothingOutput")]: {
      type: "structure",
      members: { Count: { target: "smithy.api#Integer", traits: { "smithy.api#default": 7 } } },
    },
    [id("CityName")]: { type: "string", traits: { "smithy.api#length": { min: 1, max: 10 } } },
    [id("SmallCount")]: { type: "integer", traits: { "smithy.api#range": { min: 1, max: 5 } } },
    [id("TagList")]: { type: "list", member: { target: "smithy.api#String" } },
    [id("Details")]: {
      type: "structure",
      members: {
        Note: { target: "smithy.api#String", traits: { "smithy.api#jsonName": "note" } },
        Code: { target: id("Code") },
      },
    },
    [id("Code")]: { type: "string", traits: { "smithy.api#pattern": "^[A-Z]{2}/\\d+$" } },
    [id("Kind")]: {
      type: "enum",
      members: {
        SUNNY: { target: "smithy.api#Unit", traits: { "smithy.api#enumValue": "sunny" } },
        RAINY: { target: "smithy.api#Unit", traits: { "smithy.api#enumValue": "rainy" } },
      },
    },
    [id("Level")]: {
      type: "intEnum",
      members: {
        LOW: { target: "smithy.api#Unit", traits: { "smithy.api#enumValue": 1 } },
        HIGH: { target: "smithy.api#Unit", traits: { "smithy.api#enumValue": 2 } },
      },
    },
    [id("Node")]: {
      type: "structure",
      members: { Value: { target: "smithy.api#Integer" }, Next: { target: id("Node") } },
    },
    [id("Choice")]: {
      type: "union",
      members: { Text: { target: "smithy.api#String" }, At: { target: "smithy.api#Timestamp" } },
    },
    [id("Attrs")]: {
      type: "map",
      key: { target: id("AttrKey") },
      value: { target: "smithy.api#String" },
    },
    [id("AttrKey")]: { type: "string", traits: { "smithy.api#pattern": "^[a-z]+$" } },
    [id("BadInput")]: {
      type: "structure",
      members: {
        Reason: { target: "smithy.api#String" },
        Message: { target: "smithy.api#String" },
      },
      traits: { "smithy.api#error": "client", "smithy.api#httpError": 422 },
    },
    [id("Busy")]: {
      type: "structure",
      members: {},
      traits: { "smithy.api#error": "server", "smithy.api#retryable": { throttling: true } },
    },
  },
};

/** The same ideas in Smithy 1.0 form: enum trait, box, set, unboxed primitives. */
const MODEL_V1 = {
  smithy: "1.0",
  shapes: {
    [id("Weather")]: {
      type: "service",
      version: "2019-01-01",
      operations: [t("ListCities")],
      traits: { "aws.api#service": { sdkId: "Weather" }, "aws.auth#sigv4": { name: "weather" } },
    },
    [id("ListCities")]: {
      type: "operation",
      input: t("ListCitiesInput"),
      output: t("ListCitiesOutput"),
      traits: {
        "smithy.api#http": { method: "GET", uri: "/cities", code: 200 },
        "smithy.api#readonly": {},
      },
    },
    [id("ListCitiesInput")]: {
      type: "structure",
      members: {
        Kind: { target: id("Kind"), traits: { "smithy.api#httpQuery": "kind" } },
        Max: { target: id("Max"), traits: { "smithy.api#httpQuery": "max" } },
      },
    },
    [id("ListCitiesOutput")]: {
      type: "structure",
      members: {
        Names: { target: id("NameSet") },
        Total: { target: id("Total") },
        BoxedTotal: { target: id("Total"), traits: { "smithy.api#box": {} } },
        Prelude: { target: "smithy.api#Integer" },
        Primitive: { target: "smithy.api#PrimitiveBoolean" },
      },
    },
    [id("Kind")]: {
      type: "string",
      traits: {
        "smithy.api#enum": [
          { value: "big", name: "BIG", documentation: "<p>Large.</p>" },
          { value: "small" },
        ],
      },
    },
    [id("Max")]: {
      type: "integer",
      traits: { "smithy.api#box": {}, "smithy.api#range": { min: 1 } },
    },
    [id("Total")]: { type: "integer" },
    [id("NameSet")]: { type: "set", member: { target: "smithy.api#String" } },
  },
};

Deno.test("loader: Smithy 2.0 enums, intEnums, defaults, unions, recursion, service info", () => {
  const service = loadService(JSON.stringify(MODEL_V2));
  assert.equal(service.sdkId, "Weather Service");
  assert.equal(service.signingName, "weathersvc");
  assert.match(service.doc!, /^The \W*weather\W* service\.$/, "HTML converted to text");
  assert.deepEqual(service.operations.map((o) => o.name), ["GetNothing", "PutReport"]);
  const kind = service.shapes.get(id("Kind")) as EnumShape;
  assert.deepEqual(kind.values.map((v) => [v.name, v.value]), [["SUNNY", "sunny"], [
    "RAINY",
    "rainy",
  ]]);
  const level = service.shapes.get(id("Level")) as EnumShape;
  assert.deepEqual(level.values.map((v) => v.value), [1, 2]);
  const output = service.shapes.get(id("PutReportOutput")) as StructureShape;
  assert.equal(output.members.find((m) => m.name === "Flag")?.default, false);
  assert.equal(service.shapes.get(id("Choice"))?.kind, "union");
  assert.equal(service.shapes.get(id("Busy"))?.kind, "structure");
  assert.deepEqual((service.shapes.get(id("Busy")) as StructureShape).retryable, {
    throttling: true,
  });
  assert.equal(service.shapes.get("smithy.api#Unit"), undefined);
});

Deno.test("loader: Smithy 1.0 enum trait, set, box and unboxed primitive defaults", () => {
  const service = loadService(MODEL_V1);
  const kind = service.shapes.get(id("Kind")) as EnumShape;
  assert.equal(kind.kind, "enum");
  assert.deepEqual(kind.values.map((v) => [v.name, v.value, v.doc]), [
    ["BIG", "big", "Large."],
    ["small", "small", undefined],
  ]);
  assert.equal(service.shapes.get(id("NameSet"))?.kind, "list");
  const output = service.shapes.get(id("ListCitiesOutput")) as StructureShape;
  const defaults = Object.fromEntries(output.members.map((m) => [m.name, m.default]));
  assert.deepEqual(defaults, {
    Names: undefined,
    Total: 0, // custom integer shape without @box: a zero value
    BoxedTotal: undefined,
    Prelude: undefined, // smithy.api#Integer is boxed in 1.0
    Primitive: false,
  });
  const input = service.shapes.get(id("ListCitiesInput")) as StructureShape;
  assert.equal(input.members.find((m) => m.name === "Max")?.default, undefined);
});

Deno.test("loader: clear errors for models it cannot read", () => {
  assert.throws(() => loadService("{}"), /Not a Smithy JSON AST/);
  assert.throws(() => loadService({ smithy: "3.0", shapes: {} }), /Unsupported Smithy version/);
  const twoServices = structuredClone(MODEL_V1) as typeof MODEL_V1;
  twoServices.shapes[id("Other")] = { ...MODEL_V1.shapes[id("Weather")] };
  assert.throws(() => loadService(twoServices), /Choose the service/);
});

Deno.test("generated 2.0 client type-checks and serializes every binding as restJson1 says", async () => {
  const { root, generated, files } = await generateInto("v2", JSON.stringify(MODEL_V2), {
    format: true,
  });
  const check = await typeCheck([new URL("operations.ts", generated)]);
  assert.ok(check.ok, check.output);
  assert.match(
    files.get("types.ts")!,
    /export type Kind = "sunny" \| "rainy" \| \(string & Record<never, never>\);/,
  );
  assert.match(
    files.get("types.ts")!,
    /export type Level = 1 \| 2 \| \(number & Record<never, never>\);/,
  );
  assert.match(files.get("operations.ts")!, /Puts a report & returns it\./);
  assert.match(files.get("errors.ts")!, /class BadInput extends WeatherServiceServiceException/);

  const ops = await import(new URL("generated/operations.ts", root).href);
  const { WeatherServiceClient } = await import(new URL("generated/client.ts", root).href);
  const errors = await import(new URL("generated/errors.ts", root).href);
  const requests: Request[] = [];
  const answers: Response[] = [];
  const client = new WeatherServiceClient({
    region: "eu-central-1",
    credentials: { accessKeyId: "AKID", secretAccessKey: "secret" },
    idempotencyToken: () => "00000000-0000-4000-8000-000000000000",
    fetch: (url: string, init: RequestInit) => {
      requests.push(new Request(url, init));
      return Promise.resolve(answers.shift()!);
    },
  });
  answers.push(Response.json({
    Id: "r1",
    When: "2024-01-02T03:04:05.5Z",
    Choice: { At: 1700000000 },
    Tree: { Value: 1, Next: { Value: 2 } },
    Data: "aGk=",
    Ratio: "NaN",
    Unknown: true,
  }, { status: 201 }));
  const out = await ops.putReport(client, {
    City: "São Paulo",
    Path: "a/b c/d",
    Day: new Date(Date.UTC(2024, 1, 29, 12, 0, 0, 250)),
    Epoch: new Date(1500),
    Tags: ["x", "y&z"],
    Count: 3,
    When: new Date(0),
    Details: { Note: "n", Code: "AB/12" },
    Kind: "sunny",
    Level: 2,
    Data: new TextEncoder().encode("hi"),
    Ratio: Infinity,
    Tree: { Value: 1, Next: { Value: 2 } },
    Choice: { Text: "t" },
    Attrs: { abc: "1" },
  });
  const request = requests[0];
  const url = new URL(request.url);
  assert.equal(request.method, "POST");
  assert.equal(url.host, "weather.eu-central-1.amazonaws.com");
  assert.equal(url.pathname, "/reports/S%C3%A3o%20Paulo/a/b%20c/d");
  assert.equal(
    url.search,
    "?fixed=1&day=2024-02-29T12%3A00%3A00.250Z&epoch=1.5&tag=x&tag=y%26z&count=3",
  );
  assert.match(request.headers.get("authorization")!, /\/eu-central-1\/weathersvc\/aws4_request/);
  assert.deepEqual(await request.json(), {
    Token: "00000000-0000-4000-8000-000000000000",
    When: "1970-01-01T00:00:00Z",
    details_json: { note: "n", Code: "AB/12" },
    Kind: "sunny",
    Level: 2,
    Data: "aGk=",
    Ratio: "Infinity",
    Tree: { Value: 1, Next: { Value: 2 } },
    Choice: { Text: "t" },
    Attrs: { abc: "1" },
  });
  assert.deepEqual({ ...out, $metadata: undefined }, {
    Id: "r1",
    Flag: false,
    When: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 500)),
    Choice: { At: new Date(1700000000000) },
    Tree: { Value: 1, Next: { Value: 2 } },
    Data: new TextEncoder().encode("hi"),
    Ratio: NaN,
    $metadata: undefined,
  });

  // Validation covers labels, lengths, ranges, patterns (with a `/`), map keys, unions.
  const bad = await ops.putReport(client, {
    City: "",
    Path: "p",
    Count: 9,
    Short: "toolong",
    Details: { Code: "ab/1" },
    Attrs: { ABC: "x" },
    Choice: { Text: "a", At: new Date() },
    Tree: { Next: { Value: 1.5 } },
  }).catch((e: Error) => e);
  assert.deepEqual(bad.issues, [
    { path: "City", message: "length must be >= 1" },
    { path: "City", message: "must not be empty (it is part of the URI)" },
    { path: "Count", message: "must be <= 5" },
    { path: "Details.Code", message: "must match /^[A-Z]{2}\\/\\d+$/" },
    { path: "Tree.Next.Value", message: "must be an integer" },
    { path: "Choice", message: "must have exactly one member set" },
    { path: 'Attrs["ABC"]', message: "key must match /^[a-z]+$/" },
    { path: "Short", message: "length must be <= 3" },
  ]);
  assert.equal(requests.length, 1);

  // Unit input, defaults on output, no body and no content type.
  answers.push(new Response("", { status: 200 }));
  const nothing = await ops.getNothing(client);
  assert.equal(nothing.Count, 7);
  assert.equal(requests[1].headers.get("content-type"), null);
  assert.equal(await requests[1].text(), "");

  // Modeled errors: status code, members; a @retryable(throttling) error is retried.
  answers.push(Response.json({ Reason: "r", Message: "m" }, {
    status: 422,
    headers: { "x-amzn-errortype": "BadInput" },
  }));
  const e = await ops.putReport(client, { City: "c", Path: "p" }).catch((e: Error) => e);
  assert.ok(e instanceof errors.BadInput);
  assert.equal(e.Reason, "r");
  assert.equal(e.message, "m");
  // An error of the service that the operation does not list keeps its class and members too
  // (the client's table of every error).
  answers.push(Response.json({ Reason: "r2" }, {
    status: 422,
    headers: { "x-amzn-errortype": "BadInput" },
  }));
  const unlisted = await ops.getNothing(client).catch((e: Error) => e);
  assert.ok(unlisted instanceof errors.BadInput, String(unlisted));
  assert.equal(unlisted.Reason, "r2");
  answers.push(
    Response.json({}, { status: 400, headers: { "x-amzn-errortype": "Busy" } }),
    Response.json({ Id: "again" }, { status: 201 }),
  );
  const retried = await ops.putReport(client, { City: "c", Path: "p" });
  assert.equal(retried.Id, "again");
  assert.equal(retried.$metadata.attempts, 2);
});

Deno.test("generated 1.0 client type-checks", async () => {
  const { generated, files } = await generateInto("v1", JSON.stringify(MODEL_V1), { format: true });
  const check = await typeCheck([new URL("operations.ts", generated)]);
  assert.ok(check.ok, check.output);
  assert.match(files.get("types.ts")!, /export type Kind = "big" \| "small"/);
  assert.match(files.get("types.ts")!, /Total: number;/, "defaulted output members are present");
});

Deno.test("generation is deterministic and stamped with the model sha256 and version", async () => {
  const text = JSON.stringify(MODEL_V2);
  const a = await generate({ modelText: text, sha256: "abc123" });
  const b = await generate({ modelText: text, sha256: "abc123" });
  assert.deepEqual([...a], [...b]);
  for (const [name, content] of a) {
    assert.match(content, /^\/\/ .*\n\/\/ Generated by backup-edge codegen \d+\.\d+\.\d+ /, name);
    assert.match(content, /sha256 abc123/, name);
  }
});

Deno.test("`--operations` keeps only the named operations and what they reach", async () => {
  const files = await generate({
    modelText: JSON.stringify(MODEL_V2),
    sha256: "x",
    operations: ["GetNothing"],
  });
  assert.doesNotMatch(files.get("types.ts")!, /PutReportInput/);
  assert.match(files.get("operations.ts")!, /export function getNothing/);
  await assert.rejects(
    () => generate({ modelText: JSON.stringify(MODEL_V2), sha256: "x", operations: ["Nope"] }),
    /Unknown operations: Nope/,
  );
});

withModels.test("committed generated/ matches the newest model (codegen --check)", async () => {
  const { files, sha256 } = await generateFormatted({});
  const differing = await differingFiles(files, new URL("../generated/", import.meta.url));
  assert.deepEqual(differing, [], `regenerate: deno task codegen (model ${sha256})`);
  const again = await generateFormatted({});
  assert.deepEqual([...again.files], [...files], "byte-identical on a second run");
});

withModels.test("generated files name no test file (oldest and newest model)", async () => {
  for (const model of [MODEL_PINS[0].date, LATEST_MODEL_DATE]) {
    const { files } = await generateFormatted({ model });
    for (const [name, text] of files) {
      assert.doesNotMatch(text, /\w+_test\.ts|\btests\//, `${model} ${name}`);
    }
  }
});

/** `@endpoint(hostPrefix)` with `@hostLabel`, and `@requestCompression`. */
const MODEL_HOST = {
  smithy: "2.0",
  shapes: {
    [id("Weather")]: {
      type: "service",
      version: "2024-01-01",
      operations: [t("Upload")],
      traits: { "aws.api#service": { sdkId: "Weather" }, "aws.auth#sigv4": { name: "weather" } },
    },
    [id("Upload")]: {
      type: "operation",
      input: t("UploadInput"),
      traits: {
        "smithy.api#http": { method: "POST", uri: "/upload", code: 200 },
        "smithy.api#endpoint": { hostPrefix: "{Station}.data." },
        "smithy.api#requestCompression": { encodings: ["gzip"] },
      },
    },
    [id("UploadInput")]: {
      type: "structure",
      members: {
        Station: {
          target: "smithy.api#String",
          traits: { "smithy.api#hostLabel": {}, "smithy.api#required": {} },
        },
        Readings: { target: "smithy.api#String" },
      },
    },
  },
};

Deno.test("host prefixes take validated host labels; large bodies are gzipped", async () => {
  const { root } = await generateInto("host", JSON.stringify(MODEL_HOST));
  const ops = await import(new URL("generated/operations.ts", root).href);
  const { WeatherClient } = await import(new URL("generated/client.ts", root).href);
  const requests: Request[] = [];
  const client = (extra = {}) =>
    new WeatherClient({
      region: "us-east-1",
      credentials: { accessKeyId: "AKID", secretAccessKey: "s" },
      fetch: (url: string, init: RequestInit) => {
        requests.push(new Request(url, init));
        return Promise.resolve(new Response("{}"));
      },
      ...extra,
    });
  const readings = "42;".repeat(5000);
  await ops.upload(client(), { Station: "north-1", Readings: readings });
  const [big] = requests;
  assert.equal(new URL(big.url).host, "north-1.data.weather.us-east-1.amazonaws.com");
  assert.equal(big.headers.get("content-encoding"), "gzip");
  const text = await new Response(big.body!.pipeThrough(new DecompressionStream("gzip"))).text();
  assert.deepEqual(JSON.parse(text), { Station: "north-1", Readings: readings });
  await ops.upload(client({ disableRequestCompression: true }), {
    Station: "s",
    Readings: readings,
  });
  await ops.upload(client(), { Station: "s", Readings: "small" });
  assert.equal(requests[1].headers.get("content-encoding"), null);
  assert.equal(requests[2].headers.get("content-encoding"), null);
  const bad = await ops.upload(client(), { Station: "evil.com/x" }).catch((e: Error) => e);
  assert.deepEqual(bad.issues, [{ path: "Station", message: "must be a valid host label" }]);
  assert.equal(requests.length, 3);
});

Deno.test("typeCheck really checks generated files (a planted type error fails)", async () => {
  const { generated } = await generateInto("typo", JSON.stringify(MODEL_V1));
  const broken = new URL("broken.ts", generated);
  await Deno.writeTextFile(broken, `import "./operations.ts";\nexport const n: number = "nope";\n`);
  const check = await typeCheck([broken]);
  assert.equal(check.ok, false);
  assert.match(check.output, /TS2322/);
});

Deno.test("operation specs stay small: outputs read by schema, shared error specs and schemas", async () => {
  const model = structuredClone(MODEL_V2) as typeof MODEL_V2 & {
    shapes: Record<string, unknown>;
  };
  // A structure that reads exactly as Details, and a second error with Busy's members.
  model.shapes[id("Twin")] = structuredClone(model.shapes[id("Details")]);
  (model.shapes[id("PutReportInput")] as { members: Record<string, unknown> }).members.Twin = {
    target: id("Twin"),
  };
  const files = await generate({ modelText: JSON.stringify(model), sha256: "x" });
  const operations = files.get("operations.ts")!;
  // An output that is the JSON body alone is named by its schema: no deserializer is emitted.
  assert.match(operations, /output: PutReportOutputSchema,/);
  assert.match(operations, /output: GetNothingOutputSchema,/);
  assert.doesNotMatch(files.get("deserializers.ts")!, /export function/);
  assert.doesNotMatch(operations, /validate:|deserialize:/);
  assert.match(operations, /input: PutReportInputSchema,/);
  // One spec per error shape, named by every operation that can raise it; the service's table
  // lists them all, and the client hands it to the runtime.
  const specs = files.get("error_specs.ts")!;
  assert.equal(
    specs.match(/export const BusyErrorSpec: ErrorSpec = \["Busy", Busy, BusySchema\];/g)?.length,
    1,
  );
  assert.match(
    specs,
    /SERVICE_ERRORS: readonly ErrorSpec\[\] = \[BadInputErrorSpec, BusyErrorSpec\];/,
  );
  assert.match(files.get("client.ts")!, /errors: SERVICE_ERRORS,/);
  assert.match(operations, /errors: \[BadInputErrorSpec, BusyErrorSpec\],/);
  assert.match(operations, /errors: \[BusyErrorSpec\],/);
  // Identical schemas are one constant.
  assert.match(
    files.get("schemas.ts")!,
    /export \{ DetailsSchema as TwinSchema \};/,
  );
  // Requests the runtime can build from the input schema have no emitted serializer; one with
  // timestamps in its query (PutReport) keeps its own.
  assert.match(operations, /serialize: \/\* @__PURE__ \*\/ restJsonRequest\("GET", "\/nothing"\),/);
  assert.match(operations, /serialize: serializePutReportRequest,/);
  assert.doesNotMatch(files.get("serializers.ts")!, /serializeGetNothingRequest/);
  // Public validators are one call each, to the shared walker.
  assert.match(files.get("validators.ts")!, /return inputIssues\(PutReportInputSchema, input\);/);
});
