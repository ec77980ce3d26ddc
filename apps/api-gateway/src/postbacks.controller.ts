import { Body, Controller, Inject, Query } from '@nestjs/common';
import { endpoints as api, type ParsedBodyOf, type ParsedQueryOf } from '@subtrack/api-contract';
import type { Account } from '@subtrack/ports';
import { CurrentAccount, Endpoint } from './endpoint';
import { PostbacksService } from './postbacks.service';

/** Postback templates and signing, the delivery log, re-sends and test sends. */
@Controller()
export class PostbacksController {
  constructor(@Inject(PostbacksService) private readonly postbacks: PostbacksService) {}

  @Endpoint(api.postbacksList)
  async list(@CurrentAccount() account: Account, @Query() q: ParsedQueryOf<'postbacksList'>) {
    const page = await this.postbacks.list(account, q);
    return { status: 'ok', data: page.rows, total: page.total };
  }

  @Endpoint(api.postbacksResend)
  async resend(@CurrentAccount() account: Account, @Body() body: ParsedBodyOf<'postbacksResend'>) {
    return { status: 'ok', data: await this.postbacks.resend(account, body.id) };
  }

  @Endpoint(api.postbacksGlobal)
  async global(@CurrentAccount() account: Account, @Body() body: ParsedBodyOf<'postbacksGlobal'>) {
    return { status: 'ok', data: await this.postbacks.setGlobal(account, body.postbacks) };
  }

  @Endpoint(api.postbacksSecret)
  async secret(@CurrentAccount() account: Account, @Body() body: ParsedBodyOf<'postbacksSecret'>) {
    return { status: 'ok', data: await this.postbacks.secret(account, body.campaign, body.off ?? false) };
  }

  @Endpoint(api.postbacksTest)
  async test(@CurrentAccount() account: Account, @Body() body: ParsedBodyOf<'postbacksTest'>) {
    return { status: 'ok', data: await this.postbacks.test(account, body.campaign, body.status) };
  }
}
