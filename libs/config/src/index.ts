export { loadConfig, isDistributed, ConfigError } from './env';
export type { Config } from './env';
export const CONFIG = Symbol('CONFIG');
