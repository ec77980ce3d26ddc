import type { OrganicPlan, SimulationPlan, SubscriberPlan, SubscriberStep } from './plan';

/** The fields of GET /api/stats/summary.json. */
export interface Summary {
  starts: number;
  holds: number;
  confirms: number;
  cancels: number;
  trashes: number;
  cr: number;
  organic_joins: number;
  organic_leaves: number;
}

export const SUMMARY_FIELDS: readonly (keyof Summary)[] = [
  'starts',
  'holds',
  'confirms',
  'cancels',
  'trashes',
  'cr',
  'organic_joins',
  'organic_leaves',
];

export type LeadStatus = 0 | 1 | 2 | 3 | 4;

/**
 * Replays the lead state machine of SPEC §4 over a subscriber's steps and returns every status
 * the lead entered (the summary counts each lead once per status).
 */
export function leadStatuses(steps: readonly SubscriberStep[]): Set<LeadStatus> {
  const reached = new Set<LeadStatus>();
  let status: LeadStatus | null = null;
  const enter = (next: LeadStatus): void => {
    status = next;
    reached.add(next);
  };
  for (const step of steps) {
    switch (step.kind) {
      case 'start':
        if (status === null) enter(0);
        break;
      case 'request':
        if (status === 0) enter(1);
        break;
      case 'approve':
      case 'join':
        if (status !== null && status !== 2) enter(2);
        break;
      case 'leave':
        if (status === 2) enter(3);
        break;
      case 'ban':
      case 'kick':
        if (status === 1 || status === 2 || status === 3) enter(4);
        break;
    }
  }
  return reached;
}

function organicCounts(organic: readonly OrganicPlan[]): { joins: number; leaves: number } {
  let joins = 0;
  let leaves = 0;
  for (const user of organic) {
    for (const step of user.steps) {
      if (step.kind === 'join') joins++;
      else leaves++;
    }
  }
  return { joins, leaves };
}

export function cr(confirms: number, starts: number): number {
  return starts === 0 ? 0 : Math.round((confirms / starts) * 1000) / 10;
}

/**
 * What the product's summary must show for the plan (SPEC §6): account-wide, or for one campaign
 * (whose organic numbers are those of its chat — every campaign here shares one chat).
 */
export function expectedSummary(plan: SimulationPlan, campaign?: number): Summary {
  const subs: SubscriberPlan[] = plan.subscribers.filter(
    (s) => campaign === undefined || s.campaign === campaign,
  );
  const count = { 0: 0, 1: 0, 2: 0, 3: 0, 4: 0 };
  for (const sub of subs) for (const status of leadStatuses(sub.steps)) count[status]++;
  const organic = organicCounts(plan.organic);
  return {
    starts: count[0],
    holds: count[1],
    confirms: count[2],
    cancels: count[3],
    trashes: count[4],
    cr: cr(count[2], count[0]),
    organic_joins: organic.joins,
    organic_leaves: organic.leaves,
  };
}

/** Planned Telegram actions by kind (the simulator reports what it actually did beside these). */
export function plannedActions(plan: SimulationPlan): Record<string, number> {
  const out: Record<string, number> = {
    start: 0,
    restart: 0,
    request: 0,
    approve: 0,
    join: 0,
    leave: 0,
    ban: 0,
    kick: 0,
    organic_join: 0,
    organic_leave: 0,
    organic_ban: 0,
  };
  const inc = (key: string): void => {
    out[key] = (out[key] ?? 0) + 1;
  };
  for (const sub of plan.subscribers) {
    let started = false;
    for (const step of sub.steps) {
      if (step.kind === 'start') {
        inc(started ? 'restart' : 'start');
        started = true;
      } else inc(step.kind);
    }
  }
  for (const user of plan.organic) for (const step of user.steps) inc(`organic_${step.kind}`);
  return out;
}
