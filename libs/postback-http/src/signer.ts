import type { CatalogStore, PostbackDelivery } from '@subtrack/ports';
import { createHmac } from 'node:crypto';

/** The header a signed postback carries. */
export const SIGNATURE_HEADER = 'X-Signature';

/**
 * A postback's signature header value, Stripe's scheme: `t=<unix seconds>` and one
 * `v1=<hex HMAC-SHA256 of "t.METHOD.url.body">` per signing key, the current key first (during a
 * rotation the retiring key signs too, so receivers can switch without a gap).
 */
export function postbackSignature(
  secrets: readonly string[],
  t: number,
  request: { method: string; url: string; body: string },
): string {
  const signed = `${t}.${request.method}.${request.url}.${request.body}`;
  const v1 = secrets.map((s) => `v1=${createHmac('sha256', s).update(signed).digest('hex')}`);
  return [`t=${t}`, ...v1].join(',');
}

/**
 * Signs postbacks with their campaign's keys, or the account's when the campaign has none. Keys are
 * read through a short cache, so a rotation or a stop applies within `ttlMs` on every instance.
 */
export class PostbackSigner {
  private readonly cache = new Map<string, { secrets: string[]; until: number }>();

  constructor(
    private readonly catalog: Pick<CatalogStore, 'signingSecrets'>,
    private readonly ttlMs = 5_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The signature header for an attempt at `atMs`, or none when no key is set. */
  async headersFor(
    d: Pick<PostbackDelivery, 'account' | 'campaign' | 'method' | 'url' | 'body'>,
    atMs: number,
  ): Promise<Record<string, string>> {
    const secrets = await this.secretsOf(d.account, d.campaign);
    if (secrets.length === 0) return {};
    return { [SIGNATURE_HEADER]: postbackSignature(secrets, Math.floor(atMs / 1000), d) };
  }

  private async secretsOf(account: number, campaign: number): Promise<string[]> {
    const key = `${account}:${campaign}`;
    const cached = this.cache.get(key);
    const now = this.now();
    if (cached && cached.until > now) return cached.secrets;
    const at = Math.floor(now / 1000);
    let found = await this.catalog.signingSecrets(account, campaign, at);
    if (found.length === 0) found = await this.catalog.signingSecrets(account, 0, at);
    const secrets = found.map((s) => s.secret);
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(key, { secrets, until: now + this.ttlMs });
    return secrets;
  }
}
