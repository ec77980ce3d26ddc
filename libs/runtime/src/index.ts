export { openAdapters } from './adapters';
export type { Adapters } from './adapters';
export { coreModule } from './core.module';
export { resolveAdminToken } from './admin-token';
export { startService, runService } from './service';
export type { ServiceOptions, RunningService } from './service';
export { LogConsumer } from './log-consumer';
export { HealthController } from './health.controller';
