import 'reflect-metadata';
import { Global, Module, type DynamicModule, type INestApplication, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ApiGatewayModule } from '@subtrack/api-gateway';
import { ADMIN_TOKEN, CLOCK, CONFIG, systemClock, type Clock, type Config } from '@subtrack/config';
import { IngestModule } from '@subtrack/ingest';
import { LeadProjectionModule } from '@subtrack/lead-projection';
import { CATALOG_STORE, EVENT_LOG, INGEST_STORE, LEAD_STORE, STATS_STORE } from '@subtrack/ports';
import { openEmbedded, type EmbeddedAdapters } from '@subtrack/sqlite';
import { StatsModule } from '@subtrack/stats';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface EmbeddedOptions {
  config: Config;
  /** Pins "now" (tests); the system clock otherwise. */
  clock?: Clock;
  logger?: LogLevel[] | false;
  /** Milliseconds an idle consumer waits before looking at the log again. */
  idlePollMs?: number;
}

export interface EmbeddedApp {
  app: INestApplication;
  adapters: EmbeddedAdapters;
  adminToken: string;
  url: string;
  close(): Promise<void>;
}

/** The admin token from ADMIN_TOKEN, else one generated once and kept in the data dir. */
export function resolveAdminToken(config: Config): { token: string; file: string | null } {
  if (config.ADMIN_TOKEN) return { token: config.ADMIN_TOKEN, file: null };
  const file = path.join(config.DATA_DIR, 'admin-token');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(config.DATA_DIR, { recursive: true });
    fs.writeFileSync(file, randomBytes(24).toString('hex') + '\n', { mode: 0o600 });
  }
  return { token: fs.readFileSync(file, 'utf8').trim(), file };
}

/** The composition root: every port bound to the embedded database, all four services in one app. */
function embeddedModule(adapters: EmbeddedAdapters, config: Config, adminToken: string, clock: Clock): DynamicModule {
  @Global()
  @Module({})
  class EmbeddedCoreModule {}
  return {
    module: EmbeddedCoreModule,
    global: true,
    imports: [IngestModule, LeadProjectionModule, StatsModule, ApiGatewayModule],
    providers: [
      { provide: CONFIG, useValue: config },
      { provide: CLOCK, useValue: clock },
      { provide: ADMIN_TOKEN, useValue: adminToken },
      { provide: EVENT_LOG, useValue: adapters.eventLog },
      { provide: CATALOG_STORE, useValue: adapters.catalog },
      { provide: INGEST_STORE, useValue: adapters.ingest },
      { provide: LEAD_STORE, useValue: adapters.leads },
      { provide: STATS_STORE, useValue: adapters.stats },
    ],
    exports: [CONFIG, CLOCK, ADMIN_TOKEN, EVENT_LOG, CATALOG_STORE, INGEST_STORE, LEAD_STORE, STATS_STORE],
  };
}

export async function startEmbedded(options: EmbeddedOptions): Promise<EmbeddedApp> {
  const { config } = options;
  const adapters = openEmbedded(config.DATA_DIR, options.idlePollMs !== undefined ? { idlePollMs: options.idlePollMs } : {});
  const { token: adminToken } = resolveAdminToken(config);
  const app = await NestFactory.create(embeddedModule(adapters, config, adminToken, options.clock ?? systemClock), {
    logger: options.logger ?? ['log', 'warn', 'error'],
    abortOnError: false,
  });
  app.enableShutdownHooks();
  await app.listen(config.PORT, '0.0.0.0');
  const address = app.getHttpServer().address() as { port: number };
  let closed = false;
  return {
    app,
    adapters,
    adminToken,
    url: `http://127.0.0.1:${address.port}`,
    close: async () => {
      if (closed) return;
      closed = true;
      await app.close();
      await adapters.close();
    },
  };
}
