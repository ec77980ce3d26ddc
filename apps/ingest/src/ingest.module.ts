import {
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { CONFIG, type Config } from '@subtrack/config';
import {
  CATALOG_STORE,
  EVENT_LOG,
  INGEST_STORE,
  type CatalogStore,
  type EventLog,
  type IngestStore,
} from '@subtrack/ports';
import { BotRegistry } from './bot-registry';
import { PollingRunner } from './polling';
import { TelegramClients } from '@subtrack/telegram';
import { UpdateIngestor } from './update-ingestor';
import { WebhookController } from './webhook.controller';

/** Starts long polling when configured; webhook updates arrive through WebhookController. */
@Injectable()
export class IngestLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ingest');
  private polling: PollingRunner | null = null;

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(BotRegistry) private readonly bots: BotRegistry,
    @Inject(TelegramClients) private readonly telegram: TelegramClients,
    @Inject(UpdateIngestor) private readonly ingestor: UpdateIngestor,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.TELEGRAM_MODE === 'polling') {
      this.polling = new PollingRunner(this.bots, this.telegram, this.ingestor, this.config.BOT_REFRESH_MS);
      await this.polling.start();
    }
    this.logger.log(
      `receiving Telegram updates by ${this.config.TELEGRAM_MODE} from ${this.config.TELEGRAM_API_ROOT}`,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.polling?.stop();
  }
}

@Module({
  controllers: [WebhookController],
  providers: [
    {
      provide: TelegramClients,
      useFactory: (config: Config) => new TelegramClients(config.TELEGRAM_API_ROOT),
      inject: [CONFIG],
    },
    {
      provide: BotRegistry,
      useFactory: (catalog: CatalogStore, config: Config) => new BotRegistry(catalog, config.BOT_REFRESH_MS),
      inject: [CATALOG_STORE, CONFIG],
    },
    {
      provide: UpdateIngestor,
      useFactory: (catalog: CatalogStore, store: IngestStore, log: EventLog, telegram: TelegramClients) =>
        new UpdateIngestor(catalog, store, log, telegram),
      inject: [CATALOG_STORE, INGEST_STORE, EVENT_LOG, TelegramClients],
    },
    IngestLifecycle,
  ],
  exports: [TelegramClients],
})
export class IngestModule {}
