/**
 * Child process of `deno task bench`: imports one bundled Worker, replaces `fetch` with a stub
 * that answers like AWS Backup, and reports heap and call rate as JSON on stdout. Started with
 * `--v8-flags=--expose-gc` so the heap can be measured after a collection.
 *
 * @module
 */

const [bundlePath, callsText] = Deno.args;
const calls = Number(callsText);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --v8-flags=--expose-gc");

/** Heap in use after garbage collection, given finalizers (WebCrypto keys, bodies) time to run. */
const heap = async () => {
  for (let i = 0; i < 5; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Deno.memoryUsage().heapUsed;
};

const answer = JSON.stringify({ CopyJobId: "job", CreationDate: 1700000000.123, IsParent: false });
globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
  const request = new Request(input, init);
  await request.arrayBuffer(); // a real server reads the body
  return new Response(answer, { headers: { "content-type": "application/json" } });
};

const env = {
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "AKIDBENCH",
  AWS_SECRET_ACCESS_KEY: "bench/secret",
};
const body = JSON.stringify({
  RecoveryPointArn: "arn:aws:backup:us-east-1:111122223333:recovery-point:1EB3B5E7",
  SourceBackupVaultName: "Default",
  DestinationBackupVaultArn: "arn:aws:backup:us-west-2:111122223333:backup-vault:dr",
  IamRoleArn: "arn:aws:iam::111122223333:role/backup",
  Lifecycle: { DeleteAfterDays: 35 },
});

const before = await heap();
const worker = (await import(new URL(bundlePath, `file://${Deno.cwd()}/`).href)).default;
const afterImport = await heap();
const invoke = async () => {
  const response = await worker.fetch(new Request("http://worker/", { method: "POST", body }), env);
  if (response.status !== 200) throw new Error(`worker answered ${response.status}`);
  await response.arrayBuffer();
};
for (let i = 0; i < Math.min(200, calls); i++) await invoke(); // warm-up
const started = performance.now();
for (let i = 0; i < calls; i++) await invoke();
const elapsed = performance.now() - started;
console.log(JSON.stringify({
  importHeapBytes: afterImport - before,
  retainedHeapBytes: (await heap()) - before,
  microsecondsPerCall: (elapsed * 1000) / calls,
}));
