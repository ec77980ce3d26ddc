import {
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Topics } from '@subtrack/contracts';
import {
  CATALOG_STORE,
  EVENT_LOG,
  STATS_STORE,
  type CatalogStore,
  type EventLog,
  type StatsStore,
  type Subscription,
} from '@subtrack/ports';
import { RollupProjector } from './rollup-projector';

export const STATS_GROUP = 'stats';

@Injectable()
export class StatsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('stats');
  private subscription: Subscription | null = null;
  private readonly projector: RollupProjector;

  constructor(
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(STATS_STORE) stats: StatsStore,
    @Inject(CATALOG_STORE) catalog: CatalogStore,
  ) {
    this.projector = new RollupProjector(stats, catalog);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = await this.log.subscribe({ topic: Topics.leads, group: STATS_GROUP }, (batch) =>
      this.projector.handle(batch),
    );
    this.logger.log('consuming lead events');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.stop();
  }
}

@Module({ providers: [StatsConsumer] })
export class StatsModule {}
