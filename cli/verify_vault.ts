/**
 * `copy-vault --verify`: runs `verifyCopies` with the command's selection, shows its progress and
 * prints its report (`verify_progress.ts`, `verify_report.ts`); and the client that reads the
 * destination vault with `--read-destination`.
 *
 * @module
 */

import {
  type BackupClient,
  verifyCopies,
  type VerifyCopiesOptions,
  type VerifyProgressEvent,
} from "../mod.ts";
import { BACKUP_VAULT_ARN_PATTERN } from "../jobs/option_checks.ts";
import { clientFromFlags, type ClientSettings, type Setting, UsageError } from "./args.ts";
import { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, Interrupted } from "./failure.ts";
import type { CliIo } from "./io.ts";
import { VerifyProgressDisplay } from "./verify_progress.ts";
import { verifyJson, verifyTable } from "./verify_report.ts";

/** What `--read-destination` and `--destination-endpoint` say. */
export interface DestinationFlags {
  "read-destination"?: boolean;
  "destination-endpoint"?: string;
}

/**
 * The client that reads the destination vault, when `--read-destination` (or
 * `--destination-endpoint`) asks for it: the same credentials, in the Region of the destination
 * vault's ARN, at `--destination-endpoint` — or, in the source's own Region, at the source's
 * endpoint (`--endpoint`, AWS_ENDPOINT_URL_BACKUP or AWS_ENDPOINT_URL) — or else AWS's endpoint
 * of that Region. `undefined` when not asked for, or when the ARN is not a vault ARN
 * (`verifyCopies` then names `--destination-vault-arn`).
 *
 * Credentials of another account are not taken: the CLI reads the destination vault only in the
 * credentials' own account (checked once the source vault is listed, see
 * {@linkcode verifyVault}). A program reads another account's vault with `verifyCopies`'
 * `destinationClient`.
 *
 * @param source the command's own settings (its Region and endpoint).
 * @throws {UsageError} a destination endpoint or Region the client refuses, naming the flag.
 */
export function destinationClientFromFlags(
  flags: DestinationFlags,
  env: Record<string, string>,
  destinationVaultArn: string,
  source: ClientSettings,
): BackupClient | undefined {
  const asked = flags["read-destination"] || flags["destination-endpoint"] !== undefined;
  if (!asked || !BACKUP_VAULT_ARN_PATTERN.test(destinationVaultArn)) return undefined;
  const region = destinationVaultArn.split(":")[3];
  const endpoint: Setting = flags["destination-endpoint"] !== undefined
    ? { value: flags["destination-endpoint"], source: "--destination-endpoint" }
    : region === source.region.value
    ? source.endpoint
    : { value: undefined, source: "--destination-endpoint" };
  return clientFromFlags({
    region: { value: region, source: "--destination-vault-arn (its Region)" },
    endpoint,
  }, env);
}

/** What `--verify` runs with: the options of `verifyCopies` but its callbacks, and the command's. */
export interface VerifyRun {
  /** The client of the source vault's Region and account. */
  client: BackupClient;
  /** The selection, vaults, `allowEmpty`, `destinationClient`. */
  options: Omit<VerifyCopiesOptions, "signal" | "onProgress">;
  /** Whether the report is JSON. */
  json: boolean;
  /** Where it prints, and SIGINT. */
  io: CliIo;
  /** Called with an error that `verifyCopies` rejects with, to name the flag it came from. */
  asUsage: (e: unknown) => unknown;
}

/**
 * Verifies, shows its progress on stderr, prints the report on stdout and returns the exit code:
 * 0 when every selected recovery point has a completed copy, 1 otherwise (or when nothing was
 * selected without `--allow-empty`), 130 after SIGINT (it changes nothing: run it again).
 *
 * @throws what `verifyCopies` throws (through `asUsage`), and a {@linkcode UsageError} when
 * `--read-destination` would read a vault of another account than the source vault's.
 */
export async function verifyVault(run: VerifyRun): Promise<number> {
  const { io, options } = run;
  const display = new VerifyProgressDisplay(io, options.sourceBackupVaultName);
  const interrupt = new AbortController();
  const stopListening = io.onInterrupt?.(() => interrupt.abort(new Interrupted("SIGINT"))) ??
    (() => {});
  const sameAccount = accountCheck(options);
  try {
    const report = await verifyCopies(run.client, {
      ...options,
      signal: interrupt.signal,
      onProgress: (event) => {
        sameAccount(event);
        display.show(event);
      },
    }).catch((e) => {
      throw run.asUsage(e);
    });
    display.finish();
    io.out(run.json ? verifyJson(report) : verifyTable(report));
    return report.ok ? EXIT_OK : EXIT_FAILED;
  } catch (e) {
    if (!interrupt.signal.aborted) {
      display.clear();
      throw e;
    }
    display.end();
    const t = display.progress.totals;
    const message = "Interrupted by SIGINT (Ctrl-C)";
    if (run.json) {
      const json = {
        ok: false,
        interrupted: true,
        error: { name: "Interrupted", message },
        totals: t,
      };
      io.out(`${JSON.stringify(json, null, 2)}\n`);
    }
    io.err(
      `Interrupted after ${t.discovered} recovery points were listed. Verifying starts and ` +
        `changes nothing: run the same command again.\n`,
    );
    return EXIT_INTERRUPTED;
  } finally {
    stopListening();
  }
}

/**
 * With a `destinationClient`, a check on the first recovery point listed: its vault's account
 * (the credentials' own) must be the destination vault's, or the client would list a vault of
 * that name in the wrong account.
 */
function accountCheck(
  options: VerifyRun["options"],
): (event: VerifyProgressEvent) => void {
  let checked = !options.destinationClient;
  return (event) => {
    if (checked || event.type !== "discovered") return;
    checked = true;
    const source = event.recoveryPoint.BackupVaultArn?.split(":")[4];
    const destination = options.destinationBackupVaultArn.split(":")[4];
    if (source !== undefined && source !== destination) {
      throw new UsageError(
        `--read-destination reads the destination vault with the same credentials, in their ` +
          `account (${source}, the source vault's), but the destination vault is in account ` +
          `${destination}: leave --read-destination out (credentials of another account are ` +
          `not supported by the command line; a program passes verifyCopies a destinationClient)`,
      );
    }
  };
}
