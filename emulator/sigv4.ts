/**
 * Verifying AWS Signature Version 4 on a received request: parse the `Authorization` header,
 * rebuild the request from what arrived, sign it again with `@smithy/signature-v4` using the
 * secret of the access key it names, and compare the two signatures in constant time.
 *
 * Only header-signed requests are supported (no presigned URLs). A request that signs the
 * `date` header cannot be verified: `@smithy/signature-v4` always drops that header.
 *
 * @module
 */

// Named in full (not through deno.json's import map), so emulator/main.ts also runs with
// --no-config, from another directory or by URL.
// deno-lint-ignore no-import-prefix
import { SignatureV4 } from "npm:@smithy/signature-v4@5.7.5";
import { ApiError, CORAL_ERROR_TYPE_SUFFIX } from "./wire.ts";

/** A key pair the emulator accepts. */
export interface EmulatorCredential {
  /** Access key id, as it appears in the `Credential=` scope. */
  accessKeyId: string;
  /** Secret the signature is computed with. */
  secretAccessKey: string;
  /** When set, requests must carry it in `X-Amz-Security-Token`. */
  sessionToken?: string;
}

/** The parts of a received request a SigV4 signature covers. */
export interface ReceivedRequest {
  /** HTTP method, upper case. */
  method: string;
  /** Path exactly as received, still percent-encoded. */
  path: string;
  /** Query string as received, without `?`. */
  search: string;
  /** Headers as received. */
  headers: Headers;
  /** Body bytes as received. */
  body: Uint8Array;
}

/** What to verify a request against. */
export interface VerifyOptions {
  /** Accepted key pairs. */
  credentials: readonly EmulatorCredential[];
  /** Region the credential scope must name. */
  region: string;
  /** Service the credential scope must name. */
  service: string;
  /** The server's clock, in epoch milliseconds. */
  nowMs: number;
  /** Largest accepted distance between `X-Amz-Date` and the clock; 15 minutes on AWS. */
  maxSkewMs: number;
}

/** Outcome of {@linkcode verifySigV4}: the signer's key, or the error to answer with. */
export type VerifyResult =
  | { valid: true; accessKeyId: string }
  | { valid: false; error: ApiError };

/** A SHA-256 hash, or an HMAC-SHA-256 when given a secret, computed with WebCrypto. */
export class WebCryptoSha256 {
  readonly #secret?: Uint8Array<ArrayBuffer>;
  #chunks: Uint8Array[] = [];

  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    if (secret !== undefined) this.#secret = toBytes(secret);
  }

  /** Adds data to hash. */
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.#chunks.push(toBytes(data));
  }

  /** The hash (or HMAC) of everything added so far. */
  async digest(): Promise<Uint8Array> {
    const data = concat(this.#chunks);
    if (this.#secret === undefined) {
      return new Uint8Array(await crypto.subtle.digest("SHA-256", data));
    }
    const key = await crypto.subtle.importKey(
      "raw",
      this.#secret,
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    return new Uint8Array(await crypto.subtle.sign("HMAC", key, data));
  }

  /** Forgets everything added. */
  reset(): void {
    this.#chunks = [];
  }
}

/** Lower-case hex SHA-256 of `data`. */
export async function sha256Hex(data: Uint8Array<ArrayBuffer>): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", data)));
}

const ALGORITHM = "AWS4-HMAC-SHA256";
const STANDARD_MISMATCH_MESSAGE =
  "The request signature we calculated does not match the signature you provided. " +
  "Check your AWS Secret Access Key and signing method. " +
  "Consult the service documentation for details.";

/** Verifies the SigV4 signature of `request`; never throws for a bad request. */
export async function verifySigV4(
  request: ReceivedRequest,
  options: VerifyOptions,
): Promise<VerifyResult> {
  try {
    return { valid: true, accessKeyId: await verify(request, options) };
  } catch (error) {
    if (error instanceof ApiError) return { valid: false, error };
    throw error;
  }
}

/** The `Authorization` header, taken apart. */
interface ParsedAuthorization {
  accessKeyId: string;
  scopeDate: string;
  scopeRegion: string;
  scopeService: string;
  scopeTerminator: string;
  signedHeaders: string[];
  signature: string;
}

