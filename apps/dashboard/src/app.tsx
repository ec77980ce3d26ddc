import { useEffect, useMemo, useState } from 'preact/hooks';
import { createApi, publicApi } from './api/client';
import type { AccountInfo } from './api/types';
import { messageOf, useHashRoute } from './lib/hooks';
import { session } from './lib/session';
import { Bots } from './pages/bots';
import { Campaigns } from './pages/campaigns';
import { FirstRun } from './pages/first-run';
import { Journal } from './pages/journal';
import { Leads } from './pages/leads';
import { Overview } from './pages/overview';
import { Postbacks } from './pages/postbacks';
import { Settings } from './pages/settings';
import { SignIn } from './pages/sign-in';
import { SessionContext, type Session } from './ui/context';

const PAGES = [
  { path: '/overview', title: 'Overview', Page: Overview },
  { path: '/leads', title: 'Leads', Page: Leads },
  { path: '/journal', title: 'Journal', Page: Journal },
  { path: '/campaigns', title: 'Campaigns', Page: Campaigns },
  { path: '/postbacks', title: 'Postbacks', Page: Postbacks },
  { path: '/bots', title: 'Bots and chats', Page: Bots },
  { path: '/settings', title: 'Settings', Page: Settings },
] as const;

type Signed = { key: string; account: AccountInfo };

export function App() {
  const route = useHashRoute();
  const [signed, setSigned] = useState<Signed | null>(null);
  // Until the stored key is checked, nothing is shown rather than a sign-in screen that flickers.
  const [checking, setChecking] = useState(() => session.get() !== null);
  const [notice, setNotice] = useState<string | null>(null);

  const signOut = (message: string | null = null) => {
    session.clear();
    setSigned(null);
    setNotice(message);
  };

  const signIn = (key: string, account: AccountInfo) => {
    session.set(key);
    setNotice(null);
    setSigned({ key, account });
    if (!PAGES.some((p) => p.path === route)) window.location.hash = '#/overview';
  };

  useEffect(() => {
    const key = session.get();
    if (!key) return;
    publicApi.accountInfo(key).then(
      (account) => {
        setSigned({ key, account });
        setChecking(false);
      },
      (err: unknown) => {
        signOut(messageOf(err));
        setChecking(false);
      },
    );
  }, []);

  const value = useMemo<Session | null>(
    () =>
      signed && {
        api: createApi(signed.key, () => signOut('Your API key is no longer valid; sign in again.')),
        account: signed.account,
        replaceKey: (key: string) => {
          session.set(key);
          setSigned({ key, account: signed.account });
        },
      },
    [signed],
  );

  if (checking) return <main id="main" aria-busy="true" />;
  if (!value) {
    return route === '/sign-in' ? (
      <SignIn onSignedIn={signIn} notice={notice} />
    ) : (
      <Welcome onSignedIn={signIn} notice={notice} />
    );
  }

  const page = PAGES.find((p) => p.path === route) ?? PAGES[0];
  return (
    <SessionContext.Provider value={value}>
      <a class="skip" href="#main" onClick={skipToMain}>
        Skip to content
      </a>
      <header class="top">
        <span class="brand">subtrack</span>
        <nav aria-label="Main">
          <ul>
            {PAGES.map((p) => (
              <li key={p.path}>
                <a href={`#${p.path}`} aria-current={p === page ? 'page' : undefined}>
                  {p.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <span class="who" title={`account ${value.account.id}`}>
          {value.account.name}
        </span>
        <button type="button" class="secondary" onClick={() => signOut()}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <page.Page key={page.path} />
      </main>
    </SessionContext.Provider>
  );
}

/** The skip link targets an element, not a route: move focus without touching the hash. */
function skipToMain(e: MouseEvent) {
  e.preventDefault();
  document.getElementById('main')?.focus();
}

/** Without a key: the first-run screen on an empty install, else sign-in. */
function Welcome(props: { onSignedIn: (key: string, account: AccountInfo) => void; notice: string | null }) {
  const [firstRun, setFirstRun] = useState<{ first_run: boolean; admin_token_file: string | null } | null>(
    null,
  );
  useEffect(() => {
    // An API without the setup endpoint, or one that cannot answer, gets the sign-in screen.
    publicApi.setup().then(setFirstRun, () => setFirstRun({ first_run: false, admin_token_file: null }));
  }, []);
  if (!firstRun) return <main id="main" aria-busy="true" />;
  return firstRun.first_run ? (
    <FirstRun adminTokenFile={firstRun.admin_token_file} onSignedIn={props.onSignedIn} />
  ) : (
    <SignIn onSignedIn={props.onSignedIn} notice={props.notice} />
  );
}
