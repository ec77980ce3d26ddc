/** Unix seconds now; injected so tests can pin "today". */
export type Clock = () => number;
export const CLOCK = Symbol('CLOCK');
export const ADMIN_TOKEN = Symbol('ADMIN_TOKEN');
export const systemClock: Clock = () => Math.floor(Date.now() / 1000);
