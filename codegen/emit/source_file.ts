/**
 * A generated TypeScript file under construction: its module documentation, its imports and its
 * body, written with ts-morph's code writer.
 *
 * @module
 */

import { CodeBlockWriter } from "ts-morph";
import { toDocComment } from "../docs.ts";
import { compareCodeUnits } from "../order.ts";

/** Collects imports and code for one generated file. */
export class SourceFile {
  /** The code writer for the file's body. */
  readonly writer: CodeBlockWriter = new CodeBlockWriter({
    indentNumberOfSpaces: 2,
    useTabs: false,
    useSingleQuote: false,
  });
  #values = new Map<string, Set<string>>();
  #types = new Map<string, Set<string>>();
  #moduleDoc: string | undefined;

  /** Sets the module's documentation, written above the imports and tagged `@module`. */
  moduleDoc(text: string): void {
    this.#moduleDoc = toDocComment(`${text}\n\n@module`);
  }

  /** Records a value import and returns the name, so calls can be written inline. */
  use(module: string, name: string): string {
    add(this.#values, module, name);
    return name;
  }

  /** Records a type-only import and returns the name. */
  useType(module: string, name: string): string {
    add(this.#types, module, name);
    return name;
  }

  /**
   * Writes a documentation comment, if there is text: paragraphs separated by blank lines,
   * `@tag` lines (which must come last) on lines of their own.
   */
  doc(text: string | undefined, extra: string[] = []): void {
    const paragraphs = [text, ...extra.filter((p) => !p.startsWith("@"))].filter(Boolean);
    const tags = extra.filter((p) => p.startsWith("@"));
    const parts = [...paragraphs, ...(tags.length ? [tags.join("\n")] : [])];
    if (!parts.length) return;
    const indent = " ".repeat(this.writer.getIndentationLevel() * 2);
    this.writer.write(toDocComment(parts.join("\n\n"), indent).trimStart()).newLine();
  }

  /**
   * The file's text: module documentation, imports (modules and names sorted by code units),
   * then the body. The caller adds the header stamp.
   */
  toString(): string {
    const lines: string[] = [];
    const modules = [...new Set([...this.#values.keys(), ...this.#types.keys()])]
      .sort(compareCodeUnits);
    for (const module of modules) {
      const values = [...(this.#values.get(module) ?? [])];
      const types = [...(this.#types.get(module) ?? [])].filter((t) => !values.includes(t));
      // Types among values are marked `type`; an import of types only says so once.
      const mark = values.length ? "type " : "";
      const names = [...values.map((v) => [v, v]), ...types.map((t) => [t, mark + t])]
        .sort(([a], [b]) => compareCodeUnits(a, b)).map(([, written]) => written);
      const keyword = values.length ? "import" : "import type";
      lines.push(`${keyword} { ${names.join(", ")} } from "${module}";`);
    }
    const doc = this.#moduleDoc ? `${this.#moduleDoc}\n\n` : "";
    return `${doc}${lines.join("\n")}${lines.length ? "\n\n" : ""}${this.writer.toString()}`;
  }
}

function add(map: Map<string, Set<string>>, module: string, name: string): void {
  if (!map.has(module)) map.set(module, new Set());
  map.get(module)!.add(name);
}
