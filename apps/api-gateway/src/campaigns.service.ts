import { Inject, Injectable } from '@nestjs/common';
import type { CampaignAdded, CampaignRow, ParsedBodyOf } from '@subtrack/api-contract';
import { CLOCK, type Clock } from '@subtrack/config';
import { CATALOG_STORE, type Account, type BotChat, type Campaign, type CatalogStore } from '@subtrack/ports';
import { randomBytes } from 'node:crypto';
import { ApiError, badParam } from './api-error';
import { BotsService } from './bots.service';
import { campaignHealth, campaignLink, presentCampaign } from './present';

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function newCode(): string {
  return [...randomBytes(8)].map((b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join('');
}

type Fields = Partial<Omit<ParsedBodyOf<'campaignEdit'>, 'id'>>;

/** Campaigns: their deep links, settings and health. */
@Injectable()
export class CampaignsService {
  constructor(
    @Inject(CATALOG_STORE) private readonly catalog: CatalogStore,
    @Inject(BotsService) private readonly bots: BotsService,
    @Inject(CLOCK) private readonly now: Clock,
  ) {}

  /** The account's campaign, or 404 naming the parameter it came in. */
  async own(account: Account, id: number, name: string): Promise<Campaign> {
    const campaign = await this.catalog.getCampaign(id);
    if (!campaign || campaign.account !== account.id)
      throw new ApiError(404, 'notfound', `${name}: campaign ${id} not found`);
    return campaign;
  }

  /** The stored form of a body's fields: all given on add, any subset on edit (the rest kept). */
  private async settle(account: Account, f: Fields, base: Campaign | null) {
    const bot = await this.bots.own(account, f.bot ?? base!.bot);
    const chat = f.chat ?? base!.chat;
    if (base === null || f.bot !== undefined || f.chat !== undefined) {
      const found = await this.catalog.getChat(bot.id, chat);
      if (!found || !found.active || !found.admin)
        throw badParam('chat', `bot ${bot.id} is not an administrator of chat ${chat}`);
    }
    const postbacks = f.postbacks === undefined ? (base?.postbacks ?? null) : f.postbacks;
    return {
      fields: {
        name: f.name ?? base!.name,
        bot: bot.id,
        chat,
        joinMode: f.join_mode ?? base!.joinMode,
        welcome: f.welcome ?? base?.welcome ?? '',
        postbacks: postbacks && Object.keys(postbacks).length > 0 ? postbacks : null,
        method: f.method ?? base?.method ?? 'GET',
        body: f.body ?? base?.body ?? '',
        unsubWindow: f.unsub_window ?? base?.unsubWindow ?? 0,
        isDefault: f.default ?? base?.isDefault ?? false,
      },
      botUsername: bot.username,
    };
  }

  async add(account: Account, body: ParsedBodyOf<'campaignAdd'>): Promise<CampaignAdded> {
    const { fields, botUsername } = await this.settle(account, body, null);
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
      return { id: campaign.id, code: campaign.code, link: campaignLink(botUsername, campaign.code) };
    }
  }

  async edit(account: Account, body: ParsedBodyOf<'campaignEdit'>): Promise<CampaignRow> {
    const current = await this.own(account, body.id, 'id');
    const { fields, botUsername } = await this.settle(account, body, current);
    const updated: Campaign = { ...current, ...fields };
    await this.catalog.updateCampaign(updated);
    const bot = (await this.catalog.getBot(updated.bot)) ?? undefined;
    const health = campaignHealth(bot, await this.catalog.getChat(updated.bot, updated.chat));
    return presentCampaign(updated, botUsername, health);
  }

  async list(account: Account): Promise<CampaignRow[]> {
    const bots = new Map((await this.catalog.listBots(account.id)).map((b) => [b.id, b]));
    const chats = new Map<string, BotChat>();
    for (const bot of bots.values())
      for (const c of await this.catalog.listChats(bot.id)) chats.set(`${c.bot}:${c.id}`, c);
    const campaigns = await this.catalog.listCampaigns(account.id);
    return campaigns.map((c) => {
      const bot = bots.get(c.bot);
      const health = campaignHealth(bot, chats.get(`${c.bot}:${c.chat}`) ?? null);
      return presentCampaign(c, bot?.username ?? '', health);
    });
  }
}
