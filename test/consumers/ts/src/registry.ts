// The express-logical-session/registry entry in a strict TypeScript app: every export, on a real node-redis 5
// client type (the registry's client type is structural, so both a client and a cluster fit).
import express from 'express';
import session from 'express-session';
import { createClient } from 'redis';
import { logicalSession } from 'express-logical-session';
import {
  linkUser,
  memoryRegistry,
  redisRegistry,
  revokeOtherSessions,
  sqliteRegistry,
  type DeviceInfo,
  type DeviceType,
  type LinkResult,
  type ParsedUserAgent,
  type RedisRegistryOptions,
  type RegistryEntry,
  type RegistryOptions,
  type RegistryRedisClient,
  type SessionRegistry,
  type SessionSignal,
  type SessionSignalType,
  type SqliteRegistryOptions,
} from 'express-logical-session/registry';

const parseUserAgent = (ua: string): ParsedUserAgent => ({ type: ua.includes('Mobile') ? 'mobile' : 'desktop' });
const alerts: SessionSignalType[] = ['new-device', 'new-network'];
const common: RegistryOptions = {
  maxSessionsPerUser: 3,
  sweepInterval: '1m',
  ttl: '7d',
  timeout: 500,
  parseUserAgent,
  ipPrefix: (req) => req.ip,
  onSignal: (signal: SessionSignal) => {
    if (alerts.includes(signal.type)) console.log(signal.userId, signal.device.browser);
  },
};

export async function redisApp(url: string): Promise<SessionRegistry> {
  const client = await createClient({ url }).connect();
  const structural: RegistryRedisClient = client;
  const options: RedisRegistryOptions = { ...common, client: structural, keyPrefix: 'app:registry:' };
  return redisRegistry(options);
}

const sqliteOptions: SqliteRegistryOptions = { path: 'var/registry.db', table: 'registry', pollInterval: '500ms' };
export const registry: SessionRegistry =
  process.env.REGISTRY === 'sqlite' ? sqliteRegistry(sqliteOptions) : memoryRegistry(common);

const app = express();
app.use(session({ secret: 'consumer-registry', resave: false, saveUninitialized: false }));
app.use(logicalSession({ registry }));
app.post('/login', async (req, res) => {
  const result: LinkResult = await linkUser(req, 'user-1');
  res.json({ evicted: result.evicted.length, signals: result.signals.map((signal) => signal.type) });
});
app.get('/devices', async (_req, res) => {
  const sessions: RegistryEntry[] = await registry.list('user-1');
  const devices: DeviceInfo[] = sessions.map((entry) => entry.device);
  const kinds: DeviceType[] = devices.map((device) => device.type);
  res.json({ kinds, first: sessions[0]?.ipPrefix ?? null });
});
app.post('/sign-out-others', async (req, res) => res.json({ revoked: await revokeOtherSessions(req) }));
app.post('/sessions/:id/revoke', async (req, res) => res.json({ live: await registry.revoke(req.params.id) }));
app.post('/sign-out-everywhere', async (_req, res) =>
  res.json({ revoked: await registry.revokeAll('user-1', 'revoked') }),
);
app.post('/sweep', async (_req, res) => res.json({ ended: await registry.sweep(), one: await registry.get('id') }));
export const close = (): Promise<void> => registry.close();
export default app;
