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
      await eventLog.close();
      db.close();
    },
  };
}
