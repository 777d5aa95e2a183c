// Secrets out of errors, without garbling what is around them: the two rules of redact.ts.

import assert from "node:assert/strict";
import { inspect } from "node:util";
import { ServiceException } from "./errors.ts";
import { HIDDEN, Redactor } from "./redact.ts";

const SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const TOKEN = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+abc/def+ghiJKLmnoPQR==";

/** What AWS answers for a signature it cannot match: the canonical request it expected. */
const canonical = (token: string, accessKeyId: string) =>
  "The request signature we calculated does not match the signature you provided. Check your " +
  "AWS Secret Access Key and signing method.\n\nThe Canonical String for this request should " +
  "have been\n'PUT\n/copy-jobs\n\nhost:backup.us-east-1.amazonaws.com\nx-amz-date:" +
  `20240101T000000Z\nx-amz-security-token:${token}\n\nhost;x-amz-date;x-amz-security-token\n` +
  `e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'\n\nThe String-to-Sign ` +
  `should have been\n'AWS4-HMAC-SHA256\n20240101T000000Z\n20240101/us-east-1/backup/aws4_request` +
  `\nabc'\n(Credential=${accessKeyId}/20240101/us-east-1/backup/aws4_request)`;

Deno.test("short LocalStack keys (test/test): hidden where a credential is named, words untouched", () => {
  const r = new Redactor(["test", "test"]);
  const text = canonical("test", "test");
  const clean = r.text(text);
  assert.ok(clean.includes(`x-amz-security-token:${HIDDEN}\n`), clean);
  assert.equal(clean.replace(`x-amz-security-token:${HIDDEN}`, "x-amz-security-token:test"), text);
  assert.ok(clean.includes("Credential=test/"), "the access key id is an identifier: it stays");
  const prose = "test vault backup.us-test-1.amazonaws.com: the latest test failed";
  assert.equal(r.text(prose), prose);
  for (
    const [named, expected] of [
      ["X-Amz-Security-Token=test&X-Amz-Date=1", `X-Amz-Security-Token=${HIDDEN}&X-Amz-Date=1`],
      ['{"sessionToken": "test", "x": 1}', `{"sessionToken": "${HIDDEN}", "x": 1}`],
      ["aws_secret_access_key = test\n", `aws_secret_access_key = ${HIDDEN}\n`],
      ["AWS_SESSION_TOKEN=test", `AWS_SESSION_TOKEN=${HIDDEN}`],
      ["SecretAccessKey: 'test'", `SecretAccessKey: '${HIDDEN}'`],
      ["x-amz-security-token: a\\/b", `x-amz-security-token: ${HIDDEN}`],
    ]
  ) assert.equal(r.text(named), expected, named);
  // A list of names is not a value.
  const signed = "SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=abc";
  assert.equal(r.text(signed), signed);
});

Deno.test("a long secret is hidden anywhere, in every encoding and as a fragment of 16+ characters", () => {
  const r = new Redactor([SECRET, TOKEN]);
  const base64At = (offset: number) => btoa("xy".slice(0, offset) + SECRET + "tail");
  const forms = [
    SECRET,
    TOKEN,
    encodeURIComponent(SECRET),
    encodeURIComponent(TOKEN).replace(/%[0-9A-F]{2}/g, (s) => s.toLowerCase()),
    SECRET.replaceAll("/", "\\/"),
    base64At(0),
    base64At(1),
    base64At(2),
    SECRET.slice(0, 20), // truncated by the service
    TOKEN.slice(30, 50),
  ];
  for (const form of forms) {
    const text = `before ${form} after`;
    const clean = r.text(text);
    assert.ok(clean.startsWith("before ") && clean.endsWith(" after"), clean);
    assert.ok(clean.includes(HIDDEN), `${form}: ${clean}`);
    for (let i = 0; i + 16 <= SECRET.length; i++) {
      assert.ok(!clean.includes(SECRET.slice(i, i + 16)), clean);
    }
  }
  const clean = r.text(canonical(TOKEN, "AKIAIOSFODNN7EXAMPLE"));
  assert.ok(!clean.includes(TOKEN.slice(0, 16)));
  assert.ok(clean.includes("Credential=AKIAIOSFODNN7EXAMPLE/20240101"), clean);
  // Ordinary text sharing a few characters with the secret stays.
  assert.equal(r.text("wJalrXUt is 8 characters"), "wJalrXUt is 8 characters");
});

