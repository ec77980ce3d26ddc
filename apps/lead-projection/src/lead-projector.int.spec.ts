import { EVENT_VERSION, Topics, type DomainEvent, type TelegramEvent } from '@subtrack/contracts';
import type { LoggedEvent } from '@subtrack/ports';
import { openEmbedded, type EmbeddedAdapters } from '@subtrack/sqlite';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { newCampaign } from '@subtrack/testing';
import { LeadProjector } from './lead-projector';

const CHAT = -1001;
let seq = 0;
const base = (type: TelegramEvent['type'], subscriber: number, time: number) => ({
  id: `7:${++seq}`,
  version: EVENT_VERSION,
  key: String(subscriber),
  account: 1,
  bot: 7,
  updateId: seq,
  time,
  type,
});
const who = (id: number) => ({ id, username: `u${id}` });
const started = (
  s: number,
  campaign: number,
  t: number,
  inviteLink = `link-${campaign}-${s}`,
  click = 'c',
): TelegramEvent =>
  ({
    ...base('SubscriberStarted', s, t),
    data: { campaign, chat: CHAT, subscriber: who(s), click, inviteLink },
  }) as TelegramEvent;
const joined = (s: number, t: number, inviteLink = ''): TelegramEvent =>
  ({ ...base('MemberJoined', s, t), data: { chat: CHAT, subscriber: who(s), inviteLink } }) as TelegramEvent;
const left = (s: number, t: number): TelegramEvent =>
  ({ ...base('MemberLeft', s, t), data: { chat: CHAT, subscriber: who(s) } }) as TelegramEvent;

const foundLeft = (s: number, t: number, asOf: { lead: number; seq: number }): TelegramEvent =>
  ({
    ...base('MemberLeft', s, t),
    data: { chat: CHAT, subscriber: who(s), foundBy: 'recheck', asOf },
  }) as TelegramEvent;

