import { Body, Controller, Get, Headers, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { isValidTimeZone } from '@subtrack/domain';
import { CATALOG_STORE, type CatalogStore } from '@subtrack/ports';
import { sameSecret } from '@subtrack/runtime';
import { ApiError, badParam } from './api-error';
import { authenticate, newApiKey } from './auth';
import { asBody, bodyInt, bodyString, type Query as Q } from './params';
import { ADMIN_TOKEN, CLOCK, type Clock } from '@subtrack/config';

function checkAdmin(expected: string, given: string | undefined): void {
  if (!sameSecret(given ?? '', expected))
    throw new ApiError(401, 'admin', 'missing or wrong X-Admin-Token header');
}

/** The canonical IANA name, so that "europe/moscow" is stored as "Europe/Moscow". */
function timezoneParam(raw: string | undefined): string {
  const tz = raw ?? 'UTC';
  if (!isValidTimeZone(tz)) throw badParam('timezone', `unknown IANA time zone "${tz}"`);
  return new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
}

@Controller('api/admin/accounts')
export class AdminController {
  constructor(
    @Inject(CATALOG_STORE) private readonly catalog: CatalogStore,
    @Inject(ADMIN_TOKEN) private readonly adminToken: string,
    @Inject(CLOCK) private readonly now: Clock,
  ) {}

  @Post('add.json')
  @HttpCode(200)
  async add(@Headers('x-admin-token') token: string | undefined, @Body() raw: unknown) {
    checkAdmin(this.adminToken, token);
    const body = asBody(raw);
    const name = bodyString(body, 'name', { required: true, max: 200 })!;
    const timezone = timezoneParam(bodyString(body, 'timezone'));
    const account = await this.catalog.createAccount({
      name,
      timezone,
      keyHash: '',
      postbacks: {},
      created: this.now(),
    });
    const { key, hash } = newApiKey(account.id);
    await this.catalog.updateAccount({ ...account, keyHash: hash });
    return { status: 'ok', data: { id: account.id, api_key: key } };
  }

  /** Issues a new key for an account (the old one stops working at once). */
  @Post('rotate.json')
  @HttpCode(200)
  async rotate(@Headers('x-admin-token') token: string | undefined, @Body() raw: unknown) {
    checkAdmin(this.adminToken, token);
    const id = bodyInt(asBody(raw), 'account', { required: true, min: 1 })!;
    const account = await this.catalog.getAccount(id);
    if (!account) throw new ApiError(404, 'notfound', `account ${id} not found`);
    const { key, hash } = newApiKey(account.id);
    await this.catalog.updateAccount({ ...account, keyHash: hash });
    return { status: 'ok', data: { id: account.id, api_key: key } };
  }
}

@Controller('api/account')
export class AccountController {
  constructor(@Inject(CATALOG_STORE) private readonly catalog: CatalogStore) {}

  @Get('info.json')
  async info(@Query() q: Q, @Headers('authorization') auth?: string) {
    const account = await authenticate(this.catalog, q, auth);
    return { status: 'ok', data: { id: account.id, name: account.name, timezone: account.timezone } };
  }

  /** Rotates the caller's own key: the answer holds the new one, the old one is dead. */
  @Post('rotate.json')
  @HttpCode(200)
  async rotate(@Query() q: Q, @Headers('authorization') auth?: string) {
    const account = await authenticate(this.catalog, q, auth);
    const { key, hash } = newApiKey(account.id);
    await this.catalog.updateAccount({ ...account, keyHash: hash });
    return { status: 'ok', data: { id: account.id, api_key: key } };
  }
}
