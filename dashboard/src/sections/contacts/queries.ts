// The contacts section's server state: query keys shared by the list, the detail, the
// import wizard and the crm settings, and the lookups several of them need.
import { useQuery } from "@tanstack/react-query";
import { fetchUsers } from "../team/queries";
import { useAccess } from "../team/roles";
import { type ContactFilter, call, listCustomFields, listSegments, listTags } from "./crm";

export const contactKeys = {
  all: ["contacts"] as const,
  list: (q: string, cursor: string | null, filter: ContactFilter | null = null) =>
    ["contacts", "list", q, cursor, filter ? JSON.stringify(filter) : null] as const,
  detail: (contactId: string) => ["contacts", "detail", contactId] as const,
  conversations: (contactId: string) => ["contacts", "conversations", contactId] as const,
  count: (filter: ContactFilter | null) =>
    ["contacts", "count", filter ? JSON.stringify(filter) : null] as const,
  consent: (contactId: string) => ["contacts", "consent", contactId] as const,
  timeline: (contactId: string) => ["contacts", "timeline", contactId] as const,
  leads: (contactId: string) => ["contacts", "leads", contactId] as const,
  job: (jobId: string) => ["contacts", "job", jobId] as const,
  tags: ["crm", "tags"] as const,
  fields: ["crm", "custom-fields"] as const,
  segments: ["crm", "segments"] as const,
  settings: ["crm", "settings"] as const,
  users: ["crm", "users"] as const,
  stages: ["crm", "stages"] as const,
};

export const PAGE_SIZE = 25;

/** Who a contact is, for headings and rows: the name, else the phone, else the user id. */
export function contactLabel(contact: {
  name: string | null;
  phone: string | null;
  user_id: string | null;
}): string | null {
  return contact.name || contact.phone || contact.user_id;
}

export const useTags = () => useQuery({ queryKey: contactKeys.tags, queryFn: listTags });
export const useCustomFields = () =>
  useQuery({ queryKey: contactKeys.fields, queryFn: listCustomFields });
export const useSegments = () => useQuery({ queryKey: contactKeys.segments, queryFn: listSegments });

/** The company's users, for owners; only managers and above may list them (others see ids). */
export function useUsers() {
  const { canSeeUsers } = useAccess();
  return useQuery({
    queryKey: contactKeys.users,
    enabled: canSeeUsers,
    queryFn: async () => {
      const users: { id: string; name: string }[] = [];
      let cursor: string | null = null;
      do {
        const page: Awaited<ReturnType<typeof fetchUsers>> = await fetchUsers(cursor);
        users.push(...page.items.map((user) => ({ id: user.id, name: user.name || user.email })));
        cursor = page.next_cursor ?? null;
      } while (cursor);
      return users;
    },
  });
}

interface PipelineStages {
  id: string;
  name: string;
  stages: { id: string; name: string }[];
}

/** Every pipeline's stages, named "Pipeline · Stage", for the segment builder. */
export function useStages() {
  return useQuery({
    queryKey: contactKeys.stages,
    queryFn: async () => {
      const page = await call<{ items: PipelineStages[] }>("GET", "/api/v1/pipelines", {
        query: { limit: 100 },
      });
      return page.items.flatMap((pipeline) =>
        (pipeline.stages ?? []).map((stage) => ({
          id: stage.id,
          name: `${pipeline.name} · ${stage.name}`,
          pipeline_id: pipeline.id,
        })),
      );
    },
  });
}
