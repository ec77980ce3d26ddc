import {
  Inject,
  Injectable,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { CONFIG, type Config } from '@subtrack/config';
import { ConsumerGroups, Topics } from '@subtrack/contracts';
import {
  CATALOG_STORE,
  EVENT_LOG,
  LEAD_STORE,
  POSTBACK_STORE,
  type CatalogStore,
  type EventLog,
  type LeadStore,
  type PostbackStore,
} from '@subtrack/ports';
import { LogConsumer, Metrics } from '@subtrack/runtime';
import { LeadProjector } from './lead-projector';
import { PostbackSender } from './postback-sender';
import { PostbackSigner } from '@subtrack/postback-http';

export const LEAD_PROJECTION_GROUP = ConsumerGroups.leadProjection;

/** Thin shell: the projector subscribed to the Telegram events topic. */
@Injectable()
export class LeadProjectionConsumer extends LogConsumer {
  constructor(
    @Inject(EVENT_LOG) log: EventLog,
    @Inject(LEAD_STORE) leads: LeadStore,
    @Inject(CATALOG_STORE) catalog: CatalogStore,
  ) {
    const projector = new LeadProjector(leads, catalog, log);
    super(log, Topics.telegram, LEAD_PROJECTION_GROUP, (batch) => projector.handle(batch));
  }
}

/** Delivers the postbacks the projection queued. */
@Injectable()
export class PostbackDelivery implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly sender: PostbackSender;

  constructor(
    @Inject(POSTBACK_STORE) store: PostbackStore,
    @Inject(CATALOG_STORE) catalog: CatalogStore,
    @Inject(CONFIG) config: Config,
    @Inject(Metrics) metrics: Metrics,
  ) {
    const signer = new PostbackSigner(catalog);
    metrics.watchOutbox('postbacks', store);
    this.sender = new PostbackSender(store, {
      allowPrivate: config.POSTBACK_ALLOW_PRIVATE,
      maxRetryDelayMs: config.POSTBACK_RETRY_MAX_MS,
      headersFor: (d, at) => signer.headersFor(d, at),
      observe: (status) =>
        metrics.postbackAttempts.inc({ status: status === null ? 'error' : String(status) }),
    });
  }

  onApplicationBootstrap(): void {
    this.sender.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sender.stop();
  }
}

@Module({ providers: [LeadProjectionConsumer, PostbackDelivery] })
export class LeadProjectionModule {}
