// The inbox's server state: query keys and the calls behind them.
import { inboxApi } from "../../api/inbox";
import type { ConversationPage, MessagePage } from "../../api/inbox";
import type { Problem } from "../../api/client";

export type ConversationFilter = "all" | "unread" | "mine" | "unassigned";

export const inboxKeys = {
  all: ["inbox"] as const,
  conversations: (filter: ConversationFilter, q: string) =>
    ["inbox", "conversations", filter, q] as const,
  messages: (conversationId: string) => ["inbox", "messages", conversationId] as const,
};

/** A failed inbox call, carrying the server's problem document. */
export class InboxError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | undefined,
  ) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
  }
  get code(): string | undefined {
    return this.problem?.code;
  }
}

function fail(response: Response, error: unknown): never {
  throw new InboxError(response.status, (error ?? undefined) as Problem | undefined);
}

export async function fetchConversations(
  filter: ConversationFilter,
  q: string,
  cursor: string | null,
): Promise<ConversationPage> {
  const { data, error, response } = await inboxApi.GET("/api/v1/inbox/conversations", {
    params: {
      query: {
        limit: 30,
        cursor: cursor ?? undefined,
        q: q || undefined,
        unread: filter === "unread" ? true : undefined,
        mine: filter === "mine" ? true : undefined,
        unassigned: filter === "unassigned" ? true : undefined,
      },
    },
  });
  if (!data) fail(response, error);
  return data;
}

export async function fetchMessages(conversationId: string): Promise<MessagePage> {
  const { data, error, response } = await inboxApi.GET(
    "/api/v1/inbox/conversations/{conversation_id}/messages",
    { params: { path: { conversation_id: conversationId }, query: { limit: 50 } } },
  );
  if (!data) fail(response, error);
  return data;
}

export async function markRead(conversationId: string): Promise<void> {
  const { error, response } = await inboxApi.POST(
    "/api/v1/inbox/conversations/{conversation_id}/read",
    { params: { path: { conversation_id: conversationId } } },
  );
  if (!response.ok) fail(response, error);
}

export type Reply =
  | { type: "text"; text: string }
  | { type: "template"; name: string; language: string; variables: string[] };

export async function sendReply(conversationId: string, reply: Reply) {
  const { data, error, response } = await inboxApi.POST(
    "/api/v1/inbox/conversations/{conversation_id}/messages",
    { params: { path: { conversation_id: conversationId } }, body: reply },
  );
  if (!data) fail(response, error);
  return data;
}
