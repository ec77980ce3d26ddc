import { useState } from 'preact/hooks';
import { publicApi } from '../api/client';
import type { AccountInfo } from '../api/types';
import { useAction } from '../lib/hooks';
import { Alert, Field } from '../ui/controls';

export function SignIn(props: {
  onSignedIn: (key: string, account: AccountInfo) => void;
  notice: string | null;
}) {
  const [key, setKey] = useState('');
  const signIn = useAction(async () => {
    const trimmed = key.trim();
    const account = await publicApi.accountInfo(trimmed);
    props.onSignedIn(trimmed, account);
  });
  return (
    <main id="main" class="narrow">
      <h1>Sign in</h1>
      {props.notice && <p class="notice">{props.notice}</p>}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void signIn.act();
        }}
      >
        <Field label="API key" hint="The key stays in this browser tab only and is forgotten when it closes.">
          {(id) => (
            <input
              id={id}
              type="password"
              autocomplete="off"
              spellcheck={false}
              required
              value={key}
              onInput={(e) => setKey(e.currentTarget.value)}
            />
          )}
        </Field>
        <Alert message={signIn.error} />
        <button type="submit" disabled={signIn.busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}
