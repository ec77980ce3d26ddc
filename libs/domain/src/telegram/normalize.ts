import type { ChatInfo, EventMeta, Subscriber, TelegramEvent } from '@subtrack/contracts';
import { EVENT_VERSION } from '@subtrack/contracts';
import { classifyChatMember, type ChatMemberLike } from '../journal/journal';
import { startCommandPayload } from './start-payload';

/** The bot an update arrived through. */
export interface BotContext {
  account: number;
  bot: number;
}

/** A `/start` that needs I/O (campaign lookup, invite link, reply) before it becomes an event. */
export interface StartRequest {
  updateId: number;
  time: number;
  subscriber: Subscriber;
  payload: string;
}

export type Normalized =
  | { kind: 'event'; event: TelegramEvent }
  | { kind: 'start'; start: StartRequest }
  | { kind: 'ignored'; reason: string };

/** Envelope fields of an event born from a Telegram update: the id is the bot and update id. */
export function eventMeta(ctx: BotContext, updateId: number, key: number, time: number): EventMeta {
  return {
    id: `${ctx.bot}:${updateId}`,
    version: EVENT_VERSION,
    key: String(key),
    account: ctx.account,
    bot: ctx.bot,
    updateId,
    time,
  };
}

export class MalformedUpdateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedUpdateError';
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function field(o: Obj, name: string, path: string): Obj {
  const v = o[name];
  if (!isObj(v)) throw new MalformedUpdateError(`${path}.${name} must be an object`);
  return v;
}
function int(o: Obj, name: string, path: string): number {
  const v = o[name];
  if (typeof v !== 'number' || !Number.isSafeInteger(v))
    throw new MalformedUpdateError(`${path}.${name} must be an integer`);
  return v;
}
const str = (o: Obj, name: string): string => (typeof o[name] === 'string' ? o[name] : '');

function user(o: Obj, path: string): Subscriber {
  return { id: int(o, 'id', path), username: str(o, 'username') };
}
function chatInfo(o: Obj, path: string): ChatInfo {
  return {
    id: int(o, 'id', path),
    title: str(o, 'title'),
    type: str(o, 'type'),
    username: str(o, 'username'),
  };
}
function member(o: Obj, name: string, path: string): ChatMemberLike {
  const m = field(o, name, path);
  const status = m['status'];
  if (typeof status !== 'string') throw new MalformedUpdateError(`${path}.${name}.status must be a string`);
  const u = isObj(m['user']) ? { id: int(m['user'], 'id', `${path}.${name}.user`) } : undefined;
  return { status, is_member: m['is_member'] === true, ...(u ? { user: u } : {}) };
}
function inviteLink(o: Obj): string {
  const link = o['invite_link'];
  return isObj(link) && typeof link['invite_link'] === 'string' ? link['invite_link'] : '';
}

/**
 * Turns one Telegram update into at most one domain event (SPEC §3, §5). Pure: the update's own
 * `date` is the event time and the update id makes the event id, so a redelivered update yields the
 * same event. Throws MalformedUpdateError naming the field when the update is not what Telegram sends.
 */
export function normalizeUpdate(raw: unknown, ctx: BotContext): Normalized {
  if (!isObj(raw)) throw new MalformedUpdateError('update must be an object');
  const updateId = int(raw, 'update_id', 'update');
  const meta = (key: number, time: number): EventMeta => eventMeta(ctx, updateId, key, time);

  if (isObj(raw['message'])) {
    const msg = raw['message'];
    const chat = field(msg, 'chat', 'message');
    const text = str(msg, 'text');
    const payload = startCommandPayload(text);
    if (payload === null || str(chat, 'type') !== 'private')
      return { kind: 'ignored', reason: 'not a /start in a private chat' };
    const subscriber = user(field(msg, 'from', 'message'), 'message.from');
    return { kind: 'start', start: { updateId, time: int(msg, 'date', 'message'), subscriber, payload } };
  }

  if (isObj(raw['chat_join_request'])) {
    const req = raw['chat_join_request'];
    const chat = int(field(req, 'chat', 'chat_join_request'), 'id', 'chat_join_request.chat');
    const subscriber = user(field(req, 'from', 'chat_join_request'), 'chat_join_request.from');
    const time = int(req, 'date', 'chat_join_request');
    return {
      kind: 'event',
      event: {
        ...meta(subscriber.id, time),
        type: 'JoinRequested',
        data: { chat, subscriber, inviteLink: inviteLink(req) },
      },
    };
  }

  if (isObj(raw['chat_member'])) {
    const cm = raw['chat_member'];
    const path = 'chat_member';
    const chat = int(field(cm, 'chat', path), 'id', `${path}.chat`);
    const from = user(field(cm, 'from', path), `${path}.from`);
    const time = int(cm, 'date', path);
    const newMember = field(cm, 'new_chat_member', path);
    const subscriber = user(
      field(newMember, 'user', `${path}.new_chat_member`),
      `${path}.new_chat_member.user`,
    );
    const kind = classifyChatMember({
      from,
      old_chat_member: member(cm, 'old_chat_member', path),
      new_chat_member: member(cm, 'new_chat_member', path),
      via_join_request: cm['via_join_request'] === true,
      invite_link: {
        creates_join_request: isObj(cm['invite_link']) && cm['invite_link']['creates_join_request'] === true,
      },
    });
    const m = meta(subscriber.id, time);
    const link = inviteLink(cm);
    switch (kind) {
      case 'joined':
        return {
          kind: 'event',
          event: { ...m, type: 'MemberJoined', data: { chat, subscriber, inviteLink: link } },
        };
      case 'approved':
        return {
          kind: 'event',
          event: { ...m, type: 'JoinRequestApproved', data: { chat, subscriber, inviteLink: link } },
        };
      case 'left':
        return { kind: 'event', event: { ...m, type: 'MemberLeft', data: { chat, subscriber } } };
      case 'banned':
        return {
          kind: 'event',
          event: { ...m, type: 'MemberBanned', data: { chat, subscriber, by: from.id } },
        };
      case null:
        return { kind: 'ignored', reason: 'membership unchanged' };
    }
  }

  if (isObj(raw['my_chat_member'])) {
    const mcm = raw['my_chat_member'];
    const path = 'my_chat_member';
    const chat = chatInfo(field(mcm, 'chat', path), `${path}.chat`);
    if (chat.type === 'private') return { kind: 'ignored', reason: 'private chat' };
    const status = member(mcm, 'new_chat_member', path).status;
    const m = meta(chat.id, int(mcm, 'date', path));
    if (status === 'left' || status === 'kicked') {
      return { kind: 'event', event: { ...m, type: 'BotRemovedFromChat', data: { chat } } };
    }
    return {
      kind: 'event',
      event: {
        ...m,
        type: 'BotAddedToChat',
        data: { chat, admin: status === 'administrator' || status === 'creator' },
      },
    };
  }

  return { kind: 'ignored', reason: 'update type not tracked' };
}
