/**
 * What a model must be before anything is generated from it, checked on the raw Smithy JSON AST
 * so that a wrong file is refused with one line naming the reason: JSON, a Smithy JSON AST
 * (`smithy` 1.x or 2.x and `shapes`), a service shape, the restJson1 protocol. Also lists the
 * protocol and auth traits the generator does not know, for `model:update` to flag.
 *
 * @module
 */

/** A model that cannot be used; the message is one line naming the file and the reason. */
export class ModelError extends Error {
  /** Always `ModelError`. */
  override name = "ModelError";
}

/** The protocol the generator implements (Smithy trait id). */
export const KNOWN_PROTOCOL = "aws.protocols#restJson1";

/** The auth scheme the runtime implements (Smithy trait id). */
export const KNOWN_AUTH = "aws.auth#sigv4";

/** Trait namespaces whose service traits are protocol definitions. */
const PROTOCOL_NAMESPACES = ["aws.protocols#", "smithy.protocols#"];

/** Prelude auth traits (Smithy 2.0 "Authentication traits"); `aws.auth#*` are the AWS ones. */
const PRELUDE_AUTH = [
  "smithy.api#httpBasicAuth",
  "smithy.api#httpDigestAuth",
  "smithy.api#httpBearerAuth",
  "smithy.api#httpApiKeyAuth",
  "smithy.api#optionalAuth",
];

interface AstShape {
  type: string;
  traits?: Record<string, unknown>;
}

/** A parsed Smithy JSON AST (only what the checks read). */
export interface SmithyAst {
  /** The Smithy IDL version, `1.0` or `2.0`. */
  smithy: string;
  /** Shapes by absolute shape id. */
  shapes: Record<string, AstShape>;
}

/** What the checks found out about one service of a model. */
export interface ModelFacts {
  /** The parsed model. */
  ast: SmithyAst;
  /** The service shape id. */
  service: string;
  /** Smithy version, `1.0` or `2.0`. */
  smithy: string;
  /** Protocol traits on the service, sorted. */
  protocols: string[];
  /** Protocol and auth traits (with where they are) the generator does not know, sorted. */
  unknownTraits: string[];
}

/**
 * Parses and checks a model's text.
 *
 * @param origin the file or URL, for messages.
 * @param service the service shape id to use; default: the model's only service.
 * @throws {ModelError} not JSON, not a Smithy JSON AST, no such service, not restJson1.
 */
export function checkModel(text: string, origin: string, service?: string): ModelFacts {
  let ast: SmithyAst;
  try {
    ast = JSON.parse(text);
  } catch (e) {
    throw new ModelError(`${origin} is not JSON (${(e as Error).message})`);
  }
  if (
    !ast || typeof ast !== "object" || typeof ast.smithy !== "string" ||
    !/^[12]\.\d+$/.test(ast.smithy) || !ast.shapes || typeof ast.shapes !== "object"
  ) {
    throw new ModelError(
      `${origin} is not a Smithy JSON AST model (expected "smithy": "1.x" or "2.x" and "shapes")`,
    );
  }
  const services = Object.keys(ast.shapes).filter((id) => ast.shapes[id]?.type === "service");
  const id = service ?? (services.length === 1 ? services[0] : undefined);
  if (!id || ast.shapes[id]?.type !== "service") {
    const found = services.length ? services.join(", ") : "none";
    throw new ModelError(
      service
        ? `${origin} is not the same service: it defines ${found}, not ${service}`
        : `${origin} has ${services.length} services (${found}); choose one with --service`,
    );
  }
  const traits = Object.keys(ast.shapes[id].traits ?? {});
  const protocols = traits.filter((t) => PROTOCOL_NAMESPACES.some((ns) => t.startsWith(ns)))
    .sort();
  if (!protocols.includes(KNOWN_PROTOCOL)) {
    throw new ModelError(
      `${origin}: service ${id} does not use restJson1 (protocols: ${
        protocols.join(", ") || "none"
      }); the generator implements only ${KNOWN_PROTOCOL}`,
    );
  }
  const unknown = protocols.filter((p) => p !== KNOWN_PROTOCOL).map((p) => `${p} on ${id}`);
  for (const [shapeId, shape] of Object.entries(ast.shapes)) {
    if (shapeId !== id && shape?.type !== "operation") continue;
    for (const [trait, value] of Object.entries(shape.traits ?? {})) {
      if (isAuthTrait(trait) && trait !== KNOWN_AUTH) unknown.push(`${trait} on ${shapeId}`);
      if (trait === "smithy.api#auth" && Array.isArray(value)) {
        for (const scheme of value) {
          if (scheme !== KNOWN_AUTH) unknown.push(`smithy.api#auth ${scheme} on ${shapeId}`);
        }
      }
    }
  }
  return { ast, service: id, smithy: ast.smithy, protocols, unknownTraits: unknown.sort() };
}

function isAuthTrait(trait: string): boolean {
  return trait.startsWith("aws.auth#") || PRELUDE_AUTH.includes(trait);
}
