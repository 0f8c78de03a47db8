// Inbox data as the crm answers it, for tests.
import type { Conversation } from "../../api/inbox";

export function conversation(overrides: Partial<Conversation> = {}): Conversation {
  return {
    id: "c0a1b2c3-0000-4000-8000-000000000001",
    channel: "whatsapp",
    channel_account_id: "a0a1b2c3-0000-4000-8000-000000000009",
    contact: { id: "d0a1b2c3-0000-4000-8000-000000000002", name: "Maria Silva", phone: "+5511999990001", user_id: null },
    last_message: { preview: "Oi, tudo bem?", direction: "in", at: new Date().toISOString(), status: null },
    unread_count: 0,
    assigned_user_id: null,
    status: "open",
    window: { open: true, closes_at: null },
    created_at: new Date().toISOString(),
    ...overrides,
  };
}
