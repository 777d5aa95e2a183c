/**
 * What `deno task bench` runs inside each runtime, the same for both targets: a `fetch` stub that
 * answers StartCopyJob like AWS Backup (in process, no sockets), and calls of a target's public
 * StartCopyJob function with a warm client (one for every call) or a fresh one per call.
 * Runtime-neutral: bundled for Node, Deno and workerd alike.
 *
 * @module
 */

/** A bundled bench target (bench/targets/*.ts): how a user builds a client and calls. */
export interface Target {
  clientFor(env: typeof ENV): unknown;
  startCopyJob(client: never, input: typeof INPUT): Promise<{ CopyJobId?: string }>;
}

/** The Worker's bindings: a Region and static credentials (nothing is sent anywhere). */
export const ENV = {
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "AKIDBENCH",
  AWS_SECRET_ACCESS_KEY: "bench/secret",
};

/** The StartCopyJob input of every call. */
const INPUT = {
  RecoveryPointArn: "arn:aws:backup:us-east-1:111122223333:recovery-point:1EB3B5E7",
  SourceBackupVaultName: "Default",
  DestinationBackupVaultArn: "arn:aws:backup:us-west-2:111122223333:backup-vault:dr",
  IamRoleArn: "arn:aws:iam::111122223333:role/backup",
  Lifecycle: { DeleteAfterDays: 35 },
};

const COPY_JOB_ID = "8A3E2F2B-2D4E-4B1A-9E6C-1C0A8F0E5D11";
/** StartCopyJob's answer, as AWS Backup sends it. */
const ANSWER = JSON.stringify({
  CopyJobId: COPY_JOB_ID,
  CreationDate: 1700000000.123,
  IsParent: false,
});

/**
 * Replaces the global `fetch` with a stub that reads the request's body (as a server would)
 * and answers 200 with {@linkcode ANSWER}. Both targets look `fetch` up at call time.
 */
export function installFetchStub(): void {
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    await request.arrayBuffer();
    return new Response(ANSWER, {
      headers: { "content-type": "application/json", "x-amzn-requestid": "bench" },
    });
  };
}

/** Client lifetime: `warm` builds one client for all calls, `fresh` one per call. */
export type ClientMode = "warm" | "fresh";

/**
 * A function making `calls` calls one after the other, all with one client (`warm`, kept across
 * invocations) or each with a new one (`fresh`); it throws if an answer is not the stub's.
 */
export function caller(target: Target, mode: ClientMode): (calls: number) => Promise<void> {
  let warm: unknown;
  return async (calls) => {
    for (let i = 0; i < calls; i++) {
      const client = mode === "fresh" ? target.clientFor(ENV) : (warm ??= target.clientFor(ENV));
      const output = await target.startCopyJob(client as never, INPUT);
      if (output.CopyJobId !== COPY_JOB_ID) throw new Error(`unexpected output ${output}`);
    }
  };
}
