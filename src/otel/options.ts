import {
  booleanOption,
  hasMethods,
  invalidOption,
  optionNames,
  type OptionNames,
  optionsObject,
  rejectUnknown,
} from '../core/validation.js';
import type { LoggerProviderLike, SessionSpanProcessorOptions } from './types.js';

/** `sessionSpanProcessor()`'s options, resolved once at creation. */
export interface ProcessorConfig {
  readonly lifecycleLogs: boolean;
  /** `undefined`: the global logger provider. */
  readonly loggerProvider: LoggerProviderLike | undefined;
}

const CALLER = 'sessionSpanProcessor()';
const OPTION_NAMES = optionNames({
  lifecycleLogs: true,
  loggerProvider: true,
} satisfies OptionNames<SessionSpanProcessorOptions>);

export function resolveProcessorOptions(options: unknown): ProcessorConfig {
  const given = optionsObject(
    CALLER,
    options,
    'sessionSpanProcessor() or sessionSpanProcessor({ lifecycleLogs: false })',
  );
  rejectUnknown(CALLER, 'option', given, OPTION_NAMES);
  const lifecycleLogs = booleanOption(
    CALLER,
    'lifecycleLogs',
    given.lifecycleLogs,
    true,
    'Use true (the default) to emit session.start and session.end log records, or false for spans only.',
  );
  const provider = given.loggerProvider;
  if (provider === undefined) return { lifecycleLogs, loggerProvider: undefined };
  if (!hasMethods(provider, ['getLogger'])) {
    throw invalidOption(
      CALLER,
      'loggerProvider',
      provider,
      'Pass a LoggerProvider from @opentelemetry/sdk-logs (an object with getLogger), or leave it out to use the global one.',
    );
  }
  if (!lifecycleLogs) {
    throw invalidOption(
      CALLER,
      'loggerProvider',
      provider,
      'It has no use with `lifecycleLogs: false`: drop one of the two.',
    );
  }
  return { lifecycleLogs, loggerProvider: provider as LoggerProviderLike };
}
