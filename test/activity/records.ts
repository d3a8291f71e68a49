import { randomUUID } from 'node:crypto';
import type { ActivityRecord } from '../../src/core/activity-types.js';

/** One activity record with a fresh event ID; `at` defaults to a fixed base so tests are deterministic. */
export function activity(
  sessionId: string,
  type: string,
  details?: Record<string, unknown>,
  at = 1_700_000_000_000,
): ActivityRecord {
  return { eventId: randomUUID(), sessionId, type, details, at };
}

/** A logger whose calls tests can inspect. */
export interface SpyLogger {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  readonly warnings: { obj: object; msg: string | undefined }[];
  readonly errors: { obj: object; msg: string | undefined }[];
}

export function spyLogger(): SpyLogger {
  const warnings: SpyLogger['warnings'] = [];
  const errors: SpyLogger['errors'] = [];
  return {
    warnings,
    errors,
    warn(obj, msg) {
      warnings.push({ obj, msg });
    },
    error(obj, msg) {
      errors.push({ obj, msg });
    },
  };
}
