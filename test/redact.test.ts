/**
 * The cookie session ID is a credential: redact() and redactError() scrub it from whatever the
 * library logs or shows, whatever shape the thrown value has.
 */
import { describe, expect, it } from 'vitest';
import { redact, redactError } from '../src/core/redact.js';

const COOKIE_ID = 'Xk3pL9-secret-cookie-id';

describe('redact', () => {
  it('replaces every occurrence of the cookie session ID', () => {
    expect(redact(`a ${COOKIE_ID} b ${COOKIE_ID}`, COOKIE_ID)).toBe('a [session-cookie-id] b [session-cookie-id]');
  });

  it('leaves the text alone when there is no cookie session ID to hide', () => {
    expect(redact('nothing to hide', undefined)).toBe('nothing to hide');
    // An empty ID would otherwise split the text between every character.
    expect(redact('nothing to hide', '')).toBe('nothing to hide');
  });
});

describe('redactError', () => {
  it('copies an Error with the ID scrubbed from message, stack and a string code, keeping numeric status', () => {
    const err = Object.assign(new Error(`session ${COOKIE_ID} is gone`), {
      code: `E_${COOKIE_ID}`,
      status: 410,
      statusCode: '410',
    });
    const copy = redactError(err, COOKIE_ID) as Record<string, unknown>;
    expect(copy).toMatchObject({
      type: 'Error',
      message: 'session [session-cookie-id] is gone',
      code: 'E_[session-cookie-id]',
      status: 410,
      statusCode: '410',
    });
    expect(JSON.stringify(copy)).not.toContain(COOKIE_ID);
  });

  it('omits a stack the error does not have and fields of other types', () => {
    const err = Object.assign(new TypeError('bad'), { code: { nested: COOKIE_ID } });
    err.stack = undefined;
    expect(redactError(err, COOKIE_ID)).toEqual({ type: 'TypeError', message: 'bad' });
  });

  it('scrubs a thrown string and passes other thrown values through', () => {
    expect(redactError(`failed for ${COOKIE_ID}`, COOKIE_ID)).toBe('failed for [session-cookie-id]');
    const thrown = { reason: 'not an Error' };
    expect(redactError(thrown, COOKIE_ID)).toBe(thrown);
    expect(redactError(undefined, COOKIE_ID)).toBeUndefined();
  });
});
