/**
 * Fresh credentials after the service said the used ones expired: once per call.
 *
 * @module
 */

import type { Call } from "./call.ts";
import { EXPIRED_TOKEN_ERROR_CODES } from "./retry.ts";

/**
 * After an expired-token error, drops the credentials the attempt used so the provider is asked
 * again — once per call: fresh credentials refused the same way end the call.
 */
export function refreshCredentials<I, O>(call: Call<I, O>, error: Error): boolean {
  if (!EXPIRED_TOKEN_ERROR_CODES.has(error.name) || call.refreshed) return false;
  call.refreshed = true;
  return call.client.invalidateCredentials(call.credentials);
}
