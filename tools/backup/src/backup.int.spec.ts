import { loadConfig } from '@subtrack/config';
import { LeadStatus } from '@subtrack/contracts';
import { startEmbedded, type EmbeddedApp } from '@subtrack/embedded';
import { backupDatabase, openEmbedded, restoreDatabase } from '@subtrack/sqlite';
import { journalEntry, storedLead, unitOfWork } from '@subtrack/testing';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ADMIN = 'backup-test-admin-token';
const T = 1_736_935_200;

const start = (dataDir: string): Promise<EmbeddedApp> =>
  startEmbedded({
    config: loadConfig({
      PORT: '0',
      DATA_DIR: dataDir,
      ADMIN_TOKEN: ADMIN,
      TELEGRAM_API_ROOT: 'http://127.0.0.1:9',
    }),
    logger: false,
  });

async function get(app: EmbeddedApp, key: string, route: string): Promise<unknown> {
  const res = await fetch(`${app.url}${route}`, { headers: { authorization: `Bearer ${key}` } });
  expect(res.status).toBe(200);
  return res.json();
}

/** What a user of the account sees: leads, journal and statistics. */
async function answers(app: EmbeddedApp, key: string) {
  return {
    leads: await get(app, key, '/api/leads/list.json?limit=100'),
    journal: await get(app, key, '/api/journal/list.json?limit=100'),
    summary: await get(app, key, `/api/stats/summary.json?from=${T - 86_400}&to=${T + 86_400}`),
  };
}

/** Leads and journal rows of the account, written as the projection writes them. */
function rows(account: number, from: number, n: number) {
  return unitOfWork({
    leads: Array.from({ length: n }, (_, i) =>
      storedLead({
        id: from + i,
        account,
        subscriber: 900 + from + i,
        status: LeadStatus.approve,
        startTime: T + i,
      }),
    ),
    journal: Array.from({ length: n }, (_, i) => journalEntry({ id: from + i, account, time: T + i })),
  });
}

describe('backup and restore of the embedded database', () => {
  let dir: string;
  const apps: EmbeddedApp[] = [];
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'subtrack-backup-'))));
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('copies a running product, write-ahead log included, and a restored copy answers the same', async () => {
    const live = path.join(dir, 'live');
    const app = await start(live);
    apps.push(app);
    const res = await fetch(`${app.url}/api/admin/accounts/add.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-admin-token': ADMIN },
      body: JSON.stringify({ name: 'backed up' }),
    });
    const { id, api_key: key } = ((await res.json()) as { data: { id: number; api_key: string } }).data;
    await app.adapters.leads.commit(rows(id, 1000, 40));
    const atBackup = await answers(app, key);

    const file = path.join(dir, 'copy.db');
    backupDatabase(live, file);
    // Written after the backup: not in it.
    await app.adapters.leads.commit(rows(id, 2000, 5));
    expect(await answers(app, key)).not.toEqual(atBackup);

    // Restored over an existing database, which is kept aside.
    const restored = path.join(dir, 'restored');
    await openEmbedded(restored, { log: () => undefined }).close();
    const { replaced } = restoreDatabase(file, restored);
    expect(replaced && fs.existsSync(replaced)).toBe(true);
    const second = await start(restored);
    apps.push(second);
    expect(await answers(second, key)).toEqual(atBackup);
  });

  it('refuses to restore a file that is not a database of the product', () => {
    const junk = path.join(dir, 'junk.db');
    fs.writeFileSync(junk, 'not a database at all');
    expect(() => restoreDatabase(junk, path.join(dir, 'target'))).toThrow(/is not a database/);
    expect(fs.existsSync(path.join(dir, 'target', 'subtrack.db'))).toBe(false);
    expect(() => backupDatabase(path.join(dir, 'nothing'), junk)).toThrow(/no database at/);
  });
});
