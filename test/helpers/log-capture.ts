import { Writable } from 'node:stream';
import pino from 'pino';
import type { LoggerLike } from '../../src/index.js';

/** A real pino logger writing JSON lines into memory. */
export function captureLogger(level: pino.Level = 'debug') {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const logger = pino({ level }, stream);
  return {
    logger,
    lines,
    records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

/** A minimal logger that keeps only the messages of its warnings. */
export function warnings(): { logger: LoggerLike; messages: string[] } {
  const messages: string[] = [];
  const logger: LoggerLike = {
    info: () => undefined,
    debug: () => undefined,
    error: () => undefined,
    warn: (_obj, msg) => void messages.push(msg ?? ''),
    child: () => logger,
  };
  return { logger, messages };
}
