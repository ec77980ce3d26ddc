import type { FakeTelegram } from './fake-telegram';
import type { Ref } from './records';
import { createRng } from './random';

export interface TrafficOptions {
  bot: Ref;
  chat: Ref;
  /** Subscribers who /start the bot with `<campaignCode>-<click>` and then may join. */
  subscribers: number;
  /** Users who join without a link and without starting the bot. */
  organic?: number;
  campaignCode?: string;
  joinMode?: 'request' | 'direct';
  /** Share of subscribers who go on to join (default 0.8). */
  joinRate?: number;
  /** In request mode, share of requests the owner approves (default 0.9). */
  approveRate?: number;
  /** Share of members who leave (default 0.1) or are banned (default 0.05) afterwards. */
  leaveRate?: number;
  banRate?: number;
  seed?: number;
  /** Advance the fake's clock by this many seconds after each subscriber (spreads events over days). */
  stepSeconds?: number;
}

export interface TrafficResult {
  updates: number;
  users: number;
  starts: number;
  requests: number;
  approvals: number;
  joins: number;
  leaves: number;
  bans: number;
  organic_joins: number;
  organic_leaves: number;
}

/**
 * Bulk load for benchmarks: plays many subscriber lifecycles through the normal scenario
 * methods, so every update is as realistic as a hand-written one. The invite links are created
 * as the bot itself would create them (the product's own links never reach the users here, so
 * attribution falls back to the subscriber match).
 */
export function generateTraffic(fake: FakeTelegram, opts: TrafficOptions): TrafficResult {
  const rng = createRng(opts.seed ?? 1);
  const code = opts.campaignCode ?? 'BENCH';
  const joinMode = opts.joinMode ?? 'request';
  const joinRate = opts.joinRate ?? 0.8;
  const approveRate = opts.approveRate ?? 0.9;
  const leaveRate = opts.leaveRate ?? 0.1;
  const banRate = opts.banRate ?? 0.05;
  const result: TrafficResult = {
    updates: 0,
    users: 0,
    starts: 0,
    requests: 0,
    approvals: 0,
    joins: 0,
    leaves: 0,
    bans: 0,
    organic_joins: 0,
    organic_leaves: 0,
  };
  const count = (emitted: unknown[]): void => {
    result.updates += emitted.length;
  };
  const step = (): void => {
    if (opts.stepSeconds) fake.advanceTime(opts.stepSeconds);
  };
  const link =
    joinRate > 0
      ? fake.createInviteLink(
          opts.chat,
          opts.bot,
          joinMode === 'request' ? { creates_join_request: true } : {},
        )
      : undefined;

  for (let i = 0; i < opts.subscribers; i++) {
    const user = fake.createUser({ first_name: `Sub${i}` });
    result.users++;
    fake.userStartsBot(user, opts.bot, `${code}-${rng.string(12)}`);
    result.starts++;
    result.updates++;
    if (link && rng.chance(joinRate)) {
      let member = false;
      if (joinMode === 'request') {
        count(fake.userRequestsJoin(user, opts.chat, link));
        result.requests++;
        if (rng.chance(approveRate)) {
          count(fake.adminApprovesJoin(opts.chat, user));
          result.approvals++;
          member = true;
        }
      } else {
        count(fake.userJoins(user, opts.chat, link));
        result.joins++;
        member = true;
      }
      if (member) {
        const roll = rng.next();
        if (roll < leaveRate) {
          count(fake.userLeaves(user, opts.chat));
          result.leaves++;
        } else if (roll < leaveRate + banRate) {
          count(fake.adminBans(opts.chat, user));
          result.bans++;
        }
      }
    }
    step();
  }

  for (let i = 0; i < (opts.organic ?? 0); i++) {
    const user = fake.createUser({ first_name: `Organic${i}` });
    result.users++;
    count(fake.userJoins(user, opts.chat));
    result.organic_joins++;
    if (rng.chance(leaveRate)) {
      count(fake.userLeaves(user, opts.chat));
      result.organic_leaves++;
    }
    step();
  }
  return result;
}
