/** sessionScopedPath: a per-session folder, and nothing that leaves it. */
import { join, resolve } from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { getSessionId, LogicalSessionError, sessionScopedPath } from '../src/index.js';
import { buildApp } from './helpers/app.js';

function pathsOf(segments: string[], baseDir = 'var/uploads', generateId?: () => string) {
  let result: { id?: string; path?: string; error?: LogicalSessionError } = {};
  const { app } = buildApp({
    options: generateId ? { generateId } : {},
    routes: (router) =>
      router.get('/path', (req, res) => {
        try {
          result = { id: getSessionId(req), path: sessionScopedPath(req, baseDir, ...segments) };
        } catch (err) {
          result = { id: getSessionId(req), error: err as LogicalSessionError };
        }
        res.sendStatus(204);
      }),
  });
  return request(app)
    .get('/path')
    .then(() => result);
}

describe('sessionScopedPath', () => {
  it('gives an absolute path inside <baseDir>/<logical id>/, creating nothing', async () => {
    const { id, path } = await pathsOf(['pending', 'report.pdf']);
    expect(path).toBe(resolve('var/uploads', id!, 'pending', 'report.pdf'));
    const folder = await pathsOf([]);
    expect(folder.path).toBe(resolve('var/uploads', folder.id!));
    // '.' is harmless; '%2e%2e' is a name, not a climb (nothing is decoded).
    const dotted = await pathsOf(['a/./b', '%2e%2e', 'x']);
    expect(dotted.path).toBe(resolve('var/uploads', dotted.id!, 'a', 'b', '%2e%2e', 'x'));
  });

  it.each([
    ['an absolute path', ['/etc/passwd']],
    ['a Windows absolute path', ['C:\\Windows\\win.ini']],
    ['a climb', ['../other-session/file']],
    ['a climb in the middle', ['a', '../../b']],
    ['a backslash climb', ['..\\..\\b']],
    ['a NUL', ['file\0.txt']],
    ['an empty segment', ['']],
    ['a non-string', [42 as unknown as string]],
  ])('refuses %s with ERR_ELS_INVALID_ARGUMENT', async (_, segments) => {
    const { error } = await pathsOf(segments);
    expect(error).toBeInstanceOf(LogicalSessionError);
    expect(error?.code).toBe('ERR_ELS_INVALID_ARGUMENT');
    expect(error?.message).toMatch(/^sessionScopedPath\(\): argument `segments(\[\d\])?` received/);
  });

  it('refuses a bad baseDir', async () => {
    expect((await pathsOf(['a'], '')).error?.code).toBe('ERR_ELS_INVALID_ARGUMENT');
    expect((await pathsOf(['a'], 'var\0')).error?.code).toBe('ERR_ELS_INVALID_ARGUMENT');
  });

  it('keeps a custom ID that is no plain file name inside the base folder', async () => {
    const { path } = await pathsOf(['f'], 'var/uploads', () => '../../escape');
    expect(path).toBe(join(resolve('var/uploads'), '%2E%2E%2F%2E%2E%2Fescape', 'f'));
  });
});
