/**
 * Browser entry: exposes the smoke run to the test page as `globalThis.runSmoke`.
 *
 * @module
 */

import { runSmoke } from "./smoke.ts";

(globalThis as unknown as { runSmoke: typeof runSmoke }).runSmoke = runSmoke;
