import type { JournalAction, LeadStatus } from '@subtrack/contracts';

/** Lead counters: leads entering each status for the first time (SPEC §6). */
export interface LeadCounters {
  starts: number;
  holds: number;
  confirms: number;
  cancels: number;
  trashes: number;
}

export interface OrganicCounters {
  joins: number;
  leaves: number;
}

export const COUNTER_BY_STATUS: readonly (keyof LeadCounters)[] = [
  'starts',
  'holds',
  'confirms',
  'cancels',
  'trashes',
];

export const counterFor = (status: LeadStatus): keyof LeadCounters => COUNTER_BY_STATUS[status]!;

export const emptyLeadCounters = (): LeadCounters => ({
  starts: 0,
  holds: 0,
  confirms: 0,
  cancels: 0,
  trashes: 0,
});
export const emptyOrganicCounters = (): OrganicCounters => ({ joins: 0, leaves: 0 });

export function addLeadCounters(a: LeadCounters, b: LeadCounters): LeadCounters {
  return {
    starts: a.starts + b.starts,
    holds: a.holds + b.holds,
    confirms: a.confirms + b.confirms,
    cancels: a.cancels + b.cancels,
    trashes: a.trashes + b.trashes,
  };
}

export function addOrganicCounters(a: OrganicCounters, b: OrganicCounters): OrganicCounters {
  return { joins: a.joins + b.joins, leaves: a.leaves + b.leaves };
}

/** Which organic counter a journal row feeds: joins and approvals in, leaves and bans out. */
export function organicCounterFor(action: JournalAction): keyof OrganicCounters | null {
  if (action === 'join' || action === 'approve') return 'joins';
  if (action === 'leave' || action === 'ban') return 'leaves';
  return null;
}

/** Conversion rate: confirms / starts × 100, one decimal, 0 without starts. */
export function conversionRate(confirms: number, starts: number): number {
  if (starts === 0) return 0;
  // One division of exact integers: (c / s) * 1000 would land exact halves such as 201/400 = 50.25 %
  // just below .5 in floating point and round them down.
  return Math.round((confirms * 1000) / starts) / 10;
}

export interface Summary extends LeadCounters {
  cr: number;
  organic_joins: number;
  organic_leaves: number;
}

export function summarize(leads: LeadCounters, organic: OrganicCounters): Summary {
  return {
    ...leads,
    cr: conversionRate(leads.confirms, leads.starts),
    organic_joins: organic.joins,
    organic_leaves: organic.leaves,
  };
}

export interface SeriesPoint {
  date: string;
  starts: number;
  confirms: number;
  cancels: number;
  trashes: number;
  organic: number;
}

export function seriesPoint(date: string, leads: LeadCounters, organic: OrganicCounters): SeriesPoint {
  return {
    date,
    starts: leads.starts,
    confirms: leads.confirms,
    cancels: leads.cancels,
    trashes: leads.trashes,
    organic: organic.joins,
  };
}
