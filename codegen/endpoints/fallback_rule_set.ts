/**
 * The endpoint rule set of models that have none: the standard AWS regional rules for an
 * `aws.api#service` endpoint prefix, written as a `smithy.rules#endpointRuleSet` trait value.
 *
 * @module
 */

/**
 * The rule set used for models without one: the standard AWS regional rules (custom endpoint
 * passthrough; FIPS and dual-stack variants per partition support) for an endpoint prefix.
 */
export function fallbackRuleSet(endpointPrefix: string): unknown {
  const ref = (name: string) => ({ ref: name });
  const isTrue = (value: unknown) => ({ fn: "booleanEquals", argv: [value, true] });
  const attr = (name: string) => ({ fn: "getAttr", argv: [ref("PartitionResult"), name] });
  const endpoint = (url: string) => ({ conditions: [], endpoint: { url }, type: "endpoint" });
  const error = (message: string, conditions: unknown[] = []) => ({
    conditions,
    error: message,
    type: "error",
  });
  const tree = (conditions: unknown[], rules: unknown[]) => ({ conditions, rules, type: "tree" });
  const host = (fips: boolean, dualStack: boolean) =>
    `https://${endpointPrefix}${fips ? "-fips" : ""}.{Region}.{PartitionResult#${
      dualStack ? "dualStackDnsSuffix" : "dnsSuffix"
    }}`;
  const builtIn = (name: string, type: string, documentation: string, required = false) => ({
    builtIn: name,
    required,
    ...(required ? { default: false } : {}),
    documentation,
    type,
  });
  return {
    version: "1.0",
    parameters: {
      Region: builtIn("AWS::Region", "String", "The AWS region used to dispatch the request."),
      UseDualStack: builtIn(
        "AWS::UseDualStack",
        "Boolean",
        "When true, use the dual-stack endpoint. If the partition does not support dual-stack, resolving the endpoint fails.",
        true,
      ),
      UseFIPS: builtIn(
        "AWS::UseFIPS",
        "Boolean",
        "When true, send this request to the FIPS-compliant regional endpoint. If the partition does not support FIPS, resolving the endpoint fails.",
        true,
      ),
      Endpoint: builtIn(
        "SDK::Endpoint",
        "String",
        "Override the endpoint used to send this request",
      ),
    },
    rules: [
      tree([{ fn: "isSet", argv: [ref("Endpoint")] }], [
        error("Invalid Configuration: FIPS and custom endpoint are not supported", [
          isTrue(ref("UseFIPS")),
        ]),
        error("Invalid Configuration: Dualstack and custom endpoint are not supported", [
          isTrue(ref("UseDualStack")),
        ]),
        { conditions: [], endpoint: { url: ref("Endpoint") }, type: "endpoint" },
      ]),
      tree([{ fn: "isSet", argv: [ref("Region")] }], [
        tree([{ fn: "aws.partition", argv: [ref("Region")], assign: "PartitionResult" }], [
          tree([isTrue(ref("UseFIPS")), isTrue(ref("UseDualStack"))], [
            tree([isTrue(attr("supportsFIPS")), isTrue(attr("supportsDualStack"))], [
              endpoint(host(true, true)),
            ]),
            error(
              "FIPS and DualStack are enabled, but this partition does not support one or both",
            ),
          ]),
          tree([isTrue(ref("UseFIPS"))], [
            tree([isTrue(attr("supportsFIPS"))], [endpoint(host(true, false))]),
            error("FIPS is enabled but this partition does not support FIPS"),
          ]),
          tree([isTrue(ref("UseDualStack"))], [
            tree([isTrue(attr("supportsDualStack"))], [endpoint(host(false, true))]),
            error("DualStack is enabled but this partition does not support DualStack"),
          ]),
          endpoint(host(false, false)),
        ]),
      ]),
      error("Invalid Configuration: Missing Region"),
    ],
  };
}
