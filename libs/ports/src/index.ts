export type * from './event-log.port';
export { MAX_PARTITIONS } from './event-log.port';
export type * from './catalog.port';
export type * from './ingest.port';
export type * from './lead.port';
export type * from './stats.port';
export type * from './postback.port';
export type * from './welcome.port';
export * from './tokens';
