import { LeadStatus } from '@subtrack/contracts';
import {
  applyToLead,
  attributeLead,
  movesLead,
  decide,
  evolve,
  hasReached,
  type Lead,
  type LeadChange,
  type LeadInput,
} from './lead';

const { wait, hold, approve, cancel, trash } = LeadStatus;

// ---- builders -------------------------------------------------------------------------------------

const T0 = 1_779_271_200; // 2026-05-20 10:00:00 UTC
const at = (minutes: number): number => T0 + minutes * 60;

const started = (time: number, over: Partial<Extract<LeadInput, { type: 'started' }>> = {}): LeadInput => ({
  type: 'started',
  time,
  id: 1001,
  account: 1,
  campaign: 12,
  chat: -1001234567890,
  bot: 555,
  subscriber: 9876543210,
  username: 'alice',
  click: 'abc456xyz',
  inviteLink: 'https://t.me/+lead1001',
  ...over,
});
const activity =
  (type: 'requested' | 'joined' | 'left' | 'banned') =>
  (time: number, username = 'alice'): LeadInput => ({ type, time, username });
const requested = activity('requested');
const joined = activity('joined');
const left = activity('left');
const banned = activity('banned');

const replay = (history: readonly LeadInput[]): Lead | null =>
  history.reduce<Lead | null>((lead, input) => applyToLead(lead, input).lead, null);

/**
 * given(history).when(input).then(changes): the changes `decide` emits for `input` on the lead that
 * `history` built; `.thenLead(fields)` checks the lead after applying them.
 */
function given(...history: LeadInput[]) {
  return {
    when(input: LeadInput) {
      const before = replay(history);
      const result = applyToLead(before, input);
      return {
        then(expected: LeadChange[]) {
          expect(decide(before, input)).toEqual(expected);
          expect(result.changes).toEqual(expected);
          return this;
        },
        thenNothing() {
          expect(result.changes).toEqual([]);
          expect(result.lead).toEqual(before);
          return this;
        },
        thenLead(fields: Partial<Lead>) {
          expect(result.lead).toMatchObject(fields);
          return this;
        },
      };
    },
  };
}

const statusChanged = (from: LeadStatus, to: LeadStatus, time: number, first = true): LeadChange => ({
  type: 'statusChanged',
  from,
  to,
  first,
  time,
});

/** A history that leaves the lead in each status. */
const historyTo: Record<LeadStatus, LeadInput[]> = {
  [wait]: [started(at(0))],
  [hold]: [started(at(0)), requested(at(1))],
  [approve]: [started(at(0)), joined(at(1))],
  [cancel]: [started(at(0)), joined(at(1)), left(at(2))],
  [trash]: [started(at(0)), joined(at(1)), banned(at(2))],
};
const NAMES = ['wait', 'hold', 'approve', 'cancel', 'trash'] as const;

// ---- tests ----------------------------------------------------------------------------------------

