import { describe, expect, it } from 'vitest';
import { resolveActivityOptions } from '../src/core/activity-options.js';
import { createActivityDispatcher } from '../src/core/dispatcher.js';
import { LogicalSessionError } from '../src/core/errors.js';
import { logicalSession } from '../src/index.js';

const sink = { write: () => undefined };

function optionError(run: () => unknown): LogicalSessionError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(LogicalSessionError);
    expect(err).toBeInstanceOf(TypeError);
    expect((err as LogicalSessionError).code).toBe('ERR_ELS_INVALID_OPTION');
    return err as LogicalSessionError;
  }
  throw new Error('expected a LogicalSessionError');
}

describe('activity options', () => {
  it('fills in the defaults, treating undefined as unset', () => {
    const resolved = resolveActivityOptions(
      'createActivityDispatcher()',
      { sinks: [sink], batchSize: undefined, flushInterval: undefined, maxBuffer: undefined, logger: undefined },
      '',
    );
    expect(resolved).toEqual({
      sinks: [sink],
      batchSize: 100,
      flushInterval: 1000,
      maxBuffer: 10_000,
      writeTimeout: 30_000,
    });
    expect(resolveActivityOptions('logicalSession()', sink, 'activity').sinks).toEqual([sink]);
  });

  it.each([
    ['batchSize', { batchSize: 0 }, /`batchSize` received 0\. Use a positive whole number/],
    ['batchSize', { batchSize: 1.5 }, /`batchSize` received 1\.5/],
    ['flushInterval', { flushInterval: '1s' }, /`flushInterval` received "1s"/],
    [
      'flushInterval',
      { flushInterval: 2 ** 31 },
      /`flushInterval` received 2147483648\. Use a positive whole number up to 2147483647/,
    ],
    ['maxBuffer', { maxBuffer: -1 }, /`maxBuffer` received -1/],
    [
      'maxBuffer',
      { batchSize: 500, maxBuffer: 100 },
      /`maxBuffer` received 100\. It must be at least `batchSize` \(500\)/,
    ],
    [
      'logger',
      { logger: console.log },
      /`logger` received a function \(log\)\. Pass a logger with warn\(\) and error\(\)/,
    ],
  ])('rejects a bad %s, naming the option, the value and the fix', (_, options, message) => {
    const error = optionError(() => createActivityDispatcher({ sinks: [sink], ...(options as object) }));
    expect(error.message).toMatch(/^createActivityDispatcher\(\): option /);
    expect(error.message).toMatch(message);
  });

  it('uses one message style in logicalSession() and createActivityDispatcher()', () => {
    const inCore = optionError(() => logicalSession({ activity: { sinks: [sink], batchSize: 0 } })).message;
    const standalone = optionError(() => createActivityDispatcher({ sinks: [sink], batchSize: 0 })).message;
    expect(inCore).toBe(
      standalone
        .replace('createActivityDispatcher()', 'logicalSession()')
        .replace('`batchSize`', '`activity.batchSize`'),
    );
    const overflowInCore = optionError(() =>
      logicalSession({ activity: { sinks: [sink], batchSize: 500, maxBuffer: 100 } }),
    ).message;
    expect(overflowInCore).toMatch(
      /^logicalSession\(\): option `activity.maxBuffer` received 100\. It must be at least `batchSize` \(500\)/,
    );
  });

  it('rejects sinks without write(), pointing at the entry', () => {
    expect(optionError(() => createActivityDispatcher({ sinks: [sink, { send() {} } as never] })).message).toMatch(
      /`sinks\[1\]` received an object\. A sink is an object with a write\(batch\) method/,
    );
    expect(optionError(() => createActivityDispatcher({ sinks: [] })).message).toMatch(/Pass at least one sink/);
    expect(optionError(() => createActivityDispatcher(null as never)).message).toMatch(/`options` received null/);
    expect(optionError(() => logicalSession({ activity: [sink, 42 as never] })).message).toMatch(
      /`activity.sinks\[1\]` received 42/,
    );
  });

  it('refuses unknown names with a suggestion', () => {
    expect(() => createActivityDispatcher({ sinks: [sink], batchsize: 5 } as never)).toThrow(
      /unknown option `batchsize`. Did you mean `batchSize`\?/,
    );
    expect(() => logicalSession({ activity: { sinks: [sink], logger: console } as never })).toThrow(
      /unknown activity option `logger`/,
    );
  });
});
