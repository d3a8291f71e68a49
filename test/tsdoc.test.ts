/**
 * Every public export carries TSDoc with a description and an `@example`: the API reference (TypeDoc,
 * `npm run docs`) and editor hovers are built from these comments.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const entryPoints = {
  'express-logical-session': 'src/index.ts',
  'express-logical-session/activity': 'src/activity/index.ts',
  'express-logical-session/otel': 'src/otel/index.ts',
  'express-logical-session/sqlite-store': 'src/sqlite-store/index.ts',
  'express-logical-session/support': 'src/support/index.ts',
  'express-logical-session/registry': 'src/registry/index.ts',
};

const program = ts.createProgram(
  Object.values(entryPoints).map((file) => join(root, file)),
  {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
  },
);
const checker = program.getTypeChecker();

interface ExportDoc {
  name: string;
  description: string;
  examples: string[];
}

function exportsOf(file: string): ExportDoc[] {
  const source = program.getSourceFile(join(root, file));
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  if (!moduleSymbol) throw new Error(`cannot load ${file}`);
  return checker.getExportsOfModule(moduleSymbol).map((exported) => {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    return {
      name: exported.name,
      description: ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim(),
      examples: symbol
        .getJsDocTags(checker)
        .filter((tag) => tag.name === 'example')
        .map((tag) => ts.displayPartsToString(tag.text).trim()),
    };
  });
}

describe.each(Object.entries(entryPoints))('TSDoc of %s', (_entry, file) => {
  const docs = exportsOf(file);

  it('exports something', () => {
    expect(docs.length).toBeGreaterThan(0);
  });

  it('describes every export', () => {
    expect(docs.filter((doc) => doc.description.length < 10).map((doc) => doc.name)).toEqual([]);
  });

  it('gives every export an @example', () => {
    expect(docs.filter((doc) => doc.examples.every((example) => example === '')).map((doc) => doc.name)).toEqual([]);
  });
});
