import { channel, type Channel } from 'node:diagnostics_channel';
import type { Request } from 'express';
import type { ActivityRecord } from './activity-types.js';
import type { ActivityDispatcher } from './activity-types.js';
import type { SessionEndEvent, SessionReason, SessionStartEvent } from './events.js';

/**
 * A logical session was replaced by the next one in the same cookie session (a timeout, a policy or
 * `regenerateSessionId`); fired after the `end` of the old ID and the `start` of the new one.
 *
 * @example
 * ```ts
 * const listener: LifecycleListener = {
 *   name: 'moves',
 *   rotate: (event: SessionRotation) => entries.rename(event.previousId, event.sessionId),
 * };
 * ```
 */
export interface SessionRotation {
  readonly previousId: string;
  readonly sessionId: string;
  readonly reason: SessionReason;
  readonly at: number;
}

/**
 * The library refreshed the stored `lastActivityAt` of a session (at most once per `touchInterval`).
 *
 * @example
 * ```ts
 * const listener: LifecycleListener = { name: 'seen', touch: (event: SessionTouch) => seen.set(event.sessionId, event.lastActivityAt) };
 * ```
 */
export interface SessionTouch {
  readonly sessionId: string;
  readonly lastActivityAt: number;
}

/**
 * What each lifecycle event carries.
 *
 * @example
 * ```ts
 * const onEnd = (event: LifecycleEvents['end']) => console.log(event.sessionId, event.reason);
 * ```
 */
export interface LifecycleEvents {
  readonly start: SessionStartEvent;
  readonly end: SessionEndEvent;
  readonly rotate: SessionRotation;
  readonly touch: SessionTouch;
  readonly activity: ActivityRecord;
}

/**
 * The lifecycle events: `start`, `end`, `rotate`, `touch`, `activity`.
 *
 * @example
 * ```ts
 * const heard: LifecycleEventName[] = ['start', 'end'];
 * ```
 */
export type LifecycleEventName = keyof LifecycleEvents;

/**
 * Something that follows the lifecycle of the logical sessions: the user's hooks, the activity dispatcher,
 * and the optional modules. Each method may be sync or async; a throw or rejection is reported and counted
 * like a failing hook, and never reaches the request or the other listeners.
 *
 * @example
 * ```ts
 * const listener: LifecycleListener = {
 *   name: 'audit',
 *   start: (event, req) => audit.write('start', event.sessionId, req.ip),
 *   end: (event) => audit.write('end', event.sessionId, event.reason),
 * };
 * app.use(logicalSession({ registry: { name: 'audit', listener } }));
 * ```
 */
export type LifecycleListener = {
  /** Names the listener in failure reports. */
  readonly name: string;
} & {
  readonly [E in LifecycleEventName]?: (event: LifecycleEvents[E], req: RequestOf<E>) => unknown;
};

/**
 * The request an event comes with: `undefined` for the `end` (and its `activity` record) of a session
 * that ended without a request, such as one the registry's sweep found expired.
 *
 * @example
 * ```ts
 * const end = (event: SessionEndEvent, req: RequestOf<'end'>) => console.log(req?.ip ?? 'no request');
 * ```
 */
export type RequestOf<E extends LifecycleEventName> = E extends 'end' | 'activity' ? Request | undefined : Request;

/** One listener method, ready to call, with the name its failures are reported under. */
export interface ListenerCall<E extends LifecycleEventName> {
  readonly call: (event: LifecycleEvents[E], req: RequestOf<E>) => unknown;
  /** `hook onSessionEnd`, `listener registry.end`. */
  readonly label: string;
  /** Log fields of a failure: `{ hook: 'onSessionEnd' }` or `{ listener: 'registry', event: 'end' }`. */
  readonly fields: Readonly<Record<string, string>>;
}

/** Each event's listeners in order, resolved once so an event costs one array walk. */
export type ListenerTable = { readonly [E in LifecycleEventName]: readonly ListenerCall<E>[] };

const EVENT_NAMES: readonly LifecycleEventName[] = ['start', 'end', 'rotate', 'touch', 'activity'];
const HOOK_FOR_EVENT = { start: 'onSessionStart', end: 'onSessionEnd', activity: 'onActivity' } as const;

/** The activity dispatcher as a listener: every activity record is queued for the sinks. */
export function activityListener(dispatcher: ActivityDispatcher): LifecycleListener {
  return { name: 'activity', activity: (record) => dispatcher.push(record) };
}

/**
 * The `diagnostics_channel` channels the lifecycle is published on, one per event, each message
 * `{ event, req }`: how tools that are not passed to `logicalSession()` (the OpenTelemetry module, an APM
 * agent) follow the sessions. Publishing costs one `hasSubscribers` check while nobody listens.
 */
export const LIFECYCLE_CHANNELS: { readonly [E in LifecycleEventName]: Channel } = {
  start: channel('express-logical-session:session.start'),
  end: channel('express-logical-session:session.end'),
  rotate: channel('express-logical-session:session.rotate'),
  touch: channel('express-logical-session:session.touch'),
  activity: channel('express-logical-session:activity'),
};

/** What each lifecycle channel publishes. */
export interface LifecycleMessage<E extends LifecycleEventName> {
  readonly event: LifecycleEvents[E];
  readonly req: RequestOf<E>;
}

function publisher<E extends LifecycleEventName>(event: E): (payload: LifecycleEvents[E], req: RequestOf<E>) => void {
  const target = LIFECYCLE_CHANNELS[event];
  return (payload, req) => {
    if (target.hasSubscribers) target.publish({ event: payload, req } satisfies LifecycleMessage<E>);
  };
}

/** The lifecycle as `diagnostics_channel` messages; the last listener of every middleware. */
export function channelListener(): LifecycleListener {
  return {
    name: 'diagnostics_channel',
    start: publisher('start'),
    end: publisher('end'),
    rotate: publisher('rotate'),
    touch: publisher('touch'),
    activity: publisher('activity'),
  };
}

function callFor<E extends LifecycleEventName>(listener: LifecycleListener, event: E): ListenerCall<E> | undefined {
  const method = listener[event] as ((payload: LifecycleEvents[E], req: RequestOf<E>) => unknown) | undefined;
  if (method === undefined) return undefined;
  const call = method.bind(listener);
  const hook =
    listener.name === 'hooks' && event in HOOK_FOR_EVENT
      ? HOOK_FOR_EVENT[event as keyof typeof HOOK_FOR_EVENT]
      : undefined;
  return hook === undefined
    ? { call, label: `listener ${listener.name}.${event}`, fields: { listener: listener.name, event } }
    : { call, label: `hook ${hook}`, fields: { hook } };
}

function callsFor<E extends LifecycleEventName>(listeners: readonly LifecycleListener[], event: E): ListenerCall<E>[] {
  return listeners.flatMap((listener) => callFor(listener, event) ?? []);
}

/** Resolves the ordered listeners into one list of calls per event. */
export function compileListeners(listeners: readonly LifecycleListener[]): ListenerTable {
  const table = Object.fromEntries(EVENT_NAMES.map((event) => [event, callsFor(listeners, event)]));
  return table as unknown as ListenerTable;
}
