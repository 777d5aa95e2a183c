/**
 * Endpoint rule set compiler (`codegen/endpoints/`, emitted by `codegen/emit/endpoints.ts`) and its runtime
 * (`runtime/endpoint_functions.ts`): the model's own `smithy.rules#endpointTests`, hand-written
 * rule sets for every rules-engine feature, and the library functions.
 *
 * Generated code is written to `tests/.out/endpoints-<random>/` (gitignored), imports the
 * runtime by absolute URL, and is checked with `deno check` and `deno lint` at the end.
 *
 * Run with `BACKUP_EDGE_SHARED=/work/shared deno test -A codegen/endpoints/endpoints_test.ts`.
 */

import assert from "node:assert/strict";
import { checkEndpointCases, type EndpointTestCase } from "./endpoint_tests.ts";
import { partition as sdkPartition } from "@aws-sdk/util-endpoints";
import { emitEndpoints, type EmitEndpointsInput } from "../emit/endpoints.ts";
import { NO_MATCH_MESSAGE } from "./compiler.ts";
import { loadPartitionsData, type PartitionsSource } from "./partitions_data.ts";
import { loadModelSource, MODEL_PINS } from "../model_source.ts";
import {
  type Endpoint,
  isValidHostLabel,
  isVirtualHostableS3Bucket,
  parseArn,
  parseURL,
  partition,
  type PartitionData,
  split,
  substring,
  uriEncode,
} from "../../runtime/endpoint_functions.ts";
import { withModels } from "../../testing/third_party.ts";

const SERVICE = "com.amazonaws.backup#CryoControllerUserManager";
const RUNTIME = new URL("../../runtime/", import.meta.url).href;
const OUT = new URL(
  `../../tests/.out/endpoints-${crypto.randomUUID().slice(0, 8)}/`,
  import.meta.url,
);

type Params = Record<string, unknown>;
type Resolve = (params: Params) => Endpoint;

type TestCase = EndpointTestCase;

interface ServiceTraits {
  "smithy.rules#endpointRuleSet"?: unknown;
  "smithy.rules#endpointTests"?: { testCases: TestCase[] };
  "aws.api#service": { endpointPrefix: string };
}

let partitionsSource: PartitionsSource | undefined;
async function partitions(): Promise<PartitionsSource> {
  return partitionsSource ??= await loadPartitionsData();
}

async function traits(date?: string): Promise<ServiceTraits> {
  const model = JSON.parse((await loadModelSource(date)).text);
  return model.shapes[SERVICE].traits;
}

let compiled = 0;
const generatedFiles: string[] = [];

/** Emits into a fresh folder under tests/.out and imports the result. */
async function compile(
  input: Partial<EmitEndpointsInput>,
): Promise<{ resolve: Resolve; partitions: readonly PartitionData[]; source: string }> {
  const out = emitEndpoints({
    endpointPrefix: "svc",
    partitions: await partitions(),
    runtimeImport: RUNTIME,
    ...input,
  });
  const dir = new URL(`case-${++compiled}/`, OUT);
  await Deno.mkdir(dir, { recursive: true });
  const endpoints = new URL("endpoints.ts", dir);
  const partitionsFile = new URL("partitions.ts", dir);
  await Deno.writeTextFile(endpoints, out.endpoints);
  await Deno.writeTextFile(partitionsFile, out.partitions);
  generatedFiles.push(endpoints.pathname, partitionsFile.pathname);
  const mod = (await import(endpoints.href)) as { resolveEndpoint: Resolve };
  const data = (await import(partitionsFile.href)) as { PARTITIONS: readonly PartitionData[] };
  return { resolve: mod.resolveEndpoint, partitions: data.PARTITIONS, source: out.endpoints };
}

/** Runs test cases; returns how many passed and a description of each failure. */
function run(resolve: Resolve, cases: TestCase[]): { passed: number; failures: string[] } {
  const { cases: ran, failures } = checkEndpointCases(resolve, cases);
  return { passed: ran - failures.length, failures };
}

