/**
 * `reportToJson` and `verifyReportToJson` refuse what is not their report, naming `report`: an
 * undefined report threw a raw SyntaxError (`JSON.parse(undefined)`), `{}` passed as `{}`.
 */

import assert from "node:assert/strict";
import { reportToJson, ValidationError, verifyReportToJson } from "../mod.ts";
import { emptyTotals } from "../jobs/report.ts";
import { emptyVerifyTotals } from "../jobs/verify_report.ts";

const at = new Date("2026-03-02T03:00:00Z");
const common = {
  sourceBackupVaultName: "prod",
  destinationBackupVaultArn: "arn:aws:backup:us-west-2:111122223333:backup-vault:dr",
  startedAt: at,
  finishedAt: at,
  entries: [],
  ok: true,
};
const copyReport = { ...common, runId: "nightly", dryRun: false, totals: emptyTotals() };
const verifyReport = { ...common, destinationChecked: true, totals: emptyVerifyTotals() };

function refused(call: () => unknown, fn: string) {
  assert.throws(call, (e: unknown) => {
    assert.ok(e instanceof ValidationError, `expected a ValidationError, got ${e}`);
    assert.equal(e.issues[0].path, "report");
    assert.match(e.message, new RegExp(`^Invalid ${fn} arguments: report must be a report`));
    return true;
  });
}

Deno.test("reportToJson, verifyReportToJson: what is not their report is a ValidationError naming report", () => {
  for (const bad of [undefined, null, {}, "report", [], { entries: [], totals: {}, ok: true }]) {
    refused(() => reportToJson(bad as never), "reportToJson");
    refused(() => verifyReportToJson(bad as never), "verifyReportToJson");
  }
  // Each takes its own kind only.
  refused(() => reportToJson(verifyReport as never), "reportToJson");
  refused(() => verifyReportToJson(copyReport as never), "verifyReportToJson");
});

Deno.test("reportToJson, verifyReportToJson: a report becomes plain JSON, dates as ISO 8601", () => {
  const copy = reportToJson(copyReport) as Record<string, unknown>;
  assert.equal(copy.startedAt, "2026-03-02T03:00:00.000Z");
  assert.equal(copy.runId, "nightly");
  const verify = verifyReportToJson(verifyReport) as Record<string, unknown>;
  assert.equal(verify.finishedAt, "2026-03-02T03:00:00.000Z");
  assert.equal(verify.destinationChecked, true);
});
