// The browser's session: the access token lives in memory only (never in storage, so a
// script injected into the page cannot carry it away after a reload); the refresh token is
// the gateway's httpOnly `mia_refresh` cookie, spent before the access token expires.
import type { components } from "../api/gateway";

type TokenResponse = components["schemas"]["TokenResponse"];
type Listener = (signedIn: boolean) => void;

const REFRESH_PATH = "/api/v1/auth/refresh";
// Refresh this long before expiry, so a request in flight never carries a dead token.
const REFRESH_MARGIN_SECONDS = 60;

let accessToken: string | null = null;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
let refreshing: Promise<boolean> | null = null;
const listeners = new Set<Listener>();

export function authorizationHeader(): string | null {
  return accessToken ? `Bearer ${accessToken}` : null;
}

export function isSignedIn(): boolean {
  return accessToken !== null;
}

export function onSessionChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function announce(): void {
  for (const listener of listeners) listener(accessToken !== null);
}

type TokenListener = (token: string | null) => void;
const tokenListeners = new Set<TokenListener>();

/** The access token now (for the live socket, which cannot carry a header); null signed out. */
export function currentAccessToken(): string | null {
  return accessToken;
}

/** Called with every new access token (login and each silent refresh), null at the end. */
export function onAccessTokenChange(listener: TokenListener): () => void {
  tokenListeners.add(listener);
  return () => tokenListeners.delete(listener);
}

function announceToken(): void {
  for (const listener of tokenListeners) listener(accessToken);
}

export function startSession(token: TokenResponse): void {
  accessToken = token.access_token;
  clearTimeout(refreshTimer);
  const delay = Math.max(5, token.expires_in - REFRESH_MARGIN_SECONDS) * 1000;
  refreshTimer = setTimeout(() => void refreshSession(), delay);
  announce();
  announceToken();
}

export function endSession(): void {
  const wasSignedIn = accessToken !== null;
  accessToken = null;
  clearTimeout(refreshTimer);
  if (wasSignedIn) {
    announce();
    announceToken();
  }
}

/** Spends the refresh cookie; concurrent callers share one request. */
export function refreshSession(): Promise<boolean> {
  refreshing ??= (async () => {
    try {
      const response = await globalThis.fetch(
        new Request(new URL(REFRESH_PATH, globalThis.location.origin), {
          method: "POST",
          credentials: "same-origin",
        }),
      );
      if (!response.ok) {
        endSession();
        return false;
      }
      startSession((await response.json()) as TokenResponse);
      return true;
    } catch {
      endSession();
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}
