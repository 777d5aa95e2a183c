// Tests that need the third-party AWS Backup models register through `withModels.test`: when the
// pinned models can be neither read (BACKUP_EDGE_SHARED, .cache/models/) nor downloaded, they
// are skipped with the reason printed, so the test command passes offline.

import {
  LATEST_MODEL_DATE,
  loadModelSource,
  ModelUnavailableError,
} from "../codegen/model_source.ts";

async function probe(): Promise<string | undefined> {
  try {
    await loadModelSource(LATEST_MODEL_DATE);
    return undefined;
  } catch (e) {
    if (e instanceof ModelUnavailableError) return e.message;
    throw e;
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
