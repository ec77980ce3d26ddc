import { TelegramApiError } from './errors';

/** How the Bot API behaves on the wire, as production does: a round trip away, and throttled. */
export interface NetworkConditions {
  /** Added to every Bot API answer (ms): a fixed delay, or [min, max] drawn per call. 0 = none. */
  latencyMs?: number | [number, number];
  /**
   * Flood control: a bot calling one method more often than this within any second gets
   * `429 Too Many Requests` with `parameters.retry_after`, and keeps getting it until that time has
   * passed. 0 = off. Telegram allows about 30 messages a second per bot.
   */
  floodLimitPerSecond?: number;
}

export interface NetworkState {
  latencyMs: [number, number];
  floodLimitPerSecond: number;
  /** Calls refused with 429 so far. */
  floodAnswers: number;
}

/** Methods Telegram does not throttle this way (long polling, webhook setup). */
const UNTHROTTLED = new Set(['getupdates', 'setwebhook', 'deletewebhook', 'getwebhookinfo', 'getme']);

/**
 * Latency and flood control for the fake Bot API. Runs on real time (`now`, Date.now by default),
 * not the scenario clock, because what it models is the product's pace of calling.
 */
export class BotApiConditions {
  private latency: [number, number] = [0, 0];
  private limit = 0;
  /** Accepted call times within the last second, and the end of a flood penalty, by bot and method. */
  private readonly windows = new Map<string, { calls: number[]; blockedUntil: number }>();
  private floods = 0;

  constructor(
    conditions: NetworkConditions = {},
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {
    this.configure(conditions);
  }

  configure(conditions: NetworkConditions): void {
    if (conditions.latencyMs !== undefined) {
      const l = conditions.latencyMs;
      this.latency = typeof l === 'number' ? [l, l] : [l[0], l[1]];
      if (!(this.latency[0] >= 0 && this.latency[1] >= this.latency[0]))
        throw new RangeError('latencyMs must be >= 0, and [min, max] with min <= max');
    }
    if (conditions.floodLimitPerSecond !== undefined) {
      if (!(conditions.floodLimitPerSecond >= 0)) throw new RangeError('floodLimitPerSecond must be >= 0');
      this.limit = conditions.floodLimitPerSecond;
      this.windows.clear();
    }
  }

  /** The conditions in force, and how many calls were refused for flooding so far. */
  describe(): NetworkState {
    return { latencyMs: [...this.latency], floodLimitPerSecond: this.limit, floodAnswers: this.floods };
  }

  /** The delay of one call's answer (ms). */
  delayMs(): number {
    const [min, max] = this.latency;
    return min === max ? min : min + Math.round((max - min) * this.random());
  }

  /** Throws the 429 Telegram would answer, or counts the call as accepted. */
  admit(bot: number, method: string): void {
    if (this.limit <= 0 || UNTHROTTLED.has(method.toLowerCase())) return;
    const key = `${bot}/${method.toLowerCase()}`;
    const at = this.now();
    let w = this.windows.get(key);
    if (!w) this.windows.set(key, (w = { calls: [], blockedUntil: 0 }));
    if (at < w.blockedUntil) throw this.flood(w.blockedUntil - at);
    while (w.calls.length > 0 && w.calls[0]! <= at - 1000) w.calls.shift();
    if (w.calls.length >= this.limit) {
      // Like Telegram, a flood earns a pause of whole seconds, counted from now.
      const retryAfter = Math.max(1, Math.ceil((w.calls[0]! + 1000 - at) / 1000));
      w.blockedUntil = at + retryAfter * 1000;
      throw this.flood(retryAfter * 1000);
    }
    w.calls.push(at);
  }

  private flood(waitMs: number): TelegramApiError {
    this.floods++;
    const retryAfter = Math.max(1, Math.ceil(waitMs / 1000));
    return new TelegramApiError(429, `Too Many Requests: retry after ${retryAfter}`, {
      retry_after: retryAfter,
    });
  }
}
