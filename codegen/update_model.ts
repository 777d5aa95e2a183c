/**
 * `deno task model:update --from PATH|URL [--date YYYY-MM-DD] [--url URL] [--sha256 HEX]`
 *
 * The routine for "AWS published a new model": checks the new model (a Smithy JSON AST of the
 * pinned service, restJson1, the sha256 given), records it as the newest pin in
 * `codegen/model_pins.json` (date, Smithy version, sha256, upstream URL), regenerates
 * `generated/`, prints the change report against the previous pin with a one-line summary, and
 * flags what needs a human.
 *
 * The pin's date and upstream URL come from `--date` and `--url`; failing those, from an
 * `index.json` beside the file that lists it by sha256 (the layout of `../shared/models/`); a
 * URL given to `--from` is its own upstream URL and defaults the date to today (UTC).
 *
 * Exit status (for a scheduled job):
 * - 0: nothing changed (the model is the newest pin and `generated/` is up to date);
 * - 1: a new pin was recorded and `generated/` regenerated, nothing needs a human;
 * - 2: needs a human — the model was refused (not the same service, not restJson1, sha256
 *   mismatch, not newer than the newest pin; one line says why), or it was recorded but brings a
 *   breaking change for callers, a protocol or auth trait the generator does not know, or an
 *   endpoint rule set that fails its own `smithy.rules#endpointTests`.
 *
 * @module
 */

import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { CHANGE_KINDS, diffServices, formatReport, type ModelChange } from "./diff.ts";
import { loadService } from "./loader.ts";
import { generateFormatted, invocationPath, runCli, writeGenerated } from "./main.ts";
import { checkModel, ModelError, type ModelFacts } from "./model_check.ts";
import {
  checkEndpointCases,
  type EndpointTestCase,
  type ResolveEndpoint,
} from "./endpoints/endpoint_tests.ts";
import {
  cachePinnedModel,
  download,
  loadModelSource,
  type ModelPin,
  type ModelSource,
  sha256Hex,
} from "./model_source.ts";

const PINS_FILE = new URL("./model_pins.json", import.meta.url);
const GENERATED = new URL("../generated/", import.meta.url);

/** The pin list as stored in `codegen/model_pins.json`. */
export interface PinList {
  /** The service shape id every pinned revision must define. */
  service: string;
  /** The date of the revision `generated/` is built from. */
  latest: string;
  /** Oldest first. */
  revisions: ModelPin[];
}

/** What `model:update` is asked to do. */
export interface UpdateOptions {
  /** A file path or an `http(s)://` URL. */
  from: string;
  /** The revision's date, `YYYY-MM-DD`. */
  date?: string;
  /** Where others download the model (recorded in the pin). */
  url?: string;
  /** The sha256 the model must have (lowercase hex). */
  sha256?: string;
}

/**
 * Change kinds that can break a caller's code or requests: something they use is gone, now
 * required, typed or sent differently. Additions are not breaking.
 */
export const BREAKING_KINDS: ReadonlySet<ModelChange["kind"]> = new Set([
  "operation-removed",
  "shape-removed",
  "member-removed",
  "member-required",
  "type-changed",
  "enum-value-removed",
  "idempotency-token-removed",
  "default-removed",
  "default-changed",
  "http-binding-changed",
  "endpoint-parameter-removed",
]);

/**
 * Whether a change breaks callers. A constraint change breaks them when it narrows what is
 * accepted (a higher minimum, a lower maximum, a new bound) or changes a pattern.
 */
export function isBreaking(change: ModelChange): boolean {
  if (BREAKING_KINDS.has(change.kind)) return true;
  if (change.kind !== "constraint-changed") return false;
  const m = change.detail?.match(/^(length|range) (\S+) → (\S+)$/);
  if (!m) return true; // a pattern, or a form this check does not know
  const bounds = (r: string) => {
    if (r === "none") return { min: -Infinity, max: Infinity };
    const [min, max] = r.split("..");
    return { min: min === "" ? -Infinity : Number(min), max: max === "" ? Infinity : Number(max) };
  };
  const [from, to] = [bounds(m[2]), bounds(m[3])];
  return to.min > from.min || to.max < from.max;
}

