// A dashboard's view of AWS Backup copy jobs, for a web page (`npm run build` bundles it).
// No long-lived keys in the page: your backend hands out short-lived credentials (STS, a Cognito
// identity pool) at /api/backup-credentials, only to a signed-in user of the page (its own
// session cookie, sent same-origin) and only for a role that can list copy jobs and nothing else
// (backup:ListCopyJobs). The client asks again before every attempt, so they can rotate.
import { BackupClient, paginateListCopyJobs } from "backup-edge";

async function backupCredentials() {
  const response = await fetch("/api/backup-credentials");
  if (!response.ok) throw new Error(`backup credentials: HTTP ${response.status}`);
  return await response.json(); // { accessKeyId, secretAccessKey, sessionToken }
}

/** Every copy job (optionally only those in `state`), in the order ListCopyJobs gives them. */
export async function listCopyJobs({ region, endpoint, state }) {
  const client = new BackupClient({ region, endpoint, credentials: backupCredentials });
  const jobs = [];
  for await (const job of paginateListCopyJobs(client, { ByState: state }).items()) {
    jobs.push({ CopyJobId: job.CopyJobId, State: job.State, CreationDate: job.CreationDate });
  }
  return jobs;
}
