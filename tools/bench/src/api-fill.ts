import { LeadStatus, type JournalAction } from '@subtrack/contracts';
import {
  counterFor,
  emptyLeadCounters,
  emptyOrganicCounters,
  localDay,
  organicCounterFor,
  summarize,
  type LeadCounters,
  type OrganicCounters,
  type Summary,
} from '@subtrack/domain';
import type { Campaign, JournalEntry, LeadTransition, RollupIncrement, StoredLead } from '@subtrack/ports';
import { openEmbedded, type EmbeddedAdapters } from '@subtrack/sqlite';
import { createRng, type Rng } from '@subtrack/telegram-fake';
import { benchCampaign, createBenchAccount } from './product';

const TIMEZONE = 'Europe/Berlin';
const BOT = 7_000_000_001;
const CHATS = [-1_001_000_000_001, -1_001_000_000_002];
/** Three campaigns per chat, alternating join modes. */
const CAMPAIGNS_PER_CHAT = 3;
const LEAD_SUBSCRIBER_BASE = 5_000_000_000;
const ORGANIC_SUBSCRIBER_BASE = 8_000_000_000;
const LEADS_PER_COMMIT = 5000;
const HOUR = 3600;
const DAY = 86_400;

export interface FillOptions {
  leads: number;
  journal: number;
  seed: number;
  /** The data covers [from, to]; the API is then asked about a year around it. */
  from: number;
  to: number;
  log: (line: string) => void;
}

export interface Filled {
  /** API key of the account holding everything. */
  key: string;
  campaigns: Campaign[];
  chats: number[];
  /** What the API must answer for any range holding [from, to]. */
  expected: { leads: number; journal: number; summary: Summary };
  seconds: number;
}

interface Step {
  time: number;
  action: JournalAction | null;
  to: LeadStatus;
  first: boolean;
}

/**
 * One lead's history with the rates of the fake's generateTraffic (80 % go on to join or request,
 * 90 % of requests approved, 10 % of members leave, 5 % are banned) plus rejoins after some leaves,
 * so that not every transition is a first entry. Nothing happens after `end`.
 */
function leadPath(rng: Rng, joinMode: Campaign['joinMode'], start: number, end: number): Step[] {
  const steps: Step[] = [{ time: start, action: null, to: LeadStatus.wait, first: true }];
  let t = start;
  const later = (min: number, max: number): boolean => (t += rng.int(min, max)) <= end;
  if (!rng.chance(0.8)) return steps;
  if (joinMode === 'request') {
    if (!later(30, HOUR)) return steps;
    steps.push({ time: t, action: 'request', to: LeadStatus.hold, first: true });
    if (!rng.chance(0.9) || !later(60, 6 * HOUR)) return steps;
    steps.push({ time: t, action: 'approve', to: LeadStatus.approve, first: true });
  } else {
    if (!later(30, HOUR)) return steps;
    steps.push({ time: t, action: 'join', to: LeadStatus.approve, first: true });
  }
  const roll = rng.next();
  if (roll < 0.1) {
    if (!later(HOUR, 30 * DAY)) return steps;
    steps.push({ time: t, action: 'leave', to: LeadStatus.cancel, first: true });
    if (rng.chance(0.3) && later(HOUR, 7 * DAY))
      steps.push({ time: t, action: 'join', to: LeadStatus.approve, first: false });
  } else if (roll < 0.15 && later(HOUR, 30 * DAY)) {
    steps.push({ time: t, action: 'ban', to: LeadStatus.trash, first: true });
  }
  return steps;
}

const ORGANIC_ACTIONS: readonly [JournalAction, number][] = [
  ['join', 0.65],
  ['leave', 0.95],
  ['ban', 1],
];

function organicAction(rng: Rng): JournalAction {
  const roll = rng.next();
  return ORGANIC_ACTIONS.find(([, upTo]) => roll < upTo)![0];
}

/** localDay through Intl is slow for millions of rows; every real zone offset is a multiple of 15 minutes. */
function dayCache(tz: string): (unix: number) => string {
  const cache = new Map<number, string>();
  return (unix) => {
    const slot = Math.floor(unix / 900);
    let day = cache.get(slot);
    if (day === undefined) cache.set(slot, (day = localDay(slot * 900, tz)));
    return day;
  };
}

