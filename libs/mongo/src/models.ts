import type { JournalAction, LeadStatus } from '@subtrack/contracts';
import type {
  BotStatus,
  DeliveryState,
  JoinMode,
  PostbackAttempt,
  PostbackDelivery,
  PostbackMethod,
  PostbackTemplates,
  WelcomeState,
} from '@subtrack/ports';
import { Schema, type Connection } from 'mongoose';
import type { ClaimDoc } from './claims';

// Documents are plain records: no version key, and empty objects (postbacks `{}`) kept as they are.
const plain = { versionKey: false, minimize: false } as const;

export interface CounterDoc {
  _id: string;
  seq: number;
}
export interface AccountDoc {
  _id: number;
  name: string;
  timezone: string;
  keyHash: string;
  postbacks: PostbackTemplates;
  created: number;
}
export interface BotDoc {
  _id: number;
  account: number;
  username: string;
  token: string;
  secret: string;
  created: number;
  /** Missing on documents written before bot health existed: ok. */
  status?: BotStatus;
}
/** `_id` is `<bot>:<chat>`: a scalar key keeps the seq-guarded upsert a plain `_id` lookup. */
export interface ChatDoc {
  _id: string;
  bot: number;
  id: number;
  account: number;
  title: string;
  type: string;
  username: string;
  admin: boolean;
  active: boolean;
  seq: number;
}
export interface CampaignDoc {
  _id: number;
  account: number;
  name: string;
  code: string;
  bot: number;
  chat: number;
  joinMode: JoinMode;
  welcome: string;
  postbacks: PostbackTemplates | null;
  method: PostbackMethod;
  body: string;
  unsubWindow: number;
  isDefault: boolean;
  created: number;
}
export interface InviteLinkDoc {
  _id: string;
  campaign: number;
  subscriber: number;
  link: string;
}
export interface DeadLetterDoc {
  _id: number;
  bot: number;
  updateId: number | null;
  payload: string;
  error: string;
  time: number;
}
export interface LeadDoc {
  _id: number;
  account: number;
  campaign: number;
  chat: number;
  bot: number;
  subscriber: number;
  username: string;
  click: string;
  inviteLink: string;
  status: LeadStatus;
  startTime: number;
  joinTime: number;
  updated: number;
  reached: number;
  seq: number;
  /** See StoredLead.found; absent or 0 when an update made the last move. */
  found?: number;
  /** When the membership recheck last asked Telegram about it (Unix seconds); set on insert only. */
  checked?: number;
}
export interface JournalDoc {
  _id: number;
  account: number;
  bot: number;
  chat: number;
  subscriber: number;
  username: string;
  action: JournalAction;
  paid: 0 | 1;
  time: number;
}
export interface TransitionDoc {
  _id: string;
  lead: number;
  account: number;
  campaign: number;
  chat: number;
  from: LeadStatus | null;
  to: LeadStatus;
  first: boolean;
  time: number;
}
/**
 * Rows of a large collection (`t`: L leads, J journal, F first entries) of one account with the
 * dimension values `v`, in the bucket of `size` seconds starting at `bucket`, counted by the writes
 * of one log partition (the last part of `_id`); `cp` as in the rollups.
 */
export interface CountDoc {
  _id: string;
  t: string;
  account: number;
  size: number;
  bucket: number;
  v: Record<string, number | string>;
  n: number;
  cp: Record<string, number>;
}
/** `cp` maps a partition to the last order counted into this document. */
export interface LeadRollupDoc {
  _id: string;
  account: number;
  campaign: number;
  day: string;
  starts: number;
  holds: number;
  confirms: number;
  cancels: number;
  trashes: number;
  cp: Record<string, number>;
}
export interface OrganicRollupDoc {
  _id: string;
  account: number;
  chat: number;
  day: string;
  joins: number;
  leaves: number;
  cp: Record<string, number>;
}
/** `_id` is the delivery id. `leaseUntil` mirrors the latest claim for the due query; see claims. */
export interface PostbackDoc {
  _id: string;
  account: number;
  campaign: number;
  lead: number;
  status: PostbackDelivery['status'];
  url: string;
  method: PostbackDelivery['method'];
  body: string;
  created: number;
  state: DeliveryState;
  attempts: PostbackAttempt[];
  nextAt: number;
  leaseUntil: number;
  /** How many claims were recorded, a hint only: the claims ledger is the truth. */
  claims: number;
}
/** One claim (or release, `until` 0) of a delivery, `_id` `<delivery>#<n>`; never updated. */
export type PostbackClaimDoc = ClaimDoc;
/** `_id` is the welcome id (its start event); leased like postbacks, through `welcome_claims`. */
export interface WelcomeDoc {
  _id: string;
  account: number;
  bot: number;
  campaign: number;
  chat: number;
  lead: number;
  subscriber: number;
  updateId: number;
  created: number;
  inviteLink: string;
  joinRequest: boolean;
  text: string;
  state: WelcomeState;
  attempts: number;
  lastError: string;
  nextAt: number;
  leaseUntil: number;
  claims: number;
}

