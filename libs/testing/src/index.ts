export * from './builders';
export { useFixture, waitFor, delay, requireServer } from './harness';
export type { Closable, StoreFixture } from './harness';
export { eventLogContract } from './event-log.contract';
export type { EventLogFixture, EventLogContractOptions } from './event-log.contract';
export { catalogStoreContract } from './catalog-store.contract';
export { ingestStoreContract } from './ingest-store.contract';
export { leadStoreContract } from './lead-store.contract';
export { statsStoreContract } from './stats-store.contract';
