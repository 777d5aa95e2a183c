/**
 * The runtime-neutral smoke run: StartCopyJob then DescribeCopyJob against an emulator, using
 * only what every target runtime has (fetch, WebCrypto). Bundled, unchanged, for workerd, Node,
 * Bun and Chromium, and imported by URL from Deno; each entry next to this file wraps it.
 *
 * It must not import the emulator (which pulls in @smithy/signature-v4), so the emulator's demo
 * fixtures are repeated here as literals; the tests compare the results with the emulator's own
 * job list, so a drift would fail them.
 *
 * @module
 */

import { BackupClient, describeCopyJob, startCopyJob } from "../../mod.ts";

/** The emulator's demo fixtures (see emulator/fixtures.ts); fake, not AWS identifiers. */
export const SMOKE_FIXTURES = {
  region: "us-east-1",
  accessKeyId: "AKIDEMULATOR0000EXAMPLE",
  secretAccessKey: "emulatorSecretKey/NOT/A/REAL/SECRET/EXAMPLE",
  recoveryPointArn:
    "arn:aws:backup:us-east-1:111122223333:recovery-point:0b6f4c1e-5d2a-4f53-9a7e-3c1d2e4f5a60",
  sourceBackupVaultName: "Default",
  destinationBackupVaultArn: "arn:aws:backup:us-west-2:111122223333:backup-vault:dr-vault-west",
  iamRoleArn: "arn:aws:iam::111122223333:role/service-role/AWSBackupDefaultServiceRole",
} as const;

/** What {@linkcode runSmoke} saw, as plain JSON. */
export interface SmokeResult {
  /** `navigator.userAgent` where the runtime has one (Node 20 has none). */
  userAgent: string | null;
  /** StartCopyJob output. */
  CopyJobId: string | null;
  CreationDateIso: string | null;
  /** Whether `CreationDate` was deserialized to a `Date` (not left as a number or string). */
  isDate: boolean;
  IsParent: boolean | null;
  requestId: string | null;
  httpStatusCode: number | null;
  /** DescribeCopyJob output for the same id. */
  describedCopyJobId: string | null;
  describedState: string | null;
  describedCreationDateIso: string | null;
  describedIsDate: boolean;
  describedRecoveryPointArn: string | null;
  describedDestinationBackupVaultArn: string | null;
}

/** Starts a copy job on the emulator at `endpoint`, describes it, returns what came back. */
export async function runSmoke(endpoint: string): Promise<SmokeResult> {
  const client = new BackupClient({
    region: SMOKE_FIXTURES.region,
    endpoint,
    credentials: {
      accessKeyId: SMOKE_FIXTURES.accessKeyId,
      secretAccessKey: SMOKE_FIXTURES.secretAccessKey,
    },
    // The platform's own fetch, passed as users do: workerd and browsers throw "Illegal
    // invocation" if the client calls it as a method of another object.
    fetch: globalThis.fetch,
    maxAttempts: 1,
    // A stuck request fails the run instead of hanging the test that drives it.
    requestTimeoutMs: 10_000,
  });
  const started = await startCopyJob(client, {
    RecoveryPointArn: SMOKE_FIXTURES.recoveryPointArn,
    SourceBackupVaultName: SMOKE_FIXTURES.sourceBackupVaultName,
    DestinationBackupVaultArn: SMOKE_FIXTURES.destinationBackupVaultArn,
    IamRoleArn: SMOKE_FIXTURES.iamRoleArn,
    Lifecycle: { DeleteAfterDays: 35 },
  });
  if (!started.CopyJobId) throw new Error("StartCopyJob returned no CopyJobId");
  const described = await describeCopyJob(client, { CopyJobId: started.CopyJobId });
  const job = described.CopyJob;
  return {
    userAgent: typeof navigator === "undefined" ? null : navigator.userAgent ?? null,
    CopyJobId: started.CopyJobId ?? null,
    CreationDateIso: isoOf(started.CreationDate),
    isDate: started.CreationDate instanceof Date,
    IsParent: typeof started.IsParent === "boolean" ? started.IsParent : null,
    requestId: started.$metadata.requestId ?? null,
    httpStatusCode: started.$metadata.httpStatusCode ?? null,
    describedCopyJobId: job?.CopyJobId ?? null,
    describedState: job?.State ?? null,
    describedCreationDateIso: isoOf(job?.CreationDate),
    describedIsDate: job?.CreationDate instanceof Date,
    describedRecoveryPointArn: job?.SourceRecoveryPointArn ?? null,
    describedDestinationBackupVaultArn: job?.DestinationBackupVaultArn ?? null,
  };
}

function isoOf(value: unknown): string | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  return value === undefined || value === null ? null : String(value);
}
