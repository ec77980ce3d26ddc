import { Topics } from '@subtrack/contracts';
import type { Config } from '@subtrack/config';
import { LEAD_PROJECTION_GROUP, LeadProjector } from '@subtrack/lead-projection';
import { RollupProjector, STATS_GROUP } from '@subtrack/stats';
import { openAdapters } from '@subtrack/runtime';

export interface ReplayProgress {
  leadProjectionLag: number;
  statsLag: number;
}

/**
 * Rebuilds every projection from the event log: leads, transitions and the journal, the derived
 * lead-events topic, and the rollups. Run it with the services stopped (on Kafka a group with live
 * members cannot be reset, so a running deployment makes it fail rather than race). Ids come from
 * log positions, so the rebuilt projections answer exactly as before.
 */
export async function replay(
  config: Config,
  progress: (p: ReplayProgress) => void = () => undefined,
): Promise<void> {
  const adapters = await openAdapters(config, { clientId: 'replay', idlePollMs: 50 });
  const { eventLog, leads, stats, catalog } = adapters;
  try {
    await eventLog.resetGroup(LEAD_PROJECTION_GROUP, Topics.telegram);
    await eventLog.resetGroup(STATS_GROUP, Topics.leads);
    await leads.reset();
    await stats.reset();
    await eventLog.truncate(Topics.leads);

    const projector = new LeadProjector(leads, catalog, eventLog);
    const rollups = new RollupProjector(stats, catalog);
    const subscriptions = [
      await eventLog.subscribe({ topic: Topics.telegram, group: LEAD_PROJECTION_GROUP }, (batch) =>
        projector.handle(batch),
      ),
      await eventLog.subscribe({ topic: Topics.leads, group: STATS_GROUP }, (batch) => rollups.handle(batch)),
    ];
    try {
      // Done when both groups have no lag twice in a row: the second look covers events the
      // lead projection derived between the two reads.
      let quiet = 0;
      while (quiet < 2) {
        await new Promise((r) => setTimeout(r, 500));
        const p = {
          leadProjectionLag: await eventLog.lag(LEAD_PROJECTION_GROUP, Topics.telegram),
          statsLag: await eventLog.lag(STATS_GROUP, Topics.leads),
        };
        progress(p);
        quiet = p.leadProjectionLag === 0 && p.statsLag === 0 ? quiet + 1 : 0;
      }
    } finally {
      for (const s of subscriptions) await s.stop();
    }
  } finally {
    await adapters.close();
  }
}
