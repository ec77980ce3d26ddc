import { SendPacer, type BotApiFailure } from '@subtrack/domain';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * The one pace of a process's Bot API calls: every caller (welcomes, the membership recheck) waits
 * here, so together they stay inside Telegram's limits, and a 429 holds all of a bot's calls.
 */
export class BotApiGate {
  private readonly pacer: SendPacer;

  constructor(
    ratePerSecond: number,
    private readonly now: () => number = Date.now,
  ) {
    this.pacer = new SendPacer(ratePerSecond);
  }

  /**
   * Waits for the pacer's slot for this call, then until the call may really go: 0 when it may.
   * When that would be after `deadline` it does not wait, and answers when the call could go.
   */
  async slot(deadline: number, bot: number, method: string, chat?: number): Promise<number> {
    const now = this.now();
    const at = this.pacer.reserve(now, bot, method, chat);
    if (at > deadline) return at;
    if (at > now) await sleep(at - now);
    for (let wait = this.pacer.clear(this.now(), bot, method); wait > 0;) {
      if (this.now() + wait > deadline) return this.now() + wait;
      await sleep(wait);
      wait = this.pacer.clear(this.now(), bot, method);
    }
    return 0;
  }

  /** Holds every call of a bot until `until` (ms). */
  pause(bot: number, until: number): void {
    this.pacer.pause(bot, until);
  }

  prune(): void {
    this.pacer.prune(this.now());
  }
}

/** A telegraf error (a Bot API answer) or a network error, as the domain judges failures. */
export function failureOf(err: unknown): BotApiFailure {
  const e = err as {
    response?: { error_code?: number; description?: string; parameters?: { retry_after?: number } };
    message?: string;
    code?: string;
  };
  if (e.response && typeof e.response.error_code === 'number') {
    return {
      code: e.response.error_code,
      description: e.response.description ?? `error ${e.response.error_code}`,
      ...(e.response.parameters?.retry_after !== undefined
        ? { retryAfter: e.response.parameters.retry_after }
        : {}),
    };
  }
  return { code: null, description: e.code ?? e.message ?? String(err) };
}
