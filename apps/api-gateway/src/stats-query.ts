import {
  addLeadCounters,
  addOrganicCounters,
  daySlices,
  daysBetween,
  emptyLeadCounters,
  emptyOrganicCounters,
  localDay,
  planRange,
  seriesPoint,
  summarize,
  dayStart,
  type LeadCounters,
  type OrganicCounters,
  type SeriesPoint,
  type Summary,
} from '@subtrack/domain';
import type { Account, CatalogStore, LeadStore, StatsStore } from '@subtrack/ports';
import { badParam } from './api-error';

export const MAX_SERIES_DAYS = 1000;
export const DEFAULT_SERIES_DAYS = 30;

interface Scope {
  account: Account;
  campaign?: number;
  from?: number;
  to?: number;
}

/**
 * Summary and series: whole past days from rollups, partial days and today recounted live. While
 * the stats projection has not yet applied every lead event (catching up after a backlog, or a
 * rebuild), rollups may lag the raw history, so every day is recounted live until it has.
 */
export class StatsQuery {
  constructor(
    private readonly catalog: CatalogStore,
    private readonly leads: LeadStore,
    private readonly stats: StatsStore,
    private readonly now: () => number,
    /** Whether the rollups hold every lead event the raw history holds. */
    private readonly rollupsCurrent: () => Promise<boolean>,
  ) {}

  /** The campaign's chat for organic numbers; null when the campaign is not the account's. */
  private async filters(scope: Scope): Promise<{ campaign?: number; chat?: number } | null> {
    if (scope.campaign === undefined) return {};
    const campaign = await this.catalog.getCampaign(scope.campaign);
    if (!campaign || campaign.account !== scope.account.id) return null;
    return { campaign: campaign.id, chat: campaign.chat };
  }

  private async live(account: number, f: { campaign?: number; chat?: number }, from: number, to: number) {
    const [leads, organic] = await Promise.all([
      this.leads.countFirstEntries({
        account,
        ...(f.campaign !== undefined ? { campaign: f.campaign } : {}),
        from,
        to,
      }),
      this.leads.countOrganic({ account, ...(f.chat !== undefined ? { chat: f.chat } : {}), from, to }),
    ]);
    return { leads, organic };
  }

  async summary(scope: Scope): Promise<Summary> {
    const now = this.now();
    const to = endOf(scope, now);
    const f = await this.filters(scope);
    let leads = emptyLeadCounters();
    let organic = emptyOrganicCounters();
    if (!f) return summarize(leads, organic);
    const account = scope.account.id;
    const plan = (await this.rollupsCurrent())
      ? planRange(scope.from, to, scope.account.timezone, now)
      : { rollups: null, live: [{ from: scope.from ?? 0, to }] };
    if (plan.rollups) {
      const rollupScope = {
        account,
        ...f,
        fromDay: plan.rollups.from ?? '0000-01-01',
        toDay: plan.rollups.to,
      };
      [leads, organic] = await Promise.all([
        this.stats.leadTotals(rollupScope),
        this.stats.organicTotals(rollupScope),
      ]);
    }
    for (const stretch of plan.live) {
      const counted = await this.live(account, f, stretch.from, stretch.to);
      leads = addLeadCounters(leads, counted.leads);
      organic = addOrganicCounters(organic, counted.organic);
    }
    return summarize(leads, organic);
  }

  async series(scope: Scope): Promise<SeriesPoint[]> {
    const tz = scope.account.timezone;
    const now = this.now();
    const to = endOf(scope, now);
    const from = scope.from ?? dayStart(shiftDays(localDay(to, tz), -(DEFAULT_SERIES_DAYS - 1)), tz);
    const span = daysBetween(localDay(from, tz), localDay(to, tz)) + 1;
    if (span > MAX_SERIES_DAYS)
      throw badParam('from', `a series covers at most ${MAX_SERIES_DAYS} days, this range has ${span}`);

    const slices = daySlices(from, to, tz);
    const f = await this.filters(scope);
    if (!f) return slices.map((s) => seriesPoint(s.day, emptyLeadCounters(), emptyOrganicCounters()));

    const today = localDay(now, tz);
    const fromRollups = (await this.rollupsCurrent()) ? slices.filter((s) => s.whole && s.day !== today) : [];
    const rollupDays = new Set(fromRollups.map((s) => s.day));
    let leadsByDay = new Map<string, LeadCounters>();
    let organicByDay = new Map<string, OrganicCounters>();
    if (fromRollups.length > 0) {
      const rollupScope = {
        account: scope.account.id,
        ...f,
        fromDay: fromRollups[0]!.day,
        toDay: fromRollups[fromRollups.length - 1]!.day,
      };
      [leadsByDay, organicByDay] = await Promise.all([
        this.stats.leadRollups(rollupScope),
        this.stats.organicRollups(rollupScope),
      ]);
    }
    const points: SeriesPoint[] = [];
    for (const s of slices) {
      if (rollupDays.has(s.day)) {
        points.push(
          seriesPoint(
            s.day,
            leadsByDay.get(s.day) ?? emptyLeadCounters(),
            organicByDay.get(s.day) ?? emptyOrganicCounters(),
          ),
        );
      } else {
        const counted = await this.live(scope.account.id, f, s.from, s.to);
        points.push(seriesPoint(s.day, counted.leads, counted.organic));
      }
    }
    return points;
  }
}

/** The range's end: `to`, or now; a `from` after it is a bad parameter like any `from` > `to`. */
function endOf(scope: Scope, now: number): number {
  const to = scope.to ?? now;
  if (scope.from !== undefined && scope.from > to)
    throw badParam(
      'from',
      `must not be after to (${scope.from} > ${to}${scope.to === undefined ? ', to defaults to now' : ''})`,
    );
  return to;
}

function shiftDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}
