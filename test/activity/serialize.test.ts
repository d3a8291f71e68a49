import { describe, expect, it } from 'vitest';
import { serializeDetails, toJsonSafe, truncateString } from '../../src/activity/serialize.js';

describe('serializeDetails', () => {
  it('keeps ordinary JSON as it is, and undefined/null details as null', () => {
    const details = { file: 'a.pdf', size: 3, ok: true, tags: ['x'], nested: { n: null } };
    expect(JSON.parse(serializeDetails(details)!)).toEqual(details);
    expect(serializeDetails(undefined)).toBeNull();
    expect(serializeDetails(null)).toBeNull();
  });

  it('replaces what JSON cannot hold with readable markers and never throws', () => {
    const circular: Record<string, unknown> = {};
    circular.me = circular;
    const shared = { n: 1 };
    const safe = toJsonSafe({
      circular,
      twice: [shared, shared],
      big: -5n,
      fn: () => 1,
      sym: Symbol.for('k'),
      undef: undefined,
      inf: Infinity,
      err: Object.assign(new TypeError('bad'), { secret: 'x' }),
      invalid: new Date(Number.NaN),
      bytes: new Uint8Array(4),
      set: new Set([1]),
      throwingJson: {
        toJSON() {
          throw new Error('no');
        },
      },
    });
    expect(safe).toEqual({
      circular: { me: '[Circular]' },
      twice: [{ n: 1 }, { n: 1 }],
      big: '-5',
      fn: '[Function fn]',
      sym: 'Symbol(k)',
      inf: 'Infinity',
      err: { name: 'TypeError', message: 'bad' },
      invalid: null,
      bytes: '[Uint8Array 4 bytes]',
      set: [1],
      throwingJson: '[Unserializable]',
    });
  });

  it('cuts long strings with a visible marker without splitting a surrogate pair', () => {
    expect(truncateString('abcdef', 4)).toBe('abcd…[truncated 2 chars]');
    expect(truncateString('ab😀cd', 3)).toBe('ab…[truncated 4 chars]');
    expect(truncateString('short', 10)).toBe('short');
  });

  it('caps the whole JSON, replacing it by a marked preview that still parses', () => {
    const json = serializeDetails(
      { items: Array.from({ length: 3000 }, (_, i) => `item-${i}-${'z'.repeat(30)}`) },
      { maxBytes: 4096 },
    )!;
    expect(Buffer.byteLength(json)).toBeLessThanOrEqual(4096);
    expect(JSON.parse(json)).toMatchObject({
      $truncated: 'details exceeded 4096 bytes',
      bytes: expect.any(Number),
      preview: expect.stringMatching(/^\{"items"/),
    });
  });

  it('makes a __proto__ key an ordinary property', () => {
    const details = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    const stored = JSON.parse(serializeDetails(details)!) as Record<string, unknown>;
    expect(Object.keys(stored)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
