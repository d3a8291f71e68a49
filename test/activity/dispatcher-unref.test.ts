import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir.js';

it('an open dispatcher does not keep the process alive (its timer is unref()ed)', () => {
  const dir = tempDir();
  try {
    const dispatcherPath = fileURLToPath(new URL('../../src/core/dispatcher.ts', import.meta.url));
    const script = join(dir.path, 'open-dispatcher.mts');
    writeFileSync(
      script,
      `
      import { createActivityDispatcher } from ${JSON.stringify(dispatcherPath)};
      const dispatcher = createActivityDispatcher({ sinks: [{ write() {} }], flushInterval: 60_000 });
      dispatcher.push({ eventId: 'e', sessionId: 's', type: 't', details: undefined, at: 0 });
      console.log('pushed');
    `,
    );
    const child = spawnSync(process.execPath, ['--import', 'tsx', script], {
      encoding: 'utf8',
      timeout: 15_000,
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
    });
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('pushed');
    expect(child.status).toBe(0);
  } finally {
    dir.remove();
  }
});
