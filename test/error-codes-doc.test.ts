/**
 * docs/errors.md and the source agree, both ways: every `ERR_ELS_*` code the source can raise has a
 * section with its cause and fix, and every documented code is one the source still raises.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../src/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const CODE = /^ERR_ELS_[A-Z_]+$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/**
 * Codes the source can raise: `ErrorCodes.X` references and `'ERR_ELS_*'` string literals in code
 * (comments do not count), outside the `ErrorCodes` table itself.
 */
function raisedCodes(): Map<string, string[]> {
  const raised = new Map<string, string[]>();
  const note = (code: string, where: string): void => void raised.set(code, [...(raised.get(code) ?? []), where]);
  const table = ErrorCodes as Record<string, string>;
  for (const file of sourceFiles(join(root, 'src'))) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const where = (node: ts.Node): string =>
      `${file.slice(root.length)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    const visit = (node: ts.Node): void => {
      if (ts.isVariableDeclaration(node) && node.name.getText() === 'ErrorCodes') return;
      if (ts.isPropertyAccessExpression(node) && node.expression.getText() === 'ErrorCodes') {
        note(table[node.name.text] ?? `ErrorCodes.${node.name.text}`, where(node));
      } else if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && CODE.test(node.text)) {
        note(node.text, where(node));
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return raised;
}

interface DocumentedCode {
  code: string;
  body: string;
}

function documentedCodes(): DocumentedCode[] {
  const doc = readFileSync(join(root, 'docs', 'errors.md'), 'utf8');
  return doc
    .split(/^## /m)
    .slice(1)
    .map((section) => {
      const [heading = '', ...rest] = section.split('\n');
      return { code: heading.replace(/`/g, '').trim(), body: rest.join('\n') };
    });
}

describe('docs/errors.md', () => {
  const raised = raisedCodes();
  const documented = documentedCodes();

  it('documents every code the source can raise', () => {
    const missing = [...raised.keys()].filter((code) => !documented.some((entry) => entry.code === code));
    expect(missing.map((code) => `${code} (raised at ${raised.get(code)?.join(', ') ?? '?'})`)).toEqual([]);
  });

  it('documents only codes the source still raises', () => {
    expect(documented.map((entry) => entry.code).filter((code) => !raised.has(code))).toEqual([]);
  });

  it('gives each code one section with its cause and its fix', () => {
    const codes = documented.map((entry) => entry.code);
    expect(codes.filter((code) => !CODE.test(code))).toEqual([]);
    expect(new Set(codes).size).toBe(codes.length);
    for (const { code, body } of documented) {
      expect(body, code).toMatch(/\*\*Cause\.\*\* \S/);
      expect(body, code).toMatch(/\*\*Fix\.\*\* \S/);
    }
  });

  it('lists every raised code in the exported ErrorCodes table, so users can match on ErrorCodes.X', () => {
    const exported = new Set(Object.values(ErrorCodes));
    expect(
      [...raised.keys()].filter((code) => !exported.has(code as (typeof ErrorCodes)[keyof typeof ErrorCodes])),
    ).toEqual([]);
  });

  it('keeps the summary table in step with the sections', () => {
    const doc = readFileSync(join(root, 'docs', 'errors.md'), 'utf8');
    const tableCodes = [...doc.matchAll(/^\| \[`(ERR_ELS_[A-Z_]+)`\]\(#([a-z_]+)\)/gm)];
    expect(tableCodes.map(([, code]) => code)).toEqual(documented.map((entry) => entry.code));
    expect(tableCodes.every(([, code, anchor]) => code?.toLowerCase() === anchor)).toBe(true);
  });
});