function expectAll(resolve: Resolve, cases: TestCase[]): number {
  const { passed, failures } = run(resolve, cases);
  assert.deepEqual(failures, []);
  assert.ok(passed > 0, "no test cases ran");
  return passed;
}

const ok = (url: string, params: Params, extra: Partial<Endpoint> = {}): TestCase => ({
  params,
  expect: { endpoint: { url, ...extra } },
});
const err = (error: string, params: Params): TestCase => ({ params, expect: { error } });

// ---------------------------------------------------------------------------------------------
// (a), (b): the model's endpoint tests

withModels.test("newest model: every smithy.rules#endpointTests case passes", async () => {
  const t = await traits();
  const cases = t["smithy.rules#endpointTests"]?.testCases ?? [];
  const { resolve } = await compile({
    ruleSet: t["smithy.rules#endpointRuleSet"],
    tests: t["smithy.rules#endpointTests"],
    endpointPrefix: t["aws.api#service"].endpointPrefix,
  });
  const passed = expectAll(resolve, cases);
  assert.equal(passed, cases.length);
  console.log(`endpoint tests: ${passed} passed`);
});

withModels.test("committed generated/endpoints.ts passes the newest model's endpoint tests", async () => {
  const file = new URL("../../generated/endpoints.ts", import.meta.url);
  try {
    await Deno.stat(file);
  } catch {
    console.log("skipped: generated/endpoints.ts does not exist yet (run the code generator)");
    return;
  }
  const cases = (await traits())["smithy.rules#endpointTests"]?.testCases ?? [];
  const mod = (await import(file.href)) as { resolveEndpoint: Resolve };
  const passed = expectAll(mod.resolveEndpoint, cases);
  assert.equal(passed, cases.length);
  console.log(`endpoint tests (generated/endpoints.ts): ${passed} passed`);
});

withModels.test("every pinned revision passes its own endpoint tests", async () => {
  // Tests written before 2023-11 expect aws-iso and aws-iso-b without dual-stack, as the
  // partition table said then.
  const current = await partitions();
  const data = structuredClone(current.data) as {
    partitions: { id: string; outputs: { supportsDualStack: boolean } }[];
  };
  for (const p of data.partitions) {
    if (p.id === "aws-iso" || p.id === "aws-iso-b") p.outputs.supportsDualStack = false;
  }
  const newest = (await traits())["smithy.rules#endpointTests"]!.testCases;
  let total = 0;
  for (const pin of MODEL_PINS) {
    const t = await traits(pin.date);
    const ruleSet = t["smithy.rules#endpointRuleSet"];
    const { resolve } = await compile({
      ruleSet,
      endpointPrefix: t["aws.api#service"].endpointPrefix,
      partitions: { data, source: current.source },
    });
    // Revisions without a rule set get the fallback resolver: held to the newest tests.
    const cases = t["smithy.rules#endpointTests"]?.testCases ?? newest;
    const { passed, failures } = run(resolve, cases);
    assert.deepEqual(failures, [], `revision ${pin.date}`);
    total += passed;
  }
  console.log(`endpoint tests over ${MODEL_PINS.length} revisions: ${total} passed`);
});

// ---------------------------------------------------------------------------------------------
// (c) the compiler