describe('lead state machine (SPEC §4)', () => {
  describe('creation', () => {
    it('a /start for the campaign creates the lead in wait with start_time = updated = the /start time', () => {
      const result = applyToLead(null, started(at(0)));
      expect(result.changes).toEqual([
        {
          type: 'created',
          lead: {
            id: 1001,
            account: 1,
            campaign: 12,
            chat: -1001234567890,
            bot: 555,
            subscriber: 9876543210,
            username: 'alice',
            click: 'abc456xyz',
            inviteLink: 'https://t.me/+lead1001',
            status: wait,
            startTime: at(0),
            joinTime: 0,
            updated: at(0),
            reached: 1 << wait,
          },
        },
      ]);
      expect(result.lead).toEqual((result.changes[0] as Extract<LeadChange, { type: 'created' }>).lead);
      expect(hasReached(result.lead!, wait)).toBe(true);
      expect(hasReached(result.lead!, approve)).toBe(false);
    });

    it('a /start without a click creates a lead with click ""', () => {
      given()
        .when(started(at(0), { click: '' }))
        .thenLead({ click: '', status: wait });
    });

    it.each(['requested', 'joined', 'left', 'banned'] as const)(
      'chat activity (%s) without a lead creates nothing: organic activity',
      (type) => {
        expect(applyToLead(null, activity(type)(at(1)))).toEqual({ lead: null, changes: [] });
      },
    );
  });

  describe('transition table', () => {
    it('0 wait → 1 hold on a join request', () => {
      given(started(at(0)))
        .when(requested(at(1)))
        .then([statusChanged(wait, hold, at(1))])
        .thenLead({ status: hold, updated: at(1), joinTime: 0 });
    });

    it('0 wait → 2 approve on a direct join; join_time and updated are the join time', () => {
      given(started(at(0)))
        .when(joined(at(1)))
        .then([statusChanged(wait, approve, at(1))])
        .thenLead({ status: approve, joinTime: at(1), updated: at(1), startTime: at(0) });
    });

    it('1 hold → 2 approve when the request is approved', () => {
      given(started(at(0)), requested(at(1)))
        .when(joined(at(5)))
        .then([statusChanged(hold, approve, at(5))])
        .thenLead({ status: approve, joinTime: at(5), updated: at(5) });
    });

    it('2 approve → 3 cancel when the subscriber leaves', () => {
      given(started(at(0)), joined(at(1)))
        .when(left(at(9)))
        .then([statusChanged(approve, cancel, at(9))])
        .thenLead({ status: cancel, joinTime: at(1), updated: at(9) });
    });

    it.each([
      ['hold', historyTo[hold]],
      ['approve', historyTo[approve]],
      ['cancel', historyTo[cancel]],
    ] as const)('%s → 4 trash on a kick or ban', (_name, history) => {
      const from = replay(history)!.status;
      given(...history)
        .when(banned(at(30)))
        .then([statusChanged(from, trash, at(30))])
        .thenLead({ status: trash, updated: at(30) });
    });

    it('3 cancel → 2 approve on a rejoin, not a first approve', () => {
      given(...historyTo[cancel])
        .when(joined(at(30)))
        .then([statusChanged(cancel, approve, at(30), false)])
        .thenLead({ status: approve, updated: at(30), joinTime: at(1) });
    });

    it('4 trash → 2 approve on a rejoin, not a first approve', () => {
      given(...historyTo[trash])
        .when(joined(at(30)))
        .then([statusChanged(trash, approve, at(30), false)])
        .thenLead({ status: approve, updated: at(30), joinTime: at(1) });
    });

    it('4 trash reached from hold, then joined: first approve sets join_time', () => {
      given(started(at(0)), requested(at(1)), banned(at(2)))
        .when(joined(at(3)))
        .then([statusChanged(trash, approve, at(3), true)])
        .thenLead({ status: approve, joinTime: at(3) });
    });

    // Every (status, activity) pair: the table's rows move the lead, everything else is no change.
    const TABLE: Record<
      'requested' | 'joined' | 'left' | 'banned',
      Partial<Record<LeadStatus, LeadStatus>>
    > = {
      requested: { [wait]: hold },
      joined: { [wait]: approve, [hold]: approve, [cancel]: approve, [trash]: approve },
      left: { [approve]: cancel },
      banned: { [hold]: trash, [approve]: trash, [cancel]: trash },
    };
    const pairs = ([wait, hold, approve, cancel, trash] as const).flatMap((status) =>
      (['requested', 'joined', 'left', 'banned'] as const).map(
        (type) => [NAMES[status], type, status, TABLE[type][status]] as const,
      ),
    );
    it.each(pairs)('from %s, %s → %s', (_name, type, status, to) => {
      const { changes, lead } = applyToLead(replay(historyTo[status]), activity(type)(at(60)));
      if (to === undefined) {
        expect(changes).toEqual([]);
        expect(lead!.status).toBe(status);
      } else {
        expect(changes).toEqual([expect.objectContaining({ type: 'statusChanged', from: status, to })]);
        expect(lead!.status).toBe(to);
      }
    });
  });

  describe('transitions that must not happen', () => {
    it('leaving while in wait changes nothing (the subscriber never joined through us)', () => {
      given(started(at(0)))
        .when(left(at(1)))
        .thenNothing();
    });

    it('a ban while in wait changes nothing', () => {
      given(started(at(0)))
        .when(banned(at(1)))
        .thenNothing();
    });

    it('a join request while approved changes nothing', () => {
      given(...historyTo[approve])
        .when(requested(at(5)))
        .thenNothing();
    });

    it('a join request after leaving does not go back to hold; the approval then rejoins', () => {
      given(...historyTo[cancel])
        .when(requested(at(5)))
        .thenNothing();
      given(...historyTo[cancel], requested(at(5)))
        .when(joined(at(6)))
        .then([statusChanged(cancel, approve, at(6), false)]);
    });

    it('a redelivered join is idempotent: approve stays approve, updated unchanged', () => {
      given(...historyTo[approve])
        .when(joined(at(5)))
        .thenNothing();
    });

    it('a redelivered leave or ban changes nothing', () => {
      given(...historyTo[cancel])
        .when(left(at(5)))
        .thenNothing();
      given(...historyTo[trash])
        .when(banned(at(5)))
        .thenNothing();
    });

    it('leaving while in hold changes nothing', () => {
      given(...historyTo[hold])
        .when(left(at(5)))
        .thenNothing();
    });

    it('leaving while banned does not turn trash into cancel', () => {
      given(...historyTo[trash])
        .when(left(at(5)))
        .thenNothing();
    });
  });

  describe('first entry into a status (what statistics count)', () => {
    it('leave + rejoin + leave: one first approve, one first cancel', () => {
      const history = [started(at(0)), joined(at(1)), left(at(2)), joined(at(3)), left(at(4)), joined(at(5))];
      let lead: Lead | null = null;
      const firsts: string[] = [];
      for (const input of history) {
        const r = applyToLead(lead, input);
        for (const c of r.changes) if (c.type === 'statusChanged' && c.first) firsts.push(NAMES[c.to]);
        lead = r.lead;
      }
      expect(firsts).toEqual(['approve', 'cancel']);
      expect(lead).toMatchObject({ status: approve, joinTime: at(1), updated: at(5) });
    });

    it('a second ban after a rejoin is not a first trash', () => {
      given(started(at(0)), joined(at(1)), banned(at(2)), joined(at(3)))
        .when(banned(at(4)))
        .then([statusChanged(approve, trash, at(4), false)]);
    });

    it('remembers every status entered', () => {
      const lead = replay([started(at(0)), requested(at(1)), joined(at(2)), left(at(3))])!;
      expect([wait, hold, approve, cancel, trash].map((s) => hasReached(lead, s))).toEqual([
        true,
        true,
        true,
        true,
        false,
      ]);
    });
  });

  describe('join_time and updated', () => {
    it('join_time is 0 (shown as 0000-00-00 00:00:00) while in wait or hold', () => {
      expect(replay(historyTo[wait])!.joinTime).toBe(0);
      expect(replay(historyTo[hold])!.joinTime).toBe(0);
    });

    it('join_time is set at the first approve and never moved by a rejoin', () => {
      const lead = replay([
        started(at(0)),
        joined(at(1)),
        left(at(2)),
        joined(at(3)),
        banned(at(4)),
        joined(at(5)),
      ])!;
      expect(lead.joinTime).toBe(at(1));
      expect(lead.updated).toBe(at(5));
      expect(lead.startTime).toBe(at(0));
    });

    it('updated moves only with a status change, not with an ignored event or a username change', () => {
      given(...historyTo[approve])
        .when(requested(at(10), 'alice_new'))
        .then([{ type: 'usernameChanged', username: 'alice_new' }])
        .thenLead({ updated: at(1), username: 'alice_new', status: approve });
    });
  });

  describe('repeated /start', () => {
    it('never creates a second lead: same id, start_time unchanged', () => {
      given(started(at(0)))
        .when(started(at(5), { id: 2002, click: 'abc456xyz' }))
        .thenNothing();
    });

    it.each([
      ['wait', historyTo[wait]],
      ['hold', historyTo[hold]],
    ] as const)('in %s, a new non-empty click replaces the click', (_name, history) => {
      const before = replay(history)!;
      given(...history)
        .when(started(at(10), { click: 'newclick' }))
        .then([{ type: 'clickReplaced', click: 'newclick', time: at(10) }])
        .thenLead({
          click: 'newclick',
          status: before.status,
          updated: before.updated,
          startTime: at(0),
          id: 1001,
        });
    });

    it('in wait, an empty click keeps the old click', () => {
      given(started(at(0)))
        .when(started(at(10), { click: '' }))
        .thenNothing();
    });

    it('in wait, the same click again is no change', () => {
      given(started(at(0)))
        .when(started(at(10), { click: 'abc456xyz' }))
        .thenNothing();
    });

    it('a lead created without a click gets one from a later /start with a click', () => {
      given(started(at(0), { click: '' }))
        .when(started(at(10), { click: 'late' }))
        .then([{ type: 'clickReplaced', click: 'late', time: at(10) }])
        .thenLead({ click: 'late' });
    });

    it.each([
      ['approve', historyTo[approve]],
      ['cancel', historyTo[cancel]],
      ['trash', historyTo[trash]],
    ] as const)('once approved (%s), the click never changes', (_name, history) => {
      given(...history)
        .when(started(at(10), { click: 'newclick' }))
        .thenNothing()
        .thenLead({ click: 'abc456xyz' });
    });

    it('a repeated /start does not change the status', () => {
      given(...historyTo[hold])
        .when(started(at(10), { click: 'x' }))
        .thenLead({ status: hold });
    });
  });

  describe('username changes', () => {
    it('a /start with a new username updates it, together with the click', () => {
      given(started(at(0)))
        .when(started(at(10), { username: 'alice2', click: 'c2' }))
        .then([
          { type: 'usernameChanged', username: 'alice2' },
          { type: 'clickReplaced', click: 'c2', time: at(10) },
        ])
        .thenLead({ username: 'alice2', click: 'c2' });
    });

    it('chat activity with a new username updates it along with the status', () => {
      given(started(at(0)))
        .when(joined(at(1), 'alice_renamed'))
        .then([{ type: 'usernameChanged', username: 'alice_renamed' }, statusChanged(wait, approve, at(1))])
        .thenLead({ username: 'alice_renamed', status: approve });
    });

    it('removing the username sets it to ""', () => {
      given(started(at(0)))
        .when(left(at(1), ''))
        .then([{ type: 'usernameChanged', username: '' }])
        .thenLead({ username: '' });
    });

    it('a username change after approve is still tracked', () => {
      given(...historyTo[approve])
        .when(started(at(10), { username: 'bob' }))
        .then([{ type: 'usernameChanged', username: 'bob' }]);
    });
  });

  describe('evolve', () => {
    it('ignores changes to a lead that does not exist', () => {
      expect(evolve(null, statusChanged(wait, approve, at(1)))).toBeNull();
      expect(evolve(null, { type: 'usernameChanged', username: 'x' })).toBeNull();
    });

    it('does not mutate the lead it is given', () => {
      const lead = replay(historyTo[wait])!;
      const copy = { ...lead };
      evolve(lead, statusChanged(wait, approve, at(1)));
      expect(lead).toEqual(copy);
    });
  });
});

