import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Api } from '../api/client';
import type { AccountInfo } from '../api/types';

export interface Session {
  api: Api;
  account: AccountInfo;
  /** Keeps the session signed in with a new key (after a rotation). */
  replaceKey: (key: string) => void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in session');
  return s;
}
