import { Body, Controller, Get, Headers, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { CLOCK, type Clock } from '@subtrack/config';
import { LEAD_STATUS_NAMES, type LeadStatusName } from '@subtrack/contracts';
import { formatDateTime } from '@subtrack/domain';
import {
  CATALOG_STORE,
  POSTBACK_STORE,
  type CatalogStore,
  type DeliveryState,
  type PostbackDelivery,
  type PostbackStore,
} from '@subtrack/ports';
import { ApiError, badParam } from './api-error';
import { authenticate } from './auth';
import {
  asBody,
  bodyBool,
  bodyInt,
  bodyString,
  intParam,
  pageParams,
  rangeParams,
  single,
  statusParam,
  type Query as Q,
} from './params';

const STATES: readonly DeliveryState[] = ['pending', 'delivered', 'failed'];
/** How long a replaced signing key keeps signing beside the new one. */
export const SIGNING_OVERLAP_S = 24 * 3600;

function present(d: PostbackDelivery, tz: string) {
  const last = d.attempts[d.attempts.length - 1];
  return {
    id: d.id,
    campaign: d.campaign,
    lead: d.lead,
    status: LEAD_STATUS_NAMES.indexOf(d.status),
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

/** The postback delivery log, and re-sending one delivery by hand. */
@Controller('api/postbacks')
export class PostbacksController {
  constructor(
    @Inject(CATALOG_STORE) private readonly catalog: CatalogStore,
    @Inject(POSTBACK_STORE) private readonly postbacks: PostbackStore,
    @Inject(CLOCK) private readonly now: Clock,
  ) {}

  @Get('list.json')
  async list(@Query() q: Q, @Headers('authorization') header?: string) {
    const account = await authenticate(this.catalog, q, header);
    const campaign = intParam(q, 'campaign', 1);
    const status = statusParam(q);
    const state = single(q, 'state') || undefined;
    if (state !== undefined && !(STATES as readonly string[]).includes(state))
      throw badParam('state', `must be one of ${STATES.join(', ')}`);
    const page = await this.postbacks.list({
      account: account.id,
      ...(campaign !== undefined ? { campaign } : {}),
      ...(status !== undefined ? { status: LEAD_STATUS_NAMES[status] as LeadStatusName } : {}),
      ...(state !== undefined ? { state: state as DeliveryState } : {}),
      ...rangeParams(q),
      ...pageParams(q),
    });
    return { status: 'ok', data: page.rows.map((d) => present(d, account.timezone)), total: page.total };
  }

  @Post('resend.json')
  @HttpCode(200)
  async resend(@Query() q: Q, @Body() raw: unknown, @Headers('authorization') header?: string) {
    const account = await authenticate(this.catalog, q, header);
    const id = bodyString(asBody(raw), 'id', { required: true })!;
    const delivery = await this.postbacks.get(id);
    if (!delivery || delivery.account !== account.id)
      throw new ApiError(404, 'notfound', `id: postback ${id} not found`);
    // Due now, on the seconds clock of the API; the sender works in milliseconds.
    await this.postbacks.resend(id, this.now() * 1000);
    return { status: 'ok', data: { id, state: 'pending' } };
  }

  /**
   * Starts or rotates signing: a new key for the account (or one campaign), shown once. The key it
   * replaces keeps signing beside it for 24 hours. `off` stops signing in that scope.
   */
  @Post('secret.json')
  @HttpCode(200)
  async secret(@Query() q: Q, @Body() raw: unknown, @Headers('authorization') header?: string) {
    const account = await authenticate(this.catalog, q, header);
    const body = asBody(raw);
    const campaignId = bodyInt(body, 'campaign', { min: 1 });
    if (campaignId !== undefined) {
      const campaign = await this.catalog.getCampaign(campaignId);
      if (!campaign || campaign.account !== account.id)
        throw new ApiError(404, 'notfound', `campaign: campaign ${campaignId} not found`);
    }
    const scope = campaignId ?? 0;
    if (bodyBool(body, 'off')) {
      await this.catalog.removeSigningSecrets(account.id, scope);
      return {
        status: 'ok',
        data: { campaign: campaignId ?? null, secret: null, previous_valid_until: null },
      };
    }
    const now = this.now();
    const replaced = (await this.catalog.signingSecrets(account.id, scope, now)).some((s) => s.retires === 0);
    const secret = `whsec_${randomBytes(24).toString('base64url')}`;
    await this.catalog.rotateSigningSecret(
      { account: account.id, campaign: scope, secret, created: now },
      now + SIGNING_OVERLAP_S,
    );
    return {
      status: 'ok',
      data: {
        campaign: campaignId ?? null,
        secret,
        previous_valid_until: replaced ? formatDateTime(now + SIGNING_OVERLAP_S, account.timezone) : null,
      },
    };
  }
}
