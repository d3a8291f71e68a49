import { spawnSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import type { Database } from 'better-sqlite3';

/** A way to take write access to a SQLite file away and give it back, on the same open connection. */
export interface ReadOnlySwitch {
  readonly method: string;
  apply(): void;
  revert(): void;
}

const chattr = (flag: '+i' | '-i', paths: string[]): boolean => spawnSync('chattr', [flag, ...paths]).status === 0;

function queryOnly(db: Database): ReadOnlySwitch {
  return {
    method: 'PRAGMA query_only',
    apply: () => {
      db.pragma('query_only = ON');
    },
    revert: () => {
      db.pragma('query_only = OFF');
    },
  };
}

/**
 * With a rollback journal, every write transaction creates `<file>-journal` next to the database, so a
 * read-only file and directory make writes fail (SQLITE_CANTOPEN / SQLITE_READONLY) even on an open connection.
 * In WAL mode writes go to the `-wal` file the connection already holds open, which permission bits no longer
 * guard; the immutable attribute does (SQLITE_IOERR_WRITE). Never on `-shm`: SQLite maps it into memory, and an
 * immutable mapping kills the process with SIGBUS. Root ignores permission bits, so as root the immutable
 * attribute is used in both modes; where neither works, `query_only` stands in, failing writes with
 * SQLITE_READONLY.
 */
export function readOnlySwitch(db: Database, file: string, dir: string): ReadOnlySwitch {
  const wal = db.pragma('journal_mode', { simple: true }) === 'wal';
  if (process.getuid?.() !== 0) {
    if (wal) return queryOnly(db);
    return {
      method: 'chmod',
      apply: () => {
        chmodSync(file, 0o444);
        chmodSync(dir, 0o555);
      },
      revert: () => {
        chmodSync(dir, 0o755);
        chmodSync(file, 0o644);
      },
    };
  }
  const paths = wal ? [file, `${file}-wal`, dir] : [file, dir];
  if (chattr('+i', paths) && chattr('-i', paths)) {
    return {
      method: 'chattr +i',
      apply: () => {
        chattr('+i', paths);
      },
      revert: () => {
        chattr('-i', paths);
      },
    };
  }
  return queryOnly(db);
}
