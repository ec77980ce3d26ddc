import { useState } from 'preact/hooks';
import { useAction } from '../lib/hooks';
import { useSession } from '../ui/context';
import { Alert, Field } from '../ui/controls';

export function Settings() {
  const { api, account, replaceKey } = useSession();
  const [newKey, setNewKey] = useState<string | null>(null);
  const rotate = useAction(async () => {
    const answer = await api.rotateKey();
    setNewKey(answer.api_key);
    replaceKey(answer.api_key);
  });

  return (
    <>
      <h1>Settings</h1>
      <section class="panel" aria-labelledby="account-title">
        <h2 id="account-title">Account</h2>
        <Field label="Account id">{(id) => <input id={id} readOnly value={String(account.id)} />}</Field>
        <Field label="Account name">{(id) => <input id={id} readOnly value={account.name} />}</Field>
        <Field
          label="Time zone"
          hint="Days in statistics and all times are in this zone. It is fixed: the daily rollups already counted would have to be rebuilt."
        >
          {(id) => <input id={id} readOnly value={account.timezone} />}
        </Field>
      </section>
      <section class="panel" aria-labelledby="key-title">
        <h2 id="key-title">API key</h2>
        <p>
          Rotating issues a new key and stops the current one at once: scripts using it must be given the new
          key. This browser tab stays signed in with it.
        </p>
        <Alert message={rotate.error} />
        <button type="button" disabled={rotate.busy} onClick={() => void rotate.act()}>
          Rotate API key
        </button>
        {newKey && (
          <Field label="New API key" hint="Shown once: copy it now.">
            {(id) => <input id={id} readOnly value={newKey} onFocus={(e) => e.currentTarget.select()} />}
          </Field>
        )}
      </section>
    </>
  );
}
