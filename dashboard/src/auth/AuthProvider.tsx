// Who is signed in, for the whole app: restores the session from the refresh cookie on
// load, and offers login and logout.
import { useQueryClient } from "@tanstack/react-query";
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from "react";
import type { ReactNode } from "react";
import { api } from "../api/client";
import type { Problem } from "../api/client";
import { endSession, isSignedIn, onSessionChange, refreshSession, startSession } from "./session";

export type AuthStatus = "restoring" | "signedIn" | "signedOut";

/** A failed login: the problem document when the gateway answered, else null (unreachable). */
export type LoginResult = { ok: true } | { ok: false; problem: Problem | null };

interface AuthContextValue {
  status: AuthStatus;
  login: (email: string, password: string) => Promise<LoginResult>;
  logout: () => Promise<void>;
}

const AuthContext = createContext<AuthContextValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<AuthStatus>(isSignedIn() ? "signedIn" : "restoring");

  useEffect(() => {
    const unsubscribe = onSessionChange((signedIn) => {
      setStatus(signedIn ? "signedIn" : "signedOut");
      if (!signedIn) queryClient.clear();
    });
    if (!isSignedIn()) {
      void refreshSession().then((ok) => setStatus(ok ? "signedIn" : "signedOut"));
    }
    return unsubscribe;
  }, [queryClient]);

  const login = useCallback(async (email: string, password: string): Promise<LoginResult> => {
    try {
      const { data, error } = await api.POST("/api/v1/auth/login", { body: { email, password } });
      if (data) {
        startSession(data);
        return { ok: true };
      }
      return { ok: false, problem: (error as Problem | undefined) ?? {} };
    } catch {
      return { ok: false, problem: null };
    }
  }, []);

  const logout = useCallback(async () => {
    try {
      await api.POST("/api/v1/auth/logout");
    } finally {
      // Signed out here even if the gateway was unreachable; the cookie then expires alone.
      endSession();
      setStatus("signedOut");
    }
  }, []);

  const value = useMemo(() => ({ status, login, logout }), [status, login, logout]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error("useAuth outside AuthProvider");
  return value;
}