Deno.test("compiler: error rules, nested trees, defaults, required params, no-match", async () => {
  const { resolve, source } = await compile({
    ruleSet: {
      version: "1.0",
      parameters: {
        Region: { type: "String", required: true, documentation: "Region." },
        Mode: { type: "String", required: true, default: "standard", documentation: "Mode." },
        Flag: { type: "Boolean", required: true, default: false, documentation: "Flag." },
        Label: { type: "String", required: false, documentation: "Label." },
        Unused: { type: "String", documentation: "Never read by a rule." },
      },
      rules: [
        {
          type: "error",
          conditions: [{ fn: "stringEquals", argv: [{ ref: "Region" }, "bad"] }],
          error: "Region {Region} is not allowed",
        },
        {
          type: "tree",
          conditions: [{ fn: "stringEquals", argv: ["standard", { ref: "Mode" }] }],
          rules: [
            {
              type: "tree",
              conditions: [{ fn: "booleanEquals", argv: [{ ref: "Flag" }, true] }],
              rules: [{
                type: "endpoint",
                conditions: [{ fn: "isSet", argv: [{ ref: "Label" }] }],
                endpoint: { url: "https://{Label}.flag.{Region}.example.com" },
              }],
            },
            { type: "endpoint", conditions: [], endpoint: { url: "https://std.{Region}.test" } },
          ],
        },
        {
          type: "endpoint",
          conditions: [{
            fn: "not",
            argv: [{ fn: "stringEquals", argv: [{ ref: "Mode" }, "legacy"] }],
          }],
          endpoint: { url: "https://other-{Mode}.example.com" },
        },
      ],
    },
  });
  expectAll(resolve, [
    err("Region bad is not allowed", { Region: "bad" }),
    ok("https://std.r1.test", { Region: "r1" }),
    // An explicit undefined is absent: the default applies (the type allows it, for
    // exactOptionalPropertyTypes).
    ok("https://std.r1.test", { Region: "r1", Mode: undefined, Flag: undefined }),
    ok("https://x.flag.r1.example.com", { Region: "r1", Flag: true, Label: "x" }),
    // An exhausted tree is an error; evaluation does not continue with the next rule.
    err(NO_MATCH_MESSAGE, { Region: "r1", Flag: true }),
    ok("https://other-fast.example.com", { Region: "r1", Mode: "fast" }),
    err(NO_MATCH_MESSAGE, { Region: "r1", Mode: "legacy" }),
    err("Missing required endpoint parameter Region", {}),
  ]);
  assert.match(source, /Region: string;/); // required without default: not optional
  assert.match(source, /Mode\?: string \| undefined;/);
  assert.match(source, /Flag: flag = false/);
  assert.doesNotMatch(source, /const \{[^}]*Unused/); // unread parameters are not read
  assert.doesNotMatch(source, /[:<] *any\b|\bas any\b/);
});

Deno.test("compiler: assign, parseURL, getAttr paths, templates, headers, properties", async () => {
  const getAttr = (ref: string, path: string) => ({ fn: "getAttr", argv: [{ ref }, path] });
  const { resolve, source } = await compile({
    ruleSet: {
      version: "1.0",
      parameters: {
        Endpoint: { type: "string", documentation: "Endpoint." },
        Name: { type: "string", documentation: "Name." },
      },
      rules: [
        {
          type: "error",
          conditions: [{ fn: "isSet", argv: [{ ref: "Name" }] }],
          error: "bad `{Name}` ${{x}} \\ {{y}} $",
        },
        {
          type: "tree",
          conditions: [
            { fn: "isSet", argv: [{ ref: "Endpoint" }] },
            { fn: "parseURL", argv: ["{Endpoint}"], assign: "url" },
          ],
          rules: [
            {
              type: "endpoint",
              conditions: [{ fn: "booleanEquals", argv: [true, getAttr("url", "isIp")] }],
              endpoint: { url: "{url#scheme}://{url#authority}{url#normalizedPath}ip" },
            },
            {
              type: "endpoint",
              conditions: [],
              endpoint: {
                url: "{url#scheme}://{url#authority}{url#path}",
                headers: {
                  "x-path": ["{url#normalizedPath}", "{{literal}}", getAttr("url", "scheme")],
                },
                properties: {
                  authSchemes: [{ name: "sigv4", signingRegion: "{url#authority}", flag: true }],
                  nested: { list: ["a", 3, false], empty: {} },
                },
              },
            },
          ],
        },
        { type: "error", conditions: [], error: "no endpoint" },
      ],
    },
  });
  expectAll(resolve, [
    ok("https://example.com/a/b", { Endpoint: "https://example.com/a/b" }, {
      headers: { "x-path": ["/a/b/", "{literal}", "https"] },
      properties: {
        authSchemes: [{ name: "sigv4", signingRegion: "example.com", flag: true }],
        nested: { list: ["a", 3, false], empty: {} },
      },
    }),
    ok("http://10.0.0.1:8080/ip", { Endpoint: "http://10.0.0.1:8080" }),
    ok("https://[::1]/x/ip", { Endpoint: "https://[::1]/x" }),
    err("no endpoint", { Endpoint: "https://example.com/?query" }),
    err("no endpoint", { Endpoint: "ftp://example.com" }),
    err("no endpoint", {}),
    err("bad `n` ${x} \\ {y} $", { Name: "n" }),
  ]);
  // Rules without headers or properties return only the url.
  assert.deepEqual(resolve({ Endpoint: "https://1.2.3.4" }), { url: "https://1.2.3.4/ip" });
  assert.match(source, /const url = parseURL\(endpoint\);/);
  assert.match(source, /if \(url != null\)/);
});

