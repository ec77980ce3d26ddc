import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { Metrics, sameSecret } from '@subtrack/runtime';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { BotRegistry } from './bot-registry';
import { UpdateIngestor } from './update-ingestor';

export const WEBHOOK_ROUTE = /^\/telegram\/webhook\/([^/?#]*)\/?(?:\?.*)?$/;
export const SECRET_HEADER = 'x-telegram-bot-api-secret-token';
/** Telegram's updates are a few kilobytes; a body past this is refused unread. */
export const MAX_UPDATE_BYTES = 1 << 20;

const refusal = (status: number, error: string, message: string) => ({
  status,
  body: { status: 'error', error, message },
});

/**
 * Telegram's webhook, `POST /telegram/webhook/:botId`: answers 200 only once the update's events
 * are durable, so Telegram redelivers anything not acknowledged; a redelivery produces the same
 * event ids and is applied once. Served on the HTTP server's own request event, ahead of the
 * framework: this route is the product's hottest and needs nothing of the framework's pipeline.
 */
@Injectable()
export class WebhookRoute implements OnApplicationBootstrap {
  private readonly logger = new Logger('webhook');

  constructor(
    @Inject(HttpAdapterHost) private readonly host: HttpAdapterHost,
    @Inject(BotRegistry) private readonly bots: BotRegistry,
    @Inject(UpdateIngestor) private readonly ingestor: UpdateIngestor,
    @Inject(Metrics) private readonly metrics: Metrics,
  ) {}

  onApplicationBootstrap(): void {
    const server = this.host.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server) return;
    const rest = server.listeners('request') as RequestListener[];
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const match = req.method === 'POST' ? WEBHOOK_ROUTE.exec(req.url ?? '') : null;
      if (match) void this.serve(req, res, decodeURIComponent(match[1]!));
      else for (const listener of rest) listener.call(server, req, res);
    });
  }

  private async serve(req: IncomingMessage, res: ServerResponse, botId: string): Promise<void> {
    const start = process.hrtime.bigint();
    let answer: { status: number; body: unknown };
    try {
      answer = await this.answer(req, botId);
    } catch (err) {
      this.logger.error(`webhook of bot ${botId} failed: ${(err as Error).stack ?? String(err)}`);
      answer = refusal(500, 'internal', 'the update could not be stored; Telegram will deliver it again');
    }
    const body = JSON.stringify(answer.body);
    res.writeHead(answer.status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
    this.metrics.observeHttp(
      'POST',
      '/telegram/webhook/:botId',
      answer.status,
      Number(process.hrtime.bigint() - start) / 1e9,
    );
  }

  private async answer(req: IncomingMessage, botId: string): Promise<{ status: number; body: unknown }> {
    const raw = await readBody(req);
    if (raw === null) return refusal(413, 'body', `an update is at most ${MAX_UPDATE_BYTES} bytes`);
    const bot = /^\d{1,16}$/.test(botId) ? await this.bots.get(Number(botId)) : null;
    if (!bot) return refusal(404, 'notfound', `unknown bot ${botId}`);
    const secret = req.headers[SECRET_HEADER];
    if (typeof secret !== 'string' || !sameSecret(secret, bot.secret))
      return refusal(401, 'key', `missing or wrong ${SECRET_HEADER} header`);
    let update: unknown;
    try {
      update = JSON.parse(raw);
    } catch (err) {
      return refusal(400, 'body', `the body is not JSON: ${(err as Error).message}`);
    }
    await this.ingestor.ingest(bot, [update]);
    return { status: 200, body: { ok: true } };
  }
}

/** The whole body as text, or null past MAX_UPDATE_BYTES (the rest is drained unread). */
function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_UPDATE_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_UPDATE_BYTES ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
