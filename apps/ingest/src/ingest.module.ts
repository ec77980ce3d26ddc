import {
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { CLOCK, CONFIG, type Clock, type Config } from '@subtrack/config';
import {
  CATALOG_STORE,
  EVENT_LOG,
  INGEST_STORE,
  LEAD_STORE,
  WELCOME_STORE,
  type Bot,
  type CatalogStore,
  type EventLog,
  type IngestStore,
  type LeadStore,
  type WelcomeStore,
} from '@subtrack/ports';
import { BotApiGate } from './bot-api-gate';
import { BotRegistry } from './bot-registry';
import { MembershipRecheck } from './membership-recheck';
import { PollingRunner } from './polling';
import { Metrics } from '@subtrack/runtime';
import { TelegramClients } from '@subtrack/telegram';
import { UpdateIngestor } from './update-ingestor';
import { GroupCommit } from './group-commit';
import { WebhookRoute } from './webhook-route';
import { WelcomeSender } from './welcome-sender';

/**
 * Starts long polling when configured; otherwise (re)registers the bots' webhooks when PUBLIC_URL is
 * set, and webhook updates arrive through WebhookRoute.
 */
@Injectable()
export class IngestLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ingest');
  private polling: PollingRunner | null = null;

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(BotRegistry) private readonly bots: BotRegistry,
    @Inject(TelegramClients) private readonly telegram: TelegramClients,
    @Inject(UpdateIngestor) private readonly ingestor: UpdateIngestor,
    @Inject(WelcomeSender) private readonly welcomes: WelcomeSender,
    @Inject(MembershipRecheck) private readonly recheck: MembershipRecheck,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.welcomes.start();
    this.recheck.start();
    if (this.config.TELEGRAM_MODE === 'polling') {
      this.polling = new PollingRunner(this.bots, this.telegram, this.ingestor, this.config.BOT_REFRESH_MS);
      await this.polling.start();
    } else if (this.config.PUBLIC_URL) {
      void this.registerWebhooks(this.config.PUBLIC_URL);
    }
    this.logger.log(
      `receiving Telegram updates by ${this.config.TELEGRAM_MODE} from ${this.config.TELEGRAM_API_ROOT}`,
    );
  }

  /**
   * (Re)points every known bot at this ingest: after polling (which deleted the webhooks) or a new
   * PUBLIC_URL, Telegram would otherwise keep delivering nowhere. In the background, bot by bot.
   */
  private async registerWebhooks(publicUrl: string): Promise<void> {
    let done = 0;
    let bots: Bot[] = [];
    try {
      bots = await this.bots.all();
    } catch (err) {
      this.logger.error(`could not list bots to register their webhooks: ${String(err)}`);
    }
    for (const bot of bots) {
      try {
        await this.telegram.registerWebhook(bot, publicUrl);
        done++;
      } catch (err) {
        this.logger.warn(`bot ${bot.id}: setWebhook failed: ${(err as Error).message}`);
      }
    }
    if (bots.length > 0) this.logger.log(`webhooks of ${done}/${bots.length} bots point at ${publicUrl}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.polling?.stop();
    await this.welcomes.stop();
    await this.recheck.stop();
  }
}

@Module({
  providers: [
    {
      provide: TelegramClients,
      useFactory: (config: Config, metrics: Metrics) =>
        new TelegramClients(config.TELEGRAM_API_ROOT, metrics.observeBotApi),
      inject: [CONFIG, Metrics],
    },
    {
      provide: BotRegistry,
      useFactory: (catalog: CatalogStore, config: Config) => new BotRegistry(catalog, config.BOT_REFRESH_MS),
      inject: [CATALOG_STORE, CONFIG],
    },
    {
      provide: UpdateIngestor,
      useFactory: (catalog: CatalogStore, store: IngestStore, log: EventLog) =>
        new UpdateIngestor(catalog, store, new GroupCommit(log)),
      inject: [CATALOG_STORE, INGEST_STORE, EVENT_LOG],
    },
    {
      provide: BotApiGate,
      useFactory: (config: Config) => new BotApiGate(config.TELEGRAM_RATE_PER_BOT),
      inject: [CONFIG],
    },
    {
      provide: WelcomeSender,
      useFactory: (
        welcomes: WelcomeStore,
        bots: BotRegistry,
        store: IngestStore,
        log: EventLog,
        telegram: TelegramClients,
        gate: BotApiGate,
        catalog: CatalogStore,
        config: Config,
        metrics: Metrics,
      ) => {
        metrics.watchOutbox('welcomes', welcomes);
        return new WelcomeSender(welcomes, bots, catalog, store, log, telegram, gate, {
          holdMs: config.WELCOME_HOLD_MS,
        });
      },
      inject: [
        WELCOME_STORE,
        BotRegistry,
        INGEST_STORE,
        EVENT_LOG,
        TelegramClients,
        BotApiGate,
        CATALOG_STORE,
        CONFIG,
        Metrics,
      ],
    },
    {
      provide: MembershipRecheck,
      useFactory: (
        leads: LeadStore,
        catalog: CatalogStore,
        log: EventLog,
        telegram: TelegramClients,
        gate: BotApiGate,
        config: Config,
        clock: Clock,
      ) =>
        new MembershipRecheck(leads, catalog, log, telegram, gate, {
          perMinute: config.TELEGRAM_RECHECK_PER_MINUTE,
          clock,
        }),
      inject: [LEAD_STORE, CATALOG_STORE, EVENT_LOG, TelegramClients, BotApiGate, CONFIG, CLOCK],
    },
    IngestLifecycle,
    WebhookRoute,
  ],
  exports: [TelegramClients],
})
export class IngestModule {}
