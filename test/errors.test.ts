/**
 * LogicalSessionError carries a stable code and an HTTP status, and the messages show what was
 * received without dumping huge or hostile values.
 */
import { describe, expect, it } from 'vitest';
import { describeValue, ErrorCodes, LogicalSessionError } from '../src/core/errors.js';

describe('LogicalSessionError', () => {
  it('is a TypeError with a code, status 500 by default and no cause unless given', () => {
    const err = new LogicalSessionError(ErrorCodes.INVALID_OPTION, 'bad option');
    expect(err).toBeInstanceOf(TypeError);
    expect(err).toMatchObject({
      name: 'LogicalSessionError',
      code: 'ERR_ELS_INVALID_OPTION',
      status: 500,
      message: 'bad option',
    });
    expect('cause' in err).toBe(false);
  });

  it('keeps the cause and the status it is given', () => {
    const cause = new Error('ECONNREFUSED');
    const err = new LogicalSessionError(ErrorCodes.STORE_FAILED, 'store down', { cause, status: 503 });
    expect(err.cause).toBe(cause);
    expect(err.status).toBe(503);
  });
});

describe('describeValue', () => {
  it.each([
    ['a named function', function namedHook() {}, 'a function (namedHook)'],
    ['an anonymous function', Object.defineProperty(() => undefined, 'name', { value: '' }), 'a function (anonymous)'],
    ['a short string', 'soon', '"soon"'],
    ['a long string, cut', 'x'.repeat(100), JSON.stringify(`${'x'.repeat(60)}…`)],
    ['a bigint', 10n, '10n'],
    ['null', null, 'null'],
    ['undefined', undefined, 'undefined'],
    ['a number', 0, '0'],
    ['a boolean', false, 'false'],
    ['a symbol', Symbol('s'), 'Symbol(s)'],
    ['an array', [1, 2, 3], 'an array of 3'],
    ['an object', { secret: 'do not print me' }, 'an object'],
  ])('shows %s', (_label, value, expected) => {
    expect(describeValue(value)).toBe(expected);
  });
});
