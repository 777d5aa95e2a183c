/**
 * The module's version, for user agents and error messages. It must equal `deno.json`'s
 * `version` (the one place a release sets it); `runtime/version_test.ts` checks that.
 *
 * @module
 */

/** This module's version, e.g. `0.1.0`. */
export const VERSION: string = "0.1.0";
