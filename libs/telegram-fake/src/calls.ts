import { BOT_API, ApiAnswer, type BotApiParts } from './bot-api';
import type { BotApiConditions } from './conditions';
import { TelegramApiError, notFound, unauthorized } from './errors';
import type { Lifecycle } from './lifecycle';
import { Params } from './params';
import { idOf, type ApiCallRecord, type BotRecord, type FaultSpec } from './records';

/** Answers Bot API calls: token and method lookup, latency and flood control, injected faults, the call log. */
export class BotApiCalls {
  private readonly log: ApiCallRecord[] = [];
  private readonly faults: (FaultSpec & { remaining: number })[] = [];

  constructor(
    private readonly parts: BotApiParts,
    private readonly network: BotApiConditions,
    private readonly lifecycle: Lifecycle,
    private readonly recordHistory: boolean,
  ) {}

  async call(
    token: string,
    method: string,
    raw: Record<string, unknown>,
    ctx: { signal?: AbortSignal },
  ): Promise<ApiAnswer> {
    const bot = this.parts.world.botsByToken.get(token);
    if (!bot) throw unauthorized();
    bot.consumed = true;
    const handler = BOT_API[method.toLowerCase()];
    if (!handler) throw notFound();
    const log: ApiCallRecord | undefined = this.recordHistory
      ? { bot_id: bot.user.id, method, params: raw, date: this.parts.world.now(), ok: true }
      : undefined;
    if (log) this.log.push(log);
    try {
      const delay = this.network.delayMs();
      if (delay > 0) await this.lifecycle.sleep(delay);
      this.network.admit(bot.user.id, method);
      const fault = this.takeFault(bot, method);
      if (fault) throw fault;
      const value = await handler(this.parts, bot, new Params(raw), ctx);
      return value instanceof ApiAnswer ? value : new ApiAnswer(value);
    } catch (e) {
      if (log && e instanceof TelegramApiError) {
        log.ok = false;
        log.error_code = e.errorCode;
        log.description = e.description;
      }
      throw e;
    }
  }

  calls(botId?: number): ApiCallRecord[] {
    return this.log.filter((c) => botId === undefined || c.bot_id === botId);
  }

  failNext(fault: FaultSpec): void {
    this.faults.push({ ...fault, remaining: fault.times ?? 1 });
  }

  private takeFault(bot: BotRecord, method: string): TelegramApiError | undefined {
    const index = this.faults.findIndex(
      (f) =>
        f.method.toLowerCase() === method.toLowerCase() &&
        (f.bot === undefined || idOf(f.bot) === bot.user.id),
    );
    const fault = this.faults[index];
    if (!fault) return undefined;
    if (--fault.remaining <= 0) this.faults.splice(index, 1);
    return new TelegramApiError(
      fault.error_code,
      fault.description,
      fault.retry_after !== undefined ? { retry_after: fault.retry_after } : undefined,
    );
  }
}
