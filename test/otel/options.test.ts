/**
 * sessionSpanProcessor()'s options, checked at creation with the message style of every entry point.
 */
import { describe, expect, it } from 'vitest';
import { ErrorCodes, LogicalSessionError } from '../../src/index.js';
import { sessionSpanProcessor } from '../../src/otel/index.js';

function failure(options: unknown): { code: string; message: string } {
  try {
    sessionSpanProcessor(options as never).shutdown();
  } catch (err) {
    if (err instanceof LogicalSessionError) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('sessionSpanProcessor() accepted the options');
}

const provider = { getLogger: () => ({ emit: () => undefined }) };

describe('sessionSpanProcessor() options', () => {
  it('are all optional', async () => {
    for (const options of [undefined, {}, { lifecycleLogs: false }, { loggerProvider: provider }]) {
      await sessionSpanProcessor(options).shutdown();
    }
  });

  it('refuse a misspelt name, with the name meant', () => {
    expect(failure({ lifecycleLog: false })).toEqual({
      code: ErrorCodes.UNKNOWN_OPTION,
      message: 'sessionSpanProcessor(): unknown option `lifecycleLog`. Did you mean `lifecycleLogs`?',
    });
  });

  it('refuse values they cannot use, saying what to pass', () => {
    expect(failure({ lifecycleLogs: 'yes' })).toMatchObject({
      code: ErrorCodes.INVALID_OPTION,
      message: expect.stringContaining('option `lifecycleLogs` received "yes". Use true'),
    });
    expect(failure({ loggerProvider: {} }).message).toContain(
      'option `loggerProvider` received an object. Pass a LoggerProvider',
    );
    expect(failure({ loggerProvider: provider, lifecycleLogs: false }).message).toContain(
      'It has no use with `lifecycleLogs: false`',
    );
    expect(failure('all').message).toBe(
      'sessionSpanProcessor(): expected an options object, received "all". Call sessionSpanProcessor() or sessionSpanProcessor({ lifecycleLogs: false }).',
    );
  });
});
