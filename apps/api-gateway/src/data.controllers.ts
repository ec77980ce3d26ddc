import { Controller, Inject, Query, Res } from '@nestjs/common';
import { endpoints as api, type ParsedQueryOf } from '@subtrack/api-contract';
import type { Account } from '@subtrack/ports';
import type { Response } from 'express';
import { CurrentAccount, Endpoint } from './endpoint';
import { LEAD_CSV_COLUMNS, leadCsvLine } from './present';
import { ReportsService } from './reports.service';
import { StatsQuery } from './stats-query';

/** The seed's four endpoints and the CSV export. */
@Controller()
export class DataController {
  constructor(
    @Inject(ReportsService) private readonly reports: ReportsService,
    @Inject(StatsQuery) private readonly stats: StatsQuery,
  ) {}

  @Endpoint(api.leadsList)
  async leadsList(@CurrentAccount() account: Account, @Query() q: ParsedQueryOf<'leadsList'>) {
    const page = await this.reports.leadsPage(account, q);
    return { status: 'ok', data: page.rows, total: page.total };
  }

  @Endpoint(api.leadsExport)
  async leadsExport(
    @CurrentAccount() account: Account,
    @Query() q: ParsedQueryOf<'leadsExport'>,
    @Res() res: Response,
  ): Promise<void> {
    res.status(200).setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="leads.csv"');
    res.write(LEAD_CSV_COLUMNS.join(',') + '\r\n');
    for await (const lead of this.reports.leadsStream(account, q)) {
      // Respect back-pressure: a slow client must not make the export buffer every row in memory.
      if (!res.write(leadCsvLine(lead, account.timezone))) await new Promise((r) => res.once('drain', r));
    }
    res.end();
  }

  @Endpoint(api.journalList)
  async journalList(@CurrentAccount() account: Account, @Query() q: ParsedQueryOf<'journalList'>) {
    const page = await this.reports.journalPage(account, q);
    return { status: 'ok', data: page.rows, total: page.total };
  }

  @Endpoint(api.statsSummary)
  async summary(@CurrentAccount() account: Account, @Query() q: ParsedQueryOf<'statsSummary'>) {
    return { status: 'ok', data: await this.stats.summary({ account, ...q }) };
  }

  @Endpoint(api.statsSeries)
  async series(@CurrentAccount() account: Account, @Query() q: ParsedQueryOf<'statsSeries'>) {
    return { status: 'ok', data: await this.stats.series({ account, ...q }) };
  }
}
