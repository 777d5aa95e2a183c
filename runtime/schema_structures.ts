/**
 * The structure kinds: structures and unions (exactly one member set; an unknown one kept as
 * `$unknown`), members renamed by `@jsonName` or bound to HTTP, and their walks.
 *
 * @module
 */

import type { ValidationIssue } from "./errors.ts";
import { describe, isPlainObject, ownMember, putMember } from "./plain_objects.ts";
import type { MemberSchema, StructureSchema, Walks } from "./schema.ts";
import { expectJson, fromJson, rethrowWithin, toJson } from "./schema_json.ts";
import { at, issue, notData, validate } from "./schema_validation.ts";
import { unknownKeyIssues } from "./unknown_keys.ts";

/**
 * Validates the members of a structure or union; returns how many are set. Members are own
 * enumerable data properties, which is what the serializers copy and read, so these are
 * refused: a key the model does not name (with the member it probably meant), and a member
 * made non-enumerable or defined by a getter (`Object.defineProperty`), which would be
 * validated and then dropped, or read again. Symbol keys are not members and are ignored, as in
 * `JSON.stringify`; inherited properties are not the object's and are absent.
 */
function validateMembers(
  s: StructureSchema,
  value: unknown,
  path: string,
  issues: ValidationIssue[],
  depth: number,
): number {
  if (!isPlainObject(value)) {
    issue(issues, path, `must be a plain object, not ${describe(value)}`);
    return -1;
  }
  let set = 0;
  /** Members that are own enumerable properties, whatever their value. */
  let own = 0;
  for (const [name, member] of s.memberList) {
    // One read of the property, for what it is and what it holds (cheaper than two).
    const property = Object.getOwnPropertyDescriptor(value, name);
    let v: unknown;
    if (property) {
      const problem = notData(property);
      if (problem) {
        issue(issues, at(path, name), problem);
        continue;
      }
      own++;
      v = property.value;
    }
    if (v == null) {
      if (member.required) issue(issues, at(path, name), "is required");
      continue;
    }
    set++;
    const memberPath = at(path, name);
    validate(member.schema, v, memberPath, issues, depth + 1);
    member.check?.(v, memberPath, issues);
  }
  // Every own enumerable key is a member unless there are more keys than members found.
  if (Object.keys(value).length !== own) unknownMembers(s, value, path, issues);
  return set;
}

/** Reports each own enumerable key of `value` that is not a member of `s`. */
function unknownMembers(
  s: StructureSchema,
  value: Record<string, unknown>,
  path: string,
  issues: ValidationIssue[],
) {
  issues.push(...unknownKeyIssues(value, s.memberList.map(([name]) => name), path));
}

function membersToJson(s: StructureSchema, value: unknown): unknown {
  const out: Record<string, unknown> = {};
  for (const [name, member, key] of s.bodyMembers) {
    const v = ownMember(value as object, name);
    if (v != null) putMember(out, key, toJson(member.schema, v));
  }
  return out;
}

function membersFromJson(s: StructureSchema, json: unknown): Record<string, unknown> {
  expectJson(json, "object", "an object");
  const out: Record<string, unknown> = {};
  for (const [name, member, key] of s.bodyMembers) {
    let v: unknown;
    try {
      v = fromJson(member.schema, ownMember(json as object, key));
    } catch (e) {
      rethrowWithin(e, name);
    }
    if (v !== undefined) out[name] = v;
    else if (member.default !== undefined) out[name] = fromJson(member.schema, member.default);
  }
  return out;
}

const STRUCTURE_WALKS: Walks<StructureSchema> = {
  validate: validateMembers,
  toJson: membersToJson,
  fromJson: membersFromJson,
};

const UNION_WALKS: Walks<StructureSchema> = {
  validate(s, value, path, issues, depth) {
    const set = validateMembers(s, value, path, issues, depth);
    if (set >= 0 && set !== 1) issue(issues, path, "must have exactly one member set");
  },
  toJson: membersToJson,
  fromJson(s, json) {
    const out = membersFromJson(s, json);
    if (Object.keys(out).length) return out;
    const obj = json as Record<string, unknown>;
    const unknown = Object.keys(obj).find((k) =>
      k !== "__type" && !s.bodyMembers.some(([, , key]) => key === k)
    );
    return unknown ? { $unknown: [unknown, obj[unknown]] } : out;
  },
};

/** The parts of a structure or union schema computed once: member lists in order. */
const withMembers = (
  type: StructureSchema["type"],
  members: Record<string, MemberSchema>,
  walks: Walks<StructureSchema>,
): StructureSchema => {
  const memberList = Object.entries(members);
  const bodyMembers = memberList.filter(([, m]) => !m.http)
    .map(([name, m]): [string, MemberSchema, string] => [name, m, m.jsonName ?? name]);
  return { type, members, memberList, bodyMembers, walks };
};

/** A structure schema from its members (in the model's order). */
export const structure = (members: Record<string, MemberSchema>): StructureSchema =>
  withMembers("structure", members, STRUCTURE_WALKS);

/**
 * The input of an operation that has none (`smithy.api#Unit`): an empty structure, so a key a
 * caller passes is refused as for any other input instead of being ignored.
 */
export const NO_INPUT: StructureSchema = /* @__PURE__ */ structure({});

/** A union schema from its members: exactly one is set; an unknown one is kept as `$unknown`. */
export const union = (members: Record<string, MemberSchema>): StructureSchema =>
  withMembers("union", members, UNION_WALKS);
