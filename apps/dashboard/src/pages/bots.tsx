import { useState } from 'preact/hooks';
import type { Bot } from '../api/types';
import { useAction, useLoad } from '../lib/hooks';
import { useSession } from '../ui/context';
import { Alert, Field, TableWrap } from '../ui/controls';

const HEALTH_TEXT: Record<string, string> = {
  ok: 'the bot administers it',
  not_admin: 'the bot lost its admin rights: campaigns on it get no invite links',
  removed: 'the bot is no longer in this chat',
};

export function Bots() {
  const { api } = useSession();
  // Bumped by Refresh: chats appear once Telegram tells the bot it was made an administrator.
  const [round, setRound] = useState(0);
  const bots = useLoad(() => api.bots(), [round]);
  const [token, setToken] = useState('');
  const [added, setAdded] = useState<string | null>(null);
  const add = useAction(async () => {
    const bot = await api.addBot(token.trim());
    setToken('');
    setAdded(
      `Bot @${bot.username} (${bot.id}) added.` +
        (bot.webhook ? ` Webhook: ${bot.webhook}.` : '') +
        ' Make it an administrator of your chat, and the chat appears below.',
    );
    bots.reload();
  });

  return (
    <>
      <h1>Bots and chats</h1>
      <form
        class="panel"
        onSubmit={(e) => {
          e.preventDefault();
          setAdded(null);
          void add.act();
        }}
      >
        <Field label="Bot token" hint="From @BotFather, like 123456:ABC-DEF…; it is checked with Telegram.">
          {(id) => (
            <input
              id={id}
              required
              autocomplete="off"
              spellcheck={false}
              value={token}
              onInput={(e) => setToken(e.currentTarget.value)}
            />
          )}
        </Field>
        <Alert message={add.error} />
        <button type="submit" disabled={add.busy}>
          Add bot
        </button>
      </form>
      {added && (
        <p role="status" class="notice">
          {added}
        </p>
      )}
      <div class="actions">
        <h2>Your bots</h2>
        <button type="button" class="secondary" onClick={() => setRound((r) => r + 1)}>
          Refresh
        </button>
      </div>
      <Alert message={bots.error} />
      {bots.data && bots.data.length === 0 && <p>No bots yet.</p>}
      <ul class="cards">
        {(bots.data ?? []).map((b) => (
          <BotCard key={b.id} bot={b} round={round} />
        ))}
      </ul>
    </>
  );
}

function BotCard({ bot, round }: { bot: Bot; round: number }) {
  const { api } = useSession();
  const chats = useLoad(() => api.chats(bot.id), [bot.id, round]);
  return (
    <li class="card">
      <TableWrap label={`Bot @${bot.username}`}>
        <table>
          <thead>
            <tr>
              <th scope="col">Username</th>
              <th scope="col">Id</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            <tr data-testid="bot-row">
              <td>@{bot.username}</td>
              <td class="num">{bot.id}</td>
              <td>
                <span class={`tag health-${bot.status}`}>{bot.status}</span>
                {bot.status === 'token_revoked' && (
                  <small class="hint"> Telegram refused the token; add the bot again with a new one.</small>
                )}
              </td>
            </tr>
          </tbody>
        </table>
      </TableWrap>
      <h2 class="sub">Chats of @{bot.username}</h2>
      <Alert message={chats.error} />
      {chats.data && chats.data.length === 0 ? (
        <p class="hint">No chats yet: add the bot to a channel or group as an administrator.</p>
      ) : (
        <TableWrap label={`Chats of @${bot.username}`}>
          <table>
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Id</th>
                <th scope="col">Type</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {(chats.data ?? []).map((c) => (
                <tr key={c.id} data-testid="chat-row">
                  <td>{c.title || (c.username ? `@${c.username}` : '—')}</td>
                  <td class="num">{c.id}</td>
                  <td>{c.type}</td>
                  <td>
                    <span class={`tag health-${c.status}`} title={HEALTH_TEXT[c.status]}>
                      {c.status}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </li>
  );
}
