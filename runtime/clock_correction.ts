/**
 * The client's clock, corrected from the service's when a request failed because the local
 * clock is off (SigV4 signatures are valid for 5 minutes around their time).
 *
 * @module
 */

import type { Call } from "./call.ts";
import type { HttpResponse } from "./http.ts";
import { CLOCK_SKEW_ERROR_CODES } from "./retry.ts";
import { fromHttpDate } from "./serde.ts";

/**
 * After a signature-time error, adopts the server's clock (from its `Date` header, an
 * IMF-fixdate: anything else is ignored) when the clock this attempt was signed with is more
 * than 5 minutes off. Judged by the attempt's own signing clock, so calls that were in flight
 * when another call corrected the clock retry too; a call signed with the corrected clock is
 * not "fixed" again.
 */
export function correctClock<I, O>(
  call: Call<I, O>,
  response: HttpResponse,
  error: Error,
): boolean {
  if (!CLOCK_SKEW_ERROR_CODES.has(error.name)) return false;
  let server: number;
  try {
    server = fromHttpDate(response.headers.get("date") ?? "").getTime();
  } catch {
    return false;
  }
  const now = Date.now();
  if (!(Math.abs(server - now - call.signedOffsetMs) > 300_000)) return false;
  call.client.clockOffsetMs = server - now;
  return true;
}
