/**
 * Browser entry: exposes the smoke run to the test page as `globalThis.runSmoke`, and
 * `globalThis.runRedirect`: one call to an endpoint that answers with a redirect, which a
 * browser's fetch hides under `redirect: "manual"` (an opaque redirect).
 *
 * @module
 */

import { BackupClient, describeCopyJob, ServiceException } from "../../mod.ts";
import { runSmoke, SMOKE_FIXTURES } from "./smoke.ts";

/** What a call to an endpoint that redirects raised, as plain JSON. */
export interface RedirectResult {
  isServiceException: boolean;
  name: string;
  fault: string | null;
  httpStatusCode: number | null;
  message: string;
}

/** DescribeCopyJob against `endpoint`, which redirects: what the call raised. */
async function runRedirect(endpoint: string): Promise<RedirectResult> {
  const client = new BackupClient({
    region: SMOKE_FIXTURES.region,
    endpoint,
    credentials: {
      accessKeyId: SMOKE_FIXTURES.accessKeyId,
      secretAccessKey: SMOKE_FIXTURES.secretAccessKey,
    },
    fetch: globalThis.fetch,
    maxAttempts: 1,
    requestTimeoutMs: 10_000,
  });
  try {
    await describeCopyJob(client, { CopyJobId: "job" });
  } catch (e) {
    const error = e as ServiceException;
    return {
      isServiceException: e instanceof ServiceException,
      name: error.name,
      fault: error.$fault ?? null,
      httpStatusCode: error.$metadata?.httpStatusCode ?? null,
      message: error.message,
    };
  }
  throw new Error("DescribeCopyJob resolved against an endpoint that redirects");
}

Object.assign(globalThis, { runSmoke, runRedirect });
