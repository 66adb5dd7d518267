/**
 * Who is signed in: `GET /api/v1/auth/me` answers from the session cookie. Until sign-in is
 * merged (issue 12 item 1), a bearer token in sessionStorage (BEARER_KEY, the browser tests'
 * seam) stands for the session: its claims are read, not checked — the API checks them.
 */
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, ApiError, BEARER_KEY, call } from './api/client';
import type { LoginAnswer, Me, Role } from './api/local-paths';

interface Session {
  me: Me | null | undefined;
  signIn(username: string, password: string): Promise<Me>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<Session | undefined>(undefined);

function claimsOfBearer(): Me | null {
  const token = sessionStorage.getItem(BEARER_KEY);
  if (!token) return null;
  try {
    const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))) as {
      sub: string;
      role: Role;
      jurisdiction?: string;
      uscc?: string;
      authority?: string;
    };
    return { userId: payload.sub, username: payload.sub, ...payload };
  } catch {
    return null;
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null | undefined>(undefined);

  useEffect(() => {
    const bearer = claimsOfBearer();
    if (bearer) {
      setMe(bearer);
      return;
    }
    call<Me>(api.GET('/api/v1/auth/me')).then(setMe, () => setMe(null));
  }, []);

  const signIn = useCallback(async (username: string, password: string) => {
    const answer = await call<LoginAnswer>(
      api.POST('/api/v1/auth/login', { body: { username, password } }),
    );
    // The session is the httpOnly cookie; `me` has the fields the login answer lacks.
    const full = await call<Me>(api.GET('/api/v1/auth/me')).catch(() => answer.user);
    setMe(full);
    return full;
  }, []);

  const signOut = useCallback(async () => {
    sessionStorage.removeItem(BEARER_KEY);
    await call(api.POST('/api/v1/auth/logout')).catch((error: unknown) => {
      if (!(error instanceof ApiError)) throw error;
    });
    setMe(null);
  }, []);

  return (
    <SessionContext.Provider value={{ me, signIn, signOut }}>{children}</SessionContext.Provider>
  );
}

export function useSession(): Session {
  const context = useContext(SessionContext);
  if (!context) throw new Error('useSession outside SessionProvider');
  return context;
}
