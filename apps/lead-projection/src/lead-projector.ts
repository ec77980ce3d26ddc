import { Topics } from '@subtrack/contracts';
import type { Account, CatalogStore, EventLog, LeadStore, LoggedEvent } from '@subtrack/ports';
import { campaignsOf, project, subscribersOf, type PostbackSettings } from './projection';

/**
 * The lead projection's shell around `project`: reads the leads a batch touches and the settings
 * of their campaigns, then writes what the projection made, chats and derived events first, the
 * lead store's unit of work last, in one commit.
 */
export class LeadProjector {
  constructor(
    private readonly leads: LeadStore,
    private readonly catalog: CatalogStore,
    private readonly log: EventLog,
  ) {}

  async handle(batch: readonly LoggedEvent[]): Promise<void> {
    const leads = await this.leads.leadsOf(subscribersOf(batch));
    const settings = await this.settings(campaignsOf(batch, leads));
    // A copy of an event already applied (re-appended at a new position) changes nothing. A log
    // that drops repeated ids never hands one over, and the ids need not be stored.
    const copies = this.log.dropsRepeatedIds
      ? undefined
      : await this.leads.claim(batch.map((l) => ({ id: l.event.id, seq: l.seq })));
    const work = project({ leads, batch, settings, ...(copies ? { copies } : {}) });

    for (const chat of work.chats) await this.catalog.applyChat(chat);
    // Derived events first: if the commit below is lost, the redelivery re-derives the same ones.
    await this.log.append(Topics.leads, work.derived);
    await this.leads.commit({
      leads: work.leads,
      journal: work.journal,
      transitions: work.transitions,
      postbacks: work.postbacks,
      welcomes: work.welcomes,
    });
  }

  /** The campaigns (and their accounts) whose leads this batch may move, for welcomes and postbacks. */
  private async settings(ids: readonly number[]): Promise<PostbackSettings> {
    const settings: PostbackSettings = new Map();
    const accounts = new Map<number, Account | null>();
    for (const id of ids) {
      const campaign = await this.catalog.getCampaign(id);
      if (!campaign) continue;
      if (!accounts.has(campaign.account))
        accounts.set(campaign.account, await this.catalog.getAccount(campaign.account));
      settings.set(id, { campaign, account: accounts.get(campaign.account) ?? null });
    }
    return settings;
  }
}
