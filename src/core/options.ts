import type { Request } from 'express';
import { resolveActivityOptions, type ActivityConfig } from './activity-options.js';
import { parseDuration } from './duration.js';
import type { LogicalSessionModule } from './modules.js';
import type { LoggerLike, LogicalSessionHooks, LogicalSessionOptions } from './types.js';
import {
  assertCalled,
  booleanOption,
  durationOption,
  functionOption,
  hasMethods,
  invalidOption,
  LOGGER_METHODS,
  MAX_TIMER_MS,
  optionNames,
  type OptionNames,
  optionsObject,
  rejectUnknown,
} from './validation.js';

/** Options resolved once at creation; the request path reads only these plain values. */
export interface Configuration {
  readonly idleTimeout: number | false;
  readonly absoluteTimeout: number | false;
  readonly touchInterval: number;
  readonly lazy: boolean;
  readonly logger: LoggerLike | undefined;
  readonly exposeHeader: string | undefined;
  readonly corsExposeHeader: boolean;
  readonly generateId: ((req: Request) => string) | undefined;
  readonly hooks: Readonly<LogicalSessionHooks>;
  readonly hookTimeout: number;
  readonly activity: ActivityConfig | undefined;
  readonly asyncContext: boolean;
  readonly registry: LogicalSessionModule | undefined;
  readonly now: () => number;
}

const CALLER = 'logicalSession()';
const OPTION_NAMES = optionNames({
  idleTimeout: true,
  absoluteTimeout: true,
  touchInterval: true,
  persist: true,
  logger: true,
  exposeHeader: true,
  corsExposeHeader: true,
  generateId: true,
  hooks: true,
  hookTimeout: true,
  activity: true,
  asyncContext: true,
  registry: true,
  now: true,
} satisfies OptionNames<LogicalSessionOptions>);
const HOOK_NAMES = optionNames({
  onSessionStart: true,
  onSessionEnd: true,
  onActivity: true,
  shouldRegenerate: true,
  enrichError: true,
} satisfies OptionNames<LogicalSessionHooks>);
const DEFAULT_HEADER = 'X-Session-Id';
const HEADER_TOKEN = /^[!#$%&'*+.^`|~\w-]+$/;
const DEFAULT_IDLE_TIMEOUT = 30 * 60_000;
const DEFAULT_TOUCH_INTERVAL = 60_000;
const DEFAULT_HOOK_TIMEOUT = 1000;

function touchInterval(value: unknown, idle: number | false): number {
  const ms =
    value === undefined
      ? Math.min(DEFAULT_TOUCH_INTERVAL, idle === false ? DEFAULT_TOUCH_INTERVAL : Math.floor(idle / 2))
      : parseDuration(value);
  if (ms === undefined) {
    throw invalidOption(CALLER, 'touchInterval', value, "Use milliseconds or a duration string such as '30s' or '1m'.");
  }
  if (idle !== false && ms >= idle) {
    throw invalidOption(
      CALLER,
      'touchInterval',
      value,
      `It must be shorter than \`idleTimeout\` (${idle} ms), or sessions would time out between writes; '1m' suits a '30m' idleTimeout.`,
    );
  }
  return ms;
}

/** The deadline of an awaited hook, in ms. */
export function hookTimeout(caller: string, value: unknown): number {
  return durationOption(caller, 'hookTimeout', value, { fallback: DEFAULT_HOOK_TIMEOUT, max: MAX_TIMER_MS }) as number;
}

/**
 * Headers the library must never set: framing (a wrong `Content-Length` or `Transfer-Encoding` breaks
 * or hangs every response), hop-by-hop headers, and headers with a meaning of their own.
 */
const RESERVED_HEADERS = new Set([
  'connection',
  'content-encoding',
  'content-length',
  'content-type',
  'cookie',
  'date',
  'expect',
  'host',
  'keep-alive',
  'location',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'set-cookie',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** The `exposeHeader` option, for `logicalSession()` and the error handlers alike. */
export function exposeHeaderOption(caller: string, value: unknown): string | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return DEFAULT_HEADER;
  if (typeof value === 'string' && RESERVED_HEADERS.has(value.toLowerCase())) {
    throw invalidOption(
      caller,
      'exposeHeader',
      value,
      `That header is reserved (framing, hop-by-hop or with a meaning of its own); use a header of your own such as '${DEFAULT_HEADER}'.`,
    );
  }
  if (typeof value === 'string' && HEADER_TOKEN.test(value)) return value;
  throw invalidOption(
    caller,
    'exposeHeader',
    value,
    `Use a header name such as '${DEFAULT_HEADER}', true for that name, or false.`,
  );
}

function corsExposeHeader(value: unknown, header: string | undefined): boolean {
  const fix =
    "Pass true or false; true also needs exposeHeader, e.g. { exposeHeader: 'X-Session-Id', corsExposeHeader: true }.";
  const cors = booleanOption(CALLER, 'corsExposeHeader', value, false, fix);
  if (cors && header === undefined) throw invalidOption(CALLER, 'corsExposeHeader', value, fix);
  return cors;
}

function hooks(value: unknown): Readonly<LogicalSessionHooks> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null) {
    throw invalidOption(
      CALLER,
      'hooks',
      value,
      'Pass an object of hook functions, e.g. { onSessionStart(event, req) { ... } }.',
    );
  }
  rejectUnknown(CALLER, 'hook', value, HOOK_NAMES);
  for (const [name, hook] of Object.entries(value)) {
    functionOption(CALLER, `hooks.${name}`, hook, `${name}(event, req) { ... } (sync or async)`);
  }
  return { ...(value as LogicalSessionHooks) };
}