Deno.test("compiler: parseArn, [index] paths, substring, uriEncode, host labels, split, coalesce, ite", async () => {
  const getAttr = (ref: string, path: string, assign?: string) => ({
    fn: "getAttr",
    argv: [{ ref }, path],
    ...(assign ? { assign } : {}),
  });
  const { resolve, source } = await compile({
    ruleSet: {
      version: "1.1",
      parameters: {
        Arn: { type: "string", documentation: "Arn." },
        Name: { type: "string", documentation: "Name." },
        Parts: {
          type: "stringArray",
          required: true,
          default: ["d0", "d1"],
          documentation: "Parts.",
        },
        Fips: { type: "boolean", documentation: "Fips." },
      },
      rules: [
        {
          type: "tree",
          conditions: [
            { fn: "isSet", argv: [{ ref: "Arn" }] },
            { fn: "aws.parseArn", argv: [{ ref: "Arn" }], assign: "arn" },
            getAttr("arn", "resourceId[1]", "resource"),
          ],
          rules: [
            {
              type: "endpoint",
              conditions: [{ fn: "stringEquals", argv: [getAttr("arn", "service"), "s3"] }],
              endpoint: {
                url:
                  "https://{resource}.{arn#region}.{arn#accountId}.{arn#partition}.test/{arn#resourceId[0]}",
              },
            },
            { type: "error", conditions: [], error: "unsupported service {arn#service}" },
          ],
        },
        {
          type: "endpoint",
          conditions: [
            { fn: "isSet", argv: [{ ref: "Name" }] },
            { fn: "isValidHostLabel", argv: [{ ref: "Name" }, false] },
            { fn: "substring", argv: [{ ref: "Name" }, 0, 3, false], assign: "prefix" },
            { fn: "substring", argv: [{ ref: "Name" }, 0, 2, true], assign: "suffix" },
            { fn: "uriEncode", argv: ["{Name}/x y"], assign: "encoded" },
          ],
          endpoint: { url: "https://{prefix}-{suffix}.test/{encoded}" },
        },
        {
          type: "endpoint",
          conditions: [
            { fn: "isSet", argv: [{ ref: "Name" }] },
            { fn: "aws.isVirtualHostableS3Bucket", argv: [{ ref: "Name" }, true] },
          ],
          endpoint: { url: "https://vh.{Name}.test" },
        },
        {
          type: "endpoint",
          conditions: [
            getAttr("Parts", "[0]", "first"),
            { fn: "split", argv: ["a--b--c", "--", 2], assign: "pieces" },
            getAttr("pieces", "[1]", "second"),
            {
              fn: "ite",
              argv: [{ fn: "coalesce", argv: [{ ref: "Fips" }, false] }, "-fips", ""],
              assign: "fipsSuffix",
            },
          ],
          endpoint: { url: "https://{first}{fipsSuffix}.{second}.test" },
        },
        { type: "error", conditions: [], error: "no parts" },
      ],
    },
  });
  expectAll(resolve, [
    ok("https://myap.us-west-2.123456789012.aws.test/accesspoint", {
      Arn: "arn:aws:s3:us-west-2:123456789012:accesspoint/myap",
    }),
    ok("https://b.us-east-1.1.aws.test/a", { Arn: "arn:aws:s3:us-east-1:1:a:b:c" }),
    err("unsupported service sqs", { Arn: "arn:aws:sqs:us-west-2:123456789012:queue/q" }),
    // resourceId[1] is unset: the tree's condition fails and evaluation moves on.
    ok("https://d0.b--c.test", { Arn: "arn:aws:sns:us-west-2:123456789012:topic" }),
    ok("https://d0.b--c.test", { Arn: "not-an-arn" }),
    ok("https://abc-ef.test/abcdef%2Fx%20y", { Name: "abcdef" }),
    ok("https://vh.my.bucket.test", { Name: "my.bucket" }),
    ok("https://d0.b--c.test", { Name: "ab" }), // too short for substring and for a bucket
    ok("https://d0.b--c.test", { Name: "-x-" }),
    ok("https://p-fips.b--c.test", { Fips: true, Parts: ["p"] }),
    ok("https://p.b--c.test", { Fips: false, Parts: ["p", "q"] }),
    err("no parts", { Parts: [] }),
  ]);
  assert.match(source, /Parts: parts = \["d0", ?"d1"\]/);
  assert.match(source, /fips \?\? false/);
});

