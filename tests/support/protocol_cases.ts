// Reads the Smithy protocol-test traits (`smithy.test#httpRequestTests` and
// `smithy.test#httpResponseTests`) out of a model, one entry per case.

/** One `smithy.test#httpRequestTests` entry. */
export interface HttpRequestTestCase {
  id: string;
  protocol: string;
  method: string;
  uri: string;
  host?: string;
  resolvedHost?: string;
  queryParams?: string[];
  forbidQueryParams?: string[];
  requireQueryParams?: string[];
  headers?: Record<string, string>;
  forbidHeaders?: string[];
  requireHeaders?: string[];
  body?: string;
  bodyMediaType?: string;
  params?: Record<string, unknown>;
  tags?: string[];
  appliesTo?: "client" | "server";
  documentation?: string;
}

/** One `smithy.test#httpResponseTests` entry. */
export interface HttpResponseTestCase {
  id: string;
  protocol: string;
  code: number;
  headers?: Record<string, string>;
  body?: string;
  bodyMediaType?: string;
  params?: Record<string, unknown>;
  tags?: string[];
  appliesTo?: "client" | "server";
  documentation?: string;
}

/** A case together with where it was found. */
export type ProtocolCase =
  | { kind: "request"; id: string; operation: string; test: HttpRequestTestCase }
  | { kind: "response"; id: string; operation: string; test: HttpResponseTestCase }
  | {
    kind: "error";
    id: string;
    /** Shape id of the error structure carrying the case. */
    error: string;
    /** The first operation that lists the error: the case is answered to it. */
    operation: string;
    test: HttpResponseTestCase;
  };

interface AstShape {
  type: string;
  traits?: Record<string, unknown>;
  errors?: { target: string }[];
}

const localName = (id: string) => id.slice(id.indexOf("#") + 1);

/** Every protocol-test case of the model, in model order (operations' cases, then errors'). */
export function protocolCases(modelText: string, protocol?: string): ProtocolCase[] {
  const shapes = (JSON.parse(modelText) as { shapes: Record<string, AstShape> }).shapes;
  const cases: ProtocolCase[] = [];
  const mine = <T extends { protocol: string }>(list: unknown) =>
    ((list ?? []) as T[]).filter((t) => !protocol || t.protocol === protocol);
  for (const [id, shape] of Object.entries(shapes)) {
    const traits = shape.traits ?? {};
    const requests = mine<HttpRequestTestCase>(traits["smithy.test#httpRequestTests"]);
    const responses = mine<HttpResponseTestCase>(traits["smithy.test#httpResponseTests"]);
    if (shape.type === "operation") {
      const operation = localName(id);
      for (const test of requests) cases.push({ kind: "request", id: test.id, operation, test });
      for (const test of responses) cases.push({ kind: "response", id: test.id, operation, test });
    } else if (responses.length) {
      const thrower = Object.entries(shapes).find(([, s]) =>
        s.type === "operation" && s.errors?.some((e) => e.target === id)
      );
      if (!thrower) throw new Error(`No operation lists the error ${id}`);
      for (const test of responses) {
        cases.push({
          kind: "error",
          id: test.id,
          error: id,
          operation: localName(thrower[0]),
          test,
        });
      }
    }
  }
  return cases;
}

/**
 * Why a case cannot apply to this client, as a property of the case itself; undefined when it
 * applies.
 *
 * The suite's README suggests `RestJsonHttpChecksumRequired` cannot apply ("Content-MD5 over
 * botocore's pretty-printed body"), but its Content-MD5 `iB0/3YSo7maijL0IGOgA9g==` is the MD5
 * of the compact body `{"foo":"base64 encoded md5 checksum"}`, which is what this client sends:
 * the case applies as written.
 */
export function notApplicable(c: ProtocolCase): string | undefined {
  if (c.test.appliesTo === "server") return "a server-only case";
  return undefined;
}
