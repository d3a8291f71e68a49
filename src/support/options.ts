import type { ActivityReader } from '../activity/reader.js';
import {
  assertCalled,
  durationOption,
  functionOption,
  hasMethods,
  integerOption,
  invalidOption,
  MAX_TIMER_MS,
  optionNames,
  type OptionNames,
  optionsObject,
  rejectUnknown,
} from '../core/validation.js';
import type { SupportAuthorize, SupportLogger, SupportRegistry, SupportRouterOptions } from './types.js';

export const CALLER = 'supportRouter()';
const EXAMPLE = "supportRouter({ activity: store, authorize: (req) => req.user?.role === 'support' })";

const OPTION_NAMES = optionNames({
  activity: true,
  registry: true,
  authorize: true,
  idleTimeout: true,
  authorizeTimeout: true,
  pageSize: true,
  logger: true,
  now: true,
} satisfies OptionNames<SupportRouterOptions>);

/** The console's options, resolved once at creation. */
export interface SupportConfiguration {
  readonly activity: ActivityReader;
  readonly registry: SupportRegistry | undefined;
  /** `undefined`: every route answers 403. */
  readonly authorize: SupportAuthorize | undefined;
  readonly idleTimeout: number;
  readonly authorizeTimeout: number;
  readonly pageSize: number;
  readonly now: () => number;
}

/** The value when it has every method the console calls, else the error saying what to pass. */
function methodsOption(option: string, value: unknown, methods: readonly string[], fix: string): unknown {
  if (hasMethods(value, methods)) return value;
  throw invalidOption(CALLER, option, value, fix);
}

const REGISTRY_FIX =
  'Pass the registry of express-logical-session/registry, or an object with get(), list() and revoke().';

const NO_AUTHORIZE =
  'supportRouter(): no `authorize` option, so every route answers 403. Pass one, e.g. ' +
  "authorize: (req, { action }) => req.user?.role === 'support'.";

function warnNoAuthorize(logger: SupportLogger | undefined): void {
  try {
    if (logger) logger.warn({ option: 'authorize' }, NO_AUTHORIZE);
    else process.emitWarning(NO_AUTHORIZE, { type: 'LogicalSessionWarning', code: 'ELS_SUPPORT_NO_AUTHORIZE' });
  } catch {
    // A broken logger must not stop the app from starting; the console refuses every request anyway.
  }
}

/** Validates every option; a console without `authorize` is allowed (it refuses everything) but warned about. */
export function resolveSupportOptions(options: unknown, argumentCount: number): SupportConfiguration {
  assertCalled('supportRouter', options, argumentCount);
  const given = optionsObject(CALLER, options, EXAMPLE);
  rejectUnknown(CALLER, 'option', given, OPTION_NAMES);
  const activity = methodsOption(
    'activity',
    given.activity,
    ['timeline', 'summary', 'sessions'],
    'Pass the activity store (new SqlActivityStore(...)) or any reader with timeline(), summary() and sessions().',
  ) as ActivityReader;
  const authorize = functionOption(CALLER, 'authorize', given.authorize, EXAMPLE) as SupportAuthorize | undefined;
  const logger =
    given.logger === undefined
      ? undefined
      : (methodsOption(
          'logger',
          given.logger,
          ['warn'],
          'Pass a pino logger, or anything with a warn() method.',
        ) as SupportLogger);
  const now = functionOption(CALLER, 'now', given.now, '() => Date.now()') as (() => number) | undefined;
  const config: SupportConfiguration = {
    activity,
    registry:
      given.registry === undefined
        ? undefined
        : (methodsOption('registry', given.registry, ['get', 'list', 'revoke'], REGISTRY_FIX) as SupportRegistry),
    authorize,
    idleTimeout: durationOption(CALLER, 'idleTimeout', given.idleTimeout, { fallback: 30 * 60_000 }) as number,
    authorizeTimeout: durationOption(CALLER, 'authorizeTimeout', given.authorizeTimeout, {
      fallback: 5000,
      max: MAX_TIMER_MS,
    }) as number,
    pageSize: integerOption(CALLER, 'pageSize', given.pageSize, { min: 1, max: 500, fallback: 50 }),
    now: now ?? Date.now,
  };
  if (authorize === undefined) warnNoAuthorize(logger);
  return config;
}
