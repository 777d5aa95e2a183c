/**
 * Browser entry: exposes the smoke run to the test page as `globalThis.runSmoke`, and the
 * redirect probe as `globalThis.probeRedirects` (a browser's fetch hides a redirect under
 * `redirect: "manual"`: an opaque redirect).
 *
 * @module
 */

import { probeRedirects } from "./safety_probe.ts";
import { runSmoke } from "./smoke.ts";

Object.assign(globalThis, { runSmoke, probeRedirects });