Deno.test("compiler: aws.partition results in templates and properties", async () => {
  const { resolve, source } = await compile({
    ruleSet: {
      version: "1.0",
      parameters: { Region: { type: "String", required: true, documentation: "Region." } },
      rules: [{
        type: "tree",
        conditions: [{ fn: "aws.partition", argv: [{ ref: "Region" }], assign: "PartitionResult" }],
        rules: [{
          type: "endpoint",
          conditions: [],
          endpoint: {
            url: "https://svc.{Region}.{PartitionResult#dnsSuffix}",
            properties: {
              p: "{PartitionResult#name}",
              g: "{PartitionResult#implicitGlobalRegion}",
            },
          },
        }],
      }],
    },
  });
  const at = (url: string, p: string, g: string, Region: string) =>
    ok(url, { Region }, { properties: { p, g } });
  expectAll(resolve, [
    at("https://svc.us-east-1.amazonaws.com", "aws", "us-east-1", "us-east-1"),
    at("https://svc.cn-north-1.amazonaws.com.cn", "aws-cn", "cn-northwest-1", "cn-north-1"),
    at("https://svc.us-gov-west-1.amazonaws.com", "aws-us-gov", "us-gov-west-1", "us-gov-west-1"),
    at("https://svc.aws-cn-global.amazonaws.com.cn", "aws-cn", "cn-northwest-1", "aws-cn-global"),
    at("https://svc.mars-1.amazonaws.com", "aws", "us-east-1", "mars-1"),
  ]);
  // Only the runtime functions a rule set uses are imported.
  assert.match(source, /import \{ type Endpoint, partition \} from/);
});

