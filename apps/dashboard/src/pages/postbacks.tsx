import { useState } from 'preact/hooks';
import { DELIVERY_STATES, type Delivery, type DeliveryState } from '../api/types';
import { useAction, useLoad } from '../lib/hooks';
import { PAGE_SIZE } from '../lib/paging';
import { useSession } from '../ui/context';
import { Alert, Pager, SelectField, TableWrap, dash } from '../ui/controls';
import { campaignName, campaignOptions, optionalNumber, statusName } from '../ui/format';

export function Postbacks() {
  const { api, account } = useSession();
  const [campaign, setCampaign] = useState('');
  const [state, setState] = useState('');
  const [offset, setOffset] = useState(0);
  // Re-sent deliveries read as the API answered (pending) until the list is asked again.
  const [resent, setResent] = useState<Record<string, DeliveryState>>({});

  const campaigns = useLoad(() => api.campaigns(), []);
  const list = useLoad(async () => {
    const page = await api.postbacks({ campaign: optionalNumber(campaign), state, limit: PAGE_SIZE, offset });
    setResent({});
    return page;
  }, [campaign, state, offset]);
  const rows = list.data?.data ?? [];

  return (
    <>
      <h1>Postbacks</h1>
      <div class="filters">
        <SelectField
          label="Campaign"
          value={campaign}
          onChange={(v) => {
            setCampaign(v);
            setOffset(0);
          }}
          options={campaignOptions(campaigns.data)}
        />
        <SelectField
          label="State"
          value={state}
          onChange={(v) => {
            setState(v);
            setOffset(0);
          }}
          options={[
            { value: '', label: 'Any state' },
            ...DELIVERY_STATES.map((s) => ({ value: s, label: s })),
          ]}
        />
        <button type="button" class="secondary" onClick={list.reload}>
          Refresh
        </button>
      </div>
      <p class="hint">
        Every postback the server sent or will send, newest first, with each attempt. Failed deliveries are
        retried for a day; “Re-send” makes one due now. Times are in {account.timezone}.
      </p>
      <Alert message={list.error ?? campaigns.error} />
      <TableWrap label="Postback deliveries">
        <table class="wide" aria-busy={list.loading}>
          <thead>
            <tr>
              <th scope="col">Created</th>
              <th scope="col">Campaign</th>
              <th scope="col">Lead</th>
              <th scope="col">Status</th>
              <th scope="col">URL</th>
              <th scope="col">State</th>
              <th scope="col" class="num">
                Attempts
              </th>
              <th scope="col" class="num">
                Last HTTP status
              </th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((d) => (
              <DeliveryRow
                key={d.id}
                delivery={d}
                campaign={campaignName(campaigns.data, d.campaign)}
                state={resent[d.id] ?? d.state}
                onResent={(s) => setResent((r) => ({ ...r, [d.id]: s }))}
              />
            ))}
          </tbody>
        </table>
      </TableWrap>
      {!list.loading && rows.length === 0 && <p>No postbacks match these filters.</p>}
      <Pager
        offset={offset}
        rows={rows.length}
        total={list.data?.total ?? 0}
        pageSize={PAGE_SIZE}
        onOffset={setOffset}
      />
    </>
  );
}

function DeliveryRow(props: {
  delivery: Delivery;
  campaign: string;
  state: DeliveryState;
  onResent: (state: DeliveryState) => void;
}) {
  const { api } = useSession();
  const d = props.delivery;
  const resend = useAction(async () => props.onResent((await api.resend(d.id)).state));
  return (
    <tr data-testid="postback-row">
      <td class="time">{d.created}</td>
      <td>{props.campaign}</td>
      <td class="num">{d.lead}</td>
      <td>{statusName(d.status)}</td>
      <td class="url">
        <span class="mono">
          {d.method} {d.url}
        </span>
        {d.log.length > 0 && (
          <details>
            <summary>Attempts</summary>
            <ol class="attempts">
              {d.log.map((a, i) => (
                <li key={i}>
                  {a.time}: {a.http_status !== null ? `HTTP ${a.http_status}` : 'no answer'}
                  {a.error ? ` (${a.error})` : ''}, {a.duration_ms} ms
                </li>
              ))}
            </ol>
          </details>
        )}
        {props.state === 'pending' && d.next_attempt && (
          <small class="hint"> next attempt {d.next_attempt}</small>
        )}
      </td>
      <td>
        <span class={`tag state-${props.state}`}>{props.state}</span>
      </td>
      <td class="num">{d.attempts}</td>
      <td class="num">{dash(d.last_http_status)}</td>
      <td>
        <button type="button" class="secondary" disabled={resend.busy} onClick={() => void resend.act()}>
          Re-send
        </button>
        {resend.error && (
          <p role="alert" class="alert-inline">
            {resend.error}
          </p>
        )}
      </td>
    </tr>
  );
}
