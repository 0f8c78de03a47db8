// Channel accounts and alerts as the sender answers them, for tests.
import type { AccountLimits, ChannelAccount, ChannelAlert } from "../../api/channels";

const NOW = "2026-11-28T12:00:00Z";

export function whatsappAccount(overrides: Partial<ChannelAccount> = {}): ChannelAccount {
  return {
    id: "a0a1b2c3-0000-4000-8000-000000000001",
    channel: "whatsapp_cloud",
    display_name: "Vendas",
    status: "active",
    status_reason: null,
    phone_number: "+5511988880000",
    phone_number_id: "106540352242922",
    waba_id: "102290129340398",
    business_id: null,
    throughput_per_second: 80,
    messaging_tier: "250",
    access_token: { configured: true, last4: "x9Qz" },
    app_secret: { configured: true, last4: "ab12" },
    provider: null,
    account_sid: null,
    auth_token: null,
    from_number: null,
    messaging_service_sid: null,
    created_at: NOW,
    updated_at: NOW,
    ...overrides,
  };
}

export function smsAccount(overrides: Partial<ChannelAccount> = {}): ChannelAccount {
  return {
    ...whatsappAccount(),
    id: "a0a1b2c3-0000-4000-8000-000000000002",
    channel: "sms",
    display_name: "SMS avisos",
    phone_number: "+15005550006",
    phone_number_id: null,
    waba_id: null,
    throughput_per_second: null,
    messaging_tier: null,
    access_token: null,
    app_secret: null,
    provider: "twilio",
    account_sid: "AC0123456789abcdef0123456789abcdef",
    auth_token: { configured: true, last4: "7890" },
    from_number: "+15005550006",
    ...overrides,
  };
}

export function alert(overrides: Partial<ChannelAlert> = {}): ChannelAlert {
  return {
    id: "e0a1b2c3-0000-4000-8000-000000000001",
    channel_account_id: whatsappAccount().id,
    channel: "whatsapp_cloud",
    kind: "token_expired",
    message:
      "The provider refused the account's credentials (token expired). Sending is paused; enter a new access token, then resume the account.",
    details: {},
    occurred_at: new Date().toISOString(),
    ...overrides,
  };
}

export function limits(account: ChannelAccount, overrides: Partial<AccountLimits> = {}): AccountLimits {
  return {
    channel_account_id: account.id,
    portfolio: `account:${account.id}`,
    tier: account.channel === "sms" ? "unlimited" : "250",
    limit: account.channel === "sms" ? null : 250,
    used: account.channel === "sms" ? 0 : 120,
    remaining: account.channel === "sms" ? null : 130,
    resets_at: null,
    ...overrides,
  };
}
