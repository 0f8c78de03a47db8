// Channel alerts over the live socket (channels.alerts.v1: an expired token, a daily limit,
// a provider refusing): a person must see them wherever they are in the app, so each one is
// a toast, and the connections page's accounts and alerts are refetched at once.
import { notifications } from "@mantine/notifications";
import type { QueryClient } from "@tanstack/react-query";
import type { LiveEvent } from "./client";

export const CHANNEL_ALERTS_TOPIC = "channels.alerts.v1";

interface ChannelAlertData {
  channel_account_id: string;
  kind: string;
  message: string;
}

function alertData(event: LiveEvent): ChannelAlertData | null {
  if (event.topic !== CHANNEL_ALERTS_TOPIC && event.type !== CHANNEL_ALERTS_TOPIC) return null;
  const data = event.data as Partial<ChannelAlertData> | null;
  if (!data || typeof data.message !== "string" || typeof data.kind !== "string") return null;
  return data as ChannelAlertData;
}

/** `title` names the toast: for an alert, or for an account that resumed sending. */
export function channelAlertHandler(queryClient: QueryClient, title: (resumed: boolean) => string) {
  return (event: LiveEvent) => {
    const data = alertData(event);
    if (!data) return;
    void queryClient.invalidateQueries({ queryKey: ["channels"] });
    const resumed = data.kind === "resumed";
    notifications.show({
      id: `channel-alert-${event.id}`,
      color: resumed ? "brand" : "red",
      title: title(resumed),
      message: data.message,
      autoClose: resumed ? 6000 : false,
    });
  };
}
