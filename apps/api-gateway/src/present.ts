import type { CampaignHealth, ChatHealth, PostbackState } from '@subtrack/api-contract';
import { formatDateTime } from '@subtrack/domain';
import type {
  Bot,
  BotChat,
  Campaign,
  JournalEntry,
  PostbackDelivery,
  StoredLead,
  Welcome,
} from '@subtrack/ports';

/** Rows exactly as the seed documents them; times in the account's zone. */
export function presentLead(l: StoredLead, tz: string) {
  return {
    id: l.id,
    campaign: l.campaign,
    subscriber: l.subscriber,
    username: l.username,
    click: l.click,
    status: l.status,
    start_time: formatDateTime(l.startTime, tz),
    join_time: formatDateTime(l.joinTime, tz),
    updated: formatDateTime(l.updated, tz),
  };
}

/** The welcome of a lead's latest /start: pending, delivered or failed, with its failed attempts. */
export function presentWelcome(w: Welcome | undefined) {
  return w ? { state: w.state, attempts: w.attempts, last_error: w.lastError } : null;
}

/** Where a lead's latest postback stands: its status, state, attempts and the last answer. */
export function presentPostbackState(d: PostbackDelivery | undefined): PostbackState {
  if (!d) return null;
  return {
    status: d.status,
    state: d.state,
    attempts: d.attempts.length,
    last_http_status: d.attempts[d.attempts.length - 1]?.status ?? null,
  };
}

export const LEAD_CSV_COLUMNS = [
  'id',
  'campaign',
  'subscriber',
  'username',
  'click',
  'status',
  'start_time',
  'join_time',
  'updated',
] as const;

/**
 * One CSV cell. Text a spreadsheet would run as a formula (starting with =, +, -, @, tab or CR; a
 * click id or username is whatever the ad network or user chose) gets a leading apostrophe, so it
 * opens as text; cells with quotes, commas or line breaks are quoted.
 */
export const csvCell = (v: string | number): string => {
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function leadCsvLine(l: StoredLead, tz: string): string {
  const row = presentLead(l, tz);
  return LEAD_CSV_COLUMNS.map((c) => csvCell(row[c])).join(',') + '\r\n';
}

export function presentJournal(e: JournalEntry, tz: string) {
  return {
    id: e.id,
    subscriber: e.subscriber,
    username: e.username,
    action: e.action,
    paid: e.paid,
    time: formatDateTime(e.time, tz),
  };
}

export const campaignLink = (botUsername: string, code: string): string =>
  `https://t.me/${botUsername}?start=${code}-{click}`;

/** A chat as its bot sees it: 'removed' once the bot left or was removed, 'not_admin' without rights. */
export const chatHealth = (c: Pick<BotChat, 'active' | 'admin'> | null): ChatHealth =>
  !c?.active ? 'removed' : c.admin ? 'ok' : 'not_admin';

/** What keeps a campaign from working: its bot's token first, then the bot's place in the chat. */
export const campaignHealth = (bot: Bot | undefined, chat: BotChat | null): CampaignHealth =>
  bot?.status === 'token_revoked' ? 'token_revoked' : chatHealth(chat);

export function presentCampaign(c: Campaign, botUsername: string, health: CampaignHealth) {
  return {
    id: c.id,
    name: c.name,
    code: c.code,
    bot: c.bot,
    chat: c.chat,
    join_mode: c.joinMode,
    welcome: c.welcome,
    postbacks: c.postbacks,
    method: c.method,
    body: c.body,
    unsub_window: c.unsubWindow,
    default: c.isDefault,
    link: campaignLink(botUsername, c.code),
    health,
  };
}
