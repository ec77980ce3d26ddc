import { useState } from 'preact/hooks';
import {
  STATUS_NAMES,
  type Campaign,
  type CampaignBody,
  type StatusName,
  type TestPostback,
} from '../api/types';
import { messageOf, useAction, useLoad } from '../lib/hooks';
import { MACROS, renderTemplate, sampleValues } from '../lib/postback';
import { useSession } from '../ui/context';
import { Alert, Field, SelectField } from '../ui/controls';

type Editing = { mode: 'new' } | { mode: 'edit'; campaign: Campaign } | null;

export function Campaigns() {
  const { api } = useSession();
  const campaigns = useLoad(() => api.campaigns(), []);
  const [editing, setEditing] = useState<Editing>(null);
  const [saved, setSaved] = useState<string | null>(null);

  return (
    <>
      <h1>Campaigns</h1>
      {editing === null ? (
        <p class="actions">
          <button
            type="button"
            onClick={() => {
              setSaved(null);
              setEditing({ mode: 'new' });
            }}
          >
            New campaign
          </button>
        </p>
      ) : (
        <CampaignForm
          key={editing.mode === 'edit' ? editing.campaign.id : 'new'}
          campaign={editing.mode === 'edit' ? editing.campaign : null}
          onCancel={() => setEditing(null)}
          onSaved={(message) => {
            setEditing(null);
            setSaved(message);
            campaigns.reload();
          }}
        />
      )}
      {saved && (
        <p role="status" class="notice">
          {saved}
        </p>
      )}
      <Alert message={campaigns.error} />
      {campaigns.data && campaigns.data.length === 0 && (
        <p>
          No campaigns yet. A campaign needs a bot that administers a chat: add one under Bots and chats
          first.
        </p>
      )}
      <ul class="cards">
        {(campaigns.data ?? []).map((c) => (
          <CampaignRow
            key={c.id}
            campaign={c}
            onEdit={() => {
              setSaved(null);
              setEditing({ mode: 'edit', campaign: c });
            }}
          />
        ))}
      </ul>
    </>
  );
}

