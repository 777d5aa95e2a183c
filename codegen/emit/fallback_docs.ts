/**
 * Documentation for what the model leaves undocumented: a member falls back to its target
 * shape's documentation (model text), and only then to a sentence made from the model's facts
 * (the operation a structure belongs to, a list's item type, an enum's openness).
 *
 * @module
 */

import type { Member, Service, Shape } from "../ir.ts";
import { typeRef } from "./references.ts";

/** The shape's documentation, or a sentence saying what it is. */
export function shapeDoc(service: Service, shape: Shape & { name: string }): string {
  if (shape.doc) return shape.doc;
  switch (shape.kind) {
    case "structure": {
      const input = service.operations.find((op) => op.input === shape.id);
      if (input) return `Input of the ${input.name} operation.`;
      const output = service.operations.find((op) => op.output === shape.id);
      if (output) return `Output of the ${output.name} operation.`;
      return `The ${shape.name} structure of ${service.sdkId}.`;
    }
    case "union":
      return `Exactly one of ${shape.members.map((m) => `\`${m.name}\``).join(", ")}; a ` +
        "member this client does not know arrives as `$unknown`.";
    case "enum":
    case "intEnum":
      return `The values of ${shape.name}; values added by newer service versions are accepted ` +
        "too.";
    case "list":
      return `A list of \`${typeRef(service, shape.member.target)}\`.`;
    case "map":
      return `A map from string keys to \`${typeRef(service, shape.value.target)}\`.`;
    default:
      return `The ${shape.name} shape of ${service.sdkId}.`;
  }
}

/** The member's documentation, else its target shape's, else a sentence naming it. */
export function memberDoc(service: Service, member: Member, owner: string): string {
  return member.doc ?? service.shapes.get(member.target)?.doc ??
    `The ${member.name} member of ${owner} (\`${typeRef(service, member.target)}\`).`;
}
