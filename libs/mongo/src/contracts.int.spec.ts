import { randomBytes } from 'node:crypto';
import {
  catalogStoreContract,
  ingestStoreContract,
  journalEntry,
  leadCounters,
  leadIncrement as lead,
  leadStoreContract,
  newPostback,
  postbackStoreContract,
  sample,
  statsStoreContract,
  storedLead,
  unitOfWork,
  useFixture,
  welcomeStoreContract,
} from '@subtrack/testing';
import mongoose, { type Connection } from 'mongoose';
import { ClaimLedger } from './claims';
import { bindModels, dropMongoDatabase, openMongoStores, type MongoStores } from './index';
import type { PostbackDoc } from './models';
import { planOf, shapesOf, type Direction, type IndexSpec, type QueryShape } from './query-plans';

const base = process.env.MONGO_URL;

/** `base` with its database replaced by a fresh one; host list and options are kept. */
function freshDatabaseUrl(url: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?]+)(?:\/[^?]*)?(\?.*)?$/.exec(url);
  if (!match) throw new Error(`MONGO_URL is not a mongodb:// URL: ${url}`);
  return `${match[1]}/subtrack_test_${randomBytes(6).toString('hex')}${match[2] ?? ''}`;
}

if (!base) {
  describe('MongoDB adapters', () => {
    it('need a server', () => {
      throw new Error(
        'MONGO_URL is not set. These contract tests run against a real MongoDB-protocol server: start one ' +
          '(scripts/servers/mongo.sh start) and run e.g. MONGO_URL=mongodb://127.0.0.1:27018/subtrack npx jest libs/mongo',
      );
    });
  });
} else {
  // Each test opens a database of its own and creates its indexes: slower than an in-process store.
  jest.setTimeout(60_000);

  // Every filter and sort the stores send while the suites below run, one entry per shape (values
  // left out), checked at the end against the indexes the stores declare. The tests' own raw
  // connections are left out.
  const raws = new WeakSet<Connection>();
  const shapes = new Map<string, QueryShape>();
  const skeleton = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(skeleton)
      : v !== null &&
          typeof v === 'object' &&
          !(v instanceof Date) &&
          Object.getPrototypeOf(v) === Object.prototype
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, skeleton(x)]))
        : '?';
  mongoose.set(
    'debug',
    function (this: { conn: Connection }, collection: string, op: string, ...args: unknown[]) {
      if (raws.has(this.conn)) return;
      for (const shape of shapesOf(collection, op, args)) {
        const key = JSON.stringify({ ...shape, filter: skeleton(shape.filter) });
        if (!shapes.has(key)) shapes.set(key, shape);
      }
    },
  );

  /** Every store on a fresh database, plus a raw connection to look underneath; all dropped on close. */
  const open = async () => {
    const url = freshDatabaseUrl(base);
    const stores: MongoStores = await openMongoStores(url);
    const raw = await mongoose.createConnection(url).asPromise();
    raws.add(raw);
    return {
      url,
      stores,
      raw,
      close: async () => {
        await raw.close();
        await stores.close();
        await dropMongoDatabase(url);
      },
    };
  };
  const storeOf =
    <K extends 'catalog' | 'ingest' | 'leads' | 'stats'>(key: K) =>
    async () => {
      const { stores, close } = await open();
      return { store: stores[key], close };
    };

  catalogStoreContract('MongoDB', storeOf('catalog'));
  ingestStoreContract('MongoDB', storeOf('ingest'));
  leadStoreContract('MongoDB', storeOf('leads'));
  statsStoreContract('MongoDB', storeOf('stats'));
  postbackStoreContract('MongoDB', async () => {
    const { stores, close } = await open();
    return { leads: stores.leads, postbacks: stores.postbacks, close };
  });
  welcomeStoreContract('MongoDB', async () => {
    const { stores, close } = await open();
    return { leads: stores.leads, welcomes: stores.welcomes, close };
  });

  describe('MongoDB adapters without transactions', () => {
    const fixture = useFixture(open);
    const T = sample.time;

    it('creates every index before it resolves', async () => {
      const names = async (collection: string) =>
        (await fixture().raw.db!.collection(collection).indexes()).map((i) => i.name).sort();
      expect(await names('leads')).toEqual([
        '_id_',
        'account_1_startTime_-1__id_-1',
        'account_1_status_1_startTime_-1__id_-1',
        'bot_1_status_1_checked_1__id_1',
        'campaign_1_startTime_-1__id_-1',
        'campaign_1_status_1_joinTime_1',
        'campaign_1_status_1_startTime_-1__id_-1',
        'subscriber_1',
      ]);
      expect(await names('journal')).toEqual([
        '_id_',
        'account_1_bot_1_chat_1_time_-1__id_-1',
        'account_1_chat_1_time_-1__id_-1',
        'account_1_time_-1__id_-1',
      ]);
      expect(await names('lead_transitions')).toEqual(['_id_', 'account_1_time_1', 'campaign_1_time_1']);
      expect(await names('postbacks')).toEqual([
        '_id_',
        'account_1_campaign_1_created_-1__id_-1',
        'account_1_created_-1__id_-1',
        'account_1_state_1_created_-1__id_-1',
        'account_1_status_1_created_-1__id_-1',
        'lead_1_created_-1__id_-1',
        'state_1_nextAt_1__id_1',
      ]);
      const code = (await fixture().raw.db!.collection('campaigns').indexes()).find(
        (i) => i.name === 'code_1',
      );
      expect(code?.unique).toBe(true);
    });

    it('runs on a server whose single-document updates are atomic, as the guarded writes need', async () => {
      // The count marks and lead seqs are compare-and-set by filter. A server that reads, changes
      // and rewrites a document with nothing in between (stock FerretDB 1.x) lets two writers both
      // win and the later undo the earlier; this names that cause before a count drifts.
      const docs = fixture().raw.db!.collection<{ _id: string; n: number; mark: number }>('atomicity');
      await docs.insertOne({ _id: 'x', n: 0, mark: 0 });
      await Promise.all(Array.from({ length: 100 }, () => docs.updateOne({ _id: 'x' }, { $inc: { n: 1 } })));
      let wins = 0;
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          for (let i = 0; i < 15; i++) {
            const { mark } = (await docs.findOne({ _id: 'x' }))!;
            const step = await docs.updateOne({ _id: 'x', mark }, { $set: { mark: mark + 1 } });
            wins += step.modifiedCount;
          }
        }),
      );
      const after = await docs.findOne({ _id: 'x' });
      expect({ n: after?.n, mark: after?.mark }).toEqual({ n: 100, mark: wins });
    });

    it('writes every lead of a batch, whatever the stale ones before them', async () => {
      const { leads } = fixture().stores;
      const newer = storedLead({ id: 1, subscriber: 701, seq: 50 });
      const older = storedLead({ id: 2, subscriber: 702, seq: 10 });
      await leads.commit({
        leads: [newer, older],
        journal: [],
        transitions: [],
        postbacks: [],
        welcomes: [],
      });

      const advanced = { ...older, username: 'renamed', seq: 20 };
      const created = storedLead({ id: 3, subscriber: 703, seq: 30 });
      await leads.commit({
        leads: [{ ...newer, click: 'stale', seq: 40 }, advanced, created],
        journal: [],
        transitions: [],
        postbacks: [],
        welcomes: [],
      });
      const stored = await leads.leadsOf([701, 702, 703]);
      expect(stored.sort((a, b) => a.id - b.id)).toEqual([newer, advanced, created]);
    });

    it('still throws write errors other than an existing key', async () => {
      const { leads } = fixture().stores;
      const entry = journalEntry({ id: 10, time: T });
      await leads.commit({
        leads: [],
        journal: [entry],
        transitions: [],
        postbacks: [],
        welcomes: [],
      });
      // An array `_id` (refused with code 53 by MongoDB and FerretDB alike) stands in for any failure
      // that is not a duplicate key, in the same batch as one that is.
      const broken = journalEntry({ id: [11] as unknown as number, time: T });
      await expect(
        leads.commit({
          leads: [],
          journal: [entry, broken],
          transitions: [],
          postbacks: [],
          welcomes: [],
        }),
      ).rejects.toThrow();
    });

    it('counts per rollup document: a redelivery overlapping several documents counts each order once', async () => {
      const { stats } = fixture().stores;
      // One partition, orders 1…5 alternating between two campaigns' documents.
      const inc = (order: number) => lead({ order, campaign: order % 2 ? 1 : 2, counter: 'starts' });
      await stats.apply([1, 2, 3].map(inc));
      await stats.apply([2, 3, 4, 5].map(inc));
      await stats.apply([1, 2, 3, 4, 5].map(inc));
      const range = { account: sample.account, fromDay: '2025-01-15', toDay: '2025-01-15' };
      expect(await stats.leadRollups({ ...range, campaign: 1 })).toEqual(
        new Map([['2025-01-15', leadCounters({ starts: 3 })]]),
      );
      expect(await stats.leadRollups({ ...range, campaign: 2 })).toEqual(
        new Map([['2025-01-15', leadCounters({ starts: 2 })]]),
      );
    });

    it('reports nothing for a rollup document created but not yet counted into', async () => {
      const { stats } = fixture().stores;
      // What a crash between creating the documents and counting into them leaves behind.
      await fixture()
        .raw.db!.collection<{ _id: string; [field: string]: unknown }>('rollup_leads')
        .insertOne({
          _id: 'L:1:7:2025-01-15',
          account: sample.account,
          campaign: 7,
          day: '2025-01-15',
          ...leadCounters(),
          cp: {},
        });
      const range = { account: sample.account, fromDay: '2025-01-14', toDay: '2025-01-16' };
      expect(await stats.leadRollups(range)).toEqual(new Map());

      await stats.apply([lead({ order: 1, campaign: 7, counter: 'confirms' })]);
      expect(await stats.leadRollups(range)).toEqual(
        new Map([['2025-01-15', leadCounters({ confirms: 1 })]]),
      );
    });

    it('hands each due postback to one of several workers racing for it', async () => {
      const { url, stores } = fixture();
      // Workers on connections of their own, as separate processes would be.
      const others = await Promise.all([openMongoStores(url), openMongoStores(url), openMongoStores(url)]);
      try {
        const ids = Array.from({ length: 30 }, (_, i) => `race:${i}`);
        await stores.leads.commit({
          leads: [],
          journal: [],
          transitions: [],
          postbacks: ids.map((id) => newPostback({ id })),
          welcomes: [],
        });
        const now = T * 1000;
        const workers = [stores, ...others].map((s) => s.postbacks);
        const rounds = await Promise.all(
          workers.flatMap((w) => [w.claimDue(now, 50, 30_000), w.claimDue(now, 50, 30_000)]),
        );
        const claimed = rounds.flat().map((d) => d.id);
        expect(claimed.length).toBe(new Set(claimed).size);
        // Whatever the race left unclaimed is claimed by the next round, still once.
        const rest = (await stores.postbacks.claimDue(now, 50, 30_000)).map((d) => d.id);
        expect([...claimed, ...rest].sort()).toEqual([...ids].sort());
      } finally {
        await Promise.all(others.map((s) => s.close()));
      }
    });

    it('does not hold a delivery back after a worker lost its claim to an attempt recorded meanwhile', async () => {
      const { stores, raw } = fixture();
      await stores.leads.commit(unitOfWork({ postbacks: [newPostback({ id: 'stale:1' })] }));
      const now = T * 1000;
      // Worker B read the delivery as due; before it claims, worker A delivers an attempt that failed.
      const stale = (await raw.db!.collection<PostbackDoc>('postbacks').findOne({ _id: 'stale:1' }))!;
      expect(await stores.postbacks.claimDue(now, 10, 30_000)).toHaveLength(1);
      await stores.postbacks.recordAttempt(
        'stale:1',
        { at: now, status: 500, error: 'HTTP 500', durationMs: 5 },
        { state: 'pending', nextAt: now + 2000 },
      );
      const models = bindModels(raw);
      const b = new ClaimLedger<PostbackDoc>(models.postbacks, models.postbackClaims);
      expect(await b.claimOne(stale, now, 30_000)).toBeNull();
      // The retry is claimable when due, not only once B's lost lease would have run out.
      expect((await stores.postbacks.claimDue(now + 2000, 10, 30_000)).map((d) => d.id)).toEqual(['stale:1']);
    });
  });

  describe('queries the stores make', () => {
    it('are each served by an index the stores create, as MongoDB plans an index scan', () => {
      const models = bindModels(mongoose.createConnection());
      const indexes = new Map<string, IndexSpec[]>();
      for (const model of Object.values(models)) {
        const specs: IndexSpec[] = [{ keys: [['_id', 1]], unique: true }];
        for (const [fields, options] of model.schema.indexes())
          specs.push({
            keys: Object.entries(fields) as [string, Direction][],
            unique: Boolean((options as { unique?: boolean }).unique),
          });
        indexes.set(model.collection.collectionName, specs);
      }
      const scans: string[] = [];
      for (const shape of shapes.values()) {
        const plan = planOf(shape, indexes.get(shape.collection) ?? []);
        if ('scan' in plan)
          scans.push(
            `${shape.collection}.${shape.op} ${JSON.stringify(shape.filter)} sort ${JSON.stringify(shape.sort ?? {})}: ${plan.scan}`,
          );
      }
      // The suites above ran the stores' reads and guarded writes: there are many shapes to check.
      expect(shapes.size).toBeGreaterThan(30);
      expect(scans).toEqual([]);
    });
  });
}