/** The one-line summary of a change report. */
export function summarize(changes: ModelChange[]): string {
  const count = (kind: ModelChange["kind"]) => changes.filter((c) => c.kind === kind).length;
  const breaking = changes.filter(isBreaking);
  const kinds = [...new Set(breaking.map((c) => c.kind))];
  const breakingText = breaking.length
    ? `${breaking.length} breaking for callers (${kinds.join(", ")})`
    : "none breaking for callers";
  return `${plural(count("operation-added"), "operation")} added, ` +
    `${count("operation-removed")} removed; ${plural(changes.length, "change")} in all, ` +
    `${breakingText}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/**
 * Runs a model's `smithy.rules#endpointTests` against a generated `endpoints.ts`.
 *
 * @returns how many cases ran and a line for each failure.
 */
export async function runEndpointTests(
  endpointsFile: URL,
  tests: unknown,
): Promise<{ cases: number; failures: string[] }> {
  // A fresh URL: the module may have been imported before it was regenerated.
  const url = new URL(endpointsFile);
  url.search = `?t=${crypto.randomUUID()}`;
  const { resolveEndpoint } = await import(url.href) as { resolveEndpoint: ResolveEndpoint };
  return checkEndpointCases(
    resolveEndpoint,
    (tests as { testCases?: EndpointTestCase[] } | undefined)?.testCases ?? [],
  );
}

/** Reads the pin list. */
export async function readPins(file: URL = PINS_FILE): Promise<PinList> {
  return JSON.parse(await Deno.readTextFile(file));
}

/** Finds the date and upstream URL of a file in an `index.json` beside it, by sha256. */
async function fromIndex(path: string, sha256: string): Promise<{ date?: string; url?: string }> {
  const index = new URL("index.json", pathToFileURL(resolve(path)));
  let entries: { sha256?: string; date?: string; upstream?: string }[];
  try {
    entries = JSON.parse(await Deno.readTextFile(index)).revisions ?? [];
  } catch {
    return {};
  }
  const entry = Array.isArray(entries) ? entries.find((e) => e?.sha256 === sha256) : undefined;
  return { date: entry?.date, url: entry?.upstream };
}

/** Reads the new model's bytes and works out its pin. */
async function newPin(
  options: UpdateOptions,
  service: string,
): Promise<{ pin: ModelPin; source: ModelSource; bytes: Uint8Array; facts: ModelFacts }> {
  const remote = /^https?:\/\//.test(options.from);
  let bytes: Uint8Array;
  if (remote) bytes = await download(options.from);
  else {
    try {
      bytes = await Deno.readFile(options.from);
    } catch (e) {
      throw new ModelError(`Cannot read ${options.from}: ${(e as Error).message}`);
    }
  }
  const sha256 = await sha256Hex(bytes);
  if (options.sha256 && options.sha256.toLowerCase() !== sha256) {
    throw new ModelError(
      `${options.from} has sha256 ${sha256}, but ${options.sha256.toLowerCase()} was given`,
    );
  }
  const indexed = remote ? {} : await fromIndex(options.from, sha256);
  const url = options.url ?? (remote ? options.from : indexed.url);
  const date = options.date ?? indexed.date ?? (remote ? todayUtc() : undefined);
  if (!url) {
    throw new ModelError(
      `Give --url: where others download ${options.from} (no index.json beside it lists it)`,
    );
  }
  if (!date || !/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date))) {
    throw new ModelError(`Give --date YYYY-MM-DD: the date the model was published`);
  }
  const text = new TextDecoder().decode(bytes);
  const facts = checkModel(text, options.from, service);
  return {
    pin: { date, smithy: facts.smithy, sha256, url },
    source: { text, sha256, origin: options.from, date },
    bytes,
    facts,
  };
}

function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

/**
 * Runs the routine, printing as it goes.
 *
 * @returns the exit status: 0 nothing changed, 1 changed cleanly, 2 needs a human.
 * @throws {ModelError} the model is refused (the CLI prints it as one line, exit 2).
 */
