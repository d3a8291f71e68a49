import { openDatabaseFile } from '../../sqlite-store/connection.js';
import { sourceOf } from '../../sqlite-store/options.js';
import type { SqliteSessionDatabase } from '../../sqlite-store/types.js';
import { durationOption, optionNames, optionsObject, rejectUnknown, tableNameOption } from '../../core/validation.js';
import { COMMON_OPTION_NAMES, resolveCommonOptions } from '../options.js';
import { Registry } from '../registry.js';
import type { SessionRegistry, SqliteRegistryOptions } from '../types.js';
import { SqliteBackend } from './backend.js';

const CALLER = 'sqliteRegistry()';
const EXAMPLE = "sqliteRegistry({ path: 'var/registry.db' })";
const OPTION_NAMES = [
  ...COMMON_OPTION_NAMES,
  ...optionNames({ path: true, db: true, table: true, pollInterval: true }),
];

function databaseOf(given: Record<string, unknown>): { db: SqliteSessionDatabase; owned: boolean } {
  const source = sourceOf(given, { caller: CALLER, example: EXAMPLE, file: 'var/registry.db' });
  return source.kind === 'db'
    ? { db: source.db, owned: false }
    : { db: openDatabaseFile(source.path, CALLER), owned: true };
}

/**
 * A registry in a SQLite file, on better-sqlite3: the embedded default, beside the SQLite session store. The
 * file is opened in WAL mode, so the processes of one machine (cluster, pm2) share it: the link with its limit
 * and the sweep's claim are one transaction each, and a revocation reaches the other processes within
 * `pollInterval` (each polls the revocations table from a timer, never per request).
 *
 * @example
 * ```ts
 * import { sqliteRegistry } from 'express-logical-session/registry';
 * const registry = sqliteRegistry({ path: 'var/registry.db', maxSessionsPerUser: 3 });
 * app.use(logicalSession({ registry }));
 * process.on('SIGTERM', () => void registry.close());
 * ```
 */
export function sqliteRegistry(options: SqliteRegistryOptions): SessionRegistry {
  const given = optionsObject(CALLER, options, EXAMPLE);
  rejectUnknown(CALLER, 'option', given, OPTION_NAMES);
  const config = resolveCommonOptions(CALLER, given);
  const table = tableNameOption(CALLER, given.table, 'session_registry');
  const pollInterval = durationOption(CALLER, 'pollInterval', given.pollInterval, {
    fallback: 500,
    max: 1_000,
  }) as number;
  const { db, owned } = databaseOf(given);
  return new Registry('sqlite-registry', config, new SqliteBackend(db, table, pollInterval, owned));
}
