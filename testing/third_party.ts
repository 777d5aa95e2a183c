// Tests that need the third-party AWS Backup models register through `withModels.test`: when the
// pinned models are not on this machine ($BACKUP_EDGE_SHARED/models/backup/, .cache/models/),
// they are skipped with the reason printed, so the test command passes without them.
//
// Nothing at test time downloads from anywhere but the npm registry (DEVELOPERS.md): importing
// this module forbids model downloads in the test process and every process it starts
// (BACKUP_EDGE_OFFLINE=1, see codegen/model_source.ts). Every test that reads a model imports it
// (tests/offline_test.ts checks that).

import {
  LATEST_MODEL_DATE,
  loadModelSource,
  ModelUnavailableError,
  OFFLINE_SETTING,
  SHARED_SETTING,
} from "../codegen/model_source.ts";

Deno.env.set(OFFLINE_SETTING, "1");

/** Why the pinned models are not on this machine (nothing downloaded), or `undefined`. */
async function probe(): Promise<string | undefined> {
  try {
    await loadModelSource(LATEST_MODEL_DATE, { download: false });
    return undefined;
  } catch (e) {
    if (!(e instanceof ModelUnavailableError)) throw e;
    return `${e.message} (tests never download; set ${SHARED_SETTING} to the folder holding ` +
      "models/backup/)";
  }
}

/** Why the pinned models cannot be read here, or `undefined` when they can. */
export const MODELS_UNAVAILABLE: string | undefined = await probe();

/** Tests that need the pinned models. */
export const withModels = {
  /** `Deno.test`, skipped with a printed reason when the pinned models are unavailable. */
  test(name: string, fn: (t: Deno.TestContext) => void | Promise<void>): void {
    if (MODELS_UNAVAILABLE) {
      console.log(
        `skipped "${name}": the AWS Backup models are unavailable: ${MODELS_UNAVAILABLE}`,
      );
      Deno.test({ name: `${name} (skipped: models unavailable)`, ignore: true, fn });
    } else Deno.test(name, fn);
  },
};
