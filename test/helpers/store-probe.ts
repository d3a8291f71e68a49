import type { SessionData, Store } from 'express-session';

/**
 * Instruments any express-session store, in place: counts `set` calls, and delays the delivery of
 * chosen reads while reading at call time, like a networked store whose reply is late. That is the
 * window in which another request can save between a read and the write that follows it.
 */
export interface StoreProbe {
  readonly sets: number;
  /**
   * The next `get` reads now and delivers after `ms`; resolves once that read was issued, so the test
   * can start the request that must land in between.
   */
  delayNextRead(ms: number): Promise<void>;
  /** Every `get` from now on is delivered after `ms` (0 to stop). */
  delayAllReads(ms: number): void;
}

type GetCallback = (err: unknown, session?: SessionData | null) => void;

export function probeStore(store: Store): StoreProbe {
  const get = store.get.bind(store);
  const set = store.set.bind(store);
  const pending: { ms: number; issued: () => void }[] = [];
  let everyRead = 0;
  let sets = 0;
  store.get = (sid: string, callback: GetCallback) => {
    const next = pending.shift();
    const ms = next?.ms ?? everyRead;
    get(sid, (err, data) => {
      if (ms === 0) callback(err, data);
      else setTimeout(() => callback(err, data), ms);
    });
    next?.issued();
  };
  store.set = (sid: string, data: SessionData, callback?: (err?: unknown) => void) => {
    sets++;
    set(sid, data, callback);
  };
  return {
    get sets() {
      return sets;
    },
    delayNextRead(ms) {
      return new Promise<void>((issued) => pending.push({ ms, issued }));
    },
    delayAllReads(ms) {
      everyRead = ms;
    },
  };
}
