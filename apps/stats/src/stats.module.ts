import { Inject, Injectable, Module } from '@nestjs/common';
import { ConsumerGroups, Topics } from '@subtrack/contracts';
import {
  CATALOG_STORE,
  EVENT_LOG,
  STATS_STORE,
  type CatalogStore,
  type EventLog,
  type StatsStore,
} from '@subtrack/ports';
import { LogConsumer } from '@subtrack/runtime';
import { RollupProjector } from './rollup-projector';

export const STATS_GROUP = ConsumerGroups.stats;

/** Thin shell: the rollup projector subscribed to the lead events topic. */
@Injectable()
export class StatsConsumer extends LogConsumer {
  constructor(
    @Inject(EVENT_LOG) log: EventLog,
    @Inject(STATS_STORE) stats: StatsStore,
    @Inject(CATALOG_STORE) catalog: CatalogStore,
  ) {
    const projector = new RollupProjector(stats, catalog);
    super(log, Topics.leads, STATS_GROUP, (batch) => projector.handle(batch));
  }
}

@Module({ providers: [StatsConsumer] })
export class StatsModule {}
