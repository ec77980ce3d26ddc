import { Body, Controller, Inject, Query } from '@nestjs/common';
import { endpoints as api, type ParsedBodyOf, type ParsedQueryOf } from '@subtrack/api-contract';
import type { Account } from '@subtrack/ports';
import { BotsService } from './bots.service';
import { CurrentAccount, Endpoint } from './endpoint';

@Controller()
export class BotsController {
  constructor(@Inject(BotsService) private readonly bots: BotsService) {}

  @Endpoint(api.botAdd)
  async add(@CurrentAccount() account: Account, @Body() body: ParsedBodyOf<'botAdd'>) {
    return { status: 'ok', data: await this.bots.add(account, body.token) };
  }

  @Endpoint(api.botsList)
  async list(@CurrentAccount() account: Account) {
    return { status: 'ok', data: await this.bots.list(account) };
  }

  @Endpoint(api.chatsList)
  async chats(@CurrentAccount() account: Account, @Query() q: ParsedQueryOf<'chatsList'>) {
    return { status: 'ok', data: await this.bots.chats(account, q.bot, q.all ?? false) };
  }
}