const MODULE_FIX =
  "Pass a registry from 'express-logical-session/registry' (redisRegistry(), sqliteRegistry(), memoryRegistry()), or an object with a name and any of listener, endReason(sessionId) and attach(core).";

function registry(value: unknown): LogicalSessionModule | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) throw invalidOption(CALLER, 'registry', value, MODULE_FIX);
  const module = value as Partial<Record<keyof LogicalSessionModule, unknown>>;
  const listenerOk = module.listener === undefined || (typeof module.listener === 'object' && module.listener !== null);
  const functionsOk = [module.endReason, module.attach].every((fn) => fn === undefined || typeof fn === 'function');
  if (typeof module.name !== 'string' || !listenerOk || !functionsOk) {
    throw invalidOption(CALLER, 'registry', value, MODULE_FIX);
  }
  return value as LogicalSessionModule;
}

function logger(value: unknown): LoggerLike | undefined {
  if (value === undefined || hasMethods(value, LOGGER_METHODS)) return value as LoggerLike | undefined;
  throw invalidOption(
    CALLER,
    'logger',
    value,
    'Pass a pino logger, e.g. logger: pino(), or anything with info, debug, warn, error and child methods.',
  );
}

/**
 * Validates every option once, at creation, into a {@link Configuration}. `argumentCount` is how many
 * arguments `logicalSession` received: Express calls an unmounted factory with three.
 */
export function resolveOptions(options: unknown, argumentCount: number): Configuration {
  assertCalled('logicalSession', options, argumentCount);
  const given = optionsObject(CALLER, options, "logicalSession() or logicalSession({ idleTimeout: '30m' })");
  rejectUnknown(CALLER, 'option', given, OPTION_NAMES);
  const idleTimeout = durationOption(CALLER, 'idleTimeout', given.idleTimeout, {
    fallback: DEFAULT_IDLE_TIMEOUT,
    allowFalse: true,
  });
  const exposeHeader = exposeHeaderOption(CALLER, given.exposeHeader);
  const persist = given.persist ?? 'eager';
  if (persist !== 'eager' && persist !== 'lazy') {
    throw invalidOption(
      CALLER,
      'persist',
      given.persist,
      "Use 'eager' (store the ID on the first request) or 'lazy' (store it when the app first saves the session).",
    );
  }
  return {
    idleTimeout,
    absoluteTimeout: durationOption(CALLER, 'absoluteTimeout', given.absoluteTimeout, {
      fallback: false,
      allowFalse: true,
    }),
    touchInterval: touchInterval(given.touchInterval, idleTimeout),
    lazy: persist === 'lazy',
    logger: logger(given.logger),
    exposeHeader,
    corsExposeHeader: corsExposeHeader(given.corsExposeHeader, exposeHeader),
    generateId: functionOption(
      CALLER,
      'generateId',
      given.generateId,
      '(req) => crypto.randomUUID()',
    ) as Configuration['generateId'],
    hooks: hooks(given.hooks),
    hookTimeout: hookTimeout(CALLER, given.hookTimeout),
    activity: given.activity === undefined ? undefined : resolveActivityOptions(CALLER, given.activity, 'activity'),
    asyncContext: booleanOption(
      CALLER,
      'asyncContext',
      given.asyncContext,
      true,
      'Pass true (currentSessionId() works) or false (it returns undefined, saving CPU on Node 20).',
    ),
    registry: registry(given.registry),
    now: (functionOption(CALLER, 'now', given.now, '() => Date.now()') as (() => number) | undefined) ?? Date.now,
  };
}
