// Response fuzzing from a printed seed (FUZZ_SEED replays another, FUZZ_CASES sets how many):
// thousands of generated answers to five operations — every status from 300 to 599, error types
// in the header and the body (namespaced, with `:` suffixes, sent twice, unknown, empty), every
// body shape (empty, JSON objects with members of the right and the wrong type, null, arrays,
// scalars, HTML, text, truncated JSON, binary, bodies that break off) and bodies that echo the
// credentials in every encoding. For each, with an in-process fetch that answers the same on
// every attempt:
// - the call rejects with a ServiceException: the modeled class when the sanitized type names one
//   of the service's errors (the operation's own or not), else the base class named by the type
//   or the status, holding the members of a JSON object body; `$fault` and `$metadata` as the
//   rules say;
// - it is retried exactly when the type or the status is retryable (3 attempts), else sent once;
// - no secret (16 characters of the secret key or the token, also once wrapped lines, escapes,
//   HTML references and percent-encoding are undone and the letter case ignored, or
//   `x-amz-security-token:<token>` for LocalStack-style keys) is in its message, String(),
//   stack, inspection or members.

import assert from "node:assert/strict";
import { inspect } from "node:util";
import * as mod from "../mod.ts";
import {
  BackupClient,
  BackupServiceException,
  type ClientConfig,
  type Credentials,
  ServiceException,
} from "../mod.ts";
import { Random } from "./support/schema_values.ts";

const SEED = Number(Deno.env.get("FUZZ_SEED") ?? 20261207);
const CASES = Number(Deno.env.get("FUZZ_CASES") ?? 3000);
console.log(`response fuzz: seed ${SEED}, ${CASES} cases (FUZZ_SEED=<n> replays another)`);

const ARN = "arn:aws:backup:us-east-1:111122223333:recovery-point:1EB3B5E7";
type Call = (client: BackupClient) => Promise<unknown>;
/** Operations to answer, with the errors their model names. */
const OPERATIONS: { name: string; call: Call; errors: string[] }[] = [
  {
    name: "StartCopyJob",
    call: (c) =>
      mod.startCopyJob(c, {
        RecoveryPointArn: ARN,
        SourceBackupVaultName: "Default",
        DestinationBackupVaultArn: "arn:aws:backup:us-west-2:111122223333:backup-vault:dr",
        IamRoleArn: "arn:aws:iam::111122223333:role/backup",
      }),
    errors: [
      "InvalidParameterValueException",
      "InvalidRequestException",
      "LimitExceededException",
      "MissingParameterValueException",
      "ResourceNotFoundException",
      "ServiceUnavailableException",
    ],
  },
  {
    name: "DescribeCopyJob",
    call: (c) => mod.describeCopyJob(c, { CopyJobId: "job" }),
    errors: [
      "InvalidParameterValueException",
      "MissingParameterValueException",
      "ResourceNotFoundException",
      "ServiceUnavailableException",
    ],
  },
  {
    name: "DeleteBackupPlan",
    call: (c) => mod.deleteBackupPlan(c, { BackupPlanId: "plan" }),
    errors: [
      "InvalidParameterValueException",
      "InvalidRequestException",
      "MissingParameterValueException",
      "ResourceNotFoundException",
      "ServiceUnavailableException",
    ],
  },
  {
    name: "ListBackupVaults",
    call: (c) => mod.listBackupVaults(c, {}),
    errors: [
      "InvalidParameterValueException",
      "MissingParameterValueException",
      "ResourceNotFoundException",
      "ServiceUnavailableException",
    ],
  },
  {
    name: "CreateBackupVault",
    call: (c) => mod.createBackupVault(c, { BackupVaultName: "vault" }),
    errors: [
      "AlreadyExistsException",
      "InvalidParameterValueException",
      "LimitExceededException",
      "MissingParameterValueException",
      "ServiceUnavailableException",
    ],
  },
];

