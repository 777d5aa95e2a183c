/**
 * Checks a resolver against `smithy.rules#endpointTests` cases: `model:update` runs a new
 * model's own cases, and the compiler's tests run the model's and their own.
 *
 * @module
 */

import { EndpointError } from "../../runtime/errors.ts";

/** One `smithy.rules#endpointTests` case. */
export interface EndpointTestCase {
  documentation?: string;
  params?: Record<string, unknown>;
  expect: {
    endpoint?: {
      url: string;
      headers?: Record<string, string[]>;
      properties?: Record<string, unknown>;
    };
    error?: string;
  };
}

/** An endpoint resolver as generated: parameters in, endpoint out or `EndpointError`. */
export type ResolveEndpoint = (params: Record<string, unknown>) => {
  url: string;
  headers?: Record<string, string[]>;
  properties?: Record<string, unknown>;
};

/**
 * Runs each case: the URL, and the headers and properties the case states, must match (key order
 * aside), or the `EndpointError` message must.
 *
 * @returns how many cases ran and a line for each failure.
 */
export function checkEndpointCases(
  resolveEndpoint: ResolveEndpoint,
  cases: EndpointTestCase[],
): { cases: number; failures: string[] } {
  const failures: string[] = [];
  for (const c of cases) {
    const label = c.documentation ?? JSON.stringify(c.params ?? {});
    let outcome: string;
    try {
      const got = resolveEndpoint(c.params ?? {});
      outcome = canonicalJson({ endpoint: { url: got.url, ...pick(got, c.expect.endpoint) } });
    } catch (e) {
      if (!(e instanceof EndpointError)) {
        failures.push(`${label}: ${(e as Error).message}`);
        continue;
      }
      outcome = canonicalJson({ error: e.message });
    }
    const expected = canonicalJson(
      c.expect.error !== undefined ? { error: c.expect.error } : {
        endpoint: { url: c.expect.endpoint?.url, ...pick(c.expect.endpoint, c.expect.endpoint) },
      },
    );
    if (outcome !== expected) failures.push(`${label}: expected ${expected}, got ${outcome}`);
  }
  return { cases: cases.length, failures };
}

/** The headers and properties of an endpoint, as far as the test case states them. */
function pick(
  endpoint: { headers?: unknown; properties?: unknown } | undefined,
  expected: { headers?: unknown; properties?: unknown } | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (expected?.headers) out.headers = endpoint?.headers ?? {};
  if (expected?.properties) out.properties = endpoint?.properties ?? {};
  return out;
}

/** JSON with object keys sorted by code unit, so that equal values give equal text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (!value || typeof value !== "object") return JSON.stringify(value) ?? "null";
  const keys = Object.keys(value).sort();
  return `{${
    keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(",")
  }}`;
}