export async function updateModel(
  options: UpdateOptions,
  log: (line: string) => void = console.log,
): Promise<number> {
  const pins = await readPins();
  const { pin, source, bytes, facts } = await newPin(options, pins.service);
  const latest = pins.revisions.find((p) => p.date === pins.latest)!;
  const known = pins.revisions.find((p) => p.sha256 === pin.sha256);
  if (known && known.date !== pins.latest) {
    throw new ModelError(
      `${options.from} is revision ${known.date}, older than the newest pin ${pins.latest}`,
    );
  }
  if (!known && pin.date <= pins.latest) {
    throw new ModelError(
      `${options.from} is dated ${pin.date}, not after the newest pin ${pins.latest} ` +
        `(give --date)`,
    );
  }

  // Generated first: a model the generator cannot handle leaves the pins as they were, so a
  // rerun still sees it as new (and still reports and checks it).
  const { files } = await generateFormatted({ source, service: pins.service });
  const written = await writeGenerated(files, GENERATED);
  if (!known) {
    await cachePinnedModel(pin.date, bytes);
    pins.revisions.push(pin);
    pins.latest = pin.date;
    await Deno.writeTextFile(PINS_FILE, JSON.stringify(pins, null, 2) + "\n");
    log(`Pinned ${pin.date} (Smithy ${pin.smithy}, sha256 ${pin.sha256}) from ${pin.url}`);
  } else log(`${options.from} is the newest pin, ${known.date}.`);
  log(`Regenerated generated/: ${plural(written.length, "file")} changed.`);
  if (known && !written.length) {
    log("Nothing changed.");
    return 0;
  }

  const human: string[] = facts.unknownTraits.map((t) => `unknown protocol or auth trait ${t}`);
  const newer = loadService(source.text, { service: pins.service });
  const endpoints = await runEndpointTests(new URL("endpoints.ts", GENERATED), newer.endpointTests);
  log(
    `Endpoint tests: ${endpoints.cases - endpoints.failures.length} of ${endpoints.cases} pass.`,
  );
  for (const failure of endpoints.failures) human.push(`endpoint test fails: ${failure}`);

  if (!known) {
    let older: ModelSource | undefined;
    try {
      older = await loadModelSource(latest.date);
    } catch (e) {
      human.push(
        `no change report: the previous pin ${latest.date} is not available ` +
          `(${(e as Error).message})`,
      );
    }
    if (older) {
      const changes = diffServices(loadService(older.text, { service: pins.service }), newer);
      log("");
      log(formatReport(changes, { older: latest.date, newer: pin.date }).trimEnd());
      log("");
      log(`Summary ${latest.date} → ${pin.date}: ${summarize(changes)}.`);
      for (const c of changes.filter(isBreaking)) {
        human.push(
          `breaking: ${CHANGE_LABEL[c.kind]} ${c.subject}${c.detail ? ` (${c.detail})` : ""}`,
        );
      }
    }
  }
  if (!human.length) return 1;
  log("");
  log(`Needs a human (${human.length}):`);
  for (const line of human) log(`  ! ${line}`);
  return 2;
}

const CHANGE_LABEL = Object.fromEntries(
  CHANGE_KINDS.map((kind) => [kind, kind.replaceAll("-", " ")]),
) as Record<ModelChange["kind"], string>;

async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: false,
    options: {
      from: { type: "string" },
      date: { type: "string" },
      url: { type: "string" },
      sha256: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help || !values.from || positionals.length) {
    (values.help ? console.log : console.error)(
      "deno task model:update --from PATH|URL [--date YYYY-MM-DD] [--url URL] [--sha256 HEX]\n" +
        "exit 0 nothing changed, 1 changed cleanly, 2 needs a human (refused, breaking change,\n" +
        "unknown protocol or auth trait, endpoint rule set failing its own tests)",
    );
    return values.help ? 0 : 2;
  }
  return await updateModel({
    from: invocationPath(values.from),
    date: values.date,
    url: values.url,
    sha256: values.sha256,
  });
}

if (import.meta.main) await runCli(main);
