import { useState } from 'preact/hooks';
import type { Campaign, Summary } from '../api/types';
import { dayRangeToUnix, lastDays } from '../lib/dates';
import { useLoad } from '../lib/hooks';
import { useSession } from '../ui/context';
import { Alert, DateField, SelectField, TableWrap } from '../ui/controls';
import { SERIES, SeriesChart } from '../ui/series-chart';

const COUNTERS: { field: keyof Summary; caption: string }[] = [
  { field: 'starts', caption: 'Starts' },
  { field: 'holds', caption: 'Holds' },
  { field: 'confirms', caption: 'Confirms' },
  { field: 'cancels', caption: 'Cancels' },
  { field: 'trashes', caption: 'Trashes' },
  { field: 'cr', caption: 'CR, %' },
  { field: 'organic_joins', caption: 'Organic joins' },
  { field: 'organic_leaves', caption: 'Organic leaves' },
];

/** Per-campaign summaries are asked a few at a time, so a long campaign list does not flood the API. */
async function eachLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export function Overview() {
  const { api, account } = useSession();
  const initial = lastDays(30, account.timezone, Date.now());
  const [from, setFrom] = useState(initial.from);
  const [to, setTo] = useState(initial.to);
  const [campaign, setCampaign] = useState('');

  const campaigns = useLoad(() => api.campaigns(), []);
  const range = dayRangeToUnix(from, to, account.timezone);
  const scope = { ...range, ...(campaign ? { campaign: Number(campaign) } : {}) };
  const summary = useLoad(() => api.summary(scope), [from, to, campaign]);
  const series = useLoad(() => api.series(scope), [from, to, campaign]);
  const funnelOf: Campaign[] = (campaigns.data ?? []).filter((c) => !campaign || String(c.id) === campaign);
  const funnel = useLoad(
    () =>
      eachLimited(funnelOf, 4, async (c) => ({
        campaign: c,
        summary: await api.summary({ ...range, campaign: c.id }),
      })),
    [from, to, campaign, campaigns.data],
  );

  return (
    <>
      <h1>Overview</h1>
      <div class="filters">
        <DateField label="From" value={from} onChange={setFrom} />
        <DateField label="To" value={to} onChange={setTo} />
        <SelectField
          label="Campaign"
          value={campaign}
          onChange={setCampaign}
          options={[
            { value: '', label: 'All campaigns' },
            ...(campaigns.data ?? []).map((c) => ({ value: String(c.id), label: c.name })),
          ]}
        />
      </div>
      <p class="hint">Days are calendar days in {account.timezone}.</p>
      <Alert message={summary.error ?? series.error ?? campaigns.error ?? funnel.error} />

      <section aria-labelledby="counters-title">
        <h2 id="counters-title">Summary</h2>
        <dl class="counters" aria-busy={summary.loading}>
          {COUNTERS.map(({ field, caption }) => (
            <div class="counter" key={field}>
              <dt>{caption}</dt>
              <dd data-testid={`counter-${field}`}>{summary.data ? String(summary.data[field]) : '…'}</dd>
            </div>
          ))}
        </dl>
      </section>

      <section aria-labelledby="series-title">
        <h2 id="series-title">By day</h2>
        {series.data && series.data.length > 0 ? (
          <>
            <SeriesChart days={series.data} />
            <TableWrap label="Daily numbers" maxHeight="22rem">
              <table data-testid="series-table">
                <thead>
                  <tr>
                    <th scope="col">Day</th>
                    {SERIES.map((s) => (
                      <th scope="col" class="num" key={s.field}>
                        {s.label}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {series.data.map((d) => (
                    <tr key={d.date}>
                      <th scope="row">{d.date}</th>
                      {SERIES.map((s) => (
                        <td class="num" key={s.field}>
                          {String(d[s.field])}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          </>
        ) : (
          <p>{series.loading ? 'Loading…' : 'No days in this range.'}</p>
        )}
      </section>

      <section aria-labelledby="funnel-title">
        <h2 id="funnel-title">Funnel per campaign</h2>
        <TableWrap label="Funnel per campaign">
          <table data-testid="funnel">
            <thead>
              <tr>
                <th scope="col">Campaign</th>
                <th scope="col" class="num">
                  Starts →
                </th>
                <th scope="col" class="num">
                  Holds →
                </th>
                <th scope="col" class="num">
                  Confirms →
                </th>
                <th scope="col" class="num">
                  Cancels / trashes
                </th>
                <th scope="col" class="num">
                  CR, %
                </th>
              </tr>
            </thead>
            <tbody>
              {(funnel.data ?? []).map(({ campaign: c, summary: s }) => (
                <tr key={c.id} data-testid="funnel-row" data-campaign={c.id}>
                  <th scope="row">{c.name}</th>
                  <td class="num" data-testid="funnel-starts">
                    {String(s.starts)}
                  </td>
                  <td class="num" data-testid="funnel-holds">
                    {String(s.holds)}
                  </td>
                  <td class="num" data-testid="funnel-confirms">
                    {String(s.confirms)}
                  </td>
                  <td class="num">
                    <span data-testid="funnel-cancels">{String(s.cancels)}</span> /{' '}
                    <span data-testid="funnel-trashes">{String(s.trashes)}</span>
                  </td>
                  <td class="num" data-testid="funnel-cr">
                    {String(s.cr)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
        {campaigns.data && campaigns.data.length === 0 && (
          <p>
            No campaigns yet: <a href="#/campaigns">create one</a>.
          </p>
        )}
      </section>
    </>
  );
}
