import { Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { CONFIG, type Config } from '@subtrack/config';
import { ConsumerGroups, Topics } from '@subtrack/contracts';
import {
  CATALOG_STORE,
  EVENT_LOG,
  LEAD_STORE,
  STATS_STORE,
  type CatalogStore,
  type EventLog,
  type LeadStore,
  type StatsStore,
} from '@subtrack/ports';
import { Metrics } from '@subtrack/runtime';
import { TelegramClients } from '@subtrack/telegram';
import { AbuseLimits } from './abuse-limits';
import { AccountController, AdminController } from './account.controllers';
import { AccountsService } from './accounts.service';
import { ApiErrorFilter } from './api-error';
import { BotsController } from './bots.controller';
import { BotsService } from './bots.service';
import { CampaignsController } from './campaigns.controller';
import { CampaignsService } from './campaigns.service';
import { DashboardController } from './dashboard.controller';
import { DataController } from './data.controllers';
import { DocsController } from './docs.controller';
import { MetaController } from './meta.controller';
import { PostbacksController } from './postbacks.controller';
import { PostbacksService } from './postbacks.service';
import { ReportsService } from './reports.service';
import { StatsQuery } from './stats-query';
import { CLOCK, type Clock } from '@subtrack/config';

/** The HTTP API. Expects CONFIG, ADMIN_TOKEN, CLOCK and the store ports from the composition root. */
@Module({
  controllers: [
    AdminController,
    AccountController,
    BotsController,
    CampaignsController,
    DataController,
    PostbacksController,
    MetaController,
    DocsController,
    DashboardController,
  ],
  providers: [
    { provide: APP_FILTER, useClass: ApiErrorFilter },
    AccountsService,
    BotsService,
    CampaignsService,
    PostbacksService,
    ReportsService,
    {
      provide: TelegramClients,
      useFactory: (config: Config, metrics: Metrics) =>
        new TelegramClients(config.TELEGRAM_API_ROOT, metrics.observeBotApi),
      inject: [CONFIG, Metrics],
    },
    {
      provide: StatsQuery,
      useFactory: (
        catalog: CatalogStore,
        leads: LeadStore,
        stats: StatsStore,
        log: EventLog,
        clock: Clock,
      ) => {
        // Requests arriving while a lag check is under way share it rather than queueing more.
        let checking: Promise<boolean> | null = null;
        const rollupsCurrent = () =>
          (checking ??= log
            .lag(ConsumerGroups.stats, Topics.leads)
            .then((lag) => lag === 0)
            .finally(() => {
              checking = null;
            }));
        return new StatsQuery(catalog, leads, stats, clock, rollupsCurrent);
      },
      inject: [CATALOG_STORE, LEAD_STORE, STATS_STORE, EVENT_LOG, CLOCK],
    },
  ],
})
export class ApiGatewayModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(AbuseLimits).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
