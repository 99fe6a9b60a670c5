import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, setUnauthorizedHandler } from './api';
import type { ConsoleConfig, Session } from './types';

export type { ConsoleConfig, Session };

const STORAGE_KEY = 'console.session';

function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as Session;
    return Date.parse(s.expiresAt) > Date.now() ? s : null;
  } catch {
    return null;
  }
}

interface SessionContextValue {
  config: ConsoleConfig;
  session: Session | null;
  signIn(session: Session): void;
  signOut(): void;
}

const SessionContext = createContext<SessionContextValue | null>(null);

export function SessionProvider({ config, children }: { config: ConsoleConfig; children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(loadSession);
  const signIn = useCallback((s: Session) => {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(s));
    setSession(s);
  }, []);
  const signOut = useCallback(() => {
    sessionStorage.removeItem(STORAGE_KEY);
    setSession(null);
    if (config.signIn === 'oidc' && config.oidc) {
      void import('./oidc').then(({ userManager }) => userManager(config.oidc!).removeUser());
    }
  }, [config]);
  useEffect(() => {
    setUnauthorizedHandler(signOut);
    return () => setUnauthorizedHandler(undefined);
  }, [signOut]);
  const value = useMemo(() => ({ config, session, signIn, signOut }), [config, session, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/** The signed-in session (pages behind sign-in only). */
export function useStaff(): Session {
  const { session } = useSession();
  if (!session) throw new Error('useStaff without a session');
  return session;
}

export async function loadConsoleConfig(): Promise<ConsoleConfig> {
  return await api<ConsoleConfig>('/console/config.json');
}
