import { Controller, Get, Headers, Inject, Query, Res } from '@nestjs/common';
import {
  CATALOG_STORE,
  LEAD_STORE,
  WELCOME_STORE,
  type CatalogStore,
  type LeadStore,
  type WelcomeStore,
} from '@subtrack/ports';
import type { Response } from 'express';
import { authenticate } from './auth';
import { actionParam, intParam, pageParams, rangeParams, statusParam, type Query as Q } from './params';
import { LEAD_CSV_COLUMNS, leadCsvLine, presentJournal, presentLead, presentWelcome } from './present';
import { StatsQuery } from './stats-query';

/** The seed's four endpoints and the CSV export. */
@Controller('api')
export class DataController {
  constructor(
    @Inject(CATALOG_STORE) private readonly catalog: CatalogStore,
    @Inject(LEAD_STORE) private readonly leads: LeadStore,
    @Inject(StatsQuery) private readonly stats: StatsQuery,
    @Inject(WELCOME_STORE) private readonly welcomes: WelcomeStore,
  ) {}

  private leadFilters(q: Q) {
    const campaign = intParam(q, 'campaign', 1);
    const status = statusParam(q);
    return {
      ...(campaign !== undefined ? { campaign } : {}),
      ...(status !== undefined ? { status } : {}),
      ...rangeParams(q),
    };
  }

  @Get('leads/list.json')
  async leadsList(@Query() q: Q, @Headers('authorization') header?: string) {
    const account = await authenticate(this.catalog, q, header);
    const page = await this.leads.listLeads({
      account: account.id,
      ...this.leadFilters(q),
      ...pageParams(q),
    });
    // Beside the seed's fields: whether the lead's latest welcome reached the subscriber.
    const welcomes = await this.welcomes.latestOf(page.rows.map((l) => l.id));
    return {
      status: 'ok',
      data: page.rows.map((l) => ({
        ...presentLead(l, account.timezone),
        welcome: presentWelcome(welcomes.get(l.id)),
      })),
      total: page.total,
    };
  }

  @Get('leads/export.csv')
  async leadsExport(
    @Query() q: Q,
    @Res() res: Response,
    @Headers('authorization') header?: string,
  ): Promise<void> {
    const account = await authenticate(this.catalog, q, header);
    const filters = this.leadFilters(q);
    res.status(200).setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="leads.csv"');
    res.write(LEAD_CSV_COLUMNS.join(',') + '\r\n');
    for await (const lead of this.leads.streamLeads({ account: account.id, ...filters })) {
      // Respect back-pressure: a slow client must not make the export buffer every row in memory.
      if (!res.write(leadCsvLine(lead, account.timezone))) await new Promise((r) => res.once('drain', r));
    }
    res.end();
  }

  @Get('journal/list.json')
  async journalList(@Query() q: Q, @Headers('authorization') header?: string) {
    const account = await authenticate(this.catalog, q, header);
    const bot = intParam(q, 'bot', 1);
    const chat = intParam(q, 'chat');
    const action = actionParam(q);
    const page = await this.leads.listJournal({
      account: account.id,
      ...(bot !== undefined ? { bot } : {}),
      ...(chat !== undefined ? { chat } : {}),
      ...(action !== undefined ? { action } : {}),
      ...rangeParams(q),
      ...pageParams(q),
    });
    return {
      status: 'ok',
      data: page.rows.map((e) => presentJournal(e, account.timezone)),
      total: page.total,
    };
  }

  private async statsScope(q: Q, header: string | undefined) {
    const account = await authenticate(this.catalog, q, header);
    const campaign = intParam(q, 'campaign', 1);
    return { account, ...(campaign !== undefined ? { campaign } : {}), ...rangeParams(q) };
  }

  @Get('stats/summary.json')
  async summary(@Query() q: Q, @Headers('authorization') header?: string) {
    return { status: 'ok', data: await this.stats.summary(await this.statsScope(q, header)) };
  }

  @Get('stats/series.json')
  async series(@Query() q: Q, @Headers('authorization') header?: string) {
    return { status: 'ok', data: await this.stats.series(await this.statsScope(q, header)) };
  }
}