withModels.test("compiler: models without a rule set get the fallback resolver", async () => {
  const oldest = await traits(MODEL_PINS[0].date);
  assert.equal(oldest["smithy.rules#endpointRuleSet"], undefined);
  const { resolve, source } = await compile({ ruleSet: undefined, endpointPrefix: "backup" });
  const cases = (await traits())["smithy.rules#endpointTests"]!.testCases;
  assert.equal(expectAll(resolve, cases), cases.length);
  assert.match(source, /no `smithy.rules#endpointRuleSet`/);

  const other = await compile({ ruleSet: undefined, endpointPrefix: "foo" });
  expectAll(other.resolve, [
    ok("https://foo.eu-west-1.amazonaws.com", { Region: "eu-west-1" }),
    ok("https://foo-fips.us-gov-west-1.amazonaws.com", { Region: "us-gov-west-1", UseFIPS: true }),
    ok("https://foo.cn-north-1.api.amazonwebservices.com.cn", {
      Region: "cn-north-1",
      UseDualStack: true,
    }),
    ok("https://custom.test", { Region: "eu-west-1", Endpoint: "https://custom.test" }),
    err("Invalid Configuration: FIPS and custom endpoint are not supported", {
      UseFIPS: true,
      Endpoint: "https://custom.test",
    }),
    err("Invalid Configuration: Missing Region", {}),
  ]);
});

Deno.test("partition data comes from the @aws-sdk/core version deno.lock pins", async () => {
  // Not a hoisted copy of another version, whatever else node_modules holds.
  const root = new URL("../../", import.meta.url);
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", root)));
  const lock = JSON.parse(await Deno.readTextFile(new URL("deno.lock", root)));
  const own = /@([^@]+)$/.exec(config.imports["@aws-sdk/util-endpoints"])![1];
  const dependency = (lock.npm[`@aws-sdk/util-endpoints@${own}`].dependencies as string[])
    .find((d) => d.startsWith("@aws-sdk/core"))!;
  // A lock lists a dependency without its version when it holds only one.
  const versions = Object.keys(lock.npm).filter((k) => k.startsWith("@aws-sdk/core@"));
  if (!dependency.includes("@", 1)) assert.equal(versions.length, 1, versions.join(", "));
  const pinned = dependency.includes("@", 1) ? dependency : versions[0];
  const { source } = await partitions();
  assert.equal(source, `@aws-sdk/util-endpoints@${own} (${pinned})`);
  assert.deepEqual(await loadPartitionsData(), await partitions());
});

withModels.test("compiler: output is deterministic and imports only relative paths", async () => {
  const t = await traits();
  const input: EmitEndpointsInput = {
    ruleSet: t["smithy.rules#endpointRuleSet"],
    tests: t["smithy.rules#endpointTests"],
    endpointPrefix: "backup",
    partitions: await partitions(),
  };
  const a = emitEndpoints(input);
  assert.deepEqual(emitEndpoints(input), a);
  const specifiers = [...`${a.endpoints}\n${a.partitions}`.matchAll(/ from "([^"]+)"/g)]
    .map((m) => m[1]);
  assert.deepEqual([...new Set(specifiers)].sort(), [
    "../runtime/endpoint_functions.ts",
    "../runtime/errors.ts",
    "./partitions.ts",
  ]);
  assert.match(a.partitions, /@aws-sdk\/util-endpoints@\d+\.\d+\.\d+/);
  for (const text of [a.endpoints, a.partitions]) {
    assert.doesNotMatch(text, /[:<] *any\b|\bas any\b/);
  }
});

Deno.test("compiler: rejects what it cannot compile", () => {
  const emit = (rules: unknown[], parameters: Params = {}) =>
    emitEndpoints({
      ruleSet: { version: "1.0", parameters, rules },
      endpointPrefix: "svc",
      partitions: { partitions: [] },
    });
  const endpoint = (conditions: unknown[]) => ({
    type: "endpoint",
    conditions,
    endpoint: { url: "https://x.test" },
  });
  assert.throws(() => emit([endpoint([{ fn: "nope", argv: [] }])]), /Unsupported .*nope/);
  assert.throws(() => emit([endpoint([{ fn: "isSet", argv: [{ ref: "Missing" }] }])]), /Missing/);
  assert.throws(
    () =>
      emit([endpoint([
        { fn: "parseURL", argv: ["https://a.test"], assign: "u" },
        { fn: "getAttr", argv: [{ ref: "u" }, "host"] },
      ])]),
    /no attribute host/,
  );
  assert.throws(() => emit([{ type: "bogus", conditions: [] }]), /unknown rule type/);
});

