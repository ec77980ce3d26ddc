import { createRng, type Rng } from '@subtrack/telegram-fake';

export type JoinMode = 'request' | 'direct';

/** What one paid subscriber does, in order. `start` may repeat (a new ad click). */
export type SubscriberStep =
  | { kind: 'start'; click: string }
  | { kind: 'request' }
  | { kind: 'approve' }
  | { kind: 'join' }
  | { kind: 'leave' }
  | { kind: 'ban' }
  | { kind: 'kick' };

/** What one organic user (never started the bot, no link) does. */
export type OrganicStep = { kind: 'join' } | { kind: 'leave' } | { kind: 'ban' };

export interface SubscriberPlan {
  index: number;
  /** Index into SimulationPlan.campaigns. */
  campaign: number;
  steps: SubscriberStep[];
}

export interface OrganicPlan {
  index: number;
  steps: OrganicStep[];
}

export interface SimulationPlan {
  seed: number;
  campaigns: { joinMode: JoinMode }[];
  subscribers: SubscriberPlan[];
  organic: OrganicPlan[];
}

export interface PlanOptions {
  subscribers: number;
  organic: number;
  seed: number;
  joinModes: JoinMode[];
}

/** Shares of the paths; tuned so that a default run exercises every transition. */
export const PATH_RATES = {
  /** Stays in wait after /start. */
  wait: 0.15,
  /** Request mode: request stays pending (hold). */
  hold: 0.2,
  /** A subscriber in wait/hold clicks another ad (second /start with a new click). */
  restart: 0.15,
  /** Once a member: leaves / is banned (for good) / is removed (kick, may come back). */
  leave: 0.2,
  ban: 0.1,
  kick: 0.05,
  /** After leaving or being removed: comes back. */
  rejoin: 0.3,
} as const;

const CLICK_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

function click(rng: Rng): string {
  return rng.string(10, CLICK_ALPHABET);
}

function planSubscriber(rng: Rng, index: number, campaign: number, mode: JoinMode): SubscriberPlan {
  const steps: SubscriberStep[] = [{ kind: 'start', click: click(rng) }];
  const maybeRestart = (): void => {
    if (rng.chance(PATH_RATES.restart)) steps.push({ kind: 'start', click: click(rng) });
  };
  const path = rng.next();
  if (path < PATH_RATES.wait) {
    maybeRestart();
    return { index, campaign, steps };
  }
  const enter = (): void => {
    if (mode === 'request') steps.push({ kind: 'request' }, { kind: 'approve' });
    else steps.push({ kind: 'join' });
  };
  if (mode === 'request') {
    steps.push({ kind: 'request' });
    if (path < PATH_RATES.wait + PATH_RATES.hold) {
      maybeRestart();
      return { index, campaign, steps };
    }
    steps.push({ kind: 'approve' });
  } else {
    enter();
  }
  // Member from here on; at most two leave/rejoin rounds keep runs short.
  for (let round = 0; round < 2; round++) {
    const x = rng.next();
    if (x < PATH_RATES.leave) steps.push({ kind: 'leave' });
    else if (x < PATH_RATES.leave + PATH_RATES.ban) {
      steps.push({ kind: 'ban' });
      break;
    } else if (x < PATH_RATES.leave + PATH_RATES.ban + PATH_RATES.kick) steps.push({ kind: 'kick' });
    else break;
    if (!rng.chance(PATH_RATES.rejoin)) break;
    enter();
  }
  return { index, campaign, steps };
}

function planOrganic(rng: Rng, index: number): OrganicPlan {
  const steps: OrganicStep[] = [{ kind: 'join' }];
  for (let round = 0; round < 2; round++) {
    const x = rng.next();
    if (x < 0.3) steps.push({ kind: 'leave' });
    else if (x < 0.35) {
      steps.push({ kind: 'ban' });
      break;
    } else break;
    if (!rng.chance(PATH_RATES.rejoin)) break;
    steps.push({ kind: 'join' });
  }
  return { index, steps };
}

/** Deterministic for a given seed: the same options always give the same plan. */
export function planSimulation(opts: PlanOptions): SimulationPlan {
  if (opts.joinModes.length === 0) throw new Error('at least one join mode is needed');
  if (!Number.isInteger(opts.subscribers) || opts.subscribers < 0)
    throw new Error('subscribers must be a non-negative integer');
  if (!Number.isInteger(opts.organic) || opts.organic < 0)
    throw new Error('organic must be a non-negative integer');
  const rng = createRng(opts.seed);
  const campaigns = opts.joinModes.map((joinMode) => ({ joinMode }));
  const subscribers: SubscriberPlan[] = [];
  for (let i = 0; i < opts.subscribers; i++) {
    const campaign = i % campaigns.length;
    subscribers.push(
      planSubscriber(rng, i, campaign, (campaigns[campaign] as { joinMode: JoinMode }).joinMode),
    );
  }
  const organic: OrganicPlan[] = [];
  for (let i = 0; i < opts.organic; i++) organic.push(planOrganic(rng, i));
  return { seed: opts.seed, campaigns, subscribers, organic };
}