describe('LeadProjector', () => {
  let adapters: EmbeddedAdapters;
  let projector: LeadProjector;
  let logged: LoggedEvent[];

  beforeEach(() => {
    position = 99;
    adapters = openEmbedded(fs.mkdtempSync(path.join(os.tmpdir(), 'projector-')));
    projector = new LeadProjector(adapters.leads, adapters.catalog, adapters.eventLog);
  });
  afterEach(() => adapters.close());

  let position = 99;
  const log = (events: TelegramEvent[]): LoggedEvent[] =>
    events.map((event) => ({ partition: 0, seq: ++position, event }));
  const snapshot = async () => ({
    leads: (await adapters.leads.listLeads({ account: 1, limit: 200, offset: 0 })).rows,
    journal: (await adapters.leads.listJournal({ account: 1, limit: 200, offset: 0 })).rows,
    firsts: await adapters.leads.countFirstEntries({ account: 1, from: 0, to: 10_000 }),
    derived: derivedEvents().map((e) => e.id),
  });
  const derivedEvents = () =>
    (
      adapters.db.prepare('SELECT payload FROM events WHERE topic = ? ORDER BY seq').all(Topics.leads) as {
        payload: string;
      }[]
    ).map((r) => JSON.parse(r.payload) as DomainEvent);

  it('changes nothing when a batch is applied twice', async () => {
    logged = log([started(1, 10, 1000), joined(1, 1010), left(1, 1020), joined(2, 1030)]);
    await projector.handle(logged);
    const once = await snapshot();
    await projector.handle(logged);
    expect(await snapshot()).toEqual(once);
    expect(once.leads).toHaveLength(1);
    expect(once.leads[0]).toMatchObject({ id: 100, status: 3, joinTime: 1010, updated: 1020 });
    expect(once.firsts).toEqual({ starts: 1, holds: 0, confirms: 1, cancels: 1, trashes: 0 });
  });

  it('ends in the same state when a redelivery overlaps what was applied', async () => {
    logged = log([
      started(1, 10, 1000),
      joined(1, 1010),
      left(1, 1020),
      joined(1, 1030),
      started(2, 10, 1040),
    ]);
    await projector.handle(logged.slice(0, 3));
    await projector.handle(logged.slice(1));
    const overlapped = await snapshot();

    await adapters.close();
    adapters = openEmbedded(fs.mkdtempSync(path.join(os.tmpdir(), 'projector-')));
    projector = new LeadProjector(adapters.leads, adapters.catalog, adapters.eventLog);
    await projector.handle(logged);
    expect(await snapshot()).toEqual(overlapped);
  });

  it('on a log that keeps repeated ids, skips a copy at a new position and redoes a redelivered one', async () => {
    // As on Kafka: a Telegram update appended twice is handed over twice, at two positions.
    const keeping = Object.create(adapters.eventLog, {
      dropsRepeatedIds: { value: false },
    }) as typeof adapters.eventLog;
    projector = new LeadProjector(adapters.leads, adapters.catalog, keeping);
    const [start, join] = log([started(1, 10, 1000), joined(1, 1010)]);
    await projector.handle([start!, join!]);
    const once = await snapshot();
    expect(once.journal).toHaveLength(1);

    await projector.handle([{ ...join!, seq: ++position }]);
    expect(await snapshot()).toEqual(once);
    await projector.handle([start!, join!]);
    expect(await snapshot()).toEqual(once);

    // Claimed, then the process died before its work was committed: the redelivery applies it.
    const [late] = log([joined(2, 1020)]);
    await adapters.leads.claim([{ id: late!.event.id, seq: late!.seq }]);
    await projector.handle([late!]);
    expect((await snapshot()).journal).toHaveLength(2);
  });

  it('publishes each change once, with its source position, in order', async () => {
    logged = log([started(1, 10, 1000), joined(1, 1010)]);
    await projector.handle(logged);
    await projector.handle(logged);
    const derived = derivedEvents();
    expect(derived.map((e) => [e.type, e.source?.order])).toEqual([
      ['LeadStatusChanged', 100 * 16],
      ['JournalRecorded', 101 * 16],
      ['LeadStatusChanged', 101 * 16 + 1],
    ]);
    expect(derived[2]).toMatchObject({ data: { lead: 100, from: 0, to: 2, first: true, joinTime: 1010 } });
  });

  it('applies a leave the recheck found, unless an update moved the lead after it was asked', async () => {
    // Asked at the join (seq 101); the leave and the rejoin arrived before the finding did.
    await projector.handle(log([started(1, 10, 1000), joined(1, 1010), left(1, 1020), joined(1, 1030)]));
    const before = await snapshot();
    await projector.handle(log([foundLeft(1, 5000, { lead: 100, seq: 101 })]));
    expect(await snapshot()).toEqual(before);
    expect(before.leads[0]).toMatchObject({ status: 2, seq: 103 });

    // Asked at the rejoin, and nothing has moved it since: the leave stands.
    await projector.handle(log([foundLeft(1, 5010, { lead: 100, seq: 103 })]));
    const after = await snapshot();
    expect(after.leads[0]).toMatchObject({ status: 3, updated: 5010 });
    expect(after.journal.map((j) => [j.action, j.time])).toEqual([
      ['leave', 5010],
      ['join', 1030],
      ['leave', 1020],
      ['join', 1010],
    ]);
  });

  it('writes one journal row for a departure the recheck found before Telegram delivered it', async () => {
    await projector.handle(log([started(1, 10, 1000), joined(1, 1010)]));
    await projector.handle(log([foundLeft(1, 5000, { lead: 100, seq: 101 })]));
    expect((await adapters.leads.leadsOf([1]))[0]).toMatchObject({ status: 3, found: 5000 });

    // Telegram's own update of that leave arrives late, with the time it happened; another bot in
    // the chat reporting it keeps its own row.
    await projector.handle(log([left(1, 1020), { ...left(1, 1020), bot: 8 }]));
    // A rejoin and a leave after the finding are new departures.
    await projector.handle(log([joined(1, 6000), left(1, 6010)]));

    const { journal, leads, derived } = await snapshot();
    expect(journal.map((j) => [j.action, j.time, j.bot])).toEqual([
      ['leave', 6010, 7],
      ['join', 6000, 7],
      ['leave', 5000, 7],
      ['leave', 1020, 8],
      ['join', 1010, 7],
    ]);
    expect(derivedEvents().filter((e) => e.type === 'JournalRecorded')).toHaveLength(5);
    expect(derived.length).toBeGreaterThan(5);
    expect(leads[0]).toMatchObject({ status: 3, updated: 6010 });
    expect(leads[0]!.found).toBeUndefined();
  });

  it('marks a join as organic when the subscriber had not started the bot yet', async () => {
    await projector.handle(log([joined(1, 1000), started(1, 10, 1010), left(1, 1020)]));
    const { journal } = await snapshot();
    expect(journal.map((j) => [j.action, j.paid])).toEqual([
      ['leave', 1],
      ['join', 0],
    ]);
  });

  it('credits the lead whose invite link was used, else the newest lead on the chat', async () => {
    await projector.handle(
      log([started(1, 10, 1000, 'link-A'), started(1, 11, 1010, 'link-B'), joined(1, 1020, 'link-A')]),
    );
    let { leads } = await snapshot();
    expect(leads.map((l) => [l.campaign, l.status])).toEqual([
      [11, 0],
      [10, 2],
    ]);
    await projector.handle(log([left(1, 1030), joined(1, 1040)]));
    ({ leads } = await snapshot());
    // The leave belongs to campaign 10's lead (the one in the chat), not to the newer waiting one;
    // the plain rejoin then goes to the newest lead it moves.
    expect(leads.map((l) => [l.campaign, l.status])).toEqual([
      [11, 2],
      [10, 3],
    ]);
  });

  it('queues one welcome per /start, and matches a join through a link made after the start', async () => {
    const campaign = await adapters.catalog.createCampaign(newCampaign({ welcome: 'Hi there' }));
    const other = await adapters.catalog.createCampaign(newCampaign({ joinMode: 'direct', welcome: '' }));
    const linked = (s: number, c: number, link: string): TelegramEvent =>
      ({
        ...base('InviteLinkCreated', s, 1000),
        data: { campaign: c, chat: CHAT, subscriber: s, inviteLink: link },
      }) as TelegramEvent;
    const first = log([started(1, campaign.id, 1000, ''), started(2, other.id, 1001, 'link-known')]);
    await projector.handle(first);
    await projector.handle(first);
    const owed = await adapters.welcomes.claimDue(Date.now(), 10, 1000);
    expect(owed.sort((a, b) => a.lead - b.lead)).toEqual([
      expect.objectContaining({
        id: first[0]!.event.id,
        lead: 100,
        inviteLink: '',
        joinRequest: true,
        text: 'Hi there',
      }),
      expect.objectContaining({
        id: first[1]!.event.id,
        lead: 101,
        inviteLink: 'link-known',
        joinRequest: false,
        text: 'Welcome! Tap the button below to join.',
      }),
    ]);

    // The link arrives through the log; a second link for the same lead never replaces the first.
    await projector.handle(log([linked(1, campaign.id, 'link-made'), linked(1, campaign.id, 'link-other')]));
    await projector.handle(log([started(3, campaign.id, 1002, ''), joined(1, 1010, 'link-made')]));
    const { leads } = await snapshot();
    expect(leads.find((l) => l.subscriber === 1)).toMatchObject({ inviteLink: 'link-made', status: 2 });
    // A second /start of the same lead earns a welcome of its own, carrying the lead's link.
    await projector.handle(log([started(1, campaign.id, 1020, '', 'c2')]));
    const again = await adapters.welcomes.claimDue(Date.now(), 10, 1000);
    expect(again.map((w) => [w.subscriber, w.lead, w.inviteLink]).sort()).toEqual([
      [1, 100, 'link-made'],
      [3, 104, ''],
    ]);
  });
});
