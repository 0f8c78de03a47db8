// Who can own a lead (the company's users) and the tags to filter by, for the board's
// filters, its cards and the drawer. Agents may not list users (403): then owners show as
// "assigned" without a name, and the owner filter offers only the signed-in user.
import { useQuery } from "@tanstack/react-query";
import { useCallback } from "react";
import { sendWithSession } from "../../api/client";
import { fetchMe, fetchTeammates } from "../inbox/queries";

export interface Person {
  id: string;
  name: string;
}

export function usePeople() {
  const me = useQuery({ queryKey: ["auth", "me"], queryFn: fetchMe, staleTime: 60_000 });
  const teammates = useQuery({ queryKey: ["pipelines", "people"], queryFn: fetchTeammates, staleTime: 60_000, retry: false });
  const people: Person[] = teammates.data
    ? teammates.data.map((user) => ({ id: user.id, name: user.name || user.email }))
    : me.data?.user
      ? [{ id: me.data.user.id, name: me.data.user.name || me.data.user.email }]
      : [];
  const nameOf = useCallback(
    (userId: string | null): string | null => {
      if (!userId) return null;
      return people.find((person) => person.id === userId)?.name ?? "—";
    },
    [teammates.data, me.data],
  );
  return { people, nameOf };
}

export interface Tag {
  id: string;
  name: string;
  color?: string | null;
}

/** The company's tags (the crm's /api/v1/tags); none when it cannot say. */
export function useTags() {
  return useQuery({
    queryKey: ["pipelines", "tags"],
    queryFn: async (): Promise<Tag[]> => {
      const response = await sendWithSession(new Request(new URL("/api/v1/tags?limit=200", globalThis.location.origin)));
      if (!response.ok) return [];
      const body = (await response.json()) as { items?: Tag[] } | Tag[];
      return Array.isArray(body) ? body : (body.items ?? []);
    },
    staleTime: 60_000,
    retry: false,
  });
}
