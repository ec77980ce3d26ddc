import { Inject, Injectable } from '@nestjs/common';
import type { ApiKey, Setup } from '@subtrack/api-contract';
import { CLOCK, type Clock } from '@subtrack/config';
import { CATALOG_STORE, type Account, type CatalogStore } from '@subtrack/ports';
import { ADMIN_TOKEN_FILE } from '@subtrack/runtime';
import { ApiError } from './api-error';
import { newApiKey } from './auth';

/** Accounts and their API keys, and whether the install is still fresh. */
@Injectable()
export class AccountsService {
  constructor(
    @Inject(CATALOG_STORE) private readonly catalog: CatalogStore,
    @Inject(CLOCK) private readonly now: Clock,
    @Inject(ADMIN_TOKEN_FILE) private readonly adminTokenFile: string | null,
  ) {}

  async create(name: string, timezone: string): Promise<ApiKey> {
    const account = await this.catalog.createAccount({
      name,
      timezone,
      keyHash: '',
      postbacks: {},
      created: this.now(),
    });
    return this.rotate(account);
  }

  /** Issues a new key for an account (the old one stops working at once). */
  async rotateById(id: number): Promise<ApiKey> {
    const account = await this.catalog.getAccount(id);
    if (!account) throw new ApiError(404, 'notfound', `account ${id} not found`);
    return this.rotate(account);
  }

  async rotate(account: Account): Promise<ApiKey> {
    const { key, hash } = newApiKey(account.id);
    await this.catalog.updateAccount({ ...account, keyHash: hash });
    return { id: account.id, api_key: key };
  }

  /** Where the admin token is kept is told only while there is no account to protect yet. */
  async setup(): Promise<Setup> {
    const firstRun = !(await this.catalog.hasAccounts());
    return { first_run: firstRun, admin_token_file: firstRun ? this.adminTokenFile : null };
  }
}
