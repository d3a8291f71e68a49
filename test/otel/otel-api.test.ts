/**
 * Finding the optional peers: api 1.10's `logs` first, else `@opentelemetry/api-logs` (SDK 2.x), and
 * nothing at all when neither is installed, without failing the import.
 */
import { describe, expect, it, vi } from 'vitest';
import { failureReporter, locateOtelApi, otelApi, type ModuleLoader } from '../../src/otel/otel-api.js';

const logsApi = (label: string) => ({
  label,
  getLoggerProvider: () => ({ getLogger: () => ({ emit: () => undefined }) }),
});

function notFound(name: string): Error {
  return Object.assign(new Error(`Cannot find module '${name}'\nRequire stack:\n- /app/index.js`), {
    code: 'MODULE_NOT_FOUND',
  });
}

function loader(modules: Record<string, unknown>): ModuleLoader {
  return (name) => {
    if (name in modules) return modules[name];
    throw notFound(name);
  };
}

describe('locateOtelApi', () => {
  it("uses api 1.10's logs when it has them, and its trace and diag", () => {
    const warned: unknown[] = [];
    const api = {
      logs: logsApi('api 1.10'),
      trace: { getSpan: (context: unknown) => ({ from: context }) },
      diag: { warn: (...args: unknown[]) => void warned.push(args) },
    };
    const found = locateOtelApi(
      loader({ '@opentelemetry/api': api, '@opentelemetry/api-logs': { logs: logsApi('api-logs') } }),
    );
    expect(found.logs).toBe(api.logs);
    expect(found.spanOf?.('ctx')).toEqual({ from: 'ctx' });
    found.warn?.('failed', 'err');
    expect(warned).toEqual([['failed', 'err']]);
  });

  it('falls back to @opentelemetry/api-logs for api 1.9, which has no logs', () => {
    const apiLogs = { logs: logsApi('api-logs') };
    expect(locateOtelApi(loader({ '@opentelemetry/api': {}, '@opentelemetry/api-logs': apiLogs })).logs).toBe(
      apiLogs.logs,
    );
  });

  it('finds nothing, and throws nothing, when neither package is installed', () => {
    expect(locateOtelApi(loader({}))).toEqual({ logs: undefined, spanOf: undefined, warn: undefined });
    expect(locateOtelApi(() => undefined).logs).toBeUndefined();
  });

  it('still fails loudly for a broken install: an error other than the package itself missing', () => {
    const broken: ModuleLoader = (name) => {
      if (name === '@opentelemetry/api') return {};
      throw notFound('@opentelemetry/core'); // a dependency of the package is missing, not the package
    };
    expect(() => locateOtelApi(broken)).toThrow(/@opentelemetry\/core/);
    expect(() =>
      locateOtelApi(() => {
        throw new SyntaxError('Unexpected token');
      }),
    ).toThrow(SyntaxError);
    expect(() =>
      locateOtelApi(() => {
        throw null; // eslint-disable-line @typescript-eslint/only-throw-error -- what a hostile module may throw
      }),
    ).toThrow();
  });

  it('reports failures once as a process warning when there is no diag to report them to', () => {
    const emitted = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const report = failureReporter({ logs: undefined, spanOf: undefined, warn: undefined });
    report('express-logical-session: emitting the session.start log record failed', new Error('down'));
    report('express-logical-session: emitting the session.end log record failed', new Error('down'));
    expect(emitted.mock.calls).toEqual([
      ['express-logical-session: emitting the session.start log record failed: Error: down'],
    ]);
    emitted.mockRestore();
  });

  it('in this repository (api 1.9.1): the logs of api-logs, trace.getSpan and diag', () => {
    const found = otelApi();
    expect(typeof found.logs?.getLoggerProvider).toBe('function');
    expect(typeof found.spanOf).toBe('function');
    expect(typeof found.warn).toBe('function');
    expect(otelApi()).toBe(found);
  });
});