async function verify(request: ReceivedRequest, options: VerifyOptions): Promise<string> {
  const authorization = request.headers.get("authorization");
  if (authorization === null) {
    throw authError("MissingAuthenticationTokenException", "Missing Authentication Token");
  }
  const auth = parseAuthorization(authorization);

  const credential = options.credentials.find((c) => c.accessKeyId === auth.accessKeyId);
  if (credential === undefined) {
    throw authError(
      "UnrecognizedClientException",
      "The security token included in the request is invalid.",
    );
  }

  const amzDate = request.headers.get("x-amz-date");
  if (amzDate === null) {
    throw authError(
      "IncompleteSignatureException",
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    );
  }
  const signingDate = parseAmzDate(amzDate);
  checkSkew(amzDate, signingDate, options);
  checkScope(auth, amzDate, options);
  checkSessionToken(request.headers, credential);
  if (!auth.signedHeaders.includes("host")) {
    throw authError(
      "IncompleteSignatureException",
      "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    );
  }
  await checkPayloadHash(request);

  const expected = await resign(request, auth, credential, signingDate, options);
  if (!timingSafeEqual(expected, auth.signature.toLowerCase())) {
    throw authError("InvalidSignatureException", STANDARD_MISMATCH_MESSAGE);
  }
  return credential.accessKeyId;
}

function parseAuthorization(header: string): ParsedAuthorization {
  const space = header.indexOf(" ");
  const algorithm = space < 0 ? header : header.slice(0, space);
  if (algorithm !== ALGORITHM) {
    throw authError(
      "IncompleteSignatureException",
      `Unsupported AWS 'algorithm': '${algorithm}'.`,
    );
  }
  const params = new Map<string, string>();
  for (const part of header.slice(space + 1).split(",")) {
    const eq = part.indexOf("=");
    if (eq > 0) params.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const required = (name: string): string => {
    const value = params.get(name);
    if (!value) {
      throw authError(
        "IncompleteSignatureException",
        `Authorization header requires '${name}' parameter. Authorization=${header}`,
      );
    }
    return value;
  };
  const credential = required("Credential");
  const signedHeaders = required("SignedHeaders");
  const signature = required("Signature");
  const scope = credential.split("/");
  if (scope.length !== 5 || scope.some((s) => s === "")) {
    throw authError(
      "IncompleteSignatureException",
      `Credential must have exactly 5 slash-delimited elements, e.g. ` +
        `keyid/date/region/service/term, got '${credential}'`,
    );
  }
  if (!/^[0-9a-fA-F]{64}$/.test(signature)) {
    throw authError("InvalidSignatureException", STANDARD_MISMATCH_MESSAGE);
  }
  const [accessKeyId, scopeDate, scopeRegion, scopeService, scopeTerminator] = scope;
  return {
    accessKeyId,
    scopeDate,
    scopeRegion,
    scopeService,
    scopeTerminator,
    signedHeaders: signedHeaders.split(";"),
    signature,
  };
}

function parseAmzDate(value: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  const ms = m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : NaN;
  if (Number.isNaN(ms)) {
    throw authError(
      "IncompleteSignatureException",
      `Date must be in ISO-8601 'basic format'. Got '${value}'. See http://en.wikipedia.org/wiki/ISO_8601`,
    );
  }
  return new Date(ms);
}

function checkSkew(amzDate: string, signingDate: Date, options: VerifyOptions): void {
  const skew = signingDate.getTime() - options.nowMs;
  if (Math.abs(skew) <= options.maxSkewMs) return;
  const now = formatAmzDate(options.nowMs);
  const minutes = Math.round(options.maxSkewMs / 60_000);
  const bound = formatAmzDate(options.nowMs + (skew < 0 ? -1 : 1) * options.maxSkewMs);
  throw authError(
    "InvalidSignatureException",
    skew < 0
      ? `Signature expired: ${amzDate} is now earlier than ${bound} (${now} - ${minutes} min.)`
      : `Signature not yet current: ${amzDate} is still later than ${bound} (${now} + ${minutes} min.)`,
  );
}

function checkScope(auth: ParsedAuthorization, amzDate: string, options: VerifyOptions): void {
  if (auth.scopeDate !== amzDate.slice(0, 8)) {
    throw authError(
      "InvalidSignatureException",
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.scopeDate}' != '${
        amzDate.slice(0, 8)
      }', from '${amzDate}'.`,
    );
  }
  if (auth.scopeRegion !== options.region) {
    throw authError(
      "InvalidSignatureException",
      `Credential should be scoped to a valid region, not '${auth.scopeRegion}'.`,
    );
  }
  if (auth.scopeService !== options.service) {
    throw authError(
      "InvalidSignatureException",
      `Credential should be scoped to correct service: '${options.service}'.`,
    );
  }
  if (auth.scopeTerminator !== "aws4_request") {
    throw authError(
      "InvalidSignatureException",
      `Credential should be scoped with a valid terminator: 'aws4_request', not '${auth.scopeTerminator}'.`,
    );
  }
}

function checkSessionToken(headers: Headers, credential: EmulatorCredential): void {
  const token = headers.get("x-amz-security-token");
  if (token !== (credential.sessionToken ?? null)) {
    throw authError(
      "UnrecognizedClientException",
      "The security token included in the request is invalid.",
    );
  }
}

async function checkPayloadHash(request: ReceivedRequest): Promise<void> {
  const declared = request.headers.get("x-amz-content-sha256");
  if (declared === null) return;
  const actual = await sha256Hex(new Uint8Array(request.body));
  if (declared.toLowerCase() !== actual) {
    throw authError(
      "InvalidSignatureException",
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    );
  }
}

/** Signs the received request again and returns the signature it should carry. */
async function resign(
  request: ReceivedRequest,
  auth: ParsedAuthorization,
  credential: EmulatorCredential,
  signingDate: Date,
  options: VerifyOptions,
): Promise<string> {
  const headers: Record<string, string> = {};
  for (const name of auth.signedHeaders) {
    const value = request.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(request.search)) {
    if (key === "") continue;
    const previous = query[key];
    query[key] = previous === undefined
      ? value
      : [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  // The token is covered by the signature only when the client signed it.
  const tokenSigned = auth.signedHeaders.includes("x-amz-security-token");
  const signer = new SignatureV4({
    service: options.service,
    region: options.region,
    credentials: {
      accessKeyId: credential.accessKeyId,
      secretAccessKey: credential.secretAccessKey,
      ...(tokenSigned && credential.sessionToken ? { sessionToken: credential.sessionToken } : {}),
    },
    sha256: WebCryptoSha256,
    applyChecksum: false,
  });
  const host = request.headers.get("host") ?? "";
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: "http:",
      hostname: host,
      path: request.path,
      query,
      headers,
      body: request.body,
    },
    {
      signingDate,
      signingRegion: options.region,
      signingService: options.service,
      signableHeaders: new Set(auth.signedHeaders),
    },
  );
  const authorization = signed.headers["authorization"] ?? "";
  return /Signature=([0-9a-f]+)/.exec(authorization)?.[1] ?? "";
}

function authError(errorType: string, message: string): ApiError {
  return new ApiError(errorType, message, {
    status: 403,
    errorTypeSuffix: CORAL_ERROR_TYPE_SUFFIX,
  });
}

/** Compares two strings in time that depends on their length only. */
export function timingSafeEqual(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) {
    diff |= a.charCodeAt(i) ^ (i < b.length ? b.charCodeAt(i) : 0);
  }
  return diff === 0;
}

/** `X-Amz-Date` form of an instant: `YYYYMMDDTHHMMSSZ`. */
export function formatAmzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, "");
}

function toBytes(data: string | ArrayBuffer | ArrayBufferView): Uint8Array<ArrayBuffer> {
  if (typeof data === "string") return new TextEncoder().encode(data);
  const view = data instanceof ArrayBuffer
    ? new Uint8Array(data)
    : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const copy = new Uint8Array(view.byteLength);
  copy.set(view);
  return copy;
}

function concat(chunks: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
