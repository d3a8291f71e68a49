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

/**
 * With a rollback journal, every write transaction creates `<file>-journal` next to the database, so a
 * read-only file and directory make writes fail (SQLITE_CANTOPEN / SQLITE_READONLY) even on an open connection.
 * Root ignores permission bits, so as root the immutable attribute does the same; where `chattr` is not
 * supported, `query_only` stands in, failing writes with the same SQLITE_READONLY code.
 */
export function readOnlySwitch(db: Database, file: string, dir: string): ReadOnlySwitch {
  if (process.getuid?.() !== 0) {
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
  if (chattr('+i', [file, dir]) && chattr('-i', [file, dir])) {
    return {
      method: 'chattr +i',
      apply: () => {
        chattr('+i', [file, dir]);
      },
      revert: () => {
        chattr('-i', [file, dir]);
      },
    };
  }
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
