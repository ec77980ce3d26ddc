import type { SubscriberStarted, TelegramEvent } from '@subtrack/contracts';
import { eventMeta, normalizeUpdate, parseStartPayload, summarize, type Summary } from '@subtrack/domain';
import { ALLOWED_UPDATES } from '@subtrack/telegram';
import {
  FakeTelegram,
  type Chat,
  type CreatedBot,
  type FakeControl,
  type Ref,
  type TrafficResult,
} from '@subtrack/telegram-fake';

export interface BenchCampaign {
  id: number;
  code: string;
  chat: number;
  joinMode: 'request' | 'direct';
}

/** Two campaigns of each join mode: requests, approvals and direct joins all occur. */
export const CAMPAIGN_MODES: readonly BenchCampaign['joinMode'][] = [
  'request',
  'direct',
  'request',
  'direct',
];

// Updates one subscriber produces on average with generateTraffic's default rates: request mode
// 1 + 0.8 × (1 + 0.9 × 1.15), direct mode 1 + 0.8 × 1.15, an organic user 1.1.
const UPDATES_PER_REQUEST_SUBSCRIBER = 2.63;
const UPDATES_PER_DIRECT_SUBSCRIBER = 1.92;
const ORGANIC_PER_SUBSCRIBER = 0.1;
const UPDATES_PER_ORGANIC_USER = 1.1;

/** How many subscribers make about `updates` updates over these campaigns. */
export function subscribersFor(updates: number, campaigns: readonly BenchCampaign[]): number {
  const perCampaign =
    campaigns.reduce(
      (sum, c) =>
        sum + (c.joinMode === 'request' ? UPDATES_PER_REQUEST_SUBSCRIBER : UPDATES_PER_DIRECT_SUBSCRIBER),
      0,
    ) / campaigns.length;
  return Math.max(
    campaigns.length,
    Math.round(updates / (perCampaign + ORGANIC_PER_SUBSCRIBER * UPDATES_PER_ORGANIC_USER)),
  );
}

export interface TrafficPlan {
  bot: Ref;
  chat: Ref;
  campaigns: readonly BenchCampaign[];
  /** About this many updates are queued in all. */
  updates: number;
  seed: number;
  /** Fake time of the first update; the traffic spreads over `days` from there. */
  start: number;
  days: number;
}

/**
 * Queues realistic traffic in the fake with its own generateTraffic: for each campaign, subscribers
 * who start the bot with the campaign's payload and go on to request, be approved, join, leave or be
 * banned; then organic users who join and leave without a link. Returns the sum of what was played.
 */
export async function queueTraffic(fake: FakeControl, plan: TrafficPlan): Promise<TrafficResult> {
  const subscribers = subscribersFor(plan.updates, plan.campaigns);
  const organic = Math.round(subscribers * ORGANIC_PER_SUBSCRIBER);
  const stepSeconds = Math.max(1, Math.floor((plan.days * 86_400) / (subscribers + organic)));
  await fake.setTime(plan.start);
  const results: TrafficResult[] = [];
  for (const [i, campaign] of plan.campaigns.entries()) {
    const last = i === plan.campaigns.length - 1;
    const share =
      Math.floor(subscribers / plan.campaigns.length) + (last ? subscribers % plan.campaigns.length : 0);
    results.push(
      await fake.generateTraffic({
        bot: plan.bot,
        chat: plan.chat,
        subscribers: share,
        organic: last ? organic : 0,
        campaignCode: campaign.code,
        joinMode: campaign.joinMode,
        seed: plan.seed + i,
        stepSeconds,
      }),
    );
  }
  return sumTraffic(results);
}

function sumTraffic(results: readonly TrafficResult[]): TrafficResult {
  const total = { ...results[0]! };
  for (const r of results.slice(1))
    for (const key of Object.keys(total) as (keyof TrafficResult)[]) total[key] += r[key];
  return total;
}

/** What the product must show once every update of the traffic is projected. */
export interface ExpectedCounts {
  leads: number;
  journal: number;
  summary: Summary;
}

export function expectedCounts(t: TrafficResult): ExpectedCounts {
  return {
    leads: t.starts,
    journal: t.requests + t.approvals + t.joins + t.leaves + t.bans + t.organic_joins + t.organic_leaves,
    // Every path of generateTraffic enters each status at most once, so each step is a first entry.
    summary: summarize(
      {
        starts: t.starts,
        holds: t.requests,
        confirms: t.approvals + t.joins,
        cancels: t.leaves,
        trashes: t.bans,
      },
      { joins: t.organic_joins, leaves: t.organic_leaves },
    ),
  };
}

/**
 * Normalizes updates as ingest does, minus the Telegram round trips of a /start: the campaign is
 * resolved by its code and the personal invite link is a made-up one (traffic from generateTraffic
 * never uses the leads' own links, so attribution is by subscriber either way).
 */
export function normalizeAll(
  updates: readonly unknown[],
  ctx: { account: number; bot: number },
  campaigns: readonly BenchCampaign[],
): TelegramEvent[] {
  const byCode = new Map(campaigns.map((c) => [c.code, c]));
  const events: TelegramEvent[] = [];
  for (const update of updates) {
    const normalized = normalizeUpdate(update, ctx);
    if (normalized.kind === 'event') events.push(normalized.event);
    else if (normalized.kind === 'start') {
      const { start } = normalized;
      const { code, click } = parseStartPayload(start.payload);
      const campaign = byCode.get(code);
      if (!campaign) throw new Error(`no campaign has the code of the /start payload "${start.payload}"`);
      const started: SubscriberStarted = {
        ...eventMeta(ctx, start.updateId, start.subscriber.id, start.time),
        type: 'SubscriberStarted',
        data: {
          campaign: campaign.id,
          chat: campaign.chat,
          subscriber: start.subscriber,
          click,
          inviteLink: `https://t.me/+lead${start.updateId}x${start.subscriber.id}`,
        },
      };
      events.push(started);
    }
  }
  return events;
}

/**
 * A fake nobody polls, with a bot administering a chat. Telegram sends chat_member updates only to
 * bots that ask for them, as the product's getUpdates does, so the bot asks once here.
 */
export async function unpolledFake(
  seed: number,
): Promise<{ fake: FakeTelegram; bot: CreatedBot; chat: Chat }> {
  const fake = new FakeTelegram({ recordHistory: false, seed });
  const bot = fake.createBot({ username: 'bench_bot' });
  const chat = fake.createChat({ title: 'Bench chat', type: 'supergroup' });
  fake.addBotToChat(bot, chat, { admin: true });
  await fake.callMethod(bot.token, 'getUpdates', { allowed_updates: [...ALLOWED_UPDATES], timeout: 0 });
  return { fake, bot, chat };
}
