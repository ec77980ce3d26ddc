import { SendPacer, judgeBotApiFailure } from './bot-api';

describe('Bot API pacing', () => {
  it('spaces one bot’s calls of a method evenly at the rate, methods and bots apart', () => {
    const pacer = new SendPacer(30);
    const slots = Array.from({ length: 4 }, () => pacer.reserve(0, 1, 'sendMessage'));
    expect(slots).toEqual([0, 34, 68, 102]);
    expect(pacer.reserve(0, 1, 'createChatInviteLink')).toBe(0);
    expect(pacer.reserve(0, 2, 'sendMessage')).toBe(0);
    // Any one second holds at most 30 calls.
    const many = Array.from({ length: 90 }, () => pacer.reserve(0, 3, 'sendMessage'));
    for (const t of many) expect(many.filter((u) => u >= t && u < t + 1000).length).toBeLessThanOrEqual(30);
  });

  it('sends one chat at most one message a second', () => {
    const pacer = new SendPacer(30);
    expect(pacer.reserve(500, 1, 'sendMessage', 42)).toBe(500);
    expect(pacer.reserve(500, 1, 'sendMessage', 43)).toBe(534);
    expect(pacer.reserve(500, 1, 'sendMessage', 42)).toBe(1500);
  });

  it('holds every call of a flooded bot until retry_after has passed', () => {
    const pacer = new SendPacer(30);
    pacer.pause(1, 5000);
    expect(pacer.reserve(1000, 1, 'sendMessage')).toBe(5000);
    expect(pacer.reserve(1000, 1, 'createChatInviteLink')).toBe(5000);
    expect(pacer.reserve(1000, 2, 'sendMessage')).toBe(1000);
    pacer.pause(1, 2000); // an older answer never shortens the pause
    expect(pacer.reserve(1000, 1, 'getChatMember')).toBe(5000);
    pacer.prune(10_000);
    expect(pacer.reserve(10_000, 1, 'sendMessage')).toBe(10_000);
  });

  it('lets no window of real sends exceed the rate, however late the slots were taken', () => {
    const pacer = new SendPacer(3, 1, 50);
    // Three slots taken late, all at once: the fourth waits until the first is 1050 ms old.
    for (const t of [1000, 1001, 1002]) expect(pacer.clear(t, 1, 'sendMessage')).toBe(0);
    expect(pacer.clear(1003, 1, 'sendMessage')).toBe(1047);
    expect(pacer.clear(2050, 1, 'sendMessage')).toBe(0);
    expect(pacer.clear(2050, 1, 'createChatInviteLink')).toBe(0);
    // A flood pause holds calls whose slots were handed out before it.
    pacer.pause(1, 5000);
    expect(pacer.clear(3000, 1, 'createChatInviteLink')).toBe(2000);
  });

  it('tells a flood, a transient failure and a permanent one apart', () => {
    expect(judgeBotApiFailure({ code: 429, description: 'Too Many Requests', retryAfter: 7 })).toEqual({
      kind: 'flood',
      waitMs: 7000,
    });
    expect(judgeBotApiFailure({ code: 429, description: 'Too Many Requests' })).toEqual({
      kind: 'flood',
      waitMs: 1000,
    });
    for (const code of [null, 500, 502])
      expect(judgeBotApiFailure({ code, description: '' }).kind).toBe('transient');
    for (const code of [400, 401, 403, 404])
      expect(judgeBotApiFailure({ code, description: '' }).kind).toBe('permanent');
  });
});
