import { inviteLinkButtons, type FakeControl, type Message, type User } from '@subtrack/telegram-fake';
import type { OrganicPlan, SimulationPlan, SubscriberPlan } from './plan';

/** The Telegram world a plan is played in (set up by the caller). */
export interface RunTarget {
  telegram: FakeControl;
  botId: number;
  chatId: number;
  /** Chat owner: the admin who approves requests and bans. */
  adminId: number;
  /** Campaign codes, aligned with plan.campaigns. */
  campaignCodes: string[];
  /** Makes usernames unique when several runs share one fake (default: random). */
  userTag?: string;
}

export interface RunOptions {
  /** How long to wait for the bot's reply to /start. */
  replyTimeoutMs?: number;
  pollIntervalMs?: number;
  /** Subscribers played at the same time (each one's steps stay in order). */
  concurrency?: number;
  log?: (line: string) => void;
}

export interface RunResult {
  /** Actions performed successfully, by kind (same keys as plannedActions). */
  actions: Record<string, number>;
  errors: { who: string; step: string; error: string }[];
  users: { subscribers: number[]; organic: number[] };
}

const LINK = /^https:\/\/t\.me\/(\+|joinchat\/)/;

/** The invite link in a bot reply: the first inline button URL that is a t.me invite link. */
export function findInviteLink(message: Message): string | undefined {
  return inviteLinkButtons(message).find((url) => LINK.test(url));
}

async function waitForReply(
  telegram: FakeControl,
  userId: number,
  seenBefore: number,
  opts: Required<Pick<RunOptions, 'replyTimeoutMs' | 'pollIntervalMs'>>,
): Promise<string | undefined> {
  const deadline = Date.now() + opts.replyTimeoutMs;
  for (;;) {
    const messages = await telegram.messagesSentTo(userId);
    for (let i = messages.length - 1; i >= seenBefore; i--) {
      const link = findInviteLink(messages[i] as Message);
      if (link) return link;
    }
    if (Date.now() >= deadline) return undefined;
    await new Promise((r) => setTimeout(r, opts.pollIntervalMs));
  }
}

async function pool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, async () => {
    while (next < items.length) await work(items[next++] as T);
  });
  await Promise.all(workers);
}

/**
 * Plays the plan against the fake: subscribers /start the bot with `<code>-<click>`, take the
 * invite link from the bot's reply and walk their path; organic users join and leave without a
 * link. Only the fake's scenario API is used, so it works whatever the product's update mode.
 */
export async function runPlan(
  plan: SimulationPlan,
  target: RunTarget,
  options: RunOptions = {},
): Promise<RunResult> {
  const opts = {
    replyTimeoutMs: options.replyTimeoutMs ?? 15_000,
    pollIntervalMs: options.pollIntervalMs ?? 50,
    concurrency: options.concurrency ?? 8,
  };
  const log = options.log ?? ((): void => undefined);
  const tg = target.telegram;
  const tag = target.userTag ?? Math.random().toString(36).slice(2, 8);
  const result: RunResult = { actions: {}, errors: [], users: { subscribers: [], organic: [] } };
  const done = (kind: string): void => {
    result.actions[kind] = (result.actions[kind] ?? 0) + 1;
  };

  const playSubscriber = async (sub: SubscriberPlan): Promise<void> => {
    const who = `subscriber ${sub.index}`;
    const user: User = await tg.createUser({
      first_name: `Sim${sub.index}`,
      username: `sim${tag}_${sub.index}`,
    });
    result.users.subscribers[sub.index] = user.id;
    const code = target.campaignCodes[sub.campaign];
    if (code === undefined) throw new Error(`no campaign code for campaign ${sub.campaign}`);
    let link: string | undefined;
    let started = false;
    for (const step of sub.steps) {
      try {
        switch (step.kind) {
          case 'start': {
            const before = (await tg.messagesSentTo(user)).length;
            await tg.userStartsBot(user, target.botId, `${code}-${step.click}`);
            done(started ? 'restart' : 'start');
            const reply = await waitForReply(tg, user.id, before, opts);
            if (reply) link = reply;
            else if (!started)
              throw new Error(`no invite link in the bot's reply within ${opts.replyTimeoutMs} ms`);
            started = true;
            break;
          }
          case 'request':
            await tg.userRequestsJoin(user, target.chatId, link);
            done('request');
            break;
          case 'approve':
            await tg.adminApprovesJoin(target.chatId, user, target.adminId);
            done('approve');
            break;
          case 'join':
            await tg.userJoins(user, target.chatId, link);
            done('join');
            break;
          case 'leave':
            await tg.userLeaves(user, target.chatId);
            done('leave');
            break;
          case 'ban':
            await tg.adminBans(target.chatId, user, target.adminId);
            done('ban');
            break;
          case 'kick':
            await tg.adminKicks(target.chatId, user, target.adminId);
            done('kick');
            break;
        }
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        result.errors.push({ who, step: step.kind, error });
        log(`${who}: ${step.kind} failed: ${error}`);
        // The rest of this subscriber's path depends on the failed step.
        return;
      }
    }
  };

  const playOrganic = async (org: OrganicPlan): Promise<void> => {
    const who = `organic ${org.index}`;
    const user = await tg.createUser({ first_name: `Organic${org.index}` });
    result.users.organic[org.index] = user.id;
    for (const step of org.steps) {
      try {
        if (step.kind === 'join') await tg.userJoins(user, target.chatId);
        else if (step.kind === 'leave') await tg.userLeaves(user, target.chatId);
        else await tg.adminBans(target.chatId, user, target.adminId);
        done(`organic_${step.kind}`);
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        result.errors.push({ who, step: step.kind, error });
        log(`${who}: ${step.kind} failed: ${error}`);
        return;
      }
    }
  };

  log(`playing ${plan.subscribers.length} subscribers and ${plan.organic.length} organic users`);
  await pool(plan.subscribers, opts.concurrency, playSubscriber);
  await pool(plan.organic, opts.concurrency, playOrganic);
  return result;
}
