/**
 * Runtime-neutral probes of the call pipeline's safety rules, bundled unchanged for Node, Bun
 * and workerd (and imported from Deno): a redirect is answered as the service error it is and
 * never followed, and a client at module scope survives a credentials provider call that an
 * earlier caller abandoned. Each entry next to this file wraps them.
 *
 * @module
 */

import {
  BackupClient,
  type Credentials,
  ServiceException,
  startCopyJob,
  type StartCopyJobInput,
} from "../../mod.ts";
import { SMOKE_FIXTURES } from "./smoke.ts";

/** What a call to a redirecting endpoint ended with, as plain JSON. */
export interface RedirectOutcome {
  endpoint: string;
  /** Whether the call rejected with a `ServiceException`. */
  serviceException: boolean;
  name: string;
  message: string;
  httpStatusCode: number | null;
}

const INPUT: StartCopyJobInput = {
  RecoveryPointArn: SMOKE_FIXTURES.recoveryPointArn,
  SourceBackupVaultName: SMOKE_FIXTURES.sourceBackupVaultName,
  DestinationBackupVaultArn: SMOKE_FIXTURES.destinationBackupVaultArn,
  IamRoleArn: SMOKE_FIXTURES.iamRoleArn,
};

/** Calls StartCopyJob on each endpoint (each answers a redirect) with the platform's fetch. */
export async function probeRedirects(endpoints: string[]): Promise<RedirectOutcome[]> {
  const outcomes: RedirectOutcome[] = [];
  for (const endpoint of endpoints) {
    const client = new BackupClient({
      region: SMOKE_FIXTURES.region,
      endpoint,
      credentials: {
        accessKeyId: SMOKE_FIXTURES.accessKeyId,
        secretAccessKey: SMOKE_FIXTURES.secretAccessKey,
        sessionToken: "probe-session-token-NOT-A-REAL-TOKEN-0123456789",
      },
      fetch: globalThis.fetch,
      maxAttempts: 1,
      requestTimeoutMs: 10_000,
    });
    try {
      await startCopyJob(client, INPUT);
      outcomes.push({
        endpoint,
        serviceException: false,
        name: "resolved",
        message: "",
        httpStatusCode: null,
      });
    } catch (e) {
      const error = e as Error & { $metadata?: { httpStatusCode?: number } };
      outcomes.push({
        endpoint,
        serviceException: e instanceof ServiceException,
        name: error.name,
        message: error.message,
        httpStatusCode: error.$metadata?.httpStatusCode ?? null,
      });
    }
  }
  return outcomes;
}

/** What one call of the module-scope client ended with. */
export interface SharedClientOutcome {
  ok: boolean;
  name: string | null;
  CopyJobId: string | null;
  /** How many times the provider had been asked when the call ended. */
  providerCalls: number;
}

let providerCalls = 0;
let shared: BackupClient | undefined;

/**
 * A client kept at module scope, as a Worker keeps one across requests, whose credentials
 * provider never answers its first call (a stuck STS request, or one of a request that ended)
 * and answers the emulator's credentials afterwards.
 */
function sharedClient(endpoint: string): BackupClient {
  return shared ??= new BackupClient({
    region: SMOKE_FIXTURES.region,
    endpoint,
    credentials: (): Promise<Credentials> => {
      providerCalls++;
      if (providerCalls === 1) return new Promise(() => {});
      return Promise.resolve({
        accessKeyId: SMOKE_FIXTURES.accessKeyId,
        secretAccessKey: SMOKE_FIXTURES.secretAccessKey,
        expiration: new Date(Date.now() + 3600_000),
      });
    },
    fetch: globalThis.fetch,
    maxAttempts: 1,
  });
}

/** One StartCopyJob call of the module-scope client, within `timeoutMs` when given. */
export async function callSharedClient(
  endpoint: string,
  timeoutMs?: number,
): Promise<SharedClientOutcome> {
  const client = sharedClient(endpoint);
  try {
    const output = await startCopyJob(client, INPUT, timeoutMs ? { timeoutMs } : undefined);
    return { ok: true, name: null, CopyJobId: output.CopyJobId ?? null, providerCalls };
  } catch (e) {
    return { ok: false, name: (e as Error).name, CopyJobId: null, providerCalls };
  }
}
