import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { pinoActivitySink } from '../../src/activity/pino-sink.js';
import { LogicalSessionError } from '../../src/core/errors.js';
import { activity } from './records.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { base: undefined, timestamp: false },
    {
      write: (line: string) => {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      },
    },
  );
  return { lines, logger };
}

describe('pinoActivitySink', () => {
  it('writes one structured line per activity', async () => {
    const { lines, logger } = capture();
    const sink = pinoActivitySink(logger);
    const upload = activity('s1', 'upload', { file: 'a.pdf' }, 1000);
    const start = activity('s1', 'session.start', undefined, 999);
    await sink.write([start, upload]);
    expect(lines).toEqual([
      {
        level: 30,
        sessionId: 's1',
        activity: { eventId: start.eventId, type: 'session.start', at: 999 },
        msg: 'activity',
      },
      {
        level: 30,
        sessionId: 's1',
        activity: { eventId: upload.eventId, type: 'upload', at: 1000, details: { file: 'a.pdf' } },
        msg: 'activity',
      },
    ]);
  });

  it('logs details pino cannot serialize on its own, at the chosen level and message', async () => {
    const { lines, logger } = capture();
    logger.level = 'debug';
    const circular: Record<string, unknown> = { n: 1n };
    circular.self = circular;
    await pinoActivitySink(logger, { level: 'debug', msg: 'user activity' }).write([activity('s1', 'weird', circular)]);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 20,
        msg: 'user activity',
        activity: expect.objectContaining({ details: { n: '1', self: '[Circular]' } }),
      }),
    ]);
  });

  it('refuses a logger without the chosen level method at creation', () => {
    expect(() => pinoActivitySink({} as never)).toThrow(LogicalSessionError);
    expect(() => pinoActivitySink(console, { level: 'fatal' })).toThrow(/without a fatal\(\) method/);
  });
});
