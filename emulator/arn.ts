/**
 * ARNs as the emulator reads them: `arn:partition:service:region:account:resource`.
 *
 * @module
 */

/** The parts of an ARN. */
export interface ParsedArn {
  partition: string;
  service: string;
  region: string;
  accountId: string;
  resource: string;
}

/** Splits `arn:partition:service:region:account:resource`; `undefined` if not an ARN. */
export function parseArn(arn: string): ParsedArn | undefined {
  const parts = arn.split(":");
  if (
    parts.length < 6 || parts[0] !== "arn" || !parts[1] || !parts[2] || !parts.slice(5).join(":")
  ) {
    return undefined;
  }
  return {
    partition: parts[1],
    service: parts[2],
    region: parts[3],
    accountId: parts[4],
    resource: parts.slice(5).join(":"),
  };
}
