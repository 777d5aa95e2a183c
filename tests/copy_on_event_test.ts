Deno.test("tree-shaking: the StartCopyJob-only Worker holds none of the event code", async () => {
  const code = await Deno.readTextFile(
    await bundle(new URL("../testing/workers/start_copy_job_worker.ts", import.meta.url), {
      outFile: new URL("./.out/bundles/start_copy_job_worker.events-check.js", import.meta.url),
    }),
  );
  assert.ok(code.includes("StartCopyJob"));
  for (
    const marker of [
      "Backup Job State Change",
      "TimeBudgetExceeded",
      "WrongRegionError",
      "did you mean",
      "259200000",
      "/backup-jobs",
    ]
  ) {
    assert.ok(!code.includes(marker), `the StartCopyJob-only bundle contains ${marker}`);
  }
});
