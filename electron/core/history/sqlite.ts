import fs from 'node:fs';
import path from 'node:path';
import type { Database as SqliteDatabase, Statement as SqliteStatement } from 'node-sqlite3-wasm';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../secure-fs';

export type Database = SqliteDatabase;
export type Statement = SqliteStatement;

type SqliteModule = typeof import('node-sqlite3-wasm');

let loaded: SqliteModule | undefined;

/**
 * node-sqlite3-wasm is SQLite compiled to WebAssembly with a VFS over Node's fs: the same file
 * runs under plain Node and inside Electron with nothing to rebuild. It is CommonJS whose exports
 * are assigned at run time, so it is imported whole and its members read from the default.
 */
async function sqlite(): Promise<SqliteModule> {
  if (!loaded) {
    const mod = (await import('node-sqlite3-wasm')) as SqliteModule & { default?: SqliteModule };
    loaded = mod.default ?? mod;
  }
  return loaded;
}

/** The files SQLite keeps for one database (its rollback journal persists between transactions). */
export function databaseFiles(file: string): string[] {
  return [file, `${file}-journal`];
}

/**
 * Opens (creating if needed) a database file in a private folder. The VFS locks with a
 * `<file>.lock` directory; one left behind by a killed process would block the index forever, and
 * only the core holding the single-instance lock ever opens this file, so a leftover is removed.
 */
export async function openDatabase(file: string): Promise<Database> {
  const { Database } = await sqlite();
  ensurePrivateDir(path.dirname(file));
  fs.rmSync(`${file}.lock`, { recursive: true, force: true });
  const db = new Database(file);
  try {
    // No WAL in this VFS (no shared memory); a persistent rollback journal keeps each batch atomic
    // across a crash, and synchronous=NORMAL keeps the file consistent across power loss. Whatever
    // is lost is re-read from the log: the JSONL segments stay the source of truth.
    db.exec('PRAGMA journal_mode = PERSIST; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -16000; PRAGMA temp_store = MEMORY; PRAGMA foreign_keys = OFF;');
  } catch (error) {
    db.close();
    throw error;
  }
  restrictFiles(file);
  return db;
}

/** SQLite creates files with its own default mode; the history is as private as the log. */
export function restrictFiles(file: string): void {
  if (process.platform === 'win32') return;
  for (const f of databaseFiles(file)) {
    try {
      if ((fs.statSync(f).mode & 0o777) !== PRIVATE_FILE_MODE) fs.chmodSync(f, PRIVATE_FILE_MODE);
    } catch {
      /* not created yet */
    }
  }
}

export function removeDatabase(file: string): void {
  for (const f of databaseFiles(file)) fs.rmSync(f, { force: true });
  fs.rmSync(`${file}.lock`, { recursive: true, force: true });
}
