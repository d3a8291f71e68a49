/**
 * `express-logical-session/support`: the support console. Paste a logical session ID, see what happened.
 *
 * @example
 * ```ts
 * import { supportRouter } from 'express-logical-session/support';
 * ```
 * @packageDocumentation
 */
export { supportRouter } from './router.js';
export type {
  SupportAction,
  SupportAuthorize,
  SupportDevice,
  SupportLogger,
  SupportRegistry,
  SupportRegistryEntry,
  SupportRequest,
  SupportRouterOptions,
} from './types.js';
export type { SessionErrorView, SessionView, TimelineEntryView } from './session-view.js';
export type { OverviewView } from './overview.js';
export type { UserView } from './user-page.js';
export type { DeviceView, RegistryEntryView } from './registry-entry.js';
