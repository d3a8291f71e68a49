/**
 * The lifecycle as OpenTelemetry log records: what each record holds, where it goes, and that a logger
 * that fails or declines never reaches the request. No global provider is registered in this file.
 */
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { LIFECYCLE_CHANNELS } from '../../src/core/listeners.js';
import { endSession } from '../../src/index.js';
import { sessionSpanProcessor, type LoggerProviderLike, type SessionSpanProcessor } from '../../src/otel/index.js';
import { buildApp } from '../helpers/app.js';

const created: SessionSpanProcessor[] = [];
function processor(...args: Parameters<typeof sessionSpanProcessor>): SessionSpanProcessor {
  const made = sessionSpanProcessor(...args);
  created.push(made);
  return made;
}
afterEach(async () => {
  await Promise.all(created.splice(0).map((made) => made.shutdown()));
});

function memoryProvider() {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] });
  const records = (): Record<string, unknown>[] =>
    exporter.getFinishedLogRecords().map((r) => ({ eventName: r.eventName, ...r.attributes }));
  return { provider, exporter, records };
}

function app() {
  return buildApp({
    routes: (router) => {
      router.get('/', (_req, res) => res.send('ok'));
      router.post('/logout', async (req, res) => {
        await endSession(req, res);
        res.send('bye');
      });
    },
  }).app;
}

const startSubscribed = (): boolean => LIFECYCLE_CHANNELS.start.hasSubscribers;

describe('lifecycle log records', () => {
  it('go to the given loggerProvider: session.start, then session.end on logout, as INFO events', async () => {
    const { provider, exporter, records } = memoryProvider();
    processor({ loggerProvider: provider });
    const server = app();
    const first = await request(server).get('/');
    const cookie = first.headers['set-cookie']![0]!.split(';')[0]!;
    await request(server).post('/logout').set('Cookie', cookie);
    const [start] = records();
    const id = start?.['session.id'];
    expect(records()).toEqual([
      { eventName: 'session.start', 'session.id': id },
      { eventName: 'session.end', 'session.id': id },
    ]);
    const record = exporter.getFinishedLogRecords()[0];
    expect([record?.severityNumber, record?.severityText, record?.instrumentationScope.name]).toEqual([
      9,
      'INFO',
      'express-logical-session',
    ]);
  });

  it('leave session.previous_id out when it equals session.id, as the conventions require', () => {
    const { provider, records } = memoryProvider();
    processor({ loggerProvider: provider });
    const event = { eventId: 'e', reason: 'regenerate', at: 0 };
    LIFECYCLE_CHANNELS.start.publish({ event: { ...event, sessionId: 'same', previousId: 'same' }, req: {} });
    LIFECYCLE_CHANNELS.start.publish({ event: { ...event, sessionId: 'next', previousId: 'same' }, req: {} });
    expect(records()).toEqual([
      { eventName: 'session.start', 'session.id': 'same' },
      { eventName: 'session.start', 'session.id': 'next', 'session.previous_id': 'same' },
    ]);
  });

  it('are not built when the logger says it is not enabled for them', async () => {
    const asked: unknown[] = [];
    const declining: LoggerProviderLike = {
      getLogger: () => ({
        enabled: (options) => {
          asked.push(options);
          return false;
        },
        emit: () => {
          throw new Error('must not be called');
        },
      }),
    };
    processor({ loggerProvider: declining });
    expect((await request(app()).get('/')).text).toBe('ok');
    expect(asked).toEqual([{ eventName: 'session.start', severityNumber: 9 }]);
  });

  it('never reach the request when the logger throws: reported through diag', async () => {
    const warnings: string[] = [];
    const capture = (message: string) => void warnings.push(message);
    diag.setLogger(
      { error: capture, warn: capture, info: capture, debug: capture, verbose: capture },
      DiagLogLevel.WARN,
    );
    const failing: LoggerProviderLike = {
      getLogger: () => ({
        emit: () => {
          throw new Error('exporter down');
        },
      }),
    };
    processor({ loggerProvider: failing });
    expect((await request(app()).get('/')).text).toBe('ok');
    expect(warnings).toEqual(['express-logical-session: emitting the session.start log record failed']);
    diag.disable();
  });

  it('stop at shutdown(), and are never subscribed with lifecycleLogs: false', async () => {
    const { provider, records } = memoryProvider();
    const made = processor({ loggerProvider: provider });
    expect(startSubscribed()).toBe(true);
    await made.shutdown();
    expect(startSubscribed()).toBe(false);
    processor({ lifecycleLogs: false });
    expect(startSubscribed()).toBe(false);
    await request(app()).get('/');
    expect(records()).toEqual([]);
  });
});
