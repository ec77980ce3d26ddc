import type { LeadStatusName } from '@subtrack/contracts';

export type PostbackTemplates = Partial<Record<LeadStatusName, string>>;

export interface Account {
  id: number;
  name: string;
  timezone: string;
  /** sha256 of the secret half of the API key; the key itself is never stored. */
  keyHash: string;
  postbacks: PostbackTemplates;
  created: number;
}

export interface Bot {
  id: number;
  account: number;
  username: string;
  token: string;
  /** Secret Telegram echoes in X-Telegram-Bot-Api-Secret-Token on every webhook call. */
  secret: string;
  created: number;
  /** `token_revoked` once Telegram answered 401 to it; adding the bot again resets it. */
  status: BotStatus;
}

export type BotStatus = 'ok' | 'token_revoked';

export interface BotChat {
  bot: number;
  id: number;
  account: number;
  title: string;
  type: string;
  username: string;
  admin: boolean;
  /** False once the bot was removed from the chat. */
  active: boolean;
  /** Log seq of the last event applied, so a redelivered older event cannot roll the row back. */
  seq: number;
}

export type JoinMode = 'request' | 'direct';
export type PostbackMethod = 'GET' | 'POST';

export interface Campaign {
  id: number;
  account: number;
  name: string;
  /** Deep-link code: letters and digits, no dash. */
  code: string;
  bot: number;
  chat: number;
  joinMode: JoinMode;
  welcome: string;
  /** null: the account's global templates apply. */
  postbacks: PostbackTemplates | null;
  method: PostbackMethod;
  /** Body template for POST postbacks, "" for none. */
  body: string;
  /** Hours after join_time during which cancel/trash postbacks fire; 0 = no limit. */
  unsubWindow: number;
  isDefault: boolean;
  created: number;
}

export type NewCampaign = Omit<Campaign, 'id'>;

/** A key postbacks are signed with. Campaign 0: the account's, for every campaign without its own. */
export interface SigningSecret {
  account: number;
  campaign: number;
  secret: string;
  /** Unix seconds. */
  created: number;
  /** Unix seconds from which it no longer signs; 0 while it is the scope's current key. */
  retires: number;
}

/** Accounts, bots, chats and campaigns: the configuration every service reads. */
export interface CatalogStore {
  createAccount(input: Omit<Account, 'id'>): Promise<Account>;
  /** Whether any account exists (an install's first run has none); reads one row at most. */
  hasAccounts(): Promise<boolean>;
  getAccount(id: number): Promise<Account | null>;
  updateAccount(account: Account): Promise<void>;

  saveBot(bot: Bot): Promise<void>;
  setBotStatus(id: number, status: BotStatus): Promise<void>;
  getBot(id: number): Promise<Bot | null>;
  /** Every bot, or one account's. */
  listBots(account?: number): Promise<Bot[]>;

  /** Applies a chat membership change of a bot unless a newer one (higher seq) is already stored. */
  applyChat(chat: BotChat): Promise<void>;
  getChat(bot: number, chat: number): Promise<BotChat | null>;
  listChats(bot: number): Promise<BotChat[]>;

  createCampaign(input: NewCampaign): Promise<Campaign>;
  updateCampaign(campaign: Campaign): Promise<void>;
  getCampaign(id: number): Promise<Campaign | null>;
  getCampaignByCode(code: string): Promise<Campaign | null>;
  listCampaigns(account: number): Promise<Campaign[]>;
  /** The bot's default campaign, for a bare /start or an unknown code. */
  defaultCampaign(bot: number): Promise<Campaign | null>;

  /**
   * Makes `secret` its scope's current key. The key it replaces keeps signing until `retireAt`
   * (rotation without a gap); any key retired before that is dropped.
   */
  rotateSigningSecret(secret: Omit<SigningSecret, 'retires'>, retireAt: number): Promise<void>;
  /** Stops signing in the scope: every key of it dropped. */
  removeSigningSecrets(account: number, campaign: number): Promise<void>;
  /** The scope's keys still signing at `now`, the current one first. */
  signingSecrets(account: number, campaign: number, now: number): Promise<SigningSecret[]>;
}
