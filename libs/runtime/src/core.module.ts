import { Global, Module, type DynamicModule } from '@nestjs/common';
import { ADMIN_TOKEN, CLOCK, CONFIG, systemClock, type Clock, type Config } from '@subtrack/config';
import {
  CATALOG_STORE,
  EVENT_LOG,
  INGEST_STORE,
  LEAD_STORE,
  POSTBACK_STORE,
  STATS_STORE,
  WELCOME_STORE,
} from '@subtrack/ports';
import type { Adapters } from './adapters';
import { ADMIN_TOKEN_FILE } from './admin-token';
import { HealthController } from './health.controller';
import { Metrics } from './metrics';
import { MetricsController } from './metrics.controller';

export interface CoreOptions {
  adapters: Adapters;
  config: Config;
  adminToken: string;
  /** Where a generated admin token is kept; null when it came from ADMIN_TOKEN (or none could be kept). */
  adminTokenFile?: string | null;
  metrics: Metrics;
  clock?: Clock;
}

@Global()
@Module({})
class CoreModule {}

/** Binds configuration and every port for the services imported beside it. */
export function coreModule(options: CoreOptions, imports: DynamicModule['imports'] = []): DynamicModule {
  const { adapters } = options;
  const providers = [
    { provide: CONFIG, useValue: options.config },
    { provide: CLOCK, useValue: options.clock ?? systemClock },
    { provide: ADMIN_TOKEN, useValue: options.adminToken },
    { provide: ADMIN_TOKEN_FILE, useValue: options.adminTokenFile ?? null },
    { provide: EVENT_LOG, useValue: adapters.eventLog },
    { provide: CATALOG_STORE, useValue: adapters.catalog },
    { provide: INGEST_STORE, useValue: adapters.ingest },
    { provide: LEAD_STORE, useValue: adapters.leads },
    { provide: STATS_STORE, useValue: adapters.stats },
    { provide: POSTBACK_STORE, useValue: adapters.postbacks },
    { provide: WELCOME_STORE, useValue: adapters.welcomes },
    { provide: Metrics, useValue: options.metrics },
  ];
  return {
    module: CoreModule,
    global: true,
    imports,
    providers,
    // Every service serves these, the consumers too (their only routes).
    controllers: [HealthController, MetricsController],
    exports: providers.map((p) => p.provide),
  };
}