const AWS_LIKE: Credentials = {
  accessKeyId: "ASIAIOSFODNN7EXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  sessionToken: "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+abc/def+ghiJKLmn==",
};
const LOCALSTACK: Credentials = {
  accessKeyId: "test",
  secretAccessKey: "test",
  sessionToken: "test",
};

// The retry rules, written out again from the AWS SDKs' lists (runtime/retry.ts has its own).
const THROTTLING = ["ThrottlingException", "TooManyRequestsException", "LimitExceededException"];
const TRANSIENT = ["RequestTimeout", "RequestTimeoutException", "TimeoutError"];
const TRANSIENT_STATUS = [500, 502, 503, 504];
/** Every error AWS Backup defines, also those none of the operations above lists. */
const SERVICE_ERRORS = [
  ...new Set(OPERATIONS.flatMap((o) => o.errors)),
  "ConflictException",
  "DependencyFailureException",
  "InvalidResourceStateException",
];
const TYPES = [
  ...SERVICE_ERRORS,
  ...THROTTLING,
  ...TRANSIENT,
  "AccessDeniedException",
  "SomethingNewException",
  "ExpiredTokenException",
  "constructor",
];

/** The restJson1 type sanitizing, written out again (before the first `:`, after the first `#`). */
function expectedCode(type: string): string {
  const first = type.split(",")[0].split(":")[0];
  const hash = first.indexOf("#");
  return (hash < 0 ? first : first.slice(hash + 1)).trim();
}

interface Case {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
  /** Break the body off after its first bytes. */
  breaks: boolean;
  /** The type the body's `code` or `__type` carries, if any. */
  bodyType?: string;
  /** The body echoes the credentials. */
  echoes: boolean;
  /** The members of a body that is a JSON object. */
  members?: Record<string, unknown>;
}

function typeVariant(rng: Random, name: string): string {
  return rng.pick([
    name,
    name,
    `com.amazonaws.backup#${name}`,
    `${name}:http://internal.amazon.com/coral/com.amazon.coral.validate/`,
    `aws.protocoltests#${name}:x:y`,
    `${name}, ${name}`,
    `${name},${name}`,
    ` ${name} `,
  ]);
}

/** What a body may echo of the credentials, in the encodings a service or proxy uses. */
function echo(rng: Random, c: Credentials): string {
  const token = c.sessionToken!;
  return rng.pick([
    `x-amz-security-token:${token}\n`,
    `X-Amz-Security-Token=${encodeURIComponent(token)}&X-Amz-Date=1`,
    `secret ${c.secretAccessKey} leaked`,
    `b64 ${btoa("ab" + c.secretAccessKey)}`,
    `json ${c.secretAccessKey.replaceAll("/", "\\/")}`,
    `cut ${token.slice(0, 24)}`,
    `lower ${encodeURIComponent(c.secretAccessKey).toLowerCase()}`,
    // Encodings that leave pieces shorter than 16 characters: wrapped lines, \u escapes, HTML
    // references, percent-encoding twice, another letter case.
    `wrapped ${token.match(/.{1,10}/g)!.join("\n")}`,
    `u ${c.secretAccessKey.replace(/[/+]/g, (ch) => `\\u00${ch.charCodeAt(0).toString(16)}`)}`,
    `html ${token.replace(/[/+=]/g, (ch) => `&#${ch.charCodeAt(0)};`)}`,
    `twice ${encodeURIComponent(encodeURIComponent(token))}`,
    `case ${c.secretAccessKey.toLowerCase()}`,
  ]);
}

/**
 * `text` with the encodings a secret could hide in undone, written out again (the runtime's
 * redact.ts has its own): HTML references, JSON \u and \/ escapes, percent-encoding, three
 * times over; then without white space, in lower case.
 */
