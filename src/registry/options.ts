import type { Request } from 'express';
import {
  durationOption,
  functionOption,
  integerOption,
  MAX_TIMER_MS,
  optionNames,
  type OptionNames,
} from '../core/validation.js';
import type { ParsedUserAgent, RegistryOptions, SessionSignal } from './types.js';

/** The options every registry shares, resolved once at creation. */
export interface RegistryConfiguration {
  /** `redisRegistry()`, … : names the factory in error messages. */
  readonly caller: string;
  readonly maxSessionsPerUser: number | undefined;
  readonly sweepInterval: number | false;
  readonly ttl: number;
  readonly timeout: number;
  readonly parseUserAgent: ((userAgent: string) => ParsedUserAgent) | undefined;
  readonly ipPrefix: ((req: Request) => string | undefined) | undefined;
  readonly onSignal: ((signal: SessionSignal, req: Request | undefined) => unknown) | undefined;
  readonly now: (() => number) | undefined;
}

/** The names of {@link RegistryOptions}, for each factory's unknown-option check. */
export const COMMON_OPTION_NAMES = optionNames({
  maxSessionsPerUser: true,
  sweepInterval: true,
  ttl: true,
  timeout: true,
  parseUserAgent: true,
  ipPrefix: true,
  onSignal: true,
  now: true,
} satisfies OptionNames<RegistryOptions>);

const DAY = 86_400_000;

/** Validates the shared options with the core's validators, so every message reads the same. */
export function resolveCommonOptions(caller: string, given: Record<string, unknown>): RegistryConfiguration {
  const fn = (name: string, example: string): unknown => functionOption(caller, name, given[name], example);
  return {
    caller,
    maxSessionsPerUser:
      given.maxSessionsPerUser === undefined
        ? undefined
        : integerOption(caller, 'maxSessionsPerUser', given.maxSessionsPerUser, { min: 1, max: 10_000 }),
    sweepInterval: durationOption(caller, 'sweepInterval', given.sweepInterval, {
      fallback: 60_000,
      allowFalse: true,
      max: MAX_TIMER_MS,
    }),
    ttl: durationOption(caller, 'ttl', given.ttl, { fallback: DAY }) as number,
    timeout: durationOption(caller, 'timeout', given.timeout, { fallback: 1_000, max: MAX_TIMER_MS }) as number,
    parseUserAgent: fn('parseUserAgent', "(ua) => ({ type: 'desktop' })") as RegistryConfiguration['parseUserAgent'],
    ipPrefix: fn('ipPrefix', '(req) => req.ip') as RegistryConfiguration['ipPrefix'],
    onSignal: fn('onSignal', '(signal, req) => audit(signal)') as RegistryConfiguration['onSignal'],
    now: fn('now', '() => Date.now()') as RegistryConfiguration['now'],
  };
}