/** Account, bot, chats and campaigns, through the catalog store. */
async function createCatalog(stores: EmbeddedAdapters, created: number) {
  const account = await createBenchAccount(stores.catalog, TIMEZONE, created);
  await stores.catalog.saveBot({
    id: BOT,
    account: account.id,
    username: 'bench_bot',
    token: `${BOT}:AAbench`,
    secret: 'bench-webhook-secret',
    created,
    status: 'ok',
  });
  const campaigns: Campaign[] = [];
  for (const [c, chat] of CHATS.entries()) {
    await stores.catalog.applyChat({
      bot: BOT,
      id: chat,
      account: account.id,
      title: `Bench chat ${c + 1}`,
      type: 'supergroup',
      username: '',
      admin: true,
      active: true,
      seq: 0,
    });
    for (let k = 0; k < CAMPAIGNS_PER_CHAT; k++) {
      const n = c * CAMPAIGNS_PER_CHAT + k + 1;
      campaigns.push(
        await stores.catalog.createCampaign(
          benchCampaign({
            account: account.id,
            name: `bench ${n}`,
            code: `BENCH${n}`,
            bot: BOT,
            chat,
            joinMode: k % 2 === 0 ? 'request' : 'direct',
            created,
          }),
        ),
      );
    }
  }
  return { key: account.key, account: account.id, campaigns };
}

/** Everything one commit writes, and the tallies the API's answers are checked against. */
class Writer {
  private seq = 0;
  private order = 0;
  leads: StoredLead[] = [];
  journal: JournalEntry[] = [];
  transitions: LeadTransition[] = [];
  increments: RollupIncrement[] = [];
  readonly counters: LeadCounters = emptyLeadCounters();
  readonly organic: OrganicCounters = emptyOrganicCounters();
  leadCount = 0;
  journalCount = 0;

  constructor(
    private readonly account: number,
    private readonly day: (unix: number) => string,
  ) {}

  /** A lead with its journal rows and transitions; ids are log positions, as the projection makes them. */
  lead(
    campaign: Campaign,
    subscriber: number,
    username: string,
    click: string,
    steps: readonly Step[],
  ): void {
    const id = ++this.seq;
    let status: LeadStatus | null = null;
    let joinTime = 0;
    let reached = 0;
    let seq = id;
    for (const [n, step] of steps.entries()) {
      seq = n === 0 ? id : ++this.seq;
      if (step.action)
        this.journalRow({
          id: seq,
          chat: campaign.chat,
          subscriber,
          username,
          action: step.action,
          paid: 1,
          time: step.time,
        });
      this.transitions.push({
        id: `${seq}:0`,
        lead: id,
        startTime: steps[0]!.time,
        account: this.account,
        campaign: campaign.id,
        chat: campaign.chat,
        from: status,
        to: step.to,
        first: step.first,
        time: step.time,
      });
      if (step.first) {
        this.counters[counterFor(step.to)]++;
        this.increment({ kind: 'lead', campaign: campaign.id, counter: counterFor(step.to) }, step.time);
      }
      if (step.to === LeadStatus.approve && joinTime === 0) joinTime = step.time;
      reached |= 1 << step.to;
      status = step.to;
    }
    const last = steps[steps.length - 1]!;
    this.leads.push({
      id,
      account: this.account,
      campaign: campaign.id,
      chat: campaign.chat,
      bot: BOT,
      subscriber,
      username,
      click,
      inviteLink: `https://t.me/+lead${id}`,
      status: last.to,
      startTime: steps[0]!.time,
      joinTime,
      updated: last.time,
      reached,
      seq,
    });
    this.leadCount++;
  }

  organicRow(chat: number, subscriber: number, username: string, action: JournalAction, time: number): void {
    this.journalRow({ id: ++this.seq, chat, subscriber, username, action, paid: 0, time });
    const counter = organicCounterFor(action);
    if (counter) {
      this.organic[counter]++;
      this.increment({ kind: 'organic', chat, counter }, time);
    }
  }

