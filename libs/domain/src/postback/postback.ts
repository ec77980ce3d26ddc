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
export const MAX_RETRY_MS = 3600 * 1000;

export interface RetryOptions {
  /** The longest wait between two attempts (POSTBACK_RETRY_MAX_MS); an hour by default. */
  maxDelayMs?: number;
  random?: () => number;
}

/**
 * When to try again after `attempt` failures (1 = the first failed), or null to give up: doubling
 * from 2 s up to `maxDelayMs`, with ±20 % jitter so that receivers coming back are not hit in
 * lockstep, for at least 24 h after the first attempt.
 */
export function nextRetryAt(
  firstAttemptAt: number,
  now: number,
  attempt: number,
  { maxDelayMs = MAX_RETRY_MS, random = Math.random }: RetryOptions = {},
): number | null {
  if (now - firstAttemptAt >= RETRY_FOR_MS) return null;
  const base = Math.min(maxDelayMs, FIRST_RETRY_MS * 2 ** Math.max(0, attempt - 1));
  return now + Math.round(base * (0.8 + 0.4 * random()));
}

/** An IPv4 address as 4 bytes, or null. */
function parseV4(ip: string): number[] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return null;
  const bytes = m.slice(1).map(Number);
  return bytes.every((b) => b <= 255) ? bytes : null;
}

/** An IPv6 address (`::` shorthand, a dotted IPv4 tail, a `%zone`) as 16 bytes, or null. */
function parseV6(ip: string): number[] | null {
  let text = ip.replace(/%.*$/, '').toLowerCase();
  let tail: number[] = [];
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = parseV4(dotted[2]!);
    if (!v4) return null;
    tail = v4;
    text = `${dotted[1]!}0:0`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  if (!all.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  const bytes = all.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]);
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}

function isPrivateV4([a, b, c]: number[]): boolean {
  return (
    a === 0 || // "this" network
    a === 10 ||
    a === 127 ||
    (a === 100 && b! >= 64 && b! <= 127) || // carrier-grade NAT
    (a === 169 && b === 254) || // link-local, cloud metadata
    (a === 172 && b! >= 16 && b! <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0 && (c === 0 || c === 2)) || // IETF protocol assignments, documentation
    (a === 198 && (b === 18 || b === 19)) || // benchmarking
    (a === 198 && b === 51 && c === 100) ||
    (a === 203 && b === 0 && c === 113) ||
    a! >= 224 // multicast, reserved, broadcast
  );
}

/**
 * Whether an IP address is private, loopback, link-local, metadata or otherwise not a public
 * unicast address. IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64, 6to4) are
 * judged by that address; anything unparseable counts as private.
 */
export function isPrivateAddress(ip: string): boolean {
  const v4 = parseV4(ip);
  if (v4) return isPrivateV4(v4);
  const v6 = parseV6(ip);
  if (!v6) return true;
  const word = (i: number) => (v6[2 * i]! << 8) | v6[2 * i + 1]!;
  const zeros = (from: number, to: number) => v6.slice(from, to).every((b) => b === 0);
  if (zeros(0, 10) && word(5) === 0xffff) return isPrivateV4(v6.slice(12)); // ::ffff:a.b.c.d
  if (zeros(0, 12)) return true; // ::, ::1 and the deprecated IPv4-compatible ::a.b.c.d
  if (word(0) === 0x64 && word(1) === 0xff9b)
    return word(2) !== 0 || !zeros(6, 12) || isPrivateV4(v6.slice(12)); // NAT64, local-use NAT64
  if (word(0) === 0x2002) return isPrivateV4(v6.slice(2, 6)); // 6to4
  return (
    (word(0) === 0x100 && zeros(2, 8)) || // discard-only 100::/64
    (word(0) === 0x2001 && word(1) === 0) || // Teredo
    (word(0) === 0x2001 && word(1) === 0xdb8) || // documentation
    (v6[0]! & 0xfe) === 0xfc || // unique local fc00::/7
    (v6[0] === 0xfe && v6[1]! >= 0x80) || // link-local fe80::/10, site-local fec0::/10
    v6[0] === 0xff // multicast
  );
}