const counters = new Schema<CounterDoc>({ _id: String, seq: Number }, plain);

const accounts = new Schema<AccountDoc>(
  {
    _id: Number,
    name: String,
    timezone: String,
    keyHash: String,
    postbacks: Schema.Types.Mixed,
    created: Number,
  },
  plain,
);

const bots = new Schema<BotDoc>(
  {
    _id: Number,
    account: Number,
    username: String,
    token: String,
    secret: String,
    created: Number,
    status: String,
  },
  plain,
);
// The `_id` after the bound keys serves the lists, which are in `_id` order, without a sort in memory.
bots.index({ account: 1, _id: 1 });

// `type` is one of the chat's fields, so the schema's own type key is moved out of its way.
const chats = new Schema<ChatDoc>(
  {
    _id: String,
    bot: Number,
    id: Number,
    account: Number,
    title: String,
    type: String,
    username: String,
    admin: Boolean,
    active: Boolean,
    seq: Number,
  },
  { ...plain, typeKey: '$type' },
);
chats.index({ bot: 1, id: 1 });

const campaigns = new Schema<CampaignDoc>(
  {
    _id: Number,
    account: Number,
    name: String,
    code: String,
    bot: Number,
    chat: Number,
    joinMode: String,
    welcome: String,
    postbacks: { type: Schema.Types.Mixed, default: null },
    method: String,
    body: String,
    unsubWindow: Number,
    isDefault: Boolean,
    created: Number,
  },
  plain,
);
campaigns.index({ code: 1 }, { unique: true });
campaigns.index({ account: 1, _id: 1 });
campaigns.index({ bot: 1, isDefault: 1, _id: 1 });

const inviteLinks = new Schema<InviteLinkDoc>(
  { _id: String, campaign: Number, subscriber: Number, link: String },
  plain,
);
const deadLetters = new Schema<DeadLetterDoc>(
  {
    _id: Number,
    bot: Number,
    updateId: { type: Number, default: null },
    payload: String,
    error: String,
    time: Number,
  },
  plain,
);

const leads = new Schema<LeadDoc>(
  {
    _id: Number,
    account: Number,
    campaign: Number,
    chat: Number,
    bot: Number,
    subscriber: Number,
    username: String,
    click: String,
    inviteLink: String,
    status: Number,
    startTime: Number,
    joinTime: Number,
    updated: Number,
    reached: Number,
    seq: Number,
    found: Number,
    checked: Number,
  },
  plain,
);
leads.index({ subscriber: 1 });
leads.index({ bot: 1, status: 1, checked: 1, _id: 1 });
leads.index({ campaign: 1, status: 1, joinTime: 1 });
leads.index({ account: 1, startTime: -1, _id: -1 });
leads.index({ campaign: 1, startTime: -1, _id: -1 });
leads.index({ account: 1, status: 1, startTime: -1, _id: -1 });
leads.index({ campaign: 1, status: 1, startTime: -1, _id: -1 });

const journal = new Schema<JournalDoc>(
  {
    _id: Number,
    account: Number,
    bot: Number,
    chat: Number,
    subscriber: Number,
    username: String,
    action: String,
    paid: Number,
    time: Number,
  },
  plain,
);
journal.index({ account: 1, time: -1, _id: -1 });
journal.index({ account: 1, chat: 1, time: -1, _id: -1 });
journal.index({ account: 1, bot: 1, chat: 1, time: -1, _id: -1 });

const transitions = new Schema<TransitionDoc>(
  {
    _id: String,
    lead: Number,
    account: Number,
    campaign: Number,
    chat: Number,
    from: { type: Number, default: null },
    to: Number,
    first: Boolean,
    time: Number,
  },
  plain,
);
transitions.index({ account: 1, time: 1 });
transitions.index({ campaign: 1, time: 1 });

const counts = new Schema<CountDoc>(
  {
    _id: String,
    t: String,
    account: Number,
    size: Number,
    bucket: Number,
    v: Schema.Types.Mixed,
    n: Number,
    cp: Schema.Types.Mixed,
  },
  plain,
);
counts.index({ t: 1, account: 1, size: 1, bucket: 1 });

