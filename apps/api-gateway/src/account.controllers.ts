import { Body, Controller, Inject } from '@nestjs/common';
import { endpoints as api, type ParsedBodyOf } from '@subtrack/api-contract';
import type { Account } from '@subtrack/ports';
import { AccountsService } from './accounts.service';
import { CurrentAccount, Endpoint } from './endpoint';

const ok = <T>(data: T) => ({ status: 'ok' as const, data });

@Controller()
export class AdminController {
  constructor(@Inject(AccountsService) private readonly accounts: AccountsService) {}

  @Endpoint(api.adminAccountAdd)
  async add(@Body() body: ParsedBodyOf<'adminAccountAdd'>) {
    return ok(await this.accounts.create(body.name, body.timezone));
  }

  @Endpoint(api.adminAccountRotate)
  async rotate(@Body() body: ParsedBodyOf<'adminAccountRotate'>) {
    return ok(await this.accounts.rotateById(body.account));
  }
}

@Controller()
export class AccountController {
  constructor(@Inject(AccountsService) private readonly accounts: AccountsService) {}

  @Endpoint(api.accountInfo)
  info(@CurrentAccount() account: Account) {
    return ok({ id: account.id, name: account.name, timezone: account.timezone });
  }

  /** Rotates the caller's own key: the answer holds the new one, the old one is dead. */
  @Endpoint(api.accountRotate)
  async rotate(@CurrentAccount() account: Account) {
    return ok(await this.accounts.rotate(account));
  }

  /** What the dashboard shows before anyone signed in: a first-run screen on a fresh install. */
  @Endpoint(api.setup)
  async setup() {
    return ok(await this.accounts.setup());
  }
}
