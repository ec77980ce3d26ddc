import type { LeadEvent } from '@subtrack/contracts';
import { counterFor, localDay, organicCounterFor } from '@subtrack/domain';
import type { CatalogStore, LoggedEvent, RollupIncrement, StatsStore } from '@subtrack/ports';

/**
 * Folds lead status changes and journal rows into daily rollups in each account's time zone: leads
 * entering a status for the first time, and organic joins/leaves per chat. Each increment carries
 * the position of the event it counts, and the store counts each position once, so redelivered or
 * re-published events never count twice.
 */
export class RollupProjector {
  private readonly timezones = new Map<number, string>();

  constructor(
    private readonly stats: StatsStore,
    private readonly catalog: CatalogStore,
  ) {}

  async handle(batch: readonly LoggedEvent[]): Promise<void> {
    // Time zones are looked up before the loop, which then runs without an await per event.
    for (const { event } of batch) if (!this.timezones.has(event.account)) await this.timezone(event.account);
    const increments: RollupIncrement[] = [];
    for (const { event } of batch) {
      const e = event as LeadEvent;
      if (!e.source) continue;
      const at = { partition: e.source.partition, order: e.source.order, account: e.account };
      if (e.type === 'LeadStatusChanged' && e.data.first) {
        const day = localDay(e.time, this.timezones.get(e.account)!);
        increments.push({
          ...at,
          day,
          kind: 'lead',
          campaign: e.data.campaign,
          counter: counterFor(e.data.to),
        });
      } else if (e.type === 'JournalRecorded' && e.data.paid === 0) {
        const counter = organicCounterFor(e.data.action);
        if (!counter) continue;
        const day = localDay(e.time, this.timezones.get(e.account)!);
        increments.push({ ...at, day, kind: 'organic', chat: e.data.chat, counter });
      }
    }
    if (increments.length > 0) await this.stats.apply(increments);
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
