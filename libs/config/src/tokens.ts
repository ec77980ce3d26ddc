/** Injection tokens of what the composition root hands every service. */
export const CONFIG = Symbol('CONFIG');
export const ADMIN_TOKEN = Symbol('ADMIN_TOKEN');
export const CLOCK = Symbol('CLOCK');

/** Unix seconds now; injected so tests can pin "today". */
export type Clock = () => number;
export const systemClock: Clock = () => Math.floor(Date.now() / 1000);