function CampaignRow({ campaign: c, onEdit }: { campaign: Campaign; onEdit: () => void }) {
  const { api } = useSession();
  const [copied, setCopied] = useState<string | null>(null);
  const [testStatus, setTestStatus] = useState<StatusName>('wait');
  const [result, setResult] = useState<{ ok: TestPostback } | { error: string } | null>(null);
  const test = useAction(async () => {
    setResult(null);
    try {
      setResult({ ok: await api.testPostback({ campaign: c.id, status: testStatus }) });
    } catch (err) {
      setResult({ error: messageOf(err) });
    }
  });

  return (
    <li class="card" data-testid="campaign-row">
      <div class="card-head">
        <h2>{c.name}</h2>
        <span class={`tag health-${c.health}`}>
          {c.health === 'ok' ? 'healthy' : c.health.replace('_', ' ')}
        </span>
      </div>
      <dl class="facts">
        <div>
          <dt>Code</dt>
          <dd class="mono">{c.code}</dd>
        </div>
        <div>
          <dt>Join mode</dt>
          <dd>{c.join_mode}</dd>
        </div>
        <div>
          <dt>Health</dt>
          <dd>{c.health}</dd>
        </div>
        <div class="wide">
          <dt>Deep link</dt>
          <dd class="mono link">{c.link}</dd>
        </div>
      </dl>
      <div class="row-actions">
        <button
          type="button"
          class="secondary"
          onClick={() =>
            void copyText(c.link).then(
              () => setCopied('Link copied'),
              () => setCopied('Copying is blocked here; select the link above'),
            )
          }
        >
          Copy link
        </button>
        <button type="button" class="secondary" onClick={onEdit}>
          Edit
        </button>
        <span role="status" class="hint">
          {copied}
        </span>
      </div>
      <div class="row-actions">
        <select
          aria-label="Test status"
          value={testStatus}
          onChange={(e) => setTestStatus(e.currentTarget.value as StatusName)}
        >
          {STATUS_NAMES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <button type="button" disabled={test.busy} onClick={() => void test.act()}>
          Send test postback
        </button>
      </div>
      <div data-testid="test-postback-result" role="status" class="test-result">
        {test.busy && 'Sending…'}
        {result && 'ok' in result && <TestResult answer={result.ok} />}
        {result && 'error' in result && <p class="alert-inline">{result.error}</p>}
      </div>
    </li>
  );
}

function TestResult({ answer: a }: { answer: TestPostback }) {
  return (
    <>
      <p>
        {a.http_status !== null ? `HTTP ${a.http_status}` : `No answer: ${a.error}`} · {a.duration_ms} ms ·{' '}
        {a.method} <span class="mono link">{a.url}</span>
      </p>
      {a.http_status !== null && a.error && <p class="alert-inline">{a.error}</p>}
      {a.response && <pre class="response">{a.response}</pre>}
    </>
  );
}

async function copyText(text: string): Promise<void> {
  if (navigator.clipboard?.writeText) return navigator.clipboard.writeText(text);
  throw new Error('no clipboard');
}

function CampaignForm(props: {
  campaign: Campaign | null;
  onCancel: () => void;
  onSaved: (message: string) => void;
}) {
  const { api, account } = useSession();
  const c = props.campaign;
  const [name, setName] = useState(c?.name ?? '');
  const [bot, setBot] = useState(c ? String(c.bot) : '');
  const [chat, setChat] = useState(c ? String(c.chat) : '');
  const [joinMode, setJoinMode] = useState<CampaignBody['join_mode']>(c?.join_mode ?? 'request');
  const [welcome, setWelcome] = useState(c?.welcome ?? '');
  const [unsubWindow, setUnsubWindow] = useState(String(c?.unsub_window ?? 0));
  const [method, setMethod] = useState<CampaignBody['method']>(c?.method ?? 'GET');
  const [body, setBody] = useState(c?.body ?? '');
  const [isDefault, setIsDefault] = useState(c?.default ?? false);
  const [urls, setUrls] = useState<Record<StatusName, string>>(
    () =>
      Object.fromEntries(STATUS_NAMES.map((s) => [s, c?.postbacks?.[s] ?? ''])) as Record<StatusName, string>,
  );

  const bots = useLoad(async () => {
    const list = await api.bots();
    // A new campaign starts on the first bot, so its chats show at once.
    if (!bot && list[0]) setBot(String(list[0].id));
    return list;
  }, []);
  const chats = useLoad(async () => {
    if (!bot) return [];
    const list = await api.chats(Number(bot));
    const usable = list.filter((x) => x.status === 'ok');
    if (!list.some((x) => String(x.id) === chat)) setChat(usable[0] ? String(usable[0].id) : '');
    return list;
  }, [bot]);

  const save = useAction(async () => {
    const payload: CampaignBody = {
      name: name.trim(),
      bot: Number(bot),
      chat: Number(chat),
      join_mode: joinMode,
      welcome,
      unsub_window: Number(unsubWindow),
      method,
      body,
      default: isDefault,
      postbacks: Object.fromEntries(
        STATUS_NAMES.filter((s) => urls[s].trim()).map((s) => [s, urls[s].trim()]),
      ),
    };
    if (c) {
      const updated = await api.editCampaign(c.id, payload);
      props.onSaved(`Campaign “${updated.name}” saved.`);
    } else {
      const created = await api.addCampaign(payload);
      props.onSaved(`Campaign “${payload.name}” created: ${created.link}`);
    }
  });

  const preview = urls.wait.trim()
    ? renderTemplate(urls.wait.trim(), { ...sampleValues(c?.code ?? '', account.id), status: 'wait' })
    : 'Set a wait URL to see it rendered.';

  return (
    <form
      class="panel"
      aria-labelledby="campaign-form-title"
      onSubmit={(e) => {
        e.preventDefault();
        void save.act();
      }}
    >
      <h2 id="campaign-form-title">{c ? `Edit “${c.name}”` : 'New campaign'}</h2>
      <div class="grid">
        <Field label="Name">
          {(id) => (
            <input
              id={id}
              required
              maxLength={200}
              value={name}
              onInput={(e) => setName(e.currentTarget.value)}
            />
          )}
        </Field>
        <SelectField
          label="Bot"
          value={bot}
          required
          onChange={setBot}
          options={[
            ...(bot ? [] : [{ value: '', label: bots.data?.length === 0 ? 'No bots yet' : 'Choose a bot' }]),
            ...(bots.data ?? []).map((b) => ({ value: String(b.id), label: `@${b.username}` })),
          ]}
        />
        <SelectField
          label="Chat"
          value={chat}
          required
          onChange={setChat}
          options={[
            ...(chat
              ? []
              : [{ value: '', label: chats.data?.length === 0 ? 'No chats for this bot' : 'Choose a chat' }]),
            ...(chats.data ?? []).map((x) => ({
              value: String(x.id),
              label: `${x.title || x.id}${x.status === 'ok' ? '' : ` (${x.status.replace('_', ' ')})`}`,
            })),
          ]}
        />
        <SelectField
          label="Join mode"
          value={joinMode}
          onChange={(v) => setJoinMode(v as CampaignBody['join_mode'])}
          options={[
            { value: 'request', label: 'request' },
            { value: 'direct', label: 'direct' },
          ]}
        />
        <Field
          label="Unsubscribe window (hours)"
          hint="Cancel and trash postbacks fire only this long after the join; 0 = always."
        >
          {(id) => (
            <input
              id={id}
              type="number"
              min={0}
              max={87600}
              step={1}
              required
              value={unsubWindow}
              onInput={(e) => setUnsubWindow(e.currentTarget.value)}
            />
          )}
        </Field>
        <div class="field checkbox">
          <input
            id="campaign-default"
            type="checkbox"
            checked={isDefault}
            onChange={(e) => setIsDefault(e.currentTarget.checked)}
          />
          <label for="campaign-default">Default campaign</label>
          <small class="hint">Takes a bare /start or an unknown code on this bot.</small>
        </div>
      </div>
      <Field label="Welcome text" hint="Sent on /start with a button carrying the personal invite link.">
        {(id) => (
          <textarea
            id={id}
            rows={3}
            maxLength={4096}
            value={welcome}
            onInput={(e) => setWelcome(e.currentTarget.value)}
          />
        )}
      </Field>

      <fieldset>
        <legend>Postbacks</legend>
        <p class="hint">
          Leave all five empty to use the account-wide templates. Macros, URL-encoded when sent:
        </p>
        <ul class="macros" aria-label="Macros">
          {MACROS.map((m) => (
            <li key={m.name}>
              <code>{`{${m.name}}`}</code> {m.about}
            </li>
          ))}
        </ul>
        {STATUS_NAMES.map((s) => (
          <Field key={s} label={`Postback URL (${s})`}>
            {(id) => (
              <input
                id={id}
                type="url"
                inputMode="url"
                placeholder={`https://tracker.example/postback?click={click}&status=${s}`}
                value={urls[s]}
                onInput={(e) => {
                  const value = e.currentTarget.value;
                  setUrls((u) => ({ ...u, [s]: value }));
                }}
              />
            )}
          </Field>
        ))}
        <p class="preview-label" id="preview-label">
          Preview of the wait URL with sample values
        </p>
        <output class="mono preview" data-testid="postback-preview" aria-labelledby="preview-label">
          {preview}
        </output>
        <div class="grid">
          <SelectField
            label="Postback method"
            value={method}
            onChange={(v) => setMethod(v as CampaignBody['method'])}
            options={[
              { value: 'GET', label: 'GET' },
              { value: 'POST', label: 'POST' },
            ]}
          />
        </div>
        <Field label="Postback body" hint="Sent with POST; the same macros apply.">
          {(id) => (
            <textarea
              id={id}
              rows={3}
              maxLength={8192}
              value={body}
              onInput={(e) => setBody(e.currentTarget.value)}
            />
          )}
        </Field>
      </fieldset>

      <Alert message={save.error ?? bots.error ?? chats.error} />
      <div class="row-actions">
        <button type="submit" disabled={save.busy}>
          Save campaign
        </button>
        <button type="button" class="secondary" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
