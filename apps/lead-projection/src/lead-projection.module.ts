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
  LEAD_STORE,
  type CatalogStore,
  type EventLog,
  type LeadStore,
  type Subscription,
} from '@subtrack/ports';
import { LeadProjector } from './lead-projector';

export const LEAD_PROJECTION_GROUP = 'lead-projection';

/** Thin shell: subscribes the projector to the Telegram events topic for the life of the app. */
@Injectable()
export class LeadProjectionConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('lead-projection');
  private subscription: Subscription | null = null;
  private readonly projector: LeadProjector;

  constructor(
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(LEAD_STORE) leads: LeadStore,
    @Inject(CATALOG_STORE) catalog: CatalogStore,
  ) {
    this.projector = new LeadProjector(leads, catalog, log);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = await this.log.subscribe(
      { topic: Topics.telegram, group: LEAD_PROJECTION_GROUP },
      (batch) => this.projector.handle(batch),
    );
    this.logger.log('consuming telegram events');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.stop();
  }
}

@Module({ providers: [LeadProjectionConsumer] })
export class LeadProjectionModule {}
