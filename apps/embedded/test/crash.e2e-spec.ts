import { inviteLinkButtons } from '@subtrack/telegram-fake';
import { collectAnswers, doubles, type Answers } from '@subtrack/testing';
import { startDistributedStack, type DistributedStack } from './distributed';
import { botWithChat, createAccount, startStack, utc, utcDay, type Api, type Stack } from './harness';
import { Receiver } from './postbacks';

/** Each service process is killed once, in this order, as the traffic goes through. */
const VICTIMS = ['ingest', 'lead-projection', 'stats', 'api-gateway'];
/** At most this many deliveries are in flight in one process when it dies (the senders' concurrency). */
const POSTBACKS_IN_FLIGHT = 10;
const WELCOMES_IN_FLIGHT = 64;

interface Played {
  answers: Answers;
  postbacks: Map<string, number>;
  welcomes: Map<number, number>;
  crashes: number;
}

const reader = (api: Api) => ({
  get: async <T>(route: string, params: Record<string, string | number> = {}): Promise<T> =>
    (await api.ok(route, params)) as T,
});

/**
 * The same traffic on any deployment: an account with account-wide postbacks to a receiver, a bot,
 * a chat, a direct and a request campaign, their subscribers and some organic members. `during` runs
 * while the fake delivers it, told how many updates are still owed.
 */
async function play(
  stack: Stack,
  during?: (owed: () => number, total: number) => Promise<number>,
): Promise<Played> {
  const fake = stack.telegram.fake;
  const receiver = new Receiver();
  const base = await receiver.start();
  try {
    const { api } = await createAccount(stack, 'crash');
    const template = `${base}/pb?s={subscriber}&st={status}&c={click}`;
    await api.post('/api/postbacks/global.json', {
      postbacks: { wait: template, hold: template, approve: template, cancel: template, trash: template },
    });
    const day = utcDay(Math.floor(Date.now() / 1000), -4);
    fake.setTime(utc(`${day}T01:00:00`));
    const { bot, chat } = await botWithChat(stack, api, 'crash_bot', 'Crash');
    let total = 0;
    for (const [i, join_mode] of (['direct', 'request'] as const).entries()) {
      const campaign = (
        await api.post('/api/campaigns/add.json', { name: join_mode, bot: bot.id, chat: chat.id, join_mode })
      ).body.data;
      total += fake.generateTraffic({
        bot,
        chat,
        subscribers: 120,
        organic: i === 0 ? 40 : 0,
        campaignCode: campaign.code,
        joinMode: join_mode,
        seed: 31 + i,
        stepSeconds: 30,
      }).updates;
    }
    const crashes = during ? await during(() => fake.pendingUpdates(bot).length, total) : 0;
    await stack.settled();
    const deadline = Date.now() + 180_000;
    while ((await api.ok('/api/postbacks/list.json', { state: 'pending', limit: 1 })).total > 0) {
      if (Date.now() > deadline) throw new Error(`postbacks still pending after 180 s\n${stack.logs()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const answers = await collectAnswers(reader(api), {
      from: utc(`${day}T00:00:00`),
      to: utc(`${day}T00:00:00`) + 5 * 86_400,
    });
    const postbacks = new Map<string, number>();
    for (const r of receiver.requests) {
      const key = `${r.url.searchParams.get('s')}/${r.url.searchParams.get('st')}`;
      postbacks.set(key, (postbacks.get(key) ?? 0) + 1);
    }
    const welcomes = new Map<number, number>();
    for (const m of fake.allMessages())
      if (m.chat.type === 'private' && inviteLinkButtons(m).length > 0)
        welcomes.set(m.chat.id, (welcomes.get(m.chat.id) ?? 0) + 1);
    return { answers, postbacks, welcomes, crashes };
  } finally {
    await receiver.close();
    await stack.close();
  }
}

// SPEC §9's crash safety on the distributed deployment: each service process killed (kill -9) once
// mid-traffic and started again, and every API answer equal to the embedded product's undisturbed
// run of the same traffic; deliveries all made, repeated only where one was in flight.
describe('distributed: kill -9 of each service in turn', () => {
  // The fake applies the generated traffic to its chat at once and delivers the updates after: a
  // membership recheck could find a leave before its update arrives and stamp it with the time it
  // looked, which differs from run to run. The comparison is of the updates alone.
  const env = { TELEGRAM_RECHECK_PER_MINUTE: '0' };

  it('answers exactly as an undisturbed embedded run of the same traffic', async () => {
    const reference = await play(await startStack({ env }));
    let distributed: DistributedStack | undefined;
    const crashed = await play((distributed = await startDistributedStack({ env })), async (owed, total) => {
      for (const [i, service] of VICTIMS.entries()) {
        const until = Math.floor(total * (1 - (i + 1) / (VICTIMS.length + 1)));
        while (owed() > until) await new Promise((r) => setTimeout(r, 20));
        await distributed!.kill(service);
        distributed!.spawn(service);
      }
      return VICTIMS.length;
    });

    expect(reference.answers.leads.length).toBeGreaterThan(200);
    for (const part of Object.keys(reference.answers) as (keyof Answers)[])
      expect({ part, answer: crashed.answers[part] }).toEqual({ part, answer: reference.answers[part] });
    expect([...reference.postbacks.values()].every((n) => n === 1)).toBe(true);
    const pb = doubles(reference.postbacks, crashed.postbacks);
    expect(pb.missing).toBe(0);
    expect(pb.extra).toBeLessThanOrEqual(POSTBACKS_IN_FLIGHT * crashed.crashes);
    const wl = doubles(reference.welcomes, crashed.welcomes);
    expect(wl.missing).toBe(0);
    expect(wl.extra).toBeLessThanOrEqual(WELCOMES_IN_FLIGHT * crashed.crashes);
  }, 900_000);
});