function undone(text: string): string {
  let t = text;
  for (let layer = 0; layer < 3; layer++) {
    t = t.replace(/&amp;/gi, "&")
      .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
      .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
      .replace(/&sol;/gi, "/").replace(/&plus;/gi, "+").replace(/&equals;/gi, "=")
      .replace(/\\u([0-9a-f]{4})/gi, (_, h) => String.fromCharCode(parseInt(h, 16)))
      .replace(/\\\//g, "/")
      .replace(/%([0-7][0-9a-f])/gi, (_, h) => String.fromCharCode(parseInt(h, 16)));
  }
  return t.replace(/\s+|\\[nrt]/g, "").toLowerCase();
}

function generate(rng: Random, credentials: Credentials): Case {
  const status = rng.int(300, 599);
  const headers: Record<string, string> = { "x-amzn-requestid": `req-${rng.int(0, 1e6)}` };
  const type = typeVariant(rng, rng.pick(TYPES));
  if (rng.chance(0.5)) headers["x-amzn-errortype"] = rng.chance(0.05) ? "" : type;
  if (rng.chance(0.1)) headers["retry-after"] = rng.pick(["1", "0", "soon", "0.5"]);
  const secret = rng.chance(0.3) ? echo(rng, credentials) : "";
  let bodyType: string | undefined;
  let members: Record<string, unknown> | undefined;
  const text = rng.pick<() => string>([
    () => "",
    () => "null",
    () => "[]",
    () => JSON.stringify([secret]),
    () => '"a string"',
    () => String(rng.int(-5, 5)),
    () => "true",
    () => `<html><body><h1>${status}</h1>${secret}<hr>nginx</body></html>`,
    () => `upstream connect error ${secret}`,
    () => '{"message":"cut',
    () => `{"message":"${secret}`,
    () => {
      bodyType = rng.chance(0.5) ? typeVariant(rng, rng.pick(TYPES)) : undefined;
      const body: Record<string, unknown> = {};
      if (bodyType) body[rng.chance(0.5) ? "code" : "__type"] = bodyType;
      if (rng.chance(0.7)) {
        body[rng.pick(["message", "Message", "errorMessage"])] = rng.pick([
          `The request was refused. ${secret}`,
          secret,
          "",
          7,
        ]);
      }
      // Members with the right and the wrong type.
      for (const member of ["Code", "Context", "Type", "Arn", "CreatorRequestId"]) {
        if (rng.chance(0.3)) body[member] = rng.pick(["x", 1, null, [secret], { a: secret }]);
      }
      // Keys an error must not take from a body: its own fields and the runtime's.
      if (rng.chance(0.1)) body[rng.pick(["name", "$fault", "$metadata", "toString"])] = "x";
      members = body;
      return JSON.stringify(body);
    },
  ])();
  let body = new TextEncoder().encode(text);
  if (rng.chance(0.05)) {
    bodyType = members = undefined;
    body = rng.chance(0.6)
      ? Uint8Array.from({ length: rng.int(1, 600) }, () => rng.int(0, 255))
      : new TextEncoder().encode(`<pre>${"x".repeat(20_000)}${secret}</pre>`);
  }
  const breaks = rng.chance(0.04);
  // A body that breaks off, or that respond() leaves out (no body with these statuses), has none.
  if (breaks || NO_BODY_STATUSES.includes(status)) members = undefined;
  return { status, headers, body, breaks, bodyType, echoes: secret !== "", members };
}

/** Statuses whose Response has no body. */
const NO_BODY_STATUSES = [204, 205, 304];

function respond(c: Case): Response {
  const body = NO_BODY_STATUSES.includes(c.status)
    ? null
    : c.breaks
    ? new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(c.body.subarray(0, 3));
      },
      pull(controller) {
        controller.error(new TypeError("connection reset"));
      },
    })
    : c.body;
  return new Response(body as BodyInit | null, { status: c.status, headers: c.headers });
}

