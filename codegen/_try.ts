import { loadService } from "./loader.ts";
import { emitTypes } from "./emit/types.ts";
import { emitSchemas } from "./emit/schemas.ts";
import { emitValidators } from "./emit/validators.ts";
import { emitSerializers } from "./emit/serializers.ts";
import { emitDeserializers } from "./emit/deserializers.ts";
import { emitErrors } from "./emit/errors.ts";
import { emitOperations } from "./emit/operations.ts";
import { emitClient } from "./emit/client.ts";
const text = await Deno.readTextFile("/work/shared/models/backup/backup-2025-08-21.json");
const s = loadService(text);
await Deno.mkdir("/tmp/gen", { recursive: true });
for (const [n, f] of [["types", emitTypes], ["schemas", emitSchemas], ["validators", emitValidators], ["serializers", emitSerializers], ["deserializers", emitDeserializers], ["errors", emitErrors], ["operations", emitOperations], ["client", emitClient]] as const) {
  await Deno.writeTextFile(`/tmp/gen/${n}.ts`, f(s));
}
console.log(s.operations.length, s.shapes.size);
