import {
  addLeadCounters,
  addOrganicCounters,
  emptyLeadCounters,
  emptyOrganicCounters,
  type LeadCounters,
  type OrganicCounters,
} from '@subtrack/domain';
import type { RollupIncrement, RollupScope, StatsStore } from '@subtrack/ports';
import type { LeadRollupDoc, Models, OrganicRollupDoc } from './models';
import { GuardedCounts, guardedModel } from './writes';

const LEAD_COUNTERS = Object.keys(emptyLeadCounters()) as (keyof LeadCounters)[];
const ORGANIC_COUNTERS = Object.keys(emptyOrganicCounters()) as (keyof OrganicCounters)[];

/**
 * Without transactions the "counted once" guard lives in each rollup document: `cp.<partition>` is
 * the last order counted into it, and an increment applies only above it, in the same atomic
 * update as the `$inc`. A partition's increments arrive in increasing order, so the ones reaching
 * one document do too, and a redelivery, overlapping or not, finds its old increments at or below
 * the mark.
 *
 * A rollup row is one document per source partition, summed on read: each document then has a
 * single writer (the consumer that owns the partition), so instances never update one document
 * concurrently. That matters on servers whose per-document updates are not atomic across clients
 * (FerretDB loses concurrent `$inc`s), and spares MongoDB a hot document.
 */
export class MongoStatsStore implements StatsStore {
  constructor(private readonly m: Models) {}

  async apply(increments: readonly RollupIncrement[]): Promise<void> {
    const leads = new GuardedCounts<LeadRollupDoc>('first of an order');
    const organic = new GuardedCounts<OrganicRollupDoc>('first of an order');
    for (const inc of increments) {
      const { account, day } = inc;
      if (inc.kind === 'lead') {
        const zero = { account, campaign: inc.campaign, day, ...emptyLeadCounters(), cp: {} };
        leads.add(`L:${account}:${inc.campaign}:${day}:${inc.partition}`, zero, { ...inc, by: 1 });
      } else {
        const zero = { account, chat: inc.chat, day, ...emptyOrganicCounters(), cp: {} };
        organic.add(`O:${account}:${inc.chat}:${day}:${inc.partition}`, zero, { ...inc, by: 1 });
      }
    }
    await Promise.all([
      leads.write(guardedModel(this.m.leadRollups)),
      organic.write(guardedModel(this.m.organicRollups)),
    ]);
  }

  async leadRollups(scope: RollupScope): Promise<Map<string, LeadCounters>> {
    const docs = await this.m.leadRollups
      .find(rollupFilter(scope, 'campaign'))
      .sort({ day: 1 })
      .lean<LeadRollupDoc[]>()
      .exec();
    return sumPerDay(docs, LEAD_COUNTERS);
  }

  async organicRollups(scope: RollupScope): Promise<Map<string, OrganicCounters>> {
    const docs = await this.m.organicRollups
      .find(rollupFilter(scope, 'chat'))
      .sort({ day: 1 })
      .lean<OrganicRollupDoc[]>()
      .exec();
    return sumPerDay(docs, ORGANIC_COUNTERS);
  }

  async leadTotals(scope: RollupScope): Promise<LeadCounters> {
    let sum = emptyLeadCounters();
    for (const c of (await this.leadRollups(scope)).values()) sum = addLeadCounters(sum, c);
    return sum;
  }

  async organicTotals(scope: RollupScope): Promise<OrganicCounters> {
    let sum = emptyOrganicCounters();
    for (const c of (await this.organicRollups(scope)).values()) sum = addOrganicCounters(sum, c);
    return sum;
  }

  async reset(): Promise<void> {
    // The marks live in the documents, so removing them forgets what was counted too.
    await Promise.all([
      this.m.leadRollups.deleteMany({}).exec(),
      this.m.organicRollups.deleteMany({}).exec(),
    ]);
  }
}

const rollupFilter = (scope: RollupScope, key: 'campaign' | 'chat') => ({
  account: scope.account,
  ...(scope[key] === undefined ? {} : { [key]: scope[key] }),
  day: { $gte: scope.fromDay, $lte: scope.toDay },
});

/** Sums the documents' counters per day, in day order; days with nothing counted are left out. */
function sumPerDay<C extends string>(
  docs: readonly ({ day: string } & Record<C, number>)[],
  counters: readonly C[],
): Map<string, Record<C, number>> {
  const days = new Map<string, Record<C, number>>();
  for (const doc of docs) {
    if (counters.every((c) => !doc[c])) continue;
    let sum = days.get(doc.day);
    if (!sum) days.set(doc.day, (sum = Object.fromEntries(counters.map((c) => [c, 0])) as Record<C, number>));
    for (const c of counters) sum[c] += doc[c];
  }
  return days;
}
