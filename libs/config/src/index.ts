export { loadConfig, isDistributed, ConfigError } from './env';
export type { Config } from './env';
export { CONFIG, ADMIN_TOKEN, CLOCK, systemClock } from './tokens';
export type { Clock } from './tokens';