const leadRollups = new Schema<LeadRollupDoc>(
  {
    _id: String,
    account: Number,
    campaign: Number,
    day: String,
    starts: Number,
    holds: Number,
    confirms: Number,
    cancels: Number,
    trashes: Number,
    cp: Schema.Types.Mixed,
  },
  plain,
);
leadRollups.index({ account: 1, campaign: 1, day: 1 });
leadRollups.index({ account: 1, day: 1 });

const organicRollups = new Schema<OrganicRollupDoc>(
  {
    _id: String,
    account: Number,
    chat: Number,
    day: String,
    joins: Number,
    leaves: Number,
    cp: Schema.Types.Mixed,
  },
  plain,
);
organicRollups.index({ account: 1, chat: 1, day: 1 });
organicRollups.index({ account: 1, day: 1 });

const postbacks = new Schema<PostbackDoc>(
  {
    _id: String,
    account: Number,
    campaign: Number,
    lead: Number,
    status: String,
    url: String,
    method: String,
    body: String,
    created: Number,
    state: String,
    attempts: Schema.Types.Mixed,
    nextAt: Number,
    leaseUntil: Number,
    claims: Number,
  },
  plain,
);
postbacks.index({ account: 1, created: -1, _id: -1 });
postbacks.index({ account: 1, campaign: 1, created: -1, _id: -1 });
postbacks.index({ account: 1, state: 1, created: -1, _id: -1 });
postbacks.index({ account: 1, status: 1, created: -1, _id: -1 });
postbacks.index({ state: 1, nextAt: 1, _id: 1 });
postbacks.index({ lead: 1, created: -1, _id: -1 });

const postbackClaims = new Schema<PostbackClaimDoc>({ _id: String, until: Number }, plain);

const welcomes = new Schema<WelcomeDoc>(
  {
    _id: String,
    account: Number,
    bot: Number,
    campaign: Number,
    chat: Number,
    lead: Number,
    subscriber: Number,
    updateId: Number,
    created: Number,
    inviteLink: String,
    joinRequest: Boolean,
    text: String,
    state: String,
    attempts: Number,
    lastError: String,
    nextAt: Number,
    leaseUntil: Number,
    claims: Number,
  },
  plain,
);
welcomes.index({ state: 1, nextAt: 1, _id: 1 });
welcomes.index({ lead: 1, created: -1, _id: -1 });

const welcomeClaims = new Schema<ClaimDoc>({ _id: String, until: Number }, plain);

/** An event id claimed by the projection at the log position `seq` (absent: claimed before positions). */
const appliedEvents = new Schema<{ _id: string; seq?: number }>({ _id: String, seq: Number }, plain);

/** `_id` = account:campaign:secret, so a key is stored once per scope. */
export interface SigningSecretDoc {
  _id: string;
  account: number;
  campaign: number;
  secret: string;
  created: number;
  retires: number;
}
const signingSecrets = new Schema<SigningSecretDoc>(
  { _id: String, account: Number, campaign: Number, secret: String, created: Number, retires: Number },
  plain,
);
signingSecrets.index({ account: 1, campaign: 1 });

/** Every model, bound to one connection under fixed collection names. */
export function bindModels(conn: Connection) {
  return {
    counters: conn.model('Counter', counters, 'counters'),
    accounts: conn.model('Account', accounts, 'accounts'),
    bots: conn.model('Bot', bots, 'bots'),
    chats: conn.model('Chat', chats, 'chats'),
    campaigns: conn.model('Campaign', campaigns, 'campaigns'),
    inviteLinks: conn.model('InviteLink', inviteLinks, 'invite_links'),
    deadLetters: conn.model('DeadLetter', deadLetters, 'dead_letters'),
    leads: conn.model('Lead', leads, 'leads'),
    journal: conn.model('JournalEntry', journal, 'journal'),
    transitions: conn.model('LeadTransition', transitions, 'lead_transitions'),
    postbacks: conn.model('Postback', postbacks, 'postbacks'),
    postbackClaims: conn.model('PostbackClaim', postbackClaims, 'postback_claims'),
    welcomes: conn.model('Welcome', welcomes, 'welcomes'),
    welcomeClaims: conn.model('WelcomeClaim', welcomeClaims, 'welcome_claims'),
    appliedEvents: conn.model('AppliedEvent', appliedEvents, 'applied_events'),
    counts: conn.model('Count', counts, 'counts'),
    leadRollups: conn.model('LeadRollup', leadRollups, 'rollup_leads'),
    organicRollups: conn.model('OrganicRollup', organicRollups, 'rollup_organic'),
    signingSecrets: conn.model('SigningSecret', signingSecrets, 'signing_secrets'),
  };
}

export type Models = ReturnType<typeof bindModels>;
