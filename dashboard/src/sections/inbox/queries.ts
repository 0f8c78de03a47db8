// The inbox's server state: query keys and the calls behind them.
import type { InfiniteData, QueryClient } from "@tanstack/react-query";
import { api, throwApiError as fail } from "../../api/client";
import type { Schemas } from "../../api/client";
import { inboxApi } from "../../api/inbox";
import type { Conversation, ConversationPage, CrmSchemas, MessagePage } from "../../api/inbox";

export type Note = CrmSchemas["NoteOut"];
export type NotePage = CrmSchemas["Page_NoteOut_"];
export type ConversationStatus = CrmSchemas["ConversationStatus"];
export type Teammate = Schemas["UserOut"];
export type Team = Schemas["TeamOut"];

export type ConversationFilter = "all" | "unread" | "mine" | "unassigned";

export const inboxKeys = {
  all: ["inbox"] as const,
  conversations: (filter: ConversationFilter, q: string, teamId: string | null = null) =>
    ["inbox", "conversations", filter, q, teamId] as const,
  /** every list query, whatever its filter and search */
  lists: ["inbox", "conversations"] as const,
  conversation: (conversationId: string) => ["inbox", "conversation", conversationId] as const,
  /** an infinite query: pages of MessagePage, newest page first */
  messages: (conversationId: string) => ["inbox", "messages", conversationId] as const,
  notes: (conversationId: string) => ["inbox", "notes", conversationId] as const,
  teammates: ["inbox", "teammates"] as const,
  teams: ["inbox", "teams"] as const,
};

/** A failed inbox call: the one error class every API client throws. */
export { ApiError as InboxError } from "../../api/client";

/**
 * A page of the inbox. With a team, the filter narrows that team's conversations: "unassigned"
 * is then the team's conversations nobody took yet (the crm's unassigned means no user).
 */
export async function fetchConversations(
  filter: ConversationFilter,
  q: string,
  cursor: string | null,
  teamId: string | null = null,
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
        team_id: teamId ?? undefined,
      },
    },
  });
  if (!data) fail(response, error);
  return data;
}

export async function fetchConversation(conversationId: string): Promise<Conversation> {
  const { data, error, response } = await inboxApi.GET(
    "/api/v1/inbox/conversations/{conversation_id}",
    { params: { path: { conversation_id: conversationId } } },
  );
  if (!data) fail(response, error);
  return data;
}

export const MESSAGE_PAGE_SIZE = 50;

/** Newest first; `cursor` is the next_cursor of the newer page (older messages follow). */
export async function fetchMessages(
  conversationId: string,
  cursor: string | null = null,
): Promise<MessagePage> {
  const { data, error, response } = await inboxApi.GET(
    "/api/v1/inbox/conversations/{conversation_id}/messages",
    {
      params: {
        path: { conversation_id: conversationId },
        query: { limit: MESSAGE_PAGE_SIZE, cursor: cursor ?? undefined },
      },
    },
  );
  if (!data) fail(response, error);
  return data;
}

export async function assignConversation(
  conversationId: string,
  userId: string | null,
): Promise<Conversation> {
  const { data, error, response } = await inboxApi.POST(
    "/api/v1/inbox/conversations/{conversation_id}/assign",
    { params: { path: { conversation_id: conversationId } }, body: { user_id: userId } },
  );
  if (!data) fail(response, error);
  return data;
}

/** Puts the conversation in a team (null: in none); who holds it stays. Managers and above. */
export async function assignTeam(conversationId: string, teamId: string | null): Promise<Conversation> {
  const { data, error, response } = await inboxApi.POST(
    "/api/v1/inbox/conversations/{conversation_id}/assign",
    { params: { path: { conversation_id: conversationId } }, body: { team_id: teamId } },
  );
  if (!data) fail(response, error);
  return data;
}

export async function setConversationStatus(
  conversationId: string,
  status: ConversationStatus,
): Promise<Conversation> {
  const { data, error, response } = await inboxApi.POST(
    "/api/v1/inbox/conversations/{conversation_id}/status",
    { params: { path: { conversation_id: conversationId } }, body: { status } },
  );
  if (!data) fail(response, error);
  return data;
}

export async function fetchNotes(conversationId: string): Promise<NotePage> {
  const { data, error, response } = await inboxApi.GET(
    "/api/v1/inbox/conversations/{conversation_id}/notes",
    { params: { path: { conversation_id: conversationId }, query: { limit: 100 } } },
  );
  if (!data) fail(response, error);
  return data;
}

export async function addNote(conversationId: string, text: string): Promise<Note> {
  const { data, error, response } = await inboxApi.POST(
    "/api/v1/inbox/conversations/{conversation_id}/notes",
    { params: { path: { conversation_id: conversationId } }, body: { text } },
  );
  if (!data) fail(response, error);
  return data;
}

/** The company's users, to assign to. Managers and above may list them (agents get 403). */
export async function fetchTeammates(): Promise<Teammate[]> {
  const { data, error, response } = await api.GET("/api/v1/users", {
    params: { query: { limit: 200 } },
  });
  if (!data) fail(response, error);
  return data.items.filter((user) => !user.disabled);
}

/** The company's teams (every role may read them), by name. */
export async function fetchTeams(): Promise<Team[]> {
  const { data, error, response } = await api.GET("/api/v1/teams", {
    params: { query: { limit: 200 } },
  });
  if (!data) fail(response, error);
  return data.items;
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

/**
 * Changes a conversation wherever the cache shows it (its own query and every list), for an
 * optimistic update; returns what undoes it.
 */
export function patchConversation(
  queryClient: QueryClient,
  conversationId: string,
  patch: Partial<Conversation>,
): () => void {
  const detailKey = inboxKeys.conversation(conversationId);
  const previousDetail = queryClient.getQueryData<Conversation>(detailKey);
  const previousLists = queryClient.getQueriesData<InfiniteData<ConversationPage>>({
    queryKey: inboxKeys.lists,
  });
  if (previousDetail) queryClient.setQueryData<Conversation>(detailKey, { ...previousDetail, ...patch });
  queryClient.setQueriesData<InfiniteData<ConversationPage>>({ queryKey: inboxKeys.lists }, (data) =>
    data
      ? {
          ...data,
          pages: data.pages.map((page) => ({
            ...page,
            items: page.items.map((item) => (item.id === conversationId ? { ...item, ...patch } : item)),
          })),
        }
      : data,
  );
  return () => {
    if (previousDetail) queryClient.setQueryData(detailKey, previousDetail);
    for (const [key, data] of previousLists) queryClient.setQueryData(key, data);
  };
}

/** The signed-in user (the same query as auth/useMe, without needing the AuthProvider). */
export async function fetchMe() {
  const { data, error, response } = await api.GET("/api/v1/me");
  if (!data) fail(response, error);
  return data;
}
