import { EVENT_VERSION } from './events';
import { InvalidEventError, parseDomainEvent } from './schema';

const changed = (data: Record<string, unknown> = {}) => ({
  id: 'lead:1',
  version: EVENT_VERSION,
  key: '501',
  account: 1,
  bot: 7,
  updateId: 3,
  time: 1_736_935_200,
  type: 'LeadStatusChanged',
  data: {
    lead: 1,
    campaign: 2,
    chat: -100,
    subscriber: { id: 501, username: 'ann' },
    click: 'c',
    from: null,
    to: 0,
    first: true,
    joinTime: 0,
    ...data,
  },
});

describe('parseDomainEvent', () => {
  it('reads every lead status and no status before the first', () => {
    for (const to of [0, 1, 2, 3, 4])
      expect(parseDomainEvent(changed({ to, from: null })).type).toBe('LeadStatusChanged');
    expect(parseDomainEvent(changed({ from: 4, to: 3 }))).toMatchObject({ data: { from: 4, to: 3 } });
  });

  it('refuses what is not a status, naming the field', () => {
    for (const to of [5, -1, 1.5, '2', null]) {
      expect(() => parseDomainEvent(changed({ to }))).toThrow(InvalidEventError);
      expect(() => parseDomainEvent(changed({ to }))).toThrow(/data\.to/);
    }
    expect(() => parseDomainEvent({ ...changed(), version: 99 })).toThrow(/version/);
    expect(() => parseDomainEvent({ ...changed(), type: 'Nope' })).toThrow(/type/);
  });

  it('takes paid as 0 or 1 only', () => {
    const journal = (paid: unknown) => ({
      ...changed(),
      type: 'JournalRecorded',
      data: { entry: 1, chat: -100, subscriber: { id: 501, username: '' }, action: 'join', paid },
    });
    expect(parseDomainEvent(journal(1))).toMatchObject({ data: { paid: 1 } });
    expect(() => parseDomainEvent(journal(2))).toThrow(/data\.paid/);
  });
});
