// The live socket for the signed-in app: one connection, refetching what inbox events make
// stale, raising channel alerts and moving campaigns' progress, with its state for the indicator. Mounted once in the app's frame (AppLayout).
import { useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import { currentAccessToken, onAccessTokenChange, refreshSession } from "../auth/session";
import { LiveClient, type LiveEvent, type LiveStatus, liveUrl } from "./client";
import { CAMPAIGNS_TOPIC, campaignsRefresher } from "./campaigns";
import { CHANNEL_ALERTS_TOPIC, channelAlertHandler } from "./channels";
import { INBOX_TOPIC, inboxRefresher } from "./inbox";
import { LEADS_TOPIC, leadsRefresher } from "./leads";

interface LiveContextValue {
  status: LiveStatus;
  /** every event the socket hands on (already deduplicated) */
  subscribe: (listener: (event: LiveEvent) => void) => () => void;
}

const LiveContext = createContext<LiveContextValue>({
  status: "offline",
  subscribe: () => () => {},
});

const DEFAULT_TOPICS = [INBOX_TOPIC, CHANNEL_ALERTS_TOPIC, LEADS_TOPIC, CAMPAIGNS_TOPIC] as const;

interface LiveProviderProps {
  children: ReactNode;
  /** the topics to receive (the gateway refuses unknown ones) */
  topics?: readonly string[];
  /** tests shorten the reconnect delays */
  initialDelayMs?: number;
}

export function LiveProvider({ children, topics = DEFAULT_TOPICS, initialDelayMs }: LiveProviderProps) {
  const queryClient = useQueryClient();
  const { t } = useTranslation();
  // Read when a toast is shown: a language change must not reopen the socket.
  const translate = useRef(t);
  translate.current = t;
  const [status, setStatus] = useState<LiveStatus>("connecting");
  const listeners = useRef(new Set<(event: LiveEvent) => void>());
  const subscribe = useCallback((listener: (event: LiveEvent) => void) => {
    listeners.current.add(listener);
    return () => {
      listeners.current.delete(listener);
    };
  }, []);
  const value = useMemo(() => ({ status, subscribe }), [status, subscribe]);
  const topicList = topics.join(",");

  useEffect(() => {
    if (typeof globalThis.WebSocket === "undefined") {
      setStatus("unavailable");
      return;
    }
    const client = new LiveClient({
      url: liveUrl(),
      topics: topicList ? topicList.split(",") : undefined,
      getToken: currentAccessToken,
      onTokenChange: onAccessTokenChange,
      refresh: refreshSession,
      initialDelayMs,
    });
    const refresher = inboxRefresher(queryClient);
    const leads = leadsRefresher(queryClient);
    const campaigns = campaignsRefresher(queryClient);
    const channelAlert = channelAlertHandler(queryClient, (resumed) =>
      translate.current(resumed ? "live.channelResumed" : "live.channelAlert"),
    );
    client.onStatus(setStatus);
    client.onEvent((event) => {
      refresher.event(event);
      leads.event(event);
      campaigns.event(event);
      channelAlert(event);
      for (const listener of listeners.current) listener(event);
    });
    client.onStale(() => {
      refresher.everything();
      leads.everything();
      campaigns.everything();
    });
    client.start();
    setStatus(client.status);
    return () => {
      client.stop();
      refresher.cancel();
      leads.cancel();
      campaigns.cancel();
    };
  }, [queryClient, topicList, initialDelayMs]);

  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

export function useLive(): LiveContextValue {
  return useContext(LiveContext);
}

/** Calls `listener` with each live event while the component is mounted. */
export function useLiveEvents(listener: (event: LiveEvent) => void): void {
  const { subscribe } = useLive();
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => subscribe((event) => latest.current(event)), [subscribe]);
}