  private journalRow(row: Omit<JournalEntry, 'account' | 'bot'>): void {
    this.journal.push({ ...row, account: this.account, bot: BOT });
    this.journalCount++;
  }

  private increment(
    what:
      | { kind: 'lead'; campaign: number; counter: keyof LeadCounters }
      | { kind: 'organic'; chat: number; counter: keyof OrganicCounters },
    time: number,
  ): void {
    this.increments.push({
      ...what,
      partition: 0,
      order: ++this.order,
      account: this.account,
      day: this.day(time),
    });
  }

  async flush(stores: EmbeddedAdapters): Promise<void> {
    await stores.leads.commit({
      leads: this.leads,
      journal: this.journal,
      transitions: this.transitions,
      postbacks: [],
      welcomes: [],
    });
    await stores.stats.apply(this.increments);
    this.leads = [];
    this.journal = [];
    this.transitions = [];
    this.increments = [];
  }
}

const leadStart = (i: number, opts: FillOptions): number =>
  opts.from + Math.floor(((i + 0.5) * (opts.to - opts.from)) / opts.leads);

/** Paid journal rows the leads will make: a dry run of the same seeded paths. */
function paidRows(opts: FillOptions, campaigns: readonly Campaign[]): number {
  const rng = createRng(opts.seed);
  let rows = 0;
  for (let i = 0; i < opts.leads; i++) {
    const steps = leadPath(rng, campaigns[i % campaigns.length]!.joinMode, leadStart(i, opts), opts.to);
    rows += steps.length - 1;
  }
  return rows;
}

/**
 * Fills a fresh data dir through the store ports, in big batches: leads with their transitions and
 * paid journal rows, organic journal rows up to the wanted journal size, and the daily rollups of
 * both (StatsStore.apply), spread evenly over [from, to] and written in time order.
 */
export async function fillDataDir(dataDir: string, opts: FillOptions): Promise<Filled> {
  const t0 = performance.now();
  const stores = openEmbedded(dataDir);
  try {
    const catalog = await createCatalog(stores, opts.from - DAY);
    const organicRows = Math.max(0, opts.journal - paidRows(opts, catalog.campaigns));
    const paths = createRng(opts.seed);
    const names = createRng(opts.seed + 1);
    const writer = new Writer(catalog.account, dayCache(TIMEZONE));
    let organicDone = 0;
    let reported = 0;
    for (let i = 0; i < opts.leads; i++) {
      const campaign = catalog.campaigns[i % catalog.campaigns.length]!;
      const start = leadStart(i, opts);
      // Organic rows are interleaved by time with the leads' starts.
      const organicDue = Math.floor(((i + 1) * organicRows) / opts.leads);
      for (; organicDone < organicDue; organicDone++) {
        const k = organicDone;
        const time = opts.from + Math.floor(((k + 0.5) * (opts.to - opts.from)) / organicRows);
        const username = names.chance(0.6) ? `org${k}` : '';
        writer.organicRow(
          CHATS[k % CHATS.length]!,
          ORGANIC_SUBSCRIBER_BASE + k,
          username,
          organicAction(names),
          time,
        );
      }
      const steps = leadPath(paths, campaign.joinMode, start, opts.to);
      const username = names.chance(0.6) ? `user${i}` : '';
      writer.lead(campaign, LEAD_SUBSCRIBER_BASE + i, username, names.string(12), steps);
      if ((i + 1) % LEADS_PER_COMMIT === 0 || i === opts.leads - 1) await writer.flush(stores);
      if (i + 1 >= reported + opts.leads / 10) {
        reported = i + 1;
        opts.log(
          `  filled ${writer.leadCount.toLocaleString('en-US')} leads, ${writer.journalCount.toLocaleString('en-US')} journal rows (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
        );
      }
    }
    return {
      key: catalog.key,
      campaigns: catalog.campaigns,
      chats: CHATS,
      expected: {
        leads: writer.leadCount,
        journal: writer.journalCount,
        summary: summarize(writer.counters, writer.organic),
      },
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    await stores.close();
  }
}
