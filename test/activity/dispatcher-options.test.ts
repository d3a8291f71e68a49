import { describe, expect, it } from 'vitest';
import { DISPATCHER_DEFAULTS, resolveDispatcherOptions, toSinkList } from '../../src/activity/dispatcher-options.js';
import { createActivityDispatcher } from '../../src/activity/dispatcher.js';
import { LogicalSessionError } from '../../src/errors.js';

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

describe('dispatcher options', () => {
  it('fills in the defaults, treating undefined as unset', () => {
    const resolved = resolveDispatcherOptions({
      sinks: [sink],
      batchSize: undefined,
      flushInterval: undefined,
      maxBuffer: undefined,
      logger: undefined,
    });
    expect(resolved).toMatchObject({ ...DISPATCHER_DEFAULTS, logger: undefined });
    expect(resolved.sinks).toEqual([sink]);
  });

  it.each([
    ['batchSize', { batchSize: 0 }, /`batchSize`: received 0\. Use a whole number from 1/],
    ['batchSize', { batchSize: 1.5 }, /`batchSize`: received 1\.5/],
    ['flushInterval', { flushInterval: '1s' }, /`flushInterval`: received "1s"/],
    [
      'flushInterval',
      { flushInterval: 2 ** 31 },
      /`flushInterval`: received 2147483648\. Use a whole number from 1 to 2147483647/,
    ],
    ['maxBuffer', { maxBuffer: -1 }, /`maxBuffer`: received -1/],
    [
      'maxBuffer',
      { batchSize: 500, maxBuffer: 100 },
      /`maxBuffer`: received 100\. It must be at least batchSize \(500\)/,
    ],
    [
      'logger',
      { logger: console.log },
      /`logger`: received a function \(log\)\. Pass a logger with warn\(\) and error\(\)/,
    ],
  ])('rejects a bad %s, naming the option, the value and the fix', (_, options, message) => {
    expect(optionError(() => createActivityDispatcher({ sinks: [sink], ...(options as object) })).message).toMatch(
      message,
    );
  });

  it('rejects sinks without write(), pointing at the entry', () => {
    expect(optionError(() => toSinkList([sink, { send() {} }])).message).toMatch(
      /`sinks\[1\]`: received an object\. A sink is an object with a write\(batch\) method/,
    );
    expect(optionError(() => toSinkList([])).message).toMatch(/Pass at least one sink/);
    expect(optionError(() => resolveDispatcherOptions(null as never)).message).toMatch(/`options`: received null/);
    expect(toSinkList(sink)).toEqual([sink]);
  });
});
