import { useState } from 'preact/hooks';
import { JOURNAL_ACTIONS } from '../api/types';
import { useLoad } from '../lib/hooks';
import { PAGE_SIZE } from '../lib/paging';
import { useSession } from '../ui/context';
import { Alert, Pager, SelectField, TableWrap, dash } from '../ui/controls';
import { optionalNumber } from '../ui/format';

export function Journal() {
  const { api, account } = useSession();
  const [bot, setBot] = useState('');
  const [chat, setChat] = useState('');
  const [action, setAction] = useState('');
  const [offset, setOffset] = useState(0);

  const bots = useLoad(() => api.bots(), []);
  const chats = useLoad(() => api.chats(optionalNumber(bot)), [bot]);
  const journal = useLoad(
    () =>
      api.journal({ bot: optionalNumber(bot), chat: optionalNumber(chat), action, limit: PAGE_SIZE, offset }),
    [bot, chat, action, offset],
  );
  const rows = journal.data?.data ?? [];

  return (
    <>
      <h1>Journal</h1>
      <div class="filters">
        <SelectField
          label="Bot"
          value={bot}
          onChange={(v) => {
            setBot(v);
            setChat('');
            setOffset(0);
          }}
          options={[
            { value: '', label: 'All bots' },
            ...(bots.data ?? []).map((b) => ({ value: String(b.id), label: `@${b.username}` })),
          ]}
        />
        <SelectField
          label="Chat"
          value={chat}
          onChange={(v) => {
            setChat(v);
            setOffset(0);
          }}
          options={[
            { value: '', label: 'All chats' },
            ...(chats.data ?? []).map((c) => ({ value: String(c.id), label: c.title || String(c.id) })),
          ]}
        />
        <SelectField
          label="Action"
          value={action}
          onChange={(v) => {
            setAction(v);
            setOffset(0);
          }}
          options={[
            { value: '', label: 'Any action' },
            ...JOURNAL_ACTIONS.map((a) => ({ value: a, label: a })),
          ]}
        />
      </div>
      <p class="hint">
        Every join and leave in the tracked chats. Paid rows belong to a lead of a campaign; organic ones do
        not. Times are in {account.timezone}.
      </p>
      <Alert message={journal.error ?? bots.error ?? chats.error} />
      <TableWrap label="Journal">
        <table aria-busy={journal.loading}>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Action</th>
              <th scope="col">Kind</th>
              <th scope="col">Subscriber</th>
              <th scope="col">Username</th>
              <th scope="col">Id</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-testid="journal-row" class={r.paid ? 'paid' : 'organic'}>
                <td class="time">{r.time}</td>
                <td>{r.action}</td>
                <td>
                  <span class={`tag ${r.paid ? 'tag-paid' : 'tag-organic'}`}>
                    {r.paid ? 'paid' : 'organic'}
                  </span>
                </td>
                <td class="num">{r.subscriber}</td>
                <td>{dash(r.username)}</td>
                <td class="num">{r.id}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {!journal.loading && rows.length === 0 && <p>No journal rows match these filters.</p>}
      <Pager
        offset={offset}
        rows={rows.length}
        total={journal.data?.total ?? 0}
        pageSize={PAGE_SIZE}
        onOffset={setOffset}
      />
    </>
  );
}
