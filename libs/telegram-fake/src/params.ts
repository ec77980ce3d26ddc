import { badRequest } from './errors';

/**
 * Bot API parameters arrive as JSON values (telegraf), or as strings from query strings and
 * form bodies. These accessors coerce both the way Telegram does and raise its error texts.
 */
export class Params {
  constructor(readonly raw: Record<string, unknown>) {}

  has(name: string): boolean {
    const value = this.raw[name];
    return value !== undefined && value !== null && value !== '';
  }

  optInt(name: string): number | undefined {
    if (!this.has(name)) return undefined;
    const value = this.raw[name];
    const n = typeof value === 'number' ? value : Number(String(value).trim());
    if (!Number.isInteger(n)) throw badRequest(`invalid ${name} specified`);
    return n;
  }

  int(name: string): number {
    const n = this.optInt(name);
    if (n === undefined) throw badRequest(`${name} is empty`);
    return n;
  }

  optStr(name: string): string | undefined {
    if (!this.has(name)) return undefined;
    const value = this.raw[name];
    return typeof value === 'string' ? value : JSON.stringify(value);
  }

  str(name: string, emptyMessage = `${name} is empty`): string {
    const s = this.optStr(name);
    if (s === undefined) throw badRequest(emptyMessage);
    return s;
  }

  bool(name: string): boolean {
    if (!this.has(name)) return false;
    const value = this.raw[name];
    if (typeof value === 'boolean') return value;
    if (typeof value === 'number') return value !== 0;
    const s = String(value).toLowerCase();
    return s === 'true' || s === '1';
  }

  /** A JSON-serialized field (reply_markup, allowed_updates) given as an object or a string. */
  optJson(name: string): unknown {
    if (!this.has(name)) return undefined;
    const value = this.raw[name];
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      throw badRequest(`can't parse ${name} JSON object`);
    }
  }

  /** chat_id: an integer, or "@username" for public chats. */
  chatId(name = 'chat_id'): number | string {
    if (!this.has(name)) throw badRequest(`${name} is empty`);
    const value = this.raw[name];
    if (typeof value === 'number') {
      if (!Number.isInteger(value)) throw badRequest(`invalid ${name} specified`);
      return value;
    }
    const s = String(value).trim();
    if (/^-?\d+$/.test(s)) return Number(s);
    if (/^@[A-Za-z0-9_]{4,32}$/.test(s)) return s;
    throw badRequest('chat not found');
  }
}
