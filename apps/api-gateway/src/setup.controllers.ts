import { Body, Controller, Get, Headers, HttpCode, Inject, Logger, Post, Query } from '@nestjs/common';
import { CONFIG, type Config } from '@subtrack/config';
import { LEAD_STATUS_NAMES, type LeadStatusName } from '@subtrack/contracts';
import { TelegramClients } from '@subtrack/telegram';
import {
  CATALOG_STORE,
  type Account,
  type Bot,
  type BotChat,
  type CatalogStore,
  type Campaign,
  type PostbackTemplates,
} from '@subtrack/ports';
import { randomBytes } from 'node:crypto';
import { ApiError, badParam } from './api-error';
import { authenticate } from './auth';
import {
  asBody,
  bodyBool,
  bodyInt,
  bodyString,
  boolParam,
  intParam,
  type Body as B,
  type Query as Q,
} from './params';
import { campaignHealth, campaignLink, chatHealth, presentCampaign } from './present';
import { CLOCK, type Clock } from '@subtrack/config';

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function newCode(): string {
  return [...randomBytes(8)].map((b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join('');
}

function postbacksParam(raw: unknown, name = 'postbacks'): PostbackTemplates {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw badParam(name, 'must be an object keyed by status name');
  const out: PostbackTemplates = {};
  for (const [status, url] of Object.entries(raw as Record<string, unknown>)) {
    if (!(LEAD_STATUS_NAMES as readonly string[]).includes(status)) {
      throw badParam(`${name}.${status}`, `unknown status, use ${LEAD_STATUS_NAMES.join(', ')}`);
    }
    if (url === '' || url === null) continue;
    if (typeof url !== 'string' || !/^https?:\/\/[^\s]+$/i.test(url))
      throw badParam(`${name}.${status}`, 'must be an http(s) URL template');
    out[status as LeadStatusName] = url;
  }
  return out;
}

@Controller('api')
export class SetupController {
  private readonly logger = new Logger('api');

  constructor(
    @Inject(CATALOG_STORE) private readonly catalog: CatalogStore,
    @Inject(TelegramClients) private readonly telegram: TelegramClients,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(CLOCK) private readonly now: Clock,
  ) {}

  private auth(q: Q, header: string | undefined): Promise<Account> {
    return authenticate(this.catalog, q, header);
  }

  private async ownBot(account: Account, id: number, name = 'bot'): Promise<Bot> {
    const bot = await this.catalog.getBot(id);
    if (!bot || bot.account !== account.id)
      throw new ApiError(404, 'notfound', `${name}: bot ${id} not found`);
    return bot;
  }

  @Post('bots/add.json')
  @HttpCode(200)
  async addBot(@Query() q: Q, @Body() raw: unknown, @Headers('authorization') header?: string) {
    const account = await this.auth(q, header);
    const token = bodyString(asBody(raw), 'token', { required: true })!.trim();
    if (!/^\d+:[A-Za-z0-9_-]{20,}$/.test(token))
      throw badParam('token', 'is not a Telegram bot token (<id>:<secret>)');
    const api = this.telegram.for(token);
    let me: { id: number; username?: string };
    try {
      me = await api.getMe();
    } catch (err) {
      // Telegram's own answer refusing the token is the caller's to fix; no answer at all is ours.
      const code = (err as { response?: { error_code?: unknown } }).response?.error_code;
      if (typeof code === 'number' && code >= 400 && code < 500)
        throw new ApiError(400, 'telegram', `token: Telegram rejected it (${(err as Error).message})`);
      throw new ApiError(
        502,
        'telegram',
        `Telegram could not be asked about the token: ${(err as Error).message}`,
      );
    }
    const existing = await this.catalog.getBot(me.id);
    if (existing && existing.account !== account.id)
      throw new ApiError(409, 'conflict', `bot ${me.id} belongs to another account`);
    const bot: Bot = {
      id: me.id,
      account: account.id,
      username: me.username ?? '',
      token,
      secret: existing?.secret ?? randomBytes(24).toString('hex'),
      created: existing?.created ?? this.now(),
      // Added again (a new token, or the same one working again): healthy until Telegram says not.
      status: 'ok',
    };
    await this.catalog.saveBot(bot);
    let webhook: string | null = null;
    if (this.config.PUBLIC_URL && this.config.TELEGRAM_MODE === 'webhook') {
      try {
        webhook = await this.telegram.registerWebhook(bot, this.config.PUBLIC_URL);
      } catch (err) {
        throw new ApiError(502, 'telegram', `bot saved, but setWebhook failed: ${(err as Error).message}`);
      }
    } else if (this.config.TELEGRAM_MODE === 'webhook') {
      this.logger.warn(`bot ${bot.id}: PUBLIC_URL is not set, so no webhook was registered`);
    }
    return { status: 'ok', data: { id: bot.id, username: bot.username, webhook } };
  }

  @Get('bots/list.json')
  async listBots(@Query() q: Q, @Headers('authorization') header?: string) {
    const account = await this.auth(q, header);
    const bots = await this.catalog.listBots(account.id);
    return { status: 'ok', data: bots.map((b) => ({ id: b.id, username: b.username, status: b.status })) };
  }

  @Get('chats/list.json')
  async listChats(@Query() q: Q, @Headers('authorization') header?: string) {
    const account = await this.auth(q, header);
    const botId = intParam(q, 'bot', 1);
    // By default the chats campaigns can use; `all=1` also those the bot lost its rights in or left.
    const all = boolParam(q, 'all') ?? false;
    const bots =
      botId !== undefined ? [await this.ownBot(account, botId)] : await this.catalog.listBots(account.id);
    const rows = [];
    for (const bot of bots) {
      for (const c of await this.catalog.listChats(bot.id)) {
        const status = chatHealth(c);
        if (all || status === 'ok')
          rows.push({ id: c.id, bot: c.bot, title: c.title, type: c.type, username: c.username, status });
      }
    }
    return { status: 'ok', data: rows };
  }

  /** Campaign fields of a body: all required on add, any subset on edit. */
  private async campaignFields(account: Account, body: B, base: Campaign | null) {
    const creating = base === null;
    const name = bodyString(body, 'name', { required: creating, max: 200 }) ?? base?.name;
    const botId = bodyInt(body, 'bot', { required: creating, min: 1 }) ?? base!.bot;
    const chatId = bodyInt(body, 'chat', { required: creating }) ?? base!.chat;
    const bot = await this.ownBot(account, botId);
    if (creating || body['bot'] !== undefined || body['chat'] !== undefined) {
      const chat = await this.catalog.getChat(bot.id, chatId);
      if (!chat || !chat.active || !chat.admin)
        throw badParam('chat', `bot ${bot.id} is not an administrator of chat ${chatId}`);
    }
    const joinMode = bodyString(body, 'join_mode', { required: creating }) ?? base!.joinMode;
    if (joinMode !== 'request' && joinMode !== 'direct')
      throw badParam('join_mode', 'must be "request" or "direct"');
    const method = (bodyString(body, 'method') ?? base?.method ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'POST') throw badParam('method', 'must be GET or POST');
    const postbacks =
      body['postbacks'] === undefined
        ? (base?.postbacks ?? null)
        : body['postbacks'] === null
          ? null
          : postbacksParam(body['postbacks']);
    return {
      name: name!,
      bot: bot.id,
      chat: chatId,
      joinMode: joinMode as Campaign['joinMode'],
      welcome: bodyString(body, 'welcome', { max: 4096 }) ?? base?.welcome ?? '',
      postbacks: postbacks && Object.keys(postbacks).length > 0 ? postbacks : null,
      method: method as Campaign['method'],
      body: bodyString(body, 'body', { max: 8192 }) ?? base?.body ?? '',
      unsubWindow: bodyInt(body, 'unsub_window', { min: 0, max: 24 * 365 * 10 }) ?? base?.unsubWindow ?? 0,
      isDefault: bodyBool(body, 'default') ?? base?.isDefault ?? false,
      botUsername: bot.username,
    };
  }

  @Post('campaigns/add.json')
  @HttpCode(200)
  async addCampaign(@Query() q: Q, @Body() raw: unknown, @Headers('authorization') header?: string) {
    const account = await this.auth(q, header);
    const { botUsername, ...fields } = await this.campaignFields(account, asBody(raw), null);
    for (let attempt = 0; ; attempt++) {
      const code = newCode();
      if (await this.catalog.getCampaignByCode(code)) {
        if (attempt > 10) throw new ApiError(500, 'db', 'could not allocate a campaign code');
        continue;
      }
      const campaign = await this.catalog.createCampaign({
        ...fields,
        account: account.id,
        code,
        created: this.now(),
      });
      return {
        status: 'ok',
        data: { id: campaign.id, code: campaign.code, link: campaignLink(botUsername, campaign.code) },
      };
    }
  }

  @Post('campaigns/edit.json')
  @HttpCode(200)
  async editCampaign(@Query() q: Q, @Body() raw: unknown, @Headers('authorization') header?: string) {
    const account = await this.auth(q, header);
    const body = asBody(raw);
    const id = bodyInt(body, 'id', { required: true, min: 1 })!;
    const current = await this.catalog.getCampaign(id);
    if (!current || current.account !== account.id)
      throw new ApiError(404, 'notfound', `id: campaign ${id} not found`);
    const { botUsername, ...fields } = await this.campaignFields(account, body, current);
    const updated: Campaign = { ...current, ...fields };
    await this.catalog.updateCampaign(updated);
    const bot = (await this.catalog.getBot(updated.bot)) ?? undefined;
    const health = campaignHealth(bot, await this.catalog.getChat(updated.bot, updated.chat));
    return { status: 'ok', data: presentCampaign(updated, botUsername, health) };
  }

  @Get('campaigns/list.json')
  async listCampaigns(@Query() q: Q, @Headers('authorization') header?: string) {
    const account = await this.auth(q, header);
    const bots = new Map((await this.catalog.listBots(account.id)).map((b) => [b.id, b]));
    const chats = new Map<string, BotChat>();
    for (const bot of bots.values())
      for (const c of await this.catalog.listChats(bot.id)) chats.set(`${c.bot}:${c.id}`, c);
    const campaigns = await this.catalog.listCampaigns(account.id);
    return {
      status: 'ok',
      data: campaigns.map((c) => {
        const bot = bots.get(c.bot);
        const health = campaignHealth(bot, chats.get(`${c.bot}:${c.chat}`) ?? null);
        return presentCampaign(c, bot?.username ?? '', health);
      }),
    };
  }

  @Post('postbacks/global.json')
  @HttpCode(200)
  async globalPostbacks(@Query() q: Q, @Body() raw: unknown, @Headers('authorization') header?: string) {
    const account = await this.auth(q, header);
    // Required: an empty object clears the templates, a missing one is a mistake.
    const postbacks = postbacksParam(asBody(raw)['postbacks']);
    await this.catalog.updateAccount({ ...account, postbacks });
    return { status: 'ok', data: { postbacks } };
  }
}
