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

  it('scrubs a thrown string, copies a thrown plain object scrubbed, and passes other values through', () => {
    expect(redactError(`failed for ${COOKIE_ID}`, COOKIE_ID)).toBe('failed for [session-cookie-id]');
    // next({ status, message }) is common; its message may hold the cookie ID like an Error's.
    const thrown = { reason: 'not an Error', message: `no session ${COOKIE_ID}`, status: 500 };
    expect(redactError(thrown, COOKIE_ID)).toEqual({
      reason: 'not an Error',
      message: 'no session [session-cookie-id]',
      status: 500,
    });
    expect(redactError(undefined, COOKIE_ID)).toBeUndefined();
    expect(redactError(42, COOKIE_ID)).toBe(42);
  });

  it('never throws, whatever was thrown: a Proxy, throwing getters, a non-string message, a cause chain', () => {
    const hostile = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('no keys');
        },
        get() {
          throw new Error('no reads');
        },
      },
    );
    expect(() => redactError(hostile, COOKIE_ID)).not.toThrow();
    const getter = Object.defineProperty(new Error('x'), 'message', {
      get() {
        throw new Error('nope');
      },
    });
    expect(redactError(getter, COOKIE_ID)).toMatchObject({ type: 'Error' });
    const odd = Object.assign(new Error('y'), { message: 42, stack: { not: 'a string' } });
    expect(redactError(odd, COOKIE_ID)).toMatchObject({ type: 'Error', message: 42 });
    const wrapped = new Error('store failed', { cause: new Error(`GET sess:${COOKIE_ID} timed out`) });
    const copy = redactError(wrapped, COOKIE_ID) as { cause: { message: string } };
    expect(copy.cause.message).toBe('GET sess:[session-cookie-id] timed out');
    expect(JSON.stringify(copy)).not.toContain(COOKIE_ID);
  });

  it('keeps the class of an Error, so loggers report its type', () => {
    class BadRequestError extends Error {}
    const copy = redactError(new BadRequestError('bad'), COOKIE_ID);
    expect(copy).toBeInstanceOf(BadRequestError);
    expect((copy as Error).constructor.name).toBe('BadRequestError');
  });
});
