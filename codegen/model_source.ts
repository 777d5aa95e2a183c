/**
 * Finds the bytes of a Smithy model: a pinned AWS Backup revision, a file path or a URL.
 *
 * Pinned revisions (`codegen/model_pins.json`) are read from the folder named by the
 * `BACKUP_EDGE_SHARED` setting when it is set and holds them (CI points it at `../shared`),
 * otherwise from `.cache/models/`, downloading the pinned upstream URL on first use (never when
 * `BACKUP_EDGE_OFFLINE=1`, which the tests set: nothing at test time downloads). Their sha256 is
 * always checked: a model that does not match its pin is never used.
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

/**
 * Environment variable that, set to `1`, forbids downloading models from another machine
 * (offline work; every test process, see testing/third_party.ts). A loopback URL stays
 * allowed: it is this machine (a scheduled job's test serves a model on 127.0.0.1).
 */
export const OFFLINE_SETTING = "BACKUP_EDGE_OFFLINE";

/** A model that could not be found or downloaded; the message says why, in one line. */
export class ModelUnavailableError extends Error {
  override name = "ModelUnavailableError";
}

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
 * @param options `download: false`: a pinned revision only from this machine (the shared
 *   folder or `.cache/models/`), never its URL
 * @throws {ModelUnavailableError} the model cannot be found (or downloaded); the message says why
 */
export async function loadModelSource(
  ref: string = LATEST_MODEL_DATE,
  options: { download?: boolean } = {},
): Promise<ModelSource> {
  if (/^\d{4}-\d{2}-\d{2}$/.test(ref)) return await loadPinned(findPin(ref), options.download);
  if (/^https?:\/\//.test(ref)) {
    const bytes = await download(ref);
    return { text: decode(bytes), sha256: await sha256Hex(bytes), origin: ref };
  }
  const bytes = await readIfExists(ref);
  if (!bytes) throw new ModelUnavailableError(`Model file ${ref} does not exist`);
  return { text: decode(bytes), sha256: await sha256Hex(bytes), origin: ref };
}

/** Where a pinned revision is looked for in the shared folder, when it is set. */
function sharedPath(date: string): string | undefined {
  const shared = Deno.env.get(SHARED_SETTING);
  return shared ? `${shared.replace(/\/$/, "")}/models/backup/backup-${date}.json` : undefined;
}

async function loadPinned(pin: ModelPin, mayDownload = true): Promise<ModelSource> {
  const shared = sharedPath(pin.date);
  const cached = new URL(`backup-${pin.date}.json`, CACHE_DIR);
  let origin = shared ?? cached.pathname;
  let bytes = shared ? await readIfExists(shared) : undefined;
  if (!bytes) {
    origin = cached.pathname;
    bytes = await readIfExists(cached);
  }
  if (!bytes && !mayDownload) {
    const where = shared
      ? `${SHARED_SETTING}'s models/backup/ (${
        shared.replace(/[^/]*$/, "")
      }) and .cache/models/ have`
      : `${SHARED_SETTING} is not set, and .cache/models/ has`;
    throw new ModelUnavailableError(`${where} no backup-${pin.date}.json`);
  }
  if (!bytes) {
    bytes = await download(pin.url);
    await verify(bytes, pin, pin.url);
    await cachePinnedModel(pin.date, bytes);
  }
  await verify(bytes, pin, origin);
  return { text: decode(bytes), sha256: pin.sha256, origin, date: pin.date };
}

/**
 * Keeps the bytes of a pinned revision in `.cache/models/`, so that it is found offline (used
 * when a new pin is recorded from a file that is not in the shared folder).
 */
export async function cachePinnedModel(date: string, bytes: Uint8Array): Promise<void> {
  if (sharedPath(date) && await readIfExists(sharedPath(date)!)) return;
  await Deno.mkdir(CACHE_DIR, { recursive: true });
  await Deno.writeFile(new URL(`backup-${date}.json`, CACHE_DIR), bytes);
}

async function readIfExists(path: string | URL): Promise<Uint8Array | undefined> {
  try {
    return await Deno.readFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
}

async function verify(bytes: Uint8Array, pin: ModelPin, origin: string): Promise<void> {
  const actual = await sha256Hex(bytes);
  if (actual !== pin.sha256) {
    throw new Error(
      `Model ${origin} has sha256 ${actual}, but revision ${pin.date} is pinned to ${pin.sha256}`,
    );
  }
}

/**
 * Downloads a model.
 *
 * @throws {ModelUnavailableError} offline (`BACKUP_EDGE_OFFLINE=1`) and not a loopback URL,
 *   unreachable, or not HTTP 200; nothing is fetched when offline.
 */
export async function download(url: string): Promise<Uint8Array> {
  const hint = `set ${SHARED_SETTING} to a folder holding models/backup/ to work offline`;
  if (Deno.env.get(OFFLINE_SETTING) === "1" && !isLoopback(url)) {
    throw new ModelUnavailableError(`Not downloading ${url}: ${OFFLINE_SETTING}=1 (${hint})`);
  }
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`HTTP ${response.status}`);
    }
    return new Uint8Array(await response.arrayBuffer());
  } catch (e) {
    const reason = (e as Error).message.split("\n")[0];
    throw new ModelUnavailableError(`Could not download ${url} (${reason}); ${hint}`);
  }
}

/** Whether a URL's host is this machine: `localhost`, 127.0.0.0/8 or `::1`. */
function isLoopback(url: string): boolean {
  try {
    return /^(localhost|127(\.\d+){3}|\[::1\])$/.test(new URL(url).hostname);
  } catch {
    return false;
  }
}

function decode(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}
