import type { Db } from './database';
import { openDatabase } from './database';
import { SqliteCatalogStore } from './catalog-store';
import { SqliteEventLog, type EmbeddedLogOptions } from './event-log';
import { SqliteIngestStore } from './ingest-store';
import { SqliteLeadStore } from './lead-store';
import { SqlitePostbackStore } from './postback-store';
import { SqliteStatsStore } from './stats-store';
import { SqliteWelcomeStore } from './welcome-store';

export { openDatabase, DB_FILE } from './database';
export { backupDatabase, restoreDatabase } from './backup';
export type { Db } from './database';
export {
  SqliteEventLog,
  SqliteCatalogStore,
  SqliteIngestStore,
  SqliteLeadStore,
  SqliteStatsStore,
  SqlitePostbackStore,
  SqliteWelcomeStore,
};
export type { EmbeddedLogOptions };

/** How often table statistics are refreshed where the data changed enough (SQLite decides). */
const OPTIMIZE_EVERY_MS = 3_600_000;

/** Every port bound to the one embedded database file under `dataDir`. */
export interface EmbeddedAdapters {
  db: Db;
  eventLog: SqliteEventLog;
  catalog: SqliteCatalogStore;
  ingest: SqliteIngestStore;
  leads: SqliteLeadStore;
  stats: SqliteStatsStore;
  postbacks: SqlitePostbackStore;
  welcomes: SqliteWelcomeStore;
  close(): Promise<void>;
}

export function openEmbedded(
  dataDir: string,
  options: EmbeddedLogOptions & { synchronous?: 'NORMAL' | 'FULL' } = {},
): EmbeddedAdapters {
  const db = openDatabase(dataDir, options);
  const eventLog = new SqliteEventLog(db, options);
  const optimize = setInterval(() => db.pragma('optimize'), OPTIMIZE_EVERY_MS);
  optimize.unref();
  return {
    db,
    eventLog,
    catalog: new SqliteCatalogStore(db),
    ingest: new SqliteIngestStore(db),
    leads: new SqliteLeadStore(db),
    stats: new SqliteStatsStore(db),
    postbacks: new SqlitePostbackStore(db),
    welcomes: new SqliteWelcomeStore(db),
    close: async () => {
      clearInterval(optimize);
      await eventLog.close();
      db.close();
    },
  };
}
