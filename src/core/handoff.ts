import type { NextFunction, Request, Response } from 'express';
import { runInContext } from './context.js';
import { exposeToCors } from './headers.js';
import { bindRequestLogger } from './logging.js';
import { reportFailure, type Runtime } from './runtime.js';
import type { RequestState } from './session-state.js';
import { writeBeforeRoute, type EarlyChange } from './transitions.js';

/** Hands the request on to the route: the exposed header, `req.log`, and the AsyncLocalStorage context. */
export function handOn(runtime: Runtime, req: Request, res: Response, next: NextFunction, state: RequestState): void {
  const header = runtime.config.exposeHeader;
  if (header !== undefined) {
    res.setHeader(header, state.sessionId);
    if (runtime.config.corsExposeHeader) exposeToCors(res, header);
  }
  if (runtime.config.logger) bindRequestLogger(req, runtime.config.logger, state);
  if (runtime.config.asyncContext) {
    runInContext(state, req, next);
  } else {
    next();
  }
}

/** Writes the change before the route runs (see `writeBeforeRoute`), then hands the request on. */
export function writeThenHandOn(
  runtime: Runtime,
  req: Request,
  res: Response,
  next: NextFunction,
  state: RequestState,
  change: EarlyChange,
  now: number,
): void {
  writeBeforeRoute(runtime, req, state, change, now)
    .then(() => handOn(runtime, req, res, next, state))
    .catch((err: unknown) =>
      reportFailure(runtime, 'express-logical-session: the request could not go on', err, {}, req),
    );
}
