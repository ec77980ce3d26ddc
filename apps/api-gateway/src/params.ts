import { JOURNAL_ACTIONS, type JournalAction, type LeadStatus } from '@subtrack/contracts';
import { badParam } from './api-error';

export type Query = Record<string, unknown>;

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

export function single(q: Query, name: string): string | undefined {
  const v = q[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw badParam(name, 'must be given once');
  return v;
}

/** An optional integer parameter within [min, max]; "" counts as absent. */
export function intParam(q: Query, name: string, min = -MAX_SAFE, max = MAX_SAFE): number | undefined {
  const raw = single(q, name);
  if (raw === undefined || raw === '') return undefined;
  if (!/^-?\d+$/.test(raw)) throw badParam(name, `must be an integer, got "${raw}"`);
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw badParam(name, `must be between ${min} and ${max}`);
  return n;
}

/** An optional 0/1 (false/true) parameter; "" counts as absent. */
export function boolParam(q: Query, name: string): boolean | undefined {
  const raw = single(q, name);
  if (raw === undefined || raw === '') return undefined;
  if (raw === '1' || raw === 'true') return true;
  if (raw === '0' || raw === 'false') return false;
  throw badParam(name, `must be 0 or 1, got "${raw}"`);
}

export function pageParams(q: Query): { limit: number; offset: number } {
  return { limit: intParam(q, 'limit', 1, 200) ?? 50, offset: intParam(q, 'offset', 0) ?? 0 };
}

/** The last second of year 9999: beyond it a moment has no calendar day to count it in. */
export const MAX_TIME = 253_402_300_799;

export function rangeParams(q: Query): { from?: number; to?: number } {
  const from = intParam(q, 'from', 0, MAX_TIME);
  const to = intParam(q, 'to', 0, MAX_TIME);
  if (from !== undefined && to !== undefined && from > to)
    throw badParam('from', `must not be after to (${from} > ${to})`);
  return { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
}

export function statusParam(q: Query): LeadStatus | undefined {
  return intParam(q, 'status', 0, 4) as LeadStatus | undefined;
}

export function actionParam(q: Query): JournalAction | undefined {
  const raw = single(q, 'action');
  if (raw === undefined || raw === '') return undefined;
  if (!(JOURNAL_ACTIONS as readonly string[]).includes(raw))
    throw badParam('action', `must be one of ${JOURNAL_ACTIONS.join(', ')}`);
  return raw as JournalAction;
}

/** Fields of a JSON body. */
export type Body = Record<string, unknown>;

export function asBody(raw: unknown): Body {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw badParam('body', 'must be a JSON object');
  return raw as Body;
}

export function bodyString(
  b: Body,
  name: string,
  opts: { required?: boolean; max?: number } = {},
): string | undefined {
  const v = b[name];
  if (v === undefined || v === null) {
    if (opts.required) throw badParam(name, 'is required');
    return undefined;
  }
  if (typeof v !== 'string') throw badParam(name, 'must be a string');
  if (opts.required && v.trim() === '') throw badParam(name, 'must not be empty');
  if (opts.max !== undefined && v.length > opts.max)
    throw badParam(name, `must be at most ${opts.max} characters`);
  return v;
}

export function bodyInt(
  b: Body,
  name: string,
  opts: { required?: boolean; min?: number; max?: number } = {},
): number | undefined {
  let v = b[name];
  if (v === undefined || v === null) {
    if (opts.required) throw badParam(name, 'is required');
    return undefined;
  }
  if (typeof v === 'string' && /^-?\d+$/.test(v)) v = Number(v);
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw badParam(name, 'must be an integer');
  if ((opts.min !== undefined && v < opts.min) || (opts.max !== undefined && v > opts.max)) {
    throw badParam(name, `must be between ${opts.min ?? '-∞'} and ${opts.max ?? '∞'}`);
  }
  return v;
}

export function bodyBool(b: Body, name: string): boolean | undefined {
  const v = b[name];
  if (v === undefined || v === null) return undefined;
  if (v === true || v === 1 || v === '1' || v === 'true') return true;
  if (v === false || v === 0 || v === '0' || v === 'false') return false;
  throw badParam(name, 'must be a boolean');
}
