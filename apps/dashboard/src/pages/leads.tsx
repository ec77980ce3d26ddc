import { useState } from 'preact/hooks';
import { dayRangeToUnix } from '../lib/dates';
import { useLoad } from '../lib/hooks';
import { PAGE_SIZE } from '../lib/paging';
import { useSession } from '../ui/context';
import { Alert, DateField, Pager, SelectField, TableWrap, dash } from '../ui/controls';
import {
  campaignName,
  campaignOptions,
  leadPostbackText,
  optionalNumber,
  statusName,
  statusOptions,
  welcomeText,
} from '../ui/format';

export function Leads() {
  const { api, account } = useSession();
  const [campaign, setCampaign] = useState('');
  const [status, setStatus] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [offset, setOffset] = useState(0);
  // A changed filter starts again from the first page.
  const filter = (set: (v: string) => void) => (v: string) => {
    set(v);
    setOffset(0);
  };

  const campaigns = useLoad(() => api.campaigns(), []);
  const filters = {
    campaign: optionalNumber(campaign),
    status: optionalNumber(status),
    ...dayRangeToUnix(from, to, account.timezone),
  };
  const leads = useLoad(
    () => api.leads({ ...filters, limit: PAGE_SIZE, offset }),
    [campaign, status, from, to, offset],
  );
  const rows = leads.data?.data ?? [];

  return (
    <>
      <h1>Leads</h1>
      <div class="filters">
        <SelectField
          label="Campaign"
          value={campaign}
          onChange={filter(setCampaign)}
          options={campaignOptions(campaigns.data)}
        />
        <SelectField
          label="Status"
          value={status}
          onChange={filter(setStatus)}
          options={statusOptions('Any status')}
        />
        <DateField label="From" value={from} onChange={filter(setFrom)} />
        <DateField label="To" value={to} onChange={filter(setTo)} />
      </div>
      <p class="actions">
        <a class="button" href={api.leadsExportUrl(filters)} download="leads.csv">
          Export CSV
        </a>
        <span class="hint">
          All leads matching the filters, streamed by the server. Times are in {account.timezone}.
        </span>
      </p>
      <Alert message={leads.error ?? campaigns.error} />
      <TableWrap label="Leads">
        <table class="wide" aria-busy={leads.loading}>
          <thead>
            <tr>
              <th scope="col">Id</th>
              <th scope="col">Campaign</th>
              <th scope="col">Subscriber</th>
              <th scope="col">Username</th>
              <th scope="col">Click</th>
              <th scope="col">Status</th>
              <th scope="col">Start time</th>
              <th scope="col">Join time</th>
              <th scope="col">Updated</th>
              <th scope="col">Welcome</th>
              <th scope="col">Postback</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((l) => (
              <tr key={l.id} data-testid="lead-row">
                <td class="num">{l.id}</td>
                <td>{campaignName(campaigns.data, l.campaign)}</td>
                <td class="num">{l.subscriber}</td>
                <td>{dash(l.username)}</td>
                <td class="mono">{dash(l.click)}</td>
                <td>{statusName(l.status)}</td>
                <td class="time">{l.start_time}</td>
                <td class="time">{l.join_time}</td>
                <td class="time">{l.updated}</td>
                <td class="state">{welcomeText(l.welcome)}</td>
                <td class="state">{leadPostbackText(l.postback)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {!leads.loading && rows.length === 0 && <p>No leads match these filters.</p>}
      <Pager
        offset={offset}
        rows={rows.length}
        total={leads.data?.total ?? 0}
        pageSize={PAGE_SIZE}
        onOffset={setOffset}
      />
    </>
  );
}
