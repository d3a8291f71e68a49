import { isAbsolute, relative, resolve, sep, win32 } from 'node:path';
import type { Request } from 'express';
import { getSessionId } from './session-id.js';
import { invalidArgument } from './validation.js';

const CALLER = 'sessionScopedPath()';
const PLAIN_SEGMENT = /^[A-Za-z0-9._-]+$/;

/** The folder name of a logical ID: the ID itself when it is a plain name, else percent-encoded. */
function folderOf(sessionId: string): string {
  return PLAIN_SEGMENT.test(sessionId) && sessionId !== '.' && sessionId !== '..'
    ? sessionId
    : encodeURIComponent(sessionId).replaceAll('.', '%2E');
}

function checkSegment(segment: unknown, index: number): string {
  const name = `segments[${index}]`;
  if (typeof segment !== 'string' || segment === '') {
    throw invalidArgument(CALLER, name, segment, 'Pass a non-empty string, e.g. a file name.');
  }
  if (segment.includes('\0')) throw invalidArgument(CALLER, name, segment, 'A path segment cannot contain a NUL.');
  if (isAbsolute(segment) || win32.isAbsolute(segment)) {
    throw invalidArgument(CALLER, name, segment, "Pass a path relative to the session's folder, not an absolute one.");
  }
  if (segment.split(/[\\/]+/).includes('..')) {
    throw invalidArgument(CALLER, name, segment, "A segment cannot climb out with '..'.");
  }
  return segment;
}

/**
 * An absolute path inside `<baseDir>/<logical id>/`, for per-session upload and work folders. Each
 * segment must stay inside that folder: an absolute segment, one with `..`, a NUL, or one that would leave
 * the folder throws `ERR_ELS_INVALID_ARGUMENT`. Nothing is decoded (`%2e%2e` is a file name, not a climb)
 * and nothing is created on disk.
 *
 * @example
 * ```ts
 * app.post('/uploads', upload.single('file'), async (req, res) => {
 *   const target = sessionScopedPath(req, 'var/uploads', 'pending', 'report.pdf');
 *   await mkdir(dirname(target), { recursive: true });
 *   await rename(req.file.path, target);
 *   res.sendStatus(201);
 * });
 * ```
 */
export function sessionScopedPath(req: Request, baseDir: string, ...segments: string[]): string {
  if (typeof baseDir !== 'string' || baseDir === '' || baseDir.includes('\0')) {
    throw invalidArgument(
      CALLER,
      'baseDir',
      baseDir,
      "Pass the folder that holds the sessions' folders, e.g. 'var/uploads'.",
    );
  }
  const folder = resolve(baseDir, folderOf(getSessionId(req)));
  const target = resolve(folder, ...segments.map(checkSegment));
  const inside = relative(folder, target);
  if (inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside)) {
    throw invalidArgument(CALLER, 'segments', segments, "The path would leave the session's folder.");
  }
  return target;
}
