import express from 'express';
import { describe, expect, it } from 'vitest';
import { LogicalSessionError, logicalSession, type LogicalSessionOptions } from '../src/index.js';
import { parseDuration } from '../src/core/duration.js';
import { resolveOptions } from '../src/core/options.js';

function creationError(options: unknown): LogicalSessionError {
  try {
    logicalSession(options as LogicalSessionOptions);
  } catch (err) {
    expect(err).toBeInstanceOf(LogicalSessionError);
    expect(err).toBeInstanceOf(TypeError);
    return err as LogicalSessionError;
  }
  throw new Error('expected logicalSession() to throw');
}

describe('durations', () => {
  it.each([
    ['500ms', 500],
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['1h', 3_600_000],
    ['7d', 604_800_000],
    ['1.5h', 5_400_000],
    [2500, 2500],
    [' 2 m ', 120_000],
  ])('parses %j as %d ms', (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });
  it.each(['abc', '10', '10y', '', '-5m', Number.NaN, -1, Infinity, null, {}])('rejects %j', (input) => {
    expect(parseDuration(input)).toBeUndefined();
  });
});

describe('option validation at creation', () => {
  it('resolves defaults: idle 30m, touch 1m, eager, no absolute timeout', () => {
    const config = resolveOptions(undefined, 0);
    expect(config).toMatchObject({
      idleTimeout: 1_800_000,
      touchInterval: 60_000,
      absoluteTimeout: false,
      lazy: false,
      exposeHeader: undefined,
    });
    expect(resolveOptions({ idleTimeout: '90s' }, 0).touchInterval).toBe(45_000);
    expect(resolveOptions({ idleTimeout: false }, 0).touchInterval).toBe(60_000);
    expect(resolveOptions({ exposeHeader: true }, 0).exposeHeader).toBe('X-Session-Id');
    expect(resolveOptions({ touchInterval: 0 }, 0).touchInterval).toBe(0);
  });

  it('names the option, the value and the fix for a bad duration', () => {
    const err = creationError({ idleTimeout: 'abc' });
    expect(err.code).toBe('ERR_ELS_INVALID_OPTION');
    expect(err.message).toContain('`idleTimeout`');
    expect(err.message).toContain('"abc"');
    expect(err.message).toMatch(/duration string such as '90s', '30m'/);
  });

  it('refuses touchInterval >= idleTimeout', () => {
    const err = creationError({ idleTimeout: '10m', touchInterval: '10m' });
    expect(err.message).toContain('`touchInterval`');
    expect(err.message).toContain('"10m"');
    expect(err.message).toMatch(/shorter than `idleTimeout` \(600000 ms\)/);
  });

  it('refuses a hook that is not a function, and unknown hooks', () => {
    const err = creationError({ hooks: { onSessionStart: 'log it' } });
    expect(err.message).toContain('`hooks.onSessionStart`');
    expect(err.message).toContain('"log it"');
    expect(err.message).toMatch(/Pass a function/);
    expect(creationError({ hooks: { onSesionEnd: () => undefined } }).message).toMatch(
      /unknown hook `onSesionEnd`. Did you mean `onSessionEnd`\?/,
    );
  });

  it('suggests the right name for misspelt options', () => {
    const err = creationError({ idleTimout: '5m' });
    expect(err.code).toBe('ERR_ELS_UNKNOWN_OPTION');
    expect(err.message).toMatch(/unknown option `idleTimout`. Did you mean `idleTimeout`\?/);
    expect(creationError({ touchinterval: '1m' }).message).toMatch(/Did you mean `touchInterval`\?/);
    expect(creationError({ frobnicate: 1 }).message).toMatch(/Known options: idleTimeout, absoluteTimeout/);
  });

  it.each([
    [{ persist: 'sometimes' }, '`persist`', "'eager'"],
    [{ logger: console }, '`logger`', 'pino'],
    [{ exposeHeader: 'X Session' }, '`exposeHeader`', 'header name'],
    [{ generateId: 'uuid' }, '`generateId`', 'Pass a function'],
    [{ now: 12 }, '`now`', 'Pass a function'],
    [{ asyncContext: 'yes' }, '`asyncContext`', 'Pass true'],
    [{ absoluteTimeout: 0 }, '`absoluteTimeout`', 'positive'],
    [{ activity: { write: 'no' } }, '`activity`', 'write(batch)'],
    [
      { activity: { sinks: [{ write: () => undefined }], batchSize: 0 } },
      '`activity.batchSize`',
      'positive whole number',
    ],
  ])('rejects %j', (options, option, fix) => {
    const err = creationError(options);
    expect(err.message).toContain(option);
    expect(err.message).toContain(fix);
  });

  it('catches app.use(logicalSession) without the call', () => {
    const app = express();
    const err = (() => {
      try {
        (logicalSession as unknown as (...args: unknown[]) => unknown)(
          { headers: {}, method: 'GET' },
          {},
          () => undefined,
        );
      } catch (e) {
        return e as LogicalSessionError;
      }
      return undefined;
    })();
    expect(err?.code).toBe('ERR_ELS_NOT_CALLED');
    expect(err?.message).toMatch(/app.use\(logicalSession\(\)\)/);
    expect(() => app.use(logicalSession())).not.toThrow();
  });
});
