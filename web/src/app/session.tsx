// The signed-in session: who the user is, their workspace and role, and the CSRF token the API
// client sends. Loaded once from GET /api/v1/auth/me; a 401 anywhere returns to sign-in.
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api, ApiError, onUnauthenticated, setCsrfToken } from '../api/client';
import type { Me } from '../api/generated/schema';

type SessionState =
  | { status: 'loading' }
  | { status: 'signed-out'; error?: string }
  | { status: 'signed-in'; me: Me };

type SessionApi = {
  state: SessionState;
  signIn: (email: string, password: string) => Promise<void>;
  signOut: () => Promise<void>;
};

const SessionContext = createContext<SessionApi | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  useEffect(() => {
    onUnauthenticated(() => {
      setCsrfToken(null);
      setState({ status: 'signed-out', error: 'Your session ended. Sign in again.' });
    });
    api('get', '/api/v1/auth/me')
      .then((me) => {
        setCsrfToken(me.csrf_token ?? null);
        setState({ status: 'signed-in', me });
      })
      .catch((e: unknown) => {
        setState({ status: 'signed-out', error: e instanceof ApiError && e.status !== 401 ? e.message : undefined });
      });
    return () => onUnauthenticated(null);
  }, []);

  const signIn = useCallback(async (email: string, password: string) => {
    const login = await api('post', '/api/v1/auth/login', { body: { email, password } });
    setCsrfToken(login.csrf_token);
    setState({ status: 'signed-in', me: { user: login.user, workspace: login.workspace, role: login.role, auth: 'session', csrf_token: login.csrf_token } });
  }, []);

  const signOut = useCallback(async () => {
    try {
      await api('post', '/api/v1/auth/logout');
    } finally {
      setCsrfToken(null);
      setState({ status: 'signed-out' });
    }
  }, []);

  const value = useMemo(() => ({ state, signIn, signOut }), [state, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionApi {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

// The signed-in user; only for pages rendered inside the signed-in shell.
export function useMe(): Me {
  const { state } = useSession();
  if (state.status !== 'signed-in') throw new Error('useMe while signed out');
  return state.me;
}
