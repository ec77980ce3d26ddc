export { startEmbedded, resolveAdminToken } from './app';
export type { EmbeddedApp, EmbeddedOptions } from './app';