Deno.test("response fuzz: every status >= 300 is a ServiceException, retried by the rules, no secret", async () => {
  const rng = new Random(SEED);
  const tally = { modeled: 0, unlisted: 0, generic: 0, retried: 0, echoes: 0 };
  for (let i = 0; i < CASES; i++) {
    const credentials = rng.chance(0.8) ? AWS_LIKE : LOCALSTACK;
    const operation = rng.pick(OPERATIONS);
    const c = generate(rng, credentials);
    const label = `case ${i} (FUZZ_SEED=${SEED}): ${operation.name} HTTP ${c.status} ` +
      `${JSON.stringify(c.headers)} ${
        JSON.stringify(new TextDecoder().decode(c.body)).slice(0, 300)
      }`;
    let requests = 0;
    const fetch: ClientConfig["fetch"] = () => (requests++, Promise.resolve(respond(c)));
    const client = new BackupClient({
      region: "us-east-1",
      credentials,
      fetch,
      retryStrategy: { retryDelay: () => 0, recordSuccess() {} },
    });
    const e = await operation.call(client).then(() => undefined, (e) => e);
    assert.ok(e instanceof ServiceException, `${label}: ${e}`);
    assert.ok(e instanceof BackupServiceException, label);

    // The class and name the type (header first, then the body) or the status give.
    const wire = c.headers["x-amzn-errortype"] || (c.breaks ? undefined : c.bodyType) || "";
    const code = expectedCode(wire);
    const modeled = code && SERVICE_ERRORS.includes(code);
    if (modeled) {
      tally.modeled++;
      if (!operation.errors.includes(code)) tally.unlisted++;
      const ErrorClass = (mod as unknown as Record<string, new () => Error>)[code];
      assert.ok(e instanceof ErrorClass, `${label}: ${e.constructor.name}`);
    } else {
      tally.generic++;
      assert.equal(e.constructor, BackupServiceException, label);
      assert.equal(e.$fault, c.status >= 500 ? "server" : "client", label);
      // The body's members are kept, as the SDK keeps them, but never over the error's own.
      const own = e as unknown as Record<string, unknown>;
      for (const [key, value] of Object.entries(c.members ?? {})) {
        if (key.startsWith("$") || key in Error.prototype || /^(name|message|stack)$/.test(key)) {
          continue;
        }
        if (!c.echoes) assert.deepEqual(own[key], value, `${label}: ${key}`);
        else assert.ok(key in own, `${label}: ${key}`);
      }
      assert.equal(typeof e.toString, "function", label);
      assert.equal(typeof e.$metadata, "object", label);
    }
    assert.equal(e.name, code || String(c.status), label);
    assert.deepEqual(
      [e.$metadata.httpStatusCode, e.$metadata.requestId],
      [c.status, c.headers["x-amzn-requestid"]],
      label,
    );

    // Retried exactly when retryable: the answer is the same on every attempt.
    const retryable = c.status === 429 || THROTTLING.includes(e.name) ||
      TRANSIENT.includes(e.name) || TRANSIENT_STATUS.includes(c.status);
    assert.equal(requests, retryable ? 3 : 1, label);
    assert.equal(e.$metadata.attempts, requests, label);
    if (retryable) tally.retried++;

    // No secret anywhere a caller can see.
    const seen = [
      e.message,
      String(e),
      e.stack,
      inspect(e, { depth: 10, showHidden: true }),
      Deno.inspect(e, { depth: 10 }),
      JSON.stringify({ ...e }),
    ].join("\n");
    if (credentials === AWS_LIKE) {
      const decoded = undone(seen);
      for (const secret of [credentials.secretAccessKey, credentials.sessionToken!]) {
        for (let at = 0; at + 16 <= secret.length; at += 4) {
          const piece = secret.slice(at, at + 16);
          assert.ok(!seen.includes(piece), `${label}: leaks ${secret}`);
          assert.ok(!decoded.includes(piece.toLowerCase()), `${label}: leaks ${secret}, encoded`);
        }
      }
    } else {
      assert.ok(!/x-amz-security-token[:=]test/i.test(seen), `${label}: leaks the token`);
    }
    if (c.echoes) tally.echoes++;
  }
  console.log(`response fuzz: ${JSON.stringify(tally)}`);
  assert.ok(tally.modeled > CASES / 20 && tally.generic > CASES / 4, JSON.stringify(tally));
  assert.ok(tally.unlisted > CASES / 100, JSON.stringify(tally));
  assert.ok(tally.retried > CASES / 10 && tally.echoes > CASES / 10, JSON.stringify(tally));
});
