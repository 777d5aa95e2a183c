/**
 * The project settings generated code follows, read from `deno.json` so they are stated once:
 * the generator's version and `deno fmt`'s line width.
 *
 * @module
 */

import denoJson from "../deno.json" with { type: "json" };

/** The generator's version, stamped into every generated file. */
export const GENERATOR_VERSION: string = denoJson.version;

/** The line width of generated code and its doc comments (`fmt.lineWidth`). */
export const LINE_WIDTH: number = denoJson.fmt.lineWidth;
