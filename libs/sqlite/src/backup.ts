import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { DB_FILE } from './database';

/**
 * A consistent copy of the embedded database while the product keeps running: `VACUUM INTO` reads
 * one snapshot (the write-ahead log included) in a single read transaction, which never blocks the
 * product's writes and never restarts because of them. Written beside `target` first and renamed
 * once checked, so a failed backup leaves no half file under that name.
 */
export function backupDatabase(dataDir: string, target: string): { bytes: number } {
  const source = path.join(dataDir, DB_FILE);
  if (!fs.existsSync(source)) throw new Error(`no database at ${source}`);
  const partial = `${target}.partial`;
  fs.rmSync(partial, { force: true });
  const db = new Database(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    db.prepare('VACUUM INTO ?').run(partial);
  } finally {
    db.close();
  }
  checkDatabase(partial);
  fs.renameSync(partial, target);
  return { bytes: fs.statSync(target).size };
}

/**
 * Puts a backup in place as the database of `dataDir` (the product must be stopped). The file it
 * replaces is kept beside it as `subtrack.db.replaced-<time>`, never deleted.
 */
export function restoreDatabase(
  backup: string,
  dataDir: string,
  now = new Date(),
): { replaced: string | null } {
  checkDatabase(backup);
  fs.mkdirSync(dataDir, { recursive: true });
  const live = path.join(dataDir, DB_FILE);
  let replaced: string | null = null;
  if (fs.existsSync(live)) {
    replaced = `${live}.replaced-${now.toISOString().replace(/[:.]/g, '-')}`;
    // Checkpointed first, so the file moved aside holds everything and its -wal can go.
    const db = new Database(live, { fileMustExist: true });
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    fs.renameSync(live, replaced);
  }
  for (const side of ['-wal', '-shm']) fs.rmSync(`${live}${side}`, { force: true });
  fs.copyFileSync(backup, `${live}.restoring`);
  fs.renameSync(`${live}.restoring`, live);
  return { replaced };
}

/** Refuses a file that is not an intact database of this product. */
function checkDatabase(file: string): void {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new Error(`${file} is not a database: ${(err as Error).message}`);
  }
  try {
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`${file} is damaged: ${String(check)}`);
    const events = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'").get();
    if (!events) throw new Error(`${file} is not a database of this product (no event log)`);
  } catch (err) {
    if ((err as Error).message.startsWith(file)) throw err;
    throw new Error(`${file} is not a database: ${(err as Error).message}`);
  } finally {
    db.close();
  }
}
