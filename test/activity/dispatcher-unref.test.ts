import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { runScript } from '../helpers/run-script.js';
import { tempDir } from '../helpers/temp-dir.js';

it('an open dispatcher does not keep the process alive (its timer is unref()ed)', () => {
  const dir = tempDir();
  try {
    const dispatcherPath = fileURLToPath(new URL('../../src/core/dispatcher.ts', import.meta.url));
    const child = runScript(
      dir.path,
      'open-dispatcher',
      `
      import { createActivityDispatcher } from ${JSON.stringify(dispatcherPath)};
      const dispatcher = createActivityDispatcher({ sinks: [{ write() {} }], flushInterval: 60_000 });
      dispatcher.push({ eventId: 'e', sessionId: 's', type: 't', details: undefined, at: 0 });
      console.log('pushed');
    `,
    );
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('pushed');
    expect(child.status).toBe(0);
  } finally {
    dir.remove();
  }
});
