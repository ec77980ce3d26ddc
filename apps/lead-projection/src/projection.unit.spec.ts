import { LeadStatus, type TelegramEvent } from '@subtrack/contracts';
import type { Account, Campaign, StoredLead } from '@subtrack/ports';
import {
  atPositions,
  botAddedToChat,
  chatInfo,
  memberJoined,
  memberLeft,
  newAccount,
  newCampaign,
  sample,
  storedLead,
  subscriber,
  subscriberStarted,
} from '@subtrack/testing';
import { campaignsOf, project, subscribersOf, type PostbackSettings, type Projection } from './projection';

const LINK = 'https://t.me/+Lead1';
const account: Account = { ...newAccount(), id: sample.account };
const campaign: Campaign = {
  ...newCampaign({ code: 'SPRING', joinMode: 'direct', welcome: 'Hi! {link}' }),
  id: sample.campaign,
};

/**
 * Given the stored leads a batch touches (and the campaign's settings), when a batch of events
 * arrives at log positions from 100, then the projection returns what to write. No database.
 */
function given(
  leads: StoredLead[] = [],
  settings: PostbackSettings = new Map([[campaign.id, { campaign, account }]]),
) {
  return {
    when(events: TelegramEvent[], opts: { copies?: Set<number> } = {}): Projection {
      const batch = atPositions(events);
      // The shell reads the leads of exactly these subscribers: the projection needs no others.
      const named = events.flatMap((e) => ('subscriber' in e.data ? [subscriberId(e.data.subscriber)] : []));
      expect(subscribersOf(batch).sort()).toEqual([...new Set(named)].sort());
      return project({ leads, batch, settings, ...opts });
    },
  };
}
const subscriberId = (s: unknown): number => (typeof s === 'number' ? s : (s as { id: number }).id);

const start = () => subscriberStarted({ data: { inviteLink: LINK, click: 'click-1' } });
const join = (inviteLink = LINK) => memberJoined({ data: { inviteLink } });

describe('project: a batch of Telegram events to what the lead projection writes', () => {
  it('/start: a lead in wait, its first transition, a status event for the stats and the welcome with its link', () => {
    const work = given().when([start()]);

    expect(work.leads).toEqual([
      expect.objectContaining({
        id: 100,
        seq: 100,
        status: LeadStatus.wait,
        click: 'click-1',
        inviteLink: LINK,
      }),
    ]);
    expect(work.transitions).toEqual([
      expect.objectContaining({ id: '100:0', lead: 100, from: null, to: LeadStatus.wait, first: true }),
    ]);
    expect(work.derived).toEqual([
      expect.objectContaining({
        type: 'LeadStatusChanged',
        source: { partition: 0, order: 100 * 16 },
        data: expect.objectContaining({ lead: 100, from: null, to: LeadStatus.wait, first: true }) as unknown,
      }),
    ]);
    expect(work.welcomes).toEqual([
      expect.objectContaining({ lead: 100, inviteLink: LINK, text: 'Hi! {link}', joinRequest: false }),
    ]);
    expect(work.journal).toEqual([]);
    expect(work.postbacks).toEqual([]);
  });

  it("a join through the lead's link approves it: a paid journal row and the account's approve postback", () => {
    const work = given([storedLead({ id: 90, inviteLink: LINK, click: 'click-1' })]).when([join()]);

    expect(work.leads).toEqual([expect.objectContaining({ id: 90, seq: 100, status: LeadStatus.approve })]);
    expect(work.journal).toEqual([
      expect.objectContaining({ id: 100, action: 'join', paid: 1, subscriber: sample.subscriber }),
    ]);
    expect(work.postbacks).toEqual([
      expect.objectContaining({
        lead: 90,
        status: 'approve',
        url: 'https://tracker.example/pb?click=click-1&status=approve',
      }),
    ]);
    expect(work.derived.map((e) => e.type).sort()).toEqual(['JournalRecorded', 'LeadStatusChanged']);
    // Ids and positions come from the source event, so a redelivery derives the same ones.
    expect(work.derived.map((e) => e.source?.order).sort()).toEqual([1600, 1601]);
  });

  it('an organic join writes an unpaid journal row and moves no lead', () => {
    const work = given().when([memberJoined({ data: { subscriber: subscriber(42), inviteLink: '' } })]);

    expect(work.journal).toEqual([expect.objectContaining({ subscriber: 42, action: 'join', paid: 0 })]);
    expect(work.leads).toEqual([]);
    expect(work.transitions).toEqual([]);
    expect(work.derived).toEqual([expect.objectContaining({ type: 'JournalRecorded' })]);
  });

  it('applied again to the leads it produced, the same batch moves nothing and keys its rows the same', () => {
    const events = [start(), join(), memberLeft()];
    const first = given().when(events);
    const again = given(first.leads).when(events);

    expect(first.leads).toEqual([expect.objectContaining({ status: LeadStatus.cancel })]);
    expect(again.leads).toEqual([]);
    expect(again.transitions).toEqual([]);
    expect(again.postbacks).toEqual([]);
    expect(again.welcomes).toEqual([]);
    expect(again.journal.map((j) => j.id)).toEqual(first.journal.map((j) => j.id));
    const ids = (w: Projection) => w.derived.filter((e) => e.type === 'JournalRecorded').map((e) => e.id);
    expect(ids(again)).toEqual(ids(first));
  });

  it('skips copies of events applied before at another position', () => {
    const work = given().when([start(), join()], { copies: new Set([100]) });
    expect(work.leads).toEqual([]);
    expect(work.journal).toEqual([expect.objectContaining({ id: 101, paid: 0 })]);
  });

  it("a bot added to a chat becomes that bot's chat membership for the catalog", () => {
    const work = given().when([botAddedToChat({ data: { chat: chatInfo({ title: 'VIP' }), admin: true } })]);
    expect(work.chats).toEqual([
      expect.objectContaining({
        bot: sample.bot,
        id: sample.chat,
        title: 'VIP',
        admin: true,
        active: true,
        seq: 100,
      }),
    ]);
  });

  it("ignores a recheck's finding about a lead that has moved since it was asked", () => {
    const lead = storedLead({ id: 90, status: LeadStatus.approve, seq: 95 });
    const stale = memberLeft({ data: { foundBy: 'recheck', asOf: { lead: 90, seq: 91 } } });
    const work = given([lead]).when([stale]);
    expect(work).toMatchObject({ leads: [], journal: [], derived: [] });
  });

  it('changes none of its inputs', () => {
    const leads = [Object.freeze(storedLead({ id: 90, inviteLink: LINK }))];
    Object.freeze(leads);
    const events = [join(), memberLeft(), start()].map((e) => Object.freeze(e));
    expect(() => given(leads).when(events)).not.toThrow();
    expect(leads[0]).toMatchObject({ id: 90, status: LeadStatus.wait, seq: 90 });
  });

  it("names the campaigns whose settings it needs: its leads' and its starts'", () => {
    const batch = atPositions([subscriberStarted({ data: { campaign: 7 } })]);
    expect(campaignsOf(batch, [storedLead({ id: 1, campaign: 3 })]).sort()).toEqual([3, 7]);
  });
});
