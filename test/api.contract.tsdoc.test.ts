/**
 * Every public export (what `causal-panel` and `causal-panel/node` export) has a TSDoc block with
 * an `@example` (simple-statistics' `documentation lint`, STYLE.md §4). Read with the TypeScript
 * compiler's own symbol table, so re-exports are followed to their declaration.
 */
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const entry = (name: string): string => fileURLToPath(new URL(`../src/${name}`, import.meta.url));

function exportsWithoutExample(file: string): string[] {
  const program = ts.createProgram([file], { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, noEmit: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file)!;
  const moduleSymbol = checker.getSymbolAtLocation(source)!;
  const missing: string[] = [];
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const declarations = symbol.declarations ?? [];
    const hasExample = declarations.some((declaration) => ts.getJSDocTags(declaration).some((tag) => tag.tagName.text === 'example'));
    if (!hasExample) missing.push(exported.name);
  }
  return missing;
}

describe('every public export documents itself with an @example', () => {
  it.each(['index.ts', 'node.ts'])('%s', (name) => {
    expect(exportsWithoutExample(entry(name))).toEqual([]);
  });
});
