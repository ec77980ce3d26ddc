import { Body, Controller, Inject } from '@nestjs/common';
import { endpoints as api, type ParsedBodyOf } from '@subtrack/api-contract';
import type { Account } from '@subtrack/ports';
import { CampaignsService } from './campaigns.service';
import { CurrentAccount, Endpoint } from './endpoint';

@Controller()
export class CampaignsController {
  constructor(@Inject(CampaignsService) private readonly campaigns: CampaignsService) {}

  @Endpoint(api.campaignAdd)
  async add(@CurrentAccount() account: Account, @Body() body: ParsedBodyOf<'campaignAdd'>) {
    return { status: 'ok', data: await this.campaigns.add(account, body) };
  }

  @Endpoint(api.campaignEdit)
  async edit(@CurrentAccount() account: Account, @Body() body: ParsedBodyOf<'campaignEdit'>) {
    return { status: 'ok', data: await this.campaigns.edit(account, body) };
  }

  @Endpoint(api.campaignsList)
  async list(@CurrentAccount() account: Account) {
    return { status: 'ok', data: await this.campaigns.list(account) };
  }
}
