import { ApiGatewayModule } from '@subtrack/api-gateway';
import type { Clock, Config } from '@subtrack/config';
import { IngestModule } from '@subtrack/ingest';
import { LeadProjectionModule } from '@subtrack/lead-projection';
import { startService, type RunningService } from '@subtrack/runtime';
import { StatsModule } from '@subtrack/stats';
import type { LogLevel } from '@nestjs/common';

export const ALL_SERVICES = [IngestModule, LeadProjectionModule, StatsModule, ApiGatewayModule];

export interface EmbeddedOptions {
  config: Config;
  /** Pins "now" (tests); the system clock otherwise. */
  clock?: Clock;
  logger?: LogLevel[] | false;
  /** Milliseconds an idle consumer waits before looking at the log again. */
  idlePollMs?: number;
}

export type EmbeddedApp = RunningService;

/** All four services in one process, on the backend the configuration picks (embedded by default). */
export async function startEmbedded(options: EmbeddedOptions): Promise<EmbeddedApp> {
  const running = await startService({ name: 'embedded', modules: ALL_SERVICES, adminApi: true, ...options });
  return running;
}
