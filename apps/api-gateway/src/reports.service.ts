import { Inject, Injectable } from '@nestjs/common';
import type { LeadRow, ParsedQueryOf } from '@subtrack/api-contract';
import type { LeadStatus } from '@subtrack/contracts';
import {
  LEAD_STORE,
  POSTBACK_STORE,
  WELCOME_STORE,
  type Account,
  type LeadStore,
  type PostbackStore,
  type StoredLead,
  type WelcomeStore,
} from '@subtrack/ports';
import { presentJournal, presentLead, presentPostbackState, presentWelcome } from './present';

type LeadFilters = ParsedQueryOf<'leadsExport'>;

const leadQuery = (account: Account, { status, ...rest }: LeadFilters) => ({
  account: account.id,
  ...rest,
  ...(status !== undefined ? { status: status as LeadStatus } : {}),
});

/** Leads and the chat journal as the account reads them: paged lists and the streamed export. */
@Injectable()
export class ReportsService {
  constructor(
    @Inject(LEAD_STORE) private readonly leads: LeadStore,
    @Inject(WELCOME_STORE) private readonly welcomes: WelcomeStore,
    @Inject(POSTBACK_STORE) private readonly postbacks: PostbackStore,
  ) {}

  async leadsPage(
    account: Account,
    q: ParsedQueryOf<'leadsList'>,
  ): Promise<{ rows: LeadRow[]; total: number }> {
    const { limit, offset, ...filters } = q;
    const page = await this.leads.listLeads({
      ...leadQuery(account, filters),
      limit: limit ?? 50,
      offset: offset ?? 0,
    });
    // Beside the seed's fields: whether the lead's latest welcome reached the subscriber, and
    // where its latest postback stands.
    const ids = page.rows.map((l) => l.id);
    const [welcomes, postbacks] = await Promise.all([
      this.welcomes.latestOf(ids),
      this.postbacks.latestOf(ids),
    ]);
    return {
      rows: page.rows.map((l) => ({
        ...presentLead(l, account.timezone),
        welcome: presentWelcome(welcomes.get(l.id)),
        postback: presentPostbackState(postbacks.get(l.id)),
      })),
      total: page.total,
    };
  }

  /** Every lead matching the filters, newest first, for the CSV export. */
  leadsStream(account: Account, filters: LeadFilters): AsyncIterable<StoredLead> {
    return this.leads.streamLeads(leadQuery(account, filters));
  }

  async journalPage(account: Account, q: ParsedQueryOf<'journalList'>) {
    const { limit, offset, ...filters } = q;
    const page = await this.leads.listJournal({
      account: account.id,
      ...filters,
      limit: limit ?? 50,
      offset: offset ?? 0,
    });
    return { rows: page.rows.map((e) => presentJournal(e, account.timezone)), total: page.total };
  }
}
