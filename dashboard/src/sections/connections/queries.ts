// The connections section's server state and the rules for what it shows.
import type { ChannelAccount, ChannelAlert } from "../../api/channels";

export const channelKeys = {
  // Shared with the contact page, which names a conversation's number from this list.
  accounts: ["channels", "accounts"] as const,
  alerts: ["channels", "alerts"] as const,
  limits: (accountId: string) => ["channels", "limits", accountId] as const,
};

/** The channels this page manages; WhatsApp Web sessions are not offered here. */
export const MANAGED_CHANNELS = ["whatsapp_cloud", "sms"] as const;
export type ManagedChannel = (typeof MANAGED_CHANNELS)[number];

export function isManaged(account: ChannelAccount): boolean {
  return (MANAGED_CHANNELS as readonly string[]).includes(account.channel);
}

/** Changing accounts is an administrator's job (the sender answers 403 to the others). */
export function canManage(role: string | undefined): boolean {
  return role === "owner" || role === "admin";
}

const DAILY_KINDS = new Set(["daily_limit_near", "daily_limit_reached"]);
const DAY_MS = 24 * 3600 * 1000;

/**
 * The alerts still worth a person's attention for one account, newest first: those since
 * it was last resumed (a resume answers the pause before it), one per kind, and the daily
 * limit ones only within their rolling 24 hours.
 */
export function currentAlerts(
  alerts: ChannelAlert[],
  accountId: string,
  now = Date.now(),
): ChannelAlert[] {
  const mine = alerts
    .filter((alert) => alert.channel_account_id === accountId)
    .sort((a, b) => b.occurred_at.localeCompare(a.occurred_at));
  const kinds = new Set<string>();
  const current: ChannelAlert[] = [];
  for (const alert of mine) {
    if (alert.kind === "resumed") break;
    if (kinds.has(alert.kind)) continue;
    if (DAILY_KINDS.has(alert.kind) && now - new Date(alert.occurred_at).getTime() > DAY_MS) {
      continue;
    }
    kinds.add(alert.kind);
    current.push(alert);
  }
  return current;
}

/** Serious alerts are red (sending stopped), the others orange. */
export function alertColor(kind: string): string {
  return kind === "token_expired" || kind === "spam_limit" || kind === "daily_limit_reached"
    ? "red"
    : "orange";
}

export function statusColor(status: string): string {
  if (status === "active") return "brand";
  if (status === "paused") return "orange";
  return "red";
}
