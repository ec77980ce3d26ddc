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
 */
export class SendPacer {
  private readonly next = new Map<string, number>();
  /** Whole milliseconds, rounded up: any one second then holds at most the rate. */
  private readonly gapMs: number;
  private readonly chatGapMs: number;

  constructor(perSecond: number, perChatPerSecond = 1) {
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

  /** Holds every call of a bot until `until` (ms): Telegram's flood control applies to the bot. */
  pause(bot: number, until: number): void {
    this.next.set(`b${bot}`, Math.max(this.next.get(`b${bot}`) ?? 0, until));
  }

  /** Forgets slots that are in the past, so the map does not grow with every chat ever seen. */
  prune(now: number): void {
    for (const [k, at] of this.next) if (at <= now) this.next.delete(k);
  }
}
