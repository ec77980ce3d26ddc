import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ParsedQueryOf, PostbackRow, Signing, TestPostbackResult } from '@subtrack/api-contract';
import { CLOCK, CONFIG, type Clock, type Config } from '@subtrack/config';
import { LEAD_STATUS_NAMES, type LeadStatusName } from '@subtrack/contracts';
import { formatDateTime, renderTemplate, templatesFor } from '@subtrack/domain';
import {
  CATALOG_STORE,
  POSTBACK_STORE,
  type Account,
  type CatalogStore,
  type PostbackDelivery,
  type PostbackStore,
  type PostbackTemplates,
} from '@subtrack/ports';
import { describeFailure, PostbackSigner, requestTarget } from '@subtrack/postback-http';
import { randomBytes } from 'node:crypto';
import { ApiError, badParam } from './api-error';
import { CampaignsService } from './campaigns.service';

/** How long a replaced signing key keeps signing beside the new one. */
export const SIGNING_OVERLAP_S = 24 * 3600;
/** A test postback waits this long for the receiver, as a real attempt does. */
export const TEST_TIMEOUT_MS = 10_000;
/** How much of the receiver's answer a test postback shows. */
export const TEST_RESPONSE_BYTES = 2048;

export function presentDelivery(d: PostbackDelivery, tz: string): PostbackRow {
  const last = d.attempts[d.attempts.length - 1];
  return {
    id: d.id,
    campaign: d.campaign,
    lead: d.lead,
    status: LEAD_STATUS_NAMES.indexOf(d.status) as PostbackRow['status'],
    url: d.url,
    method: d.method,
    state: d.state,
    attempts: d.attempts.length,
    last_http_status: last?.status ?? null,
    created: formatDateTime(d.created, tz),
    next_attempt: d.state === 'pending' ? formatDateTime(Math.max(1, Math.floor(d.nextAt / 1000)), tz) : null,
    log: d.attempts.map((a) => ({
      time: formatDateTime(Math.floor(a.at / 1000), tz),
      http_status: a.status,
      error: a.error,
      duration_ms: a.durationMs,
    })),
  };
}

/** Postback templates, signing keys, the delivery log and its re-sends, and test sends. */
@Injectable()
export class PostbacksService {
  private readonly logger = new Logger('postbacks');
  // Read fresh for each test: a key rotated a moment ago signs the next test already.
  private readonly signer: PostbackSigner;

  constructor(
    @Inject(CATALOG_STORE) private readonly catalog: CatalogStore,
    @Inject(POSTBACK_STORE) private readonly postbacks: PostbackStore,
    @Inject(CampaignsService) private readonly campaigns: CampaignsService,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(CLOCK) private readonly now: Clock,
  ) {
    this.signer = new PostbackSigner(catalog, 0);
  }

  async list(account: Account, q: ParsedQueryOf<'postbacksList'>) {
    const { status, limit, offset, ...filters } = q;
    const page = await this.postbacks.list({
      account: account.id,
      ...filters,
      ...(status !== undefined ? { status: LEAD_STATUS_NAMES[status] } : {}),
      limit: limit ?? 50,
      offset: offset ?? 0,
    });
    return { rows: page.rows.map((d) => presentDelivery(d, account.timezone)), total: page.total };
  }

  async resend(account: Account, id: string) {
    const delivery = await this.postbacks.get(id);
    if (!delivery || delivery.account !== account.id)
      throw new ApiError(404, 'notfound', `id: postback ${id} not found`);
    // Due now, on the seconds clock of the API; the sender works in milliseconds.
    await this.postbacks.resend(id, this.now() * 1000);
    return { id, state: 'pending' as const };
  }

  async setGlobal(account: Account, postbacks: PostbackTemplates) {
    await this.catalog.updateAccount({ ...account, postbacks });
    return { postbacks };
  }

  /**
   * Starts or rotates signing: a new key for the account (or one campaign), shown once. The key it
   * replaces keeps signing beside it for 24 hours. `off` stops signing in that scope.
   */
  async secret(account: Account, campaignId: number | undefined, off: boolean): Promise<Signing> {
    if (campaignId !== undefined) await this.campaigns.own(account, campaignId, 'campaign');
    const scope = campaignId ?? 0;
    if (off) {
      await this.catalog.removeSigningSecrets(account.id, scope);
      return { campaign: campaignId ?? null, secret: null, previous_valid_until: null };
    }
    const now = this.now();
    const replaced = (await this.catalog.signingSecrets(account.id, scope, now)).some((s) => s.retires === 0);
    const secret = `whsec_${randomBytes(24).toString('base64url')}`;
    await this.catalog.rotateSigningSecret(
      { account: account.id, campaign: scope, secret, created: now },
      now + SIGNING_OVERLAP_S,
    );
    return {
      campaign: campaignId ?? null,
      secret,
      previous_valid_until: replaced ? formatDateTime(now + SIGNING_OVERLAP_S, account.timezone) : null,
    };
  }

  /**
   * Sends the postback the campaign would send for `status`, once, with sample macro values:
   * through the same address guard and signing as real deliveries, never stored as one.
   */
  async test(account: Account, campaignId: number, status: LeadStatusName): Promise<TestPostbackResult> {
    const campaign = await this.campaigns.own(account, campaignId, 'campaign');
    const template = templatesFor(account.postbacks, campaign.postbacks)[status];
    if (!template) throw badParam('status', `campaign ${campaign.id} has no postback template for ${status}`);
    const time = this.now();
    const values = {
      click: 'test',
      status,
      campaign: campaign.code,
      user: account.id,
      lead: 0,
      subscriber: 0,
      username: 'test',
      chat: campaign.chat,
      time,
    };
    const target = {
      account: account.id,
      campaign: campaign.id,
      url: renderTemplate(template, values),
      method: campaign.method,
      body: campaign.method === 'POST' ? renderTemplate(campaign.body, values) : '',
    };
    const started = Date.now();
    let httpStatus: number | null = null;
    let response = '';
    let error = '';
    try {
      const answer = await requestTarget(target, {
        allowPrivate: this.config.POSTBACK_ALLOW_PRIVATE,
        timeoutMs: TEST_TIMEOUT_MS,
        headers: await this.signer.headersFor(target, started),
        keepBytes: TEST_RESPONSE_BYTES,
      });
      httpStatus = answer.status;
      response = answer.body;
      if (httpStatus < 200 || httpStatus > 299) error = `HTTP ${httpStatus}`;
    } catch (err) {
      error = describeFailure(err);
    }
    const durationMs = Date.now() - started;
    this.logger.log(
      `test postback of campaign ${campaign.id} (${status}) to ${target.url}: ${error || `HTTP ${httpStatus}`} in ${durationMs} ms`,
    );
    return {
      url: target.url,
      method: target.method,
      http_status: httpStatus,
      error,
      duration_ms: durationMs,
      response,
    };
  }
}
