import { useState } from 'preact/hooks';
import { publicApi } from '../api/client';
import type { AccountInfo } from '../api/types';
import { useAction } from '../lib/hooks';
import { Alert, Field } from '../ui/controls';

const browserZone = (): string => {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
};

/** An empty install: create the first account with the admin token, then sign in with its key. */
export function FirstRun(props: {
  adminTokenFile: string | null;
  onSignedIn: (key: string, account: AccountInfo) => void;
}) {
  const [token, setToken] = useState('');
  const [name, setName] = useState('');
  const [timezone, setTimezone] = useState(browserZone);
  const [key, setKey] = useState<string | null>(null);

  const create = useAction(async () => {
    const created = await publicApi.createAccount(token.trim(), {
      name: name.trim(),
      timezone: timezone.trim(),
    });
    setKey(created.api_key);
  });
  const proceed = useAction(async () => {
    if (!key) return;
    props.onSignedIn(key, await publicApi.accountInfo(key));
  });

  return (
    <main id="main" class="narrow">
      <h1>Create the first account</h1>
      <p>
        This install has no account yet. The admin token is{' '}
        {props.adminTokenFile ? (
          <>
            in the file <code>{props.adminTokenFile}</code> on the server.
          </>
        ) : (
          'the ADMIN_TOKEN you configured.'
        )}
      </p>
      {key === null ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void create.act();
          }}
        >
          <Field label="Admin token">
            {(id) => (
              <input
                id={id}
                type="password"
                autocomplete="off"
                required
                value={token}
                onInput={(e) => setToken(e.currentTarget.value)}
              />
            )}
          </Field>
          <Field label="Account name">
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
          <Field
            label="Time zone"
            hint="An IANA name such as Europe/Berlin. Days in statistics are counted in it; it cannot be changed later."
          >
            {(id) => (
              <input id={id} required value={timezone} onInput={(e) => setTimezone(e.currentTarget.value)} />
            )}
          </Field>
          <Alert message={create.error} />
          <button type="submit" disabled={create.busy}>
            Create account
          </button>
        </form>
      ) : (
        <div>
          <Field
            label="Your API key"
            hint="Keep it somewhere safe: it is shown once. Scripts send it as a Bearer token."
          >
            {(id) => <input id={id} readOnly value={key} onFocus={(e) => e.currentTarget.select()} />}
          </Field>
          <Alert message={proceed.error} />
          <button type="button" disabled={proceed.busy} onClick={() => void proceed.act()}>
            Continue to the dashboard
          </button>
        </div>
      )}
      <p>
        <a href="#/sign-in">I already have a key</a>
      </p>
    </main>
  );
}