// ---------------------------------------------------------------------------------------------
// (d) the runtime

Deno.test("runtime: aws.partition", async () => {
  const { partitions: data } = await compile({ ruleSet: undefined });
  const name = (region: string) => partition(data, region).name;
  assert.equal(name("us-east-1"), "aws");
  assert.equal(name("cn-north-1"), "aws-cn");
  assert.equal(name("us-gov-west-1"), "aws-us-gov");
  assert.equal(name("us-iso-east-1"), "aws-iso");
  assert.equal(name("us-isob-east-1"), "aws-iso-b");
  if (data.some((p) => p[0] === "aws-iso-e")) assert.equal(name("eu-isoe-west-1"), "aws-iso-e");
  assert.equal(name("aws-us-gov-global"), "aws-us-gov"); // explicit region entry
  assert.equal(name("cn-south-7"), "aws-cn"); // unknown, matches a pattern
  assert.equal(name("moon-base"), "aws"); // matches nothing
  assert.deepEqual(partition(data, "us-gov-east-1"), {
    name: "aws-us-gov",
    dnsSuffix: "amazonaws.com",
    dualStackDnsSuffix: "api.aws",
    supportsFIPS: true,
    supportsDualStack: true,
    implicitGlobalRegion: "us-gov-west-1",
  });

  // Same answers as @aws-sdk/util-endpoints for every region it lists, and some it does not.
  const table = (await partitions()).data as { partitions: { regions: Params }[] };
  const regions = table.partitions.flatMap((p) => Object.keys(p.regions));
  // Every region the table lists is kept by name (a client checks a Region and suggests from them).
  assert.deepEqual(data.flatMap((p) => p[7].split(" ")).sort(), [...new Set(regions)].sort());
  regions.push("us-fake-9", "eu-isoe-north-7", "eusc-de-west-3", "", "constructor", "moon-base");
  for (const region of regions) {
    const { description: _, ...expected } = sdkPartition(region) as unknown as Params;
    assert.deepEqual({ ...partition(data, region) }, expected, region);
  }

  // Per-region overrides replace partition outputs.
  const custom: PartitionData[] = [
    ["aws", "a.test", "b.test", true, true, "r-1", /^r-\d$/, "special", {
      special: { supportsFIPS: false },
    }],
  ];
  assert.equal(partition(custom, "special").supportsFIPS, false);
  assert.equal(partition(custom, "r-2").supportsFIPS, true);
});

Deno.test("runtime: parseURL", () => {
  // `path` is the path as written, "" here (as in the reference engines; S3's endpoint tests
  // rely on it: `{url#scheme}://{Bucket}.{url#authority}{url#path}` has no trailing slash).
  assert.deepEqual(parseURL("https://example.com"), {
    scheme: "https",
    authority: "example.com",
    path: "",
    normalizedPath: "/",
    isIp: false,
  });
  assert.deepEqual(parseURL("http://example.com:80/foo/bar"), {
    scheme: "http",
    authority: "example.com:80",
    path: "/foo/bar",
    normalizedPath: "/foo/bar/",
    isIp: false,
  });
  assert.equal(parseURL("https://127.0.0.1")?.isIp, true);
  assert.equal(parseURL("https://[fe80::1]")?.authority, "[fe80::1]");
  assert.equal(parseURL("https://[fe80::1]")?.isIp, true);
  assert.equal(parseURL("https://999.999.abc.blah")?.isIp, false);
  assert.equal(parseURL("https://user:pw@example.com/x")?.authority, "example.com");
  assert.equal(parseURL("https://example.com:8443?foo=bar"), undefined);
  assert.equal(parseURL("http://abc.com:a/foo"), undefined);
  assert.equal(parseURL("acbd://example.com"), undefined);
  assert.equal(parseURL("not a url"), undefined);
});

