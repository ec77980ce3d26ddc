import { type LeadStatus, type LeadEvent } from '@subtrack/contracts';
import {
  counterFor,
  emptyLeadCounters,
  emptyOrganicCounters,
  localDay,
  organicCounterFor,
  type LeadCounters,
  type OrganicCounters,
} from '@subtrack/domain';
import type { CatalogStore, Checkpoints, LoggedEvent, LeadRollupDelta, OrganicRollupDelta, StatsStore } from '@subtrack/ports';

/**
 * Folds lead status changes and journal rows into daily rollups in each account's time zone:
 * leads entering a status for the first time, and organic joins/leaves per chat. A batch is
 * applied with its source positions, so a redelivered or re-published event is never counted twice.
 */
export class RollupProjector {
  private checkpoints: Checkpoints | null = null;
  private readonly timezones = new Map<number, string>();

  constructor(
    private readonly stats: StatsStore,
    private readonly catalog: CatalogStore,
  ) {}

  async handle(batch: readonly LoggedEvent[]): Promise<void> {
    const applied = (this.checkpoints ??= await this.stats.checkpoints());
    const next: Checkpoints = {};
    const leads = new Map<string, LeadRollupDelta>();
    const organic = new Map<string, OrganicRollupDelta>();

    for (const { event } of batch) {
      const source = event.source;
      if (!source || source.order <= (next[source.partition] ?? applied[source.partition] ?? -1)) continue;
      next[source.partition] = source.order;
      const e = event as LeadEvent;
      if (e.type === 'LeadStatusChanged' && e.data.first) {
        const day = localDay(e.time, await this.timezone(e.account));
        const key = `${e.account}:${e.data.campaign}:${day}`;
        let delta = leads.get(key);
        if (!delta) leads.set(key, (delta = { account: e.account, campaign: e.data.campaign, day, counters: emptyLeadCounters() }));
        delta.counters[counterFor(e.data.to as LeadStatus)] += 1;
      } else if (e.type === 'JournalRecorded' && e.data.paid === 0) {
        const counter = organicCounterFor(e.data.action);
        if (!counter) continue;
        const day = localDay(e.time, await this.timezone(e.account));
        const key = `${e.account}:${e.data.chat}:${day}`;
        let delta = organic.get(key);
        if (!delta) organic.set(key, (delta = { account: e.account, chat: e.data.chat, day, counters: emptyOrganicCounters() }));
        delta.counters[counter] += 1;
      }
    }
    if (Object.keys(next).length === 0) return;
    await this.stats.apply({ leads: [...leads.values()], organic: [...organic.values()], checkpoints: next });
    this.checkpoints = { ...applied, ...next };
  }

  /** Forgets cached positions (after the store was reset for a rebuild). */
  forget(): void {
    this.checkpoints = null;
  }

  private async timezone(account: number): Promise<string> {
    let tz = this.timezones.get(account);
    if (!tz) {
      tz = (await this.catalog.getAccount(account))?.timezone ?? 'UTC';
      this.timezones.set(account, tz);
    }
    return tz;
  }
}

export type { LeadCounters, OrganicCounters };
