import type {
  Account,
  Bot,
  BotChat,
  Campaign,
  CatalogStore,
  NewCampaign,
  BotStatus,
  SigningSecret,
} from '@subtrack/ports';
import type { AccountDoc, BotDoc, CampaignDoc, ChatDoc, Models, SigningSecretDoc } from './models';
import { isDuplicateKey, nextId } from './writes';

const toAccount = (d: AccountDoc): Account => ({
  id: d._id,
  name: d.name,
  timezone: d.timezone,
  keyHash: d.keyHash,
  postbacks: d.postbacks,
  created: d.created,
});
const toBot = (d: BotDoc): Bot => ({
  id: d._id,
  account: d.account,
  username: d.username,
  token: d.token,
  secret: d.secret,
  created: d.created,
  status: d.status ?? 'ok',
});
const toChat = (d: ChatDoc): BotChat => ({
  bot: d.bot,
  id: d.id,
  account: d.account,
  title: d.title,
  type: d.type,
  username: d.username,
  admin: d.admin,
  active: d.active,
  seq: d.seq,
});
const toCampaign = (d: CampaignDoc): Campaign => ({
  id: d._id,
  account: d.account,
  name: d.name,
  code: d.code,
  bot: d.bot,
  chat: d.chat,
  joinMode: d.joinMode,
  welcome: d.welcome,
  postbacks: d.postbacks ?? null,
  method: d.method,
  body: d.body,
  unsubWindow: d.unsubWindow,
  isDefault: d.isDefault,
  created: d.created,
});
const campaignFields = (c: NewCampaign): Omit<CampaignDoc, '_id' | 'account' | 'created'> => ({
  name: c.name,
  code: c.code,
  bot: c.bot,
  chat: c.chat,
  joinMode: c.joinMode,
  welcome: c.welcome,
  postbacks: c.postbacks,
  method: c.method,
  body: c.body,
  unsubWindow: c.unsubWindow,
  isDefault: c.isDefault,
});
const chatKey = (bot: number, chat: number): string => `${bot}:${chat}`;

export class MongoCatalogStore implements CatalogStore {
  constructor(private readonly m: Models) {}

  async createAccount(input: Omit<Account, 'id'>): Promise<Account> {
    const id = await nextId(this.m.counters, 'accounts');
    await this.m.accounts.create({ _id: id, ...input });
    return { ...input, id };
  }

  async hasAccounts(): Promise<boolean> {
    return (await this.m.accounts.exists({}).exec()) !== null;
  }

  async getAccount(id: number): Promise<Account | null> {
    const doc = await this.m.accounts.findById(id).lean<AccountDoc>().exec();
    return doc ? toAccount(doc) : null;
  }

  async updateAccount(a: Account): Promise<void> {
    await this.m.accounts
      .updateOne(
        { _id: a.id },
        { $set: { name: a.name, timezone: a.timezone, keyHash: a.keyHash, postbacks: a.postbacks } },
      )
      .exec();
  }

  async saveBot(bot: Bot): Promise<void> {
    // Like the embedded store, saving again keeps the original creation time.
    await this.m.bots
      .updateOne(
        { _id: bot.id },
        {
          $set: {
            account: bot.account,
            username: bot.username,
            token: bot.token,
            secret: bot.secret,
            status: bot.status,
          },
          $setOnInsert: { created: bot.created },
        },
        { upsert: true },
      )
      .exec();
  }

  async setBotStatus(id: number, status: BotStatus): Promise<void> {
    await this.m.bots.updateOne({ _id: id }, { $set: { status } }).exec();
  }

  async getBot(id: number): Promise<Bot | null> {
    const doc = await this.m.bots.findById(id).lean<BotDoc>().exec();
    return doc ? toBot(doc) : null;
  }

  async listBots(account?: number): Promise<Bot[]> {
    const docs = await this.m.bots
      .find(account === undefined ? {} : { account })
      .sort({ _id: 1 })
      .lean<BotDoc[]>()
      .exec();
    return docs.map(toBot);
  }

