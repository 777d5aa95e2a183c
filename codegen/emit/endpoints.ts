/**
 * Emits `endpoints.ts` and `partitions.ts`: the service's `smithy.rules#endpointRuleSet`
 * compiled into straight-line TypeScript, and the AWS partition table `aws.partition` reads.
 * Models without a rule set get an equivalent of the standard AWS regional rule set built from
 * `aws.api#service.endpointPrefix`. The work is done in `codegen/endpoints/`.
 *
 * @module
 */

import { compileRuleSet } from "../endpoints/compiler.ts";
import { emitPartitions } from "../endpoints/partition_table.ts";
import { countEndpointTests, endpointRuleSet } from "../endpoints/rule_set.ts";

/** What {@linkcode emitEndpoints} compiles. */
export interface EmitEndpointsInput {
  /** The `smithy.rules#endpointRuleSet` trait value; absent for old models. */
  ruleSet?: unknown;
  /** The `smithy.rules#endpointTests` trait value, if any (only counted in the docs). */
  tests?: unknown;
  /** `aws.api#service.endpointPrefix`, used when there is no rule set. */
  endpointPrefix: string;
  /** What `loadPartitionsData` returned, or a raw partitions document. */
  partitions: unknown;
  /**
   * Base the generated code imports the runtime from, ending in `/`. Defaults to
   * `../runtime/`; tests pass an absolute `file:` URL to compile into a temporary folder.
   */
  runtimeImport?: string;
}

/** The text of the two generated files. */
export interface EmittedEndpoints {
  /** `generated/endpoints.ts`: `EndpointParams` and `resolveEndpoint`. */
  endpoints: string;
  /** `generated/partitions.ts`: the `PARTITIONS` table `aws.partition` reads. */
  partitions: string;
}

/**
 * Emits `generated/endpoints.ts` and `generated/partitions.ts` for a rule set (or, without one,
 * for the standard AWS regional rules over `endpointPrefix`). Pure and deterministic.
 */
export function emitEndpoints(input: EmitEndpointsInput): EmittedEndpoints {
  const runtime = input.runtimeImport ?? "../runtime/";
  const fallback = input.ruleSet === undefined;
  return {
    endpoints: compileRuleSet(endpointRuleSet(input.ruleSet, input.endpointPrefix), {
      runtime,
      fallbackPrefix: fallback ? input.endpointPrefix : undefined,
      testCount: countEndpointTests(input.tests),
    }),
    partitions: emitPartitions(input.partitions, runtime),
  };
}