Deno.test("runtime: isValidHostLabel and isVirtualHostableS3Bucket", () => {
  for (const ok of ["us-east-1", "3aws4", "a", "x".repeat(63)]) {
    assert.ok(isValidHostLabel(ok, false), ok);
  }
  for (const bad of ["", "part1 part2", "-a", "a-", "a.b", "x".repeat(64), "a_b"]) {
    assert.ok(!isValidHostLabel(bad, false), bad);
  }
  assert.ok(isValidHostLabel("part1.part2", true));
  for (const bad of ["part1.", "part1..part2", "part1.-part2"]) {
    assert.ok(!isValidHostLabel(bad, true), bad);
  }
  assert.ok(isVirtualHostableS3Bucket("my-bucket", false));
  assert.ok(isVirtualHostableS3Bucket("my.bucket", true));
  for (const bad of ["ab", "MyBucket", "192.168.1.1", "my.bucket", "-bucket"]) {
    assert.ok(!isVirtualHostableS3Bucket(bad, false), bad);
  }
});

Deno.test("runtime: substring, uriEncode, split, parseArn", () => {
  assert.equal(substring("abcdefg", 0, 4, false), "abcd");
  assert.equal(substring("abcdefg", 0, 4, true), "defg");
  assert.equal(substring("defg", 1, 3, false), "ef");
  assert.equal(substring("abc", 0, 4, false), undefined);
  assert.equal(substring("\ufdfd", 0, 1, false), undefined);
  assert.equal(substring("\u007fabcdef", 0, 4, false), "\u007fabc");

  assert.equal(
    uriEncode("/:,?#[]{}|@! $&'()*+;=%<>\"^`\\"),
    "%2F%3A%2C%3F%23%5B%5D%7B%7D%7C%40%21%20%24%26%27%28%29%2A%2B%3B%3D%25%3C%3E%22%5E%60%5C",
  );
  assert.equal(uriEncode("0123456789.underscore_dash-Tilda~"), "0123456789.underscore_dash-Tilda~");
  assert.equal(uriEncode("\ud83d\ude39"), "%F0%9F%98%B9");

  assert.deepEqual(split("a--b--c", "--", 0), ["a", "b", "c"]);
  assert.deepEqual(split("a--b--c", "--", 2), ["a", "b--c"]);
  assert.deepEqual(split("a--b--c", "--", 1), ["a--b--c"]);
  assert.deepEqual(split("", "--", 0), [""]);
  assert.deepEqual(split("----", "--", 0), ["", "", ""]);

  assert.deepEqual(parseArn("arn:aws:sns:us-west-2:012345678910:example-sns-topic-name"), {
    partition: "aws",
    service: "sns",
    region: "us-west-2",
    accountId: "012345678910",
    resourceId: ["example-sns-topic-name"],
  });
  assert.deepEqual(parseArn("arn:aws:iam::012345678910:user/johndoe")?.resourceId, [
    "user",
    "johndoe",
  ]);
  assert.equal(parseArn("arn:aws:s3:::bucket_name")?.accountId, "");
  assert.deepEqual(parseArn("arn:aws:ec2:us-east-1:1:vpc/vpc-0e9:x")?.resourceId, [
    "vpc",
    "vpc-0e9",
    "x",
  ]);
  assert.equal(parseArn("11111111-2222-3333-4444-555555555555"), undefined);
  assert.equal(parseArn("arn:aws:s3:us-east-1:1:"), undefined);
  assert.equal(parseArn("arn::s3:us-east-1:1:x"), undefined);
});

// ---------------------------------------------------------------------------------------------

Deno.test("generated code passes deno check and deno lint", async () => {
  try {
    assert.ok(generatedFiles.length > 0, "nothing was generated");
    for (const command of ["check", "lint"]) {
      const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
        args: [command, "--no-config", "--quiet", ...generatedFiles],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const output = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
      assert.equal(code, 0, `deno ${command} failed:\n${output}`);
    }
  } finally {
    await Deno.remove(OUT, { recursive: true }).catch(() => {});
  }
});
