// Inbox data as the crm answers it, for tests.
import type { Conversation, Message } from "../../api/inbox";

export function conversation(overrides: Partial<Conversation> = {}): Conversation {
  return {
    id: "c0a1b2c3-0000-4000-8000-000000000001",
    channel: "whatsapp",
    channel_account_id: "a0a1b2c3-0000-4000-8000-000000000009",
    contact: { id: "d0a1b2c3-0000-4000-8000-000000000002", name: "Maria Silva", phone: "+5511999990001", user_id: null },
    last_message: { preview: "Oi, tudo bem?", direction: "in", at: new Date().toISOString(), status: null },
    unread_count: 0,
    assigned_user_id: null,
    assigned_team_id: null,
    status: "open",
    window: { open: true, closes_at: null },
    created_at: new Date().toISOString(),
    ...overrides,
  };
}

export function message(id: string, text: string, overrides: Partial<Message> = {}): Message {
  const at = "2026-11-28T12:00:00Z";
  return {
    id,
    conversation_id: "c0a1b2c3-0000-4000-8000-000000000001",
    direction: "in",
    kind: "text",
    text,
    media: null,
    status: null,
    status_timeline: [],
    error: null,
    external_message_id: null,
    extra: {},
    reply_to_external_id: null,
    sent_by_user_id: null,
    created_at: at,
    occurred_at: at,
    ...overrides,
  };
}
