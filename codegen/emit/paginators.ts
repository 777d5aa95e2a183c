/**
 * Emits `paginators.ts`: `paginate<Operation>` for every `@paginated` operation, yielding
 * pages, with `.items()` for the items themselves.
 *
 * @module
 */

import type { Operation, Service, Shape, StructureShape } from "../ir.ts";
import { isRequiredForClient } from "../shape_index.ts";
import { clientClassName, MODULES, operationFunctionName } from "./names.ts";
import { typeReference } from "./references.ts";
import { SourceFile } from "./source_file.ts";

/** The shape a dotted member path ends at, starting from a structure. */
function memberAt(service: Service, start: string | undefined, path: string) {
  let shape: Shape | undefined = start ? service.shapes.get(start) : undefined;
  let target: string | undefined;
  for (const name of path.split(".")) {
    const member = (shape as StructureShape | undefined)?.members?.find((m) => m.name === name);
    if (!member) return undefined;
    target = member.target;
    shape = service.shapes.get(target);
  }
  return target;
}

/** Emits `paginators.ts`. */
export function emitPaginators(service: Service): string {
  const file = new SourceFile();
  const w = file.writer;
  const paginated = service.operations.filter((op): op is Operation & {
    paginated: NonNullable<Operation["paginated"]>;
  } => !!op.paginated);
  const client = file.useType(MODULES.client, clientClassName(service));
  const runtime = MODULES.runtime("paginate");
  for (const op of paginated) {
    const p = op.paginated;
    for (
      const [where, shape, path] of [
        ["input", op.input, p.inputToken],
        ["output", op.output, p.outputToken],
        ["output", op.output, p.items],
        ["input", op.input, p.pageSize],
      ] as const
    ) {
      if (path && !memberAt(service, shape, path)) {
        throw new Error(`${op.name}: @paginated names ${path}, which its ${where} lacks`);
      }
    }
    const fn = operationFunctionName(op.name);
    const input = op.input ? file.useType(MODULES.types, service.shapes.get(op.input)!.name) : "";
    const output = typeReference(file, service, op.output);
    const itemsTarget = p.items ? memberAt(service, op.output, p.items) : undefined;
    const itemsShape = itemsTarget ? service.shapes.get(itemsTarget) : undefined;
    const itemType = (target: string) => typeReference(file, service, target);
    let item = "never";
    if (itemsShape?.kind === "list") item = itemType(itemsShape.member.target);
    if (itemsShape?.kind === "map") item = `[string, ${itemType(itemsShape.value.target)}]`;
    const required = (service.shapes.get(op.input!) as StructureShape).members
      .some(isRequiredForClient);
    file.doc(
      `Pages of ${op.name}, following \`${p.outputToken}\` until the last page.`,
      [
        p.items ? `\`.items()\` iterates the \`${p.items}\` of every page.` : "",
        p.pageSize ? `\`pageSize\` is sent as \`${p.pageSize}\`.` : "",
      ].filter(Boolean),
    );
    const options = file.useType(runtime, "PaginatorOptions");
    const paginator = file.useType(runtime, "Paginator");
    const withMetadata = file.useType(MODULES.runtime("send"), "WithMetadata");
    w.write(`export function paginate${op.name}(client: ${client}, `)
      .write(`input: ${input}${required ? "" : " = {}"}, options?: ${options}): `)
      .write(`${paginator}<${withMetadata}<${output}>, ${item}>`).block(() => {
        const fields = [`inputToken: "${p.inputToken}"`, `outputToken: "${p.outputToken}"`];
        if (p.items) fields.push(`items: "${p.items}"`);
        if (p.pageSize) fields.push(`pageSize: "${p.pageSize}"`);
        w.writeLine(
          `return ${file.use(runtime, "paginate")}(${file.use(MODULES.operations, fn)}, client, ` +
            `input, { ${fields.join(", ")} }, options);`,
        );
      });
    w.blankLine();
  }
  return file.toString();
}
