/** The small pieces every page is made of: the one escaping function, times, durations, registry entries. */
import { describe, expect, it } from 'vitest';
import { formatDuration, formatRelative, isoTime } from '../../src/support/format.js';
import { escapeHtml, html } from '../../src/support/html.js';
import { cutText } from '../../src/support/masking.js';
import { normalizeEntry } from '../../src/support/registry-entry.js';

describe('escapeHtml and the html tag', () => {
  it('escapes every character that can end text or an attribute', () => {
    expect(escapeHtml(`<a href="x" title='y'>&\`</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&#96;&lt;/a&gt;',
    );
  });

  it('escapes interpolated values, keeps its own markup, flattens lists and drops null, undefined and false', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p>${inner}${['<', html`<br />`, 1]}${null}${undefined}${false}</p>`.toString()).toBe(
      '<p><b>&lt;i&gt;</b>&lt;<br />1</p>',
    );
  });
});

describe('times and durations', () => {
  it('formats durations in at most two units', () => {
    expect([0, 999, 42_000, 3_600_000 + 5 * 60_000 + 7000, 2 * 86_400_000 + 3_600_000].map(formatDuration)).toEqual([
      '0 s',
      '0 s',
      '42 s',
      '1 h 5 min',
      '2 d 1 h',
    ]);
  });

  it('says how long ago, or how far ahead, a time is', () => {
    expect(formatRelative(1000, 1500)).toBe('just now');
    expect(formatRelative(0, 90_000)).toBe('1 min ago');
    expect(formatRelative(7_200_000, 0)).toBe('in 2 h');
  });

  it('writes ISO UTC to the second, and says so when a reader returned no valid time', () => {
    expect(isoTime(Date.UTC(2026, 2, 1, 12, 30, 5, 123))).toBe('2026-03-01T12:30:05Z');
    expect(isoTime(Number.NaN)).toBe('invalid time');
    expect(isoTime(9e15)).toBe('invalid time');
  });

  it('cuts text without splitting a surrogate pair', () => {
    expect(cutText('ab😀cd', 3)).toBe('ab… [4 more characters]');
    expect(cutText('short', 10)).toBe('short');
  });
});

describe('registry entries read without trusting their shape', () => {
  it('drops what has no session or user ID, and fills what is missing', () => {
    expect([undefined, null, 'x', {}, { sessionId: 's' }, { sessionId: 's', userId: '' }].map(normalizeEntry)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(normalizeEntry({ sessionId: 's', userId: 'u', createdAt: 5, device: 'phone', linkedAt: 'soon' })).toEqual({
      sessionId: 's',
      userId: 'u',
      createdAt: 5,
      lastActivityAt: 5,
      linkedAt: null,
      device: null,
      ipPrefix: null,
    });
    expect(normalizeEntry({ sessionId: 's', userId: 'u', device: {} })?.device).toEqual({
      browser: null,
      os: null,
      type: 'unknown',
      userAgent: '',
    });
  });
});