describe('attributeLead (SPEC §3)', () => {
  const lead = (id: number, startTime: number, inviteLink: string) => ({ id, startTime, inviteLink });
  const leads = [
    lead(1, at(0), 'https://t.me/+one'),
    lead(2, at(5), 'https://t.me/+two'),
    lead(3, at(3), 'https://t.me/+three'),
  ];

  it('the lead whose personal invite link was used wins, even when it is not the newest', () => {
    expect(attributeLead(leads, 'https://t.me/+one')?.id).toBe(1);
  });

  it('without a link, the newest lead takes it', () => {
    expect(attributeLead(leads, '')?.id).toBe(2);
  });

  it('with an unknown link (public or foreign link), the newest lead takes it', () => {
    expect(attributeLead(leads, 'https://t.me/+somebodyelse')?.id).toBe(2);
  });

  it('ties on start time go to the higher id', () => {
    const tied = [lead(7, at(5), 'a'), lead(9, at(5), 'b'), lead(8, at(5), 'c')];
    expect(attributeLead(tied, '')?.id).toBe(9);
    expect(attributeLead([...tied].reverse(), '')?.id).toBe(9);
  });

  it('an empty link never matches a lead without a link', () => {
    const withEmpty = [lead(1, at(0), ''), lead(2, at(5), 'x')];
    expect(attributeLead(withEmpty, '')?.id).toBe(2);
  });

  it('without a link, the newest lead the activity moves takes it: a leave belongs to the lead in the chat', () => {
    const statuses = new Map([
      [1, approve],
      [2, wait],
      [3, wait],
    ]);
    const leavesMove = (l: { id: number }) => movesLead(statuses.get(l.id)!, 'left');
    expect(attributeLead(leads, '', leavesMove)?.id).toBe(1);
    // A link still wins; and when nothing would move, the newest lead takes it (a no-op).
    expect(attributeLead(leads, 'https://t.me/+three', leavesMove)?.id).toBe(3);
    expect(attributeLead(leads, '', () => false)?.id).toBe(2);
  });

  it('no leads: undefined (organic)', () => {
    expect(attributeLead([], 'https://t.me/+one')).toBeUndefined();
  });
});
