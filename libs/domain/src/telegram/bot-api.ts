/** What the bot says to a /start when the campaign has no welcome text of its own. */
export const DEFAULT_WELCOME = 'Welcome! Tap the button below to join.';

/** A failed Bot API call as far as deciding what to do next goes. */
export interface BotApiFailure {
  /** Telegram's `error_code`, or null when no answer came (network error, timeout). */
  code: number | null;
  description: string;
  /** `parameters.retry_after` of a 429, seconds. */
  retryAfter?: number;
}

export type BotApiVerdict =
  /** Flood control: nothing may be sent by this bot for this long. */
  | { kind: 'flood'; waitMs: number }
  /** Worth trying again later: Telegram's 5xx, a network error, an unknown answer. */
  | { kind: 'transient' }
  /** Trying again cannot help: blocked by the user, chat not found, token revoked. */
  | { kind: 'permanent' };

export function judgeBotApiFailure(f: BotApiFailure): BotApiVerdict {
  if (f.code === 429) return { kind: 'flood', waitMs: Math.max(1, f.retryAfter ?? 1) * 1000 };
  if (f.code === null || f.code >= 500) return { kind: 'transient' };
  if (f.code === 400 || f.code === 401 || f.code === 403 || f.code === 404) return { kind: 'permanent' };
  return { kind: 'transient' };
}

/**
 * When each Bot API call may go, so a bot stays inside Telegram's limits: per bot and method at
 * most `perSecond` calls a second, evenly spaced (no bursts: Telegram counts any second), messages
 * to one chat at most `perChatPerSecond`, and nothing at all from a bot while a 429's
 * `retry_after` runs. Pure bookkeeping: the caller waits until the time it is given.
 *
 * Two steps: `reserve` hands out evenly spaced slots; `clear`, just before the call goes, checks
 * the calls that actually went. Timers fire late on a busy machine, and two late slots would reach
 * Telegram together; `clear` keeps any `1000 + marginMs` ms of real sends within the rate.
 */
export class SendPacer {
  private readonly next = new Map<string, number>();
  /** When the last calls actually went, oldest first, at most `perSecond` of them per key. */
  private readonly sent = new Map<string, number[]>();
  /** Whole milliseconds, rounded up: any one second then holds at most the rate. */
  private readonly gapMs: number;
  private readonly chatGapMs: number;
  private readonly perSecond: number;

  constructor(
    perSecond: number,
    perChatPerSecond = 1,
    private readonly marginMs = 50,
  ) {
    this.perSecond = Math.max(1, Math.floor(perSecond));
    this.gapMs = Math.ceil(1000 / perSecond);
    this.chatGapMs = Math.ceil(1000 / perChatPerSecond);
  }

  /** Reserves the earliest slot at or after `now` (ms) for a call, and returns it. */
  reserve(now: number, bot: number, method: string, chat?: number): number {
    const keys = [`b${bot}`, `b${bot}/${method}`, ...(chat === undefined ? [] : [`b${bot}/c${chat}`])];
    const at = Math.max(now, ...keys.map((k) => this.next.get(k) ?? 0));
    this.next.set(`b${bot}/${method}`, at + this.gapMs);
    if (chat !== undefined) this.next.set(`b${bot}/c${chat}`, at + this.chatGapMs);
    return at;
  }

  /**
   * Whether a call may go at `now` (ms): 0 when it may, and it is then counted as sent; otherwise
   * how long to wait before asking again (a flood pause, or the rate over the last second).
   */
  clear(now: number, bot: number, method: string): number {
    const paused = (this.next.get(`b${bot}`) ?? 0) - now;
    if (paused > 0) return paused;
    const key = `b${bot}/${method}`;
    let times = this.sent.get(key);
    if (!times) this.sent.set(key, (times = []));
    const window = 1000 + this.marginMs;
    if (times.length >= this.perSecond) {
      const wait = times[0]! + window - now;
      if (wait > 0) return wait;
      times.shift();
    }
    times.push(now);
    return 0;
  }

  /** Holds every call of a bot until `until` (ms): Telegram's flood control applies to the bot. */
  pause(bot: number, until: number): void {
    this.next.set(`b${bot}`, Math.max(this.next.get(`b${bot}`) ?? 0, until));
  }

  /** Forgets slots that are in the past, so the map does not grow with every chat ever seen. */
  prune(now: number): void {
    for (const [k, at] of this.next) if (at <= now) this.next.delete(k);
    for (const [k, times] of this.sent)
      if ((times.at(-1) ?? 0) + 1000 + this.marginMs <= now) this.sent.delete(k);
  }
}
