import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { LIFECYCLE_CHANNELS, type LifecycleMessage } from '../core/listeners.js';
import { SESSION_ID, SESSION_PREVIOUS_ID } from './span-attributes.js';
import type { LoggerProviderLike, SessionLogRecord } from './types.js';

/** The instrumentation scope of the records: the library that observed the sessions. */
const SCOPE = 'express-logical-session';
/** `SeverityNumber.INFO` in both logs APIs, written as the number so that neither has to be loaded to name it. */
const INFO = 9;

export type ProviderSource = () => LoggerProviderLike;
export type FailureReporter = (message: string, err: unknown) => void;

function emitEvent(source: ProviderSource, eventName: string, attributes: Record<string, string>): void {
  // Looked up per event (a lifecycle event is rare next to requests): a provider registered after the
  // processor was created is used from then on, and none registered costs one disabled proxy logger.
  const logger = source().getLogger(SCOPE);
  if (logger.enabled?.({ eventName, severityNumber: INFO }) === false) return;
  const record: SessionLogRecord = { eventName, severityNumber: INFO, severityText: 'INFO', attributes };
  logger.emit(record);
}

function startAttributes({ event }: LifecycleMessage<'start'>): Record<string, string> {
  // The semantic conventions require the two IDs of a continuation to differ.
  return event.previousId === undefined || event.previousId === event.sessionId
    ? { [SESSION_ID]: event.sessionId }
    : { [SESSION_ID]: event.sessionId, [SESSION_PREVIOUS_ID]: event.previousId };
}

function endAttributes({ event }: LifecycleMessage<'end'>): Record<string, string> {
  return { [SESSION_ID]: event.sessionId };
}

/** A channel subscriber for one event; never throws. */
function subscriber<E extends 'start' | 'end'>(
  eventName: string,
  attributes: (message: LifecycleMessage<E>) => Record<string, string>,
  source: ProviderSource,
  reportFailure: FailureReporter,
): (message: unknown) => void {
  // diagnostics_channel rethrows a subscriber's error as an uncaught exception, which would end the process.
  return (message) => {
    try {
      emitEvent(source, eventName, attributes(message as LifecycleMessage<E>));
    } catch (err) {
      reportFailure(`express-logical-session: emitting the ${eventName} log record failed`, err);
    }
  };
}

/**
 * Emits `session.start` and `session.end` log records for the lifecycle the core publishes on its
 * `diagnostics_channel` channels, in the order it publishes them (the `end` of a rotation before the
 * `start` that continues it). Returns the function that unsubscribes.
 */
export function startLifecycleLogs(source: ProviderSource, reportFailure: FailureReporter): () => void {
  const onStart = subscriber('session.start', startAttributes, source, reportFailure);
  const onEnd = subscriber('session.end', endAttributes, source, reportFailure);
  subscribe(LIFECYCLE_CHANNELS.start.name, onStart);
  subscribe(LIFECYCLE_CHANNELS.end.name, onEnd);
  return () => {
    unsubscribe(LIFECYCLE_CHANNELS.start.name, onStart);
    unsubscribe(LIFECYCLE_CHANNELS.end.name, onEnd);
  };
}
