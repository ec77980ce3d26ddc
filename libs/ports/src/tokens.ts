/** Injection tokens: the composition root binds each port to one adapter. */
export const EVENT_LOG = Symbol('EVENT_LOG');
export const CATALOG_STORE = Symbol('CATALOG_STORE');
export const INGEST_STORE = Symbol('INGEST_STORE');
export const LEAD_STORE = Symbol('LEAD_STORE');
export const STATS_STORE = Symbol('STATS_STORE');
export const POSTBACK_STORE = Symbol('POSTBACK_STORE');
export const WELCOME_STORE = Symbol('WELCOME_STORE');
