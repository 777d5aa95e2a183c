/** Shape knowledge shared by the loader, the emitters and the diff (`shape_index.ts`). */

import assert from "node:assert/strict";
import type { Member, Service, Shape, StructureShape } from "./ir.ts";
import { loadService } from "./loader.ts";
import {
  childMembers,
  DEFAULT_TIMESTAMP_FORMATS,
  httpLocation,
  isBase64Header,
  isHeaderBound,
  isNamedType,
  isRequiredForClient,
  numberBits,
  reachableShapes,
  scalarFamily,
  ShapeIndex,
  timestampFormatOf,
  valueShape,
} from "./shape_index.ts";

const ns = "example";
const id = (name: string) => `${ns}#${name}`;
const member = (target: string, traits: Record<string, unknown> = {}) => ({ target, traits });

/**
 * One operation: its input reaches a recursive structure, a list, a map and a timestamp; its
 * output a defaulted member; one error binds a header.
 */
function model() {
  return {
    smithy: "2.0",
    shapes: {
      [id("Service")]: {
        type: "service",
        version: "1",
        operations: [{ target: id("Put") }],
        errors: [{ target: id("Throttled") }],
      },
      [id("Put")]: {
        type: "operation",
        input: { target: id("PutInput") },
        output: { target: id("PutOutput") },
        errors: [{ target: id("Missing") }],
        traits: { "smithy.api#http": { method: "PUT", uri: "/{Name}" } },
      },
      [id("PutInput")]: {
        type: "structure",
        members: {
          Name: member("smithy.api#String", {
            "smithy.api#required": {},
            "smithy.api#httpLabel": {},
          }),
          Loose: member("smithy.api#String", {
            "smithy.api#required": {},
            "smithy.api#clientOptional": {},
          }),
          Tree: member(id("Tree")),
          At: member(id("Stamp"), { "smithy.api#httpHeader": "x-at" }),
          Count: member("smithy.api#Integer", { "smithy.api#default": 0 }),
          Stamps: member(id("Stamps"), { "smithy.api#httpHeader": "x-stamps" }),
        },
      },
      [id("Stamps")]: { type: "list", member: member(id("Stamp")) },
      [id("Tree")]: {
        type: "structure",
        members: { Children: member(id("Trees")), Tags: member(id("Tags")) },
      },
      [id("Trees")]: { type: "list", member: member(id("Tree")) },
      [id("Tags")]: {
        type: "map",
        key: member("smithy.api#String"),
        value: member("smithy.api#String"),
      },
      [id("Stamp")]: { type: "timestamp", traits: { "smithy.api#timestampFormat": "date-time" } },
      [id("PutOutput")]: {
        type: "structure",
        members: { Count: member("smithy.api#Integer", { "smithy.api#default": 0 }) },
      },
      [id("Missing")]: {
        type: "structure",
        members: { Reason: member("smithy.api#String", { "smithy.api#httpHeader": "x-reason" }) },
        traits: { "smithy.api#error": "client" },
      },
      [id("Throttled")]: {
        type: "structure",
        members: { Message: member("smithy.api#String") },
        traits: { "smithy.api#error": "server" },
      },
    },
  };
}

const service: Service = loadService(model());
const shape = (name: string): Shape => service.shapes.get(id(name))!;
const structure = (name: string) => shape(name) as StructureShape;
const memberOf = (name: string, m: string): Member =>
  structure(name).members.find((x) => x.name === m)!;

Deno.test("childMembers: structure members, a list's member, a map's key and value", () => {
  assert.deepEqual(childMembers(shape("PutInput")).map((m) => m.name), [
    "Name",
    "Loose",
    "Tree",
    "At",
    "Count",
    "Stamps",
  ]);
  assert.deepEqual(childMembers(shape("Trees")).map((m) => m.target), [id("Tree")]);
  assert.deepEqual(childMembers(shape("Tags")).map((m) => m.name), ["key", "value"]);
  assert.deepEqual(childMembers(shape("Stamp")), []);
});

Deno.test("reachableShapes: depth first, each shape once, recursion ends", () => {
  const lookups: string[] = [];
  const reached = reachableShapes([id("Tree"), undefined, id("Tree")], (shapeId) => {
    lookups.push(shapeId);
    return service.shapes.get(shapeId);
  });
  assert.deepEqual([...reached], [id("Tree"), id("Trees"), id("Tags"), "smithy.api#String"]);
  assert.equal(lookups.filter((l) => l === id("Tree")).length, 1);
  // The loader's closure is the same walk from the operations and service errors.
  assert.deepEqual(
    new Set(service.shapes.keys()),
    reachableShapes(
      [id("PutInput"), id("PutOutput"), id("Missing"), id("Throttled")],
      (shapeId) => service.shapes.get(shapeId),
    ),
  );
});

