// Credentials from an environment-like object: a Worker's env, process.env or Deno.env.

import assert from "node:assert/strict";
import { credentialsFromEnv } from "./credentials.ts";
import { ValidationError } from "./errors.ts";

Deno.test("credentialsFromEnv reads the AWS_* names from a record or a get() environment", () => {
  const env = {
    AWS_ACCESS_KEY_ID: "AKID",
    AWS_SECRET_ACCESS_KEY: "secret",
    AWS_SESSION_TOKEN: "token",
    AWS_CREDENTIAL_EXPIRATION: "2030-01-01T00:00:00Z",
  };
  const expected = {
    accessKeyId: "AKID",
    secretAccessKey: "secret",
    sessionToken: "token",
    expiration: new Date("2030-01-01T00:00:00Z"),
  };
  assert.deepEqual(credentialsFromEnv(env), expected);
  const map = new Map(Object.entries(env));
  assert.deepEqual(credentialsFromEnv({ get: (name: string) => map.get(name) }), expected);
  assert.deepEqual(
    credentialsFromEnv({ AWS_ACCESS_KEY_ID: "AKID", AWS_SECRET_ACCESS_KEY: "secret" }),
    { accessKeyId: "AKID", secretAccessKey: "secret" },
  );
});

Deno.test("credentialsFromEnv names the missing or bad variable, never a value", () => {
  assert.throws(
    () => credentialsFromEnv({ AWS_ACCESS_KEY_ID: "AKID" }),
    (e: ValidationError) =>
      e instanceof ValidationError &&
      e.issues.map((i) => i.path).join() === "AWS_SECRET_ACCESS_KEY" &&
      /AWS_SECRET_ACCESS_KEY must be set/.test(e.message),
  );
  assert.throws(
    () =>
      credentialsFromEnv({
        AWS_ACCESS_KEY_ID: "AKID",
        AWS_SECRET_ACCESS_KEY: "SECRET\nVALUE",
        AWS_CREDENTIAL_EXPIRATION: "tomorrow",
      }),
    (e: ValidationError) =>
      e.issues.map((i) => i.path).join() === "AWS_SECRET_ACCESS_KEY,AWS_CREDENTIAL_EXPIRATION" &&
      !e.message.includes("VALUE"),
  );
});
