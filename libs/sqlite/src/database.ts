import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { COUNTED, addMissingSizes, backfillCounts, countsSchema } from './bucket-counts';
import { addAccountDays } from './stats-store';

export type Db = Database.Database;

export const DB_FILE = 'subtrack.db';

// Schema of the single embedded database file. Additive changes only: each statement is idempotent.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  topic TEXT NOT NULL,
  id TEXT NOT NULL,
  key TEXT NOT NULL,
  payload TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS events_topic_id ON events(topic, id);
CREATE INDEX IF NOT EXISTS events_topic_seq ON events(topic, seq);
CREATE TABLE IF NOT EXISTS consumer_offsets (
  grp TEXT NOT NULL, topic TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (grp, topic)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS event_dead_letters (
  topic TEXT NOT NULL, grp TEXT NOT NULL, seq INTEGER NOT NULL, payload TEXT NOT NULL, error TEXT NOT NULL,
  PRIMARY KEY (topic, grp, seq)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS accounts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL, timezone TEXT NOT NULL, key_hash TEXT NOT NULL, postbacks TEXT NOT NULL, created INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS bots (
  id INTEGER PRIMARY KEY, account INTEGER NOT NULL, username TEXT NOT NULL, token TEXT NOT NULL,
  secret TEXT NOT NULL, created INTEGER NOT NULL, status TEXT NOT NULL DEFAULT 'ok'
);
CREATE INDEX IF NOT EXISTS bots_account ON bots(account);
CREATE TABLE IF NOT EXISTS chats (
  bot INTEGER NOT NULL, id INTEGER NOT NULL, account INTEGER NOT NULL, title TEXT NOT NULL, type TEXT NOT NULL,
  username TEXT NOT NULL, admin INTEGER NOT NULL, active INTEGER NOT NULL, seq INTEGER NOT NULL,
  PRIMARY KEY (bot, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS campaigns (
  id INTEGER PRIMARY KEY AUTOINCREMENT, account INTEGER NOT NULL, name TEXT NOT NULL, code TEXT NOT NULL UNIQUE,
  bot INTEGER NOT NULL, chat INTEGER NOT NULL, join_mode TEXT NOT NULL, welcome TEXT NOT NULL, postbacks TEXT,
  method TEXT NOT NULL, body TEXT NOT NULL, unsub_window INTEGER NOT NULL, is_default INTEGER NOT NULL,
  created INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS campaigns_account ON campaigns(account);
CREATE INDEX IF NOT EXISTS campaigns_bot ON campaigns(bot);

CREATE TABLE IF NOT EXISTS invite_links (
  campaign INTEGER NOT NULL, subscriber INTEGER NOT NULL, link TEXT NOT NULL, PRIMARY KEY (campaign, subscriber)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS dead_letters (
  id INTEGER PRIMARY KEY AUTOINCREMENT, bot INTEGER NOT NULL, update_id INTEGER, payload TEXT NOT NULL,
  error TEXT NOT NULL, time INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS leads (
  id INTEGER PRIMARY KEY, account INTEGER NOT NULL, campaign INTEGER NOT NULL, chat INTEGER NOT NULL,
  bot INTEGER NOT NULL, subscriber INTEGER NOT NULL, username TEXT NOT NULL, click TEXT NOT NULL,
  invite_link TEXT NOT NULL, status INTEGER NOT NULL, start_time INTEGER NOT NULL, join_time INTEGER NOT NULL,
  updated INTEGER NOT NULL, reached INTEGER NOT NULL, seq INTEGER NOT NULL,
  checked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS leads_subscriber ON leads(subscriber);
CREATE INDEX IF NOT EXISTS leads_account_start ON leads(account, start_time DESC, id DESC);
CREATE INDEX IF NOT EXISTS leads_campaign_start ON leads(campaign, start_time DESC, id DESC);
CREATE INDEX IF NOT EXISTS leads_account_status_start ON leads(account, status, start_time DESC, id DESC);
CREATE INDEX IF NOT EXISTS leads_campaign_status_start ON leads(campaign, status, start_time DESC, id DESC);

CREATE TABLE IF NOT EXISTS postbacks (
  id TEXT PRIMARY KEY, account INTEGER NOT NULL, campaign INTEGER NOT NULL, lead INTEGER NOT NULL, status TEXT NOT NULL,
  url TEXT NOT NULL, method TEXT NOT NULL, body TEXT NOT NULL, created INTEGER NOT NULL, state TEXT NOT NULL,
  attempts TEXT NOT NULL, next_at INTEGER NOT NULL, lease_until INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS postbacks_due ON postbacks(state, next_at);
CREATE INDEX IF NOT EXISTS postbacks_account_created ON postbacks(account, created DESC, id DESC);
CREATE INDEX IF NOT EXISTS postbacks_lead ON postbacks(lead, created DESC, id DESC);
CREATE TABLE IF NOT EXISTS applied_events (id TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS lead_transitions (
  id TEXT PRIMARY KEY, lead INTEGER NOT NULL, account INTEGER NOT NULL, campaign INTEGER NOT NULL,
  chat INTEGER NOT NULL, from_status INTEGER, to_status INTEGER NOT NULL, first INTEGER NOT NULL, time INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS transitions_account_time ON lead_transitions(account, time);
CREATE INDEX IF NOT EXISTS transitions_campaign_time ON lead_transitions(campaign, time);

CREATE TABLE IF NOT EXISTS journal (
  id INTEGER PRIMARY KEY, account INTEGER NOT NULL, bot INTEGER NOT NULL, chat INTEGER NOT NULL,
  subscriber INTEGER NOT NULL, username TEXT NOT NULL, action TEXT NOT NULL, paid INTEGER NOT NULL, time INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS journal_account_time ON journal(account, time DESC, id DESC);
CREATE INDEX IF NOT EXISTS journal_chat_time ON journal(account, chat, time DESC, id DESC);
CREATE INDEX IF NOT EXISTS journal_bot_chat_time ON journal(account, bot, chat, time DESC, id DESC);

CREATE TABLE IF NOT EXISTS rollup_leads (
  account INTEGER NOT NULL, campaign INTEGER NOT NULL, day TEXT NOT NULL, starts INTEGER NOT NULL DEFAULT 0,
  holds INTEGER NOT NULL DEFAULT 0, confirms INTEGER NOT NULL DEFAULT 0, cancels INTEGER NOT NULL DEFAULT 0,
  trashes INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (account, campaign, day)
) WITHOUT ROWID;
DROP INDEX IF EXISTS rollup_leads_account_day;
CREATE TABLE IF NOT EXISTS rollup_organic (
  account INTEGER NOT NULL, chat INTEGER NOT NULL, day TEXT NOT NULL, joins INTEGER NOT NULL DEFAULT 0,
  leaves INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (account, chat, day)
) WITHOUT ROWID;
DROP INDEX IF EXISTS rollup_organic_account_day;
CREATE TABLE IF NOT EXISTS welcomes (
  id TEXT PRIMARY KEY, account INTEGER NOT NULL, bot INTEGER NOT NULL, campaign INTEGER NOT NULL,
  chat INTEGER NOT NULL, lead INTEGER NOT NULL, subscriber INTEGER NOT NULL, update_id INTEGER NOT NULL,
  created INTEGER NOT NULL, invite_link TEXT NOT NULL, join_request INTEGER NOT NULL, text TEXT NOT NULL,
  state TEXT NOT NULL, attempts INTEGER NOT NULL, last_error TEXT NOT NULL, next_at INTEGER NOT NULL,
  lease_until INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS welcomes_due ON welcomes(state, next_at);
CREATE INDEX IF NOT EXISTS welcomes_lead ON welcomes(lead, created DESC, id DESC);
CREATE TABLE IF NOT EXISTS signing_secrets (
  account INTEGER NOT NULL, campaign INTEGER NOT NULL, secret TEXT NOT NULL, created INTEGER NOT NULL,
  retires INTEGER NOT NULL, PRIMARY KEY (account, campaign, secret)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS stats_checkpoints (part INTEGER PRIMARY KEY, seq INTEGER NOT NULL);
`;

/**
 * Opens (creating when needed) the embedded database file. WAL with synchronous=NORMAL: a committed
 * transaction survives a crash or kill -9 of the process; only an OS crash or power loss can take
 * the last commits (set SQLITE_SYNC=FULL to cover that too, at a cost in throughput).
 */
export function openDatabase(dataDir: string, options: { synchronous?: 'NORMAL' | 'FULL' } = {}): Db {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, DB_FILE));
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -32000');
  db.pragma('temp_store = MEMORY');
  const missing = Object.values(COUNTED).filter(
    (t) => !db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(t.counts),
  );
  db.exec(SCHEMA);
  // Counts tables came after the rows they count: a file made before them is counted once, here,
  // in the transaction that makes them. So do the account-wide rollups, from the others.
  db.transaction(() => {
    for (const t of missing) {
      db.exec(countsSchema(t));
      backfillCounts(db, t);
    }
    for (const t of Object.values(COUNTED)) addMissingSizes(db, t);
    addAccountDays(db);
  })();
  // Files made before these columns existed get them in place.
  addColumn(db, 'leads', 'checked', 'INTEGER NOT NULL DEFAULT 0');
  addColumn(db, 'leads', 'found', 'INTEGER NOT NULL DEFAULT 0');
  addColumn(db, 'bots', 'status', "TEXT NOT NULL DEFAULT 'ok'");
  addColumn(db, 'applied_events', 'seq', 'INTEGER NOT NULL DEFAULT -1');
  db.exec(`
CREATE INDEX IF NOT EXISTS leads_recheck ON leads(bot, status, checked);
CREATE INDEX IF NOT EXISTS leads_campaign_status_join ON leads(campaign, status, join_time);
`);
  // Without table statistics the planner can pick a campaign's index over its (campaign, status)
  // one and read every row of a month to filter a status: sampled statistics, refreshed as the file
  // grows (see openEmbedded), keep a filtered page on the narrowest index.
  db.pragma('analysis_limit = 1000');
  db.pragma('optimize = 0x10002');
  return db;
}

function addColumn(db: Db, table: string, column: string, declaration: string): void {
  const columns = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
  if (!columns.some((c) => c.name === column))
    db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${declaration}`);
}
