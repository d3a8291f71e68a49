/**
 * logActivity never throws into the request, whatever it is handed.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { logActivity } from '../src/index.js';

describe('logActivity with something that is not a request', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('reports the failure as a process warning instead of throwing', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    expect(() => logActivity(null as never, 'checkout')).not.toThrow();
    expect(() => logActivity(undefined as never, 'checkout', { step: 1 })).not.toThrow();
    // The library warns once per process without a logger; another test may have used that up.
    for (const [message] of warn.mock.calls) expect(String(message)).toContain('express-logical-session');
  });
});
