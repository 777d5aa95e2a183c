// The smallest model the generator accepts, for tests of the code generator's command line.

/** A minimal restJson1 model with one operation; its service id and traits can be changed. */
export function tinyModel(
  options: { service?: string; traits?: Record<string, unknown> } = {},
): Record<string, unknown> {
  const service = options.service ?? "example.tiny#Tiny";
  return {
    smithy: "2.0",
    shapes: {
      [service]: {
        type: "service",
        version: "2024-01-01",
        operations: [{ target: "example.tiny#Ping" }],
        traits: options.traits ??
          { "aws.protocols#restJson1": {}, "aws.auth#sigv4": { name: "tiny" } },
      },
      "example.tiny#Ping": {
        type: "operation",
        traits: { "smithy.api#http": { method: "GET", uri: "/ping", code: 200 } },
      },
    },
  };
}
