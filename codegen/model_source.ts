/**
 * Finds the bytes of a Smithy model: a pinned AWS Backup revision, a file path or a URL.
 *
 * Pinned revisions (`codegen/model_pins.json`) are read from the folder named by the
 * `BACKUP_EDGE_SHARED` setting when it is set (CI points it at `../shared`), otherwise from
 * `.cache/models/`, downloading the pinned upstream URL on first use. Their sha256 is always
 * checked: a model that does not match its pin is never used.
 *
 * @module
 */

import pins from "./model_pins.json" with { type: "json" };

/** One pinned revision of the AWS Backup model. */
export interface ModelPin {
  date: string;
  smithy: string;
  sha256: string;
  url: string;
}

/** The bytes of a model and where they came from. */
export interface ModelSource {
  text: string;
  sha256: string;
  /** Human-readable origin: a path or URL. */
  origin: string;
  /** The pinned revision date, when the model is a pinned revision. */
  date?: string;
}

/** Environment variable naming the folder that holds `models/backup/…` (CI: `../shared`). */
export const SHARED_SETTING = "BACKUP_EDGE_SHARED";

/** Every pinned revision, oldest first. */
export const MODEL_PINS: readonly ModelPin[] = pins.revisions;

/** The revision the committed `generated/` is built from. */
export const LATEST_MODEL_DATE: string = pins.latest;

const CACHE_DIR = new URL("../.cache/models/", import.meta.url);

/** Lowercase hex sha256 of some bytes. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as BufferSource);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Finds the pin for a revision date, or throws naming the known dates. */
export function findPin(date: string): ModelPin {
  const pin = MODEL_PINS.find((p) => p.date === date);
  if (!pin) {
    throw new Error(
      `No pinned model revision ${date}; known: ${MODEL_PINS.map((p) => p.date).join(", ")}`,
    );
  }
  return pin;
}

/**
 * Loads a model.
 *
 * @param ref a pinned revision date (`2025-08-21`), a file path, an `http(s)://` URL, or
 *   nothing for the newest pinned revision.
 */
export async function loadModelSource(ref: string = LATEST_MODEL_DATE): Promise<ModelSource> {
  if (/^\d{4}-\d{2}-\d{2}$/.test(ref)) return await loadPinned(findPin(ref));
  if (/^https?:\/\//.test(ref)) {
    const bytes = await download(ref);
    return { text: decode(bytes), sha256: await sha256Hex(bytes), origin: ref };
  }
  const bytes = await Deno.readFile(ref);
  return { text: decode(bytes), sha256: await sha256Hex(bytes), origin: ref };
}

async function loadPinned(pin: ModelPin): Promise<ModelSource> {
  const shared = Deno.env.get(SHARED_SETTING);
  let bytes: Uint8Array;
  let origin: string;
  if (shared) {
    origin = `${shared.replace(/\/$/, "")}/models/backup/backup-${pin.date}.json`;
    bytes = await Deno.readFile(origin);
  } else {
    const cached = new URL(`backup-${pin.date}.json`, CACHE_DIR);
    origin = cached.pathname;
    try {
      bytes = await Deno.readFile(cached);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
      bytes = await download(pin.url);
      await verify(bytes, pin, pin.url);
      await Deno.mkdir(CACHE_DIR, { recursive: true });
      await Deno.writeFile(cached, bytes);
    }
  }
  await verify(bytes, pin, origin);
  return { text: decode(bytes), sha256: pin.sha256, origin, date: pin.date };
}

async function verify(bytes: Uint8Array, pin: ModelPin, origin: string): Promise<void> {
  const actual = await sha256Hex(bytes);
  if (actual !== pin.sha256) {
    throw new Error(
      `Model ${origin} has sha256 ${actual}, but revision ${pin.date} is pinned to ${pin.sha256}`,
    );
  }
}

async function download(url: string): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new Error(
      `Could not download ${url} (${(e as Error).message}). ` +
        `Set ${SHARED_SETTING} to a folder holding models/backup/ to work offline.`,
    );
  }
  if (!response.ok) throw new Error(`Downloading ${url} failed: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

function decode(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}