  async applyChat(chat: BotChat): Promise<void> {
    // The seq guard turns the upsert into an insert when a newer row exists; that insert fails on
    // the existing `_id`, which is exactly "a newer one is already stored".
    try {
      await this.m.chats
        .updateOne(
          { _id: chatKey(chat.bot, chat.id), seq: { $lt: chat.seq } },
          { $set: { ...chat } },
          { upsert: true },
        )
        .exec();
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }

  async getChat(bot: number, chat: number): Promise<BotChat | null> {
    const doc = await this.m.chats.findById(chatKey(bot, chat)).lean<ChatDoc>().exec();
    return doc ? toChat(doc) : null;
  }

  async listChats(bot: number): Promise<BotChat[]> {
    const docs = await this.m.chats.find({ bot }).sort({ id: 1 }).lean<ChatDoc[]>().exec();
    return docs.map(toChat);
  }

  async createCampaign(input: NewCampaign): Promise<Campaign> {
    const id = await nextId(this.m.counters, 'campaigns');
    await this.m.campaigns.create({
      _id: id,
      account: input.account,
      created: input.created,
      ...campaignFields(input),
    });
    return { ...input, id };
  }

  async updateCampaign(c: Campaign): Promise<void> {
    await this.m.campaigns.updateOne({ _id: c.id }, { $set: campaignFields(c) }).exec();
  }

  async getCampaign(id: number): Promise<Campaign | null> {
    const doc = await this.m.campaigns.findById(id).lean<CampaignDoc>().exec();
    return doc ? toCampaign(doc) : null;
  }

  async getCampaignByCode(code: string): Promise<Campaign | null> {
    const doc = await this.m.campaigns.findOne({ code }).lean<CampaignDoc>().exec();
    return doc ? toCampaign(doc) : null;
  }

  async listCampaigns(account: number): Promise<Campaign[]> {
    const docs = await this.m.campaigns.find({ account }).sort({ _id: 1 }).lean<CampaignDoc[]>().exec();
    return docs.map(toCampaign);
  }

  async defaultCampaign(bot: number): Promise<Campaign | null> {
    const doc = await this.m.campaigns
      .findOne({ bot, isDefault: true })
      .sort({ _id: -1 })
      .lean<CampaignDoc>()
      .exec();
    return doc ? toCampaign(doc) : null;
  }

  async rotateSigningSecret(secret: Omit<SigningSecret, 'retires'>, retireAt: number): Promise<void> {
    const scope = { account: secret.account, campaign: secret.campaign };
    // In this order a crash part-way leaves the old key signing until retireAt, and a retried
    // rotation completes it.
    await this.m.signingSecrets.deleteMany({ ...scope, retires: { $gt: 0 } }).exec();
    await this.m.signingSecrets.updateMany({ ...scope, retires: 0 }, { $set: { retires: retireAt } }).exec();
    await this.m.signingSecrets
      .updateOne(
        { _id: `${secret.account}:${secret.campaign}:${secret.secret}` },
        { $set: { ...secret, retires: 0 } },
        { upsert: true },
      )
      .exec();
  }

  async removeSigningSecrets(account: number, campaign: number): Promise<void> {
    await this.m.signingSecrets.deleteMany({ account, campaign }).exec();
  }

  async signingSecrets(account: number, campaign: number, now: number): Promise<SigningSecret[]> {
    const docs = await this.m.signingSecrets.find({ account, campaign }).lean<SigningSecretDoc[]>().exec();
    return currentFirst(docs.map(({ _id, ...s }) => s).filter((s) => s.retires === 0 || s.retires > now));
  }
}

/** The current key, then the retiring ones, latest retirement first. */
export function currentFirst(secrets: SigningSecret[]): SigningSecret[] {
  const rank = (s: SigningSecret): number => (s.retires === 0 ? Infinity : s.retires);
  return secrets.sort((a, b) => rank(b) - rank(a));
}
