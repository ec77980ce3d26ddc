import { BotApiConditions } from './conditions';
import { TelegramApiError } from './errors';
import { FakeTelegram } from './fake-telegram';

const refusal = (f: () => void): TelegramApiError | null => {
  try {
    f();
    return null;
  } catch (e) {
    return e as TelegramApiError;
  }
};

describe('Bot API flood control and latency', () => {
  let clock = 1_000_000;
  const conditions = (limit: number) => new BotApiConditions({ floodLimitPerSecond: limit }, () => clock);
  beforeEach(() => (clock = 1_000_000));

  it('answers 429 with retry_after past the limit per bot and method, and keeps refusing until then', () => {
    const c = conditions(3);
    for (let i = 0; i < 3; i++) c.admit(1, 'sendMessage');
    const e = refusal(() => c.admit(1, 'sendMessage'))!;
    expect(e).toBeInstanceOf(TelegramApiError);
    expect(e.toJSON()).toEqual({
      ok: false,
      error_code: 429,
      description: 'Too Many Requests: retry after 1',
      parameters: { retry_after: 1 },
    });
    // Other methods and other bots have windows of their own.
    expect(refusal(() => c.admit(1, 'createChatInviteLink'))).toBeNull();
    expect(refusal(() => c.admit(2, 'sendMessage'))).toBeNull();
    // Still refused within the penalty, even though the window would have room by then.
    clock += 999;
    expect(refusal(() => c.admit(1, 'sendMessage'))?.errorCode).toBe(429);
    clock += 1;
    expect(refusal(() => c.admit(1, 'sendMessage'))).toBeNull();
    expect(c.describe().floodAnswers).toBe(2);
  });

  it('lets calls through at the limit when they are spread over the second', () => {
    const c = conditions(30);
    for (let i = 0; i < 300; i++) {
      c.admit(1, 'sendMessage');
      clock += 34;
    }
    expect(c.describe().floodAnswers).toBe(0);
  });

  it('never throttles long polling or webhook setup, and is off at 0', () => {
    const c = conditions(1);
    for (let i = 0; i < 5; i++) c.admit(1, 'getUpdates');
    for (let i = 0; i < 5; i++) c.admit(1, 'setWebhook');
    const off = conditions(0);
    for (let i = 0; i < 100; i++) off.admit(1, 'sendMessage');
    expect(c.describe().floodAnswers + off.describe().floodAnswers).toBe(0);
  });

  it('draws each answer delay from the configured range', () => {
    const draws = [0, 0.5, 1];
    const c = new BotApiConditions({ latencyMs: [100, 300] }, Date.now, () => draws.shift()!);
    expect([c.delayMs(), c.delayMs(), c.delayMs()]).toEqual([100, 200, 300]);
    c.configure({ latencyMs: 150 });
    expect(c.delayMs()).toBe(150);
    expect(() => c.configure({ latencyMs: [5, 1] })).toThrow(RangeError);
  });

  it('refuses flooding calls through the fake Bot API, logged like any failed call', async () => {
    const fake = new FakeTelegram({ floodLimitPerSecond: 2 });
    const bot = fake.createBot({ username: 'flood_bot' });
    const user = fake.createUser({ first_name: 'U' });
    fake.userStartsBot(user, bot);
    const send = () => fake.callMethod(bot.token, 'sendMessage', { chat_id: user.id, text: 'hi' });
    await send();
    await send();
    await expect(send()).rejects.toMatchObject({ errorCode: 429, parameters: { retry_after: 1 } });
    expect(fake.messagesSentTo(user.id)).toHaveLength(2);
    expect(
      fake
        .apiCalls(bot)
        .filter((c) => !c.ok)
        .map((c) => c.error_code),
    ).toEqual([429]);
    expect(fake.configureNetwork({ floodLimitPerSecond: 0 })).toMatchObject({ floodAnswers: 1 });
    await send();
    fake.dispose();
  });
});
