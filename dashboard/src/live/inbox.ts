// What an inbox event means for the page: which queries to refetch. The crm publishes
// inbox.events.v1 only after committing the change, so a refetch on hearing it finds it.
// Events come in bursts (a campaign's statuses), so they are gathered for a moment and the
// affected queries are invalidated once: active ones refetch (the list, the open
// conversation), inactive ones are only marked stale and refetch when shown again.
import type { QueryClient, QueryKey } from "@tanstack/react-query";
import { inboxKeys } from "../sections/inbox/queries";
import type { LiveEvent } from "./client";

export const INBOX_TOPIC = "inbox.events.v1";

/** The payload of inbox.events.v1 (libs/common/src/mia_common/contracts/inbox.py). */
export interface InboxEventData {
  change: "message_created" | "message_status" | "conversation_updated";
  conversation_id: string;
  contact_id: string;
  message_id?: string | null;
  occurred_at: string;
}

export function inboxEventData(event: LiveEvent): InboxEventData | null {
  if (event.topic !== INBOX_TOPIC && event.type !== INBOX_TOPIC) return null;
  const data = event.data as Partial<InboxEventData> | null;
  if (!data || typeof data.conversation_id !== "string" || typeof data.change !== "string") return null;
  return data as InboxEventData;
}

/** The queries one inbox event makes stale. */
export function staleKeys(data: InboxEventData): QueryKey[] {
  const id = data.conversation_id;
  const keys: QueryKey[] = [inboxKeys.lists, inboxKeys.conversation(id)];
  if (data.change === "conversation_updated") keys.push(inboxKeys.notes(id));
  else keys.push(inboxKeys.messages(id));
  return keys;
}

const GATHER_MS = 100;

/** Invalidates what events make stale, at most once per GATHER_MS. */
export function inboxRefresher(queryClient: QueryClient) {
  const pending = new Map<string, QueryKey>();
  let timer: ReturnType<typeof setTimeout> | undefined;

  const flush = () => {
    timer = undefined;
    const keys = [...pending.values()];
    pending.clear();
    for (const queryKey of keys) void queryClient.invalidateQueries({ queryKey });
  };
  const add = (keys: QueryKey[]) => {
    for (const key of keys) pending.set(JSON.stringify(key), key);
    timer ??= setTimeout(flush, GATHER_MS);
  };

  return {
    event(event: LiveEvent) {
      const data = inboxEventData(event);
      if (data) add(staleKeys(data));
    },
    /** After a reconnect or a resync: anything may have changed. */
    everything() {
      add([inboxKeys.all]);
    },
    cancel() {
      clearTimeout(timer);
      pending.clear();
    },
  };
}
