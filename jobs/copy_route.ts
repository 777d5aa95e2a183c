/**
 * Where one recovery point's copy goes in a copy run, from its checkpoint record and what
 * ListCopyJobs showed: reported from the record, given up on, adopted, waited for, or started.
 *
 * @module
 */

import type { CopyJob } from "../generated/types.ts";
import type { CheckpointRecord } from "./checkpoint.ts";
import type { CopyDecision } from "./existing_copies.ts";
import type { CopyOrigin } from "./report.ts";

/** Where a recovery point's copy goes from what the checkpoint and ListCopyJobs show. */
export type Route =
  /** The checkpoint records the ended copy: reported from it, no call. */
  | { to: "ended"; record: CheckpointRecord }
  /** `maxFailedCopies` jobs failed: FAILED, no new job. */
  | { to: "give-up"; job: CopyJob }
  /** A COMPLETED or PARTIAL copy exists: reported as it is. */
  | { to: "adopt"; job: CopyJob }
  /** A job exists, from the checkpoint (`resumed`) or ListCopyJobs (`existing`): waited for. */
  | { to: "follow"; copyJobId: string; origin: CopyOrigin }
  /** StartCopyJob. */
  | { to: "start" };

/**
 * The route of a point: its record first (it knows the job an earlier run of the same `runId`
 * started), then what ListCopyJobs showed (`decideCopy`).
 */
export function routeOf(record: CheckpointRecord | undefined, decision: CopyDecision): Route {
  if (record && isFinal(record)) return { to: "ended", record };
  if (record?.copyJobId) return { to: "follow", copyJobId: record.copyJobId, origin: "resumed" };
  if (decision.action === "give-up") return { to: "give-up", job: decision.job };
  if (decision.action === "exists") return { to: "adopt", job: decision.job };
  if (decision.action === "in-progress" && decision.job.CopyJobId) {
    return { to: "follow", copyJobId: decision.job.CopyJobId, origin: "existing" };
  }
  return { to: "start" };
}

/** A record nothing more can change: a job that ended (a start that failed is tried again). */
export function isFinal(record: CheckpointRecord): boolean {
  return record.state === "COMPLETED" || record.state === "PARTIAL" ||
    (record.state === "FAILED" && record.copyJobId !== undefined);
}
