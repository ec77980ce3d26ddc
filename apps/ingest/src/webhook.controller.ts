import { Body, Controller, Headers, HttpCode, HttpException, Inject, Param, Post } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { BotRegistry } from './bot-registry';
import { UpdateIngestor } from './update-ingestor';

const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

const sameSecret = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * Telegram's webhook: answers 200 only once the update's events are durable, so Telegram redelivers
 * anything not acknowledged; a redelivery produces the same event ids and is applied once.
 */
@Controller('telegram/webhook')
export class WebhookController {
  constructor(
    @Inject(BotRegistry) private readonly bots: BotRegistry,
    @Inject(UpdateIngestor) private readonly ingestor: UpdateIngestor,
  ) {}

  @Post(':botId')
  @HttpCode(200)
  async receive(
    @Param('botId') botId: string,
    @Headers(SECRET_HEADER) secret: string | undefined,
    @Body() update: unknown,
  ): Promise<{ ok: true }> {
    const bot = /^\d+$/.test(botId) ? await this.bots.get(Number(botId)) : null;
    if (!bot)
      throw new HttpException({ status: 'error', error: 'notfound', message: `unknown bot ${botId}` }, 404);
    if (secret === undefined || !sameSecret(secret, bot.secret)) {
      throw new HttpException(
        { status: 'error', error: 'key', message: `missing or wrong ${SECRET_HEADER} header` },
        401,
      );
    }
    await this.ingestor.ingest(bot, [update]);
    return { ok: true };
  }
}
