import { Topics } from '@subtrack/contracts';
import { openDatabase } from '@subtrack/sqlite';
import { removeDir, tempDataDir } from './product';
import type { BenchResult } from './report';
import { CAMPAIGN_MODES, normalizeAll, queueTraffic, unpolledFake, type BenchCampaign } from './traffic';

const ROWS_PER_TRANSACTION = 1000;

interface SampleRow {
  key: string;
  payload: string;
}

/** Event-log rows as ingest writes them: real normalized events of generated traffic, as JSON. */
async function sampleRows(seed: number): Promise<SampleRow[]> {
  const { fake, bot, chat } = await unpolledFake(seed);
  const campaigns: BenchCampaign[] = CAMPAIGN_MODES.map((joinMode, i) => ({
    id: i + 1,
    code: `SAMPLE${i + 1}`,
    chat: chat.id,
    joinMode,
  }));
  await queueTraffic(fake, {
    bot,
    chat,
    campaigns,
    updates: 2000,
    seed,
    start: Math.floor(Date.now() / 1000) - 86_400,
    days: 1,
  });
  return normalizeAll(fake.pendingUpdates(bot), { account: 1, bot: bot.id }, campaigns).map((e) => ({
    key: e.key,
    payload: JSON.stringify(e),
  }));
}

/**
 * The engine's own limit: the event log's insert statement into a fresh database opened by the
 * product's own openDatabase (same schema and indexes, WAL, synchronous=NORMAL, same cache), in
 * transactions of 1000 rows. Payloads are serialized beforehand: this is the database's ceiling,
 * not the product's.
 */
export async function rawEngineLimit(
  rows: number,
  seed: number,
): Promise<BenchResult & { rowsPerSecond: number }> {
  const samples = await sampleRows(seed);
  const dir = tempDataDir('raw');
  const db = openDatabase(dir);
  try {
    const insert = db.prepare('INSERT OR IGNORE INTO events (topic, id, key, payload) VALUES (?, ?, ?, ?)');
    const batch = db.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const s = samples[i % samples.length]!;
        insert.run(Topics.telegram, `7000000001:${i}`, s.key, s.payload);
      }
    });
    const t0 = performance.now();
    for (let i = 0; i < rows; i += ROWS_PER_TRANSACTION) batch(i, Math.min(rows, i + ROWS_PER_TRANSACTION));
    const seconds = (performance.now() - t0) / 1000;
    const stored = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM events').get()?.n;
    const avgBytes = samples.reduce((sum, s) => sum + s.payload.length, 0) / samples.length;
    const rowsPerSecond = rows / seconds;
    return {
      rowsPerSecond,
      figures: [
        {
          id: 'raw.insert',
          label: 'raw engine: batched event-log inserts (rows/s)',
          value: rowsPerSecond,
          unit: '/s',
          detail: `${rows.toLocaleString('en-US')} rows of ~${Math.round(avgBytes)} B, ${ROWS_PER_TRANSACTION} per transaction, in ${seconds.toFixed(1)} s`,
        },
      ],
      checks: [{ what: 'raw engine: every row stored', expected: rows, actual: stored, ok: stored === rows }],
      notes: [],
    };
  } finally {
    db.close();
    removeDir(dir);
  }
}