Deno.test("isRequiredForClient: @required unless @clientOptional", () => {
  assert.equal(isRequiredForClient(memberOf("PutInput", "Name")), true);
  assert.equal(isRequiredForClient(memberOf("PutInput", "Loose")), false);
  assert.equal(isRequiredForClient(memberOf("PutInput", "Tree")), false);
});

Deno.test("timestampFormatOf: member, then target, then the location's default", () => {
  const stamp = shape("Stamp");
  const plain: Shape = { ...stamp, timestampFormat: undefined };
  assert.equal(timestampFormatOf(stamp, "header"), "date-time");
  assert.equal(
    timestampFormatOf(stamp, "body", {
      ...memberOf("PutInput", "At"),
      timestampFormat: "http-date",
    }),
    "http-date",
  );
  for (const [location, format] of Object.entries(DEFAULT_TIMESTAMP_FORMATS)) {
    assert.equal(
      timestampFormatOf(plain, location as keyof typeof DEFAULT_TIMESTAMP_FORMATS),
      format,
    );
  }
  assert.deepEqual(DEFAULT_TIMESTAMP_FORMATS, {
    body: "epoch-seconds",
    header: "http-date",
    query: "date-time",
    label: "date-time",
  });
});

Deno.test("scalarFamily and isNamedType", () => {
  assert.equal(scalarFamily(shape("Stamp")), "timestamp");
  assert.equal(scalarFamily(service.shapes.get("smithy.api#Integer")!), "integer");
  assert.equal(scalarFamily(shape("Tree")), undefined);
  assert.equal(isNamedType(shape("Tree")), true);
  assert.equal(isNamedType(shape("Stamp")), false);
});

Deno.test("numberBits: the width the runtime checks, per Smithy number type", () => {
  const kinds = ["byte", "short", "integer", "intEnum", "long", "bigInteger", "float", "double"];
  assert.deepEqual(
    [...kinds, "bigDecimal", "string"].map((kind) => numberBits({ kind } as unknown as Shape)),
    [8, 16, 32, 32, undefined, undefined, 32, undefined, undefined, undefined],
  );
});

Deno.test("isBase64Header: JSON @mediaType strings only", () => {
  const string = (mediaType?: string) => ({ kind: "string", mediaType }) as unknown as Shape;
  assert.equal(isBase64Header(string("application/json")), true);
  assert.equal(isBase64Header(string("text/plain")), false);
  assert.equal(isBase64Header(string()), false);
  assert.equal(isBase64Header(undefined), false);
});

Deno.test("httpLocation and isHeaderBound", () => {
  assert.equal(httpLocation(memberOf("PutInput", "Name")), "label");
  assert.equal(httpLocation(memberOf("PutInput", "At")), "header");
  assert.equal(httpLocation(memberOf("PutInput", "Count")), undefined);
  assert.equal(isHeaderBound(memberOf("Missing", "Reason")), true);
  assert.equal(isHeaderBound(memberOf("PutInput", "Name")), false);
});

Deno.test("valueShape: the target, or a list target's member", () => {
  assert.equal(valueShape(service, memberOf("PutInput", "At")), shape("Stamp"));
  assert.equal(valueShape(service, memberOf("PutInput", "Stamps")), shape("Stamp"));
  assert.equal(valueShape(service, memberOf("PutInput", "Tree")), shape("Tree"));
});

Deno.test("ShapeIndex: computed once per service; input shapes, order, errors, presence", () => {
  const index = ShapeIndex.of(service);
  assert.equal(ShapeIndex.of(service), index);
  assert.notEqual(ShapeIndex.of(loadService(model())), index);
  assert.ok(index.inputShapes.has(id("Tree")));
  assert.ok(!index.inputShapes.has(id("PutOutput")));
  assert.ok(!index.inputShapes.has(id("Throttled")));
  assert.deepEqual(index.errorShapes.map((s) => s.name), ["Missing", "Throttled"]);
  const names = index.shapesByName.map((s) => s.name);
  assert.deepEqual(names, [...service.shapes.values()].map((s) => s.name).sort());
  assert.ok(names.indexOf("Integer") < names.indexOf("Missing"));
  // Defaults make output members always present, never input members.
  assert.equal(index.isAlwaysPresent(memberOf("PutOutput", "Count"), structure("PutOutput")), true);
  assert.equal(index.isAlwaysPresent(memberOf("PutInput", "Count"), structure("PutInput")), false);
  assert.equal(index.isAlwaysPresent(memberOf("PutInput", "Name"), structure("PutInput")), true);
});