Deno.test("an error of ours is cleaned in place: message, String, stack, inspect, members, cause copy", () => {
  const r = new Redactor([SECRET, TOKEN]);
  const platform = new TypeError(`invalid header: ${TOKEN}`);
  (platform as unknown as { code: string }).code = `E ${SECRET}`;
  const e = new ServiceException({
    name: "InvalidSignatureException",
    $fault: "client",
    message: canonical(TOKEN, "AKID"),
    $metadata: { attempts: 1, totalRetryDelay: 0 },
  });
  Object.assign(e, { Context: { nested: [`token ${TOKEN}`] } });
  Object.defineProperty(e, "cause", { value: platform, configurable: true, writable: true });
  assert.equal(r.scrub(e), e);
  const seen = [
    e.message,
    String(e),
    e.stack,
    Deno.inspect(e, { depth: 10 }),
    inspect(e, { depth: 10, showHidden: true }),
    JSON.stringify(e),
  ].join("\n");
  for (const secret of [SECRET, TOKEN]) {
    assert.ok(!seen.includes(secret.slice(0, 16)), seen);
  }
  assert.match(e.message, /^The request signature we calculated/);
  const cause = e.cause as TypeError & { code: string };
  assert.ok(cause instanceof TypeError, "a safe copy of its class");
  assert.notEqual(cause, platform);
  assert.equal(cause.message, `invalid header: ${HIDDEN}`);
  assert.equal(cause.code, `E ${HIDDEN}`);
  assert.equal(
    platform.message,
    `invalid header: ${TOKEN}`,
    "the platform's object is not touched",
  );
  // A cause that holds no secret is kept as it is.
  const fine = new TypeError("connection reset");
  const other = new ServiceException({
    name: "X",
    $fault: "server",
    $metadata: { attempts: 1, totalRetryDelay: 0 },
  });
  Object.defineProperty(other, "cause", { value: fine, configurable: true, writable: true });
  r.scrub(other);
  assert.equal(other.cause, fine);
});

Deno.test("a host error (DOMException) holding a secret is copied as a plain Error of its name", () => {
  const r = new Redactor([TOKEN]);
  const copy = r.value(new DOMException(`bad ${TOKEN}`, "SyntaxError")) as Error;
  assert.ok(copy instanceof Error);
  assert.equal(copy.name, "SyntaxError");
  assert.equal(copy.message, `bad ${HIDDEN}`);
});

Deno.test("a secret in the encodings that hid its pieces: wrapped lines, \\u escapes, HTML references, double percent, another case", () => {
  const r = new Redactor([SECRET, TOKEN]);
  const lines = (s: string, join: string) => s.match(/.{1,10}/g)!.join(join);
  const hex = (c: string) => c.charCodeAt(0).toString(16).padStart(2, "0");
  const probes = [
    lines(TOKEN, "\n"),
    lines(TOKEN, "\r\n  "),
    lines(SECRET, "\\n"), // a wrapped value inside quoted JSON text
    SECRET.replace(/[/+]/g, (c) => `\\u00${hex(c)}`),
    TOKEN.replace(/[/+=]/g, (c) => `\\u00${hex(c).toUpperCase()}`),
    SECRET.replace(/[/+]/g, (c) => `&#x${hex(c)};`),
    TOKEN.replace(/[/+=]/g, (c) => `&#${c.charCodeAt(0)};`),
    SECRET.replace(/\//g, "&sol;").replace(/\+/g, "&plus;"),
    SECRET.replace(/\//g, "&amp;#47;"), // escaped for HTML twice
    encodeURIComponent(encodeURIComponent(TOKEN)),
    encodeURIComponent(encodeURIComponent(encodeURIComponent(SECRET))).toLowerCase(),
    SECRET.toLowerCase(),
    TOKEN.toUpperCase(),
    lines(encodeURIComponent(SECRET).toLowerCase(), "\n"),
  ];
  for (const probe of probes) {
    // Exact: the characters that spelled the secret become one [hidden], the rest stays.
    const text = `<p>Token: ${probe}</p>\n<p>Tom &amp; Jerry, 50%2F50, a\\u0020b</p>`;
    assert.equal(
      r.text(text),
      `<p>Token: ${HIDDEN}</p>\n<p>Tom &amp; Jerry, 50%2F50, a\\u0020b</p>`,
      probe,
    );
  }
  // URL-safe base64, at any alignment: no 16 characters of it left.
  for (const prefix of ["", "x", "xy"]) {
    const encoded = btoa(prefix + SECRET + "tail").replace(/\+/g, "-").replace(/\//g, "_");
    const clean = r.text(`b64url ${encoded} end`);
    assert.ok(clean.includes(HIDDEN) && clean.endsWith(" end"), clean);
    assert.ok(!clean.includes(encoded.slice(prefix ? 4 : 0, (prefix ? 4 : 0) + 16)), clean);
  }
  // Encoded text that holds no secret is left exactly as it is.
  const plain = "a%2Fb &#x2F; &sol; \\u002f\nline  two\r\n&amp;amp; %252F";
  assert.equal(r.text(plain), plain);
  // An astral character from a reference keeps the map aligned.
  assert.equal(r.text(`&#128512;${SECRET.toLowerCase()}!`), `&#128512;${HIDDEN}!`);
});
