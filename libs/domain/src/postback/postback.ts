import type { LeadStatusName } from '@subtrack/contracts';

export type Templates = Partial<Record<LeadStatusName, string>>;

/** SPEC §8: a campaign that sets any template uses its own five as they are; else the account's. */
export function templatesFor(account: Templates, campaign: Templates | null): Templates {
  return campaign && Object.values(campaign).some((t) => t) ? campaign : account;
}

export interface MacroValues {
  click: string;
  status: LeadStatusName;
  campaign: string;
  user: number;
  lead: number;
  subscriber: number;
  username: string;
  chat: number;
  time: number;
}

/** Replaces known `{macro}`s with URL-encoded values; unknown ones stay as they are. */
export function renderTemplate(template: string, values: MacroValues): string {
  return template.replace(/\{([a-z]+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(values, name)
      ? encodeURIComponent(String(values[name as keyof MacroValues]))
      : whole,
  );
}

/**
 * cancel and trash announce only inside the campaign's unsubscribe window (hours after the first
 * approve; 0 = no limit). A lead that never joined has no window to leave.
 */
export function insideUnsubscribeWindow(
  status: LeadStatusName,
  time: number,
  joinTime: number,
  windowHours: number,
): boolean {
  if (status !== 'cancel' && status !== 'trash') return true;
  if (windowHours === 0 || joinTime === 0) return true;
  return time - joinTime <= windowHours * 3600;
}

export const RETRY_FOR_MS = 24 * 3600 * 1000;
const FIRST_RETRY_MS = 2000;
const MAX_RETRY_MS = 3600 * 1000;

/**
 * When to try again after `attempt` failures (1 = the first failed), or null to give up: doubling
 * from 2 s up to an hour, with ±20 % jitter so that receivers coming back are not hit in lockstep,
 * for at least 24 h after the first attempt.
 */
export function nextRetryAt(
  firstAttemptAt: number,
  now: number,
  attempt: number,
  random: () => number = Math.random,
): number | null {
  if (now - firstAttemptAt >= RETRY_FOR_MS) return null;
  const base = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempt - 1));
  return now + Math.round(base * (0.8 + 0.4 * random()));
}

/** Whether an IP address is private, loopback, link-local, metadata or otherwise not public. */
export function isPrivateAddress(ip: string): boolean {
  const v4 = /^(?:::ffff:)?(\d+)\.(\d+)\.(\d+)\.(\d+)$/i.exec(ip);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 198 && (b === 18 || b === 19)) ||
      a >= 224
    );
  }
  const v6 = ip.toLowerCase();
  return (
    v6 === '::' ||
    v6 === '::1' ||
    v6.startsWith('fc') ||
    v6.startsWith('fd') ||
    v6.startsWith('fe80') ||
    v6.startsWith('ff')
  );
}
