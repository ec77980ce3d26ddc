export { startEmbedded, ALL_SERVICES } from './app';
export type { EmbeddedApp, EmbeddedOptions } from './app';
